import XCTest
@testable import TranslationMemory

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
