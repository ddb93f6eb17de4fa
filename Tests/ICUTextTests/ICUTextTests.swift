import Foundation
import XCTest
@testable import ICUText

final class NormalizationTests: XCTestCase {
    func testNFCComposesDecomposedText() throws {
        let decomposed = "e\u{301}te\u{301}" // é as e + combining acute
        let nfc = try decomposed.normalized(.nfc)
        XCTAssertEqual(Array(nfc.unicodeScalars), ["\u{E9}", "t", "\u{E9}"])
        XCTAssertTrue(try nfc.isNormalized(.nfc))
        XCTAssertFalse(try decomposed.isNormalized(.nfc))
        XCTAssertEqual(try nfc.normalized(.nfd).unicodeScalars.count, 5)
    }

    func testNFKCFoldsCompatibilityCharacters() throws {
        XCTAssertEqual(try "ﬁle №５".normalized(.nfkc), "file No5")
        XCTAssertEqual(try "Ｆｕｌｌ".normalized(.nfkcCasefold), "full")
    }

    func testCaseFoldingAndLocaleCase() throws {
        XCTAssertEqual(try "Straße".caseFolded(), "strasse")
        XCTAssertEqual(try "ИСЛАМСКОЕ Государство".caseFolded(), "исламское государство")
        XCTAssertEqual(try "TITLE".lowercased(icuLocale: "tr"), "tıtle")
        XCTAssertEqual(try "istanbul".uppercased(icuLocale: "tr"), "İSTANBUL")
    }
}

final class TransliterationTests: XCTestCase {
    func testCyrillicNamesBecomeLatin() throws {
        let t = try Transliterator("Any-Latin; Latin-ASCII")
        XCTAssertEqual(try t.apply("Богданов"), "Bogdanov")
        XCTAssertEqual(try t.apply("Багдад"), "Bagdad")
        XCTAssertEqual(try t.apply(""), "")
    }

    func testUnknownTransformIsAnError() {
        XCTAssertThrowsError(try Transliterator("No-Such-Transform")) { error in
            XCTAssertTrue("\(error)".contains("No-Such-Transform"))
        }
    }
}

final class ScriptTests: XCTestCase {
    func testScriptOfCharacters() {
        XCTAssertEqual(Script.of("Ж"), .cyrillic)
        XCTAssertEqual(Script.of("a"), .latin)
        XCTAssertEqual(Script.of("漢"), .han)
        XCTAssertEqual(Script.of("1"), .common)
        XCTAssertEqual(Script.cyrillic.shortName, "Cyrl")
        XCTAssertEqual(Script.latin.name, "Latin")
    }

    func testProfileFindsTheDominantScript() {
        let p = ScriptProfile("Subscribe Заголовок открываемого материала")
        XCTAssertEqual(p.dominant, .cyrillic)
        XCTAssertEqual(p.counts.map(\.script), [.cyrillic, .latin])
        XCTAssertEqual(p.totalLetters, 39)
        XCTAssertNil(ScriptProfile("1,800 — 2,700").dominant)
    }

    func testCharacterProperties() {
        XCTAssertTrue(CharacterProperty.dash.contains("—"))
        XCTAssertTrue(CharacterProperty.quotationMark.contains("«"))
        XCTAssertTrue(CharacterProperty.sentenceTerminal.contains("?"))
        XCTAssertFalse(CharacterProperty.sentenceTerminal.contains(","))
    }
}

final class BreakIteratorTests: XCTestCase {
    func testSentenceBoundariesAreUTF8Offsets() throws {
        let it = try BreakIterator(.sentence, locale: "ru")
        let text = "Привет. Как дела?"
        let ranges = try it.ranges(in: text)
        XCTAssertEqual(ranges.map { String(text[$0]) }, ["Привет. ", "Как дела?"])
    }

    func testWordsSkipPunctuationAndClassifyNumbers() throws {
        let it = try BreakIterator(.word, locale: "en")
        let words = try it.words(in: "Around 1,800 sorties, destroying 2,700 targets.")
        XCTAssertEqual(words.map(\.text), ["Around", "1,800", "sorties", "destroying", "2,700", "targets"])
        XCTAssertEqual(words[1].kind, .number)
        XCTAssertEqual(words[2].kind, .letter)
    }

    func testJapaneseWordsAreFoundWithoutSpaces() throws {
        let it = try BreakIterator(.word, locale: "ja")
        let words = try it.words(in: "これは父の家です")
        XCTAssertGreaterThan(words.count, 2)
        XCTAssertEqual(words.map(\.text).joined(), "これは父の家です")
    }

    func testIteratorIsReusableAndClonable() throws {
        let it = try BreakIterator(.sentence, locale: "en")
        XCTAssertEqual(try it.ranges(in: "A b. C d.").count, 2)
        XCTAssertEqual(try it.ranges(in: "One.").count, 1)
        let copy = try it.clone()
        XCTAssertEqual(try copy.ranges(in: "X y. Z w. Q.").count, 3)
    }
}

final class RegexTests: XCTestCase {
    func testMatchesGiveByteRanges() throws {
        let re = try ICURegex("(\\p{Lu}\\p{Ll}+)\\.")
        let text = "Москва. Baghdad."
        let ms: [[Range<Int>?]] = try Array(text.utf8).withUnsafeBufferPointer { try re.matches(in: $0, groups: [0, 1]) }
        XCTAssertEqual(ms.count, 2)
        XCTAssertEqual(ms[0][1], 0..<12) // six Cyrillic letters, two bytes each
        XCTAssertEqual(ms[1][0], 14..<22)
    }

    func testBadPatternNamesTheProblem() {
        XCTAssertThrowsError(try ICURegex("[a-")) { error in
            guard let e = error as? ICURegex.SyntaxError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.pattern, "[a-")
            XCTAssertTrue(e.reason.hasPrefix("U_REGEX"), e.reason)
        }
    }
}

final class UTF8ValidationTests: XCTestCase {
    func testReportsTheFirstBadByte() {
        let bytes: [UInt8] = Array("ok\nmore ".utf8) + [0xD0] + Array(" tail".utf8)
        XCTAssertThrowsError(try UTF8Validation.decode(bytes)) { error in
            let e = error as! UTF8Validation.InvalidUTF8
            XCTAssertEqual(e.byteOffset, 8)
            XCTAssertEqual(e.line, 2)
        }
        XCTAssertEqual(try UTF8Validation.decode(Array("сент.".utf8)), "сент.")
        let overlong: [UInt8] = [0x41, 0xC0, 0x80]
        XCTAssertEqual(overlong.withUnsafeBufferPointer { UTF8Validation.firstInvalidOffset($0) }, 1)
        let surrogate: [UInt8] = [0xED, 0xA0, 0x80]
        XCTAssertEqual(surrogate.withUnsafeBufferPointer { UTF8Validation.firstInvalidOffset($0) }, 0)
    }
}

/// Foundation carries its own ICU; tmkit links the system's. Both must work in one process,
/// from several threads at once.
final class FoundationCoexistenceTests: XCTestCase {
    func testFoundationLocalesAndSystemICUInOneProcess() throws {
        let group = DispatchGroup()
        let failures = Failures()
        for worker in 0..<4 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    let segIt = try BreakIterator(.sentence, locale: "ru")
                    let formatter = DateFormatter()
                    formatter.locale = Locale(identifier: "ru_RU")
                    formatter.dateFormat = "d MMMM yyyy"
                    formatter.timeZone = TimeZone(identifier: "UTC")
                    for i in 0..<200 {
                        let date = formatter.string(from: Date(timeIntervalSince1970: 1_443_571_200)) // 30 Sep 2015
                        if !date.contains("сентября") { failures.add("DateFormatter gave \(date)") }
                        let foundationLower = "İSTANBUL".lowercased(with: Locale(identifier: "tr"))
                        let icuLower = try "İSTANBUL".lowercased(icuLocale: "tr")
                        if foundationLower != icuLower { failures.add("\(foundationLower) vs \(icuLower)") }
                        let n = try segIt.ranges(in: "Первое. Второе \(worker)-\(i).").count
                        if n != 2 { failures.add("sentences: \(n)") }
                        if "Богданов".applyingTransform(.toLatin, reverse: false) == nil { failures.add("applyingTransform") }
                    }
                } catch {
                    failures.add("\(error)")
                }
            }
        }
        group.wait()
        XCTAssertEqual(failures.all, [])
    }
}

final class Failures: @unchecked Sendable {
    private var items: [String] = []
    private let lock = NSLock()
    func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}
