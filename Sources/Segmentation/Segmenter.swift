import ICUText

/// A sentence of a text, with where it came from.
public struct Segment: Sendable, Equatable {
    /// The sentence: trimmed, normalised, line breaks inside it joined into one space.
    public var text: String
    /// Offset of the first character in Unicode scalars from the start of the input.
    public var start: Int
    /// Offset just past the last character (exclusive), in Unicode scalars.
    public var end: Int
    /// The same span in UTF-8 bytes of the input.
    public var utf8Range: Range<Int>
    /// 0-based number of the paragraph (blank-line separated block) the segment is in.
    public var paragraph: Int

    public init(text: String, start: Int, end: Int, utf8Range: Range<Int>, paragraph: Int = 0) {
        self.text = text
        self.start = start
        self.end = end
        self.utf8Range = utf8Range
        self.paragraph = paragraph
    }
}

/// Splits text into sentences: ICU's sentence iterator with tmkit's language rules on top,
/// or the rules of an SRX file, or ICU's rules alone.
///
/// Paragraphs (blank lines) and list or heading lines always close a segment; inside a
/// paragraph a single line break counts as a space. An instance holds an ICU iterator:
/// reuse it for many texts, one instance per thread.
///
/// ```swift
/// let segmenter = try SentenceSegmenter(language: "en")
/// let sentences = try segmenter.segment("Mr. Smith went to Washington. He arrived at 5 p.m.")
/// // ["Mr. Smith went to Washington.", "He arrived at 5 p.m."]
/// ```
public final class SentenceSegmenter {
    /// Which rules decide where sentences end.
    public enum Mode {
        /// ICU's iterator refined by tmkit's data for the language (the default).
        case tmkit
        /// ICU's sentence iterator alone (with its abbreviation suppressions where it has them).
        case icu
        /// The break and no-break rules of an SRX file for the language.
        case srx(SRXRules)
    }

    public let language: String
    public let rules: LanguageRules
    /// Whether tmkit has rules for the language (false: ICU's root rules are used).
    public let hasLanguageRules: Bool
    public let mode: Mode
    /// Normalization applied to each segment's text, or nil to keep it as read.
    public let normalization: NormalizationForm?
    private let iterator: BreakIterator?

    public init(language: String, mode: Mode = .tmkit, normalization: NormalizationForm? = .nfc) throws {
        self.language = language
        let known = LanguageRules.forLanguage(language)
        hasLanguageRules = known != nil
        rules = known ?? .root(language: language)
        self.mode = mode
        self.normalization = normalization
        switch mode {
        // ICU's suppression lists are thin and sometimes wrong (German "dar." suppresses a
        // break): tmkit's own data replaces them, so its mode starts from the plain rules.
        case .tmkit: iterator = try BreakIterator(.sentence, locale: rules.language)
        case .icu: iterator = try BreakIterator(.sentence, locale: rules.icuLocale)
        case .srx: iterator = nil
        }
    }

    /// The sentences of `text`.
    public func segment(_ text: String) throws -> [Segment] {
        var copy = text
        return try copy.withUTF8 { buf in
            let spans = try sentenceSpans(utf8: buf)
            return try makeSegments(spans, in: UTF8Text(bytes: buf))
        }
    }

    /// Byte ranges of the sentences of the UTF-8 text, trimmed of white space.
    public func sentenceSpans(utf8 buf: UnsafeBufferPointer<UInt8>) throws -> [Range<Int>] {
        try sentenceSpans(utf8: buf, recording: nil)
    }

    /// Every candidate boundary of `text` (ICU's, the paragraph and list breaks, tmkit's own)
    /// with whether a sentence ends there and what decided it.
    public func explain(_ text: String) throws -> [BoundaryExplanation] {
        var copy = text
        return try copy.withUTF8 { buf in
            var log: [(Int, Bool, Why)] = []
            _ = try sentenceSpans(utf8: buf, recording: { log.append(($0, $1, $2)) })
            let t = UTF8Text(bytes: buf)
            var scalarAt = 0, byteAt = 0
            return log.map { offset, isBreak, why in
                while byteAt < offset { if buf[byteAt] & 0xC0 != 0x80 { scalarAt += 1 }; byteAt += 1 }
                return BoundaryExplanation(offset: scalarAt, isBreak: isBreak, rule: why.rule,
                                           reason: why.reason(isBreak: isBreak),
                                           before: context(t, before: offset), after: context(t, after: offset))
            }
        }
    }

    private func context(_ t: UTF8Text, before i: Int) -> String {
        var s = i, n = 0
        while s > 0, n < 30 { s = t.scalar(before: s).1; n += 1 }
        let from = t.skipSpace(from: s, limit: i)
        return oneLine(t.string(from..<t.trimSpace(before: i, floor: from)))
    }

    private func context(_ t: UTF8Text, after i: Int) -> String {
        var e = t.skipSpace(from: i), n = 0
        let start = e
        while e < t.count, n < 30 { e += t.scalar(at: e).1; n += 1 }
        return oneLine(t.string(start..<e))
    }

    private func oneLine(_ s: Substring) -> String {
        String(s.map { $0.isNewline ? " " : $0 })
    }

    typealias Recorder = (Int, Bool, Why) -> Void

    private func sentenceSpans(utf8 buf: UnsafeBufferPointer<UInt8>, recording: Recorder?) throws -> [Range<Int>] {
        let text = UTF8Text(bytes: buf)
        let layout = LineLayout(text: text)
        // ICU sees the text with line breaks turned into spaces (same byte length), so that
        // a line break inside a paragraph does not end a sentence; paragraph and list
        // breaks come back as hard boundaries.
        var work = Array(buf)
        for i in layout.lineBreakBytes { work[i] = 0x20 }
        return try work.withUnsafeBufferPointer { wbuf in
            let wtext = UTF8Text(bytes: wbuf)
            var candidates: [Candidate] = layout.hardBreaks.map { Candidate(offset: $0, hard: true, source: .paragraph) }
            switch mode {
            case .icu:
                try iterator!.forEachBoundary(in: wbuf) { b, _ in candidates.append(Candidate(offset: b, hard: true, source: .icu)) }
            case .srx(let srx):
                for b in try srx.breaks(in: wbuf) { candidates.append(Candidate(offset: b, hard: true, source: .srx)) }
            case .tmkit:
                try iterator!.forEachBoundary(in: wbuf) { b, _ in candidates.append(Candidate(offset: b, hard: false, source: .icu)) }
                for b in layout.units { candidates += listItemBreaks(in: wtext, unit: b) }
                candidates += glueBreaks(in: wtext)
                candidates += lowerCaseBreaks(in: wtext)
            }
            candidates.sort { $0.offset != $1.offset ? $0.offset < $1.offset : ($0.hard && !$1.hard) }
            return resolve(candidates, in: wtext, recording: recording)
        }
    }

    struct Candidate {
        var offset: Int
        /// A hard boundary is never merged away.
        var hard: Bool
        /// Where it came from (for --explain).
        var source: Source

        enum Source: UInt8 {
            case icu, paragraph, listItem, glued, srx

            var why: Why {
                switch self {
                case .icu: return .icu
                case .paragraph: return .paragraph
                case .listItem: return .listItem
                case .glued: return .glued
                case .srx: return .srx
                }
            }
        }
    }

    // MARK: Deciding each boundary

    private func resolve(_ candidates: [Candidate], in text: UTF8Text, recording: Recorder?) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var segStart = text.skipSpace(from: 0)
        var lastOffset = -1
        var i = 0
        while i < candidates.count {
            let c = candidates[i]
            i += 1
            if c.offset == lastOffset || c.offset <= segStart { continue }
            lastOffset = c.offset
            if c.offset >= text.count { break }
            let e = text.trimSpace(before: c.offset, floor: segStart)
            if e <= segStart { continue }
            let next = text.skipSpace(from: c.offset)
            if !c.hard, case .tmkit = mode {
                let (decision, why) = decide(segStart: segStart, end: e, next: next, in: text)
                switch decision {
                case .merge:
                    recording?(c.offset, false, why)
                    continue
                case .split:
                    recording?(c.offset, true, why)
                case .splitAt(let at):
                    recording?(at, true, why)
                    spans.append(segStart..<at)
                    segStart = text.skipSpace(from: at)
                    continue
                }
            } else {
                recording?(c.offset, true, c.source.why)
            }
            spans.append(segStart..<e)
            segStart = next
        }
        let e = text.trimSpace(before: text.count, floor: segStart)
        if e > segStart { spans.append(segStart..<e) }
        return mergingPunctuationOnly(spans, in: text)
    }

    /// A trailing piece without letters or digits ("/ [...] \".") belongs to the sentence
    /// before it when no line break separates them.
    private func mergingPunctuationOnly(_ spans: [Range<Int>], in text: UTF8Text) -> [Range<Int>] {
        guard case .tmkit = mode, spans.count > 1 else { return spans }
        var out: [Range<Int>] = []
        out.reserveCapacity(spans.count)
        for r in spans {
            if let prev = out.last, !containsLetterOrDigit(r, in: text),
               !text.bytes[prev.upperBound..<r.lowerBound].contains(where: { $0 == 0x0A || $0 == 0x0D }),
               !isBulletStart(r, in: text) {
                out[out.count - 1] = prev.lowerBound..<r.upperBound
            } else {
                out.append(r)
            }
        }
        return out
    }

    private func isBulletStart(_ r: Range<Int>, in text: UTF8Text) -> Bool {
        text.scalar(at: r.lowerBound).0.isBullet
    }

    private func containsLetterOrDigit(_ r: Range<Int>, in text: UTF8Text) -> Bool {
        var i = r.lowerBound
        while i < r.upperBound {
            let (s, n) = text.scalar(at: i)
            if s.isLetter || s.isDigit { return true }
            i += n
        }
        return false
    }

    enum Decision { case merge, split, splitAt(Int) }

    /// Whether the ICU boundary between `segStart..<end` and the text at `next` stands, and why.
    private func decide(segStart: Int, end: Int, next: Int, in text: UTF8Text) -> (Decision, Why) {
        if next >= text.count { return (.split, .endOfText) }
        // A segment that is only punctuation or only a list marker joins what follows.
        if isMarkerOnly(segStart..<end, in: text) { return (.merge, .markerOnly) }
        let (nextScalar, _) = text.scalar(at: next)
        // Find the final punctuation before closing quotes and brackets.
        var t = end
        while t > segStart {
            let (s, st) = text.scalar(before: t)
            if !s.isCloser { break }
            t = st
        }
        guard t > segStart else { return (.split, .terminal(text.scalar(before: end).0)) }
        let (terminal, termStart) = text.scalar(before: t)
        let nextToken = text.string(next..<text.tokenEnd(startingAt: next))
        let nextWord = leadingWord(nextToken)

        // A lower-case word after the break: the sentence goes on ("Yahoo! in the", "e.g. the",
        // "\"This is great.\" she said"), unless informal text starts its sentences in lower case
        // ("where did you grow up? india?", "call them. they haven't").
        if let f = nextWord.unicodeScalars.first, f.isLower, nextToken.unicodeScalars.first.map({ !$0.isOpener }) ?? true {
            if t < end { return (.merge, .quotedBeforeLowerCase) }
            // "search?q=…", "Yahoo!mail": no space, no sentence end.
            if next == end { return (.merge, .lowerCaseContinues(next: nextWord)) }
            return lowerCaseNext(terminal: terminal, termStart: termStart, segStart: segStart, nextWord: nextWord, in: text)
        }
        // Russian dialogue: "? – спросила мама. – Завтра".
        if rules.dashContinuesSentence, nextScalar.isDash, t == end { return (.merge, .dialogueDash) }

        // A CJK title in 《》 or a quotation in 「」 does not end at its own punctuation.
        if terminal.value >= 0x3000, hasUnclosedCJKBracket(segStart..<end, in: text) { return (.merge, .cjkBracket) }

        guard terminal == "." else { return (.split, .terminal(terminal)) }
        // No space after the period: "1.Helado", "3.14"; where such a break is right
        // ("world.Today") glueBreaks has already made a hard one.
        if next == end { return (.merge, .noSpaceAfterPeriod) }

        // Ellipses written with spaced periods.
        if let d = spacedEllipsis(endingAt: t, floor: segStart, in: text) {
            if d.dots == 3 { return (.merge, .spacedEllipsis(dots: 3)) }
            if d.dots >= 4, !d.spaceBefore { return (.splitAt(d.firstDotEnd), .spacedEllipsis(dots: d.dots)) }
            return (.split, .spacedEllipsis(dots: d.dots))
        }
        if termStart > segStart, text.scalar(before: termStart).0 == "." { // "...." or "..."
            // "[...]" marks an omission inside a quotation, not an end.
            var d = termStart
            while d > segStart, text.bytes[d - 1] == 0x2E { d -= 1 }
            if d > segStart, text.bytes[d - 1] == 0x5B, t < end, text.bytes[t] == 0x5D { return (.merge, .omission) }
            return (.split, .ellipsis)
        }

        let tokStart = text.tokenStart(endingAt: termStart, floor: segStart)
        var word = text.string(tokStart..<termStart)
        while let f = word.unicodeScalars.first, f.isOpener { word = word.dropFirst() }
        guard !word.isEmpty else { return (.split, .plainWord(word: "")) }

        let nextStartsWithDigit = nextScalar.isDigit
        // "на сайте ria.ru. Следите": a domain or file name is not an abbreviation.
        if isDomainOrFileName(word) { return (.split, .domain(word: word)) }

        var scalars = word.unicodeScalars.makeIterator()
        let first = scalars.next()!
        let singleLetter = scalars.next() == nil && first.isLetter
        // "(" after "5 p.m." or a name after an initial: what the next word is, worked out
        // only on the paths that ask (a plain word before the period never does).
        var listed = rules.abbreviation(word)
        let numberStart = rules.endsAfterNumber(word) ? numberBefore(tokStart, floor: segStart, in: text) : nil
        if !singleLetter, listed == nil, numberStart == nil, !(rules.ordinalPeriod && isNumberWord(word)),
           !isDottedAbbreviation(word), rules.statistics?.isAbbreviation(word) != true {
            return (.split, .plainWord(word: word))
        }
        let nextKind = classify(nextToken: nextToken, nextWord: nextWord, nextScalar: nextScalar)
        let nextIsStarter: Bool
        switch nextKind {
        case .listedStarter, .learntStarter, .opener: nextIsStarter = true
        default: nextIsStarter = false
        }
        // An initial ("E. Smith", "В. В. Путин", "им. М. В. Ломоносова") unless a new sentence
        // clearly starts; a capital letter is an initial before it is a one-letter word.
        func asInitial() -> (Decision, Why) {
            if case .initial = nextKind { return (.merge, .initial(word: word, next: nextKind)) }
            return (nextIsStarter ? .split : .merge, .initial(word: word, next: nextKind))
        }
        if singleLetter, first.isUpper, rules.exactAbbreviation(word) == nil { return asInitial() }

        // "в 2015 г. Срок", "at 5 a.m. Officials": after a number these close their clause.
        if let numberStart {
            if case .zoneOrBracket = nextKind { return (.merge, .afterNumber(word: word, next: nextKind)) }
            if nextStartsWithDigit { return (.merge, .afterNumber(word: word, next: .digit)) }
            // "В 1990-х гг. Россия …", "At 5 a.m. Mr. Smith …": only the date so far.
            if wordCount(segStart..<numberStart, in: text) < 2 { return (.merge, .datePhraseOnly(word: word)) }
            return (.split, .afterNumber(word: word, next: nextKind))
        }

        // "т. п.", "и т. д.": an abbreviation written with spaces is looked up whole.
        if singleLetter, let whole = spacedAbbreviation(endingWith: word, at: tokStart, floor: segStart, in: text),
           let kind = rules.abbreviation(whole) {
            word = whole
            listed = kind
        }
        if let kind = listed ?? (rules.statistics?.isAbbreviation(word) == true ? .general : nil) {
            let why = { (n: Why.NextWord) in Why.abbreviation(word: word, kind: kind, learnt: listed == nil, next: n) }
            switch kind {
            case .prefix:
                return (.merge, why(nextKind))
            case .beforeNumber where nextStartsWithDigit:
                return (.merge, why(.digit))
            case .final:
                if nextStartsWithDigit { return (.merge, why(.digit)) }
                if case .initial = nextKind { return (.merge, why(nextKind)) }
                return (.split, why(nextKind))
            case .beforeNumber, .general:
                if nextStartsWithDigit { return (.merge, why(.digit)) }
                if nextIsStarter { return (.split, why(nextKind)) }
                if isUpperDotted(word), rules.abbreviation(nextWord) == .prefix { return (.split, why(.prefixAbbreviation(nextWord))) }
                // "etc. Officials": an ordinary lower-case word, capitalised, opens a sentence
                // (Punkt's orthographic evidence); not after "U.S." ("U.S. Army").
                if kind == .general, !isUpperDotted(word), case .capitalisedWord = nextKind { return (.split, why(nextKind)) }
                return (.merge, why(nextKind))
            }
        }
        if singleLetter { return asInitial() }
        // German ordinals: "am 12. Juni", "im 1. -3. Jahrhundert".
        if rules.ordinalPeriod, isNumberWord(word), !nextIsStarter {
            return (.merge, .ordinal(word: word))
        }
        if isDottedAbbreviation(word) {
            if case .initial = nextKind { return (.merge, .dotted(word: word, next: nextKind)) }
            if nextStartsWithDigit { return (.merge, .dotted(word: word, next: .digit)) }
            if nextIsStarter { return (.split, .dotted(word: word, next: nextKind)) }
            if isUpperDotted(word), rules.abbreviation(nextWord) == .prefix { return (.split, .dotted(word: word, next: .prefixAbbreviation(nextWord))) }
            return (.merge, .dotted(word: word, next: nextKind))
        }
        return (.split, .plainWord(word: word))
    }

    /// "т.п" for the "п" of "т. п.": the single letters with periods before `tokStart` joined
    /// to `word`, when there are any.
    private func spacedAbbreviation(endingWith word: Substring, at tokStart: Int, floor: Int, in text: UTF8Text) -> Substring? {
        var parts: [Substring] = [word]
        var at = tokStart
        while parts.count < 3 {
            let e = text.trimSpace(before: at, floor: floor)
            guard e < at, e > floor, text.bytes[e - 1] == 0x2E else { break }
            let s = text.tokenStart(endingAt: e - 1, floor: floor)
            let piece = text.string(s..<(e - 1))
            guard piece.unicodeScalars.count == 1, piece.unicodeScalars.first!.isLetter else { break }
            parts.insert(piece, at: 0)
            at = s
        }
        guard parts.count > 1 else { return nil }
        // "и т. д." has a word before the letters: try it too.
        let joined = parts.joined(separator: ".")
        let e = text.trimSpace(before: at, floor: floor)
        if e < at, e > floor {
            let s = text.tokenStart(endingAt: e, floor: floor)
            let w = text.string(s..<e)
            if w.unicodeScalars.count <= 2, rules.abbreviation(Substring(w + " " + joined)) != nil { return Substring(w + " " + joined) }
        }
        return Substring(joined)
    }

    /// The decision before a lower-case word.
    private func lowerCaseNext(terminal: Unicode.Scalar, termStart: Int, segStart: Int, nextWord: Substring,
                               in text: UTF8Text) -> (Decision, Why) {
        // The punctuation run ("?!", "!!!") and the word before it.
        var p = termStart
        while p > segStart, text.scalar(before: p).0.isSentenceTerminal { p = text.scalar(before: p).1 }
        let tokStart = text.tokenStart(endingAt: p, floor: segStart)
        var word = text.string(tokStart..<p)
        while let f = word.unicodeScalars.first, f.isOpener { word = word.dropFirst() }
        let before = p > segStart ? text.scalar(before: p).0 : " "
        switch terminal {
        case "?", "？":
            // "E-mail:? john@…" is a form's field, not a question.
            if before.isLetter || before.isDigit || before == " " { return (.split, .questionBeforeLowerCase(next: nextWord)) }
        case "!", "！":
            // "Yahoo! in the …": a capitalised name inside the sentence.
            if let f = word.unicodeScalars.first, f.isUpper, tokStart > segStart { return (.merge, .exclamationInName(word: word)) }
            if before.isLetter || before.isDigit || before == " " { return (.split, .exclamationBeforeLowerCase(next: nextWord)) }
        case ".":
            if p == termStart, isPlainWord(word) { return (.split, .wordBeforeLowerCase(word: word, next: nextWord)) }
        default:
            break
        }
        return (.merge, .lowerCaseContinues(next: nextWord))
    }

    /// A word that a period after cannot be abbreviating: letters only, not listed or learnt as
    /// an abbreviation, and either long with a vowel or a word the statistics know.
    private func isPlainWord(_ word: Substring) -> Bool {
        var letters = 0, vowel = false
        for u in word.unicodeScalars {
            if u.isLetter {
                letters += 1
                if !vowel, Self.vowels.contains(u) { vowel = true }
            } else if u != "'" && u != "’" && u != "-" {
                return false
            }
        }
        guard letters >= 2, rules.abbreviation(word) == nil else { return false }
        if let stats = rules.statistics {
            if stats.isAbbreviation(word) { return false }
            // "so", "you", "it": words the training text writes in lower case inside sentences.
            if let c = stats.counts(word), c.lowerInside >= 2, vowel { return true }
        }
        return letters >= 4 && vowel
    }

    private static let vowels: Set<Unicode.Scalar> = {
        let lower = "aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýœаеёиоуыэюяії"
        return Set(lower.unicodeScalars).union(lower.uppercased().unicodeScalars)
    }()

    /// What the next word tells about a new sentence.
    private func classify(nextToken: Substring, nextWord: Substring, nextScalar: Unicode.Scalar) -> Why.NextWord {
        if nextScalar.isDigit { return .digit }
        if isInitial(nextToken) { return .initial }
        if nextScalar == "(" || nextScalar == "[" { return .zoneOrBracket(nextToken) }
        if nextScalar.isOpener { return .opener }
        if rules.isStarter(nextWord) { return .listedStarter(nextWord) }
        // "EST", "GMT", "МСК": an upper-case code of two to four letters.
        let u = nextWord.unicodeScalars
        if (2...4).contains(u.count), u.allSatisfy(\.isUpper), nextToken.unicodeScalars.count == u.count || !(nextToken.unicodeScalars.dropFirst(u.count).first?.isLetter ?? false) {
            return .zoneOrBracket(nextWord)
        }
        if let stats = rules.statistics, let f = u.first, f.isUpper, let c = stats.counts(nextWord) {
            if stats.isStarter(c), let r = stats.starterRatio(c) { return .learntStarter(nextWord, ratio: r, opened: c.initial) }
            if stats.isLowerCaseWord(c) { return .capitalisedWord(nextWord, lower: c.lowerInside, capital: c.capitalInside) }
        }
        if rules.abbreviation(nextWord) == .prefix { return .prefixAbbreviation(nextWord) }
        return .other(nextWord)
    }

    /// "ria.ru", "sputniknews.com", "report.pdf": lower-case Latin names joined by periods,
    /// the last part of two to four letters and some part of three or more.
    private func isDomainOrFileName(_ word: Substring) -> Bool {
        guard word.utf8.contains(0x2E) else { return false }
        let parts = word.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, let last = parts.last, (2...4).contains(last.count),
              parts.contains(where: { $0.count >= 3 }) else { return false }
        for p in parts {
            guard !p.isEmpty else { return false }
            for u in p.unicodeScalars {
                guard (u >= "a" && u <= "z") || (u >= "0" && u <= "9") || u == "-" else { return false }
            }
        }
        return last.unicodeScalars.allSatisfy { $0 >= "a" && $0 <= "z" }
    }

    /// Where the number just before `tokStart` starts ("2015", "1990-х", "XV", "10:30"), when a
    /// word comes before it ("принят в 2015 г."); nil for no number, or for a date set off by a
    /// comma, which is an apposition or a caption ("Дом, где родился Толстой, 1898 г.").
    private func numberBefore(_ tokStart: Int, floor: Int, in text: UTF8Text) -> Int? {
        let e = text.trimSpace(before: tokStart, floor: floor)
        guard e < tokStart, e > floor else { return nil }
        let s = text.tokenStart(endingAt: e, floor: floor)
        let u = text.string(s..<e).unicodeScalars
        guard let f = u.first, f.isDigit || u.allSatisfy({ "IVXLCDM".unicodeScalars.contains($0) }) else { return nil }
        let b = text.trimSpace(before: s, floor: floor)
        if b > floor, !text.scalar(before: b).0.isLetter { return nil }
        return s
    }

    private func wordCount(_ r: Range<Int>, in text: UTF8Text) -> Int {
        var n = 0, inWord = false, i = r.lowerBound
        while i < r.upperBound {
            let (s, len) = text.scalar(at: i)
            if s.isLetter { if !inWord { n += 1; inWord = true } } else if UTF8Text.isSpace(s) { inWord = false }
            i += len
        }
        return n
    }

    private func hasUnclosedCJKBracket(_ r: Range<Int>, in text: UTF8Text) -> Bool {
        var depth = 0
        var i = r.lowerBound
        while i < r.upperBound {
            let b = text.bytes[i]
            if b == 0xE3 || b == 0xEF {
                let (s, n) = text.scalar(at: i)
                switch s {
                case "《", "「", "『", "〈", "【": depth += 1
                case "》", "」", "』", "〉", "】": depth = max(0, depth - 1)
                default: break
                }
                i += n
            } else {
                i += 1
            }
        }
        return depth > 0
    }

    /// The letters (and apostrophes) at the start of a token, after opening punctuation.
    private func leadingWord(_ token: Substring) -> Substring {
        let u = token.unicodeScalars
        var start = u.startIndex
        while start < u.endIndex, u[start].isOpener || u[start].isBullet { start = u.index(after: start) }
        var end = start
        var lastLetterEnd = start
        while end < u.endIndex {
            let c = u[end]
            if c.isLetter || c.properties.generalCategory == .nonspacingMark {
                end = u.index(after: end)
                lastLetterEnd = end
            } else if c == "'" || c == "’" || c == "-" {
                end = u.index(after: end)
            } else {
                break
            }
        }
        return Substring(u[start..<lastLetterEnd])
    }

    /// "12" or "-3".
    private func isNumberWord(_ word: Substring) -> Bool {
        var u = word.unicodeScalars[...]
        if u.first == "-" { u = u.dropFirst() }
        return !u.isEmpty && u.allSatisfy(\.isDigit)
    }

    /// "И." or "J." : one capital letter and a period.
    private func isInitial(_ token: Substring) -> Bool {
        let u = Array(token.unicodeScalars)
        return u.count >= 2 && u[0].isUpper && u[1] == "." && (u.count == 2 || u[2] == "," || u[2].isUpper)
    }

    /// "U.S", "a.m", "куб.м", "Ph.D": short letter groups joined by periods.
    private func isDottedAbbreviation(_ word: Substring) -> Bool {
        guard word.utf8.contains(0x2E) else { return false }
        let parts = word.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return false }
        return parts.allSatisfy { p in !p.isEmpty && p.count <= 4 && p.allSatisfy(\.isLetter) }
    }

    private func isUpperDotted(_ word: Substring) -> Bool {
        word.contains(".") && word.allSatisfy { $0 == "." || ($0.isLetter && $0.isUppercase) }
    }

    private func isMarkerOnly(_ r: Range<Int>, in text: UTF8Text) -> Bool {
        var letters = 0, digits = 0
        var i = r.lowerBound
        while i < r.upperBound {
            let (s, n) = text.scalar(at: i)
            if s.isDigit { digits += 1 } else if s.isLetter { letters += 1 }
            if letters > 1 { return false }
            i += n
        }
        if letters == 0 && digits == 0 { return true }
        // "1.", "12.)", "a.", "• 9.": an enumerator without text
        let s = text.string(r).filter { !$0.isWhitespace && !$0.unicodeScalars.first!.isBullet }
        guard let last = s.last, last == "." || last == ")" else { return false }
        let core = s.drop { _ in false }.filter { $0 != "." && $0 != ")" && $0 != "(" }
        return !core.isEmpty && (core.allSatisfy(\.isNumber) || (core.count == 1 && core.first!.isLetter && letters == 1 && digits == 0 && s.count <= 3))
    }

    struct SpacedEllipsis { var dots: Int; var spaceBefore: Bool; var firstDotEnd: Int }

    /// ". . ." ending at `t` (the offset after the last period).
    private func spacedEllipsis(endingAt t: Int, floor: Int, in text: UTF8Text) -> SpacedEllipsis? {
        var dots = 0
        var i = t
        var firstDotEnd = t
        while i > floor, text.bytes[i - 1] == 0x2E {
            dots += 1
            firstDotEnd = i
            i -= 1
            if i > floor, text.bytes[i - 1] == 0x20, i - 1 > floor, text.bytes[i - 2] == 0x2E { i -= 1; continue }
            break
        }
        guard dots >= 3, t - i > dots else { return nil } // spaced: more bytes than dots
        let spaceBefore = i > floor && text.bytes[i - 1] == 0x20
        return SpacedEllipsis(dots: dots, spaceBefore: spaceBefore, firstDotEnd: firstDotEnd)
    }

    // MARK: Breaks ICU does not make

    /// "world.Today", "1,000.That": a sentence end without a space before a capitalised word.
    private func glueBreaks(in text: UTF8Text) -> [Candidate] {
        var result: [Candidate] = []
        let bytes = text.bytes
        var i = 1
        let n = bytes.count
        while i < n - 2 {
            let b = bytes[i]
            if b == 0x2E || b == 0x21 || b == 0x3F {
                let prev = bytes[i - 1]
                let prevOK = (prev >= 0x61 && prev <= 0x7A) || (prev >= 0x30 && prev <= 0x39) || prev >= 0x80
                if prevOK, i + 1 < n, bytes[i + 1] != 0x20 {
                    let (a, al) = text.scalar(at: i + 1)
                    if a.isUpper, i + 1 + al < n {
                        let (c, _) = text.scalar(at: i + 1 + al)
                        let (p, _) = text.scalar(before: i)
                        if c.isLower, p.isLower || (p.isDigit && isLongNumber(endingAt: i, in: text)), isPlainWordBefore(i, in: text) {
                            result.append(Candidate(offset: i + 1, hard: true, source: .glued))
                        }
                    }
                }
            }
            i += 1
        }
        return result
    }

    /// ". they", ".) and": ICU never breaks between a period and a lower-case word (UAX #29
    /// SB8); informal text does start sentences so, and the decision sees these places too.
    private func lowerCaseBreaks(in text: UTF8Text) -> [Candidate] {
        var result: [Candidate] = []
        let bytes = text.bytes
        let n = bytes.count
        var i = 1
        while i < n - 2 {
            if bytes[i] == 0x2E, bytes[i - 1] != 0x2E {
                var j = i + 1
                while j < n, bytes[j] == 0x22 || bytes[j] == 0x27 || bytes[j] == 0x29 { j += 1 }
                let space = j
                while j < n, bytes[j] == 0x20 { j += 1 }
                if j > space, j < n, bytes[j] >= 0x61, bytes[j] <= 0x7A || bytes[j] >= 0xC3 {
                    if bytes[j] < 0x80 || text.scalar(at: j).0.isLower {
                        result.append(Candidate(offset: j, hard: false, source: .icu))
                    }
                }
                i = j
                continue
            }
            i += 1
        }
        return result
    }

    /// "1,000" or "2015" before a glued period, not a list number like "2.Carne".
    private func isLongNumber(endingAt i: Int, in text: UTF8Text) -> Bool {
        var j = i
        while j > 0, text.bytes[j - 1] >= 0x30, text.bytes[j - 1] <= 0x39 || text.bytes[j - 1] == 0x2C { j -= 1 }
        return i - j >= 3
    }

    /// The token around a glued period is prose, not a URL, address or abbreviation.
    private func isPlainWordBefore(_ dot: Int, in text: UTF8Text) -> Bool {
        let s = text.tokenStart(endingAt: dot, floor: 0)
        let e = text.tokenEnd(startingAt: dot)
        let token = text.string(s..<e)
        if token.contains("@") || token.contains("/") || token.contains("www") || token.contains("_") { return false }
        var word = text.string(s..<dot)
        while let f = word.unicodeScalars.first, f.isOpener { word = word.dropFirst() }
        if word.count < 2 || rules.abbreviation(word) != nil { return false }
        if let lastDot = word.lastIndex(of: ".") {
            // "e.g.Smith" style: the part before is an abbreviation
            if word[word.index(after: lastDot)...].count < 2 { return false }
        }
        return true
    }

    /// Items of a list written on one line: "1.) a 2.) b", "a. x b. y", "• x • y".
    private func listItemBreaks(in text: UTF8Text, unit: Range<Int>) -> [Candidate] {
        let start = text.skipSpace(from: unit.lowerBound, limit: unit.upperBound)
        guard start < unit.upperBound, let first = ListMarker.parse(text, at: start, limit: unit.upperBound),
              first.repeatsInline else { return [] }
        var result: [Candidate] = []
        var expected = first.successor
        var i = start + first.length
        while i < unit.upperBound {
            let n = text.spaceLength(at: i)
            if n > 0 {
                let j = i + n
                if j < unit.upperBound, let m = ListMarker.parse(text, at: j, limit: unit.upperBound), m.style == first.style,
                   expected == nil || m.value == expected {
                    result.append(Candidate(offset: j, hard: true, source: .listItem))
                    expected = m.successor
                    i = j + m.length
                    continue
                }
                i = j
            } else {
                i += text.scalar(at: i).1
            }
        }
        return result
    }

    // MARK: Building segments

    private func makeSegments(_ spans: [Range<Int>], in text: UTF8Text) throws -> [Segment] {
        var result: [Segment] = []
        result.reserveCapacity(spans.count)
        var scalarPos = 0
        var bytePos = 0
        // One check of the whole text spares a normalization call per segment.
        let form: NormalizationForm? = try normalization.flatMap { try $0.contains(utf8: text.bytes) ? nil : $0 }
        var paragraph = 0
        for r in spans {
            if !result.isEmpty {
                var breaks = 0
                for i in bytePos..<r.lowerBound where text.bytes[i] == 0x0A { breaks += 1 }
                if breaks >= 2 { paragraph += 1 }
            }
            scalarPos += scalarCount(text.bytes, bytePos..<r.lowerBound)
            let start = scalarPos
            scalarPos += scalarCount(text.bytes, r)
            bytePos = r.upperBound
            var s = String(decoding: UnsafeBufferPointer(rebasing: text.bytes[r]), as: UTF8.self)
            if text.bytes[r].contains(where: { $0 == 0x0A || $0 == 0x0D }) { s = joinLines(s) }
            if let form { s = try s.normalized(form) }
            result.append(Segment(text: s, start: start, end: scalarPos, utf8Range: r, paragraph: paragraph))
        }
        return result
    }

    private func scalarCount(_ bytes: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int {
        var n = 0
        for i in r where bytes[i] & 0xC0 != 0x80 { n += 1 }
        return n
    }

    /// White space that contains a line break becomes one space.
    private func joinLines(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace: [Unicode.Scalar] = []
        var sawBreak = false
        for u in s.unicodeScalars {
            if UTF8Text.isSpace(u) {
                pendingSpace.append(u)
                if u == "\n" || u == "\r" { sawBreak = true }
                continue
            }
            if !pendingSpace.isEmpty {
                if sawBreak {
                    // Chinese and Japanese lines join without a space.
                    let before = out.last.map { Script.of($0).isWrittenWithoutSpaces } ?? false
                    if !(before && Script.of(u).isWrittenWithoutSpaces) { out.append(" ") }
                } else {
                    out.append(contentsOf: pendingSpace)
                }
                pendingSpace.removeAll(keepingCapacity: true)
                sawBreak = false
            }
            out.append(u)
        }
        return String(out)
    }
}
