import XCTest
@testable import TranslationMemory
import ICUText
import GRDB

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

    /// The duplicate key's normal form collapses every kind of Unicode white space, and leaves texts
    /// without any (CJK, punctuation such as “ ” …, U+FEFF) as they are, whichever path it takes.
    func testNormCollapsesExactlyTheUnicodeWhiteSpace() throws {
        func reference(_ s: String) -> String {
            var out = String.UnicodeScalarView()
            var pending = false
            for u in s.unicodeScalars {
                if u.properties.isWhitespace { pending = !out.isEmpty; continue }
                if pending { out.append(" "); pending = false }
                out.append(u)
            }
            return String(out)
        }
        let spaces: [Unicode.Scalar] = (0...0x3000).compactMap { Unicode.Scalar($0) }.filter { $0.properties.isWhitespace }
        XCTAssertEqual(spaces.count, 25)
        // Neighbours of the white space in UTF-8 (same lead bytes) that are not white space.
        let others: [Unicode.Scalar] = ["a", "Я", "\u{84}", "\u{86}", "\u{9F}", "\u{A1}", "\u{167F}", "\u{1681}", "\u{200B}", "\u{200C}",
                                        "\u{2027}", "\u{202A}", "\u{2030}", "\u{205E}", "\u{2060}", "“", "…", "\u{3001}", "日", "本", "\u{FEFF}", "\u{1}"]
        var rng = SystemRandomNumberGenerator()
        for round in 0..<20_000 {
            var s = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...8, using: &rng) {
                s.append(Bool.random(using: &rng) ? spaces.randomElement(using: &rng)! : others.randomElement(using: &rng)!)
            }
            let text = String(s)
            XCTAssertEqual(try TextKeys.normOfNFC(text), reference(text), "round \(round): \(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
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

/// `PlainWords` finds the words ICU's word break iterator finds, with the same number/word status.
final class PlainWordsTests: XCTestCase {
    /// ICU's words of `text`: byte ranges, and whether each is a number (status 100–199).
    static func icuWords(_ text: String, _ tokenizer: Tokenizer) throws -> [String] {
        var out: [String] = []
        var copy = text
        try copy.withUTF8 { buf in
            var last = 0
            try tokenizer.forEachWordBoundary(in: buf) { b, status in
                defer { last = b }
                if (100..<500).contains(status) { out.append("\(last)..<\(b) \(status < 200 ? "#" : "w")") }
            }
        }
        return out
    }

    static func plainWords(_ text: String) -> [String]? {
        var copy = text
        var out: [String] = []
        let handled = copy.withUTF8 { buf in PlainWords.forEachWord(buf) { r, number in out.append("\(r.lowerBound)..<\(r.upperBound) \(number ? "#" : "w")") } }
        return handled ? out : nil
    }

    func testAgreesWithICUOnRandomPlainText() throws {
        let tokenizer = try Tokenizer()
        // Pieces that exercise every rule the splitter knows: letters and digits of both scripts next
        // to each kind of mid character, spaces, line breaks, quotes and dashes.
        var pieces = ["a", "Z", "я", "Ё", "ї", "ab", "Дом", "1", "42", "0", ".", ",", ";", "'", "’", "‘", "․", "⁄",
                      " ", "  ", "\n", "\r\n", "\t", "-", "—", "«", "»", "\"", "(", ")", "!", "?", "%", "$", "€", "№",
                      "ª", "º", "\u{A0}", "§", "©", "…", "/", "#", "@", "+", "=", "U.S.", "1,800", "т. е.", "don't",
                      "3.14", "1'000", "x2", "2x", "a1b2", "12ab", "ab12", "1.a", "a.1", "a,b", "1;2", "1.5.7", "..", ",,"]
        // And every single character of the plain set.
        pieces += (0x20...0x7E).map { String(UnicodeScalar(UInt8($0))) }
        pieces += (UInt32(0xA0)...0xBF).compactMap { Unicode.Scalar($0).map { String($0) } }
        pieces += (UInt32(0x400)...0x45F).compactMap { Unicode.Scalar($0).map { String($0) } }
        pieces += [UInt32(0x2010)...0x2027, 0x2030...0x205E].joined().compactMap { Unicode.Scalar($0).map { String($0) } }
        pieces += (UInt32(0xC0)...0x17F).compactMap { Unicode.Scalar($0).map { String($0) } }
        pieces += ["€", "№", "\u{B}", "\u{C}", "\r"]
        var seed: UInt64 = 0x5EED
        func next(_ n: Int) -> Int { // a fixed sequence, so that a failure can be replayed
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        var handled = 0
        for _ in 0..<100_000 {
            var s = ""
            for _ in 0..<(1 + next(12)) { s += pieces[next(pieces.count)] }
            var lower: [UInt8] = []
            var copy = s
            guard copy.withUTF8({ PlainText.scan($0, into: &lower) }) != nil, let mine = PlainWordsTests.plainWords(s) else { continue }
            handled += 1
            XCTAssertEqual(mine, try PlainWordsTests.icuWords(s, tokenizer), s.debugDescription)
        }
        XCTAssertGreaterThan(handled, 60_000, "most strings are ones the splitter handles")
    }

    func testLeavesSubtleCharactersToICU() {
        for s in ["snake_case", "soft\u{AD}hyphen", "a·b", "10:30", "‿"] {
            XCTAssertNil(PlainWordsTests.plainWords(s), s)
        }
        XCTAssertEqual(PlainWordsTests.plainWords("U.S. 1,800 т. е. x2 2x"), ["0..<3 w", "5..<10 #", "11..<13 w", "15..<17 w", "19..<21 #", "22..<24 w"])
    }
}

/// `Tokenizer.prepare` (one pass for plain text) gives what the general path gives: the NFC text,
/// the normal form's hash, the index keys and the search text.
final class PlainTextTests: XCTestCase {
    func testOnePassAgreesWithTheGeneralPath() throws {
        let tokenizer = try Tokenizer()
        var pieces = ["a", "Z", "я", "Ё", "ё", "ї", "Ў", "ab", "Дом", "1", "42", ".", ",", ";", "'", "’", " ", "  ", "\n", "\t",
                      "—", "«", "»", "\u{A0}", "µ", "é", "e\u{301}", "<b>", "%d", "{name}", "10:30", "snake_case", "soft\u{AD}",
                      "a·b", "日本", "Київ", "ЁЛКА", "don't", "1,800", "U.S.", "т. е.", "\r\n", "‿", "ª"]
        pieces += (0x20...0x7E).map { String(UnicodeScalar(UInt8($0))) }
        pieces += (UInt32(0xA0)...0xBF).compactMap { Unicode.Scalar($0).map { String($0) } }
        pieces += (UInt32(0x400)...0x45F).compactMap { Unicode.Scalar($0).map { String($0) } }
        pieces += (UInt32(0xC0)...0x17F).compactMap { Unicode.Scalar($0).map { String($0) } }
        pieces += ["Straße", "Ÿ", "İstanbul", "ſ", "ŉ", "Ça", "Łódź", "Ærø", "×", "÷", "Ğ", "naïve", "über"]
        var seed: UInt64 = 0xF00D
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        var texts = ["", " ", "  lead", "trail ", "two  spaces", "Самолёты ВКС России совершили 1,800 вылетов"]
        for i in 0..<50_000 {
            var s = ""
            // (Longer texts too: the one pass reads ASCII eight bytes at a time, at every alignment.)
            for _ in 0..<(1 + next(i % 5 == 0 ? 40 : 10)) { s += pieces[next(pieces.count)] }
            texts.append(s)
        }
        texts += ["The Quick Brown Fox Jumps Over", "ABCDEFGHIJKLMNOPQRSTUVWXYZ@[`{", "eight ch  two", "12345678 ", " 2345678",
                  "AAAAAAA  BBBBBBBB", "abcdefg\u{7F}hijklmn", "Mixed ASCII then Кириллица then ASCII again and MORE"]
        var keys = IndexKeys()
        var plain = 0
        for t in texts {
            var search: [UInt8] = [7]
            let (nfc, hash, derived) = try tokenizer.prepare(t, language: "en", langKey: "en", keys: &keys, search: &search)
            if derived {
                var copy = nfc
                XCTAssertEqual(copy.withUTF8 { PlainText.joinedKeys($0) }, keys.joined, t.debugDescription)
            }
            let expectedNFC = try t.normalized(.nfc)
            XCTAssertEqual(nfc, expectedNFC, t.debugDescription)
            XCTAssertEqual(hash, TextKeys.normHash(lang: "en", norm: try TextKeys.normOfNFC(expectedNFC)), t.debugDescription)
            XCTAssertEqual(keys.strings, try tokenizer.tokenize(expectedNFC).indexKeys, t.debugDescription)
            var expectedSearch: [UInt8] = [7, 0x1E] + Array("en".utf8) + [0x1F]
            expectedSearch += Array(try TextKeys.searchGeneral(expectedNFC).utf8)
            XCTAssertEqual(search, expectedSearch, t.debugDescription)
            var copy = t
            var scratch: [UInt8] = []
            if copy.withUTF8({ PlainText.scan($0, into: &scratch) }) != nil { plain += 1 }
        }
        XCTAssertGreaterThan(plain, texts.count / 4, "many texts took the one pass")
    }
}

final class PostingEncodingTests: XCTestCase {
    func testPartsRoundTripThroughTheirStoredForm() throws {
        var seed: UInt64 = 42
        func next(_ n: UInt64) -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return (seed >> 33) % n }
        for size in [0, 1, 2, 100, 5000] {
            var unit: UInt32 = 0
            let entries = (0..<size).map { _ -> PostingEntry in
                unit += UInt32(1 + next(size > 100 ? 3 : 1 << 31 / UInt64(max(size, 1))))
                return PostingEntry(variant: unit, words: UInt32(next(400)))
            }
            let list = PostingList(entries: entries)
            let stored = PostingList.encode(list)
            var back: [UInt8] = []
            try stored.withUnsafeBytes { try PostingList.decode($0, appendingTo: &back) }
            XCTAssertEqual(back, list.bytes, "\(size) entries")
            if size > 100 { XCTAssertLessThan(stored.count, list.bytes.count / 2, "close units take few bytes") }
        }
        // A truncated part is an error, not a wrong list.
        let stored = PostingList.encode(PostingList(entries: [PostingEntry(variant: 300, words: 200)]))
        var back: [UInt8] = []
        XCTAssertThrowsError(try stored.dropLast().withUnsafeBytes { try PostingList.decode($0, appendingTo: &back) })
    }
}

/// Plain text's keys are not stored but derived from the text when read: what is read must be
/// what was prepared.
final class DerivedKeysTests: XCTestCase {
    func testStoredUnitsGiveTheirKeysBack() throws {
        let store = try MemoryStore(path: temporaryMemoryPath(), create: true)
        let texts = ["Самолёты ВКС России совершили 1,800 вылетов", "U.S. Air Force, Mr. O'Neil: 10:30", "snake_case x2 2x",
                     "Delete %d files", "<b>bold</b> text", "日本語のテキスト", "café", "the the the", "—", "", "  two  spaces "]
        let tokenizer = try Tokenizer()
        try store.add(texts.filter { !$0.isEmpty }.map { TranslationUnit(variants: [Variant(language: "en", text: $0), Variant(language: "ru", text: "перевод: " + $0)]) })
        var derived = 0
        try store.db.read { db in
            for (id, data) in try Row.fetchAll(db, sql: "SELECT id, data FROM unit").map({ ($0[0] as Int64, $0[1] as Data) }) {
                let (unit, variants) = try PackedUnit.decode([UInt8](data), id: id)
                for v in variants {
                    XCTAssertEqual(v.keys, try tokenizer.tokenize(v.variant.text).wordKeys.joined(separator: "\u{1F}"), v.variant.text)
                    XCTAssertEqual(v.wordCount, try tokenizer.tokenize(v.variant.text).wordKeys.count, v.variant.text)
                }
                try [UInt8](data).withUnsafeBytes { raw in
                    var i = 0
                    try PackedUnit.forEachVariantKeys(raw) { _, keys, count in
                        XCTAssertEqual(String(decoding: keys, as: UTF8.self), variants[i].keys)
                        XCTAssertEqual(count, variants[i].wordCount)
                        i += 1
                    }
                }
                _ = unit
            }
            derived = try Int.fetchOne(db, sql: "SELECT count(*) FROM unit")!
        }
        XCTAssertEqual(derived, texts.count - 1)
        // The plain rows are smaller than with their keys written out.
        let plain = try store.db.read { try Int.fetchOne($0, sql: "SELECT length(data) FROM unit ORDER BY id LIMIT 1")! }
        XCTAssertLessThan(plain, 24 + 8 + 2 * (2 * texts[0].utf8.count), "the first unit's keys are not stored")
    }

    /// The guess that starts a search of a duplicate bucket gives the range a binary search of the
    /// whole bucket would find the first entry at or above a hash in: at either end, between entries,
    /// on runs of one hash, in crowded and sparse buckets.
    func testDuplicateBucketSearchFindsWhatABinarySearchFinds() {
        var rng = SystemRandomNumberGenerator()
        func lowerBound(_ s: UnsafeBufferPointer<DuplicateIndex.Entry>, _ h: Int64, _ range: (Int, Int)) -> Int {
            var (lo, hi) = range
            while lo < hi { let mid = (lo + hi) / 2; if s[mid].hash < h { lo = mid + 1 } else { hi = mid } }
            return lo
        }
        for trial in 0..<120 {
            let n = [0, 1, 17, 40, 300, 3_000][trial % 6]
            let spread: Int64 = trial % 3 == 0 ? 50 : Int64.max / 4
            var entries = (0..<n).map { _ in DuplicateIndex.Entry(hash: Int64.random(in: -spread...spread, using: &rng), unit: Int64.random(in: 1...9, using: &rng)) }
            if trial % 5 == 0, n > 4 { for i in 0..<n / 3 { entries[i].hash = entries[n - 1].hash } } // long runs of one hash
            entries.sort()
            let probes = entries.map(\.hash) + entries.map { $0.hash &+ 1 } + entries.map { $0.hash &- 1 }
                + [Int64.min, Int64.max, -spread - 1, spread + 1, 0]
            entries.withUnsafeBufferPointer { s in
                for h in probes {
                    let expected = lowerBound(s, h, (0, n))
                    let (lo, hi) = DuplicateIndex.narrow(s, h)
                    guard lo <= expected && expected <= hi else { return XCTFail("n \(n): \(h) → \(lo)..<\(hi), expected \(expected)") }
                    XCTAssertEqual(lowerBound(s, h, (lo, hi)), expected)
                }
            }
        }
    }

    /// The filter in front of the duplicate buckets never says no to a hash it holds (a duplicate
    /// would be stored twice), and says yes to few others at the fill it allows before it doubles.
    func testDuplicateFilterHasNoFalseNegatives() {
        var rng = SystemRandomNumberGenerator()
        var filter = HashFilter(blocks: 64)
        var held: [Int64] = []
        while !filter.isFull {
            let h = Int64.random(in: .min ... .max, using: &rng)
            filter.insert(h)
            held.append(h)
        }
        XCTAssertEqual(held.count, 64 * 512 / 10 + 1)
        XCTAssert(held.allSatisfy { filter.mayHold($0) })
        let others = (0..<20_000).map { _ in Int64.random(in: .min ... .max, using: &rng) }
        let falsePositives = others.filter { filter.mayHold($0) }.count
        XCTAssertLessThan(falsePositives, 20_000 / 50, "more than 2% false positives at full fill")
        XCTAssertFalse(HashFilter().mayHold(42))
    }

    /// The PostgreSQL writer's filter of the keys a first import wrote grows past its first
    /// filter without ever losing a key, and its false positives stay few.
    func testGrowingFilterKeepsEveryHash() {
        var rng = SystemRandomNumberGenerator()
        var filter = GrowingHashFilter(blocks: 16)
        var held: [Int64] = []
        for _ in 0..<20_000 {
            let h = Int64.random(in: .min ... .max, using: &rng)
            filter.insert(h)
            held.append(h)
        }
        XCTAssertEqual(filter.count, 20_000)
        // 16 blocks hold 820 hashes, then 32, 64, 128 and 256 blocks: five filters, 31 KB.
        XCTAssertEqual(filter.byteCount, (16 + 32 + 64 + 128 + 256) * 64)
        XCTAssert(held.allSatisfy { filter.mayHold($0) })
        let others = (0..<20_000).map { _ in Int64.random(in: .min ... .max, using: &rng) }
        let falsePositives = others.filter { filter.mayHold($0) }.count
        XCTAssertLessThan(falsePositives, 20_000 * 6 / 100, "more than 6% false positives over five filters")
    }
}
