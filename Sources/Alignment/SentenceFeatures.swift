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
    private let transliterator: Transliterator?
    private let words: BreakIterator

    init(language: String) throws {
        let latin = ["en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "no", "nb", "fi", "pl", "cs", "sk", "hu", "ro", "tr", "ca", "hr", "sl", "et", "lv", "lt", "id", "ms", "vi"]
        let primary = language.split(separator: "-").first.map { $0.lowercased() } ?? language
        transliterator = try Transliterator(latin.contains(primary) ? "Latin-ASCII; Lower" : "Any-Latin; Latin-ASCII; Lower")
        words = try BreakIterator(.word, locale: primary)
    }

    func features(_ sentence: String) throws -> SentenceFeatures {
        var length = 0
        var marks: [Character] = []
        for ch in sentence {
            if ch.isWhitespace { continue }
            length += ch.unicodeScalars.count
            if ch == "?" || ch == "!" || ch == "？" || ch == "！" { marks.append(ch == "？" ? "?" : ch == "！" ? "!" : ch) }
            if ch == "\"" || ch == "«" || ch == "»" || ch == "“" || ch == "”" || ch == "„" { marks.append("\"") }
        }
        var numbers: [String] = []
        var cognates: [String] = []
        let tokens = try words.words(in: sentence)
        for (k, t) in tokens.enumerated() {
            switch t.kind {
            case .number:
                numbers.append(FeatureExtractor.normaliseNumber(t.text))
            case .letter:
                let capitalised = t.text.first?.isUppercase ?? false
                guard t.text.count >= 3 else { continue }
                let ascii = try transliterator?.apply(t.text) ?? t.text.lowercased()
                let sk = FeatureExtractor.skeleton(ascii)
                // Short skeletons collide by chance: keep them for names only (not the first word).
                if sk.count >= 4 || (sk.count == 3 && capitalised && k > 0) { cognates.append(sk) }
            default:
                continue
            }
        }
        return SentenceFeatures(length: length, numbers: numbers, cognates: cognates, marks: marks)
    }

    /// "1,800" → "1800", "1 800" → "1800", "3,14" → "3.14", "24.05.2015" stays.
    static func normaliseNumber(_ s: String) -> String {
        let digitsAndSeps = s.filter { !$0.isWhitespace && $0 != "\u{A0}" && $0 != "\u{202F}" }
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
