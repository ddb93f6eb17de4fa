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
        let text = UTF8Text(bytes: buf)
        let layout = LineLayout(text: text)
        // ICU sees the text with line breaks turned into spaces (same byte length), so that
        // a line break inside a paragraph does not end a sentence; paragraph and list
        // breaks come back as hard boundaries.
        var work = Array(buf)
        for i in layout.lineBreakBytes { work[i] = 0x20 }
        return try work.withUnsafeBufferPointer { wbuf in
            let wtext = UTF8Text(bytes: wbuf)
            var candidates: [Candidate] = layout.hardBreaks.map { Candidate(offset: $0, hard: true) }
            switch mode {
            case .icu:
                try iterator!.forEachBoundary(in: wbuf) { b, _ in candidates.append(Candidate(offset: b, hard: true)) }
            case .srx(let srx):
                for b in try srx.breaks(in: wbuf) { candidates.append(Candidate(offset: b, hard: true)) }
            case .tmkit:
                try iterator!.forEachBoundary(in: wbuf) { b, _ in candidates.append(Candidate(offset: b, hard: false)) }
                for b in layout.units { candidates += listItemBreaks(in: wtext, unit: b) }
                candidates += glueBreaks(in: wtext)
            }
            candidates.sort { $0.offset != $1.offset ? $0.offset < $1.offset : ($0.hard && !$1.hard) }
            return resolve(candidates, in: wtext)
        }
    }

    struct Candidate {
        var offset: Int
        /// A hard boundary is never merged away.
        var hard: Bool
    }

    // MARK: Deciding each boundary

    private func resolve(_ candidates: [Candidate], in text: UTF8Text) -> [Range<Int>] {
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
                switch decide(segStart: segStart, end: e, next: next, in: text) {
                case .merge: continue
                case .split: break
                case .splitAt(let at):
                    spans.append(segStart..<at)
                    segStart = text.skipSpace(from: at)
                    continue
                }
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

    /// Whether the ICU boundary between `segStart..<end` and the text at `next` stands.
    private func decide(segStart: Int, end: Int, next: Int, in text: UTF8Text) -> Decision {
        if next >= text.count { return .split }
        // A segment that is only punctuation or only a list marker joins what follows.
        if isMarkerOnly(segStart..<end, in: text) { return .merge }
        let (nextScalar, _) = text.scalar(at: next)
        // Find the final punctuation before closing quotes and brackets.
        var t = end
        while t > segStart {
            let (s, st) = text.scalar(before: t)
            if !s.isCloser { break }
            t = st
        }
        guard t > segStart else { return .split }
        let (terminal, termStart) = text.scalar(before: t)
        let nextToken = text.string(next..<text.tokenEnd(startingAt: next))
        let nextWord = leadingWord(nextToken)

        // A lower-case word after the break continues the sentence ("Yahoo! in the").
        if let f = nextWord.unicodeScalars.first, f.isLower, nextToken.unicodeScalars.first.map({ !$0.isOpener }) ?? true {
            return .merge
        }
        // Russian dialogue: "? – спросила мама. – Завтра".
        if rules.dashContinuesSentence, nextScalar.isDash, t == end { return .merge }

        // A CJK title in 《》 or a quotation in 「」 does not end at its own punctuation.
        if terminal.value >= 0x3000, hasUnclosedCJKBracket(segStart..<end, in: text) { return .merge }

        guard terminal == "." else { return .split }
        // No space after the period: "1.Helado", "3.14"; where such a break is right
        // ("world.Today") glueBreaks has already made a hard one.
        if next == end { return .merge }

        // Ellipses written with spaced periods.
        if let d = spacedEllipsis(endingAt: t, floor: segStart, in: text) {
            if d.dots == 3 { return .merge }
            if d.dots >= 4, !d.spaceBefore { return .splitAt(d.firstDotEnd) }
            return .split
        }
        if termStart > segStart, text.scalar(before: termStart).0 == "." { // "...." or "..."
            // "[...]" marks an omission inside a quotation, not an end.
            var d = termStart
            while d > segStart, text.bytes[d - 1] == 0x2E { d -= 1 }
            if d > segStart, text.bytes[d - 1] == 0x5B, t < end, text.bytes[t] == 0x5D { return .merge }
            return .split
        }

        let tokStart = text.tokenStart(endingAt: termStart, floor: segStart)
        var word = text.string(tokStart..<termStart)
        while let f = word.unicodeScalars.first, f.isOpener { word = word.dropFirst() }
        guard !word.isEmpty else { return .split }

        let nextStartsWithDigit = nextScalar.isDigit
        let nextIsStarter = rules.isStarter(nextWord) || nextScalar.isOpener
        let nextIsInitial = isInitial(nextToken)

        if let kind = rules.abbreviation(word) {
            switch kind {
            case .prefix:
                return .merge
            case .beforeNumber where nextStartsWithDigit:
                return .merge
            case .beforeNumber, .general:
                if nextStartsWithDigit { return .merge }
                if nextIsStarter { return .split }
                if isUpperDotted(word), rules.abbreviation(nextWord) == .prefix { return .split }
                return .merge
            }
        }
        var wordScalars = word.unicodeScalars.makeIterator()
        if let only = wordScalars.next(), wordScalars.next() == nil, only.isLetter {
            // An initial ("E. Smith", "А. И. Семенов") unless a new sentence clearly starts.
            if nextIsInitial { return .merge }
            return nextIsStarter ? .split : .merge
        }
        // German ordinals: "am 12. Juni", "im 1. -3. Jahrhundert".
        if rules.ordinalPeriod, isNumberWord(word),
           !nextIsStarter {
            return .merge
        }
        if isDottedAbbreviation(word) {
            if nextIsInitial || nextStartsWithDigit { return .merge }
            if nextIsStarter { return .split }
            if isUpperDotted(word), rules.abbreviation(nextWord) == .prefix { return .split }
            return .merge
        }
        return .split
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
                            result.append(Candidate(offset: i + 1, hard: true))
                        }
                    }
                }
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
                    result.append(Candidate(offset: j, hard: true))
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
