import Foundation
import ICUText

/// Apple String Catalogs (`.xcstrings`, Xcode 15 and later): one JSON file with every string of
/// an app in every language.
///
/// Reading keeps the byte range of every JSON value, so that writing a translation changes only
/// what it must: the target language's `value` and `state` when the string has them, otherwise a
/// new `"ru" : { "stringUnit" : … }` member inserted where Xcode would put it (keys sorted,
/// two-space indentation, `" : "` between key and value). Everything else stays byte for byte.
public enum XCStrings {
    /// A string of the catalog.
    public struct Entry: Sendable {
        public var key: String
        /// The source-language text: its own localization's value, else the key (as Xcode does).
        public var source: String
        public var comment: String?
        /// The target-language value and state, when the string has a plain (not plural) one.
        public var target: String?
        public var targetState: String?
        /// Plural or device variations (of the source or the target).
        public var hasVariations: Bool
        /// The source's plural forms by CLDR category ("one", "other"), when its only variations are plural ones.
        public var sourcePlural: [String: String]?
        /// The target's plural forms by category, when its only variations are plural ones.
        public var targetPlural: [String: String]?
        /// Whether the target language has a localization of this string at all.
        public var hasTargetLocalization: Bool
        public var shouldTranslate: Bool
        public var line: Int
        /// Byte offset of the entry's key literal.
        var keyOffset: Int
    }

    public struct Document: Sendable {
        public var bytes: [UInt8]
        public var sourceLanguage: String
        public var entries: [Entry]
        fileprivate var root: Node
        fileprivate var targetLanguage: String
    }

    public struct Fill: Sendable {
        public var entry: Int
        public var text: String
        public var needsReview: Bool
        /// Plural forms by CLDR category, for a string whose source has plural variations.
        public var plural: [String: String]?
        public init(entry: Int, text: String, needsReview: Bool, plural: [String: String]? = nil) {
            self.entry = entry
            self.text = text
            self.needsReview = needsReview
            self.plural = plural
        }
    }

    /// A JSON value with where it is in the file.
    fileprivate indirect enum Node: Sendable {
        case object([Member], Range<Int>)
        case array([Node], Range<Int>)
        case string(String, Range<Int>)
        case scalar(Range<Int>)

        var range: Range<Int> {
            switch self {
            case .object(_, let r), .array(_, let r), .string(_, let r), .scalar(let r): r
            }
        }
        subscript(_ key: String) -> Node? {
            if case .object(let ms, _) = self { return ms.first { $0.key == key }?.value }
            return nil
        }
        var string: String? { if case .string(let s, _) = self { return s }; return nil }
    }

    fileprivate struct Member: Sendable {
        var key: String
        var keyStart: Int
        var value: Node
    }

    // MARK: Reading

    public static func read(_ bytes: [UInt8], file: String, targetLanguage: String) throws -> Document {
        var p = Parser(b: bytes, file: file)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { p.i = 3 }
        p.skipSpace()
        let root = try p.value(depth: 0)
        p.skipSpace()
        guard p.i == bytes.count else { throw p.fail("text after the end of the JSON document") }
        guard case .object = root else { throw FormatError(file: file, line: 1, "not a String Catalog: the file is not a JSON object") }
        guard let src = root["sourceLanguage"]?.string else {
            throw FormatError(file: file, line: 1, "not a String Catalog: no \"sourceLanguage\"")
        }
        guard case .object(let strings, _)? = root["strings"] else {
            throw FormatError(file: file, line: 1, "not a String Catalog: no \"strings\" object")
        }
        var entries: [Entry] = []
        for m in strings {
            let locs = m.value["localizations"]
            let srcLoc = locs?[src]
            let tgtLoc = locs?[targetLanguage]
            let variations = srcLoc?["variations"] != nil || tgtLoc?["variations"] != nil
            var shouldTranslate = true
            if case .scalar(let r)? = m.value["shouldTranslate"], String(decoding: bytes[r], as: UTF8.self) == "false" { shouldTranslate = false }
            func pluralForms(_ loc: Node?) -> [String: String]? {
                guard case .object(let vars, _)? = loc?["variations"], vars.count == 1, vars[0].key == "plural",
                      case .object(let forms, _) = vars[0].value else { return nil }
                var p: [String: String] = [:]
                for f in forms { if let v = f.value["stringUnit"]?["value"]?.string { p[f.key] = v } }
                return p["other"] != nil ? p : nil
            }
            let plural = pluralForms(srcLoc)
            entries.append(Entry(key: m.key, source: srcLoc?["stringUnit"]?["value"]?.string ?? plural?["other"] ?? m.key,
                                 comment: m.value["comment"]?.string,
                                 target: tgtLoc?["stringUnit"]?["value"]?.string, targetState: tgtLoc?["stringUnit"]?["state"]?.string,
                                 hasVariations: variations, sourcePlural: plural, targetPlural: pluralForms(tgtLoc), hasTargetLocalization: tgtLoc != nil,
                                 shouldTranslate: shouldTranslate,
                                 line: line(of: m.keyStart, in: bytes), keyOffset: m.keyStart))
        }
        return Document(bytes: bytes, sourceLanguage: src, entries: entries, root: root, targetLanguage: targetLanguage)
    }

    static func line(of offset: Int, in bytes: [UInt8]) -> Int {
        var n = 1
        for k in 0..<min(offset, bytes.count) where bytes[k] == 0x0A { n += 1 }
        return n
    }

    private struct Parser {
        let b: [UInt8]
        let file: String
        var i = 0

        func fail(_ m: String) -> FormatError { FormatError(file: file, line: XCStrings.line(of: i, in: b), "not valid JSON: \(m)") }

        mutating func skipSpace() {
            while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        }

        mutating func value(depth: Int) throws -> Node {
            guard depth < 200 else { throw fail("nested too deeply") }
            guard i < b.count else { throw fail("the file ends where a value should be (truncated?)") }
            let start = i
            switch b[i] {
            case 0x7B:
                i += 1
                var members: [Member] = []
                skipSpace()
                if i < b.count, b[i] == 0x7D { i += 1; return .object([], start..<i) }
                while true {
                    skipSpace()
                    guard i < b.count, b[i] == 0x22 else { throw fail("a key in quotes expected") }
                    let keyStart = i
                    let key = try string()
                    skipSpace()
                    guard i < b.count, b[i] == 0x3A else { throw fail("':' expected after the key \"\(key)\"") }
                    i += 1
                    skipSpace()
                    let v = try value(depth: depth + 1)
                    if members.contains(where: { $0.key == key }) { throw fail("the key \"\(key)\" is repeated") }
                    members.append(Member(key: key, keyStart: keyStart, value: v))
                    skipSpace()
                    guard i < b.count else { throw fail("the file ends inside an object (truncated?)") }
                    if b[i] == 0x2C { i += 1; continue }
                    if b[i] == 0x7D { i += 1; return .object(members, start..<i) }
                    throw fail("',' or '}' expected")
                }
            case 0x5B:
                i += 1
                var items: [Node] = []
                skipSpace()
                if i < b.count, b[i] == 0x5D { i += 1; return .array([], start..<i) }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard i < b.count else { throw fail("the file ends inside an array (truncated?)") }
                    if b[i] == 0x2C { i += 1; continue }
                    if b[i] == 0x5D { i += 1; return .array(items, start..<i) }
                    throw fail("',' or ']' expected")
                }
            case 0x22:
                let s = try string()
                return .string(s, start..<i)
            default:
                while i < b.count, !(b[i] == 0x2C || b[i] == 0x7D || b[i] == 0x5D || b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09) { i += 1 }
                let word = String(decoding: b[start..<i], as: UTF8.self)
                guard word == "true" || word == "false" || word == "null" || Double(word) != nil else { throw fail("unexpected '\(word)'") }
                return .scalar(start..<i)
            }
        }

        mutating func string() throws -> String {
            guard let s = b.withUnsafeBufferPointer({ JSONString.read($0, at: &i) }) else {
                throw fail("an invalid string (a bad escape, a control character, invalid UTF-8, or the file ends inside it)")
            }
            return s
        }
    }

    // MARK: Writing

    /// A JSON string literal as Xcode writes it.
    static func literal(_ s: String) -> String { JSONString.literal(s) }

    /// The catalog with the fills written in: new translations get state "translated", or
    /// "needs_review" when they come from a fuzzy match.
    public static func apply(_ fills: [Fill], to doc: Document) -> [UInt8] {
        guard case .object(let strings, _)? = doc.root["strings"] else { return doc.bytes }
        var edits: [(range: Range<Int>, text: String)] = []
        let lang = doc.targetLanguage
        for f in fills {
            let member = strings[f.entry]
            let state = f.needsReview ? "needs_review" : "translated"
            let unit = member.value["localizations"]?[lang]?["stringUnit"]
            if let unit, let v = unit["value"] {
                edits.append((v.range, literal(f.text)))
                if let s = unit["state"] { edits.append((s.range, literal(state))) }
                continue
            }
            func unitText(_ base: String, _ text: String) -> String {
                "{\n\(base)  \"stringUnit\" : {\n\(base)    \"state\" : \(literal(state)),\n\(base)    \"value\" : \(literal(text))\n\(base)  }\n\(base)}"
            }
            func stringUnit(_ base: String) -> String {
                guard let plural = f.plural else { return unitText(base, f.text) }
                // "variations" : { "plural" : { category : { "stringUnit" : … }, … } }, categories sorted as Xcode writes them.
                let forms = plural.keys.sorted().map { "\(base)      \(literal($0)) : \(unitText(base + "      ", plural[$0]!))" }.joined(separator: ",\n")
                return "{\n\(base)  \"variations\" : {\n\(base)    \"plural\" : {\n\(forms)\n\(base)    }\n\(base)  }\n\(base)}"
            }
            if case .object? = member.value["localizations"], let locs = member.value["localizations"] {
                edits.append(insert(key: lang, into: locs, bytes: doc.bytes, value: stringUnit))
            } else {
                edits.append(insert(key: "localizations", into: member.value, bytes: doc.bytes) { base in
                    "{\n\(base)  \(literal(lang)) : \(stringUnit(base + "  "))\n\(base)}"
                })
            }
        }
        var out = doc.bytes
        for e in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            out.replaceSubrange(e.range, with: Array(e.text.utf8))
        }
        return out
    }

    /// The white space at the start of the line holding `offset`.
    static func indentation(at offset: Int, in b: [UInt8]) -> String {
        var s = offset
        while s > 0, b[s - 1] != 0x0A { s -= 1 }
        var e = s
        while e < b.count, b[e] == 0x20 || b[e] == 0x09 { e += 1 }
        return String(decoding: b[s..<e], as: UTF8.self)
    }

    /// An edit adding `"key" : value` to `object` in sorted key order, indented like its members.
    /// `value` gets the indentation of the new member's line.
    fileprivate static func insert(key: String, into object: Node, bytes: [UInt8],
                                   value: (String) -> String) -> (range: Range<Int>, text: String) {
        guard case .object(let members, let r) = object else { return (object.range.lowerBound..<object.range.lowerBound, "") }
        if members.isEmpty {
            // "{ }" or Xcode's "{\n\n    }": rewritten with the one member.
            let outer = indentation(at: r.lowerBound, in: bytes)
            let inner = outer + "  "
            return (r, "{\n\(inner)\(literal(key)) : \(value(inner))\n\(outer)}")
        }
        let indent = indentation(at: members[0].keyStart, in: bytes)
        let member = "\(literal(key)) : \(value(indent))"
        if let next = members.first(where: { $0.key > key }) {
            return (next.keyStart..<next.keyStart, member + ",\n" + indent)
        }
        let end = members.last!.value.range.upperBound
        return (end..<end, ",\n" + indent + member)
    }
}
