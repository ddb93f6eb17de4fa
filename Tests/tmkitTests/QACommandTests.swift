import Foundation
import XCTest

final class QACommandTests: XCTestCase {
    func testLeakedStringOnThePageAndCleanUIStrings() throws {
        let page = try CLI.run(["qa", CLI.fixture("page-en.txt"), "--lang", "en", "--format", "json"])
        XCTAssertEqual(page.status, 1)
        let f = try JSONSerialization.jsonObject(with: Data(page.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f[0]["line"] as? Int, 36)
        XCTAssertEqual(f[0]["check"] as? String, "wrong-script")
        XCTAssertTrue((f[0]["message"] as! String).contains("Заголовок открываемого материала"))

        let ui = try CLI.run(["qa", CLI.fixture("ui-strings.en-ru.tsv"), "--source-lang", "en", "--target-lang", "ru"])
        XCTAssertEqual(ui.status, 0, ui.stdout)
        XCTAssertEqual(ui.stdout, "no problems found\n")
    }

    /// The leaked string in the page as HTML and as Markdown: found in the text, by its line; Cyrillic
    /// in a script or a code block is not text and is not reported.
    func testLeakedStringInAnHTMLPageAndMarkdown() throws {
        let lines = try String(contentsOfFile: CLI.fixture("page-en.txt"), encoding: .utf8).components(separatedBy: "\n")
        let body = lines.map { $0.isEmpty ? "" : "<p>\($0.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;"))</p>" }.joined(separator: "\n")
        let html = try CLI.temporaryFile("page.html", bytes: Array("<html><head><script>var t = \"Привет\";</script></head><body>\n\(body)\n</body></html>\n".utf8))
        let md = try CLI.temporaryFile("page.md", bytes: Array((lines.joined(separator: "\n") + "\n```\nкод = 1\n```\n").utf8))
        for file in [html, md] {
            let r = try CLI.run(["qa", file, "--lang", "en", "--format", "json"])
            XCTAssertEqual(r.status, 1, file)
            let f = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
            XCTAssertEqual(f.count, 1, "\(file): \(f)")
            // (The page has one line before the article's: its head.)
            XCTAssertEqual(f.first?["line"] as? Int, file.hasSuffix(".html") ? 37 : 36, file)
            XCTAssertTrue((f.first?["message"] as? String ?? "").contains("Заголовок открываемого материала"), file)
        }
    }

    func testAPOCatalogWithDefects() throws {
        let po = try CLI.temporaryFile("ru.po", bytes: Array("""
        msgid ""
        msgstr "Language: ru\\n"

        msgid "%d new messages"
        msgstr "новых сообщений"

        msgctxt "menu"
        msgid "Settings"
        msgstr "Settings"

        msgid "Saved 1,800 files."
        msgstr "Сохранено 1 800 файлов."
        """.utf8))
        let r = try CLI.run(["qa", po, "--source-lang", "en", "--target-lang", "ru"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("ru.po:4: [%d new messages] error: placeholders or tags missing in the translation: %d"), r.stdout)
        XCTAssertTrue(r.stdout.contains("ru.po:8: [menu] error: the translation is the same as the source (untranslated?): 'Settings'"), r.stdout)
        XCTAssertFalse(r.stdout.contains("ru.po:11"), r.stdout)
    }
}
