import Foundation

/// The translatable text of a Markdown document, as `HTMLText` gives a page's: one block per
/// heading, paragraph, list item, quote and table cell, its inline syntax kept as codes beside the
/// text, so that a sentence can be stored and exported with its markup (`tmxMarkup`).
///
/// What it reads (CommonMark's common part, and what static site generators add):
/// - blocks: ATX (`# Title`) and setext headings, paragraphs, list items (`-`, `*`, `+`, `1.`,
///   `1)`; their markers are not text), block quotes (`>`), pipe tables (each cell a block), HTML
///   blocks (read as HTML); fenced and indented code, thematic breaks and YAML front matter are
///   left out;
/// - inline: emphasis and strong emphasis (`*`, `_`, `**`, `__`, with CommonMark's flanking rules
///   for which runs open and close), strikethrough (`~~`), code spans (the backticks are codes, the
///   content stays text), links (`[` and `](url)` are codes) and images (`![alt](src)`, one code),
///   autolinks and inline HTML tags, backslash escapes and character references.
///
/// Offsets (`sourceStart`, `sourceEnd`) are Unicode scalars into the document, as for a page.
public enum MarkdownText {
    public static func blocks(_ markdown: String) -> [HTMLText.Block] {
        let s = Array(markdown.unicodeScalars)
        var lines: [Line] = []
        var k = 0
        while k <= s.count {
            var e = k
            while e < s.count && s[e] != "\n" { e += 1 }
            var end = e
            if end > k && s[end - 1] == "\r" { end -= 1 }
            lines.append(Line(start: k, end: end))
            if e >= s.count { break }
            k = e + 1
        }
        var reader = BlockReader(s: s, lines: lines)
        reader.run()
        return reader.blocks
    }

    struct Line {
        var start: Int
        var end: Int
    }

    /// Splits the document into blocks, each a list of source ranges (its lines without their
    /// block markers), then reads each block's inline syntax.
    struct BlockReader {
        let s: [Unicode.Scalar]
        let lines: [Line]
        var blocks: [HTMLText.Block] = []
        /// The open block: its element, its content ranges, its first line.
        var element: String?
        var ranges: [Range<Int>] = []
        var firstLine = 0
        /// Whether the last block closed was a list item (indented lines after it continue it).
        var inList = false

        func isBlank(_ l: Line) -> Bool { (l.start..<l.end).allSatisfy { s[$0] == " " || s[$0] == "\t" } }

        /// Columns of indentation and the offset of the first other character.
        func indent(_ l: Line) -> (width: Int, at: Int) {
            var w = 0, k = l.start
            while k < l.end && (s[k] == " " || s[k] == "\t") { w += s[k] == "\t" ? 4 - w % 4 : 1; k += 1 }
            return (w, k)
        }

        func text(_ r: Range<Int>) -> String {
            var v = String.UnicodeScalarView()
            v.append(contentsOf: s[r])
            return String(v)
        }

        mutating func close() {
            if let element, !ranges.isEmpty {
                if let b = InlineReader(s: s, ranges: ranges).block(element: element, line: firstLine + 1) { blocks.append(b) }
            }
            inList = element == "li" || (inList && element == "p")
            element = nil
            ranges = []
        }

        mutating func open(_ e: String, _ r: Range<Int>, line: Int) {
            close()
            element = e
            ranges = [r]
            firstLine = line
        }

        /// A fence (three or more backticks or tildes) at `at`: its character and length.
        func fence(_ l: Line, at: Int) -> (Unicode.Scalar, Int)? {
            guard at < l.end, s[at] == "`" || s[at] == "~" else { return nil }
            var n = 0
            while at + n < l.end && s[at + n] == s[at] { n += 1 }
            return n >= 3 ? (s[at], n) : nil
        }

        func isReferenceDefinition(_ l: Line, at: Int) -> Bool {
            guard at < l.end, s[at] == "[" else { return false }
            var k = at + 1
            while k < l.end && s[k] != "]" { k += 1 }
            return k > at + 1 && k + 1 < l.end && s[k + 1] == ":"
        }

        func isThematicBreak(_ l: Line, at: Int) -> Bool {
            guard at < l.end, s[at] == "-" || s[at] == "*" || s[at] == "_" else { return false }
            var n = 0
            for k in at..<l.end {
                if s[k] == s[at] { n += 1 } else if s[k] != " " && s[k] != "\t" { return false }
            }
            return n >= 3
        }

        /// A list marker at `at`: where the item's content starts. Inside a paragraph only a bullet
        /// with text after it, or the number 1, starts a list (as CommonMark has it: a wrapped line
        /// that starts with "2015." stays in its paragraph).
        func listItem(_ l: Line, at: Int, interrupting: Bool) -> Int? {
            var k = at
            var number: Int?
            if k < l.end && (s[k] == "-" || s[k] == "*" || s[k] == "+") {
                k += 1
            } else {
                while k < l.end && k - at < 9 && s[k].isASCII && s[k].properties.numericType == .decimal { k += 1 }
                guard k > at, k < l.end, s[k] == "." || s[k] == ")" else { return nil }
                number = Int(text(at..<k))
                k += 1
            }
            guard k == l.end || s[k] == " " || s[k] == "\t" else { return nil }
            while k < l.end && (s[k] == " " || s[k] == "\t") { k += 1 }
            if interrupting && (k == l.end || (number != nil && number != 1)) { return nil }
            return k
        }

        /// The cells of a table row: content ranges between unescaped pipes, trimmed.
        func cells(_ l: Line, at: Int) -> [Range<Int>] {
            var out: [Range<Int>] = []
            var k = at
            if k < l.end && s[k] == "|" { k += 1 }
            var start = k
            var inCode = false
            while k <= l.end {
                if k == l.end || (s[k] == "|" && !inCode && (k == 0 || s[k - 1] != "\\")) {
                    var a = start, b = k
                    while a < b && (s[a] == " " || s[a] == "\t") { a += 1 }
                    while b > a && (s[b - 1] == " " || s[b - 1] == "\t") { b -= 1 }
                    if !(k == l.end && start == k) { out.append(a..<b) }
                    start = k + 1
                } else if s[k] == "`" {
                    inCode.toggle()
                }
                k += 1
            }
            return out
        }

        func isTableSeparator(_ l: Line) -> Bool {
            let (_, at) = indent(l)
            let cs = cells(l, at: at)
            guard !cs.isEmpty else { return false }
            var dashes = false
            for c in cs {
                for k in c {
                    switch s[k] {
                    case "-": dashes = true
                    case ":", " ": break
                    default: return false
                    }
                }
                if c.isEmpty { return false }
            }
            return dashes && (l.start..<l.end).contains { s[$0] == "|" }
        }

        static let htmlBlockTags: Set<String> = [
            "div", "p", "table", "ul", "ol", "dl", "blockquote", "section", "article", "aside", "header", "footer", "figure",
            "details", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "form", "nav", "iframe", "script", "style", "hr", "center",
        ]

        /// Whether the line opens an HTML block (a block-level tag or a comment at its start).
        func isHTMLBlock(_ l: Line, at: Int) -> Bool {
            guard at < l.end, s[at] == "<" else { return false }
            if at + 3 < l.end, s[at + 1] == "!" && s[at + 2] == "-" && s[at + 3] == "-" { return true }
            var k = at + 1
            if k < l.end && s[k] == "/" { k += 1 }
            var name = ""
            while k < l.end, s[k].isASCII, s[k].properties.isAlphabetic || (s[k].properties.numericType != nil && !name.isEmpty) {
                name.unicodeScalars.append(s[k]); k += 1
            }
            return BlockReader.htmlBlockTags.contains(name.lowercased())
        }

        mutating func run() {
            var i = 0
            // YAML front matter: "---" on the first line, up to the next "---" or "...".
            if let first = lines.first, text(first.start..<first.end).trimmingCharacters(in: .whitespaces) == "---" {
                if let close = lines.indices.dropFirst().first(where: {
                    let t = text(lines[$0].start..<lines[$0].end).trimmingCharacters(in: .whitespaces)
                    return t == "---" || t == "..."
                }) { i = close + 1 }
            }
            while i < lines.count {
                let l = lines[i]
                if isBlank(l) { close(); i += 1; continue }
                let (width, at) = indent(l)
                // Fenced code: left out, up to the closing fence.
                if width < 4, let (c, n) = fence(l, at: at) {
                    close()
                    i += 1
                    while i < lines.count {
                        let (w2, a2) = indent(lines[i])
                        if w2 < 4, let (c2, n2) = fence(lines[i], at: a2), c2 == c, n2 >= n,
                           (a2 + n2..<lines[i].end).allSatisfy({ s[$0] == " " || s[$0] == "\t" }) { break }
                        i += 1
                    }
                    i += 1
                    inList = false
                    continue
                }
                // Setext heading underline.
                if width < 4, element == "p", ranges.count >= 1, at < l.end, s[at] == "=" || s[at] == "-",
                   (at..<l.end).allSatisfy({ s[$0] == s[at] || s[$0] == " " || s[$0] == "\t" }) {
                    element = s[at] == "=" ? "h1" : "h2"
                    close()
                    i += 1
                    continue
                }
                if width < 4, isThematicBreak(l, at: at) { close(); inList = false; i += 1; continue }
                // ATX heading.
                if width < 4, at < l.end, s[at] == "#" {
                    var n = 0
                    while at + n < l.end && s[at + n] == "#" { n += 1 }
                    if n <= 6, at + n == l.end || s[at + n] == " " || s[at + n] == "\t" {
                        var a = at + n, b = l.end
                        while a < b && (s[a] == " " || s[a] == "\t") { a += 1 }
                        while b > a && (s[b - 1] == " " || s[b - 1] == "\t") { b -= 1 }
                        // An optional closing run of '#' after a space.
                        var c = b
                        while c > a && s[c - 1] == "#" { c -= 1 }
                        if c < b && (c == a || s[c - 1] == " " || s[c - 1] == "\t") {
                            b = c
                            while b > a && (s[b - 1] == " " || s[b - 1] == "\t") { b -= 1 }
                        }
                        open("h\(n)", a..<b, line: i)
                        close()
                        inList = false
                        i += 1
                        continue
                    }
                }
                // A pipe table: a row, then a separator row.
                if width < 4, element == nil, i + 1 < lines.count, (at..<l.end).contains(where: { s[$0] == "|" }), isTableSeparator(lines[i + 1]) {
                    for c in cells(l, at: at) where !c.isEmpty { open("th", c, line: i); close() }
                    i += 2
                    while i < lines.count, !isBlank(lines[i]), (lines[i].start..<lines[i].end).contains(where: { s[$0] == "|" }) {
                        let (_, a2) = indent(lines[i])
                        for c in cells(lines[i], at: a2) where !c.isEmpty { open("td", c, line: i); close() }
                        i += 1
                    }
                    inList = false
                    continue
                }
                // An HTML block, up to a blank line: read as HTML.
                if width < 4, element == nil, isHTMLBlock(l, at: at) {
                    close()
                    var j = i
                    while j < lines.count && !isBlank(lines[j]) { j += 1 }
                    let base = lines[i].start
                    let html = text(base..<lines[j - 1].end)
                    for var b in HTMLText.blocks(html) {
                        b.sourceStart = b.sourceStart.map { $0 + base }
                        b.sourceEnd = b.sourceEnd.map { $0 + base }
                        for k in b.codes.indices where b.codes[k].sourceStart >= 0 {
                            b.codes[k].sourceStart += base
                            b.codes[k].sourceEnd += base
                        }
                        b.line += i
                        blocks.append(b)
                    }
                    i = j
                    inList = false
                    continue
                }
                // Block quote: its marker is not text.
                if width < 4, at < l.end, s[at] == ">" {
                    var a = at + 1
                    while a < l.end && (s[a] == ">" || s[a] == " ") { a += 1 }
                    if a == l.end { close(); i += 1; continue }
                    if element == "blockquote" { ranges.append(a..<l.end) } else { open("blockquote", a..<l.end, line: i) }
                    i += 1
                    continue
                }
                // A link reference definition ("[id]: url"): not text.
                if width < 4, element == nil, isReferenceDefinition(l, at: at) { i += 1; continue }
                if width < 4 || inList || element == "li", let c = listItem(l, at: at, interrupting: element == "p" || element == "blockquote") {
                    open("li", c..<l.end, line: i)
                    i += 1
                    continue
                }
                if element != nil {
                    ranges.append(at..<l.end) // a continuation line (lazy continuation too)
                } else if width >= 4 && !inList {
                    i += 1 // indented code: left out
                    continue
                } else {
                    open("p", at..<l.end, line: i)
                }
                i += 1
            }
            close()
        }
    }

    /// Reads the inline syntax of a block's content (its lines' ranges, joined by line breaks).
    struct InlineReader {
        let s: [Unicode.Scalar]
        /// The content: each scalar and its source range (a line break between lines as "\n").
        var u: [Unicode.Scalar] = []
        var from: [Int] = []
        var to: [Int] = []

        init(s: [Unicode.Scalar], ranges: [Range<Int>]) {
            self.s = s
            for (n, r) in ranges.enumerated() {
                if n > 0 {
                    u.append("\n"); from.append(r.lowerBound); to.append(r.lowerBound)
                }
                for k in r { u.append(s[k]); from.append(k); to.append(k + 1) }
            }
        }

        enum Token {
            case char(Unicode.Scalar, from: Int, to: Int)
            case code(HTMLText.Code.Kind, name: String, raw: String, pairKey: Int, from: Int, to: Int)
            case delimiter(Int)
        }

        struct Delimiter {
            var char: Unicode.Scalar
            var count: Int
            var remaining: Int
            var canOpen: Bool
            var canClose: Bool
            var from: Int
            /// Pairs made with this run as an opener (innermost first) and as a closer (innermost first).
            var opens: [Int] = []
            var closes: [Int] = []
        }

        static func isPunctuation(_ c: Unicode.Scalar) -> Bool {
            switch c.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
                 .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol: true
            default: false
            }
        }

        static func isSpace(_ c: Unicode.Scalar?) -> Bool { c.map { $0.properties.isWhitespace } ?? true }

        func raw(_ a: Int, _ b: Int) -> String {
            var v = String.UnicodeScalarView()
            v.append(contentsOf: u[a..<b])
            return String(v)
        }

        /// The index just past the code span's closing run of `n` backticks, or nil.
        func codeSpanEnd(from k: Int, n: Int) -> Int? {
            var j = k
            while j < u.count {
                if u[j] == "`" {
                    var m = 0
                    while j + m < u.count && u[j + m] == "`" { m += 1 }
                    if m == n { return j }
                    j += m
                } else {
                    j += 1
                }
            }
            return nil
        }

        /// For `[` at `k`: the index of its `]` and just past the link's destination `(...)` or
        /// reference `[...]`, or nil when it is not a link.
        func linkEnd(from k: Int) -> (close: Int, end: Int)? {
            var depth = 0, j = k
            while j < u.count {
                let c = u[j]
                if c == "\\" { j += 2; continue }
                if c == "`", let e = codeSpanEnd(from: j + 1, n: 1) { j = e + 1; continue }
                if c == "[" { depth += 1 } else if c == "]" { depth -= 1; if depth == 0 { break } }
                j += 1
            }
            guard j < u.count, j + 1 < u.count else { return nil }
            let opener = u[j + 1]
            guard opener == "(" || opener == "[" else { return nil }
            let closer: Unicode.Scalar = opener == "(" ? ")" : "]"
            var d = 0, e = j + 1
            while e < u.count {
                if u[e] == "\\" { e += 2; continue }
                if u[e] == opener { d += 1 } else if u[e] == closer { d -= 1; if d == 0 { return (j, e + 1) } }
                if u[e] == "\n" && opener == "[" { return nil }
                e += 1
            }
            return nil
        }

        /// An inline HTML tag or autolink at `k`: its end, kind and name; nil when `<` is text.
        func angle(at k: Int) -> (end: Int, kind: HTMLText.Code.Kind, name: String)? {
            var j = k + 1
            guard j < u.count else { return nil }
            // Autolink: <scheme:...> or <user@host>.
            var e = j
            while e < u.count && u[e] != ">" && u[e] != "<" && !InlineReader.isSpace(u[e]) { e += 1 }
            if e < u.count, u[e] == ">", e > j {
                let inner = raw(j, e)
                let scheme = inner.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "." || $0 == "-") }
                let isURI = scheme.count >= 2 && scheme.first!.isLetter && inner.dropFirst(scheme.count).first == ":"
                let isEmail = !inner.hasPrefix("/") && inner.contains("@") && !inner.contains(":")
                if isURI || isEmail { return (e + 1, .empty, "a") }
            }
            let closing = u[j] == "/"
            if closing { j += 1 }
            var name = ""
            while j < u.count, u[j].isASCII, u[j].properties.isAlphabetic || (!name.isEmpty && (u[j].properties.numericType != nil || u[j] == "-")) {
                name.unicodeScalars.append(u[j]); j += 1
            }
            guard !name.isEmpty else { return nil }
            var quote: Unicode.Scalar?
            while j < u.count {
                let c = u[j]
                if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c } else if c == ">" { break } else if c == "<" { return nil }
                j += 1
            }
            guard j < u.count else { return nil }
            let lower = name.lowercased()
            let selfClosing = u[j - 1] == "/"
            let kind: HTMLText.Code.Kind = closing ? .close : (selfClosing || HTMLText.void.contains(lower) ? .empty : .open)
            return (j + 1, kind, lower)
        }

        /// A character reference at `k` (`&amp;`, `&#233;`, `&#xE9;`): the character and the end.
        func entity(at k: Int) -> (Unicode.Scalar, Int)? {
            var j = k + 1
            while j < u.count && j - k < 32 && u[j] != ";" && (u[j].properties.isAlphabetic || u[j].properties.numericType != nil || u[j] == "#") { j += 1 }
            guard j < u.count, u[j] == ";", j > k + 1 else { return nil }
            let name = raw(k + 1, j)
            if name.hasPrefix("#") {
                let digits = name.dropFirst()
                let v = digits.lowercased().hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
                guard let v, v != 0, let c = Unicode.Scalar(v) else { return nil }
                return (c, j + 1)
            }
            guard let c = HTMLText.entities[name] else { return nil }
            return (c, j + 1)
        }

        func block(element: String, line: Int) -> HTMLText.Block? {
            var tokens: [Token] = []
            var delims: [Delimiter] = []
            var pairKey = 1
            /// Link and inline HTML closings still to come: the index of the `]` and its pair.
            var linkCloses: [Int: (end: Int, pair: Int)] = [:]
            var htmlOpen: [(name: String, pair: Int)] = []
            var k = 0
            func chars(_ a: Int, _ b: Int) { for j in a..<b { tokens.append(.char(u[j], from: from[j], to: to[j])) } }
            while k < u.count {
                let c = u[k]
                if let close = linkCloses.removeValue(forKey: k) {
                    tokens.append(.code(.close, name: "a", raw: raw(k, close.end), pairKey: close.pair, from: from[k], to: to[close.end - 1]))
                    k = close.end
                    continue
                }
                switch c {
                case "\\":
                    if k + 1 < u.count, u[k + 1] == "\n" {
                        tokens.append(.char(" ", from: from[k], to: to[k + 1])) // a hard line break
                        k += 2
                    } else if k + 1 < u.count, u[k + 1].isASCII, InlineReader.isPunctuation(u[k + 1]) {
                        tokens.append(.char(u[k + 1], from: from[k], to: to[k + 1]))
                        k += 2
                    } else {
                        chars(k, k + 1); k += 1
                    }
                case "`":
                    var n = 0
                    while k + n < u.count && u[k + n] == "`" { n += 1 }
                    if let e = codeSpanEnd(from: k + n, n: n) {
                        let p = pairKey; pairKey += 1
                        tokens.append(.code(.open, name: "code", raw: raw(k, k + n), pairKey: p, from: from[k], to: to[k + n - 1]))
                        chars(k + n, e)
                        tokens.append(.code(.close, name: "code", raw: raw(e, e + n), pairKey: p, from: from[e], to: to[e + n - 1]))
                        k = e + n
                    } else {
                        chars(k, k + n); k += n
                    }
                case "!" where k + 1 < u.count && u[k + 1] == "[":
                    if let l = linkEnd(from: k + 1), u[l.close + 1] == "(" {
                        tokens.append(.code(.empty, name: "img", raw: raw(k, l.end), pairKey: 0, from: from[k], to: to[l.end - 1]))
                        k = l.end
                    } else {
                        chars(k, k + 1); k += 1
                    }
                case "[":
                    if let l = linkEnd(from: k) {
                        let p = pairKey; pairKey += 1
                        tokens.append(.code(.open, name: "a", raw: "[", pairKey: p, from: from[k], to: to[k]))
                        linkCloses[l.close] = (l.end, p)
                        k += 1
                    } else {
                        chars(k, k + 1); k += 1
                    }
                case "<":
                    if let a = angle(at: k) {
                        var p = 0
                        switch a.kind {
                        case .open:
                            p = pairKey; pairKey += 1
                            htmlOpen.append((a.name, p))
                        case .close:
                            if let m = htmlOpen.lastIndex(where: { $0.name == a.name }) {
                                p = htmlOpen[m].pair
                                htmlOpen.removeSubrange(m...)
                            }
                        case .empty: break
                        }
                        if a.kind == .empty && a.name == "br" {
                            tokens.append(.char(" ", from: from[k], to: to[a.end - 1]))
                        }
                        tokens.append(.code(a.kind, name: a.name, raw: raw(k, a.end), pairKey: p, from: from[k], to: to[a.end - 1]))
                        k = a.end
                    } else {
                        chars(k, k + 1); k += 1
                    }
                case "&":
                    if let (e, end) = entity(at: k) {
                        tokens.append(.char(e, from: from[k], to: to[end - 1]))
                        k = end
                    } else {
                        chars(k, k + 1); k += 1
                    }
                case "*", "_", "~":
                    var n = 0
                    while k + n < u.count && u[k + n] == c { n += 1 }
                    let before: Unicode.Scalar? = k > 0 ? u[k - 1] : nil
                    let after: Unicode.Scalar? = k + n < u.count ? u[k + n] : nil
                    let left = !InlineReader.isSpace(after)
                        && (!InlineReader.isPunctuation(after!) || InlineReader.isSpace(before) || InlineReader.isPunctuation(before!))
                    let right = !InlineReader.isSpace(before)
                        && (!InlineReader.isPunctuation(before!) || InlineReader.isSpace(after) || InlineReader.isPunctuation(after!))
                    var canOpen = left, canClose = right
                    if c == "_" {
                        canOpen = left && (!right || InlineReader.isPunctuation(before!))
                        canClose = right && (!left || InlineReader.isPunctuation(after!))
                    }
                    if c == "~" && n != 2 { canOpen = false; canClose = false }
                    if canOpen || canClose {
                        tokens.append(.delimiter(delims.count))
                        delims.append(Delimiter(char: c, count: n, remaining: n, canOpen: canOpen, canClose: canClose, from: k))
                    } else {
                        chars(k, k + n)
                    }
                    k += n
                default:
                    chars(k, k + 1); k += 1
                }
            }
            // Emphasis: each closing run pairs with the nearest opening run of its character.
            var stack: [Int] = []
            var pairs: [(opener: Int, closer: Int, size: Int, key: Int)] = []
            for d in delims.indices {
                if delims[d].canClose {
                    while delims[d].remaining > 0 {
                        // (CommonMark's rule of three: when either run can both open and close, their lengths
                        // may not add up to a multiple of three unless both are multiples of three.)
                        guard let si = stack.lastIndex(where: { o in
                            let (a, b) = (delims[o], delims[d])
                            guard a.char == b.char, a.remaining > 0 else { return false }
                            if (a.canOpen && a.canClose) || (b.canOpen && b.canClose) {
                                return (a.count + b.count) % 3 != 0 || (a.count % 3 == 0 && b.count % 3 == 0)
                            }
                            return true
                        }) else { break }
                        let o = stack[si]
                        let size = delims[d].char == "~" ? 2 : (delims[o].remaining >= 2 && delims[d].remaining >= 2 ? 2 : 1)
                        pairs.append((o, d, size, pairKey))
                        delims[o].opens.append(pairs.count - 1)
                        delims[d].closes.append(pairs.count - 1)
                        pairKey += 1
                        delims[o].remaining -= size
                        delims[d].remaining -= size
                        // Runs between them can no longer pair.
                        stack.removeSubrange((si + 1)...)
                        if delims[o].remaining == 0 { stack.remove(at: si) }
                    }
                }
                if delims[d].canOpen && delims[d].remaining > 0 { stack.append(d) }
            }
            // The block's text and codes.
            var text = String.UnicodeScalarView()
            var starts: [Int] = [], ends: [Int] = []
            var codes: [HTMLText.Code] = []
            var pendingSpace = false, spaceFrom = 0
            var numbers: [Int: Int] = [:] // pair key → pair number in the block
            func number(_ key: Int) -> Int {
                if key == 0 { return 0 }
                if let n = numbers[key] { return n }
                numbers[key] = numbers.count + 1
                return numbers.count
            }
            func flushSpace() {
                if pendingSpace && !text.isEmpty && text.last != " " {
                    text.append(" "); starts.append(spaceFrom); ends.append(spaceFrom)
                }
                pendingSpace = false
            }
            /// An empty code just written after a space: white space after it goes into its raw text,
            /// so that the markup keeps both spaces around it ("See ![map](m.png) and").
            var spacedCode: Int?
            func emit(_ c: Unicode.Scalar, _ a: Int, _ b: Int) {
                if c.properties.isWhitespace && c != "\u{A0}" {
                    if let k = spacedCode {
                        codes[k].raw += " "
                        codes[k].sourceEnd = b
                        spacedCode = nil
                        return
                    }
                    if !pendingSpace { spaceFrom = a }
                    pendingSpace = true
                    return
                }
                spacedCode = nil
                flushSpace()
                text.append(c); starts.append(a); ends.append(b)
            }
            // (A space already written before a code is not doubled by the one after it.)
            func code(_ kind: HTMLText.Code.Kind, _ name: String, _ raw: String, _ key: Int, _ a: Int, _ b: Int) {
                if kind != .close { flushSpace() }
                codes.append(HTMLText.Code(kind: kind, name: name, raw: raw, position: text.count, pair: number(key), sourceStart: a, sourceEnd: b))
                spacedCode = kind == .empty && text.last == " " && !pendingSpace ? codes.count - 1 : nil
            }
            let names: [Unicode.Scalar: (one: String, two: String)] = ["*": ("i", "b"), "_": ("i", "b"), "~": ("s", "s")]
            for t in tokens {
                switch t {
                case .char(let c, let a, let b): emit(c, a, b)
                case .code(let kind, let name, let raw, let key, let a, let b): code(kind, name, raw, key, a, b)
                case .delimiter(let d):
                    let r = delims[d]
                    var at = r.from
                    // Closing codes come first (innermost first), then literal leftovers, then opening codes (outermost first).
                    for p in r.closes {
                        let size = pairs[p].size
                        code(.close, size == 2 ? names[r.char]!.two : names[r.char]!.one, String(repeating: String(Character(r.char)), count: size), pairs[p].key,
                             from[at], to[at + size - 1])
                        at += size
                    }
                    for _ in 0..<r.remaining { emit(r.char, from[at], to[at]); at += 1 }
                    for p in r.opens.reversed() {
                        let size = pairs[p].size
                        code(.open, size == 2 ? names[r.char]!.two : names[r.char]!.one, String(repeating: String(Character(r.char)), count: size), pairs[p].key,
                             from[at], to[at + size - 1])
                        at += size
                    }
                }
            }
            guard !text.isEmpty else { return nil }
            // Codes after the last character sit at its end (trailing spaces are not text).
            return HTMLText.Block(text: String(text), element: element, sourceStart: starts, sourceEnd: ends, codes: codes, line: line, isHTML: false)
        }
    }
}
