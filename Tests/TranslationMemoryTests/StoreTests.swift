import Foundation
import XCTest
@testable import TranslationMemory
import GRDB

func temporaryMemoryPath(_ name: String = "m") -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tmkit-tm-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent("\(name).tmdb").path
}

func pair(_ en: String, _ ru: String, key: String? = nil) -> TranslationUnit {
    TranslationUnit(variants: [Variant(language: "en", text: en), Variant(language: "ru", text: ru)], originKey: key)
}

final class StoreTests: XCTestCase {
    func testDuplicatesMergeAndAlternativesAreKept() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        var r = try store.add([pair("Subscribe", "Подписаться")])
        XCTAssertEqual(r.added, 1)
        // Same source and target after normalization (white space): merged, with the new note.
        var again = pair("Subscribe ", "Подписаться")
        again.notes = ["nav bar"]
        r = try store.add([again])
        XCTAssertEqual(r.merged, 1)
        XCTAssertEqual(try store.stats().units, 1)
        XCTAssertEqual(try store.units().first?.notes, ["nav bar"])
        // The merge rewrote the unit's header only: its variants, search text and index are as they were.
        XCTAssertEqual(try store.units().first?.variants.map(\.text), ["Subscribe", "Подписаться"])
        XCTAssertEqual(try store.concordance("ПОДПИСАТЬ", sourceLanguage: "en", targetLanguage: "ru", searchTarget: true).count, 1)
        XCTAssertEqual(try store.lookup("Subscribe", sourceLanguage: "en", targetLanguage: "ru").first?.score, 100)
        // Another target: an alternative.
        r = try store.add([pair("Subscribe", "Подписка")])
        XCTAssertEqual(r.alternatives, 1)
        let ms = try store.lookup("Subscribe", sourceLanguage: "en", targetLanguage: "ru")
        XCTAssertEqual(Set(ms.compactMap { $0.target?.text }), ["Подписаться", "Подписка"])
        // Overwrite replaces the first unit's target instead.
        r = try store.add([pair("Subscribe", "Оформить подписку")], overwrite: true)
        XCTAssertEqual(r.replaced, 1)
        XCTAssertEqual(try store.stats().units, 2)
        let after = try store.lookup("Subscribe", sourceLanguage: "en", targetLanguage: "ru").compactMap { $0.target?.text }
        XCTAssertEqual(Set(after), ["Оформить подписку", "Подписка"])
    }

    func testAFailedImportLeavesNoUnitBehind() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        try store.add([pair("Before", "До")])
        struct Boom: Error {}
        XCTAssertThrowsError(try store.write { w in
            for i in 0..<500 { try w.add(pair("Sentence number \(i) of the import", "Предложение \(i)")) }
            throw Boom()
        })
        XCTAssertEqual(try store.stats().units, 1)
        XCTAssertTrue(try store.lookup("Sentence number 3 of the import", sourceLanguage: "en", targetLanguage: "ru").isEmpty)
        // The index holds nothing of the rolled-back units either.
        let reopened = try MemoryStore(path: store.path, create: false)
        XCTAssertEqual(try reopened.lookup("Before", sourceLanguage: "en", targetLanguage: "ru").first?.score, 100)
    }

    func testAStreamedImportThatFailsLeavesNoUnitBehind() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        try store.add([pair("Before", "До")])
        struct Boom: Error {}
        // The reader fails after several batches were prepared and stored.
        XCTAssertThrowsError(try store.write(bulk: true) { w in
            try w.addStreaming(batchSize: 100, depth: 3) { emit in
                for i in 0..<1000 { try emit(pair("Sentence number \(i) of the import", "Предложение \(i)")) }
                throw Boom()
            }
        }) { XCTAssertTrue($0 is Boom, "\($0)") }
        XCTAssertEqual(try store.stats().units, 1)
        // A unit that cannot be stored ends the reader as well.
        XCTAssertThrowsError(try store.write(bulk: true) { w in
            try w.addStreaming(batchSize: 100, depth: 3) { emit in
                for i in 0..<100_000 { try emit(i == 250 ? TranslationUnit(variants: []) : pair("Sentence \(i)", "Предложение \(i)")) }
            }
        }) { XCTAssertTrue("\($0)".contains("at least one variant"), "\($0)") }
        XCTAssertEqual(try store.stats().units, 1)
        XCTAssertTrue(try store.lookup("Sentence number 3 of the import", sourceLanguage: "en", targetLanguage: "ru").isEmpty)
    }

    func testRemoveTakesTheUnitOutOfTheIndex() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        try store.add([pair("Log in or register", "Войдите или зарегистрируйтесь"), pair("Log in", "Войти")])
        let id = try XCTUnwrap(store.lookup("Log in", sourceLanguage: "en", targetLanguage: "ru").first?.unit.id)
        XCTAssertTrue(try store.remove(id: id))
        XCTAssertFalse(try store.remove(id: id))
        let left = try store.lookup("Log in", sourceLanguage: "en", targetLanguage: "ru", options: LookupOptions(threshold: 30))
        XCTAssertEqual(left.map(\.source.text), ["Log in or register"])
    }

    func testLanguageTagsMatchCaseInsensitivelyAndByPrefix() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        try store.add([TranslationUnit(variants: [Variant(language: "EN-us", text: "Color"), Variant(language: "de-de", text: "Farbe")])])
        let u = try XCTUnwrap(store.units().first)
        XCTAssertEqual(u.variants.map(\.language), ["en-US", "de-DE"])
        XCTAssertEqual(try store.lookup("Color", sourceLanguage: "en", targetLanguage: "de").count, 1)
        XCTAssertEqual(try store.lookup("Color", sourceLanguage: "en-us", targetLanguage: "DE-DE").count, 1)
        // Another region of the language: a fallback, said in the match (issue 24).
        let gb = try store.lookup("Color", sourceLanguage: "en-GB", targetLanguage: "de")
        XCTAssertEqual(gb.count, 1)
        XCTAssertEqual(gb.first?.languageFallback, true)
        XCTAssertEqual(try store.lookup("Color", sourceLanguage: "en-us", targetLanguage: "de").first?.languageFallback, false)
        XCTAssertEqual(try store.lookup("Color", sourceLanguage: "fr", targetLanguage: "de").count, 0)
    }

    func testContextMatchScores101() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        var u = pair("Subscribe", "Подписаться")
        u.contextPrevious = "World"
        u.contextNext = "Newsfeed"
        try store.add([u])
        var o = LookupOptions()
        o.contextPrevious = "World"
        o.contextNext = "Newsfeed"
        XCTAssertEqual(try store.lookup("Subscribe", sourceLanguage: "en", targetLanguage: "ru", options: o).first?.score, 101)
        o.contextNext = "Other"
        XCTAssertEqual(try store.lookup("Subscribe", sourceLanguage: "en", targetLanguage: "ru", options: o).first?.score, 100)
    }

    func testConcordanceIgnoresCaseAndDiacritics() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        try store.add([pair("The Islamic State group", "группировка «Исламское государство»"),
                       pair("A café in Moscow", "Кафе в Москве, ёлка"), pair("Nothing here", "Ничего")])
        let hits = try store.concordance("ISLAMIC state", sourceLanguage: "en", targetLanguage: "ru")
        XCTAssertEqual(hits.map(\.source.text), ["The Islamic State group"])
        XCTAssertEqual(String(hits[0].source.text[hits[0].ranges[0]]), "Islamic State")
        XCTAssertEqual(try store.concordance("cafe", sourceLanguage: "en", targetLanguage: "ru").count, 1)
        let ru = try store.concordance("елка", sourceLanguage: "en", targetLanguage: "ru", searchTarget: true)
        XCTAssertEqual(ru.first.map { String($0.target!.text[$0.ranges[0]]) }, "ёлка")
    }

    func testNotAMemoryAndNewerSchemaAreRefused() throws {
        let path = temporaryMemoryPath()
        try Data("hello, not sqlite at all".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try MemoryStore(path: path, create: true)) { XCTAssertTrue("\($0)".contains("not a tmkit memory"), "\($0)") }
        XCTAssertThrowsError(try MemoryStore(path: temporaryMemoryPath(), create: false)) { XCTAssertTrue("\($0)".contains("no memory here"), "\($0)") }
        let newer = temporaryMemoryPath()
        _ = try MemoryStore(path: newer, create: true)
        let s = try MemoryStore(path: newer, create: false)
        try s.db.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99')") }
        XCTAssertThrowsError(try MemoryStore(path: newer, create: false)) { XCTAssertTrue("\($0)".contains("newer tmkit"), "\($0)") }
    }

    /// Bulk adds (pipelined, duplicate check through the in-memory set of stored texts) must decide
    /// exactly as one-by-one adds do: same report, same units, same index.
    func testBulkAddsDeduplicateLikeSingleAdds() throws {
        var rng = RecallTests.RNG(state: 7)
        var units: [TranslationUnit] = []
        for i in 0..<6000 {
            let n = Int.random(in: 0..<2000, using: &rng)   // many sources come back
            let target = Int.random(in: 0..<4, using: &rng) == 0 ? "вариант \(n % 7)" : "перевод \(n)"
            units.append(pair("Sentence \(n) of the bulk test" + (i % 5 == 0 ? " " : ""), target))
            if i % 7 == 0 { // the same pair the other way round: its Russian side is a source too
                units.append(TranslationUnit(variants: [Variant(language: "ru", text: target), Variant(language: "en", text: "Sentence \(n) of the bulk test")]))
            }
            if i % 13 == 0 { // a unit of the source alone (a TMX tu with one tuv)
                units.append(TranslationUnit(variants: [Variant(language: "en", text: "Sentence \(n) of the bulk test")]))
            }
            if i % 11 == 0 { // and a unit in three languages
                units.append(TranslationUnit(variants: [Variant(language: "en", text: "Sentence \(n) of the bulk test"), Variant(language: "ru", text: target),
                                                        Variant(language: "de", text: "Satz \(n)")]))
            }
        }
        let seed = [pair("Sentence 12 of the bulk test", "перевод 12"), pair("Sentence 99 of the bulk test", "другой")]
        let one = try MemoryStore(path: temporaryMemoryPath(), create: true)
        let bulk = try MemoryStore(path: temporaryMemoryPath(), create: true)
        try one.add(seed)
        try bulk.add(seed)
        let r1 = try one.write { w in for u in units { try w.add(u) } }
        let r2 = try bulk.write(bulk: true) { w in
            for start in stride(from: 0, to: units.count, by: 1000) { try w.add(Array(units[start..<min(start + 1000, units.count)])) }
        }
        XCTAssertEqual(r1, r2)
        // Read on a thread of its own (`addStreaming`, as the CLI imports files): the same again.
        let streamed = try MemoryStore(path: temporaryMemoryPath(), create: true)
        try streamed.add(seed)
        let r3 = try streamed.write(bulk: true) { w in
            try w.addStreaming(batchSize: 700, depth: 2) { emit in for u in units { try emit(u) } }
        }
        XCTAssertEqual(r1, r3)
        XCTAssertGreaterThan(r1.merged, 2000)
        XCTAssertGreaterThan(r1.alternatives, 100)
        func contents(_ s: MemoryStore) throws -> [String] {
            try s.units().map { $0.variants.map(\.text).joined(separator: " | ") }.sorted()
        }
        XCTAssertEqual(try contents(one), try contents(bulk))
        XCTAssertEqual(try contents(one), try contents(streamed))
        for q in ["Sentence 12 of the bulk test", "Sentence 1234 of the bulk", "Sentence 99 of the test"] {
            let a = try one.lookup(q, sourceLanguage: "en", targetLanguage: "ru", options: LookupOptions(threshold: 50, limit: 50))
            let b = try bulk.lookup(q, sourceLanguage: "en", targetLanguage: "ru", options: LookupOptions(threshold: 50, limit: 50))
            XCTAssertEqual(a.map { "\($0.score) \($0.source.text) \($0.target?.text ?? "")" }.sorted(),
                           b.map { "\($0.score) \($0.source.text) \($0.target?.text ?? "")" }.sorted(), q)
            XCTAssertFalse(a.isEmpty)
        }
        // With --overwrite the two ways agree as well.
        let changed = units.prefix(2000).enumerated().map { k, u -> TranslationUnit in
            var u = u
            if k % 3 == 0, u.variants.count > 1 { u.variants[1].text += " (новый)" }
            return u
        }
        let o1 = try one.write(overwrite: true) { w in for u in changed { try w.add(u) } }
        let o2 = try bulk.write(overwrite: true, bulk: true) { w in
            for start in stride(from: 0, to: 2000, by: 500) { try w.add(Array(changed[start..<start + 500])) }
        }
        let o3 = try streamed.write(overwrite: true, bulk: true) { w in
            try w.addStreaming(batchSize: 300, depth: 2) { emit in for u in changed { try emit(u) } }
        }
        XCTAssertEqual(o1, o2)
        XCTAssertEqual(o1, o3)
        XCTAssertGreaterThan(o1.replaced, 0)
        XCTAssertEqual(try contents(one), try contents(bulk))
        XCTAssertEqual(try contents(one), try contents(streamed))
    }

    func testAFailedBulkImportLeavesNoUnitBehind() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        try store.add([pair("Before", "До")])
        struct Boom: Error {}
        XCTAssertThrowsError(try store.write { w in
            try w.add((0..<6000).map { pair("Bulk sentence \($0) of a failing import", "Предложение \($0)") })
            try w.add((6000..<9000).map { pair("Bulk sentence \($0) of a failing import", "Предложение \($0)") })
            throw Boom()
        })
        XCTAssertEqual(try store.stats().units, 1)
        XCTAssertTrue(try store.lookup("Bulk sentence 3 of a failing import", sourceLanguage: "en", targetLanguage: "ru").isEmpty)
    }

    /// A memory written before the duplicate key became a hash (schema v2) is migrated when opened.
    func testAVersion2MemoryIsMigratedAndStillDeduplicates() throws {
        let path = temporaryMemoryPath()
        let q = try DatabaseQueue(path: path)
        try q.write { db in
            try db.execute(sql: "PRAGMA application_id = \(MemoryStore.applicationID)")
        }
        try MemoryStore.migrator.migrate(q, upTo: "v2")
        try q.write { db in
            try db.execute(sql: """
                INSERT INTO unit(id, created_at, changed_at) VALUES (1, 0, 0);
                INSERT INTO variant(unit_id, lang, lang_key, text, norm, keys, word_count, search)
                VALUES (1, 'en', 'en', 'Subscribe', 'Subscribe', 'subscribe', 1, 'subscribe'),
                       (1, 'ru', 'ru', 'Подписаться', 'Подписаться', 'подписаться', 1, 'подписаться');
                """)
        }
        try q.close()
        let store = try MemoryStore(path: path, create: false)
        let r = try store.add([pair("Subscribe", "Подписаться")])
        XCTAssertEqual(r.merged, 1)
        XCTAssertEqual(try store.stats().units, 1)
        let bulk = try store.write { w in try w.add((0..<5000).map { pair("Line \($0)", "Строка \($0)") } + [pair("Subscribe", "Подписаться")]) }
        XCTAssertEqual(bulk.merged, 1)
        XCTAssertEqual(bulk.added, 5000)
    }

    /// Duplicates are found through the pair of the source and a target's language, and variants
    /// are matched one to one: a text "translated" into its own language is not a duplicate of a
    /// unit that only holds it once.
    func testDuplicatesOfASourceStoredInManyLanguages() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        func unit(_ a: (String, String), _ b: (String, String)) -> TranslationUnit {
            TranslationUnit(variants: [Variant(language: a.0, text: a.1), Variant(language: b.0, text: b.1)])
        }
        let langs = (0..<60).map { "x\($0)" }
        try store.write(bulk: true) { w in try w.add(langs.map { unit(("en", "File"), ($0, "File in \($0)")) }) }
        XCTAssertEqual(try store.add([unit(("en", "File"), ("x7", "File in x7"))]).merged, 1)
        XCTAssertEqual(try store.add([unit(("en", "File"), ("x7", "Another file in x7"))]).alternatives, 1)
        XCTAssertEqual(try store.add([unit(("en", "File"), ("de", "Datei"))]).added, 1, "a new language is a new unit, not an alternative")
        XCTAssertEqual(try store.add([unit(("en", "File"), ("en", "File"))]).added, 1, "not merged into a unit holding the text once")
        XCTAssertEqual(try store.add([unit(("en", "File"), ("en", "File"))]).merged, 1)
        XCTAssertEqual(try store.add([TranslationUnit(variants: [Variant(language: "en", text: "File")])]).merged, 1)
        XCTAssertEqual(try store.stats().units, 63)
        // The reverse direction finds the same unit through its other variant.
        XCTAssertEqual(try store.add([unit(("x3", "File in x3"), ("en", "File"))]).merged, 1)
        XCTAssertEqual(try store.stats().units, 63)
    }

    func testLanguageTagWellFormedness() {
        for good in ["en", "en-US", "EN_us", "zh-Hant-TW", "sr-Latn", "es-419", "x-klingon", "i-default", "tlh"] {
            XCTAssertTrue(LanguageTag.isWellFormed(good), good)
        }
        for bad in ["", "e", "en-", "-en", "en--US", "1en", "en US", "englishes-x", "en-abcdefghi", "ru_RU.UTF-8", "é"] {
            XCTAssertFalse(LanguageTag.isWellFormed(bad), bad)
        }
    }

    /// Bulk writes run with a rollback journal when the memory is free, and leave it in WAL mode;
    /// with another connection open they stay in WAL. Failed ones store nothing either way.
    func testBulkWritesGoBackToWALAndStayAllOrNothing() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        func mode() throws -> String { try store.db.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" } }
        try store.write(bulk: true) { w in try w.add((0..<300).map { pair("Bulk line \($0)", "Строка \($0)") }) }
        XCTAssertEqual(try mode(), "wal")
        struct Boom: Error {}
        XCTAssertThrowsError(try store.write(bulk: true) { w in
            try w.add((300..<600).map { pair("Bulk line \($0)", "Строка \($0)") })
            throw Boom()
        })
        XCTAssertEqual(try mode(), "wal")
        XCTAssertEqual(try store.stats().units, 300)
        // A second connection holding a read transaction: the bulk write stays in WAL and still works.
        let other = try DatabaseQueue(path: store.path)
        try other.read { db in
            _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM unit")
            let r = try store.write(bulk: true) { w in try w.add([pair("One more", "Ещё одна")]) }
            XCTAssertEqual(r.added, 1)
        }
        XCTAssertEqual(try mode(), "wal")
        XCTAssertEqual(try store.stats().units, 301)
    }
}

/// Posting lists stored in parts (schema v4): writes that only append add a part, anything
/// else folds the parts into one, and lookups read the parts as one list.
final class PostingPartsTests: XCTestCase {
    private func parts(_ store: MemoryStore, _ key: String) throws -> [Int64] {
        try store.db.read { try Int64.fetchAll($0, sql: """
            SELECT part FROM posting WHERE lang_key = 'en' AND key = ?1 UNION ALL SELECT part FROM posting_delta WHERE lang_key = 'en' AND key = ?1
            ORDER BY part
            """, arguments: [key]) }
    }

    private func assertIndexedEqualsExhaustive(_ store: MemoryStore, _ query: String, file: StaticString = #filePath, line: UInt = #line) throws {
        var exhaustive = LookupOptions(threshold: 50, limit: 1000)
        exhaustive.exhaustive = true
        let a = try store.lookup(query, sourceLanguage: "en", targetLanguage: "ru", options: LookupOptions(threshold: 50, limit: 1000))
        let b = try store.lookup(query, sourceLanguage: "en", targetLanguage: "ru", options: exhaustive)
        XCTAssertEqual(a.map(\.unit.id), b.map(\.unit.id), query, file: file, line: line)
        XCTAssertFalse(a.isEmpty, query, file: file, line: line)
    }

    func testWriteThatStoresNothingNewLeavesListsAlone() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        let first = (0..<150).map { pair("Gamma sentence number \($0) here", "Гамма предложение \($0)") }
        let second = (150..<300).map { pair("Gamma sentence number \($0) here", "Гамма предложение \($0)") }
        try store.add(first)
        try store.add(second)
        XCTAssertEqual(try parts(store, "gamma"), [0, 1])
        // Every unit is there already: they are merged, and no list is read or rewritten (an
        // earlier version folded the parts of every key the units hold).
        let report = try store.add(first + second)
        XCTAssertEqual(report.merged, 300)
        XCTAssertEqual(report.added, 0)
        XCTAssertEqual(try parts(store, "gamma"), [0, 1])
        XCTAssertEqual(try parts(store, "sentence"), [0, 1])
        // A write that adds one new unit among merged ones appends a part to its keys only.
        let report2 = try store.add(Array(first.prefix(10)) + [pair("Gamma sentence with delta", "Гамма с дельтой")])
        XCTAssertEqual(report2.added, 1)
        XCTAssertEqual(try parts(store, "gamma"), [0, 1, 2])
        XCTAssertEqual(try parts(store, "number"), [0, 1])
        try assertIndexedEqualsExhaustive(store, "Gamma sentence number 42 there")
    }

    func testAppendedPartsFoldAndRemovalsRewrite() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        // One write per round: each appends to the list of "alpha" (and of "round").
        for round in 0..<20 {
            try store.add([pair("Alpha round number \(round) of the test", "Альфа раунд \(round)"),
                           pair("Alpha and beta in round \(round)", "Альфа и бета \(round)")])
            let p = try parts(store, "alpha")
            XCTAssertLessThanOrEqual(p.count, Int(PostingBatch.maxParts))
            XCTAssertEqual(p, Array(0..<Int64(p.count)), "parts are numbered from 0")
        }
        // 16 appending writes filled parts 0-15, the 17th folded them into one, three more appended.
        XCTAssertEqual(try parts(store, "alpha"), [0, 1, 2, 3])
        let list = try store.db.read { db in
            try PostingBatch.read(try db.makeStatement(sql: PostingBatch.readSQL), lang: "en", key: "alpha", db: db)
        }
        XCTAssertEqual(list.count, 40)
        XCTAssertEqual(list.entries.map(\.variant), list.entries.map(\.variant).sorted(), "the parts concatenate in variant order")
        for round in [0, 7, 15, 19] { try assertIndexedEqualsExhaustive(store, "Alpha round number \(round) of a test") }

        // A removal rewrites the list as one part without the unit.
        let victim = try XCTUnwrap(store.lookup("Alpha round number 7 of the test", sourceLanguage: "en", targetLanguage: "ru").first?.unit.id)
        XCTAssertTrue(try store.remove(id: victim))
        XCTAssertEqual(try parts(store, "alpha"), [0])
        let after = try store.db.read { db in
            try PostingBatch.read(try db.makeStatement(sql: PostingBatch.readSQL), lang: "en", key: "alpha", db: db)
        }
        XCTAssertEqual(after.count, 39)
        XCTAssertNotEqual(try store.lookup("Alpha round number 7 of the test", sourceLanguage: "en", targetLanguage: "ru").first?.score, 100)
        try assertIndexedEqualsExhaustive(store, "Alpha and beta in round 7")
        // The next append adds a part again.
        try store.add([pair("Alpha once more", "Альфа ещё раз")])
        XCTAssertEqual(try parts(store, "alpha"), [0, 1])
        try assertIndexedEqualsExhaustive(store, "Alpha once more")
    }

    /// A memory of schema v3 (a row per variant, posting entries naming variants) is migrated to
    /// one row per unit: texts, metadata and markup are kept, the index names units, duplicates merge.
    func testAVersion3MemoryIsPackedIntoUnitRows() throws {
        let path = temporaryMemoryPath()
        let q = try DatabaseQueue(path: path)
        try q.write { db in try db.execute(sql: "PRAGMA application_id = \(MemoryStore.applicationID)") }
        try MemoryStore.migrator.migrate(q, upTo: "v3")
        try q.write { db in
            try db.execute(sql: """
                INSERT INTO unit(id, created_at, created_by, changed_at, usage_count, props, notes, origin_key)
                VALUES (7, 1000, 'anna', 2000, 3, '[{"type":"x-domain","value":"news"}]', '["checked"]', 'news.title');
                INSERT INTO unit(id, created_at, changed_at) VALUES (9, 0, 0);
                """)
            let rows: [(Int64, Int64, String, String, String, String?)] = [
                (20, 7, "en", "Subscribe <b>now</b>", "subscribe\u{1F}now", "<b>"),
                (21, 7, "ru", "Подписаться сейчас", "подписаться\u{1F}сейчас", nil),
                (22, 9, "en", "Sign in", "sign\u{1F}in", nil),
                (23, 9, "de", "Anmelden", "anmelden", nil),
            ]
            for (id, unit, lang, text, keys, markup) in rows {
                let norm = try TextKeys.norm(text)
                try db.execute(sql: """
                    INSERT INTO variant(id, unit_id, lang, lang_key, text, norm, keys, word_count, search, markup, norm_hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, unit, lang, lang, text, norm, keys, keys.split(separator: "\u{1F}").count,
                                     try TextKeys.search(text), markup, TextKeys.normHash(lang: lang, norm: norm)])
                for k in keys.split(separator: "\u{1F}") {
                    let list = PostingList(entries: [PostingEntry(variant: UInt32(id), words: 2)])
                    try db.execute(sql: "INSERT OR IGNORE INTO posting(lang_key, key, n, entries) VALUES (?, ?, 1, ?)",
                                   arguments: [lang, String(k), Data(list.bytes)])
                }
            }
        }
        try q.close()
        let store = try MemoryStore(path: path, create: false)
        let tables = try store.db.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") }
        XCTAssertFalse(tables.contains("variant"))
        let unit = try XCTUnwrap(store.unit(id: 7))
        XCTAssertEqual(unit.variants.map(\.language), ["en", "ru"])
        XCTAssertEqual(unit.variants.map(\.text), ["Subscribe <b>now</b>", "Подписаться сейчас"])
        XCTAssertEqual(unit.variants[0].markup, "<b>")
        XCTAssertEqual(unit.createdBy, "anna")
        XCTAssertEqual(unit.usageCount, 3)
        XCTAssertEqual(unit.originKey, "news.title")
        XCTAssertEqual(unit.properties, [Property(type: "x-domain", value: "news")])
        XCTAssertEqual(unit.notes, ["checked"])
        XCTAssertEqual(unit.createdAt, Date(timeIntervalSince1970: 1000))
        // The index was rebuilt: its entries name units (7), no longer variants (20).
        let list = try store.db.read { db in
            try PostingBatch.read(try db.makeStatement(sql: PostingBatch.readSQL), lang: "en", key: "subscribe", db: db)
        }
        XCTAssertEqual(list.entries.map(\.variant), [7])
        XCTAssertEqual(try store.lookup("Subscribe now", sourceLanguage: "en", targetLanguage: "ru").first?.unit.id, 7)
        XCTAssertEqual(try store.lookup("Sign in", sourceLanguage: "en", targetLanguage: "de").first?.target?.text, "Anmelden")
        // Duplicates are found through the migrated keys.
        XCTAssertEqual(try store.add([pair("Subscribe <b>now</b>", "Подписаться сейчас")]).merged, 1)
        XCTAssertEqual(try store.add([pair("Subscribe <b>now</b>", "Подпишитесь сейчас")]).alternatives, 1)
        XCTAssertEqual(try store.stats().units, 3)
        XCTAssertEqual(try store.concordance("подписаться", sourceLanguage: "en", targetLanguage: "ru", searchTarget: true).map(\.unit.id), [7])
    }
}

/// The duplicate keys of a large write are written once at its end, sorted and merged on another
/// thread; smaller writes merge them on the storing thread. Both must store the same buckets.
final class StampTests: XCTestCase {
    /// Units read without dates (TSV, gettext) get the time they were stored as their creation and
    /// change dates; units with dates keep them.
    func testUnitsWithoutDatesAreStampedWhenStored() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        let dated = Date(timeIntervalSince1970: 1_500_000_000)
        var old = pair("An old unit", "Старая единица")
        old.createdAt = dated
        old.changedAt = dated
        let before = Date().addingTimeInterval(-1)
        try store.write { w in
            try w.addStreaming { emit in
                for i in 0..<300 { try emit(pair("New unit \(i) here", "Новая единица \(i)")) }
                try emit(old)
            }
        }
        let after = Date().addingTimeInterval(1)
        for id in [Int64(1), 150, 300] {
            let u = try XCTUnwrap(try store.unit(id: id))
            let created = try XCTUnwrap(u.createdAt), changed = try XCTUnwrap(u.changedAt)
            XCTAssertTrue(created >= before && created <= after, "\(created)")
            XCTAssertEqual(changed, created)
        }
        let kept = try XCTUnwrap(try store.unit(id: 301))
        XCTAssertEqual(kept.createdAt, dated)
        XCTAssertEqual(kept.changedAt, dated)
    }
}

final class DuplicateFlushTests: XCTestCase {
    private func buckets(_ store: MemoryStore) throws -> [Row] {
        try store.db.read { try Row.fetchAll($0, sql: "SELECT bucket, entries FROM dup ORDER BY bucket") }
    }

    /// Every duplicate key stored, in the buckets or in `dup_delta`, sorted.
    private func count(_ store: MemoryStore, _ sql: String) throws -> Int {
        try store.db.read { try Int.fetchOne($0, sql: sql) ?? 0 }
    }

    /// Small writes keep their duplicate keys in `dup_delta` (a row each, instead of rewriting every
    /// bucket), where later writes find them; a write that would make the delta too large merges it
    /// into the buckets. The same writes with no delta at all store the same keys and report the same.
    func testSmallWritesKeepTheirKeysApartUntilALargeOneMergesThem() throws {
        let delta = try MemoryStore(path: temporaryMemoryPath(), create: true)
        let plain = try MemoryStore(path: temporaryMemoryPath(), create: true)
        func unit(_ i: Int, _ t: String? = nil) -> TranslationUnit { pair("Sentence \(i) of the delta test", t ?? "Предложение \(i)") }
        func both(overwrite: Bool = false, deltaLimit: Int = 200_000, _ body: (MemoryWriter) throws -> Void) throws {
            let a = try delta.write(overwrite: overwrite) { w in w.duplicates.deltaLimit = deltaLimit; try body(w) }
            let b = try plain.write(overwrite: overwrite) { w in w.duplicates.deltaLimit = -1; try body(w) }
            XCTAssertEqual(a, b)
            XCTAssertEqual(try allKeys(delta), try allKeys(plain))
        }
        try both { w in try w.add((0..<300).map { unit($0) }) }
        XCTAssertEqual(try count(delta, "SELECT count(*) FROM dup_delta"), 1200, "four keys a unit of two variants")
        XCTAssertEqual(try count(delta, "SELECT count(*) FROM dup"), 0)
        XCTAssertEqual(try count(plain, "SELECT count(*) FROM dup_delta"), 0)
        // Found in the delta: the same units are merged, another translation is an alternative;
        // units whose keys are in the delta are taken out.
        try both { w in
            try w.add((0..<300).map { unit($0) } + (300..<350).map { unit($0) } + [unit(7, "Другой перевод")])
            XCTAssertTrue(try w.remove(id: 5))
            XCTAssertTrue(try w.remove(id: 320))
        }
        XCTAssertEqual(try delta.add((0..<10).map { unit($0) }).merged, 9)
        _ = try plain.add((0..<10).map { unit($0) })
        // Targets replaced: their old keys leave the delta.
        try both(overwrite: true) { w in try w.add((100..<120).map { unit($0, "Новое \($0)") }) }
        // Too many for the delta: everything goes into the buckets.
        try both(deltaLimit: 1000) { w in try w.add((1000..<1100).map { unit($0) }) }
        XCTAssertEqual(try count(delta, "SELECT count(*) FROM dup_delta"), 0)
        XCTAssertGreaterThan(try count(delta, "SELECT count(*) FROM dup"), 100)
        // Into the buckets' memory: a small write again, with a removal of a unit in the buckets.
        try both { w in
            try w.add((1100..<1110).map { unit($0) } + [unit(1000), unit(5)])
            XCTAssertTrue(try w.remove(id: 1))
        }
        XCTAssertEqual(try count(delta, "SELECT count(*) FROM dup_delta"), 40, "ten new units (unit 5 was added back, unit 1000 is stored)")
        let again = try delta.add((0..<1110).map { unit($0) })
        XCTAssertEqual(again, try plain.add((0..<1110).map { unit($0) }))
        // Not stored: 350-999, 320 and 0 (ids 320 and 1 removed); 100-119 hold other translations now.
        XCTAssertEqual(again.added, 650 + 2)
        XCTAssertEqual(again.alternatives, 20)
        XCTAssertEqual(again.merged, 1110 - 652 - 20)
    }

    func testLargeWriteStoresTheBucketsSmallWritesStore() throws {
        let seed = pair("Seed unit", "Начальная единица")
        // 26,000 units of two variants: 104,000 keys, past the threshold of the threaded final write.
        let units = (0..<26_000).map { pair("Line \($0) of the large import", "Строка \($0) большого импорта") }
        let one = try MemoryStore(path: temporaryMemoryPath(), create: true)
        try one.add([seed])                       // a stored bucket for the large write to merge with
        XCTAssertEqual(try one.add(units).added, 26_000)
        let two = try MemoryStore(path: temporaryMemoryPath(), create: true)
        try two.add([seed])
        try two.add(Array(units[..<13_000]))      // 52,000 keys each: merged on the storing thread
        try two.add(Array(units[13_000...]))
        XCTAssertEqual(try buckets(one).count, DuplicateIndex.bucketCount)
        // (The smaller writes keep their keys in `dup_delta`.)
        XCTAssertEqual(try allKeys(one), try allKeys(two))
        XCTAssertEqual(try allKeys(one).count, 4 * 26_001)
        // And the keys are found: the same units again are merged, not added.
        let again = try one.add(Array(units[25_950...]) + [seed, pair("Line 7 of the large import", "Другой перевод")])
        XCTAssertEqual(again.merged, 51)
        XCTAssertEqual(again.alternatives, 1)
    }
}

/// A long write flushes its posting lists several times; each flush after the first files its new
/// part from what the write itself knows of the list (`PostingBatch.lastPart`) instead of reading it.
final class PostingFlushTests: XCTestCase {
    private static let english = ["file", "open", "save", "the", "cannot", "error", "read", "write", "folder", "print",
                                  "network", "user", "password", "window", "close", "new", "list", "copy", "paste", "undo"]
    private static let russian = ["файл", "открыть", "сохранить", "не", "удалось", "ошибка", "чтение", "запись", "папка", "печать",
                                  "сеть", "пользователь", "пароль", "окно", "закрыть", "новый", "список", "копировать", "вставить", "отменить"]

    /// Unit `i`: a few common words (chosen by a hash of `i`) and one word of its own.
    static func unit(_ i: Int, target: String? = nil) -> TranslationUnit {
        var h = UInt64(i + 1) &* 0x9E37_79B9_7F4A_7C15
        func pick(_ words: [String]) -> [String] {
            (0..<(3 + Int(h % 5))).map { _ in h = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9; return words[Int(h % UInt64(words.count))] }
        }
        // A word of its own, and one it shares with every 97th unit (in some batches, not others).
        // (Letters, not digits: a number is one key, "#".)
        func letters(_ n: Int) -> String {
            var s = "", n = n
            repeat { s.append(Character(Unicode.Scalar(UInt8(97 + n % 26)))); n /= 26 } while n > 0
            return s
        }
        return pair((pick(english) + ["x" + letters(i), "z" + letters(i % 97)]).joined(separator: " "),
                    target ?? (pick(russian) + ["ы" + letters(i)]).joined(separator: " "))
    }

    /// Every posting list, its parts read in order and joined.
    /// Three writes (into an empty memory; with removals into a full one; replacing targets), with
    /// the lists written once at the end of each or (`limit`) every few hundred entries.
    private func build(flushingEvery limit: Int?) throws -> MemoryStore {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        try store.write { w in
            if let limit { w.postingFlushLimit = limit }
            for b in 0..<40 { try w.add((0..<50).map { PostingFlushTests.unit(b * 50 + $0) }) }
        }
        try store.write { w in
            if let limit { w.postingFlushLimit = limit }
            for id in stride(from: 5, to: 2000, by: 97) { XCTAssertTrue(try w.remove(id: Int64(id))) }
            for b in 40..<50 { try w.add((0..<50).map { PostingFlushTests.unit(b * 50 + $0) }) }
            // Units of the first write taken out, one small batch apart: lists this write has written
            // (the shared words') lose an entry in flushes that add none to them.
            for (n, id) in stride(from: 151, to: 2000, by: 89).enumerated() {
                XCTAssertTrue(try w.remove(id: Int64(id)))
                try w.add([PostingFlushTests.unit(3000 + n)])
            }
            // Units this write added taken out again: flushed already (often) or not yet (once).
            for id in stride(from: 2003, to: 2500, by: 23) {
                XCTAssertTrue(try w.remove(id: Int64(id)))
                try w.add([PostingFlushTests.unit(id + 2000)])
            }
            for b in 50..<60 { try w.add((0..<50).map { PostingFlushTests.unit(b * 50 + $0) }) }
        }
        try store.write(overwrite: true) { w in
            if let limit { w.postingFlushLimit = limit }
            for b in 0..<6 {
                try w.add(stride(from: b * 500 + 3, to: b * 500 + 500, by: 41).map { PostingFlushTests.unit($0, target: "новый перевод файл \($0)") })
            }
        }
        return store
    }

    /// A unit added and then removed (or its targets replaced) in the same write, before its index
    /// entries were written, leaves no entry behind.
    func testEntriesOfAUnitRemovedInTheWriteThatAddedItAreDropped() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        try store.write { w in
            try w.add([pair("Open the blue folder", "Открыть синюю папку"), pair("Close the red window", "Закрыть красное окно")])
            XCTAssertTrue(try w.remove(id: 1))
            try w.add([pair("Open the green folder", "Открыть зелёную папку")])
        }
        // --overwrite: the second pair replaces the first one's target within the same import.
        try store.write(overwrite: true) { w in
            try w.add([pair("Print the page", "Печать страницы")])
            try w.add([pair("Print the page", "Напечатать страницу")])
        }
        let all = try lists(store)
        XCTAssertNil(all["en|blue"], "a removed unit's word")
        XCTAssertEqual(all["en|folder"]?.map(\.variant), [3])
        XCTAssertEqual(all["ru|папку"]?.map(\.variant), [3])
        XCTAssertNil(all["ru|печать"], "a replaced target's word")
        XCTAssertEqual(all["ru|страницу"]?.map(\.variant), [4])
        XCTAssertEqual(all["en|print"]?.map(\.variant), [4])
        XCTAssertEqual(all["en|print"]?.first?.words, 3)
        XCTAssertEqual(all["ru|страницу"]?.first?.words, 2)
    }

    /// Small writes into a memory put their new parts in `posting_delta`; removals and rewrites take
    /// lists back to `posting`; a write past the delta's limit moves it all there. The same writes
    /// without the delta give the same lists and the same lookups.
    func testSmallWritesAppendToTheDeltaWithTheSameLists() throws {
        let delta = try MemoryStore(path: temporaryMemoryPath(), create: true)
        let plain = try MemoryStore(path: temporaryMemoryPath(), create: true)
        func both(overwrite: Bool = false, deltaLimit: Int = 1_000_000, _ body: (MemoryWriter) throws -> Void) throws {
            let a = try delta.write(overwrite: overwrite) { w in w.batch.deltaLimit = deltaLimit; try body(w) }
            let b = try plain.write(overwrite: overwrite) { w in w.batch.deltaLimit = -1; try body(w) }
            XCTAssertEqual(a, b)
            let la = try lists(delta), lb = try lists(plain)
            let differing = Set(la.keys).union(lb.keys).filter { la[$0] != lb[$0] }.sorted()
            XCTAssertEqual(differing.count, 0, "lists that differ, of \(lb.count): \(differing.prefix(5)) …")
            let options = LookupOptions(threshold: 30, limit: 20)
            for q in ["cannot open the file xh", "ошибка чтение ыbe файл", "save the new folder xbc"] {
                let lang = q.contains("ы") ? ("ru", "en") : ("en", "ru")
                let x = try delta.lookup(q, sourceLanguage: lang.0, targetLanguage: lang.1, options: options)
                var exhaustive = options
                exhaustive.exhaustive = true
                XCTAssertEqual(x.map(\.unit.id), try delta.lookup(q, sourceLanguage: lang.0, targetLanguage: lang.1, options: exhaustive).map(\.unit.id), q)
                XCTAssertEqual(x.map(\.unit.id), try plain.lookup(q, sourceLanguage: lang.0, targetLanguage: lang.1, options: options).map(\.unit.id), q)
            }
        }
        func rows(_ store: MemoryStore, _ table: String) throws -> Int { try store.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)") ?? 0 } }
        try both { w in try w.add((0..<1500).map { PostingFlushTests.unit($0) }) }
        XCTAssertEqual(try rows(delta, "posting_delta"), 0, "a write into an empty memory fills posting")
        try both { w in try w.add((1500..<1600).map { PostingFlushTests.unit($0) } + (0..<50).map { PostingFlushTests.unit($0) }) }
        let appended = try rows(delta, "posting_delta")
        XCTAssertGreaterThan(appended, 100)
        try both { w in try w.add((1600..<1650).map { PostingFlushTests.unit($0) }) }
        XCTAssertGreaterThan(try rows(delta, "posting_delta"), appended, "a second small write appends again")
        // Removals of units whose entries are in either table, and replaced targets.
        try both { w in
            for id in [3, 1510, 1620] { XCTAssertTrue(try w.remove(id: Int64(id))) }
            try w.add([PostingFlushTests.unit(5000)])
        }
        try both(overwrite: true) { w in try w.add(stride(from: 1490, to: 1560, by: 7).map { PostingFlushTests.unit($0, target: "новый перевод файл \($0)") }) }
        // Too many entries for the delta: everything moves to posting.
        try both(deltaLimit: 500) { w in try w.add((2000..<2100).map { PostingFlushTests.unit($0) }) }
        XCTAssertEqual(try rows(delta, "posting_delta"), 0)
        try both { w in try w.add((2100..<2110).map { PostingFlushTests.unit($0) }) }
        XCTAssertGreaterThan(try rows(delta, "posting_delta"), 0)
    }

    func testListsFlushedManyTimesInAWriteEqualListsFlushedOnce() throws {
        let once = try build(flushingEvery: nil)
        let often = try build(flushingEvery: 400)
        let expected = try lists(once), got = try lists(often)
        XCTAssertGreaterThan(expected.count, 3000)
        let differing = Set(expected.keys).union(got.keys).filter { expected[$0] != got[$0] }.sorted()
        XCTAssertEqual(differing.count, 0, "lists that differ, of \(expected.count): \(differing.prefix(5)) …")

        // The frequent flushes wrote new parts (up to the limit, past which a list is folded).
        let maxPart = try often.db.read { try Int64.fetchOne($0, sql: "SELECT max(part) FROM (SELECT part FROM posting UNION ALL SELECT part FROM posting_delta)") } ?? 0
        XCTAssertGreaterThan(maxPart, 5)
        XCTAssertLessThan(maxPart, PostingBatch.maxParts)
        // (Once: a part a write at most.)
        XCTAssertLessThanOrEqual(try once.db.read { try Int64.fetchOne($0, sql: "SELECT max(part) FROM (SELECT part FROM posting UNION ALL SELECT part FROM posting_delta)") } ?? 0, 2)
        // And lookups find the same units in both.
        for q in ["cannot open the file xh", "ошибка чтение ыbe файл"] {
            let lang = q.contains("xh") ? ("en", "ru") : ("ru", "en")
            let options = LookupOptions(threshold: 30, limit: 10)
            let a = try once.lookup(q, sourceLanguage: lang.0, targetLanguage: lang.1, options: options)
            let b = try often.lookup(q, sourceLanguage: lang.0, targetLanguage: lang.1, options: options)
            XCTAssertFalse(a.isEmpty)
            XCTAssertEqual(a.map(\.unit.id), b.map(\.unit.id))
        }
    }
}

/// The stored duplicate keys, "hash unit", of the buckets then of `dup_delta`.
func allKeys(_ store: MemoryStore) throws -> [String] {
    try store.db.read { db in
        var out: [String] = []
        for row in try Row.fetchAll(db, sql: "SELECT entries FROM dup") {
            let blob: Data = row[0]
            let bytes = [UInt8](blob)
            for i in stride(from: 0, to: bytes.count, by: 16) {
                let h = bytes[i..<i + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                let u = bytes[i + 8..<i + 16].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                out.append("\(Int64(bitPattern: h)) \(u)")
            }
        }
        for row in try Row.fetchAll(db, sql: "SELECT hash, unit FROM dup_delta") {
            out.append("\(row[0] as Int64) \(row[1] as Int64)")
        }
        return out.sorted()
    }
}

/// Every stored posting list (its parts in both tables), by "lang|key".
func lists(_ store: MemoryStore) throws -> [String: [PostingEntry]] {
    try store.db.read { db in
        let read = try db.makeStatement(sql: PostingBatch.readSQL)
        var out: [String: [PostingEntry]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT lang_key, key FROM posting UNION SELECT lang_key, key FROM posting_delta") {
            let (lang, key): (String, String) = (row[0], row[1])
            out[lang + "|" + key] = try PostingBatch.read(read, lang: lang, key: key, db: db).entries
        }
        return out
    }
}
