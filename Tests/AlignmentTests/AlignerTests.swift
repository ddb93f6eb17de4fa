import Foundation
import Segmentation
import XCTest
import TestSupport
@testable import Alignment

final class AlignerTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/sputnik")

    func text(_ name: String) throws -> String { try String(contentsOf: Self.fixtures.appendingPathComponent(name), encoding: .utf8) }
    func lines(_ name: String) throws -> [String] { try text(name).split(separator: "\n").map(String.init) }
    func gold() throws -> [String] { try lines("gold-alignment.txt").filter { $0.hasPrefix("[") } }

    func render(_ beads: [Bead]) -> [String] {
        beads.map { "[" + $0.source.map(String.init).joined(separator: ",") + "]:[" + $0.target.map(String.init).joined(separator: ",") + "]" }
    }

    func testSputnikSentencesAlignToGold() throws {
        let a = try Aligner(sourceLanguage: "en", targetLanguage: "ru")
        let beads = try a.align(source: try lines("sentences-en.txt"), target: try lines("sentences-ru.txt"))
        XCTAssertEqual(render(beads), try gold())
        // The 2-1 bead is anchored by its numbers; the lone Russian sentence scores 0.
        XCTAssertGreaterThan(beads[9].score, 0.3)
        XCTAssertEqual(beads.last?.score, 0)
    }

    func testSputnikArticlesAlignToGoldThroughTheSegmenter() throws {
        let en = try SentenceSegmenter(language: "en").segment(try text("article-en.txt"))
        let ru = try SentenceSegmenter(language: "ru").segment(try text("article-ru.txt"))
        let beads = try Aligner(sourceLanguage: "en", targetLanguage: "ru")
            .align(source: en.map(\.text), target: ru.map(\.text), sourceParagraphs: en.map(\.paragraph), targetParagraphs: ru.map(\.paragraph))
        XCTAssertEqual(render(beads), try gold())
        XCTAssertEqual(en.map(\.paragraph).last, 8)
    }

    func testFeatures() throws {
        XCTAssertEqual(FeatureExtractor.normaliseNumber("1,800"), "1800")
        XCTAssertEqual(FeatureExtractor.normaliseNumber("1 800"), "1800")
        XCTAssertEqual(FeatureExtractor.normaliseNumber("3,14"), "3.14")
        XCTAssertEqual(FeatureExtractor.normaliseNumber("24.05.2015"), "24.05.2015")
        let en = try FeatureExtractor(language: "en").features("Mikhail Bogdanov met them in Moscow on Friday?")
        let ru = try FeatureExtractor(language: "ru").features("Михаил Богданов встретился с ними в Москве в пятницу?")
        XCTAssertTrue(en.cognates.contains("opktn") && ru.cognates.contains("opktn"), "\(en.cognates) \(ru.cognates)")
        XCTAssertTrue(ru.cognates.contains("omskv") && en.cognates.contains("omskv"), "\(en.cognates) \(ru.cognates)")
        XCTAssertEqual(en.marks, ["?"])
    }

    func testLongDocumentsStayInTheBandAndRecoverFromAnOmission() throws {
        // 1,500 sentences; the translation drops sentence 500 and splits sentence 1000 in two.
        var src: [String] = [], tgt: [String] = []
        var rng = SeededRNG(state: 2026)
        let words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "kappa", "lambda"]
        for i in 0..<1500 {
            let n = Int.random(in: 3...30, using: &rng)
            let s = (0..<n).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ") + " \(i)."
            src.append(s)
            if i == 500 { continue }
            if i == 1000 {
                let half = s.split(separator: " ").count / 2
                let parts = s.split(separator: " ")
                tgt.append(parts[..<half].joined(separator: " ") + ".")
                tgt.append(parts[half...].joined(separator: " "))
                continue
            }
            tgt.append(s)
        }
        let t0 = Date()
        let beads = try Aligner(sourceLanguage: "en", targetLanguage: "en").align(source: src, target: tgt)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 60) // a sanity bound, not a benchmark
        let r = render(beads)
        XCTAssertTrue(r.contains("[500]:[]"), "omission not found: \(r[495...505])")
        XCTAssertTrue(r.contains("[1000]:[999,1000]"), "split not found: \(r[995...1005])")
        XCTAssertEqual(beads.filter { $0.source.count == 1 && $0.target.count == 1 }.count, 1498)
    }

    func testEmptySides() throws {
        let a = try Aligner(sourceLanguage: "en", targetLanguage: "ru")
        XCTAssertEqual(try a.align(source: [], target: []), [])
        XCTAssertEqual(render(try a.align(source: ["One."], target: [])), ["[0]:[]"])
    }
}

typealias SeededRNG = SeededGenerator
