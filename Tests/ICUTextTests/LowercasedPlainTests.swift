import XCTest
@testable import ICUText

/// The fast lower-casing that tokens and concordance keys use must agree with Swift's
/// `lowercased()` wherever it answers, and keep every byte offset.
final class LowercasedPlainTests: XCTestCase {
    func testAgreesWithLowercasedForEveryCharacterItAccepts() {
        var accepted = 0
        let ranges: [ClosedRange<UInt32>] = [0x01...0x7F, 0x80...0x4FF, 0x2000...0x2100]
        for r in ranges {
            for v in r {
                guard let u = Unicode.Scalar(v) else { continue }
                let s = "a\(Character(u))Б"
                guard let lower = UTF8Scan.lowercasedPlain(s) else { continue }
                accepted += 1
                XCTAssertEqual(String(decoding: lower, as: UTF8.self), s.lowercased(), "U+\(String(v, radix: 16))")
                XCTAssertEqual(lower.count, s.utf8.count)
            }
        }
        // ASCII, the 96 Russian-range Cyrillic letters and the punctuation.
        XCTAssertGreaterThan(accepted, 127 + 96 + 40)
        XCTAssertNil(UTF8Scan.lowercasedPlain("café"), "Latin-1 goes to the general path")
        XCTAssertNil(UTF8Scan.lowercasedPlain("Ѣ"), "historic Cyrillic goes to the general path")
        XCTAssertNil(UTF8Scan.lowercasedPlain("日本"))
    }

    func testSentencesAndYo() {
        let s = "Самолёты ВКС России совершили 1,800 вылетов — «Ёлка» и U.S. Air Force."
        XCTAssertEqual(UTF8Scan.lowercasedPlain(s).map { String(decoding: $0, as: UTF8.self) }, s.lowercased())
        XCTAssertEqual(UTF8Scan.lowercasedPlain("Ёлка ещё", foldYo: true).map { String(decoding: $0, as: UTF8.self) }, "елка еще")
    }
}
