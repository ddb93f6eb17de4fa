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

/// The fixture's UI strings in every catalog format: pre-translated from a memory built from
/// `ui-strings.en-ru.tsv`, QA finds nothing; a defect planted in each output is reported.
final class EveryCatalogFormatTests: XCTestCase {
    static func rows() throws -> [(key: String, en: String, ru: String)] {
        try String(contentsOfFile: CLI.fixture("ui-strings.en-ru.tsv"), encoding: .utf8).split(separator: "\n").dropFirst().map {
            let f = $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return (f[0], f[1], f[2])
        }
    }

    static func xml(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// The English side as each format's tools write it; `bilingual` formats carry both languages.
    static func catalogs() throws -> [(name: String, text: String, bilingual: Bool)] {
        let rows = try rows()
        var po = "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Language: ru\\n\"\n"
        for r in rows { po += "\nmsgctxt \"\(r.key)\"\nmsgid \"\(r.en)\"\nmsgstr \"\"\n" }
        var x12 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\n  <file original=\"ui\" source-language=\"en\" target-language=\"ru\" datatype=\"plaintext\">\n    <body>\n"
        for r in rows { x12 += "      <trans-unit id=\"\(r.key)\">\n        <source>\(xml(r.en))</source>\n      </trans-unit>\n" }
        x12 += "    </body>\n  </file>\n</xliff>\n"
        var x20 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.0\" srcLang=\"en\" trgLang=\"ru\">\n  <file id=\"ui\">\n"
        for r in rows { x20 += "    <unit id=\"\(r.key)\">\n      <segment>\n        <source>\(xml(r.en))</source>\n      </segment>\n    </unit>\n" }
        x20 += "  </file>\n</xliff>\n"
        var xc = "{\n  \"sourceLanguage\" : \"en\",\n  \"strings\" : {\n"
        xc += rows.sorted { $0.key < $1.key }.map { r in
            "    \"\(r.key)\" : {\n      \"extractionState\" : \"manual\",\n      \"localizations\" : {\n        \"en\" : {\n          \"stringUnit\" : {\n            \"state\" : \"translated\",\n            \"value\" : \"\(r.en)\"\n          }\n        }\n      }\n    }"
        }.joined(separator: ",\n")
        xc += "\n  },\n  \"version\" : \"1.0\"\n}"
        var groups: [String: [(String, String)]] = [:]
        for r in rows {
            let parts = r.key.split(separator: ".", maxSplits: 1).map(String.init)
            groups[parts[0], default: []].append((parts[1], r.en))
        }
        let json = "{\n" + groups.keys.sorted().map { g in
            "  \"\(g)\": {\n" + groups[g]!.map { "    \"\($0.0)\": \"\($0.1)\"" }.joined(separator: ",\n") + "\n  }"
        }.joined(separator: ",\n") + "\n}\n"
        let strings = rows.map { "/* \($0.key) */\n\"\($0.key)\" = \"\($0.en)\";\n" }.joined(separator: "\n")
        let android = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<resources>\n" +
            rows.map { "    <string name=\"\($0.key.replacingOccurrences(of: ".", with: "_"))\">\(xml($0.en))</string>\n" }.joined() + "</resources>\n"
        let tsv = "key\ten\tru\n" + rows.map { "\($0.key)\t\($0.en)\t" }.joined(separator: "\n") + "\n"
        return [("ui.po", po, true), ("ui.xlf", x12, true), ("ui2.xliff", x20, true), ("Localizable.xcstrings", xc, true),
                ("en.json", json, false), ("Localizable.strings", strings, false), ("strings.xml", android, false), ("ui.tsv", tsv, true)]
    }

    func testEveryFormatIsFilledAndPassesQAAndEachPlantedDefectIsReported() throws {
        let memory = FileManager.default.temporaryDirectory.appendingPathComponent("every-\(UUID().uuidString).tmdb").path
        XCTAssertEqual(try CLI.run(["l10n", "import", CLI.fixture("ui-strings.en-ru.tsv"), "--target-lang", "ru", "--memory", memory]).status, 0)
        let n = try Self.rows().count
        for (name, text, bilingual) in try Self.catalogs() {
            let file = try CLI.temporaryFile(name, bytes: Array(text.utf8))
            let out = (file as NSString).deletingPathExtension + ".ru." + (file as NSString).pathExtension
            let r = try CLI.run(["l10n", "pretranslate", file, "--target-lang", "ru", "--memory", memory, "-o", out])
            XCTAssertEqual(r.status, 0, "\(name): \(r.stderr)")
            XCTAssertTrue(r.stdout.contains("\(n) of \(n) untranslated strings filled from exact or context matches"), "\(name): \(r.stdout)")
            let qaArgs = bilingual ? ["--source-lang", "en", "--target-lang", "ru"] : ["--lang", "ru"]
            var qa = try CLI.run(["qa", out] + qaArgs)
            XCTAssertEqual(qa.status, 0, "\(name): \(qa.stdout)\(qa.stderr)")
            XCTAssertTrue(qa.stdout.contains("no problems found"), "\(name): \(qa.stdout)")
            // Plant a defect: the "chat.title" translation left in English.
            let filled = try String(contentsOfFile: out, encoding: .utf8)
            XCTAssertTrue(filled.contains("Чаты"), "\(name): \(filled)")
            try filled.replacingOccurrences(of: "Чаты", with: "Chats").write(toFile: out, atomically: true, encoding: .utf8)
            qa = try CLI.run(["qa", out, "--format", "json"] + qaArgs)
            XCTAssertEqual(qa.status, 1, "\(name): \(qa.stdout)")
            let findings = try JSONSerialization.jsonObject(with: Data(qa.stdout.utf8)) as! [[String: Any]]
            XCTAssertEqual(findings.count, 1, "\(name): \(findings)")
            XCTAssertEqual(findings.first?["check"] as? String, bilingual ? "same-as-source" : "wrong-script", "\(name): \(findings)")
            XCTAssertEqual(findings.first?["key"] as? String, name == "strings.xml" ? "chat_title" : "chat.title", "\(name)")
            XCTAssertGreaterThan(findings.first?["line"] as? Int ?? 0, 1, "\(name): \(findings)")
        }
    }

    func testAnEmptyMemoryWritesEveryFormatBackUnchanged() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString).tmdb").path
        XCTAssertEqual(try CLI.run(["tm", "add", "unrelated", "несвязанный", "--source-lang", "en", "--target-lang", "ru", "--memory", empty]).status, 0)
        for (name, text, _) in try Self.catalogs() {
            let file = try CLI.temporaryFile(name, bytes: Array(text.utf8))
            let r = try CLI.run(["l10n", "pretranslate", file, "--target-lang", "ru", "--memory", empty, "-o", file + ".same"])
            XCTAssertEqual(r.status, 0, "\(name): \(r.stderr)")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file + ".same")), Data(text.utf8), name)
        }
    }
}

final class StringCatalogPluralQATests: XCTestCase {
    func testEachPluralFormIsCheckedAgainstTheSource() throws {
        func form(_ v: String) -> String { "{ \"stringUnit\" : { \"state\" : \"translated\", \"value\" : \"\(v)\" } }" }
        let catalog = """
            {
              "sourceLanguage" : "en",
              "strings" : {
                "%lld comments" : {
                  "localizations" : {
                    "en" : { "variations" : { "plural" : { "one" : \(form("%lld comment")), "other" : \(form("%lld comments")) } } },
                    "ru" : { "variations" : { "plural" : { "few" : \(form("комментария")), "many" : \(form("%lld комментариев")),
                                                          "one" : \(form("%lld комментарий")), "other" : \(form("%lld комментария")) } } }
                  }
                }
              },
              "version" : "1.0"
            }
            """
        let file = try CLI.temporaryFile("Plural.xcstrings", bytes: Array(catalog.utf8))
        let r = try CLI.run(["qa", file, "--source-lang", "en", "--target-lang", "ru", "--format", "json"])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        let findings = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(findings.map { $0["key"] as? String }, ["%lld comments[few]"], "\(findings)")
        XCTAssertEqual(findings.first?["check"] as? String, "placeholders")
        XCTAssertEqual(findings.first?["line"] as? Int, 4)
    }
}
