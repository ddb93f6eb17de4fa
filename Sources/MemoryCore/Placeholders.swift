/// Placeholders of software strings, found by a byte scanner: printf conversions (`%s`, `%d`,
/// `%1$@`, `%(name)s`, `%.2f`, `%lld`), double-brace templates (`{{count}}`), brace arguments and
/// ICU MessageFormat (`{0}`, `{name}`, `{count, plural, one {# file} other {# files}}`).
/// They are never translated: the tokenizer makes each one a single tag token (so the fuzzy score
/// counts them as tags), pre-translation carries the query's placeholders into a fuzzy
/// translation, and QA checks that a translation has the source's.
public enum Placeholders {
    /// Byte ranges (in the UTF-8 of `s`) of the placeholders, in order.
    public static func spans(in s: String) -> [Range<Int>] {
        var s = s
        return s.withUTF8 { spans(in: $0) }
    }

    /// The placeholders of `s`, in order.
    public static func list(in s: String) -> [String] {
        var copy = s
        return copy.withUTF8 { b in spans(in: b).map { String(decoding: UnsafeBufferPointer(rebasing: b[$0]), as: UTF8.self) } }
    }

    package static func spans(in b: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c == 0x25 { // %
                if i + 1 < n && b[i + 1] == 0x25 { i += 2; continue } // %% is a literal percent sign
                if let end = printfEnd(b, from: i) { out.append(i..<end); i = end; continue }
            } else if c == 0x7B { // {
                if let end = braceEnd(b, from: i) { out.append(i..<end); i = end; continue }
            }
            i += 1
        }
        return out
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func isNameByte(_ c: UInt8) -> Bool {
        (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A || isDigit(c) || c == 0x5F
    }

    /// End of a printf conversion starting at `start` ('%'), or nil.
    private static func printfEnd(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        let n = b.count
        var i = start + 1
        // Position: %1$s
        var j = i
        while j < n && isDigit(b[j]) { j += 1 }
        if j > i && j < n && b[j] == 0x24 { i = j + 1 }
        // Python mapping key: %(name)s
        if i < n && b[i] == 0x28 {
            var k = i + 1
            while k < n && isNameByte(b[k]) { k += 1 }
            guard k < n && b[k] == 0x29 && k > i + 1 else { return nil }
            i = k + 1
        }
        while i < n && (b[i] == 0x2D || b[i] == 0x2B || b[i] == 0x23 || b[i] == 0x30) { i += 1 } // flags (not space: "100% sure")
        while i < n && isDigit(b[i]) { i += 1 }
        if i < n && b[i] == 0x2E { i += 1; while i < n && isDigit(b[i]) { i += 1 } }
        // Length modifiers.
        for m in ["hh", "ll", "h", "l", "L", "q", "z", "t", "j"] where i + m.utf8.count <= n {
            if zip(m.utf8, b[i..<i + m.utf8.count]).allSatisfy({ $0 == $1 }) { i += m.utf8.count; break }
        }
        guard i < n else { return nil }
        let conv = b[i]
        guard "@sdiufFeEgGxXoOcCpaA".utf8.contains(conv) else { return nil }
        // "%d" followed by a letter is still a conversion ("%dpx"); but "% s" (space flag) is not taken.
        return i + 1
    }

    /// End of `{{name}}`, `{name}`, `{0}` or an ICU MessageFormat argument starting at `start`, or nil.
    private static func braceEnd(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        let n = b.count
        if start + 1 < n && b[start + 1] == 0x7B { // {{ name }}
            var i = start + 2
            while i < n && b[i] == 0x20 { i += 1 }
            let nameStart = i
            while i < n && (isNameByte(b[i]) || b[i] == 0x2E) { i += 1 }
            guard i > nameStart else { return nil }
            while i < n && b[i] == 0x20 { i += 1 }
            guard i + 1 < n && b[i] == 0x7D && b[i + 1] == 0x7D else { return nil }
            return i + 2
        }
        var i = start + 1
        while i < n && b[i] == 0x20 { i += 1 }
        let nameStart = i
        while i < n && isNameByte(b[i]) { i += 1 }
        guard i > nameStart, i < n else { return nil }
        while i < n && b[i] == 0x20 { i += 1 }
        guard i < n else { return nil }
        if b[i] == 0x7D { return i + 1 }
        guard b[i] == 0x2C else { return nil }
        // {name, type, …}: up to the matching brace (nested sub-messages included), at most 4 KB.
        var depth = 1
        i += 1
        while i < n && i - start < 4096 {
            if b[i] == 0x7B { depth += 1 } else if b[i] == 0x7D { depth -= 1; if depth == 0 { return i + 1 } }
            i += 1
        }
        return nil
    }

    /// `translation` (of `matchedSource`) with its placeholders replaced by those of `query`,
    /// matched by position: what a fuzzy match needs before it is offered for `query`.
    /// Placeholders of the translation that the matched source does not have are left alone.
    public static func carryOver(into translation: String, matchedSource: String, query: String) -> String {
        let q = list(in: query), m = list(in: matchedSource)
        guard q != m, !m.isEmpty else { return translation }
        var map: [String: String] = [:]
        if q.count == m.count {
            for (a, b) in zip(m, q) where a != b {
                if let existing = map[a], existing != b { return translation } // ambiguous
                map[a] = b
            }
        } else {
            return translation
        }
        guard !map.isEmpty else { return translation }
        let found: [Range<Int>] = spans(in: translation)
        var bytes = Array(translation.utf8)
        for r in found.reversed() {
            let tok = String(decoding: bytes[r], as: UTF8.self)
            if let rep = map[tok] { bytes.replaceSubrange(r, with: Array(rep.utf8)) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
