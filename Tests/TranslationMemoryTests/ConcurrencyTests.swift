import Foundation
import XCTest
@testable import TranslationMemory
import GRDB

/// Several connections (as several processes have) on one memory, and `verify`.
final class ConcurrencyTests: XCTestCase {
    /// Eight connections create the same new memory at once and each adds a unit: every one
    /// succeeds and every unit is there (two processes creating a memory both ran its first
    /// migration: "table dup_delta already exists", and one unit was not stored).
    func testConnectionsCreatingOneMemoryAtOnceAllSucceed() throws {
        for round in 0..<5 {
            let path = temporaryMemoryPath("new\(round)")
            let errors = ErrorList()
            DispatchQueue.concurrentPerform(iterations: 8) { i in
                do {
                    let store = try MemoryStore(path: path, create: true)
                    try store.add([pair("Sentence \(i) of round \(round).", "Предложение \(i).")])
                } catch {
                    errors.append("\(i): \(error)")
                }
            }
            XCTAssertEqual(errors.items, [], "round \(round)")
            let store = try MemoryStore(path: path, create: false)
            XCTAssertEqual(try store.stats().units, 8, "round \(round)")
            XCTAssertTrue(try store.verify().ok)
        }
    }

    /// Writers on several connections while a large write runs: each write either waits and is
    /// stored, or fails naming the memory; nothing acknowledged is lost, and the index agrees.
    func testWritesOnOtherConnectionsDuringALargeImportAreAllKept() throws {
        let path = temporaryMemoryPath()
        _ = try MemoryStore(path: path, create: true)
        let acknowledged = ErrorList()
        let failures = ErrorList()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            do {
                let big = try MemoryStore(path: path, create: false)
                try big.write(bulk: true) { w in
                    try w.add((0..<40_000).map { pair("Bulk sentence number \($0) of the import.", "Массовое предложение \($0).") })
                }
            } catch { failures.append("import: \(error)") }
        }
        for i in 0..<12 {
            DispatchQueue.global().async(group: group) {
                do {
                    let s = try MemoryStore(path: path, create: true)
                    try s.add([pair("Added by hand \(i).", "Добавлено вручную \(i).")])
                    acknowledged.append("Added by hand \(i).")
                } catch { failures.append("add \(i): \(error)") }
            }
        }
        group.wait()
        XCTAssertEqual(failures.items.filter { !$0.contains("another process has been writing") }, [])
        let store = try MemoryStore(path: path, create: false)
        for src in acknowledged.items {
            let hits = try store.lookup(src, sourceLanguage: "en", targetLanguage: "ru", options: LookupOptions(threshold: 100))
            XCTAssertEqual(hits.count, 1, src)
        }
        XCTAssertEqual(try store.stats().units, 40_000 + acknowledged.items.count)
        XCTAssertTrue(try store.verify().ok)
    }

    func testVerifyFindsDamageAndRepairRebuildsWhatIsDerived() throws {
        let path = temporaryMemoryPath()
        let store = try MemoryStore(path: path, create: true)
        try store.add((0..<300).map { pair("The minister said \($0) things today.", "Министр сказал \($0) вещей сегодня.") })
        try store.add([pair("One small unit.", "Одна маленькая единица.")]) // (its keys go to the side tables)
        XCTAssertTrue(try store.verify().ok)
        let before = try store.lookup("The minister said 7 things yesterday.", sourceLanguage: "en", targetLanguage: "ru").map(\.unit.id)

        let q = try DatabaseQueue(path: path)
        let deltaKeys = try q.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM dup_delta") ?? 0 }
        XCTAssertGreaterThan(deltaKeys, 0)
        try q.write { db in
            try db.execute(sql: "DELETE FROM posting WHERE key = 'minister'")
            try db.execute(sql: "DELETE FROM dup_delta")
            try db.execute(sql: "UPDATE unit SET search = 'nothing' WHERE id = 5")
        }
        var r = try store.verify()
        XCTAssertFalse(r.ok)
        let kinds = Set(r.problems.map(\.kind))
        XCTAssertTrue(kinds.contains("posting lists missing"), "\(kinds)")
        XCTAssertTrue(kinds.contains("duplicate keys missing"), "\(kinds)")
        XCTAssertTrue(kinds.contains("units whose search text is not their variants'"), "\(kinds)")
        XCTAssertEqual(r.problems.first { $0.kind == "duplicate keys missing" }?.count, deltaKeys)

        r = try store.verify(repair: true)
        XCTAssertTrue(r.repaired)
        XCTAssertTrue(r.ok, "\(r.problems)")
        XCTAssertEqual(try store.lookup("The minister said 7 things yesterday.", sourceLanguage: "en", targetLanguage: "ru").map(\.unit.id), before)
        XCTAssertEqual(try store.concordance("министр сказал 5 вещей", sourceLanguage: "ru", targetLanguage: "en").count, 1)
        // Duplicates are found again through the rebuilt keys.
        XCTAssertEqual(try store.add([pair("One small unit.", "Одна маленькая единица.")]).merged, 1)

        // A unit that does not decode is reported, and repair cannot make it whole.
        try q.write { db in try db.execute(sql: "UPDATE unit SET data = x'FFFFFFFF' WHERE id = 3") }
        r = try store.verify(repair: true)
        XCTAssertFalse(r.ok)
        XCTAssertEqual(r.problems.map(\.kind), ["units that do not decode"])
    }
}

/// Strings gathered from several threads.
final class ErrorList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func append(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
    var items: [String] { lock.lock(); defer { lock.unlock() }; return list.sorted() }
}
