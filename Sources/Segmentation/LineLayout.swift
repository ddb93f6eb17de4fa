/// The line structure of a text: paragraphs (split by blank lines), and inside them the lines
/// that stand alone (list items, Markdown headings, lines of a block without sentence
/// punctuation). Everything else inside a paragraph is running text.
struct LineLayout {
    /// Offsets of CR and LF bytes (they become spaces for ICU).
    var lineBreakBytes: [Int] = []
    /// Offsets where a new segment must start.
    var hardBreaks: [Int] = []
    /// The ranges between hard breaks.
    var units: [Range<Int>] = []

    init(text: UTF8Text) {
        var lines: [Range<Int>] = []
        var ls = 0
        let bytes = text.bytes
        for i in 0..<bytes.count where bytes[i] == 0x0A || bytes[i] == 0x0D {
            lineBreakBytes.append(i)
            if bytes[i] == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { continue }
            lines.append(ls..<i)
            ls = i + 1
        }
        lines.append(ls..<bytes.count)

        var block: [Range<Int>] = []
        func flush() {
            guard !block.isEmpty else { return }
            let contentStarts = block.map { text.skipSpace(from: $0.lowerBound, limit: $0.upperBound) }
            hardBreaks.append(contentStarts[0])
            let hasTerminal = block.contains { LineLayout.endsWithTerminal($0, in: text) }
            for k in 1..<block.count {
                let cur = contentStarts[k]
                let curMarker = ListMarker.parse(text, at: cur, limit: block[k].upperBound)
                let prevIsHeading = text.bytes[contentStarts[k - 1]] == 0x23 // "#"
                let isList = curMarker != nil || text.bytes[cur] == 0x23
                if !hasTerminal || isList || prevIsHeading {
                    hardBreaks.append(cur)
                }
            }
            block.removeAll()
        }
        for line in lines {
            if text.skipSpace(from: line.lowerBound, limit: line.upperBound) == line.upperBound {
                flush()
            } else {
                block.append(line)
            }
        }
        flush()
        var last = 0
        for b in hardBreaks {
            if b > last { units.append(last..<b) }
            last = b
        }
        units.append(last..<bytes.count)
    }

    /// Whether the line ends with sentence punctuation (closers allowed after it).
    static func endsWithTerminal(_ line: Range<Int>, in text: UTF8Text) -> Bool {
        var e = text.trimSpace(before: line.upperBound, floor: line.lowerBound)
        while e > line.lowerBound {
            let (s, st) = text.scalar(before: e)
            if s.isCloser { e = st; continue }
            return s.isSentenceTerminal || s == ":" || s == ";" || s == ","
        }
        return false
    }
}

/// A list item's marker at the start of a line or item: "•", "1.", "1)", "1.)", "a.", "a)".
struct ListMarker: Equatable {
    enum Style: Equatable { case bullet(Unicode.Scalar), dot, paren, dotParen, letterDot, letterParen }
    var style: Style
    var value: Int?
    var length: Int

    var successor: Int? { value.map { $0 + 1 } }

    /// Whether the marker may introduce further items on the same line ("• a • b", "1) a 2) b");
    /// hyphens, asterisks and dashes only count at the start of a line.
    var repeatsInline: Bool {
        if case .bullet(let s) = style { return s.isBullet }
        return true
    }

    static func parse(_ text: UTF8Text, at i: Int, limit: Int) -> ListMarker? {
        guard i < limit else { return nil }
        let (s, n) = text.scalar(at: i)
        if s.isBullet { return ListMarker(style: .bullet(s), value: nil, length: n) }
        if s == "-" || s == "*" || s == "+" || s == "–" || s == "—" {
            // Markdown bullets and dialogue dashes need a space after them.
            if i + n < limit, text.spaceLength(at: i + n) > 0 { return ListMarker(style: .bullet(s), value: nil, length: n) }
            return nil
        }
        var j = i
        var value = 0
        while j < limit, j - i < 3, text.bytes[j] >= 0x30, text.bytes[j] <= 0x39 {
            value = value * 10 + Int(text.bytes[j] - 0x30)
            j += 1
        }
        func followedBySpace(_ k: Int) -> Bool { k >= limit || text.spaceLength(at: k) > 0 }
        if j > i {
            guard j < limit else { return nil }
            if text.bytes[j] == 0x2E, j + 1 < limit, text.bytes[j + 1] == 0x29, followedBySpace(j + 2) {
                return ListMarker(style: .dotParen, value: value, length: j + 2 - i)
            }
            if text.bytes[j] == 0x29, followedBySpace(j + 1) { return ListMarker(style: .paren, value: value, length: j + 1 - i) }
            if text.bytes[j] == 0x2E, followedBySpace(j + 1) { return ListMarker(style: .dot, value: value, length: j + 1 - i) }
            return nil
        }
        let b = text.bytes[i]
        if b >= 0x61, b <= 0x7A, i + 1 < limit {
            let v = Int(b - 0x60)
            if text.bytes[i + 1] == 0x2E, followedBySpace(i + 2) { return ListMarker(style: .letterDot, value: v, length: 2) }
            if text.bytes[i + 1] == 0x29, followedBySpace(i + 2) { return ListMarker(style: .letterParen, value: v, length: 2) }
        }
        return nil
    }
}
