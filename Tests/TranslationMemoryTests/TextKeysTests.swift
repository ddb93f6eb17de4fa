import XCTest
@testable import TranslationMemory
import ICUText

/// The byte-level fast paths of the keys stored for every variant must give what the general
/// (Unicode and ICU) paths give, or lookups and concordance would miss stored units.
final class TextKeysTests: XCTestCase {
    func testSearchKeysAgreeWithTheGeneralPath() throws {
        for v in UInt32(0x20)...0x4FF {
            guard let u = Unicode.Scalar(v), !u.properties.isWhitespace else { continue }
            for s in ["x\(Character(u))Я", "\(Character(u))", "Ёж \(Character(u)) «Київ»"] {
                let nfc = try TextKeys.norm(s)
                XCTAssertEqual(try TextKeys.search(nfc), try TextKeys.searchGeneral(nfc), "U+\(String(v, radix: 16)) in \(s)")
            }
        }
        XCTAssertEqual(try TextKeys.search("«Ёлка» в Київі"), "«елка» в киіві")
    }

    func testWordKeysOfPlainTextAgreeWithFolding() throws {
        let tokenizer = try Tokenizer()
        let texts = ["Самолёты ВКС России совершили 1,800 вылетов — «Ёлка», U.S. Air Force; Mr. O'Neil's «ДАННЫЕ».",
                     "ЁЖИК, Ѐ, Ѓ, Ї, Ў — TEXT_ID x2 don't", "Київ і Львів, ЄС"]
        for t in texts {
            let tokens = try tokenizer.tokenize(t)
            for tok in tokens.tokens where tok.kind == .word {
                XCTAssertEqual(tok.key, Tokenizer.fold(tok.surface), tok.surface)
            }
            XCTAssertFalse(tokens.wordKeys.isEmpty)
        }
    }
}

/// Imports file each variant's keys through `Tokenizer.indexKeys`, which skips building tokens
/// for plain text. What it files must be what the tokens give (lookups tokenize the query).
final class IndexKeysTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/sputnik")

    func testLaneAgreesWithTokensOnTheFixtureAndEdgeCases() throws {
        var texts: [String] = []
        for name in ["sentences-en.txt", "sentences-ru.txt", "article-en.txt", "article-ru.txt", "ui-strings.en-ru.tsv"] {
            let url = IndexKeysTests.fixtures.appendingPathComponent(name)
            guard let s = try? String(contentsOf: url, encoding: .utf8) else { continue }
            for line in s.split(whereSeparator: \.isNewline) { texts += line.split(separator: "\t").map(String.init) }
        }
        XCTAssertGreaterThan(texts.count, 40, "the fixture's sentences were read")
        texts += [
            "", " ", "—", "1,800 sorties and 2,000 sorties, 1.5 km, 3:45, 42nd", "the the the The THE",
            "Mr. O'Neil's don't can't e.g. U.S. a:b a_b x2 2x", "Ёлка ёлка ЕЛКА елка — «Ёж» т. е. сент. 2024 г.",
            "word-word co-operate self‐made", "Tab\there\nnew line  two  spaces ", "a a\u{1}2 a",
            "Delete %d files from {folder}", "<b>bold</b> text", "日本語のテキスト", "Київ і Львів", "café naïve",
            "ÀÉÎ «quoted» ¿qué?", "1 2 3 1 2 3", "'quoted' \"double\" (paren) [bracket]", "#hash @at $dollar",
        ]
        let tokenizer = try Tokenizer()
        var lane = 0
        for t in texts {
            let nfc = try t.normalized(.nfc)
            let tokens = try tokenizer.tokenize(nfc)
            let keys = try tokenizer.indexKeys(nfc)
            XCTAssertEqual(keys.strings, tokens.indexKeys, t)
            XCTAssertEqual(String(decoding: keys.joined, as: UTF8.self), tokens.wordKeys.joined(separator: "\u{1F}"), t)
            XCTAssertEqual(keys.count, tokens.wordKeys.count, t)
            XCTAssertEqual(keys.keys.map(\.hash), tokens.indexKeys.map(PostingBatch.hash), t)
            XCTAssertEqual(keys.joinedCount, keys.joined.count, t)
            XCTAssertEqual(keys, IndexKeys(wordKeys: tokens.wordKeys), t)
            if UTF8Scan.lowercasedPlain(nfc) != nil && !nfc.contains(where: { "<%{".contains($0) }) { lane += 1 }
        }
        XCTAssertGreaterThan(lane, texts.count / 2, "most texts took the lane")
        XCTAssertEqual(try tokenizer.indexKeys("the cat the hat the").strings, ["the", "cat", "the\u{1}2", "hat", "the\u{1}3"])
    }
}
