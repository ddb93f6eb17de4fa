import Foundation
import XCTest
import MemoryStores

/// An unreachable server, a wrong password, a missing database, a database without tmkit's
/// schema or with other tables, a schema newer than the program: a clear error, nothing written.
final class BadDatabaseTests: XCTestCase {
    struct PSQLFailed: Error { let message: String }

    /// Runs SQL with psql on the test server's database `database` (as the test role).
    @discardableResult
    func psql(_ sql: String, database: String = "tmkit") throws -> String { try Self.psql(sql, database: database) }

    /// Runs SQL with psql on the test server's database `database` (as the test role).
    @discardableResult
    static func psql(_ sql: String, database: String = "tmkit") throws -> String {
        let url = try StoreConformanceTests.baseURL()
        let loc = try PostgresLocation(url: url)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h", loc.host, "-p", String(loc.port), "-U", loc.user, "-d", database, "-c", sql]
        var env = ProcessInfo.processInfo.environment
        env["PGPASSWORD"] = loc.password
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw PSQLFailed(message: errors) }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func location(database: String = "tmkit", password: String? = nil, port: Int? = nil, memory: String = "bad") throws -> PostgresLocation {
        var loc = try PostgresLocation(url: try StoreConformanceTests.baseURL() + "?memory=\(memory)")
        loc.database = database
        if let password { loc.password = password }
        if let port { loc.port = port }
        return loc
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "no error"
    }

    /// A database of its own for a test, dropped after it.
    func freshDatabase(_ name: String) throws -> String {
        let db = "tmkit_\(name)_\(UUID().uuidString.prefix(6).lowercased())"
        try psql("CREATE DATABASE \(db)")
        addTeardownBlock { [self] in _ = try? psql("DROP DATABASE IF EXISTS \(db) WITH (FORCE)") }
        return db
    }

    func testUnreachableServerWrongPasswordAndMissingDatabaseAreSaid() throws {
        // A port nothing listens on.
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) } }
        let freePort = Int(UInt16(bigEndian: addr.sin_port))
        close(s)
        let unreachable = message { _ = try PostgresMemory(location: try location(port: freePort), create: true) }
        XCTAssertTrue(unreachable.hasPrefix("cannot reach PostgreSQL at 127.0.0.1:\(freePort)"), unreachable)
        let refused = message { _ = try PostgresMemory(location: try location(password: "not-the-password"), create: true) }
        XCTAssertTrue(refused.contains("refused user 'tmkit'") && refused.contains("password authentication failed"), refused)
        XCTAssertFalse(refused.contains("not-the-password"), "the password is never shown")
        let missing = message { _ = try PostgresMemory(location: try location(database: "no_such_db"), create: true) }
        XCTAssertTrue(missing.contains("has no database 'no_such_db'"), missing)
    }

    func testADatabaseWithoutTheSchemaIsNotWrittenTo() throws {
        let empty = try freshDatabase("empty")
        let read = message { _ = try PostgresMemory(location: try location(database: empty), create: false) }
        XCTAssertTrue(read.contains("has no tmkit schema"), read)
        XCTAssertEqual(try psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", database: empty), "0")
        // A database with tables of another application: a write refuses, and leaves it as it was.
        let other = try freshDatabase("other")
        try psql("CREATE TABLE invoices (id int)", database: other)
        let write = message { _ = try PostgresMemory(location: try location(database: other), create: true) }
        XCTAssertTrue(write.contains("has no tmkit schema but other tables (public.invoices") && write.contains("nothing was written"), write)
        XCTAssertEqual(try psql("SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'", database: other), "invoices")
        // `tm init` adds them there when asked.
        let m = try PostgresMemory(location: try location(database: other), create: true, initialize: true)
        XCTAssertEqual(try m.count(), 0)
        XCTAssertEqual(try psql("SELECT version FROM tmkit_schema", database: other), "2")
    }

    func testANewerSchemaIsRefused() throws {
        let db = try freshDatabase("newer")
        let m = try PostgresMemory(location: try location(database: db), create: true)
        _ = try m.add([TranslationUnit(variants: [Variant(language: "en", text: "Kept."), Variant(language: "ru", text: "Сохранено.")])])
        try psql("UPDATE tmkit_schema SET version = 99", database: db)
        let newer = message { _ = try PostgresMemory(location: try location(database: db), create: true) }
        XCTAssertTrue(newer.contains("version 99, newer than this tmkit's (2)"), newer)
        XCTAssertEqual(try psql("SELECT count(*) FROM tmkit_unit", database: db), "1")
        let none = message { _ = try PostgresMemory(location: try location(database: db, memory: "absent"), create: false) }
        XCTAssertTrue(none.contains("newer"), none)
    }

    func testAMissingMemoryNamesTheOthers() throws {
        let db = try freshDatabase("names")
        _ = try PostgresMemory(location: try location(database: db, memory: "news"), create: true)
        _ = try PostgresMemory(location: try location(database: db, memory: "ui"), create: true)
        let missing = message { _ = try PostgresMemory(location: try location(database: db, memory: "sport"), create: false) }
        XCTAssertTrue(missing.contains("has no memory 'sport' (its memories: news, ui)"), missing)
    }

    /// A database of schema version 1 (memories only, as tmkit wrote before glossaries) is
    /// migrated once, under the advisory lock, by whichever process opens it first; its memories
    /// stay as they were.
    func testAVersionOneDatabaseIsMigratedOnceAndKeepsItsMemories() throws {
        let db = try freshDatabase("migrate")
        let m = try PostgresMemory(location: try location(database: db, memory: "news"), create: true)
        _ = try m.add([TranslationUnit(variants: [Variant(language: "en", text: "Kept."), Variant(language: "ru", text: "Сохранено.")])])
        // What version 1 had: no glossary tables.
        try psql("DROP TABLE tmkit_term, tmkit_entry, tmkit_glossary; UPDATE tmkit_schema SET version = 1", database: db)
        var glossaryURL = try location(database: db, memory: "x")
        glossaryURL.name = "terms"
        let missing = message { _ = try PostgresGlossary(location: glossaryURL, create: false) }
        XCTAssertTrue(missing.contains("has no glossary 'terms' (it has none yet"), missing)
        XCTAssertEqual(try psql("SELECT version FROM tmkit_schema", database: db), "2")
        let failures = ErrorBox()
        let shared = glossaryURL
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            do {
                let g = try PostgresGlossary(location: shared, create: true)
                try g.add(source: Term(language: "en", text: "term \(i)"), target: Term(language: "ru", text: "термин \(i)"))
            } catch { failures.set(error) }
        }
        XCTAssertNil(failures.error.map { "\($0)" })
        XCTAssertEqual(try psql("SELECT count(*) FROM tmkit_glossary", database: db), "1")
        XCTAssertEqual(try psql("SELECT count(*) FROM tmkit_entry", database: db), "4")
        XCTAssertEqual(try PostgresMemory(location: try location(database: db, memory: "news"), create: false).unit(id: 1)?.variants.map(\.text), ["Kept.", "Сохранено."])
        let other = message { _ = try PostgresGlossary(location: { var l = glossaryURL; l.name = "sport"; return l }(), create: false) }
        XCTAssertTrue(other.contains("has no glossary 'sport' (its glossaries: terms)"), other)
    }

    /// A first large import refreshes the planner's statistics at once (a planner that thinks the
    /// tables empty scans them whole at every lookup until autovacuum comes); a small write does not.
    func testALargeFirstImportRefreshesThePlannersStatistics() throws {
        let db = try freshDatabase("analyze")
        let m = try PostgresMemory(location: try location(database: db, memory: "big"), create: true)
        _ = try m.add([TranslationUnit(variants: [Variant(language: "en", text: "One."), Variant(language: "ru", text: "Один.")])])
        XCTAssertEqual(try psql("SELECT last_analyze IS NULL FROM pg_stat_user_tables WHERE relname = 'tmkit_unit'", database: db), "t")
        let units = (0..<6000).map { TranslationUnit(variants: [Variant(language: "en", text: "Sentence number \($0) of the import."),
                                                               Variant(language: "ru", text: "Предложение номер \($0) импорта.")]) }
        _ = try m.add(units)
        for table in ["tmkit_unit", "tmkit_posting", "tmkit_dupkey"] {
            XCTAssertEqual(try psql("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = '\(table)'", database: db), "t", table)
        }
        XCTAssertEqual(try psql("SELECT reltuples >= 6000 FROM pg_class WHERE relname = 'tmkit_unit'", database: db), "t")
    }

    /// Processes starting together on a new database create the schema once (advisory lock).
    func testTheSchemaIsCreatedOnceByProcessesStartingTogether() throws {
        let db = try freshDatabase("race")
        let loc = try location(database: db, memory: "shared")
        let failures = ErrorBox()
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            do {
                let m = try PostgresMemory(location: loc, create: true)
                _ = try m.add([TranslationUnit(variants: [Variant(language: "en", text: "Process \(i)."), Variant(language: "ru", text: "Процесс \(i).")])])
            } catch { failures.set(error) }
        }
        XCTAssertNil(failures.error.map { "\($0)" })
        XCTAssertEqual(try psql("SELECT count(*) FROM tmkit_unit", database: db), "8")
        XCTAssertEqual(try psql("SELECT count(*) FROM tmkit_memory", database: db), "1")
    }

    func testURLsAreCheckedAndPasswordsHidden() throws {
        XCTAssertThrowsError(try PostgresLocation(url: "postgres://u@h:5432/?memory=x"))
        XCTAssertThrowsError(try PostgresLocation(url: "postgres://u@h:5432/db?memroy=x"))
        let l = try PostgresLocation(url: "postgresql://anna:s3cret@db.example:6543/tm?memory=news&sslmode=require")
        XCTAssertEqual(l.description, "postgres://anna@db.example:6543/tm?memory=news")
        XCTAssertEqual(l.password, "s3cret")
        XCTAssertEqual(l.sslMode, .require)
        XCTAssertFalse(PostgresLocation.redacted("postgres://anna:s3cret@h/db").contains("s3cret"))
    }
}
