import Foundation
import XCTest
import MemoryStores
@testable import PostgresStore
import TestSupport

/// The same writes and reads on a memory file and on a PostgreSQL memory give the same reports,
/// units and answers. Needs a PostgreSQL server: `TMKIT_PG_URL` (Scripts/test.sh starts a
/// throwaway cluster and sets it; without it these tests are reported as skipped, and test.sh
/// fails on any skipped one).
final class StoreConformanceTests: XCTestCase {
    typealias RNG = SeededGenerator

    static func baseURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["TMKIT_PG_URL"], !url.isEmpty else {
            throw XCTSkip("TMKIT_PG_URL is not set: no PostgreSQL to test against (Scripts/test.sh starts one)")
        }
        return url
    }

    /// A memory file and a PostgreSQL memory, both new and empty.
    func stores(_ name: String) throws -> (MemoryStore, PostgresMemory) {
        let base = try Self.baseURL()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tmkit-conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let file = try MemoryStore(path: dir.appendingPathComponent("m.tmdb").path, create: true)
        let pg = try PostgresMemory(location: PostgresLocation(url: base + "?memory=\(name)-\(UUID().uuidString.prefix(8))"), create: true)
        return (file, pg)
    }

    func unit(_ en: String, _ ru: String, note: String? = nil) -> TranslationUnit {
        var u = TranslationUnit(variants: [Variant(language: "en", text: en), Variant(language: "ru", text: ru)])
        if let note { u.notes = [note] }
        return u
    }

    /// A unit as both stores should give it back (ids and the store's clock left out).
    func shape(_ u: TranslationUnit) -> String {
        let v = u.variants.map { "\($0.language)=\($0.text)|\($0.markup ?? "")|\($0.notes)|\($0.properties.map { "\($0.type):\($0.value)" })" }
        return "\(v) notes=\(u.notes) props=\(u.properties.map { "\($0.type):\($0.value)" }) by=\(u.createdBy ?? "-")/\(u.changedBy ?? "-") "
            + "origin=\(u.originFile ?? "-")#\(u.originKey ?? "-") ctx=\(u.contextPrevious ?? "-")/\(u.contextNext ?? "-") used=\(u.usageCount)"
    }

    func allUnits(_ s: any TranslationMemoryStore) throws -> [String] {
        var out: [String] = []
        try s.forEachUnitBatch(units: 100) { b in out += try b.decode().map(shape) }
        return out
    }

    func testTheDuplicateRulesGiveTheSameReportsAndUnits() throws {
        let (file, pg) = try stores("rules")
        let steps: [(String, Bool, [TranslationUnit])] = [
            ("first", false, [unit("The ministry said.", "Министерство заявило."), unit("Hello.", "Привет.")]),
            ("the same again, a note", false, [unit("The ministry said.", "Министерство заявило.", note: "checked")]),
            ("another translation", false, [unit("The ministry said.", "Министерство сообщило.")]),
            ("source alone", false, [TranslationUnit(variants: [Variant(language: "en", text: "Hello.")])]),
            ("overwrite", true, [unit("Hello.", "Здравствуйте.")]),
            ("three languages", false, [TranslationUnit(variants: [Variant(language: "en", text: "Peace."), Variant(language: "ru", text: "Мир."),
                                                                   Variant(language: "de", text: "Frieden.")])]),
            ("same in another case and spacing", false, [unit("the  ministry said.", "министерство заявило.")]),
            ("a batch repeating itself", false, (0..<40).map { unit("Line \($0 % 7).", "Строка \($0 % 7).") }),
        ]
        for (what, overwrite, units) in steps {
            let a = try file.transaction(overwrite: overwrite, bulk: false) { try $0.add(units) }
            let b = try pg.transaction(overwrite: overwrite, bulk: false) { try $0.add(units) }
            XCTAssertEqual(a, b, what)
        }
        XCTAssertTrue(try file.removeUnit(id: 2))
        XCTAssertTrue(try pg.removeUnit(id: 2))
        XCTAssertFalse(try pg.removeUnit(id: 9999))
        XCTAssertEqual(try allUnits(file), try allUnits(pg))
        XCTAssertEqual(try file.count(), try pg.count())
        let (fs, ps) = (try file.stats(), try pg.stats())
        XCTAssertEqual(fs.units, ps.units)
        XCTAssertEqual(fs.variantsByLanguage.map { "\($0.language)\($0.count)" }, ps.variantsByLanguage.map { "\($0.language)\($0.count)" })
        XCTAssertEqual(fs.unitsByPair.map { "\($0.source)\($0.target)\($0.count)" }, ps.unitsByPair.map { "\($0.source)\($0.target)\($0.count)" })
        XCTAssertEqual(try file.units(language: "de", limit: 10, offset: 0).map(shape), try pg.units(language: "de", limit: 10, offset: 0).map(shape))
        XCTAssertEqual(try file.units(language: nil, limit: 3, offset: 2).map(shape), try pg.units(language: nil, limit: 3, offset: 2).map(shape))
        XCTAssertEqual(try pg.verify().problems.map(\.kind), [])
    }

    /// Lookups on a random memory: the same matches (units, scores, differences, penalties) on
    /// both stores, and the PostgreSQL store's indexed lookups equal its scan (`exhaustive`), also
    /// after removals and overwrites left stale entries in its lists.
    func testLookupsGiveTheSameMatchesAndIndexedEqualsExhaustive() throws {
        let (file, pg) = try stores("lookups")
        var rng = RNG(state: 7)
        let vocabulary = RecallVocabulary.words
        func sentence() -> [String] { (0..<Int.random(in: 3...14, using: &rng)).map { _ in vocabulary.randomElement(using: &rng)! } }
        var sentences: [[String]] = []
        var units: [TranslationUnit] = []
        for i in 0..<1200 {
            let s = sentence()
            sentences.append(s)
            units.append(unit(s.joined(separator: " ") + (i % 3 == 0 ? "." : ""), "перевод \(i % 900)"))
        }
        for store in [file, pg] as [any TranslationMemoryStore] {
            try store.transaction(overwrite: false, bulk: true) { w in try w.add(Array(units[..<800])) }
            try store.transaction(overwrite: false, bulk: false) { w in try w.add(Array(units[800...])) }
            for id in stride(from: 5, to: 400, by: 37) { _ = try store.removeUnit(id: Int64(id)) }
            try store.transaction(overwrite: true, bulk: false) { w in
                for i in stride(from: 3, to: 300, by: 41) { try w.add(unit(units[i].variants[0].text, "новый перевод \(i)")) }
            }
        }
        XCTAssertEqual(try allUnits(file), try allUnits(pg))
        func key(_ m: Match) -> String { "\(m.unit.id!):\(m.score):\(m.target?.text ?? "-"):\(m.diff.map { "\($0.kind)\($0.match)\($0.query)" }):\(m.penalties.sorted { $0.key < $1.key })" }
        var nonEmpty = 0
        for (n, threshold) in zip(0..<150, [50, 60, 70, 75, 80, 85, 90, 95, 100].cycled()) {
            var w = sentences[Int.random(in: 0..<sentences.count, using: &rng)]
            if !w.isEmpty && n % 2 == 0 { w[Int.random(in: 0..<w.count, using: &rng)] = vocabulary.randomElement(using: &rng)! }
            if w.count > 2 && n % 3 == 0 { w.remove(at: 1) }
            let q = w.joined(separator: " ")
            var o = LookupOptions(threshold: threshold, limit: 1000)
            let a = try file.lookup(q, sourceLanguage: "en", targetLanguage: "ru", options: o)
            let b = try pg.lookup(q, sourceLanguage: "en", targetLanguage: "ru", options: o)
            XCTAssertEqual(a.map(key), b.map(key), "query #\(n) '\(q)' at \(threshold)")
            o.exhaustive = true
            let scanned = try pg.lookup(q, sourceLanguage: "en", targetLanguage: "ru", options: o)
            XCTAssertEqual(b.map(key).sorted(), scanned.map(key).sorted(), "indexed ≠ exhaustive: query #\(n) '\(q)' at \(threshold)")
            if !b.isEmpty { nonEmpty += 1 }
        }
        XCTAssertGreaterThan(nonEmpty, 60)
        // After optimize (lists rewritten without stale entries) the answers stay.
        let before = try pg.lookup(sentences[10].joined(separator: " "), sourceLanguage: "en", targetLanguage: "ru", options: LookupOptions(threshold: 50, limit: 50))
        let r = try pg.optimize()
        XCTAssertGreaterThan(r.staleEntriesDropped, 0)
        XCTAssertEqual(try pg.lookup(sentences[10].joined(separator: " "), sourceLanguage: "en", targetLanguage: "ru", options: LookupOptions(threshold: 50, limit: 50)).map(key),
                       before.map(key))
        XCTAssertEqual(try pg.verify().problems.map(\.kind), [])
    }

    func testContextMatchesFallbackAndConcordanceAreTheSame() throws {
        let (file, pg) = try stores("context")
        var a = unit("Click Save.", "Нажмите «Сохранить».")
        a.contextPrevious = "Edit the file."
        a.contextNext = "Close the window."
        let b = unit("Click Save.", "Щёлкните «Сохранить».")
        let c = TranslationUnit(variants: [Variant(language: "en-GB", text: "The colour of the ministry."), Variant(language: "ru", text: "Цвет министерства.")])
        let d = unit("Ministère: the MINISTRY said.", "Министерство сказало.")
        for s in [file, pg] as [any TranslationMemoryStore] { try s.transaction(overwrite: false, bulk: false) { try $0.add([a, b, c, d]) } }
        var o = LookupOptions(threshold: 70, limit: 10)
        o.contextPrevious = "Edit the file."
        o.contextNext = "Close the window."
        func key(_ m: Match) -> String { "\(m.unit.id!):\(m.score):\(m.source.language):\(m.target?.text ?? "-"):\(m.languageFallback)" }
        let fm = try file.lookup("Click Save.", sourceLanguage: "en", targetLanguage: "ru", options: o)
        XCTAssertEqual(fm.first?.score, 101)
        XCTAssertEqual(fm.map(key), try pg.lookup("Click Save.", sourceLanguage: "en", targetLanguage: "ru", options: o).map(key))
        let fallback = try pg.lookup("The colour of the ministry.", sourceLanguage: "en-US", targetLanguage: "ru-RU", options: LookupOptions(threshold: 70, limit: 5))
        XCTAssertEqual(fallback.first?.languageFallback, true)
        XCTAssertEqual(try file.lookup("The colour of the ministry.", sourceLanguage: "en-US", targetLanguage: "ru-RU", options: LookupOptions(threshold: 70, limit: 5)).map(key),
                       fallback.map(key))
        for (phrase, target) in [("ministry", false), ("MINISTERE", false), ("министерств", true)] {
            let x = try file.concordance(phrase, sourceLanguage: "en", targetLanguage: "ru", searchTarget: target, limit: 10)
            let y = try pg.concordance(phrase, sourceLanguage: "en", targetLanguage: "ru", searchTarget: target, limit: 10)
            XCTAssertFalse(x.isEmpty, phrase)
            XCTAssertEqual(x.map { "\($0.unit.id!):\($0.source.text):\($0.ranges.count)" }, y.map { "\($0.unit.id!):\($0.source.text):\($0.ranges.count)" }, phrase)
        }
    }

    /// Removals, replaced targets and `optimize` leave both stores giving the same answers: removed
    /// units are found by no lookup, concordance or id, and optimizing changes no answer.
    func testRemovalsOverwritesAndOptimizeKeepTheAnswersTheSame() throws {
        let (file, pg) = try stores("maintain")
        let words = RecallVocabulary.words
        var rng = SeededGenerator(seed: 23)
        let units = (0..<400).map { i -> TranslationUnit in
            let en = (0..<8).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
            return unit("\(en) \(i).", "Перевод \(i).")
        }
        for s in [file, pg] as [any TranslationMemoryStore] {
            _ = try s.transaction(overwrite: false, bulk: false) { try $0.add(units) }
            for id in stride(from: Int64(5), to: 400, by: 19) { XCTAssertTrue(try s.removeUnit(id: id)) }
            _ = try s.transaction(overwrite: true, bulk: false) { w in
                try w.add((0..<400).filter { $0 % 37 == 1 }.map { unit(units[$0].variants[0].text, "Новый перевод \($0).") })
            }
        }
        let queries = (0..<400).filter { $0 % 7 == 0 || $0 % 37 == 1 }.map { units[$0].variants[0].text.replacingOccurrences(of: " the ", with: " a ") }
        func answers(_ s: any TranslationMemoryStore) throws -> [String] {
            var out: [String] = []
            for q in queries {
                out += try s.lookup(q, sourceLanguage: "en", targetLanguage: "ru", options: LookupOptions(threshold: 60, limit: 5))
                    .map { "\($0.unit.id!):\($0.score):\($0.target?.text ?? "-")" }
            }
            out += try s.concordance("Russia", sourceLanguage: "en", targetLanguage: "ru", searchTarget: false, limit: 50).map { "c\($0.unit.id!)" }
            return out
        }
        let before = try answers(file)
        XCTAssertGreaterThan(before.count, queries.count)
        XCTAssertEqual(before, try answers(pg))
        XCTAssertFalse(before.contains { $0.hasPrefix("5:") || $0.hasPrefix("24:") || $0 == "c5" }, "a removed unit was found")
        XCTAssertTrue(before.contains { $0.hasSuffix("Новый перевод 1.") }, "a replaced target was not found")
        XCTAssertNil(try pg.unit(id: 24))
        XCTAssertEqual(try pg.unit(id: 2)?.variants.map(\.text).last, "Новый перевод 1.")
        XCTAssertEqual(try file.count(), try pg.count())
        _ = try file.optimize()
        _ = try pg.optimize()
        XCTAssertEqual(try answers(file), before)
        XCTAssertEqual(try answers(pg), before)
        XCTAssertTrue(try file.verify().ok)
        XCTAssertTrue(try pg.verify().ok)
    }

    /// A first import into an empty memory checks duplicates against the keys it wrote itself,
    /// without asking the database for the others: repeats and alternatives in later batches (of
    /// 8,192 units) are found as on a file, and so are they in a second import.
    func testDuplicatesAcrossBatchesOfAFirstImportAreFound() throws {
        let (file, pg) = try stores("batches")
        let units = (0..<20_000).map { i -> TranslationUnit in
            let k = i % 9_000
            // Every 9,000th unit repeats an earlier one; a third of the repeats with another translation.
            return unit("Sentence \(k) of the first import.", i >= 9_000 && k % 3 == 0 ? "Другой перевод \(k)." : "Предложение \(k).")
        }
        let a = try file.add(units), b = try pg.add(units)
        XCTAssertEqual(a, b)
        XCTAssertEqual(b.added, 9_000)
        XCTAssertEqual(b.alternatives, 3_000)
        XCTAssertEqual(b.merged, 8_000)
        let again = Array(units[8_000..<9_500])
        XCTAssertEqual(try file.add(again), try pg.add(again))
        XCTAssertEqual(try file.count(), try pg.count())
        XCTAssertEqual(try pg.verify().problems.map(\.kind), [])
    }

    /// A process keeps long posting lists between lookups; another process's write makes it read
    /// them again (the memory's version comes with the lists, in one statement).
    func testCachedListsAreReadAgainAfterAnotherProcessWrites() throws {
        let (_, pg) = try stores("cache")
        // Lists of 64 KiB and more are kept: here, any list.
        PostgresMemory.postingCacheMinimum = 1
        defer { PostgresMemory.postingCacheMinimum = 64 << 10 }
        _ = try pg.add((0..<300).map { unit("The report number \($0) was filed.", "Отчёт номер \($0) подан.") })
        let query = "The report number was filed late."
        var options = LookupOptions(threshold: 60, limit: 3)
        options.exhaustive = false
        XCTAssertFalse(try pg.lookup(query, sourceLanguage: "en", targetLanguage: "ru", options: options).contains { $0.source.text == "The report was filed late." })
        XCTAssertFalse(pg.postingCache.isEmpty, "no list was kept: the test does not test the cache")
        let other = try PostgresMemory(location: PostgresLocation(url: try Self.baseURL() + "?memory=" + pg.place.name), create: false)
        _ = try other.add([unit("The report was filed late.", "Отчёт подан поздно.")])
        let after = try pg.lookup(query, sourceLanguage: "en", targetLanguage: "ru", options: options)
        XCTAssertEqual(after.first?.source.text, "The report was filed late.", "\(after.map(\.source.text))")
    }

    func testAFailedWriteLeavesNothingAndConcurrentWritersLoseNothing() throws {
        let (_, pg) = try stores("tx")
        struct Stop: Error {}
        XCTAssertThrowsError(try pg.transaction(overwrite: false, bulk: true) { w in
            try w.add((0..<3000).map { unit("Sentence number \($0).", "Предложение \($0).") })
            throw Stop()
        })
        XCTAssertEqual(try pg.count(), 0)
        // Four writers on connections of their own, each acknowledging its adds one by one.
        let url = try Self.baseURL() + "?memory=" + pg.place.name
        let failures = ErrorBox()
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            do {
                let mine = try PostgresMemory(location: PostgresLocation(url: url), create: true)
                for i in 0..<40 {
                    let u = TranslationUnit(variants: [Variant(language: "en", text: "Writer \(t) line \(i)."), Variant(language: "ru", text: "Писатель \(t) строка \(i).")])
                    _ = try mine.add([u])
                }
            } catch { failures.set(error) }
        }
        XCTAssertNil(failures.error)
        XCTAssertEqual(try pg.count(), 160)
        XCTAssertEqual(Set(try pg.units(language: nil, limit: 500, offset: 0).compactMap(\.id)).count, 160)
    }
}

/// The vocabulary of the recall tests (news words, some repeated, numbers).
enum RecallVocabulary {
    static let words = ("the a of to in and Russia Syria Iraq ministry said statement meeting forces Russian Iraqi " +
        "cooperation fight against terrorism group state Islamic deputy foreign minister delegation security defense " +
        "situation expansion efforts support government noted continued importance side underlined intention further " +
        "strengthen coordination between Moscow Baghdad counterterrorism head parliamentary territories neighboring " +
        "occupied caliphate land control airstrikes positions request president sorties targets militants killed dozens 1,800 30")
        .split(separator: " ").map(String.init)
}

extension Array {
    func cycled() -> AnySequence<Element> {
        AnySequence { () -> AnyIterator<Element> in
            var i = 0
            return AnyIterator { defer { i += 1 }; return self.isEmpty ? nil : self[i % self.count] }
        }
    }
}
