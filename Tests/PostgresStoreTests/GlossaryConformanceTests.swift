import Foundation
import XCTest
import MemoryStores

/// The same glossary writes and reads on a glossary file and on a PostgreSQL glossary give the
/// same results (and the expected ones); writes are all or nothing and writers of one glossary
/// lose nothing. Needs `TMKIT_PG_URL`, like the memory tests.
final class GlossaryConformanceTests: XCTestCase {
    /// A glossary file and a PostgreSQL glossary, both new and empty.
    func stores(_ name: String) throws -> (TermStore, PostgresGlossary) {
        let base = try StoreConformanceTests.baseURL()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tmkit-glossary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let file = try TermStore(path: dir.appendingPathComponent("g.tbdb").path, create: true)
        let pg = try PostgresGlossary(location: PostgresLocation(url: base + "?glossary=\(name)-\(UUID().uuidString.prefix(8))", nameKey: "glossary"),
                                      create: true)
        return (file, pg)
    }

    /// An entry as both stores should give it back (the clock left out).
    func shape(_ e: TermEntry) -> String {
        let terms = e.terms.map { "\($0.id ?? 0):\($0.language)=\($0.text)|\($0.status?.rawValue ?? "-")|\($0.partOfSpeech ?? "-")|\($0.note ?? "-")" }
        return "\(e.id ?? 0) \(terms) def=\(e.definition ?? "-") dom=\(e.domain ?? "-") note=\(e.note ?? "-") src=\(e.source ?? "-")"
    }

    /// The same steps on a store; what each step said and what the glossary held after it.
    func transcript(_ g: any GlossaryStore) throws -> [String] {
        var out: [String] = []
        func add(_ en: String, _ ru: String, status: Term.Status? = nil, note: String? = nil, domain: String? = nil) throws {
            let r = try g.add(source: Term(language: "en", text: en), target: Term(language: "ru", text: ru, status: status), note: note, domain: domain)
            out.append("add \(en)/\(ru): \(r.entryID) \(r.kind)")
        }
        try add("Islamic State", "Исламское государство", domain: "politics")
        try add("Islamic State", "ИГ")
        try add("islamic  state", "исламское государство", status: .preferred, note: "checked")
        try add("airstrike", "авиаудар")
        try add("Foreign Ministry", "МИД", status: .admitted)
        try add("file manager", "файловый менеджер")
        out.append("entries: " + (try g.entries().map(shape)).joined(separator: " ; "))
        XCTAssertTrue(try g.edit(id: 3, language: "ru", text: "авиаудары", status: .deprecated, note: "plural", definition: "a strike from the air", domain: "military"))
        XCTAssertFalse(try g.edit(id: 99, note: "nothing"))
        XCTAssertTrue(try g.remove(id: 5))
        XCTAssertFalse(try g.remove(id: 5))
        let tbx = [
            TermEntry(terms: [Term(language: "en", text: "sortie", partOfSpeech: "noun"), Term(language: "ru", text: "боевой вылет"),
                              Term(language: "fr", text: "sortie", note: "aviation")],
                      definition: "a combat flight", domain: "military", note: "from a TBX", source: "tbx\twith\\odd\ncharacters",
                      createdAt: Date(timeIntervalSince1970: 1_700_000_000.5), changedAt: Date(timeIntervalSince1970: 1_700_000_100)),
            TermEntry(terms: [Term(language: "en-GB", text: "defence"), Term(language: "ru", text: "оборона")]),
        ]
        try g.insert(tbx)
        out.append("entries: " + (try g.entries().map(shape)).joined(separator: " ; "))
        out.append("fr: " + (try g.entries(language: "fr").map { "\($0.id ?? 0)" }).joined(separator: ","))
        out.append("en: " + (try g.entries(language: "en").map { "\($0.id ?? 0)" }).joined(separator: ","))
        out.append("entry 6: " + (try g.entry(id: 6).map(shape) ?? "none") + " dates \(try g.entry(id: 6).map { "\($0.createdAt!.timeIntervalSince1970) \($0.changedAt!.timeIntervalSince1970)" } ?? "-")")
        out.append("entry 5: " + (try g.entry(id: 5).map(shape) ?? "none"))
        for q in ["Исламского государства", "islamic", "state", "боевой вылт", "авиаудара", "SORTIE", "nothing at all", "ig"] {
            out.append("search \(q): " + (try g.search(q).map { "\($0.id ?? 0)" }).joined(separator: ","))
        }
        let verify = try g.verify()
        out.append("verify: \(verify.ok) \(verify.counts.map { "\($0.count) \($0.name)" })")
        // Term recognition from the stored keys: inflected Russian found.
        let recognizer = try TermRecognizer(entries: try g.entries(language: "ru"), language: "ru")
        out.append("find: " + (try recognizer.find(in: "Боевые вылеты против Исламского государства продолжились.").map { "\($0.surface)→\($0.entry.id ?? 0)" }).joined(separator: ","))
        return out
    }

    func testTheSameStepsGiveTheSameAnswersOnBothStores() throws {
        let (file, pg) = try stores("steps")
        let a = try transcript(file), b = try transcript(pg)
        XCTAssertEqual(a, b)
        // And they are the right answers.
        XCTAssertEqual(Array(b.prefix(6)), [
            "add Islamic State/Исламское государство: 1 added",
            "add Islamic State/ИГ: 2 addedBesideOther(\"Исламское государство\")",
            "add islamic  state/исламское государство: 1 updated",
            "add airstrike/авиаудар: 3 added",
            "add Foreign Ministry/МИД: 4 added",
            "add file manager/файловый менеджер: 5 added",
        ])
        XCTAssertTrue(b.contains("entry 5: none"), "\(b)")
        XCTAssertTrue(b.contains("fr: 6"), "\(b)")
        XCTAssertTrue(b.contains("en: 1,2,3,4,6,7"), "\(b)")
        XCTAssertTrue(b.contains("search Исламского государства: 1"), "\(b)")
        XCTAssertTrue(b.contains("search SORTIE: 6"), "\(b)")
        XCTAssertTrue(b.contains("search боевой вылт: 6"), "\(b)")
        XCTAssertTrue(b.contains("search авиаудара: 3"), "\(b)")
        XCTAssertTrue(b.contains("search islamic: 1,2"), "\(b)")
        XCTAssertTrue(b.contains("search nothing at all: "), "\(b)")
        XCTAssertTrue(b.contains("verify: true [\"6 entries\", \"13 terms\"]"), "\(b)")
        XCTAssertTrue(b.contains("find: Боевые вылеты→6,Исламского государства→1"), "\(b)")
        XCTAssertTrue(b.contains { $0.hasPrefix("entry 6: 6 ") && $0.hasSuffix("dates 1700000000.5 1700000100.0") && $0.contains("ru=боевой вылет") }, "\(b)")
        XCTAssertTrue(b.contains { $0.contains("3 [\"5:en=airstrike|-|-|-\", \"6:ru=авиаудары|deprecated|-|-\"] def=a strike from the air dom=military note=plural") }, "\(b)")
        XCTAssertTrue(b.contains { $0.contains("src=tbx\twith\\odd\ncharacters") }, "\(b)")
    }

    func testAFailedImportLeavesNothingAndReplacingIsOneTransaction() throws {
        let (_, pg) = try stores("tx")
        try pg.add(source: Term(language: "en", text: "kept"), target: Term(language: "ru", text: "сохранено"))
        // A NUL in a term: PostgreSQL refuses the text, and the whole import is rolled back.
        let bad = (0..<500).map { TermEntry(terms: [Term(language: "en", text: "term \($0)"), Term(language: "ru", text: $0 == 400 ? "термин\0" : "термин \($0)")]) }
        XCTAssertThrowsError(try pg.insert(bad))
        XCTAssertThrowsError(try pg.insert(bad, replacing: true))
        XCTAssertEqual(try pg.entries().map { $0.terms.map(\.text) }, [["kept", "сохранено"]])
        // The ids the failed imports did not use are given to the next write.
        try pg.insert(Array(bad.prefix(2)), replacing: true)
        XCTAssertEqual(try pg.entries().map(\.id), [2, 3])
        XCTAssertTrue(try pg.verify().ok)
    }

    func testWritersOfOneGlossaryTakeTurnsAndLoseNothing() throws {
        let (_, pg) = try stores("writers")
        let url = try StoreConformanceTests.baseURL() + "?glossary=" + pg.place.name
        let failures = ErrorBox()
        // Four processes' worth of writers on connections of their own, adding their own pairs
        // and, all of them, the same shared pairs: each shared pair must end in one entry.
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            do {
                let mine = try PostgresGlossary(location: PostgresLocation(url: url, nameKey: "glossary"), create: true)
                for i in 0..<25 {
                    try mine.add(source: Term(language: "en", text: "writer \(t) term \(i)"), target: Term(language: "ru", text: "писатель \(t) термин \(i)"))
                    try mine.add(source: Term(language: "en", text: "shared \(i)"), target: Term(language: "ru", text: "общий \(i)"))
                }
            } catch { failures.set(error) }
        }
        XCTAssertNil(failures.error.map { "\($0)" })
        let entries = try pg.entries()
        XCTAssertEqual(entries.count, 125)
        XCTAssertEqual(Set(entries.compactMap(\.id)).count, 125)
        XCTAssertEqual(entries.filter { $0.terms[0].text.hasPrefix("shared") }.count, 25)
        XCTAssertTrue(try pg.verify().ok)
    }

    func testVerifyFindsStaleKeysAndWrongCountersAndRepairFixesThem() throws {
        let (_, pg) = try stores("verify")
        try pg.add(source: Term(language: "en", text: "Foreign Ministry"), target: Term(language: "ru", text: "Министерство иностранных дел"))
        try pg.add(source: Term(language: "en", text: "airstrike"), target: Term(language: "ru", text: "авиаудар"))
        try BadDatabaseTests.psql("""
            UPDATE tmkit_term SET fold = 'wrong', keys = 'x' WHERE glossary = (SELECT id FROM tmkit_glossary WHERE name = '\(pg.place.name)') AND text = 'авиаудар';
            UPDATE tmkit_glossary SET next_entry = 1 WHERE name = '\(pg.place.name)'
            """)
        let report = try pg.verify()
        XCTAssertFalse(report.ok)
        XCTAssertEqual(Set(report.problems.map(\.kind)), ["terms whose search and recognition keys are not their text's", "next ids not above those in use"])
        let repaired = try pg.verify(repair: true)
        XCTAssertTrue(repaired.ok && repaired.repaired)
        XCTAssertEqual(try pg.search("авиаудара").map(\.id), [2])
        let r = try pg.add(source: Term(language: "en", text: "sortie"), target: Term(language: "ru", text: "вылет"))
        XCTAssertEqual(r, GlossaryAddResult(entryID: 3, kind: .added))
    }
}
