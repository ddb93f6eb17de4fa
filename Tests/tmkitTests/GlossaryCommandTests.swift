import Foundation
import XCTest

final class GlossaryCommandTests: XCTestCase {
    var glossary: String!
    override func setUp() { glossary = FileManager.default.temporaryDirectory.appendingPathComponent("g-\(UUID().uuidString).tbdb").path }

    func g(_ args: [String], stdin: Data? = nil) throws -> CLI.Result { try CLI.run(["glossary"] + args + ["--glossary", glossary], stdin: stdin) }

    /// The fixture's sentence pairs as the gold alignment joins them.
    func alignedPairs() throws -> (String, String) {
        let en = try String(contentsOfFile: CLI.fixture("sentences-en.txt"), encoding: .utf8).split(separator: "\n").map(String.init)
        let ru = try String(contentsOfFile: CLI.fixture("sentences-ru.txt"), encoding: .utf8).split(separator: "\n").map(String.init)
        var s: [String] = [], t: [String] = []
        for line in try String(contentsOfFile: CLI.fixture("gold-alignment.txt"), encoding: .utf8).split(separator: "\n") where line.hasPrefix("[") {
            let parts = line.split(separator: ":").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(separator: ",").compactMap { Int($0) } }
            if parts[0].isEmpty || parts[1].isEmpty { continue }
            s.append(parts[0].map { en[$0] }.joined(separator: " "))
            t.append(parts[1].map { ru[$0] }.joined(separator: " "))
        }
        return (s.joined(separator: "\n") + "\n", t.joined(separator: "\n") + "\n")
    }

    func testImportFindAndCheckTheSputnikFixture() throws {
        var r = try g(["import", CLI.fixture("glossary.en-ru.tsv")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("9 entries imported"))

        r = try g(["find", "Обширные территории захвачены «Исламским государством».", "--source-lang", "ru", "--target-lang", "en", "--format", "json"])
        let found = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(found.first?["text"] as? String, "Исламским государством")
        XCTAssertEqual(found.first?["translations"] as? [String], ["Islamic State"])
        XCTAssertEqual(found.first?["start"] as? Int, 31)

        let (en, ru) = try alignedPairs()
        let srcFile = try CLI.temporaryFile("pairs.en", bytes: Array(en.utf8))
        let tgtFile = try CLI.temporaryFile("pairs.ru", bytes: Array(ru.utf8))
        r = try g(["check", srcFile, tgtFile, "--source-lang", "en", "--target-lang", "ru"])
        XCTAssertEqual(r.status, 0, r.stdout)
        XCTAssertEqual(r.stdout, "no problems found\n")

        // A true omission and a forbidden term, planted.
        XCTAssertEqual(try g(["add", "Islamic State", "ИГ", "--source-lang", "en", "--target-lang", "ru", "--status", "forbidden"]).status, 0)
        let planted = ru.replacingOccurrences(of: "около 1800 боевых вылетов", with: "около 1800 вылетов")
            .replacingOccurrences(of: "захвачены «Исламским государством»", with: "захвачены ИГ")
        let bad = try CLI.temporaryFile("planted.ru", bytes: Array(planted.utf8))
        r = try g(["check", srcFile, bad, "--source-lang", "en", "--target-lang", "ru", "--format", "json"])
        XCTAssertEqual(r.status, 1)
        let findings = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(findings.map { "\($0["line"]!) \($0["kind"]!)" }.sorted(), ["10 missing", "8 forbidden", "8 missing"])
    }

    /// A page or Markdown file is searched in its text, not its syntax, with offsets into the file.
    func testFindInMarkdownAndHTMLGivesOffsetsIntoTheFile() throws {
        XCTAssertEqual(try g(["import", CLI.fixture("glossary.en-ru.tsv")]).status, 0)
        let en = try String(contentsOfFile: CLI.fixture("article-en.txt"), encoding: .utf8)
        let md = try CLI.temporaryFile("article.md", bytes: Array(MarkdownPageTests.markdown(en, bold: "Islamic State", link: "Russian Foreign Ministry").utf8))
        let html = try CLI.temporaryFile("article.html", bytes: Array(HTMLPageTests.page(en, lang: "en", bold: "Islamic State", link: "Russian Foreign Ministry").utf8))
        let plain = try g(["find", "--file", CLI.fixture("article-en.txt"), "--source-lang", "en", "--format", "json"])
        let inText = try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as! [[String: Any]]
        XCTAssertFalse(inText.isEmpty)
        for file in [md, html] {
            let r = try g(["find", "--file", file, "--source-lang", "en", "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let found = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
            // The same terms as in the plain article (the page has its headline twice: title and h1).
            XCTAssertGreaterThanOrEqual(found.count, inText.count, file)
            XCTAssertEqual(Set(found.map { $0["term"] as! String }), Set(inText.map { $0["term"] as! String }), file)
            let scalars = Array(try String(contentsOfFile: file, encoding: .utf8).unicodeScalars)
            for m in found {
                let raw = String(String.UnicodeScalarView(scalars[(m["start"] as! Int)..<(m["end"] as! Int)]))
                let surface = m["text"] as! String
                XCTAssertEqual(raw.unicodeScalars.first, surface.unicodeScalars.first, "\(raw) for \(surface)")
                XCTAssertEqual(raw.unicodeScalars.last, surface.unicodeScalars.last, "\(raw) for \(surface)")
            }
            XCTAssertTrue(found.contains { ($0["text"] as! String).hasPrefix("Islamic State") && String(String.UnicodeScalarView(scalars[($0["start"] as! Int)..<($0["end"] as! Int)])).contains(file.hasSuffix(".md") ? "**" : "</b>") },
                          "the bold term's span in the file holds its markup")
        }
    }

    func testAddListSearchRemoveAndErrors() throws {
        XCTAssertEqual(try g(["add", "caliphate", "халифат", "--source-lang", "en", "--target-lang", "ru"]).stdout, "entry 1: added\n")
        XCTAssertEqual(try g(["add", "Caliphate", "Халифат", "--source-lang", "en", "--target-lang", "ru"]).stdout, "entry 1: already there; updated\n")
        let alt = try g(["add", "caliphate", "халифатство", "--source-lang", "en", "--target-lang", "ru"])
        XCTAssertTrue(alt.stderr.contains("also translated as 'халифат'"), alt.stderr)
        XCTAssertEqual(try JSONSerialization.jsonObject(with: Data(try g(["list", "--format", "json"]).stdout.utf8)) as? [Any] != nil, true)
        XCTAssertTrue(try g(["search", "ХАЛИФ"]).stdout.contains("entry 1"))
        XCTAssertEqual(try g(["remove", "2"]).status, 0)
        let missing = try g(["remove", "2"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no entry 2"))
        let bad = try CLI.temporaryFile("bad.tsv", bytes: Array("en\tru\nfine\tхорошо\nbroken\n".utf8))
        let r = try g(["import", bad])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("bad.tsv:3: expected at least two columns, found 1 (nothing was imported)"), r.stderr)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(try g(["list", "--format", "json"]).stdout.utf8)) as! [Any]).count, 1)
    }
}

final class GlossaryCheckTMXTests: XCTestCase {
    func testCheckReadsPairsFromATMXExport() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gtmx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let memory = dir.appendingPathComponent("m.tmdb").path, glossary = dir.appendingPathComponent("g.tbdb").path
        let tmx = dir.appendingPathComponent("pairs.tmx").path
        XCTAssertEqual(try CLI.run(["align", CLI.fixture("article-en.txt"), CLI.fixture("article-ru.txt"), "--source-lang", "en",
                                    "--target-lang", "ru", "--into", memory]).status, 0)
        XCTAssertEqual(try CLI.run(["tm", "add", "Vast territories are held by the Islamic State.", "Обширные территории у боевиков.",
                                    "--source-lang", "en", "--target-lang", "ru", "--memory", memory]).status, 0)
        XCTAssertEqual(try CLI.run(["tm", "export", tmx, "--memory", memory, "--source-lang", "en"]).status, 0)
        XCTAssertEqual(try CLI.run(["glossary", "import", CLI.fixture("glossary.en-ru.tsv"), "--glossary", glossary]).status, 0)
        let r = try CLI.run(["glossary", "check", tmx, "--source-lang", "en", "--target-lang", "ru", "--glossary", glossary])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "line 13: 'Islamic State' is not translated as 'Исламское государство'\n")
    }
}
