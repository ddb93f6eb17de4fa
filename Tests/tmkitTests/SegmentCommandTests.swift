import Foundation
import XCTest

final class SegmentCommandTests: XCTestCase {
    func testSegmentsTheSputnikArticlesAsLines() throws {
        for lang in ["en", "ru"] {
            let r = try CLI.run(["segment", CLI.fixture("article-\(lang).txt"), "--lang", lang])
            XCTAssertEqual(r.status, 0, r.stderr)
            let expected = try String(contentsOfFile: CLI.fixture("sentences-\(lang).txt"), encoding: .utf8)
            XCTAssertEqual(r.stdout, expected)
        }
    }

    func testJSONGivesScalarOffsetsIntoTheInput() throws {
        let text = "«Привет», — сказал он. Cafe\u{301} ok.\n\nNext"
        let r = try CLI.run(["segment", "--lang", "ru", "--format", "json"], stdin: Data(text.utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        let items = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        let scalars = Array(text.unicodeScalars)
        XCTAssertEqual(items.map { $0["text"] as! String }, ["«Привет», — сказал он.", "Caf\u{E9} ok.", "Next"])
        for item in items {
            let s = item["start"] as! Int, e = item["end"] as! Int
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[s..<e])
            XCTAssertEqual(String(view).precomposedStringWithCanonicalMapping, item["text"] as? String)
        }
        XCTAssertEqual(items[1]["start"] as? Int, scalars.firstIndex(of: "C"))
        XCTAssertEqual(items[1]["end"] as? Int, scalars.firstIndex(of: "\n"))
    }

    func testExplainShowsEveryCandidateAndWhatDecidedIt() throws {
        let text = "Закон принят в 2015 г. Срок истёк. Его подписал В. В. Путин."
        let r = try CLI.run(["segment", "--lang", "ru", "--explain", "--format", "json"], stdin: Data(text.utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        let items = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        let byBefore = Dictionary(items.map { ($0["before"] as! String, $0) }, uniquingKeysWith: { a, _ in a })
        let year = try XCTUnwrap(byBefore["Закон принят в 2015 г."])
        XCTAssertEqual(year["break"] as? Bool, true)
        XCTAssertEqual(year["rule"] as? String, "after-number")
        XCTAssertEqual(year["after"] as? String, "Срок истёк. Его подписал В. В.")
        let initial = try XCTUnwrap(items.first { ($0["before"] as! String).hasSuffix("подписал В.") })
        XCTAssertEqual(initial["break"] as? Bool, false)
        XCTAssertEqual(initial["rule"] as? String, "initial")
        XCTAssertEqual(items.filter { $0["break"] as? Bool == true }.count, 2)

        let lines = try CLI.run(["segment", "--lang", "en", "--explain"], stdin: Data("He left at 5 p.m. Officials said so.".utf8))
        XCTAssertEqual(lines.status, 0, lines.stderr)
        XCTAssertTrue(lines.stdout.contains("break 18 after-number: …He left at 5 p.m. ‖ Officials said so.…"), lines.stdout)
        XCTAssertTrue(lines.stdout.contains("\"p.m.\" after a number usually ends its sentence"), lines.stdout)
    }

    func testReadsStandardInputWithDash() throws {
        let r = try CLI.run(["segment", "-", "--lang", "en"], stdin: Data("Mr. Smith left. He came back.".utf8))
        XCTAssertEqual(r.stdout, "Mr. Smith left.\nHe came back.\n")
    }

    func testMissingFileIsAClearError() throws {
        let r = try CLI.run(["segment", "/nonexistent/article.txt", "--lang", "en"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.contains("/nonexistent/article.txt: no such file"), r.stderr)
    }

    func testInvalidUTF8ReportsTheByteOffset() throws {
        let path = try CLI.temporaryFile("bad.txt", bytes: Array("Line one.\nBad ".utf8) + [0xFF, 0xFE] + Array(" here.".utf8))
        let r = try CLI.run(["segment", path, "--lang", "en"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("invalid UTF-8 at byte offset 14 (line 2)"), r.stderr)
    }

    func testLanguageIsRequiredForLatinTextButGuessedForJapanese() throws {
        let latin = try CLI.run(["segment"], stdin: Data("Hello there. Bye.".utf8))
        XCTAssertEqual(latin.status, 1)
        XCTAssertTrue(latin.stderr.contains("give --lang"), latin.stderr)
        let ja = try CLI.run(["segment"], stdin: Data("これはペンです。あれは本です。".utf8))
        XCTAssertEqual(ja.status, 0, ja.stderr)
        XCTAssertEqual(ja.stdout, "これはペンです。\nあれは本です。\n")
    }

    func testUnknownLanguageWarnsAndUsesICU() throws {
        let r = try CLI.run(["segment", "--lang", "haw"], stdin: Data("Aloha. Mahalo.".utf8))
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "Aloha.\nMahalo.\n")
        XCTAssertTrue(r.stderr.contains("warning: tmkit has no sentence rules for 'haw'"), r.stderr)
    }

    func testSRXFileDrivesTheBreaksAndBadRulesAreNamed() throws {
        let srx = """
        <?xml version="1.0"?>
        <srx version="2.0"><header cascade="yes"/><body><languagerules>
        <languagerule languagerulename="Default">
        <rule break="no"><beforebreak>\\bсент\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
        <rule break="yes"><beforebreak>\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
        </languagerule></languagerules>
        <maprules><languagemap languagepattern=".*" languagerulename="Default"/></maprules></body></srx>
        """
        let good = try CLI.temporaryFile("rules.srx", bytes: Array(srx.utf8))
        let r = try CLI.run(["segment", "--lang", "ru", "--srx", good], stdin: Data("С 30 сент. Россия. Всё.".utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "С 30 сент. Россия.\nВсё.\n")

        let bad = try CLI.temporaryFile("bad.srx", bytes: Array(srx.replacingOccurrences(of: "<beforebreak>\\.</beforebreak>", with: "<beforebreak>[.</beforebreak>").utf8))
        let b = try CLI.run(["segment", "--lang", "ru", "--srx", bad], stdin: Data("x".utf8))
        XCTAssertEqual(b.status, 1)
        XCTAssertTrue(b.stderr.contains("bad.srx:5: rule 2 of languagerule 'Default': beforebreak"), b.stderr)
    }

    func testBareICURulesAreAvailableForComparison() throws {
        let r = try CLI.run(["segment", "--lang", "ru", "--rules", "icu"], stdin: Data("В 1898 г. Дом продан.".utf8))
        XCTAssertEqual(r.stdout, "В 1898 г.\nДом продан.\n")
        let t = try CLI.run(["segment", "--lang", "ru"], stdin: Data("В 1898 г. Дом продан.".utf8))
        XCTAssertEqual(t.stdout, "В 1898 г. Дом продан.\n")
    }
}
