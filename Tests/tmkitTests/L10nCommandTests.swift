import Foundation
import XCTest

final class L10nCommandTests: XCTestCase {
    func sputnikPO() throws -> String {
        let rows = try String(contentsOfFile: CLI.fixture("ui-strings.en-ru.tsv"), encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: "\t").map(String.init) }
        var po = "# Sputnik UI\nmsgid \"\"\nmsgstr \"\"\n\"Language: ru\\n\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
        for r in rows { po += "\n#: ui.js\nmsgctxt \"\(r[0])\"\nmsgid \"\(r[1])\"\nmsgstr \"\"\n" }
        po += "\n#, c-format\nmsgid \"Chats!\"\nmsgstr \"\"\n"
        return po
    }

    func testPretranslateFillsFromTheMemoryAndKeepsEverythingElse() throws {
        let memory = FileManager.default.temporaryDirectory.appendingPathComponent("l10n-\(UUID().uuidString).tmdb").path
        XCTAssertEqual(try CLI.run(["l10n", "import", CLI.fixture("ui-strings.en-ru.tsv"), "--target-lang", "ru", "--memory", memory]).status, 0)
        let po = try CLI.temporaryFile("ui.ru.po", bytes: Array(try sputnikPO().utf8))
        let out = po + ".out"
        let r = try CLI.run(["l10n", "pretranslate", po, "--target-lang", "ru", "--memory", memory, "-o", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("9 of 10 untranslated strings filled from exact or context matches, 1 from fuzzy matches"), r.stdout)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(text.contains("msgctxt \"nav.subscribe\"\nmsgid \"Subscribe\"\nmsgstr \"Подписаться\"\n"), text)
        // "Chats!" matches "Chats" at 99: filled, marked fuzzy on its existing flags line.
        XCTAssertTrue(text.contains("#, fuzzy, c-format\nmsgid \"Chats!\"\nmsgstr \"Чаты\""), text)
        let original = try sputnikPO()
        XCTAssertEqual(text.split(separator: "\n").count, original.split(separator: "\n").count)

        // The leverage report puts the nine keyed strings in the context band.
        let a = try CLI.run(["l10n", "analyze", po, "--target-lang", "ru", "--memory", memory, "--format", "json"])
        let rows = try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as! [[String: Any]]
        let bands = rows[0]["bands"] as! [[String: Any]]
        XCTAssertEqual(bands[0]["segments"] as? Int, 9)
        XCTAssertEqual(bands[3]["segments"] as? Int, 1) // 95-99%
    }

    func testEmptyMemoryWritesADebianCatalogBackByteForByte() throws {
        let mo = "/usr/share/locale/ru/LC_MESSAGES/apt.mo"
        try XCTSkipUnless(FileManager.default.fileExists(atPath: mo) && FileManager.default.fileExists(atPath: "/usr/bin/msgunfmt"))
        let po = FileManager.default.temporaryDirectory.appendingPathComponent("apt-\(UUID().uuidString).po").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/msgunfmt")
        p.arguments = [mo, "-o", po]
        try p.run()
        p.waitUntilExit()
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString).tmdb").path
        let r = try CLI.run(["l10n", "pretranslate", po, "--target-lang", "ru", "--memory", empty, "-o", po + ".out"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: po)), try Data(contentsOf: URL(fileURLWithPath: po + ".out")))
    }
}

final class XLIFFCommandTests: XCTestCase {
    static let xliff = """
    <?xml version="1.0" encoding="UTF-8"?>
    <xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
      <file source-language="en" target-language="ru" datatype="plaintext" original="ui.json">
        <body>
          <trans-unit id="nav.subscribe">
            <source>Subscribe</source>
          </trans-unit>
          <trans-unit id="feed.title">
            <source>Newsfeed</source>
            <target/>
          </trans-unit>
          <trans-unit id="chat.title">
            <source>Chats!</source>
          </trans-unit>
          <trans-unit id="done">
            <source>Something <g id="1">else</g></source>
            <target state="translated">Что-то <g id="1">другое</g></target>
          </trans-unit>
        </body>
      </file>
    </xliff>

    """

    func testPretranslateWritesTargetsAndStatesAndNothingElse() throws {
        let memory = FileManager.default.temporaryDirectory.appendingPathComponent("x-\(UUID().uuidString).tmdb").path
        XCTAssertEqual(try CLI.run(["l10n", "import", CLI.fixture("ui-strings.en-ru.tsv"), "--target-lang", "ru", "--memory", memory]).status, 0)
        let file = try CLI.temporaryFile("ui.xlf", bytes: Array(Self.xliff.utf8))
        let r = try CLI.run(["l10n", "pretranslate", file, "--target-lang", "ru", "--memory", memory, "-o", file + ".out.xlf"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = try String(contentsOfFile: file + ".out.xlf", encoding: .utf8)
        XCTAssertTrue(out.contains("<source>Subscribe</source>\n        <target state=\"translated\">Подписаться</target>\n      </trans-unit>"), out)
        XCTAssertTrue(out.contains("<source>Newsfeed</source>\n        <target state=\"translated\">Лента новостей</target>"), out)
        XCTAssertTrue(out.contains("<target state=\"needs-review-translation\">Чаты</target>"), out)
        XCTAssertTrue(out.contains("<target state=\"translated\">Что-то <g id=\"1\">другое</g></target>"), out)
        // With an empty memory the file comes back byte for byte; QA reads XLIFF too.
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("e-\(UUID().uuidString).tmdb").path
        XCTAssertEqual(try CLI.run(["l10n", "pretranslate", file, "--target-lang", "ru", "--memory", empty, "-o", file + ".same"]).status, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)), try Data(contentsOf: URL(fileURLWithPath: file + ".same")))
        let qa = try CLI.run(["qa", file, "--source-lang", "en", "--target-lang", "ru", "--format", "json"])
        let f = try JSONSerialization.jsonObject(with: Data(qa.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(f.filter { $0["check"] as? String == "untranslated" }.compactMap { $0["key"] as? String }, ["nav.subscribe", "feed.title", "chat.title"])
    }
}

final class CatalogCommandTests: XCTestCase {
    func testJSONAndStringsCatalogs() throws {
        let memory = FileManager.default.temporaryDirectory.appendingPathComponent("c-\(UUID().uuidString).tmdb").path
        XCTAssertEqual(try CLI.run(["l10n", "import", CLI.fixture("ui-strings.en-ru.tsv"), "--target-lang", "ru", "--memory", memory]).status, 0)
        let json = try CLI.temporaryFile("en.json", bytes: Array("{\n  \"nav\": {\n    \"subscribe\": \"Subscribe\"\n  },\n  \"n\": 1,\n  \"x\": \"Not in the memory\"\n}\n".utf8))
        var r = try CLI.run(["l10n", "pretranslate", json, "--target-lang", "ru", "--memory", memory, "-o", json + ".ru.json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try String(contentsOfFile: json + ".ru.json", encoding: .utf8),
                       "{\n  \"nav\": {\n    \"subscribe\": \"Подписаться\"\n  },\n  \"n\": 1,\n  \"x\": \"Not in the memory\"\n}\n")
        let a = try CLI.run(["l10n", "analyze", json, "--target-lang", "ru", "--memory", memory, "--format", "csv"])
        XCTAssertTrue(a.stdout.contains("\"101% (context)\",1,1"), a.stdout)
        // QA of a single-language catalog: a Russian value in the English file.
        let leaked = try CLI.temporaryFile("leak.json", bytes: Array("{\"title\": \"Заголовок открываемого материала\", \"ok\": \"Fine\"}".utf8))
        r = try CLI.run(["qa", leaked, "--lang", "en"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("leak.json:1: [title] error: text in Cyrillic script in English text"), r.stdout)
    }
}
