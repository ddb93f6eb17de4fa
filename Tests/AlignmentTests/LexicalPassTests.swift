import Foundation
import XCTest
import TestSupport
@testable import Alignment

/// The second pass: word translations learnt from the first alignment (or given as seed pairs)
/// decide beads that lengths and anchors leave open.
final class LexicalPassTests: XCTestCase {
    /// A made-up pair of languages: 300 source words, each with one translation of another
    /// length, used as in real text (a few often, most rarely).
    static let dictionary: [(String, String)] = {
        var rng = SeededGenerator(state: 1)
        let letters = Array("abcdefghiklmnoprstuvwz")
        func word(_ n: Int) -> String { String((0..<n).map { _ in letters.randomElement(using: &rng)! }) }
        var seen = Set<String>()
        var out: [(String, String)] = []
        while out.count < 300 {
            let s = word(Int.random(in: 5...9, using: &rng)), t = word(Int.random(in: 5...11, using: &rng))
            guard seen.insert(String(s.prefix(5))).inserted, seen.insert(String(t.prefix(5))).inserted else { continue }
            out.append((s, t))
        }
        return out
    }()

    func sentencePair(_ rng: inout SeededGenerator, words n: Int) -> (String, String) {
        let picks = (0..<n).map { _ -> (String, String) in
            let u = Double.random(in: 0..<1, using: &rng)
            return Self.dictionary[Int(u * u * Double(Self.dictionary.count))]
        }
        return (picks.map(\.0).joined(separator: " ") + ".", picks.map(\.1).joined(separator: " ") + ".")
    }

    func testTheLexiconIsLearntFromTheFirstAlignmentAndExplained() throws {
        var rng = SeededGenerator(state: 7)
        var src: [String] = [], tgt: [String] = []
        for _ in 0..<200 {
            let (s, t) = sentencePair(&rng, words: Int.random(in: 4...12, using: &rng))
            src.append(s)
            tgt.append(t)
        }
        let aligner = try Aligner(sourceLanguage: "de", targetLanguage: "fr")
        let explained = try aligner.explain(source: src, target: tgt)
        XCTAssertEqual(explained.map(\.bead).filter { $0.source.count == 1 && $0.target.count == 1 }.count, 200)
        // The pairs the lexicon found in beads are nearly all the dictionary's (stems: five
        // letters), and they cover the words used often.
        let truth = Set(Self.dictionary.map { "\($0.0.prefix(5))=\($0.1.prefix(5))" })
        var found = Set<String>()
        for e in explained {
            XCTAssertNotNil(e.lexicalMatched)
            for p in e.lexicalPairs { found.insert("\(p.source)=\(p.target)") }
            XCTAssertGreaterThan(e.lexicalMatched ?? 0, 0, "no word of bead \(e.bead) found translated")
        }
        let right = found.intersection(truth).count
        XCTAssertGreaterThanOrEqual(Double(right), 0.9 * Double(found.count), "wrong pairs: \(found.subtracting(truth).sorted())")
        let frequent = Set(Self.dictionary.prefix(40).map { "\($0.0.prefix(5))=\($0.1.prefix(5))" })
        XCTAssertGreaterThanOrEqual(found.intersection(frequent).count, 36, "missed: \(frequent.subtracting(found).sorted())")
        // The words raise the confidence of right beads: with a lexicon from 200 pairs, every 1-1
        // bead scores at least as high as on lengths alone, and the mean is higher.
        let plain = try Aligner(sourceLanguage: "de", targetLanguage: "fr", options: {
            var o = Aligner.Options(); o.lexical = false; return o }()).align(source: src, target: tgt)
        let lexicalScores = explained.map(\.bead.score), plainScores = plain.map(\.score)
        XCTAssertGreaterThan(lexicalScores.reduce(0, +), plainScores.reduce(0, +) + 10)
        // Without the second pass there is no lexicon to explain.
        var options = Aligner.Options()
        options.lexical = false
        XCTAssertNil(try Aligner(sourceLanguage: "de", targetLanguage: "fr", options: options).explain(source: src, target: tgt)[0].lexicalMatched)
    }

    func testSeedPairsTeachAShortText() throws {
        // Five sentences teach nothing by themselves; a memory's pairs do.
        var rng = SeededGenerator(state: 3)
        var seeds: [(source: String, target: String)] = []
        for _ in 0..<100 { let p = sentencePair(&rng, words: 8); seeds.append((p.0, p.1)) }
        var src: [String] = [], tgt: [String] = []
        for _ in 0..<5 { let p = sentencePair(&rng, words: 7); src.append(p.0); tgt.append(p.1) }
        let aligner = try Aligner(sourceLanguage: "de", targetLanguage: "fr")
        let alone = try aligner.explain(source: src, target: tgt)
        let seeded = try aligner.explain(source: src, target: tgt, seedPairs: seeds)
        let truth = Set(Self.dictionary.map { "\($0.0.prefix(5))=\($0.1.prefix(5))" })
        let seededPairs = seeded.flatMap { $0.lexicalPairs.map { "\($0.source)=\($0.target)" } }
        XCTAssertTrue(seeded.allSatisfy { !$0.lexicalPairs.isEmpty }, "the seed pairs should give every bead word pairs")
        XCTAssertGreaterThan(seededPairs.filter(truth.contains).count, alone.flatMap(\.lexicalPairs).count)
        XCTAssertEqual(seeded.map(\.bead.kind), Array(repeating: "1-1", count: 5))
    }
}
