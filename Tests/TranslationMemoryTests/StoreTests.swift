import Foundation
import XCTest
@testable import TranslationMemory

func temporaryMemoryPath(_ name: String = "m") -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tmkit-tm-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent("\(name).tmdb").path
}

func pair(_ en: String, _ ru: String, key: String? = nil) -> TranslationUnit {
    TranslationUnit(variants: [Variant(language: "en", text: en), Variant(language: "ru", text: ru)], originKey: key)
}

final class StoreTests: XCTestCase {
    func testDuplicatesMergeAndAlternativesAreKept() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        var r = try store.add([pair("Subscribe", "Подписаться")])
        XCTAssertEqual(r.added, 1)
        // Same source and target after normalization (white space): merged, with the new note.
        var again = pair("Subscribe ", "Подписаться")
        again.notes = ["nav bar"]
        r = try store.add([again])
        XCTAssertEqual(r.merged, 1)
        XCTAssertEqual(try store.stats().units, 1)
        XCTAssertEqual(try store.units().first?.notes, ["nav bar"])
        // Another target: an alternative.
        r = try store.add([pair("Subscribe", "Подписка")])
        XCTAssertEqual(r.alternatives, 1)
        let ms = try store.lookup("Subscribe", sourceLanguage: "en", targetLanguage: "ru")
        XCTAssertEqual(Set(ms.compactMap { $0.target?.text }), ["Подписаться", "Подписка"])
        // Overwrite replaces the first unit's target instead.
        r = try store.add([pair("Subscribe", "Оформить подписку")], overwrite: true)
        XCTAssertEqual(r.replaced, 1)
        XCTAssertEqual(try store.stats().units, 2)
        let after = try store.lookup("Subscribe", sourceLanguage: "en", targetLanguage: "ru").compactMap { $0.target?.text }
        XCTAssertEqual(Set(after), ["Оформить подписку", "Подписка"])
    }

    func testAFailedImportLeavesNoUnitBehind() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        try store.add([pair("Before", "До")])
        struct Boom: Error {}
        XCTAssertThrowsError(try store.write { w in
            for i in 0..<500 { try w.add(pair("Sentence number \(i) of the import", "Предложение \(i)")) }
            throw Boom()
        })
        XCTAssertEqual(try store.stats().units, 1)
        XCTAssertTrue(try store.lookup("Sentence number 3 of the import", sourceLanguage: "en", targetLanguage: "ru").isEmpty)
        // The index holds nothing of the rolled-back units either.
        let reopened = try MemoryStore(path: store.path, create: false)
        XCTAssertEqual(try reopened.lookup("Before", sourceLanguage: "en", targetLanguage: "ru").first?.score, 100)
    }

    func testRemoveTakesTheUnitOutOfTheIndex() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        try store.add([pair("Log in or register", "Войдите или зарегистрируйтесь"), pair("Log in", "Войти")])
        let id = try XCTUnwrap(store.lookup("Log in", sourceLanguage: "en", targetLanguage: "ru").first?.unit.id)
        XCTAssertTrue(try store.remove(id: id))
        XCTAssertFalse(try store.remove(id: id))
        let left = try store.lookup("Log in", sourceLanguage: "en", targetLanguage: "ru", options: LookupOptions(threshold: 30))
        XCTAssertEqual(left.map(\.source.text), ["Log in or register"])
    }

    func testLanguageTagsMatchCaseInsensitivelyAndByPrefix() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        try store.add([TranslationUnit(variants: [Variant(language: "EN-us", text: "Color"), Variant(language: "de-de", text: "Farbe")])])
        let u = try XCTUnwrap(store.units().first)
        XCTAssertEqual(u.variants.map(\.language), ["en-US", "de-DE"])
        XCTAssertEqual(try store.lookup("Color", sourceLanguage: "en", targetLanguage: "de").count, 1)
        XCTAssertEqual(try store.lookup("Color", sourceLanguage: "en-us", targetLanguage: "DE-DE").count, 1)
        XCTAssertEqual(try store.lookup("Color", sourceLanguage: "en-GB", targetLanguage: "de").count, 0)
    }

    func testContextMatchScores101() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        var u = pair("Subscribe", "Подписаться")
        u.contextPrevious = "World"
        u.contextNext = "Newsfeed"
        try store.add([u])
        var o = LookupOptions()
        o.contextPrevious = "World"
        o.contextNext = "Newsfeed"
        XCTAssertEqual(try store.lookup("Subscribe", sourceLanguage: "en", targetLanguage: "ru", options: o).first?.score, 101)
        o.contextNext = "Other"
        XCTAssertEqual(try store.lookup("Subscribe", sourceLanguage: "en", targetLanguage: "ru", options: o).first?.score, 100)
    }

    func testConcordanceIgnoresCaseAndDiacritics() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        try store.add([pair("The Islamic State group", "группировка «Исламское государство»"),
                       pair("A café in Moscow", "Кафе в Москве, ёлка"), pair("Nothing here", "Ничего")])
        let hits = try store.concordance("ISLAMIC state", sourceLanguage: "en", targetLanguage: "ru")
        XCTAssertEqual(hits.map(\.source.text), ["The Islamic State group"])
        XCTAssertEqual(String(hits[0].source.text[hits[0].ranges[0]]), "Islamic State")
        XCTAssertEqual(try store.concordance("cafe", sourceLanguage: "en", targetLanguage: "ru").count, 1)
        let ru = try store.concordance("елка", sourceLanguage: "en", targetLanguage: "ru", searchTarget: true)
        XCTAssertEqual(ru.first.map { String($0.target!.text[$0.ranges[0]]) }, "ёлка")
    }

    func testNotAMemoryAndNewerSchemaAreRefused() throws {
        let path = temporaryMemoryPath()
        try Data("hello, not sqlite at all".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try MemoryStore(path: path, create: true)) { XCTAssertTrue("\($0)".contains("not a tmkit memory"), "\($0)") }
        XCTAssertThrowsError(try MemoryStore(path: temporaryMemoryPath(), create: false)) { XCTAssertTrue("\($0)".contains("no memory here"), "\($0)") }
        let newer = temporaryMemoryPath()
        _ = try MemoryStore(path: newer, create: true)
        let s = try MemoryStore(path: newer, create: false)
        try s.db.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99')") }
        XCTAssertThrowsError(try MemoryStore(path: newer, create: false)) { XCTAssertTrue("\($0)".contains("newer tmkit"), "\($0)") }
    }
}
