import Foundation
import XCTest

/// Articles as Markdown: the fixture's articles with a heading, front matter, emphasis, a link and
/// a code block; `segment` and `align` take them directly.
final class MarkdownPageTests: XCTestCase {
    static func markdown(_ article: String, bold: String, link: String) -> String {
        var paras = article.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        let headline = paras.removeFirst()
        var body = ""
        var boldDone = false, linkDone = false
        for p in paras {
            var m = p
            if !boldDone, let r = m.range(of: bold) { m.replaceSubrange(r, with: "**\(bold)**"); boldDone = true }
            if !linkDone, let r = m.range(of: link) { m.replaceSubrange(r, with: "[\(link)](https://example.com/a_(b))"); linkDone = true }
            body += m + "\n\n"
        }
        return "---\nlayout: article\n---\n\n# \(headline)\n\n\(body)```\nnot = \"text\"\n```\n"
    }

    func files() throws -> (en: String, ru: String) {
        let en = try String(contentsOfFile: CLI.fixture("article-en.txt"), encoding: .utf8)
        let ru = try String(contentsOfFile: CLI.fixture("article-ru.txt"), encoding: .utf8)
        return (try CLI.temporaryFile("article-en.md", bytes: Array(Self.markdown(en, bold: "Islamic State", link: "Russian Foreign Ministry").utf8)),
                try CLI.temporaryFile("article-ru.md", bytes: Array(Self.markdown(ru, bold: "Исламское государство", link: "МИД").utf8)))
    }

    func testMarkdownSegmentsIntoTheArticlesSentences() throws {
        let (en, ru) = try files()
        for (file, lang, expected) in [(en, "en", "sentences-en.txt"), (ru, "ru", "sentences-ru.txt")] {
            let r = try CLI.run(["segment", file, "--lang", lang])
            XCTAssertEqual(r.status, 0, r.stderr)
            let want = try String(contentsOfFile: CLI.fixture(expected), encoding: .utf8).split(separator: "\n").map(String.init)
            XCTAssertEqual(r.stdout.split(separator: "\n").map(String.init), want, lang)
            // From standard input, --input markdown reads it the same way.
            let piped = try CLI.run(["segment", "--lang", lang, "--input", "markdown"], stdin: try Data(contentsOf: URL(fileURLWithPath: file)))
            XCTAssertEqual(piped.stdout, r.stdout)
        }
        let json = try CLI.run(["segment", en, "--lang", "en", "--format", "json"])
        let arr = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [[String: Any]]
        let marked = arr.compactMap { $0["markup"] as? String }
        XCTAssertEqual(marked.count, 2, "\(marked)")
        XCTAssertTrue(marked.contains { $0.contains("<bpt i=\"1\">**</bpt>Islamic State<ept i=\"1\">**</ept>") }, "\(marked)")
        XCTAssertTrue(marked.contains { $0.contains("<bpt i=\"1\">[</bpt>Russian Foreign Ministry<ept i=\"1\">](https://example.com/a_(b))</ept>") }, "\(marked)")
        // Offsets point into the Markdown.
        let md = Array(try String(contentsOfFile: en, encoding: .utf8).unicodeScalars)
        for s in arr {
            let raw = String(String.UnicodeScalarView(md[(s["start"] as! Int)..<(s["end"] as! Int)]))
            XCTAssertEqual(raw.unicodeScalars.first, (s["text"] as! String).unicodeScalars.first)
            XCTAssertEqual(raw.unicodeScalars.last, (s["text"] as! String).unicodeScalars.last)
        }
    }

    func testMarkdownAlignsToTheGoldAndItsMarkupReachesTheTMX() throws {
        let (en, ru) = try files()
        let r = try CLI.run(["align", en, ru, "--source-lang", "en", "--target-lang", "ru", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let beads = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]).map { b in
            "[" + (b["sourceIndices"] as! [Int]).map { String($0) }.joined(separator: ",") + "]:[" + (b["targetIndices"] as! [Int]).map { String($0) }.joined(separator: ",") + "]"
        }
        let gold = try String(contentsOfFile: CLI.fixture("gold-alignment.txt"), encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("[") }.map(String.init)
        XCTAssertEqual(beads, gold)
        let memory = FileManager.default.temporaryDirectory.appendingPathComponent("md-\(UUID().uuidString).tmdb").path
        XCTAssertEqual(try CLI.run(["align", en, ru, "--source-lang", "en", "--target-lang", "ru", "--into", memory]).status, 0)
        let tmx = memory + ".tmx"
        defer { for f in [memory, tmx] { try? FileManager.default.removeItem(atPath: f) } }
        XCTAssertEqual(try CLI.run(["tm", "export", tmx, "--memory", memory, "--source-lang", "en"]).status, 0)
        let text = try String(contentsOfFile: tmx, encoding: .utf8)
        XCTAssertTrue(text.contains("<bpt i=\"1\">**</bpt>Исламское государство<ept i=\"1\">**</ept>"), text)
        XCTAssertTrue(text.contains("<bpt i=\"2\">[</bpt>МИД<ept i=\"2\">](https://example.com/a_(b))</ept> России."), text)
    }
}
