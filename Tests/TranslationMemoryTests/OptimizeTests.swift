import Foundation
import GRDB
import XCTest
@testable import TranslationMemory

/// `MemoryStore.optimize`: the side tables merged into the main ones and every list stored as one
/// part, with the same keys, lists and lookups as before.
final class OptimizeTests: XCTestCase {
    private func count(_ store: MemoryStore, _ sql: String) throws -> Int {
        try store.db.read { try Int.fetchOne($0, sql: sql) ?? 0 }
    }

    private func lookups(_ store: MemoryStore, exhaustive: Bool = false) throws -> [[String]] {
        var options = LookupOptions(threshold: 30, limit: 20)
        options.exhaustive = exhaustive
        return try ["cannot open the file xh", "save the new folder xbc", "ошибка чтение ыbe файл"].map { q in
            let lang = q.contains("ы") ? ("ru", "en") : ("en", "ru")
            return try store.lookup(q, sourceLanguage: lang.0, targetLanguage: lang.1, options: options).map { "\($0.unit.id ?? -1) \($0.score)" }
        }
    }

    func testOptimizeMergesSideTablesAndPartsAndLookupsStayTheSame() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        // A large write flushed often (lists of many parts), then small writes (side tables), one
        // with removals of units whose entries are in either table.
        try store.write { w in
            w.postingFlushLimit = 400
            for b in 0..<20 { try w.add((0..<50).map { PostingFlushTests.unit(b * 50 + $0) }) }
        }
        try store.write { w in try w.add((1000..<1100).map { PostingFlushTests.unit($0) }) }
        try store.write { w in
            for id in [3, 1010] { XCTAssertTrue(try w.remove(id: Int64(id))) }
            try w.add([PostingFlushTests.unit(5000)])
        }
        let dupDelta = try count(store, "SELECT count(*) FROM dup_delta")
        let partsDelta = try count(store, "SELECT count(*) FROM posting_delta")
        let split = try count(store, """
            SELECT count(*) FROM (SELECT lang_key, key FROM (SELECT lang_key, key FROM posting UNION ALL SELECT lang_key, key FROM posting_delta)
            GROUP BY lang_key, key HAVING count(*) > 1)
            """)
        XCTAssertGreaterThan(dupDelta, 300)
        XCTAssertGreaterThan(partsDelta, 100)
        XCTAssertGreaterThan(split, 100)
        let keys = try allKeys(store), before = try lists(store), found = try lookups(store)
        XCTAssertFalse(found.allSatisfy(\.isEmpty))

        let r = try store.optimize()
        XCTAssertEqual(r.duplicateKeysMerged, dupDelta)
        XCTAssertEqual(r.deltaPartsMerged, partsDelta)
        XCTAssertEqual(r.listsRewritten, split)
        XCTAssertEqual(r.partsAfter, before.count, "one part a list")
        XCTAssertGreaterThan(r.partsBefore, r.partsAfter)
        XCTAssertTrue(r.compacted)
        XCTAssertLessThanOrEqual(r.bytesAfter, r.bytesBefore)
        XCTAssertEqual(try count(store, "SELECT count(*) FROM dup_delta"), 0)
        XCTAssertEqual(try count(store, "SELECT count(*) FROM posting_delta"), 0)
        XCTAssertEqual(try count(store, "SELECT count(*) FROM posting WHERE part != 0"), 0)
        let keysAfter = try allKeys(store)
        XCTAssertEqual(keysAfter.count, keys.count)
        XCTAssertTrue(keysAfter == keys, "keys that differ: \(Set(keys).symmetricDifference(keysAfter).prefix(5))")
        let after = try lists(store)
        XCTAssertEqual(after.count, before.count)
        XCTAssertEqual(Set(after.keys).filter { after[$0] != before[$0] }.count, 0)
        XCTAssertEqual(try lookups(store), found)
        XCTAssertEqual(try lookups(store, exhaustive: true), found)

        // Nothing left to do the second time.
        let again = try store.optimize(compact: false)
        XCTAssertEqual([again.duplicateKeysMerged, again.deltaPartsMerged, again.listsRewritten], [0, 0, 0])
        XCTAssertEqual(again.partsBefore, again.partsAfter)

        // Later writes find the merged keys (a duplicate merged, a removed unit's text added anew) and
        // use the side tables again. (Unit i of the first write has id i + 1: id 3 was unit 2.)
        let w = try store.write { w in try w.add([PostingFlushTests.unit(7), PostingFlushTests.unit(2), PostingFlushTests.unit(6000)]) }
        XCTAssertEqual(w.merged, 1)
        XCTAssertEqual(w.added, 2)
        XCTAssertGreaterThan(try count(store, "SELECT count(*) FROM dup_delta"), 0)
        XCTAssertEqual(try lookups(store), try lookups(store, exhaustive: true))
    }

    /// Another connection reading the memory meanwhile (WAL): it keeps its snapshot, and the merge
    /// and the compaction go ahead.
    func testOptimizeWhileAnotherConnectionReads() throws {
        let path = temporaryMemoryPath()
        let store = try MemoryStore(path: path, create: true)
        try store.write { w in try w.add((0..<300).map { PostingFlushTests.unit($0) }) }
        try store.write { w in try w.add((300..<320).map { PostingFlushTests.unit($0) }) }
        let held = try count(store, "SELECT count(*) FROM posting_delta")
        XCTAssertGreaterThan(held, 0)
        let other = try DatabaseQueue(path: path)
        try other.inDatabase { db in
            try db.execute(sql: "BEGIN")
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM posting_delta"), held)
            let r = try store.optimize()
            XCTAssertEqual(r.deltaPartsMerged, held)
            XCTAssertTrue(r.compacted)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM posting_delta"), held, "the reader's snapshot")
            try db.execute(sql: "COMMIT")
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM posting_delta"), 0)
        }
        XCTAssertEqual(try lookups(store), try lookups(store, exhaustive: true))
    }

    /// Another connection holding the write lock past the busy timeout (10 s): the write fails with
    /// an error that names the memory, and nothing is changed.
    func testAWriteThatWaitsTooLongNamesTheMemory() throws {
        let path = temporaryMemoryPath()
        let store = try MemoryStore(path: path, create: true)
        try store.write { w in try w.add((0..<10).map { PostingFlushTests.unit($0) }) }
        let other = try DatabaseQueue(path: path)
        try other.inDatabase { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            XCTAssertThrowsError(try store.write { w in try w.add([PostingFlushTests.unit(99)]) }) { error in
                XCTAssertEqual("\(error)", "\(path): another process has been writing to this memory for 10 seconds; nothing was changed, try again when it is done")
            }
            try db.execute(sql: "COMMIT")
        }
        XCTAssertEqual(try count(store, "SELECT count(*) FROM unit"), 10)
    }
}
