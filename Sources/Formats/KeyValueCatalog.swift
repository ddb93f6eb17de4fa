import Foundation
import ICUText

/// Single-language string catalogs — JSON string files (flat or nested, i18next style) and Apple
/// `.strings` — read with the byte range of every value, so that a translated file can be
/// written with nothing changed but the values.
public enum KeyValueCatalog {
    public struct Entry: Sendable {
        /// Dotted path of nested JSON keys, or the `.strings` key.
        public var key: String
        public var value: String
        public var line: Int
        /// Byte range of the value's literal, quotes included.
        public var range: Range<Int>
        /// Where the entry starts (the key's opening quote in `.strings`).
        public var start: Int
    }

    public enum Kind: Sendable { case json, strings, android }

    public static func kind(ofExtension ext: String) -> Kind? {
        switch ext { case "json": .json; case "strings": .strings; case "xml": .android; default: nil }
    }

    public static func read(_ bytes: [UInt8], kind: Kind, file: String) throws -> [Entry] {
        switch kind {
        case .json: try readJSON(bytes, file: file)
        case .strings: try readStrings(bytes, file: file)
        case .android: try readAndroid(bytes, file: file)
        }
    }

    /// `bytes` with the values of `replacements` (entry index → new value) written in the
    /// catalog's own string syntax.
    /// In `.strings`, entries listed in `review` get a `/* review: fuzzy match */` comment before them
    /// (JSON has no comments).
    public static func write(_ bytes: [UInt8], entries: [Entry], replacements: [Int: String], review: Set<Int> = [], kind: Kind) -> [UInt8] {
        var out = bytes
        for (i, value) in replacements.sorted(by: { entries[$0.key].range.lowerBound > entries[$1.key].range.lowerBound }) {
            out.replaceSubrange(entries[i].range, with: Array(literal(value, kind).utf8))
            if kind == .strings, review.contains(i) {
                out.insert(contentsOf: Array("/* review: fuzzy match */ ".utf8), at: entries[i].start)
            }
            if kind == .android, review.contains(i) {
                out.insert(contentsOf: Array("<!-- review: fuzzy match -->".utf8), at: entries[i].start)
            }
        }
        return out
    }

    static func literal(_ s: String, _ kind: Kind) -> String {
        if kind == .android {
            // Android resources: XML escapes, then backslash escapes for quotes and line breaks.
            var out = ""
            for c in s {
                switch c {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "'": out += "\\'"
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "@" where out.isEmpty, "?" where out.isEmpty: out += "\\" + String(c)
                default: out.append(c)
                }
            }
            return out
        }
        var out = ""
        JSONString.append(s, to: &out, appleStrings: kind == .strings)
        return out
    }

    // MARK: JSON

    private struct JSONScanner {
        let b: [UInt8]
        let file: String
        var i = 0
        var line = 1

        mutating func skipSpace() {
            while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 {
                if b[i] == 0x0A { line += 1 }
                i += 1
            }
        }

        func fail(_ m: String) -> FormatError { FormatError(file: file, line: line, "not valid JSON: \(m)") }

        mutating func string() throws -> (String, Range<Int>) {
            let start = i
            guard i < b.count, b[i] == 0x22 else { throw fail("expected a string") }
            i += 1
            var out = [UInt8]()
            while true {
                guard i < b.count else { throw fail("the file ends inside a string") }
                let c = b[i]
                if c == 0x22 { i += 1; break }
                if c == 0x0A { throw fail("a line break inside a string") }
                if c == 0x5C {
                    guard i + 1 < b.count else { throw fail("a lone backslash") }
                    let e = b[i + 1]
                    i += 2
                    switch e {
                    case 0x6E: out.append(0x0A)
                    case 0x74: out.append(0x09)
                    case 0x72: out.append(0x0D)
                    case 0x62: out.append(0x08)
                    case 0x66: out.append(0x0C)
                    case 0x75:
                        guard i + 4 <= b.count, let v = UInt32(String(decoding: b[i..<i + 4], as: UTF8.self), radix: 16) else { throw fail("a bad \\u escape") }
                        i += 4
                        var scalar = v
                        if (0xD800..<0xDC00).contains(v), i + 6 <= b.count, b[i] == 0x5C, b[i + 1] == 0x75,
                           let lo = UInt32(String(decoding: b[i + 2..<i + 6], as: UTF8.self), radix: 16), (0xDC00..<0xE000).contains(lo) {
                            scalar = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
                            i += 6
                        }
                        out.append(contentsOf: Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
                    default: out.append(e)
                    }
                    continue
                }
                out.append(c)
                i += 1
            }
            guard let s = String(validating: out, as: UTF8.self) else { throw fail("invalid UTF-8 in a string") }
            return (s, start..<i)
        }

        mutating func value(path: String, into entries: inout [Entry]) throws {
            skipSpace()
            guard i < b.count else { throw fail("the file ends where a value should be") }
            switch b[i] {
            case 0x7B: // object
                i += 1
                skipSpace()
                if i < b.count, b[i] == 0x7D { i += 1; return }
                while true {
                    skipSpace()
                    let (key, _) = try string()
                    skipSpace()
                    guard i < b.count, b[i] == 0x3A else { throw fail("expected ':' after \"\(key)\"") }
                    i += 1
                    try value(path: path.isEmpty ? key : path + "." + key, into: &entries)
                    skipSpace()
                    guard i < b.count else { throw fail("the file ends inside an object") }
                    if b[i] == 0x2C { i += 1; continue }
                    if b[i] == 0x7D { i += 1; return }
                    throw fail("expected ',' or '}'")
                }
            case 0x5B: // array
                i += 1
                var k = 0
                skipSpace()
                if i < b.count, b[i] == 0x5D { i += 1; return }
                while true {
                    try value(path: path + "[\(k)]", into: &entries)
                    k += 1
                    skipSpace()
                    guard i < b.count else { throw fail("the file ends inside an array") }
                    if b[i] == 0x2C { i += 1; continue }
                    if b[i] == 0x5D { i += 1; return }
                    throw fail("expected ',' or ']'")
                }
            case 0x22:
                let l = line
                let (s, r) = try string()
                entries.append(Entry(key: path, value: s, line: l, range: r, start: r.lowerBound))
            default: // number, true, false, null
                while i < b.count, !",}] \n\r\t".utf8.contains(b[i]) { i += 1 }
            }
        }
    }

    static func readJSON(_ bytes: [UInt8], file: String) throws -> [Entry] {
        var s = JSONScanner(b: bytes, file: file)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { s.i = 3 }
        var entries: [Entry] = []
        try s.value(path: "", into: &entries)
        s.skipSpace()
        if s.i < bytes.count { throw s.fail("text after the end of the document") }
        return entries
    }

    // MARK: Android strings.xml

    /// `<string name>`, `<plurals name><item quantity>` and `<string-array name><item>` values
    /// (`translatable="false"` left out). A value with markup inside is kept as its inner XML.
    static func readAndroid(_ bytes: [UInt8], file: String) throws -> [Entry] {
        let p = try XMLPullParser(bytes: bytes)
        var entries: [Entry] = []
        var parent: String?
        var itemIndex = 0
        var current: (key: String, start: Int, contentStart: Int, line: Int)?
        var depth = 0
        do {
            guard case .start("resources", _, _)? = try p.next() else {
                throw FormatError(file: file, line: p.eventLine, "not an Android string resource file (no <resources>)")
            }
            while let ev = try p.next() {
                switch ev {
                case .start(let n, let a, let sc):
                    if current != nil { depth += 1; continue }
                    if a["translatable"] == "false" { if !sc { try skip(p) }; continue }
                    switch n {
                    case "string":
                        if let name = a["name"], !sc { current = (name, p.eventStart, p.eventEnd, p.eventLine) }
                    case "plurals", "string-array":
                        parent = a["name"]
                        itemIndex = 0
                    case "item" where parent != nil && !sc:
                        let key = parent! + "[" + (a["quantity"] ?? String(itemIndex)) + "]"
                        itemIndex += 1
                        current = (key, p.eventStart, p.eventEnd, p.eventLine)
                    default: break
                    }
                case .end(let n):
                    if depth > 0 { depth -= 1; continue }
                    if let c = current, n == "string" || n == "item" {
                        let raw = String(decoding: bytes[c.contentStart..<p.eventStart], as: UTF8.self)
                        entries.append(Entry(key: c.key, value: androidText(raw), line: c.line, range: c.contentStart..<p.eventStart, start: c.start))
                        current = nil
                    }
                    if n == "plurals" || n == "string-array" { parent = nil }
                case .text: break
                }
            }
        } catch let e as XMLPullParser.ParseError {
            throw FormatError(file: file, line: e.line, "not well-formed XML: \(e.message)")
        }
        return entries
    }

    private static func skip(_ p: XMLPullParser) throws {
        var d = 1
        while d > 0, let ev = try p.next() {
            if case .start = ev { d += 1 }
            if case .end = ev { d -= 1 }
        }
    }

    /// The text of an Android value: entities and backslash escapes resolved, surrounding quotes dropped.
    static func androidText(_ raw: String) -> String {
        var s = raw.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
        if s.count >= 2, s.hasPrefix("\""), s.hasSuffix("\""), !s.hasSuffix("\\\"") { s = String(s.dropFirst().dropLast()) }
        var out = ""
        var it = s.makeIterator()
        while let c = it.next() {
            if c == "\\", let n = it.next() {
                switch n { case "n": out += "\n"; case "t": out += "\t"; default: out.append(n) }
            } else {
                out.append(c)
            }
        }
        return out
    }

    // MARK: .strings

    static func readStrings(_ bytes: [UInt8], file: String) throws -> [Entry] {
        var s = JSONScanner(b: bytes, file: file)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { s.i = 3 }
        var entries: [Entry] = []
        func fail(_ m: String) -> FormatError { FormatError(file: file, line: s.line, "not a valid .strings file: \(m)") }
        while true {
            s.skipSpace()
            guard s.i < bytes.count else { break }
            if bytes[s.i] == 0x2F, s.i + 1 < bytes.count, bytes[s.i + 1] == 0x2A { // /* comment */
                s.i += 2
                while s.i + 1 < bytes.count, !(bytes[s.i] == 0x2A && bytes[s.i + 1] == 0x2F) { if bytes[s.i] == 0x0A { s.line += 1 }; s.i += 1 }
                s.i += 2
                continue
            }
            if bytes[s.i] == 0x2F, s.i + 1 < bytes.count, bytes[s.i + 1] == 0x2F { // // comment
                while s.i < bytes.count, bytes[s.i] != 0x0A { s.i += 1 }
                continue
            }
            let line = s.line
            let (key, keyRange) = try s.string()
            s.skipSpace()
            guard s.i < bytes.count, bytes[s.i] == 0x3D else { throw fail("expected '=' after \"\(key)\"") }
            s.i += 1
            s.skipSpace()
            let (value, r) = try s.string()
            s.skipSpace()
            guard s.i < bytes.count, bytes[s.i] == 0x3B else { throw fail("expected ';' after the value of \"\(key)\"") }
            s.i += 1
            entries.append(Entry(key: key, value: value, line: line, range: r, start: keyRange.lowerBound))
        }
        return entries
    }
}
