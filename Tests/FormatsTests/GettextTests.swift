import Foundation
import XCTest
@testable import Formats
import TranslationMemory

final class GettextTests: XCTestCase {
    let po = """
    # Russian translation
    msgid ""
    msgstr ""
    "Language: ru\\n"
    "Plural-Forms: nplurals=3;\\n"

    #. extracted comment
    #: src/main.c:10
    msgid "Subscribe"
    msgstr "Подписаться"

    #, fuzzy
    msgid "Newsfeed"
    msgstr "Лента"

    msgctxt "menu"
    msgid "Open"
    msgstr ""
    "Откры"
    "ть"

    msgid "%d file"
    msgid_plural "%d files"
    msgstr[0] "%d файл"
    msgstr[1] "%d файла"
    msgstr[2] "%d файлов"

    msgid "Say \\"hi\\"\\n"
    msgstr "Скажи \\"привет\\"\\n"

    msgid "Untranslated"
    msgstr ""

    #~ msgid "Old"
    #~ msgstr "Старое"
    """

    func testReadsPOMessages() throws {
        let ms = try GettextReader.readPO(Array(po.utf8), file: "ru.po")
        XCTAssertEqual(ms.count, 7)
        XCTAssertEqual(GettextReader.language(ofHeader: ms[0].strings[0]), "ru")
        XCTAssertEqual(ms[1].id, "Subscribe")
        XCTAssertEqual(ms[1].extractedComments, ["extracted comment"])
        XCTAssertEqual(ms[1].references, ["src/main.c:10"])
        XCTAssertTrue(ms[2].isFuzzy)
        XCTAssertEqual(ms[3].context, "menu")
        XCTAssertEqual(ms[3].strings, ["Открыть"])
        XCTAssertEqual(ms[4].idPlural, "%d files")
        XCTAssertEqual(ms[4].strings.count, 3)
        XCTAssertEqual(ms[5].id, "Say \"hi\"\n")
        let units = GettextReader.units(ms, file: "ru.po", sourceLanguage: "en", targetLanguage: "ru")
        // Subscribe, Open, the plural's singular and plural pairs, Say "hi": fuzzy and untranslated are left out.
        XCTAssertEqual(units.map { $0.variants[0].text }, ["Subscribe", "Open", "%d file", "%d files", "Say \"hi\"\n"])
        XCTAssertEqual(units[1].originKey, "menu")
        XCTAssertEqual(units[3].variants[1].text, "%d файлов")
    }

    func testBadPONamesTheLine() {
        let bad = "msgid \"a\"\nmsgstr \"b\"\n\nmsgid \"c\nmsgstr \"d\"\n"
        XCTAssertThrowsError(try GettextReader.readPO(Array(bad.utf8), file: "bad.po")) {
            XCTAssertTrue("\($0)".hasPrefix("bad.po:4: expected a string in double quotes"), "\($0)")
        }
        XCTAssertThrowsError(try GettextReader.readPO(Array("msgstr \"x\"\n".utf8), file: "x.po")) {
            XCTAssertTrue("\($0)".contains("x.po:1: msgstr without a msgid"), "\($0)")
        }
        XCTAssertThrowsError(try GettextReader.readPO([0x6D, 0xFF], file: "u.po")) {
            XCTAssertTrue("\($0)".contains("u.po:1: invalid UTF-8 at byte offset 1"), "\($0)")
        }
    }

    func testReadsMOWrittenByMsgfmt() throws {
        let mo = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: "/usr/share/locale/ru/LC_MESSAGES").first { $0.hasSuffix(".mo") })
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "/usr/share/locale/ru/LC_MESSAGES/" + mo)))
        let ms = try GettextReader.readMO(bytes, file: mo)
        XCTAssertGreaterThan(ms.count, 1)
        XCTAssertEqual(ms.first?.id, "") // the header sorts first
        XCTAssertEqual(GettextReader.language(ofHeader: ms[0].strings[0])?.prefix(2), "ru")
        XCTAssertThrowsError(try GettextReader.readMO(Array(bytes.prefix(40)), file: "cut.mo")) {
            XCTAssertTrue("\($0)".contains("truncated"), "\($0)")
        }
        XCTAssertThrowsError(try GettextReader.readMO(Array(repeating: 0, count: 64), file: "zero.mo"))
    }
}

final class TSVTests: XCTestCase {
    func testReadsTheFixtureUIStrings() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/sputnik/ui-strings.en-ru.tsv")
        var units: [TranslationUnit] = []
        try TSVReader.read([UInt8](try Data(contentsOf: url)), file: "ui.tsv") { units.append($0) }
        XCTAssertEqual(units.count, 9)
        XCTAssertEqual(units[0].originKey, "nav.subscribe")
        XCTAssertEqual(units[0].variants, [Variant(language: "en", text: "Subscribe"), Variant(language: "ru", text: "Подписаться")])
    }

    func testErrorsNameTheLine() {
        XCTAssertThrowsError(try TSVReader.read(Array("en\tru\nA\tБ\nonly one field\n".utf8), file: "t.tsv") { _ in }) {
            XCTAssertEqual("\($0)", "t.tsv:3: 1 fields where the header has 2")
        }
        XCTAssertThrowsError(try TSVReader.read(Array("source\ttarget\nA\tB\n".utf8), file: "h.tsv") { _ in }) {
            XCTAssertTrue("\($0)".hasPrefix("h.tsv:1: the header must name at least two language columns"), "\($0)")
        }
        XCTAssertThrowsError(try TSVReader.read(Array("".utf8), file: "e.tsv") { _ in })
    }
}

final class LocaleNameTests: XCTestCase {
    func testGettextLocaleNamesBecomeBCP47() {
        XCTAssertEqual(GettextReader.bcp47(fromLocale: "pt_BR"), "pt-BR")
        XCTAssertEqual(GettextReader.bcp47(fromLocale: "be@latin"), "be-Latn")
        XCTAssertEqual(GettextReader.bcp47(fromLocale: "sr@ije"), "sr")
        XCTAssertEqual(GettextReader.bcp47(fromLocale: "ca@valencia"), "ca-valencia")
        XCTAssertEqual(GettextReader.bcp47(fromLocale: "de_DE.UTF-8"), "de-DE")
        XCTAssertEqual(GettextReader.language(ofPath: "/usr/share/locale/sr@latin/LC_MESSAGES/x.mo"), "sr-Latn")
    }
}

final class KeyValueCatalogTests: XCTestCase {
    func testJSONNestedAndStringsKeepEverythingButTheValues() throws {
        let json = "{\n  \"nav\": {\"subscribe\": \"Subscribe\", \"n\": 2, \"list\": [\"a\\u00e9\", true]},\n  \"q\": \"say \\\"hi\\\"\"\n}\n"
        let e = try KeyValueCatalog.read(Array(json.utf8), kind: .json, file: "en.json")
        XCTAssertEqual(e.map(\.key), ["nav.subscribe", "nav.list[0]", "q"])
        XCTAssertEqual(e.map(\.value), ["Subscribe", "aé", "say \"hi\""])
        XCTAssertEqual(e[2].line, 3)
        let out = String(decoding: KeyValueCatalog.write(Array(json.utf8), entries: e, replacements: [0: "Подписаться", 2: "скажи \"привет\""], kind: .json), as: UTF8.self)
        XCTAssertEqual(out, "{\n  \"nav\": {\"subscribe\": \"Подписаться\", \"n\": 2, \"list\": [\"a\\u00e9\", true]},\n  \"q\": \"скажи \\\"привет\\\"\"\n}\n")

        let strings = "/* c */\n\"a\" = \"One\";\n// x\n\"b\" = \"Two\\n\";\n"
        let s = try KeyValueCatalog.read(Array(strings.utf8), kind: .strings, file: "Localizable.strings")
        XCTAssertEqual(s.map(\.key), ["a", "b"])
        XCTAssertEqual(s[1].value, "Two\n")
        XCTAssertEqual(String(decoding: KeyValueCatalog.write(Array(strings.utf8), entries: s, replacements: [1: "Два"], review: [1], kind: .strings), as: UTF8.self),
                       "/* c */\n\"a\" = \"One\";\n// x\n/* review: fuzzy match */ \"b\" = \"Два\";\n")
    }

    func testBrokenCatalogsNameTheLine() {
        XCTAssertThrowsError(try KeyValueCatalog.read(Array("{\n \"a\": \"x\",\n \"b\" \"y\"\n}".utf8), kind: .json, file: "bad.json")) {
            XCTAssertEqual("\($0)", "bad.json:3: not valid JSON: expected ':' after \"b\"")
        }
        XCTAssertThrowsError(try KeyValueCatalog.read(Array("\"a\" = \"x\"\n\"b\" = \"y\";".utf8), kind: .strings, file: "bad.strings")) {
            XCTAssertEqual("\($0)", "bad.strings:2: not a valid .strings file: expected ';' after the value of \"a\"")
        }
    }
}

final class AndroidStringsTests: XCTestCase {
    func testStringsPluralsArraysAndEscapes() throws {
        let xml = """
        <?xml version="1.0" encoding="utf-8"?>
        <resources>
            <string name="a">Subscribe</string>
            <string name="skip" translatable="false">Sputnik</string>
            <string name="q">Don\\'t \\"quote\\" &amp; go</string>
            <plurals name="c"><item quantity="one">%d comment</item><item quantity="other">%d comments</item></plurals>
            <string-array name="days"><item>Mon</item><item>Tue</item></string-array>
        </resources>

        """
        let e = try KeyValueCatalog.read(Array(xml.utf8), kind: .android, file: "strings.xml")
        XCTAssertEqual(e.map(\.key), ["a", "q", "c[one]", "c[other]", "days[0]", "days[1]"])
        XCTAssertEqual(e[1].value, "Don't \"quote\" & go")
        let out = String(decoding: KeyValueCatalog.write(Array(xml.utf8), entries: e, replacements: [1: "Не «цитируй» & иди'"], kind: .android), as: UTF8.self)
        XCTAssertTrue(out.contains("<string name=\"q\">Не «цитируй» &amp; иди\\'</string>"), out)
        XCTAssertThrowsError(try KeyValueCatalog.read(Array("<root/>".utf8), kind: .android, file: "x.xml"))
    }
}
