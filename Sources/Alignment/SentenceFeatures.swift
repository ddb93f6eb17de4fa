import ICUText

/// What the aligner knows of one sentence: its length and its lexical anchors.
struct SentenceFeatures {
    /// Length in Unicode scalars, white space excluded.
    var length: Int
    /// Numbers, normalised ("1,800", "1 800" and "1800" are all "1800"; "3,14" is "3.14").
    var numbers: [String]
    /// Consonant skeletons of words after transliteration to ASCII: "Bogdanov" and
    /// "Богдановым" both give "bgdn", "Moscow" and "Москве" "mskv".
    var cognates: [String]
    /// Marks that tend to survive translation: ? ! and quotation marks.
    var marks: [Character]
    /// Extra anchors supplied by the caller (glossary terms, memory units), already matched
    /// across languages: equal strings on both sides mean a correspondence.
    var extra: [String] = []
}

/// Computes features; one per language (it holds an ICU transliterator).
final class FeatureExtractor {
    /// nil for Latin-script languages (folded in Swift) and for languages whose words do not
    /// become cognates through transliteration (Chinese, Japanese, Korean, Thai).
    private let transliterator: Transliterator?
    private let cognates: Bool
    let language: String

    init(language: String) throws {
        self.language = language
        let latin = ["en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "no", "nb", "fi", "pl", "cs", "sk", "hu", "ro", "tr",
                     "ca", "hr", "sl", "et", "lv", "lt", "id", "ms", "vi", "is", "ga", "eu", "gl", "af", "sq", "mt", "cy", "lb"]
        let noCognates = ["zh", "ja", "ko", "th", "lo", "km", "my"]
        let primary = language.split(separator: "-").first.map { $0.lowercased() } ?? language
        cognates = !noCognates.contains(primary)
        transliterator = latin.contains(primary) || !cognates ? nil : try Transliterator("Any-Latin; Latin-ASCII")
    }

    /// Latin text to ASCII letters: accents dropped through NFD, a few letters spelt out.
    static func foldLatin(_ s: String) throws -> String {
        var out = String.UnicodeScalarView()
        for u in try s.normalized(.nfd).unicodeScalars {
            if u.value < 0x80 { out.append(u); continue }
            switch u {
            case "ß": out.append(contentsOf: "ss".unicodeScalars)
            case "æ", "Æ": out.append(contentsOf: (u == "æ" ? "ae" : "Ae").unicodeScalars)
            case "œ", "Œ": out.append(contentsOf: (u == "œ" ? "oe" : "Oe").unicodeScalars)
            case "ø": out.append("o")
            case "Ø": out.append("O")
            case "ł": out.append("l")
            case "Ł": out.append("L")
            case "đ": out.append("d")
            case "Đ": out.append("D")
            case "þ": out.append(contentsOf: "th".unicodeScalars)
            case "ı": out.append("i")
            default:
                if u.properties.generalCategory != .nonspacingMark { out.append(" ") }
            }
        }
        return String(out)
    }

    func features(_ sentence: String) throws -> SentenceFeatures {
        var length = 0
        var marks: [Character] = []
        var numbers: [String] = []
        var number = ""
        var pendingSeparator: Character?
        var ascii = true
        for u in sentence.unicodeScalars {
            if u.value >= 0x80 { ascii = false }
            if u.properties.isWhitespace && u != "\u{A0}" && u != "\u{202F}" {
                if !number.isEmpty && pendingSeparator == nil && u == " " { pendingSeparator = " "; continue }
                if !number.isEmpty { numbers.append(FeatureExtractor.normaliseNumber(number)); number = "" }
                pendingSeparator = nil
                continue
            }
            length += 1
            switch u {
            case "?", "？": marks.append("?")
            case "!", "！": marks.append("!")
            case "\"", "«", "»", "“", "”", "„": marks.append("\"")
            default: break
            }
            if u.value >= 0x30 && u.value <= 0x39 {
                if let sep = pendingSeparator { number.append(sep); pendingSeparator = nil }
                number.unicodeScalars.append(u)
            } else if !number.isEmpty && (u == "," || u == "." || u == "\u{A0}" || u == "\u{202F}") && pendingSeparator == nil {
                pendingSeparator = Character(u)
            } else {
                if !number.isEmpty { numbers.append(FeatureExtractor.normaliseNumber(number)); number = "" }
                pendingSeparator = nil
            }
        }
        if !number.isEmpty { numbers.append(FeatureExtractor.normaliseNumber(number)) }

        var cognates: [String] = []
        guard self.cognates else { return SentenceFeatures(length: length, numbers: numbers, cognates: [], marks: marks) }
        // One transliteration for the whole sentence, then ASCII words.
        let latin = ascii ? sentence : try transliterator.map { try $0.apply(sentence) } ?? FeatureExtractor.foldLatin(sentence)
        var k = 0
        for w in latin.split(whereSeparator: { !($0.isASCII && $0.isLetter) }) {
            defer { k += 1 }
            guard w.count >= 3 else { continue }
            let capitalised = w.first!.isUppercase
            let sk = FeatureExtractor.skeleton(w.lowercased())
            // Short skeletons collide by chance: keep them for names only (not the first word).
            if sk.count >= 4 || (sk.count == 3 && capitalised && k > 0) { cognates.append(sk) }
        }
        return SentenceFeatures(length: length, numbers: numbers, cognates: cognates, marks: marks)
    }

    /// "1,800" → "1800", "1 800" → "1800", "3,14" → "3.14", "24.05.2015" stays.
    static func normaliseNumber(_ s: String) -> String {
        let spaced = s.contains { $0 == " " || $0 == "\u{A0}" || $0 == "\u{202F}" }
        let digitsAndSeps = s.filter { !$0.isWhitespace && $0 != "\u{A0}" && $0 != "\u{202F}" }
        if spaced { return digitsAndSeps.filter { $0.isNumber || $0 == "," || $0 == "." }.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: ".", with: "") }
        let groups = digitsAndSeps.split(whereSeparator: { $0 == "," || $0 == "." })
        if groups.count > 1, groups.dropFirst().allSatisfy({ $0.count == 3 }), groups.first!.count <= 3 {
            return groups.joined()
        }
        if groups.count == 2 { return groups[0] + "." + groups[1] }
        return digitsAndSeps
    }

    /// The first vowel and the first four consonant classes of an ASCII word: similar sounds
    /// merged, repeats collapsed ("bogdanov" → "opktn").
    static func skeleton(_ ascii: String) -> String {
        var out: [Character] = []
        let chars = Array(ascii)
        var i = 0
        while i < chars.count, out.count < 4 {
            var c = chars[i]
            let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
            if (c == "p" || c == "g" || c == "k" || c == "z" || c == "s" || c == "c") && next == "h" {
                c = c == "p" ? "f" : c == "g" ? "g" : c == "k" ? "k" : "s"
                i += 1
            }
            let mapped: Character?
            switch c {
            case "a", "e", "i", "o", "u", "y", "j", "h", "w", "'", "`": mapped = c == "w" ? "v" : nil
            case "c", "q", "k", "g": mapped = "k"
            case "z", "s", "x": mapped = "s"
            case "d", "t": mapped = "t"
            case "b", "p": mapped = "p"
            case "f", "v": mapped = "v"
            default: mapped = c.isLetter ? c : nil
            }
            if let m = mapped, out.last != m { out.append(m) }
            i += 1
        }
        // The first vowel tells apart words with the same consonants ("countries" and "Центр").
        let vowel = chars.first { "aeiouy".contains($0) }.map { $0 == "y" ? "i" : $0 } ?? "-"
        return out.isEmpty ? "" : String(vowel) + String(out)
    }
}
