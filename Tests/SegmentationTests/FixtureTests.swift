import Foundation
import XCTest
import Segmentation

/// The project's copy of the Sputnik fixture (Tests/Fixtures/sputnik).
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/sputnik")

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    static func lines(_ name: String) throws -> [String] {
        try text(name).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }
}

final class FixtureTests: XCTestCase {
    func testEnglishArticleSegmentsToTheGoldSentences() throws {
        let segments = try SentenceSegmenter(language: "en").segment(try Fixture.text("article-en.txt"))
        XCTAssertEqual(segments.map(\.text), try Fixture.lines("sentences-en.txt"))
    }

    func testRussianArticleSegmentsToTheGoldSentences() throws {
        let segments = try SentenceSegmenter(language: "ru").segment(try Fixture.text("article-ru.txt"))
        XCTAssertEqual(segments.map(\.text), try Fixture.lines("sentences-ru.txt"))
        XCTAssertTrue(segments.contains { $0.text.hasPrefix("С 30 сент. Россия") })
    }

    func testBareICUBreaksWhereTmkitDoesNot() throws {
        // The reason tmkit has its own rules: ICU's suppressions miss "гг.", "г." and initials.
        let text = "В 2010-2012 гг. Виктор посещал г. Волгоград. Д-р А. И. Семенов выступал."
        let icu = try SentenceSegmenter(language: "ru", mode: .icu).segment(text)
        let tmkit = try SentenceSegmenter(language: "ru").segment(text)
        XCTAssertGreaterThan(icu.count, 2)
        XCTAssertEqual(tmkit.map(\.text), ["В 2010-2012 гг. Виктор посещал г. Волгоград.", "Д-р А. И. Семенов выступал."])
    }

    func testOffsetsMapEverySegmentBackToTheInput() throws {
        for name in ["article-en.txt", "article-ru.txt", "page-en.txt"] {
            let text = try Fixture.text(name)
            let scalars = Array(text.unicodeScalars)
            let segments = try SentenceSegmenter(language: name.contains("ru") ? "ru" : "en").segment(text)
            XCTAssertFalse(segments.isEmpty)
            var previousEnd = 0
            for s in segments {
                XCTAssertLessThanOrEqual(previousEnd, s.start)
                XCTAssertLessThan(s.start, s.end)
                var slice = String.UnicodeScalarView()
                slice.append(contentsOf: scalars[s.start..<s.end])
                XCTAssertEqual(String(slice).split(whereSeparator: \.isWhitespace), s.text.split(whereSeparator: \.isWhitespace), name)
                // Nothing but white space lies between segments.
                XCTAssertTrue(scalars[previousEnd..<s.start].allSatisfy { $0.properties.isWhitespace }, name)
                previousEnd = s.end
            }
            XCTAssertTrue(scalars[previousEnd...].allSatisfy { $0.properties.isWhitespace })
        }
    }
}
