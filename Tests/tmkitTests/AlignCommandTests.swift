import Foundation
import XCTest

final class AlignCommandTests: XCTestCase {
    func gold() throws -> [String] {
        try String(contentsOfFile: CLI.fixture("gold-alignment.txt"), encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("[") }.map(String.init)
    }

    func beads(_ json: String) throws -> [String] {
        let arr = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: Any]]
        return arr.map { b in
            "[" + (b["sourceIndices"] as! [Int]).map(String.init).joined(separator: ",") + "]:[" + (b["targetIndices"] as! [Int]).map(String.init).joined(separator: ",") + "]"
        }
    }

    func testSputnikAlignsToGoldPresegmentedAndRaw() throws {
        let pre = try CLI.run(["align", CLI.fixture("sentences-en.txt"), CLI.fixture("sentences-ru.txt"), "--source-lang", "en",
                               "--target-lang", "ru", "--presegmented", "--format", "json"])
        XCTAssertEqual(pre.status, 0, pre.stderr)
        XCTAssertEqual(try beads(pre.stdout), try gold())
        let raw = try CLI.run(["align", CLI.fixture("article-en.txt"), CLI.fixture("article-ru.txt"), "--source-lang", "en",
                               "--target-lang", "ru", "--format", "json"])
        XCTAssertEqual(raw.status, 0, raw.stderr)
        XCTAssertEqual(try beads(raw.stdout), try gold())
        let arr = try JSONSerialization.jsonObject(with: Data(raw.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(arr[9]["targetText"] as? String, try String(contentsOfFile: CLI.fixture("sentences-ru.txt"), encoding: .utf8).split(separator: "\n")[9].description)
        XCTAssertTrue(raw.stderr.contains("[]:[12]"), "the lone Russian sentence is listed for checking: \(raw.stderr)")
    }

    func testTSVOutputImportsIntoAMemoryAndIntoStoresPairsWithContext() throws {
        let tsv = try CLI.run(["align", CLI.fixture("article-en.txt"), CLI.fixture("article-ru.txt"), "--source-lang", "en", "--target-lang", "ru"])
        XCTAssertTrue(tsv.stdout.hasPrefix("en\tru\tscore\tbead\n"), tsv.stdout)
        XCTAssertEqual(tsv.stdout.split(separator: "\n").count, 14)

        let memory = FileManager.default.temporaryDirectory.appendingPathComponent("align-\(UUID().uuidString).tmdb").path
        let dry = try CLI.run(["align", CLI.fixture("article-en.txt"), CLI.fixture("article-ru.txt"), "--source-lang", "en",
                               "--target-lang", "ru", "--into", memory, "--dry-run"])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stdout.hasPrefix("would store 12 of 13 beads"), dry.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: memory))

        let r = try CLI.run(["align", CLI.fixture("article-en.txt"), CLI.fixture("article-ru.txt"), "--source-lang", "en",
                             "--target-lang", "ru", "--into", memory])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("12 of 13 beads stored; 12 added"), r.stdout)
        let lookup = try CLI.run(["tm", "lookup", "Russia, Syria, Iraq and Iran created the Baghdad Information Center to coordinate joint military action against ISIL.",
                                  "--source-lang", "en", "--target-lang", "ru", "--memory", memory, "--format", "json"])
        let ms = try JSONSerialization.jsonObject(with: Data(lookup.stdout.utf8)) as! [[String: Any]]
        let unit = ms[0]["unit"] as! [String: Any]
        XCTAssertEqual(unit["contextPrev"] as? String, "Several hundreds of militants have been killed, dozens of command centers and depots destroyed.")
        XCTAssertEqual(unit["file"] as? String, CLI.fixture("article-en.txt"))
        XCTAssertTrue((ms[0]["target"] as! String).hasPrefix("В конце сентября Россия"))
    }

    func testBadInputIsRefused() throws {
        let empty = try CLI.temporaryFile("empty.txt", bytes: Array("\n\n".utf8))
        var r = try CLI.run(["align", empty, CLI.fixture("article-ru.txt"), "--source-lang", "en", "--target-lang", "ru"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("empty.txt: no sentences to align"), r.stderr)

        let binary = try CLI.temporaryFile("binary.bin", bytes: [0x7F, 0x45, 0x4C, 0x46, 0, 0, 1, 2])
        r = try CLI.run(["align", binary, CLI.fixture("article-ru.txt"), "--source-lang", "en", "--target-lang", "ru"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("binary.bin: a binary file"), r.stderr)

        // The English UI strings against the Russian article: nothing in common.
        let ui = try String(contentsOfFile: CLI.fixture("page-en.txt"), encoding: .utf8)
        let unrelated = try CLI.temporaryFile("unrelated.txt", bytes: Array(ui.utf8))
        let memory = FileManager.default.temporaryDirectory.appendingPathComponent("align-bad-\(UUID().uuidString).tmdb").path
        r = try CLI.run(["align", CLI.fixture("ui-strings.en-ru.tsv"), CLI.fixture("article-ru.txt"), "--source-lang", "en", "--target-lang", "ru",
                         "--into", memory])
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stderr.contains("do not look like translations of each other"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: memory))
        _ = unrelated
    }
}

final class AlignMemoryAnchorTests: XCTestCase {
    func testMemoryUnitsAnchorTheAlignment() throws {
        // Two short texts whose lengths mislead: the memory knows which sentences correspond.
        let en = try CLI.temporaryFile("a-en.txt", bytes: Array("Yes.\nThe committee met on Friday to discuss the situation in the region at length.\nNo.\n".utf8))
        let ru = try CLI.temporaryFile("a-ru.txt", bytes: Array("Комитет собрался в пятницу.\nДа.\nНет, ситуацию в регионе обсуждали долго и подробно.\n".utf8))
        let memory = FileManager.default.temporaryDirectory.appendingPathComponent("anch-\(UUID().uuidString).tmdb").path
        XCTAssertEqual(try CLI.run(["tm", "add", "Yes.", "Да.", "--source-lang", "en", "--target-lang", "ru", "--memory", memory]).status, 0)
        let with = try CLI.run(["align", en, ru, "--source-lang", "en", "--target-lang", "ru", "--presegmented", "--format", "json",
                                "--memory", memory, "--force"])
        XCTAssertEqual(with.status, 0, with.stderr)
        let arr = try JSONSerialization.jsonObject(with: Data(with.stdout.utf8)) as! [[String: Any]]
        let yes = arr.first { ($0["sourceIndices"] as! [Int]) == [0] }
        XCTAssertEqual(yes?["targetIndices"] as? [Int], [1], "\(arr)")
    }
}

final class AlignGlossaryAnchorTests: XCTestCase {
    func testGlossaryTermsAnchorTheAlignment() throws {
        let en = try CLI.temporaryFile("g-en.txt", bytes: Array("Yes.\nThe committee met on Friday to discuss the situation in the region at length.\nNo.\n".utf8))
        let ru = try CLI.temporaryFile("g-ru.txt", bytes: Array("Комитет собрался в пятницу.\nДа.\nНет, ситуацию в регионе обсуждали долго и подробно.\n".utf8))
        let glossary = FileManager.default.temporaryDirectory.appendingPathComponent("ga-\(UUID().uuidString).tbdb").path
        XCTAssertEqual(try CLI.run(["glossary", "add", "yes", "да", "--source-lang", "en", "--target-lang", "ru", "--glossary", glossary]).status, 0)
        let r = try CLI.run(["align", en, ru, "--source-lang", "en", "--target-lang", "ru", "--presegmented", "--format", "json",
                             "--glossary", glossary, "--force"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let arr = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(arr.first { ($0["sourceIndices"] as! [Int]) == [0] }?["targetIndices"] as? [Int], [1], "\(arr)")
    }
}

final class AlignLexiconTests: XCTestCase {
    /// The lexicon grows with use: a memory's units teach word pairs that a short text alone cannot,
    /// and --explain names them.
    func testMemoryUnitsSeedTheLexiconAndExplainShowsThePairs() throws {
        let people = [("minister", "министр"), ("president", "президент"), ("governor", "губернатор"), ("delegation", "делегация")]
        let verbs = [("visited the", "посетил"), ("praised the", "похвалил"), ("criticised the", "раскритиковал")]
        let places = [("factory", "завод"), ("harbour", "гавань"), ("museum", "музей"), ("hospital", "больницу")]
        var tsv = "en\tru\n"
        for (k, p) in people.enumerated() {
            for (m, v) in verbs.enumerated() {
                let place = places[(k + m) % places.count]
                tsv += "The \(p.0) \(v.0) \(place.0).\t\(p.1.capitalized) \(v.1) \(place.1).\n"
            }
        }
        let data = try CLI.temporaryFile("seed.tsv", bytes: Array(tsv.utf8))
        let memory = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString).tmdb").path
        let imp = try CLI.run(["tm", "import", data, "--memory", memory])
        XCTAssertEqual(imp.status, 0, imp.stderr)
        let en = try CLI.temporaryFile("s-en.txt", bytes: Array("The governor praised the museum.\nThe minister visited the hospital.\n".utf8))
        let ru = try CLI.temporaryFile("s-ru.txt", bytes: Array("Губернатор похвалил музей.\nМинистр посетил больницу.\n".utf8))
        func pairs(_ extra: [String]) throws -> Set<String> {
            let r = try CLI.run(["align", en, ru, "--source-lang", "en", "--target-lang", "ru", "--presegmented", "--format", "json",
                                 "--explain", "--force"] + extra)
            XCTAssertEqual(r.status, 0, r.stderr)
            let beads = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
            XCTAssertEqual(beads.map { $0["sourceIndices"] as! [Int] }, [[0], [1]])
            XCTAssertNotNil(beads.first?["lengthZ"] as? Double)
            return Set(beads.flatMap { ($0["lexicalPairs"] as? [[String: Any]] ?? []).map { "\($0["source"]!)=\($0["target"]!)" } })
        }
        XCTAssertEqual(try pairs([]), [], "two sentences alone teach no word pairs")
        let seeded = try pairs(["--memory", memory])
        for p in ["gover=губер", "minis=минис", "museu=музей", "hospi=больн"] {
            XCTAssertTrue(seeded.contains(p), "\(p) not learnt from the memory: \(seeded.sorted())")
        }
        XCTAssertEqual(try pairs(["--memory", memory, "--memory-seeds", "0"]), [])

        let lines = try CLI.run(["align", en, ru, "--source-lang", "en", "--target-lang", "ru", "--presegmented", "--explain", "--force",
                                 "--memory", memory])
        XCTAssertTrue(lines.stdout.contains("[0]:[0] score"), lines.stdout)
        XCTAssertTrue(lines.stdout.contains("words translated on the other side:"), lines.stdout)
        XCTAssertTrue(lines.stdout.contains("gover=губер"), lines.stdout)
    }
}
