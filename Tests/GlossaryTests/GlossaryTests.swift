import Foundation
import XCTest
import GRDB
@testable import Glossary
@testable import GlossarySQLite

final class StemmerTests: XCTestCase {
    func testEnglishPorter2() {
        let s = EnglishStemmer()
        let cases = ["caresses": "caress", "ponies": "poni", "ties": "tie", "cats": "cat", "feed": "feed", "agreed": "agre",
                     "plastered": "plaster", "motoring": "motor", "sing": "sing", "conflated": "conflat", "troubled": "troubl",
                     "sized": "size", "hopping": "hop", "falling": "fall", "hissing": "hiss", "happy": "happi", "generous": "generous",
                     "sorties": "sorti", "sortie": "sorti", "forces": "forc", "force": "forc", "ministry": "ministri", "minister": "minist",
                     "State’s": "state", "skies": "sky", "news": "news"]
        for (w, stem) in cases { XCTAssertEqual(s.stem(w), stem, w) }
    }

    func testRussianSnowball() {
        let s = RussianStemmer()
        let cases = ["государство": "государств", "государства": "государств", "государством": "государств",
                     "исламское": "исламск", "исламского": "исламск", "исламским": "исламск", "вагонами": "вагон",
                     "важная": "важн", "важнейшие": "важн", "вылетов": "вылет", "боевых": "боев", "боевой": "боев",
                     "силы": "сил", "сил": "сил", "терроризмом": "терроризм", "ёлка": "елк"]
        for (w, stem) in cases { XCTAssertEqual(s.stem(w), stem, w) }
    }
}

final class RecognitionTests: XCTestCase {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/sputnik")

    func fixtureEntries() throws -> [TermEntry] {
        let text = try String(contentsOf: Self.dir.appendingPathComponent("glossary.en-ru.tsv"), encoding: .utf8)
        return try GlossaryTSV.read(text, file: "glossary.en-ru.tsv")
    }

    func sentences(_ lang: String) throws -> [String] {
        try String(contentsOf: Self.dir.appendingPathComponent("sentences-\(lang).txt"), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func testFixtureGlossaryImportsWithShortForms() throws {
        let entries = try fixtureEntries()
        XCTAssertEqual(entries.count, 9)
        XCTAssertEqual(entries[2].terms.map(\.text), ["Russian Aerospace Forces", "Воздушно-космические силы России", "ВКС РФ"])
        XCTAssertEqual(entries[2].terms[2].status, .admitted)
    }

    func testEveryTermIsFoundWhereItOccursInflectedOrNot() throws {
        let entries = try fixtureEntries()
        let en = try TermRecognizer(entries: entries, language: "en").find(in: try sentences("en").joined(separator: "\n"))
        XCTAssertEqual(Set(en.map(\.term.text)), ["Islamic State", "ISIL", "Russian Aerospace Forces", "Deputy Foreign Minister",
                                                  "Foreign Ministry", "Baghdad Information Center", "sortie", "counterterrorism", "caliphate"])
        XCTAssertTrue(en.contains { $0.surface == "sorties" && $0.term.text == "sortie" })
        XCTAssertTrue(en.contains { $0.surface == "Islamic State’s" })
        XCTAssertFalse(en.contains { $0.term.text == "Foreign Ministry" && $0.surface.contains("Minister ") })

        let ruText = try sentences("ru").joined(separator: "\n")
        let ru = try TermRecognizer(entries: entries, language: "ru").find(in: ruText)
        let surfaces = ru.map(\.surface)
        for form in ["Исламского государства", "Исламское государство", "Исламским государством", "Воздушно-космических сил России",
                     "ВКС РФ", "боевых вылетов", "халифат", "ИГИЛ", "МИД", "Замминистра иностранных дел",
                     "заместителем министра иностранных дел", "борьбы с терроризмом"] {
            XCTAssertTrue(surfaces.contains(form), form)
        }
        // Offsets are Unicode scalars into the text.
        let scalars = Array(ruText.unicodeScalars)
        for m in ru {
            var v = String.UnicodeScalarView()
            v.append(contentsOf: scalars[m.start..<m.end])
            XCTAssertEqual(String(v), m.surface)
        }
        // Word order may change in Russian.
        let r = try TermRecognizer(entries: entries, language: "ru")
        XCTAssertTrue(try r.contains("информационный центр в Багдаде", in: "создали в Багдаде информационный центр"))
        XCTAssertFalse(try r.contains("информационный центр в Багдаде", in: "создали центр в Москве"))
    }

    func testMultiWordTermsAcrossLineBreaksAndLongestWins() throws {
        let entries = [TermEntry(terms: [Term(language: "en", text: "Foreign Ministry"), Term(language: "ru", text: "МИД")]),
                       TermEntry(terms: [Term(language: "en", text: "Russian Foreign Ministry"), Term(language: "ru", text: "МИД России")])]
        let m = try TermRecognizer(entries: entries, language: "en").find(in: "the Russian\n  Foreign   Ministry said")
        XCTAssertEqual(m.map(\.term.text), ["Russian Foreign Ministry"])
        XCTAssertEqual(m[0].surface, "Russian\n  Foreign   Ministry")
    }
}

final class TermStoreTests: XCTestCase {
    func temp() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("g-\(UUID().uuidString).tbdb").path
    }

    func testAddUpdatesDuplicatesAndKeepsAlternatives() throws {
        let g = try TermStore(path: temp(), create: true)
        XCTAssertEqual(try g.add(source: Term(language: "en", text: "sortie"), target: Term(language: "ru", text: "боевой вылет")).kind, .added)
        XCTAssertEqual(try g.add(source: Term(language: "en", text: "Sortie"), target: Term(language: "ru", text: "Боевой вылет"),
                                 note: "aviation").kind, .updated)
        XCTAssertEqual(try g.entries().count, 1)
        XCTAssertEqual(try g.entries().first?.note, "aviation")
        XCTAssertEqual(try g.add(source: Term(language: "en", text: "sortie"), target: Term(language: "ru", text: "вылет")).kind,
                       .addedBesideOther("боевой вылет"))
        XCTAssertEqual(try g.entries().count, 2)
        let id = try XCTUnwrap(try g.entries().last?.id)
        XCTAssertTrue(try g.edit(id: id, language: "ru", text: "самолёто-вылет", status: .deprecated))
        XCTAssertEqual(try g.entries().last?.terms.last?.status, .deprecated)
        XCTAssertEqual(try g.search("самолето").count, 1)
        XCTAssertTrue(try g.remove(id: id))
        XCTAssertFalse(try g.remove(id: id))
    }

    func testImportIsAllOrNothingAndErrorsNameTheLine() throws {
        XCTAssertThrowsError(try GlossaryTSV.read("en\tru\nA\tА\nonly\n", file: "g.tsv")) {
            XCTAssertEqual("\($0)", "g.tsv:3: expected at least two columns, found 1")
        }
        XCTAssertThrowsError(try GlossaryTSV.read("A\tБ\n", file: "h.tsv")) { XCTAssertTrue("\($0)".contains("give --source-lang")) }
        let omegat = try GlossaryTSV.read("Строка\tRow\tв таблице\nСтрока\tLine\n", file: "o.txt", sourceLanguage: "ru", targetLanguage: "en")
        XCTAssertEqual(omegat.map { $0.terms.map(\.text) }, [["Строка", "Row"], ["Строка", "Line"]])
        XCTAssertEqual(omegat[0].note, "в таблице")
        let csv = try GlossaryTSV.read("en,ru,note\n\"Foreign Ministry\",\"МИД, министерство\",x\n", file: "c.csv", separator: ",")
        XCTAssertEqual(csv[0].terms.map(\.text), ["Foreign Ministry", "МИД, министерство"])
    }
}

final class GlossaryVerifyTests: XCTestCase {
    func testVerifyFindsOrphansAndStaleKeysAndRepairFixesThem() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tmkit-gv-\(UUID().uuidString)")
        let path = dir.appendingPathComponent("g.tbdb").path
        // Glossaries created by several connections at once.
        final class Errors: @unchecked Sendable { let lock = NSLock(); var list: [String] = [] }
        let errors = Errors()
        DispatchQueue.concurrentPerform(iterations: 6) { i in
            do {
                let g = try TermStore(path: path, create: true)
                try g.add(source: Term(language: "en", text: "file manager \(i)"), target: Term(language: "ru", text: "файловый менеджер \(i)"))
            } catch { errors.lock.lock(); errors.list.append("\(error)"); errors.lock.unlock() }
        }
        XCTAssertEqual(errors.list, [])
        let store = try TermStore(path: path, create: false)
        XCTAssertEqual(try store.entries().count, 6)
        XCTAssertTrue(try store.verify().ok)
        let q = try DatabaseQueue(path: path)
        try q.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: "UPDATE term SET fold = 'wrong', keys = NULL WHERE id = 1")
            try db.execute(sql: "INSERT INTO term(entry_id, lang, lang_key, text, fold) VALUES (999, 'en', 'en', 'orphan', 'orphan')")
            try db.execute(sql: "INSERT INTO entry(id) VALUES (500)")
        }
        var r = try store.verify()
        XCTAssertEqual(Set(r.problems.map(\.kind)), ["terms of no entry", "entries without a term",
                                                    "terms whose search and recognition keys are not their text's"])
        r = try store.verify(repair: true)
        XCTAssertTrue(r.ok && r.repaired, "\(r.problems)")
        XCTAssertEqual(try store.search("file manager 1").first?.terms.first?.text, "file manager 1")
    }
}

final class GlossaryNearMissTests: XCTestCase {
    func testMultiWordQueriesFindTermsWithATypoInAnyWord() throws {
        let path = NSTemporaryDirectory() + "tmkit-near-\(UUID().uuidString).tbdb"
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let store = try TermStore(path: path, create: true)
        try store.add(source: Term(language: "en", text: "file manager"), target: Term(language: "ru", text: "файловый менеджер"))
        try store.add(source: Term(language: "en", text: "Deputy Foreign Minister"), target: Term(language: "ru", text: "заместитель министра иностранных дел"))
        try store.add(source: Term(language: "en", text: "manager"), target: Term(language: "ru", text: "менеджер"))
        func first(_ q: String) throws -> String? { try store.search(q).first?.terms.first?.text }
        XCTAssertEqual(try first("file manger"), "file manager")
        XCTAssertEqual(try first("файловый менежер"), "file manager")
        XCTAssertEqual(try first("deputy foriegn minister"), "Deputy Foreign Minister")
        XCTAssertEqual(try first("managr"), "manager")
        XCTAssertTrue(try store.search("file cabinet").isEmpty)
        XCTAssertTrue(try store.search("garden manger").isEmpty)
    }
}
