import Foundation
import XCTest
import TestSupport
@testable import TranslationMemory

/// The index must find exactly what a scan of every unit finds.
final class RecallTests: XCTestCase {
    typealias RNG = SeededGenerator

    static let vocabulary = ("the a of to in and Russia Syria Iraq ministry said statement meeting forces Russian Iraqi " +
        "cooperation fight against terrorism group state Islamic deputy foreign minister delegation security defense " +
        "situation expansion efforts support government noted continued importance side underlined intention further " +
        "strengthen coordination between Moscow Baghdad counterterrorism head parliamentary territories neighboring " +
        "occupied caliphate land control airstrikes positions request president sorties targets militants killed dozens " +
        "command centers depots late September created information center coordinate joint military action four countries " +
        "represented officers national armed primary task collect analyze data related operations region 1,800 2,700 30").split(separator: " ").map(String.init)

    func sentence(_ rng: inout RNG) -> [String] {
        (0..<Int.random(in: 3...16, using: &rng)).map { _ in Self.vocabulary.randomElement(using: &rng)! }
    }

    func perturb(_ words: [String], _ rng: inout RNG) -> [String] {
        var w = words
        for _ in 0..<Int.random(in: 0...3, using: &rng) {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0 where !w.isEmpty: w[Int.random(in: 0..<w.count, using: &rng)] = Self.vocabulary.randomElement(using: &rng)!
            case 1 where w.count > 1: w.remove(at: Int.random(in: 0..<w.count, using: &rng))
            case 2: w.insert(Self.vocabulary.randomElement(using: &rng)!, at: Int.random(in: 0...w.count, using: &rng))
            default: if let i = w.indices.randomElement(using: &rng) { w[i] = w[i].uppercased() }
            }
        }
        return w
    }

    func testIndexedLookupEqualsExhaustiveOnRandomPerturbedQueries() throws {
        var rng = RNG(state: 42)
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        var sentences: [[String]] = []
        try store.write { w in
            for i in 0..<1500 {
                let s = sentence(&rng)
                sentences.append(s)
                try w.add(pair(s.joined(separator: " ") + (i % 3 == 0 ? "." : ""), "перевод \(i)"))
            }
        }
        var compared = 0, nonEmpty = 0
        for (n, threshold) in zip(0..<300, [50, 60, 70, 75, 80, 85, 90, 95, 100].cycled()) {
            let q = perturb(sentences[Int.random(in: 0..<sentences.count, using: &rng)], &rng).joined(separator: " ")
            var o = LookupOptions(threshold: threshold, limit: 1000)
            let indexed = try store.lookup(q, sourceLanguage: "en", targetLanguage: "ru", options: o)
            o.exhaustive = true
            let scanned = try store.lookup(q, sourceLanguage: "en", targetLanguage: "ru", options: o)
            XCTAssertEqual(indexed.map { "\($0.unit.id!):\($0.score)" }.sorted(), scanned.map { "\($0.unit.id!):\($0.score)" }.sorted(),
                           "query #\(n) '\(q)' at \(threshold)")
            XCTAssertTrue(indexed.allSatisfy { $0.score >= threshold })
            compared += 1
            if !indexed.isEmpty { nonEmpty += 1 }
        }
        XCTAssertEqual(compared, 300)
        XCTAssertGreaterThan(nonEmpty, 150) // the queries really find things (198 of 300 with this seed)
    }
}

extension Array {
    func cycled() -> AnySequence<Element> {
        AnySequence { () -> AnyIterator<Element> in
            var i = 0
            return AnyIterator { defer { i += 1 }; return self.isEmpty ? nil : self[i % self.count] }
        }
    }
}
