import ICUText

/// A token of a segment as the fuzzy matcher sees it.
public struct Token: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case word, number, punctuation, tag }

    public var kind: Kind
    /// The text as written.
    public var surface: String
    /// What matching compares: case-folded word, "#" for any number, the mark itself.
    public var key: String
    /// Byte range in the segment's UTF-8.
    public var range: Range<Int>

    /// Words and numbers: the tokens the edit distance and the index count.
    public var isWordLike: Bool { kind == .word || kind == .number }
}

/// A segment split into tokens, with what the scorer needs precomputed.
public struct TokenizedText: Sendable {
    public let text: String
    public let tokens: [Token]
    /// Keys of the word-like tokens, in order.
    public let wordKeys: [String]
    /// The text with all white space removed (to see white-space-only differences).
    public var compact: String { String(String.UnicodeScalarView(text.unicodeScalars.filter { !$0.properties.isWhitespace })) }

    package init(text: String, tokens: [Token]) {
        self.text = text
        self.tokens = tokens
        wordKeys = tokens.filter(\.isWordLike).map(\.key)
    }

    /// The index keys: word keys, with "\u{1}k" appended to the k-th repeat of a key (k ≥ 2),
    /// so that a multiset overlap is a set overlap.
    public var indexKeys: [String] {
        // Repeats are few in a segment: count earlier equal keys by their bytes (String's own
        // comparison and hashing normalise, which folded NFC keys do not need).
        var bytes = wordKeys.map { Array($0.utf8) }
        var out = wordKeys
        for i in bytes.indices {
            var n = 1
            for j in 0..<i where bytes[j] == bytes[i] { n += 1 }
            if n > 1 { out[i] = wordKeys[i] + "\u{1}\(n)" }
        }
        bytes.removeAll()
        return out
    }
}

/// Splits segments into words (ICU word boundaries), numbers and punctuation; scripts written
/// without spaces (Chinese, Japanese, Thai) are split into characters. `<x/>`-style inline
/// tags are single tokens. One instance per thread.
public final class Tokenizer: @unchecked Sendable { // one thread at a time
    private let words: BreakIterator
    /// A lower-cased copy of the text being keyed (`indexKeys`), reused.
    package var lower: [UInt8] = []

    public init() throws {
        words = try BreakIterator(.word, locale: "root")
    }

    /// ICU word boundaries of `buf` with their rule status (for `indexKeys`).
    package func forEachWordBoundary(in buf: UnsafeBufferPointer<UInt8>, _ body: (Int, Int32) throws -> Void) throws {
        try words.forEachBoundary(in: buf, body)
    }

    public func tokenize(_ text: String) throws -> TokenizedText {
        var tokens: [Token] = []
        var copy = text
        // Plain text (ASCII, Russian Cyrillic): lower-cased once, every word's key a slice of it.
        let lower = UTF8Scan.lowercasedPlain(text)
        try copy.withUTF8 { buf in
            var last = 0
            try words.forEachBoundary(in: buf) { b, status in
                defer { last = b }
                let piece = String(decoding: UnsafeBufferPointer(rebasing: buf[last..<b]), as: UTF8.self)
                switch status {
                case 100..<200:
                    tokens.append(Token(kind: .number, surface: piece, key: "#", range: last..<b))
                case 200..<500:
                    if let lower {
                        // Latin and Cyrillic words: never split into characters.
                        tokens.append(Token(kind: .word, surface: piece, key: String(decoding: lower[last..<b], as: UTF8.self), range: last..<b))
                    } else if let first = piece.unicodeScalars.first, Script.of(first).isWrittenWithoutSpaces || status >= 300 {
                        var off = last
                        for u in piece.unicodeScalars {
                            let s = String(u)
                            let n = s.utf8.count
                            tokens.append(Token(kind: .word, surface: s, key: Tokenizer.fold(s), range: off..<off + n))
                            off += n
                        }
                    } else {
                        tokens.append(Token(kind: .word, surface: piece, key: Tokenizer.fold(piece), range: last..<b))
                    }
                default:
                    var off = last
                    for u in piece.unicodeScalars {
                        let s = String(u)
                        let n = s.utf8.count
                        let space = u.value < 0x80 ? (u.value == 0x20 || (u.value >= 0x09 && u.value <= 0x0D)) : u.properties.isWhitespace
                        if !space {
                            tokens.append(Token(kind: .punctuation, surface: s, key: s, range: off..<off + n))
                        }
                        off += n
                    }
                }
            }
        }
        var merged = Tokenizer.mergeTags(tokens, text: text)
        if text.utf8.contains(where: { $0 == 0x25 || $0 == 0x7B }) {
            merged = Tokenizer.mergePlaceholders(merged, spans: Placeholders.spans(in: text), text: text)
        }
        return TokenizedText(text: text, tokens: merged)
    }

    /// Case folding for keys: ASCII by hand, the rest through ICU.
    package static func fold(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) || UTF8Scan.isPlainLatinCyrillic(s, allowLatin1: false) { return s.lowercased() }
        return (try? s.caseFolded()) ?? s.lowercased()
    }

    /// Tokens inside a placeholder (`%1$@`, `{name}`, `{{count}}`) become one tag token.
    package static func mergePlaceholders(_ tokens: [Token], spans: [Range<Int>], text: String) -> [Token] {
        guard !spans.isEmpty else { return tokens }
        let bytes = Array(text.utf8)
        var out: [Token] = []
        var k = 0
        for t in tokens {
            while k < spans.count && spans[k].upperBound <= t.range.lowerBound { k += 1 }
            if k < spans.count && spans[k].overlaps(t.range) {
                let r = spans[k]
                if let last = out.last, last.kind == .tag, last.range == r { continue }
                let s = String(decoding: bytes[r], as: UTF8.self)
                out.append(Token(kind: .tag, surface: s, key: s, range: r))
                continue
            }
            out.append(t)
        }
        return out
    }

    /// "<", name characters, ">" produced as separate tokens become one tag token ("<b>", "</b>", "<x1/>",
    /// "{1}", "%s", "{{count}}" stay as they are split; tags are counted by the scorer).
    package static func mergeTags(_ tokens: [Token], text: String) -> [Token] {
        guard tokens.contains(where: { $0.kind == .punctuation && $0.surface == "<" }) else { return tokens }
        var out: [Token] = []
        var i = 0
        let bytes = Array(text.utf8)
        while i < tokens.count {
            let t = tokens[i]
            if t.kind == .punctuation, t.surface == "<",
               let close = tokens[(i + 1)...].prefix(12).firstIndex(where: { $0.kind == .punctuation && $0.surface == ">" }),
               close > i + 1 {
                let r = t.range.lowerBound..<tokens[close].range.upperBound
                let inner = bytes[r]
                if !inner.contains(0x20) || inner.starts(with: Array("<g ".utf8)) || inner.starts(with: Array("<x ".utf8)) {
                    let s = String(decoding: inner, as: UTF8.self)
                    out.append(Token(kind: .tag, surface: s, key: s, range: r))
                    i = close + 1
                    continue
                }
            }
            out.append(t)
            i += 1
        }
        return out
    }
}
