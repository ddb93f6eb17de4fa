import Foundation

/// XLIFF 1.2 and 2.0 translation units: read with their byte positions, so that targets can be
/// written into the file without touching anything else.
public enum XLIFF {
    public struct Unit: Sendable {
        /// trans-unit (1.2) or unit/segment (2.0) id.
        public var id: String?
        /// Plain text of the source and target; inline codes (`g`, `x`, `ph`, `bpt`, `pc`, …) left out.
        public var source: String
        public var target: String?
        public var state: String?
        public var line: Int
        /// The source's inline codes that hold their original markup (`bpt`, `ept`, `ph`, `it`), in order.
        public var sourceCodes: [InlineCode] = []
        /// Whether the source has other inline elements (`g`, `x`, `mrk`, …): a target must keep
        /// them, and tmkit cannot write them from the memory.
        public var sourceHasOtherElements = false
        /// The target's inline codes that hold markup, in order (empty without a target).
        public var targetCodes: [InlineCode] = []
        /// The source and target as TMX segment content (codes as TMX's bpt/ept/ph/it), when they
        /// have codes and no other inline element: what a memory stores beside the plain text.
        public var sourceMarkup: String?
        public var targetMarkup: String?
        /// Byte offset just after `</source>`.
        var sourceEnd: Int
        /// Byte range of the existing `<target>` element, if any.
        var targetRange: Range<Int>?
        /// The white space before `<source>`, to indent an inserted target alike.
        var indent: String
    }

    /// An inline code of a source: its element, id, position (`it`) and the markup it holds.
    public struct InlineCode: Sendable, Equatable {
        public var element: String
        public var id: String?
        public var pos: String?
        public var raw: String
    }

    public struct Document: Sendable {
        public var version: String
        public var units: [Unit]
        public var bytes: [UInt8]
        /// Made by `tmkit l10n extract` (a document's sentences, in order): unit ids are places in
        /// that document, not keys.
        public var isExtractedDocument = false
    }

    /// Reads an XLIFF file (UTF-8) with the position of every source and target.
    public static func read(_ bytes: [UInt8], file: String) throws -> Document {
        let p = try XMLPullParser(bytes: bytes)
        var units: [Unit] = []
        var version = "1.2"
        var id: String?
        var inUnit = false
        var field: String? // "source" or "target"
        var depth = 0
        var source = "", target = ""
        var state: String?
        var sourceEnd = 0, sourceStart = 0, targetStart = 0
        var targetRange: Range<Int>?
        var hasTarget = false
        var line = 0
        var codes: [InlineCode] = [], otherElements = false, targetCodes: [InlineCode] = []
        var code: InlineCode? // the source or target code being read
        // The source's and target's TMX form, and whether an element TMX cannot carry was met.
        var tmx = ["source": "", "target": ""], tmxBroken = ["source": false, "target": false]
        var pairNumbers: [String: Int] = [:], nextNumber = 1
        var sawSkeleton = false, tmkitFile = false
        let local = XMLPullParser.localName
        do {
            while let ev = try p.next() {
                switch ev {
                case .start(let raw, let a, let sc):
                    let n = local(raw)
                    if n == "xliff" { version = a["version"] ?? version }
                    if n == "file" && a["tool-id"] == "tmkit" { tmkitFile = true }
                    if n == "internal-file" { sawSkeleton = true }
                    if n == "trans-unit" || (n == "segment" && version.hasPrefix("2")) || (n == "unit" && version.hasPrefix("2") && id == nil) {
                        if n != "unit" || !inUnit {
                            inUnit = true
                            id = a["id"] ?? id
                            source = ""; target = ""; state = nil; targetRange = nil; hasTarget = false
                            codes = []; otherElements = false; code = nil; targetCodes = []
                            tmx = ["source": "", "target": ""]; tmxBroken = ["source": false, "target": false]
                            line = p.eventLine
                        }
                    }
                    if inUnit && field == nil && (n == "source" || n == "target") {
                        field = n
                        depth = 0
                        if n == "source" || n == "target" { pairNumbers = [:]; nextNumber = 1 }
                        if n == "source" { sourceStart = p.eventStart }
                        if n == "target" {
                            hasTarget = true
                            targetStart = p.eventStart
                            state = a["state"] ?? state
                            if sc { targetRange = targetStart..<p.eventEnd }
                        }
                        if sc { if n == "source" { sourceEnd = p.eventEnd }; field = nil }
                    } else if field != nil {
                        depth += 1
                        if depth == 1 {
                            if ["bpt", "ept", "ph", "it"].contains(n) {
                                code = InlineCode(element: n, id: a["id"], pos: a["pos"], raw: "")
                            } else {
                                if field == "source" { otherElements = true }
                                tmxBroken[field!] = true
                            }
                        }
                    }
                    if n == "segment", version.hasPrefix("2") { state = a["state"] }
                case .text(let t):
                    if field == "source" && depth == 0 { source += t }
                    if let f = field, depth == 0 { tmx[f]! += TMXWriter.escape(t, quotes: false) }
                    if field != nil && depth >= 1 { code?.raw += t }
                    if field == "target" && depth == 0 { target += t }
                case .end(let raw):
                    let n = local(raw)
                    if field != nil && depth > 0 {
                        if depth == 1, let c = code {
                            if field == "source" { codes.append(c) } else { targetCodes.append(c) }
                            // TMX numbers a pair's bpt and ept alike (i), any other code anew (x).
                            let raw = TMXWriter.escape(c.raw, quotes: false)
                            var number = nextNumber
                            if c.element == "bpt" || c.element == "ept", let id = c.id {
                                if let known = pairNumbers[id] { number = known } else { pairNumbers[id] = number; nextNumber += 1 }
                            } else {
                                nextNumber += 1
                            }
                            switch c.element {
                            case "bpt", "ept": tmx[field!]! += "<\(c.element) i=\"\(number)\">\(raw)</\(c.element)>"
                            case "ph": tmx[field!]! += "<ph x=\"\(number)\">\(raw)</ph>"
                            default: tmx[field!]! += "<it pos=\"\(c.pos == "close" ? "end" : "begin")\" x=\"\(number)\">\(raw)</it>"
                            }
                            code = nil
                        }
                        depth -= 1
                        continue
                    }
                    if field == "source" && n == "source" { sourceEnd = p.eventEnd; field = nil }
                    else if field == "target" && n == "target" { targetRange = targetStart..<p.eventEnd; field = nil }
                    if n == "trans-unit" || (n == "segment" && version.hasPrefix("2")) {
                        // Indentation: the white space between the line start and <source>.
                        var k = sourceStart
                        while k > 0, bytes[k - 1] == 0x20 || bytes[k - 1] == 0x09 { k -= 1 }
                        let indent = String(decoding: bytes[k..<sourceStart], as: UTF8.self)
                        units.append(Unit(id: id, source: source, target: hasTarget ? target : nil, state: state, line: line,
                                          sourceCodes: codes, sourceHasOtherElements: otherElements, targetCodes: targetCodes,
                                          sourceMarkup: codes.isEmpty || tmxBroken["source"]! ? nil : tmx["source"],
                                          targetMarkup: targetCodes.isEmpty || tmxBroken["target"]! ? nil : tmx["target"],
                                          sourceEnd: sourceEnd, targetRange: targetRange, indent: indent))
                        inUnit = false
                        if n == "trans-unit" { id = nil }
                    }
                    if n == "unit" { id = nil; inUnit = false }
                }
            }
        } catch let e as XMLPullParser.ParseError {
            throw FormatError(file: file, line: e.line, "not well-formed XML: \(e.message)")
        }
        if p.wasUTF16 { throw FormatError(file: file, line: nil, "UTF-16 XLIFF is not supported for writing; convert it to UTF-8") }
        return Document(version: version, units: units, bytes: bytes, isExtractedDocument: tmkitFile && sawSkeleton)
    }

    /// A translation to write into a unit.
    public struct Fill {
        public var unit: Unit
        public var text: String
        public var needsReview: Bool
        /// The target's content as XML, inline codes included (written as it is; else `text`, escaped).
        public var markup: String?
        public init(unit: Unit, text: String, needsReview: Bool, markup: String? = nil) {
            self.unit = unit
            self.text = text
            self.needsReview = needsReview
            self.markup = markup
        }
    }

    /// A TMX inline code at the start of a string: its element, attributes and content.
    private static let tmxCode = try! NSRegularExpression(pattern: #"^<(bpt|ept|ph|it)((?:\s+[a-z]+="[^"]*")*)>(.*?)</\1>"#, options: [.dotMatchesLineSeparators])

    /// A translation's content with the source's codes, from a memory's target written as TMX
    /// segment content (`tmxMarkup`): each of its codes must be one of the source's (the same
    /// element and markup), and every source code must be used, else nil (the translation cannot
    /// carry the source's markup). The codes take the source's ids.
    public static func targetMarkup(fromTMX tmx: String, source codes: [InlineCode]) -> String? {
        var out = ""
        var used = [Bool](repeating: false, count: codes.count)
        var rest = tmx[...]
        while let lt = rest.firstIndex(of: "<") {
            out += rest[..<lt]
            let tail = String(rest[lt...])
            guard let m = tmxCode.firstMatch(in: tail, range: NSRange(tail.startIndex..., in: tail)),
                  let whole = Range(m.range, in: tail) else { return nil }
            let name = String(tail[Range(m.range(at: 1), in: tail)!])
            let attrs = String(tail[Range(m.range(at: 2), in: tail)!])
            let raw = XLIFF.unescape(String(tail[Range(m.range(at: 3), in: tail)!]))
            let pos: String? = name == "it" ? (attrs.contains("pos=\"begin\"") ? "open" : "close") : nil
            guard let k = codes.indices.first(where: { !used[$0] && codes[$0].element == name && codes[$0].raw == raw && (name != "it" || codes[$0].pos == pos) })
            else { return nil }
            used[k] = true
            let c = codes[k]
            out += "<\(name)" + (c.id.map { " id=\"\(TMXWriter.escape($0, quotes: true))\"" } ?? "") + (c.pos.map { " pos=\"\($0)\"" } ?? "")
                + ">\(TMXWriter.escape(raw, quotes: false))</\(name)>"
            rest = tail[whole.upperBound...]
        }
        out += rest
        return used.allSatisfy { $0 } ? out : nil
    }

    /// XML text with its five entities and character references read.
    static func unescape(_ s: String) -> String {
        guard s.contains("&") else { return s }
        var out = ""
        var rest = s[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { break }
            let name = rest[rest.index(after: amp)..<semi]
            var c: String?
            switch name {
            case "lt": c = "<"
            case "gt": c = ">"
            case "amp": c = "&"
            case "quot": c = "\""
            case "apos": c = "'"
            default:
                if name.hasPrefix("#x") || name.hasPrefix("#X") { c = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) } }
                else if name.hasPrefix("#") { c = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) } }
            }
            if let c { out += c; rest = rest[rest.index(after: semi)...] } else { out += "&"; rest = rest[rest.index(after: amp)...] }
        }
        out += rest
        return out
    }

    /// The document with targets written: an empty `<target>` replaced, or a new one inserted
    /// after `</source>`; every other byte unchanged. States: XLIFF 1.2 `translated` /
    /// `needs-review-translation`; 2.0 targets carry no state (segments keep theirs).
    public static func apply(_ fills: [Fill], to doc: Document) -> [UInt8] {
        var out = doc.bytes
        let v2 = doc.version.hasPrefix("2")
        for f in fills.sorted(by: { $0.unit.sourceEnd > $1.unit.sourceEnd }) {
            let state = v2 ? "" : " state=\"\(f.needsReview ? "needs-review-translation" : "translated")\""
            let element = "<target\(state)>\(f.markup ?? TMXWriter.escape(f.text, quotes: false))</target>"
            if let r = f.unit.targetRange {
                out.replaceSubrange(r, with: Array(element.utf8))
            } else {
                out.insert(contentsOf: Array(("\n" + f.unit.indent + element).utf8), at: f.unit.sourceEnd)
            }
        }
        return out
    }
}
