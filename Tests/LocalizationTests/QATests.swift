import Foundation
import Formats
import Glossary
import ICUText
import XCTest
@testable import Localization
import TranslationMemory

final class QATests: XCTestCase {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/sputnik")

    func testTheLeakedRussianStringAndNothingElse() throws {
        let page = try String(contentsOf: Self.dir.appendingPathComponent("page-en.txt"), encoding: .utf8)
        let items = page.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { !$0.element.isEmpty }.map { QAItem(line: $0.offset + 1, source: String($0.element)) }
        let f = try QAChecker(sourceLanguage: "en").checkMonolingual(items, file: "page-en.txt", language: "en")
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f.first?.line, 36)
        XCTAssertEqual(f.first?.message, "text in Cyrillic script in English text: 'Заголовок открываемого материала'")
    }

    func testTheUIStringsPassAndEachPlantedDefectIsReported() throws {
        let rows = try String(contentsOf: Self.dir.appendingPathComponent("ui-strings.en-ru.tsv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        let items = rows.enumerated().map { QAItem(line: $0.offset + 2, key: $0.element[0], source: $0.element[1], target: $0.element[2]) }
        let glossary = [TermEntry(terms: [Term(language: "en", text: "news"), Term(language: "ru", text: "новости")]),
                        TermEntry(terms: [Term(language: "en", text: "log in"), Term(language: "ru", text: "логиньтесь", status: .forbidden)])]
        let qa = try QAChecker(sourceLanguage: "en", targetLanguage: "ru", maxLength: 120, glossary: glossary)
        XCTAssertEqual(try qa.checkPairs(items, file: "ui.tsv"), [])

        let planted: [(String, String, String)] = [
            ("untranslated", "Subscribe", ""),
            ("same-as-source", "Newsfeed", "Newsfeed"),
            ("wrong-script", "World", "World news"),
            ("placeholders", "%d comments on %s", "%d комментариев"),
            ("placeholders", "Click <b>here</b>", "Нажмите здесь"),
            ("numbers", "around 1,800 sorties", "около 2000 вылетов"),
            ("whitespace", "Chats", "Чаты "),
            ("punctuation", "Loading...", "Загрузка"),
            ("glossary", "Latest news", "Последние сообщения"),
            ("glossary", "log in or register", "логиньтесь или зарегистрируйтесь"),
            ("length", "Get the latest news", String(repeating: "новости ", count: 16)),
        ]
        for (check, s, t) in planted {
            let f = try qa.checkPairs([QAItem(line: 1, source: s, target: t)], file: "x")
            XCTAssertTrue(f.contains { $0.check == check }, "\(check): \(f)")
        }
        // Equal numbers in other notations are not reported.
        XCTAssertEqual(try qa.checkPairs([QAItem(line: 1, source: "1,800 sorties", target: "1 800 вылетов")], file: "x"), [])
        XCTAssertEqual(try qa.checkPairs([QAItem(line: 1, source: "{{count}} items", target: "{{count}} предметов")], file: "x"), [])
    }
}

final class NumberTests: XCTestCase {
    func testNumberNotations() {
        XCTAssertEqual(QAChecker.numbers("1,800 and 1 800 and 1800"), ["1800", "1800", "1800"])
        XCTAssertEqual(QAChecker.numbers("3,14 vs 3.14"), ["3.14", "3.14"])
        XCTAssertEqual(QAChecker.numbers("chapter 3 4 items"), ["3", "4"])
        XCTAssertEqual(QAChecker.placeholders("%1$@ and %(name)s, {count}, {{n}}, <b>x</b>, 100%%"), ["%1$@", "%(name)s", "{count}", "{{n}}", "<b>", "</b>"])
    }
}

final class PretranslatorTests: XCTestCase {
    func testPluralFormsComeFromTheSingularAndPluralUnits() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tmkit-l10n-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try MemoryStore(path: dir.appendingPathComponent("m.tmdb").path, create: true)
        let header = "msgid \"\"\nmsgstr \"\"\n\"Language: ru\\n\"\n\"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n\"\n"
        let translated = header + "\nmsgid \"%d file\"\nmsgid_plural \"%d files\"\nmsgstr[0] \"%d файл\"\nmsgstr[1] \"%d файла\"\nmsgstr[2] \"%d файлов\"\n"
        let msgs = try GettextReader.readPO(Array(translated.utf8), file: "old.po")
        try store.add(GettextReader.units(msgs, file: "old.po", sourceLanguage: "en", targetLanguage: "ru"))
        let template = header + "\nmsgid \"%d file\"\nmsgid_plural \"%d files\"\nmsgstr[0] \"\"\nmsgstr[1] \"\"\nmsgstr[2] \"\"\n"
        let table = try StringTable.read(text: template, name: "new.po", ext: "po", sourceLanguage: "en", targetLanguage: "ru")
        let r = try Pretranslator(store: store, sourceLanguage: "en", targetLanguage: "ru").pretranslate(table, minScore: 75)
        // Three Russian forms from two stored units: filled from exact matches, and marked for review.
        XCTAssertEqual(r.exact, 1)
        XCTAssertEqual(r.fuzzy, 0)
        XCTAssertTrue(r.text.hasSuffix("#, fuzzy\nmsgid \"%d file\"\nmsgid_plural \"%d files\"\nmsgstr[0] \"%d файл\"\nmsgstr[1] \"%d файлов\"\nmsgstr[2] \"%d файлов\"\n"), r.text)
    }

    func testAStringCatalogPluralGetsTheTargetLanguagesCategories() throws {
        XCTAssertEqual(Set(try PluralRules.categories("ru")), ["one", "few", "many", "other"])
        XCTAssertEqual(Set(try PluralRules.categories("en")), ["one", "other"])
        XCTAssertEqual(try PluralRules.categories("ja"), ["other"])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tmkit-l10n-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try MemoryStore(path: dir.appendingPathComponent("m.tmdb").path, create: true)
        try store.add([TranslationUnit(variants: [Variant(language: "en", text: "%lld comment"), Variant(language: "ru", text: "%lld комментарий")]),
                       TranslationUnit(variants: [Variant(language: "en", text: "%lld comments"), Variant(language: "ru", text: "%lld комментариев")])])
        let catalog = """
            {
              "sourceLanguage" : "en",
              "strings" : {
                "%lld comments" : {
                  "localizations" : {
                    "en" : {
                      "variations" : {
                        "plural" : {
                          "one" : {
                            "stringUnit" : {
                              "state" : "translated",
                              "value" : "%lld comment"
                            }
                          },
                          "other" : {
                            "stringUnit" : {
                              "state" : "translated",
                              "value" : "%lld comments"
                            }
                          }
                        }
                      }
                    }
                  }
                }
              },
              "version" : "1.0"
            }
            """
        let table = try StringTable.read(text: catalog, name: "L.xcstrings", ext: "xcstrings", sourceLanguage: "en", targetLanguage: "ru")
        let r = try Pretranslator(store: store, sourceLanguage: "en", targetLanguage: "ru").pretranslate(table, minScore: 75)
        XCTAssertEqual(r.exact, 1)
        let json = try JSONSerialization.jsonObject(with: Data(r.text.utf8)) as! [String: Any]
        let ru = ((((json["strings"] as! [String: Any])["%lld comments"] as! [String: Any])["localizations"] as! [String: Any])["ru"] as! [String: Any])
        let plural = (ru["variations"] as! [String: Any])["plural"] as! [String: [String: [String: String]]]
        XCTAssertEqual(plural.mapValues { $0["stringUnit"]!["value"]! },
                       ["one": "%lld комментарий", "few": "%lld комментариев", "many": "%lld комментариев", "other": "%lld комментариев"])
        // Four Russian forms guessed from two English ones: for review.
        XCTAssertEqual(Set(plural.values.map { $0["stringUnit"]!["state"]! }), ["needs_review"])
        XCTAssertTrue(r.text.contains("""
                    "ru" : {
                      "variations" : {
                        "plural" : {
                          "few" : {
                            "stringUnit" : {
                              "state" : "needs_review",
                              "value" : "%lld комментариев"
                            }
                          },
            """), r.text)
    }

    func testAFuzzyFillCarriesTheStringsPlaceholders() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tmkit-l10n-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try MemoryStore(path: dir.appendingPathComponent("m.tmdb").path, create: true)
        try store.add([TranslationUnit(variants: [Variant(language: "en", text: "Delete %d files from {folder}?"),
                                                  Variant(language: "ru", text: "Удалить %d файлов из {folder}?")])])
        let po = """
            msgid ""
            msgstr ""
            "Language: ru\\n"

            #, c-format
            msgid "Delete %lu files from {dir}?"
            msgstr ""

            """
        let table = try StringTable.read(text: po, name: "x.po", ext: "po", sourceLanguage: "en", targetLanguage: "ru")
        let r = try Pretranslator(store: store, sourceLanguage: "en", targetLanguage: "ru").pretranslate(table, minScore: 75)
        XCTAssertEqual(r.fuzzy, 1)
        XCTAssertTrue(r.text.contains("#, fuzzy, c-format\nmsgid \"Delete %lu files from {dir}?\"\nmsgstr \"Удалить %lu файлов из {dir}?\""), r.text)
    }

    func testLineBreaksFollowTheSource() {
        XCTAssertEqual(Pretranslator.matchingLineBreaks("Готово", like: "Done\n"), "Готово\n")
        XCTAssertEqual(Pretranslator.matchingLineBreaks("\nГотово\n", like: "Done"), "Готово")
        XCTAssertEqual(Pretranslator.matchingLineBreaks("Готово", like: "\nDone"), "\nГотово")
    }
}
