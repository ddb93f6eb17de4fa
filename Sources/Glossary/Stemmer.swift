/// Stemmers that reduce inflected words to a common stem, so that "sorties" finds "sortie" and
/// «Исламского государства» finds «Исламское государство». The English and Russian ones follow
/// the published Snowball algorithms (Porter2 for English); other languages get a light
/// suffix-free key (the lower-cased word).
public protocol Stemmer: Sendable {
    func stem(_ word: String) -> String
}

public enum Stemmers {
    /// The stemmer for a BCP 47 language.
    public static func forLanguage(_ tag: String) -> any Stemmer {
        switch tag.split(separator: "-").first.map({ $0.lowercased() }) ?? "" {
        case "en": EnglishStemmer()
        case "ru": RussianStemmer()
        default: IdentityStemmer()
        }
    }
}

public struct IdentityStemmer: Stemmer {
    public init() {}
    public func stem(_ word: String) -> String { word }
}

// MARK: English (Porter2)

public struct EnglishStemmer: Stemmer {
    public init() {}

    static let exceptions: [String: String] = [
        "skis": "ski", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie", "idly": "idl", "gently": "gentl",
        "ugly": "ugli", "early": "earli", "only": "onli", "singly": "singl", "sky": "sky", "news": "news", "howe": "howe",
        "atlas": "atlas", "cosmos": "cosmos", "bias": "bias", "andes": "andes",
    ]
    static let after1a: Set<String> = ["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"]

    @inline(__always) static func isVowel(_ c: Character) -> Bool { "aeiouy".contains(c) }

    public func stem(_ input: String) -> String {
        var w = Array(input.lowercased().replacingOccurrences(of: "’", with: "'"))
        if w.count <= 2 { return String(w) }
        if let e = EnglishStemmer.exceptions[String(w)] { return e }
        if w.first == "'" { w.removeFirst() }
        // Y for consonant y.
        for i in w.indices where w[i] == "y" && (i == 0 || EnglishStemmer.isVowel(w[i - 1])) { w[i] = "Y" }
        func vowel(_ i: Int) -> Bool { i >= 0 && i < w.count && EnglishStemmer.isVowel(w[i]) }
        func region(after start: Int) -> Int {
            var i = start
            while i + 1 < w.count { if vowel(i) && !vowel(i + 1) { return i + 2 }; i += 1 }
            return w.count
        }
        let s = String(w)
        var r1: Int
        if s.hasPrefix("gener") || s.hasPrefix("arsen") { r1 = 5 } else if s.hasPrefix("commun") { r1 = 6 } else { r1 = region(after: 0) }
        var r2 = region(after: r1)
        func ends(_ suf: String) -> Bool { w.count >= suf.count && String(w.suffix(suf.count)) == suf }
        func replace(_ suf: String, _ with: String) { w.removeLast(suf.count); w.append(contentsOf: with) }
        func inR(_ r: Int, _ suf: String) -> Bool { w.count - suf.count >= r }
        func shortSyllableAt(_ end: Int) -> Bool { // syllable ending at index end (exclusive)
            if end == 2 { return vowel(0) && !vowel(1) }
            guard end >= 3 else { return false }
            let c = w[end - 1]
            return !vowel(end - 3) && vowel(end - 2) && !vowel(end - 1) && c != "w" && c != "x" && c != "Y"
        }
        func isShort() -> Bool { r1 >= w.count && shortSyllableAt(w.count) }

        // Step 0
        for suf in ["'s'", "'s", "'"] where ends(suf) { w.removeLast(suf.count); break }
        // Step 1a
        if ends("sses") { replace("sses", "ss") }
        else if ends("ied") || ends("ies") { replace(String(w.suffix(3)), w.count > 4 ? "i" : "ie") }
        else if ends("us") || ends("ss") {}
        else if ends("s") {
            let stemPart = w.dropLast()
            if stemPart.dropLast().contains(where: EnglishStemmer.isVowel) { w.removeLast() }
        }
        if EnglishStemmer.after1a.contains(String(w)) { return String(w) }
        // Step 1b
        if let suf = ["eedly", "eed"].first(where: ends) {
            if inR(r1, suf) { replace(suf, "ee") }
        } else if let suf = ["ingly", "edly", "ing", "ed"].first(where: ends), w.dropLast(suf.count).contains(where: EnglishStemmer.isVowel) {
            w.removeLast(suf.count)
            if ends("at") || ends("bl") || ends("iz") { w.append("e") }
            else if ["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"].contains(where: ends) { w.removeLast() }
            else if isShort() { w.append("e") }
        }
        // Step 1c
        if (ends("y") || ends("Y")), w.count > 2, !vowel(w.count - 2) { w[w.count - 1] = "i" }
        // Step 2
        let step2: [(String, String)] = [("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("abli", "able"),
            ("entli", "ent"), ("ization", "ize"), ("izer", "ize"), ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("aliti", "al"),
            ("alli", "al"), ("fulness", "ful"), ("ousli", "ous"), ("ousness", "ous"), ("iveness", "ive"), ("iviti", "ive"),
            ("biliti", "ble"), ("bli", "ble"), ("fulli", "ful"), ("lessli", "less"), ("ogi", "og"), ("li", "")]
        if let (suf, rep) = step2.filter({ ends($0.0) }).max(by: { $0.0.count < $1.0.count }), inR(r1, suf) {
            if suf == "ogi" { if w.count > 3 && w[w.count - 4] == "l" { replace(suf, rep) } }
            else if suf == "li" { if w.count > 2 && "cdeghkmnrt".contains(w[w.count - 3]) { replace(suf, rep) } }
            else { replace(suf, rep) }
        }
        // Step 3
        let step3: [(String, String)] = [("ational", "ate"), ("tional", "tion"), ("alize", "al"), ("icate", "ic"), ("iciti", "ic"),
                                         ("ical", "ic"), ("ful", ""), ("ness", ""), ("ative", "")]
        if let (suf, rep) = step3.filter({ ends($0.0) }).max(by: { $0.0.count < $1.0.count }), inR(r1, suf) {
            if suf == "ative" { if inR(r2, suf) { replace(suf, rep) } } else { replace(suf, rep) }
        }
        // Step 4
        let step4 = ["ement", "ment", "ance", "ence", "able", "ible", "ant", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion", "al", "er", "ic"]
        if let suf = step4.filter(ends).max(by: { $0.count < $1.count }), inR(r2, suf) {
            if suf == "ion" { if w.count > 3 && (w[w.count - 4] == "s" || w[w.count - 4] == "t") { w.removeLast(3) } }
            else { w.removeLast(suf.count) }
        }
        // Step 5
        r2 = min(r2, w.count)
        r1 = min(r1, w.count)
        if ends("e") {
            if inR(r2, "e") || (inR(r1, "e") && !shortSyllableAt(w.count - 1)) { w.removeLast() }
        } else if ends("ll"), inR(r2, "l") {
            w.removeLast()
        }
        return String(w).replacingOccurrences(of: "Y", with: "y")
    }
}

// MARK: Russian (Snowball)

public struct RussianStemmer: Stemmer {
    public init() {}

    static let vowels: Set<Character> = ["а", "е", "и", "о", "у", "ы", "э", "ю", "я"]
    static let perfectiveGerund1 = ["вшись", "вши", "в"]
    static let perfectiveGerund2 = ["ившись", "ывшись", "ивши", "ывши", "ив", "ыв"]
    static let adjective = ["ими", "ыми", "его", "ого", "ему", "ому", "ее", "ие", "ые", "ое", "ей", "ий", "ый", "ой", "ем", "им", "ым",
                            "ом", "их", "ых", "ую", "юю", "ая", "яя", "ою", "ею"]
    static let participle1 = ["ем", "нн", "вш", "ющ", "щ"]
    static let participle2 = ["ивш", "ывш", "ующ"]
    static let reflexive = ["ся", "сь"]
    static let verb1 = ["ете", "йте", "ешь", "нно", "ла", "на", "ли", "ем", "ло", "но", "ет", "ют", "ны", "ть", "й", "л", "н"]
    static let verb2 = ["ейте", "уйте", "ила", "ыла", "ена", "ите", "или", "ыли", "ило", "ыло", "ено", "ует", "уют", "ены", "ить", "ыть",
                        "ишь", "ей", "уй", "ил", "ыл", "им", "ым", "ен", "ят", "ит", "ыт", "ую", "ю"]
    static let noun = ["иями", "ями", "ами", "иях", "ией", "иям", "ием", "ев", "ов", "ие", "ье", "еи", "ии", "ей", "ой", "ий", "ям", "ем",
                       "ам", "ом", "ах", "ях", "ию", "ью", "ия", "ья", "а", "е", "и", "й", "о", "у", "ы", "ь", "ю", "я"]

    public func stem(_ input: String) -> String {
        var w = Array(input.lowercased().replacingOccurrences(of: "ё", with: "е"))
        let V = RussianStemmer.vowels
        guard let firstVowel = w.firstIndex(where: { V.contains($0) }) else { return String(w) }
        let rv = firstVowel + 1
        func region(after start: Int) -> Int {
            var i = start
            while i + 1 < w.count { if V.contains(w[i]) && !V.contains(w[i + 1]) { return i + 2 }; i += 1 }
            return w.count
        }
        let r1 = region(after: 0)
        let r2 = region(after: r1)
        func endsInRV(_ suf: String) -> Bool { w.count - suf.count >= rv && String(w.suffix(suf.count)) == suf }
        /// Removes the longest suffix of `list` found in RV; for group-1 lists it must follow а or я.
        func remove(_ list: [String], precededByAYa: Bool = false) -> Bool {
            for suf in list.sorted(by: { $0.count > $1.count }) where endsInRV(suf) {
                if precededByAYa {
                    let k = w.count - suf.count - 1
                    guard k >= rv, w[k] == "а" || w[k] == "я" else { continue }
                }
                w.removeLast(suf.count)
                return true
            }
            return false
        }
        // Step 1
        if !(remove(RussianStemmer.perfectiveGerund1, precededByAYa: true) || remove(RussianStemmer.perfectiveGerund2)) {
            _ = remove(RussianStemmer.reflexive)
            if remove(RussianStemmer.adjective) {
                _ = remove(RussianStemmer.participle1, precededByAYa: true) || remove(RussianStemmer.participle2)
            } else if !(remove(RussianStemmer.verb1, precededByAYa: true) || remove(RussianStemmer.verb2)) {
                _ = remove(RussianStemmer.noun)
            }
        }
        // Step 2
        if endsInRV("и") { w.removeLast() }
        // Step 3: derivational endings in R2
        for suf in ["ость", "ост"] where w.count - suf.count >= r2 && String(w.suffix(suf.count)) == suf {
            w.removeLast(suf.count)
            break
        }
        // Step 4
        if endsInRV("нн") { w.removeLast() }
        else if endsInRV("ейше") || endsInRV("ейш") {
            w.removeLast(endsInRV("ейше") ? 4 : 3)
            if endsInRV("нн") { w.removeLast() }
        } else if endsInRV("ь") { w.removeLast() }
        return String(w)
    }
}
