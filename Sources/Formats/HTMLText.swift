import Foundation

/// The translatable text of an HTML page: the text of its blocks (title, headings, paragraphs,
/// list items, captions, table cells, quotes…), without scripts, styles, navigation, forms and
/// buttons, with inline markup (`<b>`, `<a href>`, `<br>`…) kept as codes beside the text.
///
/// The reader is tolerant as browsers are: unclosed `<p>` and `<li>`, void elements, unquoted
/// attributes, named character references. Each block's text has its white space collapsed;
/// every character of it knows where it was in the page (Unicode scalar offsets), and every
/// inline tag where it sits in the text, so that a sentence of a block can be written as a
/// TMX segment with its tags as `bpt`/`ept`/`ph`/`it` elements.
public enum HTMLText {
    /// An inline tag at a position of a block's text.
    public struct Code: Sendable, Equatable {
        public enum Kind: Sendable { case open, close, empty }
        public var kind: Kind
        /// Element name, lower case.
        public var name: String
        /// The tag as written in the page.
        public var raw: String
        /// Offset in the block text (Unicode scalars) where the tag sits.
        public var position: Int
        /// Pairs an opening tag with its closing tag (0 for empty tags and unpaired ones).
        public var pair: Int
        /// Where the code is in the document (Unicode scalars; -1 when not known).
        public var sourceStart = -1
        public var sourceEnd = -1
    }

    public struct Block: Sendable {
        /// The text, white space collapsed, entities decoded.
        public var text: String
        /// Element the block came from ("p", "h1", "li", "title"…).
        public var element: String
        /// For each Unicode scalar of `text`: its offset in the page, and the offset just past it.
        public var sourceStart: [Int]
        public var sourceEnd: [Int]
        public var codes: [Code]
        /// 1-based line in the page.
        public var line: Int
        /// Whether the block's text is HTML's (false for Markdown's own blocks): how a translation of
        /// it is escaped when written back (`DocumentXLIFF.merge`).
        public var isHTML = true
    }

    static let blockElements: Set<String> = [
        "title", "h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "figcaption", "caption", "td", "th",
        "blockquote", "div", "section", "article", "header", "footer", "main", "aside", "ul", "ol", "dl", "table",
        "tr", "thead", "tbody", "tfoot", "figure", "body", "html", "head", "pre", "address", "hr", "details", "summary", "legend", "fieldset",
    ]
    /// Elements whose content is not page text.
    static let skipped: Set<String> = ["script", "style", "noscript", "template", "svg", "math", "nav", "form", "button", "select",
                                       "textarea", "iframe", "object", "canvas", "audio", "video", "menu"]
    static let void: Set<String> = ["br", "img", "hr", "wbr", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "param"]

    /// Whether `text` looks like an HTML page (by its first tag).
    public static func looksLikeHTML(_ text: String) -> Bool {
        let head = text.prefix(1024).drop { $0.isWhitespace || $0 == "\u{FEFF}" }.lowercased()
        return head.hasPrefix("<!doctype html") || head.hasPrefix("<html") || head.hasPrefix("<head") || head.hasPrefix("<body")
            || (head.hasPrefix("<") && head.contains("<p"))
    }

    public static func blocks(_ html: String) -> [Block] {
        var reader = Reader(scalars: Array(html.unicodeScalars))
        reader.run()
        return reader.blocks
    }

    private struct Reader {
        let s: [Unicode.Scalar]
        var i = 0
        var line = 1
        var blocks: [Block] = []
        // The block being gathered.
        var text = String.UnicodeScalarView()
        var starts: [Int] = [], ends: [Int] = []
        var codes: [Code] = []
        var element = "body"
        var blockLine = 1
        var pendingSpace = false
        var openPairs: [(name: String, pair: Int)] = []
        var nextPair = 1
        var inTitle = false
        /// An empty element just written after a space: white space after it goes into its raw
        /// text, so that the markup keeps both spaces around it ("an image <img src=a.png> here").
        var spacedCode: Int?

        init(scalars: [Unicode.Scalar]) { s = scalars }

        mutating func flush() {
            // Trailing tags after the last character stay; the text is already trimmed at the start.
            if !text.isEmpty {
                blocks.append(Block(text: String(text), element: element, sourceStart: starts, sourceEnd: ends,
                                    codes: codes, line: blockLine))
            }
            text = String.UnicodeScalarView()
            starts = []; ends = []; codes = []
            pendingSpace = false
            openPairs = []
            spacedCode = nil
        }

        mutating func append(_ u: Unicode.Scalar, from: Int, to: Int) {
            if u.properties.isWhitespace && u != "\u{A0}" {
                if let k = spacedCode {
                    codes[k].raw += " "
                    codes[k].sourceEnd = to
                    spacedCode = nil
                    return
                }
                pendingSpace = !text.isEmpty
                return
            }
            spacedCode = nil
            if text.isEmpty { blockLine = line }
            if pendingSpace {
                if text.last != " " {
                    text.append(" ")
                    starts.append(from); ends.append(from)
                }
                pendingSpace = false
            }
            text.append(u)
            starts.append(from); ends.append(to)
        }

        func starts(with lit: String, at k: Int) -> Bool {
            var j = k
            for c in lit.unicodeScalars { // the literals are lower-case ASCII
                guard j < s.count else { return false }
                let v = s[j].value
                guard v == c.value || (v >= 0x41 && v <= 0x5A && v | 0x20 == c.value) else { return false }
                j += 1
            }
            return true
        }

        mutating func advance(to k: Int) {
            while i < k && i < s.count { if s[i] == "\n" { line += 1 }; i += 1 }
        }

        mutating func run() {
            while i < s.count {
                let c = s[i]
                if c == "<" {
                    if starts(with: "<!--", at: i) { skip(past: "-->"); continue }
                    if starts(with: "<!", at: i) || starts(with: "<?", at: i) { skip(past: ">"); continue }
                    if let tag = readTag() {
                        handle(tag)
                        continue
                    }
                    append(c, from: i, to: i + 1)
                    advance(to: i + 1)
                    continue
                }
                if c == "&" {
                    let (u, len) = entity(at: i)
                    if let u { append(u, from: i, to: i + len) } else { append(c, from: i, to: i + 1) }
                    advance(to: i + max(1, u == nil ? 1 : len))
                    continue
                }
                append(c, from: i, to: i + 1)
                advance(to: i + 1)
            }
            flush()
        }

        mutating func skip(past lit: String) {
            var k = i
            while k < s.count && !starts(with: lit, at: k) { k += 1 }
            advance(to: min(s.count, k + lit.unicodeScalars.count))
        }

        struct Tag { var name: String; var closing: Bool; var selfClosing: Bool; var raw: String; var attributes: String; var start: Int }

        /// A tag at `i`, or nil when '<' does not start one (then it is text).
        mutating func readTag() -> Tag? {
            var k = i + 1
            var closing = false
            if k < s.count && s[k] == "/" { closing = true; k += 1 }
            guard k < s.count, s[k].properties.isAlphabetic, s[k].isASCII else { return nil }
            let nameStart = k
            while k < s.count, s[k].isASCII, s[k].properties.isAlphabetic || s[k].properties.numericType != nil || s[k] == "-" || s[k] == ":" { k += 1 }
            let name = String(String.UnicodeScalarView(s[nameStart..<k])).lowercased()
            let attrStart = k
            var quote: Unicode.Scalar? = nil
            while k < s.count {
                let c = s[k]
                if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c } else if c == ">" { break }
                k += 1
            }
            guard k < s.count else { return nil }
            let raw = String(String.UnicodeScalarView(s[i...k]))
            let attrs = String(String.UnicodeScalarView(s[attrStart..<k]))
            let start = i
            advance(to: k + 1)
            return Tag(name: name, closing: closing, selfClosing: attrs.hasSuffix("/"), raw: raw, attributes: attrs, start: start)
        }

        mutating func handle(_ tag: Tag) {
            let name = tag.name
            if !tag.closing && (HTMLText.skipped.contains(name) || tag.attributes.lowercased().contains("role=\"navigation\"")) && !tag.selfClosing {
                skipElement(name)
                return
            }
            if name == "script" || name == "style" { return }
            if name == "br" {
                // A line break inside a block ends a segment as a paragraph does.
                flush()
                return
            }
            if HTMLText.blockElements.contains(name) {
                flush()
                if !tag.closing { element = name }
                return
            }
            // Inline: a code at the current position of the text.
            let position = text.count + (pendingSpace && !tag.closing ? 1 : 0)
            if pendingSpace && !tag.closing && !text.isEmpty {
                // "word <b>bold": the space belongs before the tag.
                text.append(" "); starts.append(tag.start); ends.append(tag.start)
                pendingSpace = false
            }
            spacedCode = nil
            if HTMLText.void.contains(name) || tag.selfClosing {
                codes.append(Code(kind: .empty, name: name, raw: tag.raw, position: text.count, pair: 0, sourceStart: tag.start, sourceEnd: i))
                if text.last == " " && !pendingSpace { spacedCode = codes.count - 1 }
            } else if tag.closing {
                if let k = openPairs.lastIndex(where: { $0.name == name }) {
                    let p = openPairs[k].pair
                    openPairs.remove(at: k)
                    codes.append(Code(kind: .close, name: name, raw: tag.raw, position: min(position, text.count), pair: p, sourceStart: tag.start, sourceEnd: i))
                } else {
                    codes.append(Code(kind: .close, name: name, raw: tag.raw, position: text.count, pair: 0, sourceStart: tag.start, sourceEnd: i))
                }
            } else {
                openPairs.append((name, nextPair))
                codes.append(Code(kind: .open, name: name, raw: tag.raw, position: text.count, pair: nextPair, sourceStart: tag.start, sourceEnd: i))
                nextPair += 1
            }
        }

        /// Skips to the end of an element whose content is not text (nested ones of the same name counted).
        mutating func skipElement(_ name: String) {
            var depth = 1
            while i < s.count && depth > 0 {
                if s[i] == "<" {
                    if starts(with: "<!--", at: i) { skip(past: "-->"); continue }
                    if (name == "script" || name == "style") && !starts(with: "</", at: i) { advance(to: i + 1); continue }
                    if let t = readTag() {
                        if t.name == name && !HTMLText.void.contains(name) { depth += t.closing ? -1 : (t.selfClosing ? 0 : 1) }
                        continue
                    }
                }
                advance(to: i + 1)
            }
        }

        /// A character reference at `k` ('&'): the character and the reference's length.
        func entity(at k: Int) -> (Unicode.Scalar?, Int) {
            var j = k + 1
            var name = ""
            while j < s.count, j - k <= 32, s[j] != ";" {
                guard s[j].isASCII, s[j].properties.isAlphabetic || s[j].properties.numericType != nil || s[j] == "#" else { return (nil, 1) }
                name.unicodeScalars.append(s[j])
                j += 1
            }
            guard j < s.count, s[j] == ";" else { return (nil, 1) }
            let len = j - k + 1
            if name.hasPrefix("#") {
                let digits = name.dropFirst()
                let v = digits.lowercased().hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
                return (v.flatMap(Unicode.Scalar.init), len)
            }
            return (HTMLText.entities[name], len)
        }
    }

    static let entities: [String: Unicode.Scalar] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "mdash": "\u{2014}", "ndash": "\u{2013}",
        "laquo": "\u{AB}", "raquo": "\u{BB}", "hellip": "\u{2026}", "copy": "\u{A9}", "reg": "\u{AE}", "trade": "\u{2122}",
        "lsquo": "\u{2018}", "rsquo": "\u{2019}", "ldquo": "\u{201C}", "rdquo": "\u{201D}", "bdquo": "\u{201E}", "sbquo": "\u{201A}",
        "shy": "\u{AD}", "thinsp": "\u{2009}", "ensp": "\u{2002}", "emsp": "\u{2003}", "euro": "\u{20AC}", "pound": "\u{A3}",
        "yen": "\u{A5}", "cent": "\u{A2}", "deg": "\u{B0}", "middot": "\u{B7}", "bull": "\u{2022}", "times": "\u{D7}", "divide": "\u{F7}",
        "minus": "\u{2212}", "plusmn": "\u{B1}", "sect": "\u{A7}", "para": "\u{B6}", "numero": "\u{2116}", "prime": "\u{2032}",
        "eacute": "\u{E9}", "egrave": "\u{E8}", "agrave": "\u{E0}", "ccedil": "\u{E7}", "uuml": "\u{FC}", "ouml": "\u{F6}", "auml": "\u{E4}",
        "szlig": "\u{DF}", "zwj": "\u{200D}", "zwnj": "\u{200C}", "iexcl": "\u{A1}", "iquest": "\u{BF}",
    ]
}

extension HTMLText.Block {
    /// The codes that belong to the segment spanning `range` (Unicode scalars of `text`): opening
    /// tags at its edges belong to the segment they open, closing ones to the one they close.
    func codes(in range: Range<Int>, isFirst: Bool, isLast: Bool) -> [HTMLText.Code] {
        codes.filter { c in
            switch c.kind {
            case .open: return c.position >= range.lowerBound && (c.position < range.upperBound || (isLast && c.position == range.upperBound))
            case .close, .empty: return (c.position > range.lowerBound || (isFirst && c.position == range.lowerBound) || (c.kind == .empty && c.position == range.lowerBound))
                && c.position <= range.upperBound
            }
        }
    }

    /// Where the segment spanning `range` is in the document: its characters and its codes.
    public func sourceSpan(_ range: Range<Int>, isFirst: Bool, isLast: Bool) -> Range<Int> {
        var lo = sourceStart[range.lowerBound], hi = sourceEnd[range.upperBound - 1]
        for c in codes(in: range, isFirst: isFirst, isLast: isLast) where c.sourceStart >= 0 {
            lo = min(lo, c.sourceStart)
            hi = max(hi, c.sourceEnd)
        }
        return lo..<hi
    }

    /// How a segment's inline codes are written: as TMX 1.4 or as XLIFF 1.2 elements (the same
    /// bpt/ept/ph/it elements, with XLIFF's attributes).
    public enum MarkupStyle: Sendable { case tmx, xliff }

    /// The segment of this block spanning `range` (Unicode scalars of `text`, as the segmenter
    /// gives it) as TMX segment content: text escaped, tags whose partner is inside the segment as
    /// `bpt`/`ept`, the others as `it`, empty elements as `ph`. Nil when the segment has no tag.
    public func tmxMarkup(_ range: Range<Int>, isFirst: Bool, isLast: Bool, style: MarkupStyle = .tmx) -> String? {
        let inside = codes(in: range, isFirst: isFirst, isLast: isLast)
        guard !inside.isEmpty else { return nil }
        let pairsHere = Set(inside.filter { $0.kind == .open }.map(\.pair))
            .intersection(inside.filter { $0.kind == .close }.map(\.pair))
        var out = ""
        let scalars = Array(text.unicodeScalars)
        var k = 0
        var x = 1
        var ids: [Int: Int] = [:]
        func emit(upTo p: Int) {
            while range.lowerBound + k < min(p, range.upperBound) {
                out += TMXWriter.escape(String(scalars[range.lowerBound + k]), quotes: false)
                k += 1
            }
        }
        let xliff = style == .xliff
        for c in inside {
            emit(upTo: c.position)
            let raw = TMXWriter.escape(c.raw, quotes: false)
            switch c.kind {
            case .empty:
                out += xliff ? "<ph id=\"\(x)\">\(raw)</ph>" : "<ph x=\"\(x)\">\(raw)</ph>"; x += 1
            case .open where pairsHere.contains(c.pair):
                ids[c.pair] = x
                out += xliff ? "<bpt id=\"\(x)\">\(raw)</bpt>" : "<bpt i=\"\(x)\">\(raw)</bpt>"; x += 1
            case .close where pairsHere.contains(c.pair):
                out += xliff ? "<ept id=\"\(ids[c.pair]!)\">\(raw)</ept>" : "<ept i=\"\(ids[c.pair]!)\">\(raw)</ept>"
            case .open:
                out += xliff ? "<it id=\"\(x)\" pos=\"open\">\(raw)</it>" : "<it pos=\"begin\" x=\"\(x)\">\(raw)</it>"; x += 1
            case .close:
                out += xliff ? "<it id=\"\(x)\" pos=\"close\">\(raw)</it>" : "<it pos=\"end\" x=\"\(x)\">\(raw)</it>"; x += 1
            }
        }
        emit(upTo: range.upperBound)
        return out
    }
}
