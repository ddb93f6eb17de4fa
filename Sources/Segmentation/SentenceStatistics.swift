/// What tmkit learnt about a language's sentences from running text (Punkt-style, offline, by
/// `Scripts/train_segmentation.py`): which words open sentences, which are ordinary lower-case
/// words, and abbreviations seen before lower-case words.
///
/// The segmenter asks it at ICU's candidate boundaries that its rules leave open: after an
/// abbreviation, is the next word one that opens sentences; before a lower-case word, was the
/// word before the period a word or an abbreviation.
struct SentenceStatistics: Sendable {
    struct Counts: Sendable {
        /// Sentences of the training text the word opens.
        var initial: Int
        /// Uses inside a sentence in lower case.
        var lowerInside: Int
        /// Uses inside a sentence capitalised.
        var capitalInside: Int
        var total: Int { initial + lowerInside + capitalInside }
    }

    let language: String
    let sentences: Int
    let words: [String: Counts]
    let abbreviations: Set<String>
    private let maxAbbreviationBytes: Int
    /// The share of all word uses that open a sentence: the baseline a starter is measured against.
    let baseline: Double

    init(language: String, sentences: Int, table: String, abbreviations: String) {
        self.language = language
        self.sentences = sentences
        var words: [String: Counts] = [:]
        words.reserveCapacity(6000)
        var uses = 0
        // Rows of "word<TAB>n<TAB>n<TAB>n", read byte by byte (this runs once a process).
        var fields: [Int] = []
        var word = ""
        var number = 0
        var start = table.utf8.startIndex
        var i = start
        let utf8 = table.utf8
        while i < utf8.endIndex {
            let b = utf8[i]
            if b == 0x09 || b == 0x0A {
                if word.isEmpty { word = String(table[start..<i]) } else { fields.append(number) }
                number = 0
                if b == 0x0A {
                    if fields.count == 3 {
                        words[word] = Counts(initial: fields[0], lowerInside: fields[1], capitalInside: fields[2])
                        uses += fields[0] + fields[1] + fields[2]
                    }
                    fields.removeAll(keepingCapacity: true)
                    word = ""
                }
                start = utf8.index(after: i)
            } else if !word.isEmpty, b >= 0x30, b <= 0x39 {
                number = number * 10 + Int(b - 0x30)
            }
            i = utf8.index(after: i)
        }
        if !word.isEmpty {
            fields.append(number)
            if fields.count == 3 {
                words[word] = Counts(initial: fields[0], lowerInside: fields[1], capitalInside: fields[2])
                uses += fields[0] + fields[1] + fields[2]
            }
        }
        self.words = words
        self.abbreviations = Set(abbreviations.split(separator: " ").map(String.init))
        maxAbbreviationBytes = self.abbreviations.map(\.utf8.count).max() ?? 0
        baseline = uses > 0 ? Double(sentences) / Double(uses) : 0
    }

    /// The statistics for a primary language tag, or nil when none were trained. Each
    /// language's table is read on first use (a process segmenting English reads only English).
    static func forLanguage(_ language: String) -> SentenceStatistics? {
        switch language {
        case "en": return en
        case "ru": return ru
        case "de": return de
        case "fr": return fr
        case "es": return es
        default: return nil
        }
    }

    private static let en = load("en")
    private static let ru = load("ru")
    private static let de = load("de")
    private static let fr = load("fr")
    private static let es = load("es")

    private static func load(_ lang: String) -> SentenceStatistics? {
        guard let t = trained[lang] else { return nil }
        return SentenceStatistics(language: lang, sentences: t.sentences, table: t.words, abbreviations: t.abbreviations)
    }

    func counts(_ word: Substring) -> Counts? {
        words[word.lowercased()]
    }

    /// How many times more often than an average word a word with these counts opens a
    /// sentence; nil when it was seen too rarely to tell.
    func starterRatio(_ c: Counts) -> Double? {
        guard c.total >= 8, baseline > 0 else { return nil }
        return Double(c.initial) / Double(c.total) / baseline
    }

    /// A word that opens sentences at least three times as often as an average word does, and
    /// opened at least five.
    func isStarter(_ c: Counts) -> Bool {
        guard let ratio = starterRatio(c) else { return false }
        return c.initial >= 5 && ratio >= 3
    }

    func isStarter(_ word: Substring) -> Bool { counts(word).map(isStarter) ?? false }

    /// An ordinary word, written in lower case inside sentences (so not a name and not an
    /// abbreviation): capitalised, it marks a sentence start.
    func isLowerCaseWord(_ c: Counts) -> Bool {
        c.lowerInside >= 3 && c.lowerInside >= 9 * c.capitalInside
    }

    func isLowerCaseWord(_ word: Substring) -> Bool { counts(word).map(isLowerCaseWord) ?? false }

    func isAbbreviation(_ word: Substring) -> Bool {
        word.utf8.count <= maxAbbreviationBytes && abbreviations.contains(word.lowercased())
    }
}
