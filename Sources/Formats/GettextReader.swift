import Foundation
import TranslationMemory

/// One message of a gettext catalog.
public struct GettextMessage: Sendable, Equatable {
    public var context: String?
    public var id: String
    public var idPlural: String?
    /// msgstr, or msgstr[0], msgstr[1], … for plurals.
    public var strings: [String]
    public var flags: [String] = []
    public var translatorComments: [String] = []
    public var extractedComments: [String] = []
    public var references: [String] = []
    /// 1-based line of the msgid (PO only).
    public var line: Int = 0
    /// 0-based line indices (PO only): the msgstr lines, the "#," flags line, the first keyword line.
    public var msgstrLines: Range<Int>?
    public var flagsLine: Int?
    public var keywordLine: Int?

    public var isFuzzy: Bool { flags.contains("fuzzy") }
    public var isTranslated: Bool { !strings.isEmpty && strings.allSatisfy { !$0.isEmpty } }
}

/// Reads gettext PO files and compiled MO catalogs into messages, and turns them into units.
public enum GettextReader {
    /// The "Language:" of a catalog's header entry, as a BCP 47 tag.
    public static func language(ofHeader header: String) -> String? {
        for line in header.split(separator: "\n") where line.hasPrefix("Language:") {
            let v = line.dropFirst("Language:".count).trimmingCharacters(in: .whitespaces)
            return v.isEmpty ? nil : bcp47(fromLocale: v)
        }
        return nil
    }

    /// A gettext/POSIX locale name as a BCP 47 tag: "pt_BR" → "pt-BR", "sr@latin" → "sr-Latn",
    /// "be@latin" → "be-Latn", "uz@cyrillic" → "uz-Cyrl", "ca@valencia" → "ca-valencia";
    /// an encoding suffix (".UTF-8") is dropped.
    public static func bcp47(fromLocale locale: String) -> String {
        let parts = locale.split(separator: "@", maxSplits: 1)
        var base = String(parts[0].split(separator: ".")[0])
        if parts.count == 2 {
            switch parts[1].lowercased() {
            case "latin": base += "-Latn"
            case "cyrillic": base += "-Cyrl"
            case let m where m.count >= 5 && m.count <= 8 && m.allSatisfy(\.isLetter): base += "-" + m
            default: break // other modifiers (ije, euro) carry no BCP 47 meaning
            }
        }
        return LanguageTag.canonical(base)
    }

    /// The language of a catalog from its path: ".../locale/pt_BR/LC_MESSAGES/x.mo" → "pt-BR".
    public static func language(ofPath path: String) -> String? {
        let parts = path.split(separator: "/")
        guard let i = parts.firstIndex(of: "LC_MESSAGES"), i > 0 else { return nil }
        let tag = bcp47(fromLocale: String(parts[i - 1]))
        return LanguageTag.isWellFormed(tag) ? tag : nil
    }

    /// Units from translated, non-fuzzy messages: the singular pair, and the plural pair
    /// (msgid_plural with the last plural form) when there is one.
    public static func units(_ messages: [GettextMessage], file: String, sourceLanguage: String,
                             targetLanguage: String) -> [TranslationUnit] {
        var out: [TranslationUnit] = []
        for m in messages where !m.id.isEmpty && m.isTranslated && !m.isFuzzy {
            var u = TranslationUnit(variants: [Variant(language: sourceLanguage, text: m.id), Variant(language: targetLanguage, text: m.strings[0])],
                                    originFile: file, originKey: m.context)
            u.notes = m.extractedComments + m.translatorComments
            out.append(u)
            if let p = m.idPlural, m.strings.count > 1 {
                var pu = u
                pu.variants = [Variant(language: sourceLanguage, text: p), Variant(language: targetLanguage, text: m.strings[m.strings.count - 1])]
                pu.properties = [Property(type: "gettext-plural", value: "\(m.strings.count - 1)")]
                out.append(pu)
            }
        }
        return out
    }

    // MARK: MO

    /// Messages of a compiled MO file (either byte order).
    public static func readMO(_ bytes: [UInt8], file: String) throws -> [GettextMessage] {
        guard bytes.count >= 28 else { throw FormatError(file: file, line: nil, "not an MO file: \(bytes.count) bytes") }
        func u32(_ o: Int, _ little: Bool) -> Int {
            let v = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
            return Int(little ? v : v.byteSwapped)
        }
        let little: Bool
        switch u32(0, true) {
        case 0x9504_12DE: little = true
        case 0xDE12_0495: little = false
        default: throw FormatError(file: file, line: nil, "not an MO file (bad magic number)")
        }
        let n = u32(8, little), orig = u32(12, little), trans = u32(16, little)
        guard orig + 8 * n <= bytes.count, trans + 8 * n <= bytes.count else {
            throw FormatError(file: file, line: nil, "truncated MO file: its tables run past the end")
        }
        func parts(_ table: Int, _ i: Int) throws -> [ArraySlice<UInt8>] {
            let len = u32(table + 8 * i, little), off = u32(table + 8 * i + 4, little)
            guard off + len <= bytes.count else { throw FormatError(file: file, line: nil, "truncated MO file: message \(i) runs past the end") }
            return bytes[off..<off + len].split(separator: 0, omittingEmptySubsequences: false)
        }
        func string(_ b: ArraySlice<UInt8>) -> String { String(decoding: b, as: UTF8.self) }
        var out: [GettextMessage] = []
        out.reserveCapacity(n)
        for i in 0..<n {
            let ids = try parts(orig, i)
            let strs = try parts(trans, i).map(string)
            // The context and the id are separated by U+0004 (found in the bytes: a search of
            // the string went character by character, and was most of the reader's time).
            var ctx: String?
            var id = ids[0]
            if let sep = id.firstIndex(of: 0x04) {
                ctx = string(id[..<sep])
                id = id[(sep + 1)...]
            }
            out.append(GettextMessage(context: ctx, id: string(id), idPlural: ids.count > 1 ? string(ids[1]) : nil, strings: strs))
        }
        return out
    }

    // MARK: PO

    /// Messages of a PO file, with their line numbers; obsolete (#~) entries are skipped.
    public static func readPO(_ bytes: [UInt8], file: String) throws -> [GettextMessage] {
        let text = try decodeUTF8(bytes, file: file)
        var out: [GettextMessage] = []
        var cur = GettextMessage(id: "", strings: [])
        var field: String?      // "msgid", "msgid_plural", "msgctxt", "msgstr[n]"
        var started = false
        var lineNo = 0
        var sawID = false

        func finish() {
            if sawID { out.append(cur) }
            cur = GettextMessage(id: "", strings: [])
            field = nil
            started = false
            sawID = false
        }

        func append(_ value: String, to f: String) throws {
            switch f {
            case "msgid": cur.id += value
            case "msgid_plural": cur.idPlural = (cur.idPlural ?? "") + value
            case "msgctxt": cur.context = (cur.context ?? "") + value
            default:
                let idx = f == "msgstr" ? 0 : Int(f.dropFirst("msgstr[".count).dropLast()) ?? -1
                guard idx >= 0, idx < 100 else { throw FormatError(file: file, line: lineNo, "bad plural index in '\(f)'") }
                while cur.strings.count <= idx { cur.strings.append("") }
                cur.strings[idx] += value
            }
        }

        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { if started { finish() }; continue }
            if t.hasPrefix("#~") { continue }
            if t.hasPrefix("#") {
                if sawID && field?.hasPrefix("msgstr") == true { finish() }
                started = true
                let body = t.dropFirst(2).trimmingCharacters(in: .whitespaces)
                if t.hasPrefix("#,") {
                    cur.flags += body.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    cur.flagsLine = lineNo - 1
                }
                else if t.hasPrefix("#.") { cur.extractedComments.append(body) }
                else if t.hasPrefix("#:") { cur.references += body.split(separator: " ").map(String.init) }
                else if t.hasPrefix("#|") { }
                else { cur.translatorComments.append(String(t.dropFirst(1)).trimmingCharacters(in: .whitespaces)) }
                continue
            }
            if t.hasPrefix("\"") {
                guard let f = field else { throw FormatError(file: file, line: lineNo, "a string continuation with no keyword before it") }
                try append(try unquote(t, file: file, line: lineNo), to: f)
                if f.hasPrefix("msgstr"), let r = cur.msgstrLines { cur.msgstrLines = r.lowerBound..<lineNo }
                continue
            }
            guard let space = t.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
                throw FormatError(file: file, line: lineNo, "expected a keyword and a quoted string, found '\(t.prefix(40))'")
            }
            let kw = String(t[..<space])
            let rest = t[space...].trimmingCharacters(in: .whitespaces)
            if kw == "msgctxt" || (kw == "msgid" && sawID && field?.hasPrefix("msgstr") == true) {
                if sawID { finish() }
            }
            switch kw {
            case "msgctxt", "msgid", "msgid_plural":
                if kw == "msgid" { sawID = true; cur.line = lineNo }
            default:
                guard kw == "msgstr" || (kw.hasPrefix("msgstr[") && kw.hasSuffix("]")) else {
                    throw FormatError(file: file, line: lineNo, "unknown keyword '\(kw)'")
                }
                guard sawID else { throw FormatError(file: file, line: lineNo, "\(kw) without a msgid before it") }
            }
            started = true
            field = kw
            if kw == "msgctxt" { cur.context = "" }
            if cur.keywordLine == nil { cur.keywordLine = lineNo - 1 }
            if kw.hasPrefix("msgstr") { cur.msgstrLines = (cur.msgstrLines?.lowerBound ?? lineNo - 1)..<lineNo }
            try append(try unquote(rest, file: file, line: lineNo), to: kw)
        }
        finish()
        return out
    }

    static func unquote(_ s: String, file: String, line: Int) throws -> String {
        guard s.count >= 2, s.hasPrefix("\""), s.hasSuffix("\"") else {
            throw FormatError(file: file, line: line, "expected a string in double quotes, found '\(s.prefix(40))'")
        }
        var out = ""
        var it = s.dropFirst().dropLast().makeIterator()
        while let c = it.next() {
            guard c == "\\" else {
                if c == "\"" { throw FormatError(file: file, line: line, "an unescaped '\"' inside a string") }
                out.append(c)
                continue
            }
            guard let n = it.next() else { throw FormatError(file: file, line: line, "a string ends with a lone backslash") }
            switch n {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "\"": out.append("\"")
            case "\\": out.append("\\")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "v": out.append("\u{0B}")
            default: out.append("\\"); out.append(n)
            }
        }
        return out
    }
}

/// Rewrites a PO file's translations in place: only the msgstr lines (and flags) of the messages
/// given change; every other byte stays as it was.
public enum POEditor {
    public struct Fill {
        public var message: GettextMessage
        /// One string, or one per plural form.
        public var strings: [String]
        public var fuzzy: Bool
        public init(message: GettextMessage, strings: [String], fuzzy: Bool) {
            self.message = message
            self.strings = strings
            self.fuzzy = fuzzy
        }
    }

    public static func apply(_ fills: [Fill], to text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let cr = lines.first?.hasSuffix("\r") ?? false ? "\r" : ""
        for f in fills.sorted(by: { ($0.message.msgstrLines?.lowerBound ?? 0) > ($1.message.msgstrLines?.lowerBound ?? 0) }) {
            guard let r = f.message.msgstrLines else { continue }
            let plural = f.message.idPlural != nil
            let new = plural
                ? f.strings.enumerated().map { "msgstr[\($0.offset)] \"\(escape($0.element))\"" + cr }
                : ["msgstr \"\(escape(f.strings.first ?? ""))\"" + cr]
            lines.replaceSubrange(r, with: new)
            if f.fuzzy {
                if let fl = f.message.flagsLine {
                    let l = lines[fl].hasSuffix("\r") ? String(lines[fl].dropLast()) : lines[fl]
                    // "fuzzy" goes first, as msgmerge writes it ("#, fuzzy, c-format").
                    if !l.contains("fuzzy"), l.hasPrefix("#,") { lines[fl] = "#, fuzzy," + l.dropFirst(2) + cr }
                } else if let k = f.message.keywordLine {
                    lines.insert("#, fuzzy" + cr, at: k)
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: out.append(c)
            }
        }
        return out
    }
}
