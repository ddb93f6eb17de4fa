import Foundation
import XCTest

/// Article pages as HTML: the fixture's articles put in a page with site chrome, a script, a
/// style, navigation and inline markup; `segment` and `align` take the page directly.
final class HTMLPageTests: XCTestCase {
    /// `article` as a news page: headline in <title> and <h1>, paragraphs in <p>, the first
    /// occurrence of each of `bold` in <b>, of `link` in an <a href>; chrome around it.
    static func page(_ article: String, lang: String, bold: String, link: String) -> String {
        func escape(_ s: String) -> String { s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;") }
        var paras = article.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        let headline = paras.removeFirst()
        var body = ""
        var boldDone = false, linkDone = false
        for p in paras {
            var h = escape(p).replacingOccurrences(of: "\n", with: "\n      ")
            if !boldDone, let r = h.range(of: bold) { h.replaceSubrange(r, with: "<b>\(bold)</b>"); boldDone = true }
            if !linkDone, let r = h.range(of: link) { h.replaceSubrange(r, with: "<a href=\"https://example.com/?a=1&amp;b=2\" class='x'>\(link)</a>"); linkDone = true }
            body += "    <p>\n      \(h)\n    </p>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="\(lang)">
            <head>
              <meta charset="utf-8">
              <title>\(escape(headline))</title>
              <style>p { color: red; } /* <p>not text</p> */</style>
              <script>var t = "<p>Not text either.</p>"; if (a < b) {}</script>
            </head>
            <body>
              <nav><ul><li><a href="/">Subscribe</a></li><li><a href="/news">Newsfeed</a></li></ul></nav>
              <!-- a comment with <p>markup</p> -->
              <article>
                <h1>\(escape(headline))</h1>
            \(body)  </article>
              <form><button>log in or register</button></form>
            </body>
            </html>

            """
    }

    func pages() throws -> (en: String, ru: String) {
        let en = try String(contentsOfFile: CLI.fixture("article-en.txt"), encoding: .utf8)
        let ru = try String(contentsOfFile: CLI.fixture("article-ru.txt"), encoding: .utf8)
        return (try CLI.temporaryFile("article-en.html", bytes: Array(Self.page(en, lang: "en", bold: "Islamic State", link: "Russian Foreign Ministry").utf8)),
                try CLI.temporaryFile("article-ru.html", bytes: Array(Self.page(ru, lang: "ru", bold: "Исламское государство", link: "МИД").utf8)))
    }

    func testAPageSegmentsIntoTheArticlesSentences() throws {
        let (en, ru) = try pages()
        for (page, lang, expected) in [(en, "en", "sentences-en.txt"), (ru, "ru", "sentences-ru.txt")] {
            let r = try CLI.run(["segment", page, "--lang", lang])
            XCTAssertEqual(r.status, 0, r.stderr)
            let want = try String(contentsOfFile: CLI.fixture(expected), encoding: .utf8).split(separator: "\n").map(String.init)
            // The <title> repeats the headline; everything else is the article.
            XCTAssertEqual(r.stdout.split(separator: "\n").map(String.init), [want[0]] + want, lang)
        }
    }

    func testJSONGivesPageOffsetsAndTMXMarkup() throws {
        let (en, _) = try pages()
        let r = try CLI.run(["segment", en, "--lang", "en", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let arr = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        let html = Array(try String(contentsOfFile: en, encoding: .utf8).unicodeScalars)
        for s in arr {
            let start = s["start"] as! Int, end = s["end"] as! Int
            let raw = String(String.UnicodeScalarView(html[start..<end]))
            // The span in the page starts and ends with the sentence's first and last characters.
            XCTAssertEqual(raw.unicodeScalars.first, (s["text"] as! String).unicodeScalars.first)
            XCTAssertEqual(raw.unicodeScalars.last, (s["text"] as! String).unicodeScalars.last)
        }
        let marked = arr.compactMap { $0["markup"] as? String }
        XCTAssertEqual(marked.count, 2, "\(marked)")
        XCTAssertTrue(marked.contains { $0.contains("<bpt i=\"1\">&lt;b&gt;</bpt>Islamic State<ept i=\"1\">&lt;/b&gt;</ept>") }, "\(marked)")
        XCTAssertTrue(marked.contains { $0.contains("<bpt i=\"1\">&lt;a href=\"https://example.com/?a=1&amp;amp;b=2\" class='x'&gt;</bpt>Russian Foreign Ministry<ept i=\"1\">&lt;/a&gt;</ept>") }, "\(marked)")
    }

    func testPagesAlignToTheGoldAndTheirMarkupReachesTheMemoryAndTMX() throws {
        let (en, ru) = try pages()
        let r = try CLI.run(["align", en, ru, "--source-lang", "en", "--target-lang", "ru", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let beads = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]).map { b in
            "[" + (b["sourceIndices"] as! [Int]).map { String($0 - 1) }.joined(separator: ",") + "]:[" + (b["targetIndices"] as! [Int]).map { String($0 - 1) }.joined(separator: ",") + "]"
        }
        let gold = try String(contentsOfFile: CLI.fixture("gold-alignment.txt"), encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("[") }.map(String.init)
        // The pages have the headline twice (title and h1): the title pairs first, then the article as in the gold.
        XCTAssertEqual(Array(beads.dropFirst()), gold)
        let memory = FileManager.default.temporaryDirectory.appendingPathComponent("page-\(UUID().uuidString).tmdb").path
        XCTAssertEqual(try CLI.run(["align", en, ru, "--source-lang", "en", "--target-lang", "ru", "--into", memory]).status, 0)
        let tmx = memory + ".tmx"
        XCTAssertEqual(try CLI.run(["tm", "export", tmx, "--memory", memory, "--source-lang", "en"]).status, 0)
        let text = try String(contentsOfFile: tmx, encoding: .utf8)
        XCTAssertTrue(text.contains("<bpt i=\"1\">&lt;b&gt;</bpt>Islamic State<ept i=\"1\">&lt;/b&gt;</ept>"), text)
        XCTAssertTrue(text.contains("<bpt i=\"1\">&lt;b&gt;</bpt>Исламское государство<ept i=\"1\">&lt;/b&gt;</ept>"), text)
        // The plain text is what lookups match.
        let l = try CLI.run(["tm", "lookup", "the Russian Foreign Ministry said Friday", "--source-lang", "en", "--target-lang", "ru",
                             "--memory", memory, "--threshold", "30", "--format", "json"])
        XCTAssertEqual(l.status, 0, l.stderr)
        XCTAssertFalse(l.stdout.contains("<bpt"), l.stdout)
    }
}
