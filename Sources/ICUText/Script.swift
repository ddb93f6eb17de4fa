internal import CICUShim

/// A Unicode script (UAX #24) as ICU reports it.
public struct Script: Hashable, Sendable, CustomStringConvertible {
    /// ICU's UScriptCode.
    public let code: Int32

    public static let common = Script(code: 0)
    public static let inherited = Script(code: 1)
    public static let cyrillic = Script(code: 8)
    public static let greek = Script(code: 14)
    public static let han = Script(code: 17)
    public static let hangul = Script(code: 18)
    public static let hiragana = Script(code: 20)
    public static let katakana = Script(code: 22)
    public static let latin = Script(code: 25)
    public static let thai = Script(code: 38)
    public static let arabic = Script(code: 2)
    public static let hebrew = Script(code: 19)

    /// The script of one code point.
    public static func of(_ scalar: Unicode.Scalar) -> Script {
        var status: Int32 = 0
        let c = tmk_script_of(scalar.value, &status)
        return status > 0 ? .common : Script(code: c)
    }

    /// ISO 15924 code ("Latn", "Cyrl").
    public var shortName: String { tmk_script_short_name(code).map { String(cString: $0) } ?? "Zzzz" }
    /// Long name ("Latin", "Cyrillic").
    public var name: String { tmk_script_long_name(code).map { String(cString: $0) } ?? "Unknown" }
    public var description: String { name }

    /// Whether text in this script is written without spaces between words.
    public var isWrittenWithoutSpaces: Bool {
        self == .han || self == .hiragana || self == .katakana || self == .thai
            || code == 24 /* Lao */ || code == 23 /* Khmer */ || code == 28 /* Myanmar */
    }
}

/// How much of a text is in each script (letters only; Common and Inherited are left out).
public struct ScriptProfile: Sendable {
    /// Letter counts per script, most frequent first.
    public let counts: [(script: Script, letters: Int)]

    public init(_ text: String) {
        var tally: [Script: Int] = [:]
        for scalar in text.unicodeScalars where scalar.properties.isAlphabetic {
            let s = Script.of(scalar)
            if s == .common || s == .inherited { continue }
            tally[s, default: 0] += 1
        }
        counts = tally.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.code < $1.key.code }
            .map { ($0.key, $0.value) }
    }

    /// The script of most letters, if there are letters.
    public var dominant: Script? { counts.first?.script }
    public var totalLetters: Int { counts.reduce(0) { $0 + $1.letters } }
}

/// Unicode character properties through ICU's uchar API.
public enum CharacterProperty: Int32, Sendable {
    case alphabetic = 0, uppercase, lowercase, whiteSpace, decimalDigit, punctuation, dash,
         quotationMark, sentenceTerminal, terminalPunctuation, ideographic

    /// Whether `scalar` has this property.
    @inlinable public func contains(_ scalar: Unicode.Scalar) -> Bool { has(scalar.value) }

    @usableFromInline func has(_ value: UInt32) -> Bool { tmk_char_has(value, rawValue) != 0 }
}
