/// What decided one candidate boundary: the answer `tmkit segment --explain` gives.
public struct BoundaryExplanation: Sendable, Equatable {
    /// Offset of the candidate in Unicode scalars from the start of the input (where the text
    /// after the boundary starts, white space skipped).
    public var offset: Int
    /// Whether a sentence ends here.
    public var isBreak: Bool
    /// A short name of the rule that decided: "paragraph", "abbreviation", "initial", "starter", ….
    public var rule: String
    /// The decision in words, naming the abbreviation, word or statistic.
    public var reason: String
    /// Up to 30 characters before the candidate, on one line.
    public var before: String
    /// Up to 30 characters after the candidate (white space skipped), on one line.
    public var after: String
}

/// Why a candidate boundary stands or goes (internal: cheap to make at every candidate).
enum Why {
    case paragraph, listItem, glued, icu, srx
    case endOfText
    case markerOnly
    case quotedBeforeLowerCase
    case lowerCaseContinues(next: Substring)
    case questionBeforeLowerCase(next: Substring)
    case exclamationBeforeLowerCase(next: Substring)
    case exclamationInName(word: Substring)
    case wordBeforeLowerCase(word: Substring, next: Substring)
    case dialogueDash
    case cjkBracket
    case terminal(Unicode.Scalar)
    case noSpaceAfterPeriod
    case spacedEllipsis(dots: Int)
    case ellipsis
    case omission
    case domain(word: Substring)
    case initial(word: Substring, next: NextWord)
    case afterNumber(word: Substring, next: NextWord)
    case datePhraseOnly(word: Substring)
    case abbreviation(word: Substring, kind: LanguageRules.AbbreviationKind, learnt: Bool, next: NextWord)
    case ordinal(word: Substring)
    case dotted(word: Substring, next: NextWord)
    case plainWord(word: Substring)

    /// What the word after the candidate is, as far as the decision cared.
    enum NextWord {
        case digit
        case initial
        case opener
        case listedStarter(Substring)
        case learntStarter(Substring, ratio: Double, opened: Int)
        case capitalisedWord(Substring, lower: Int, capital: Int)
        case prefixAbbreviation(Substring)
        case zoneOrBracket(Substring)
        case other(Substring)

        var describe: String {
            switch self {
            case .digit: return "a number follows"
            case .initial: return "an initial follows"
            case .opener: return "an opening quote or bracket follows"
            case .listedStarter(let w): return "\"\(w)\" is in the list of words that open sentences"
            case .learntStarter(let w, let r, let n):
                return "\"\(w)\" opens sentences \(Self.format(r))× as often as an average word (\(n) sentences of the training text)"
            case .capitalisedWord(let w, let l, let c):
                return "\"\(w)\" is an ordinary lower-case word capitalised here (\(l) lower-case, \(c) capitalised uses inside sentences of the training text)"
            case .prefixAbbreviation(let w): return "\"\(w).\" is a title that opens a name"
            case .zoneOrBracket(let w): return "\"\(w)\" continues the time (a zone or a bracket)"
            case .other(let w): return w.isEmpty ? "nothing marks a new sentence" : "\"\(w)\" does not mark a new sentence"
            }
        }

        static func format(_ r: Double) -> String {
            let tenths = Int((r * 10).rounded())
            return "\(tenths / 10).\(tenths % 10)"
        }
    }

    var rule: String {
        switch self {
        case .paragraph: return "paragraph"
        case .listItem: return "list-item"
        case .glued: return "glued-sentence"
        case .icu: return "icu"
        case .srx: return "srx"
        case .endOfText: return "end-of-text"
        case .markerOnly: return "marker-only"
        case .quotedBeforeLowerCase: return "quotation"
        case .lowerCaseContinues: return "lower-case"
        case .questionBeforeLowerCase, .exclamationBeforeLowerCase: return "informal-start"
        case .exclamationInName: return "name-with-exclamation"
        case .wordBeforeLowerCase: return "informal-start"
        case .dialogueDash: return "dialogue-dash"
        case .cjkBracket: return "cjk-bracket"
        case .terminal: return "terminal"
        case .noSpaceAfterPeriod: return "no-space"
        case .spacedEllipsis, .ellipsis: return "ellipsis"
        case .omission: return "omission"
        case .domain: return "domain"
        case .initial: return "initial"
        case .afterNumber: return "after-number"
        case .datePhraseOnly: return "date-phrase"
        case .abbreviation(_, _, let learnt, _): return learnt ? "learnt-abbreviation" : "abbreviation"
        case .ordinal: return "ordinal"
        case .dotted: return "dotted-abbreviation"
        case .plainWord: return "sentence-end"
        }
    }

    func reason(isBreak: Bool) -> String {
        switch self {
        case .paragraph: return "a blank line, or a line that stands alone (heading, line of a block without sentence punctuation)"
        case .listItem: return "a list item starts"
        case .glued: return "a sentence end with no space before a capitalised word"
        case .icu: return "ICU's sentence iterator breaks here"
        case .srx: return "a break rule of the SRX file matches and no exception does"
        case .endOfText: return "the end of the text"
        case .markerOnly: return "what comes before is only punctuation or a list number: it joins the sentence after it"
        case .quotedBeforeLowerCase: return "a quotation or bracket closes and a lower-case word follows: the sentence goes on"
        case .lowerCaseContinues(let n): return "\"\(n)\" is lower case: the sentence goes on"
        case .questionBeforeLowerCase(let n):
            return "a question mark before lower-case \"\(n)\": informal text starts sentences in lower case"
        case .exclamationBeforeLowerCase(let n):
            return "an exclamation mark before lower-case \"\(n)\": informal text starts sentences in lower case"
        case .exclamationInName(let w): return "\"\(w)!\" is a capitalised name inside the sentence (Yahoo!)"
        case .wordBeforeLowerCase(let w, let n):
            return "\"\(w).\" is a word, not an abbreviation, and lower-case \"\(n)\" starts the next sentence (informal text)"
        case .dialogueDash: return "a dash after the punctuation continues the quoted speech"
        case .cjkBracket: return "inside a Chinese or Japanese bracket or title"
        case .terminal(let s): return "\"\(s)\" ends the sentence"
        case .noSpaceAfterPeriod: return "no space after the period (a number or a name such as 3.14)"
        case .spacedEllipsis(let d): return d == 3 ? "an ellipsis written \". . .\" inside the sentence" : "a spaced ellipsis and a period"
        case .ellipsis: return "an ellipsis ends the sentence"
        case .omission: return "\"[...]\" marks an omission inside a quotation"
        case .domain(let w): return "\"\(w)\" is a domain or file name; the period after it ends the sentence"
        case .initial(let w, let n): return "\"\(w).\" is an initial; \(n.describe)"
        case .afterNumber(let w, let n):
            if isBreak, case .other(let next) = n, !next.isEmpty { return "\"\(w).\" after a number usually ends its sentence; capitalised \"\(next)\" follows" }
            return "\"\(w).\" after a number usually ends its sentence; \(n.describe)"
        case .datePhraseOnly(let w): return "the sentence so far is only a date or time phrase ending in \"\(w).\""
        case .abbreviation(let w, let kind, let learnt, let n):
            let k: String
            switch kind {
            case .prefix: k = "a title or word that never ends a sentence"
            case .beforeNumber: k = "an abbreviation used before numbers"
            case .general: k = learnt ? "an abbreviation learnt from the training text" : "an abbreviation"
            case .final: k = "an abbreviation that closes a list and usually its sentence"
            }
            if kind == .final, case .other(let next) = n, !next.isEmpty { return "\"\(w).\" is \(k); capitalised \"\(next)\" follows" }
            return "\"\(w).\" is \(k); \(n.describe)"
        case .ordinal(let w): return "\"\(w).\" is an ordinal number"
        case .dotted(let w, let n): return "\"\(w).\" is an abbreviation written with periods; \(n.describe)"
        case .plainWord(let w): return w.isEmpty ? "the period ends the sentence" : "\"\(w).\" is not an abbreviation: the period ends the sentence"
        }
    }
}
