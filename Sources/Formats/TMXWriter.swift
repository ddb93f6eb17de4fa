import Foundation
import TranslationMemory

/// Writes TMX 1.4b, one unit at a time (so that a large memory streams out in constant memory).
///
/// Text is escaped for XML; characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF,
/// lone surrogates) are dropped with a warning naming the unit.
public struct TMXWriter {
    public let sourceLanguage: String
    public let creationTool: String
    public let creationToolVersion: String
    /// Units (numbered from 1 in the order written) that lost characters XML 1.0 forbids, with how
    /// many each lost. (A stream formatted in batches renumbers them: `TMXStreamWriter`.)
    public private(set) var droppedCharacters: [(unit: Int, count: Int)] = []
    /// One warning a unit that lost characters.
    public var warnings: [String] { droppedCharacters.map { TMXWriter.droppedWarning(unit: $0.unit, count: $0.count) } }
    private var count = 0
    /// Characters dropped from the unit being written.
    private var dropped = 0

    public init(sourceLanguage: String, creationTool: String = "tmkit", creationToolVersion: String) {
        self.sourceLanguage = sourceLanguage
        self.creationTool = creationTool
        self.creationToolVersion = creationToolVersion
    }

    public func header(adminLanguage: String = "en", dataType: String = "plaintext") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE tmx SYSTEM "tmx14.dtd">
        <tmx version="1.4">
          <header creationtool="\(attr(creationTool))" creationtoolversion="\(attr(creationToolVersion))" segtype="sentence" o-tmf="tmkit" adminlang="\(attr(adminLanguage))" srclang="\(attr(sourceLanguage))" datatype="\(attr(dataType))"/>
          <body>

        """
    }

    public func footer() -> String { "  </body>\n</tmx>\n" }

    /// The warning for unit `unit` (its place in the file) having lost `count` characters.
    public static func droppedWarning(unit: Int, count: Int) -> String {
        "unit \(unit): dropped \(count) character(s) that XML 1.0 does not allow"
    }

    /// One `<tu>` element.
    public mutating func unit(_ u: TranslationUnit) throws -> String {
        var bytes: [UInt8] = []
        try unit(u, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends one `<tu>` element's UTF-8 to `out` (a stream's buffer: no string is built per unit).
    public mutating func unit(_ u: TranslationUnit, into out: inout [UInt8]) throws {
        count += 1
        let n = count
        dropped = 0
        // One warning a unit, however many of its texts lost characters.
        defer { if dropped > 0 { droppedCharacters.append((n, dropped)) } }
        func put(_ s: StaticString) { s.withUTF8Buffer { out.append(contentsOf: $0) } }
        func put(_ s: String) { out.append(contentsOf: s.utf8) }
        put("    <tu")
        var props = u.properties
        if let k = props.firstIndex(where: { $0.type == "x-tmx-tuid" }) {
            put(" tuid=\""); escape(props[k].value, quotes: true, into: &out); put("\"")
            props.remove(at: k)
        } else if let id = u.id {
            put(" tuid=\""); put(String(id)); put("\"")
        }
        if let d = u.createdAt { put(" creationdate=\""); TMXWriter.date(d, into: &out); put("\"") }
        if let v = u.createdBy { put(" creationid=\""); escape(v, quotes: true, into: &out); put("\"") }
        if let d = u.changedAt { put(" changedate=\""); TMXWriter.date(d, into: &out); put("\"") }
        if let v = u.changedBy { put(" changeid=\""); escape(v, quotes: true, into: &out); put("\"") }
        if u.usageCount > 0 { put(" usagecount=\""); put(String(u.usageCount)); put("\"") }
        if let d = u.lastUsedAt { put(" lastusagedate=\""); TMXWriter.date(d, into: &out); put("\"") }
        put(">\n")
        func note(_ text: String, indent: StaticString) {
            put(indent); put("<note>"); escape(text, quotes: false, into: &out); put("</note>\n")
        }
        func prop(_ type: String, _ value: String, indent: StaticString) {
            put(indent); put("<prop type=\""); escape(type, quotes: true, into: &out); put("\">")
            escape(value, quotes: false, into: &out); put("</prop>\n")
        }
        for t in u.notes { note(t, indent: "      ") }
        for p in props { prop(p.type, p.value, indent: "      ") }
        if let f = u.originFile { prop("x-tmkit-file", f, indent: "      ") }
        if let k = u.originKey { prop("x-tmkit-key", k, indent: "      ") }
        if let c = u.contextPrevious { prop("x-tmkit-context-prev", c, indent: "      ") }
        if let c = u.contextNext { prop("x-tmkit-context-next", c, indent: "      ") }
        for v in u.variants {
            put("      <tuv xml:lang=\""); escape(v.language, quotes: true, into: &out); put("\">")
            let long = !v.notes.isEmpty || !v.properties.isEmpty
            if long {
                put("\n")
                for t in v.notes { note(t, indent: "        ") }
                for p in v.properties { prop(p.type, p.value, indent: "        ") }
                put("        ")
            }
            put("<seg>")
            // Markup is already XML (escaped text and inline elements); plain text is escaped here.
            if let m = v.markup { put(clean(m, isMarkup: true)) } else { escape(v.text, quotes: false, into: &out) }
            put(long ? "</seg>\n      </tuv>\n" : "</seg></tuv>\n")
        }
        put("    </tu>\n")
    }

    /// Appends `s` escaped for XML (text, or an attribute value when `quotes`), dropping characters
    /// XML 1.0 forbids with a warning. Plain text (the common case) is copied as it is.
    private mutating func escape(_ s: String, quotes: Bool, into out: inout [UInt8]) {
        if TMXWriter.isPlainXMLText(s, quotes: quotes) { out.append(contentsOf: s.utf8); return }
        let text = TMXWriter.isCleanXML(s) ? s : dropForbidden(s)
        // The characters to escape are ASCII: escaping byte by byte keeps every other byte as it is.
        for c in text.utf8 {
            switch c {
            case 0x26: out.append(contentsOf: [0x26, 0x61, 0x6D, 0x70, 0x3B]) // &amp;
            case 0x3C: out.append(contentsOf: [0x26, 0x6C, 0x74, 0x3B]) // &lt;
            case 0x3E: out.append(contentsOf: [0x26, 0x67, 0x74, 0x3B]) // &gt;
            case 0x22 where quotes: out.append(contentsOf: [0x26, 0x71, 0x75, 0x6F, 0x74, 0x3B]) // &quot;
            case 0x27 where quotes: out.append(contentsOf: [0x26, 0x61, 0x70, 0x6F, 0x73, 0x3B]) // &apos;
            default: out.append(c)
            }
        }
    }

    private mutating func dropForbidden(_ s: String) -> String {
        var dropped = 0
        var ok = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            let v = u.value
            if v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD) || v >= 0x10000 {
                ok.append(u)
            } else {
                dropped += 1
            }
        }
        self.dropped += dropped
        return String(ok)
    }

    static func date(_ d: Date, into out: inout [UInt8]) {
        var t = time_t(d.timeIntervalSince1970.rounded(.down))
        var tm = tm()
        gmtime_r(&t, &tm)
        let start = out.count
        out.append(contentsOf: [0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x54, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x5A])
        func put(_ v: Int32, _ at: Int, _ width: Int) {
            var v = v
            for k in stride(from: start + at + width - 1, through: start + at, by: -1) { out[k] = 0x30 + UInt8(v % 10); v /= 10 }
        }
        put(tm.tm_year + 1900, 0, 4); put(tm.tm_mon + 1, 4, 2); put(tm.tm_mday, 6, 2)
        put(tm.tm_hour, 9, 2); put(tm.tm_min, 11, 2); put(tm.tm_sec, 13, 2)
    }

    static func date(_ d: Date) -> String {
        var b: [UInt8] = []
        date(d, into: &b)
        return String(decoding: b, as: UTF8.self)
    }

    /// Whether every character is one XML 1.0 allows (the common case: nothing to drop).
    static func isCleanXML(_ s: String) -> Bool {
        var prev2: UInt8 = 0, prev1: UInt8 = 0
        for b in s.utf8 {
            if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { return false }
            if prev2 == 0xEF && prev1 == 0xBF && (b == 0xBE || b == 0xBF) { return false } // U+FFFE, U+FFFF
            prev2 = prev1
            prev1 = b
        }
        return true
    }

    private func attr(_ s: String) -> String { TMXWriter.escape(s, quotes: true) }

    /// Whether `s` needs neither escaping nor cleaning (the common case). Eight bytes are tested
    /// at a time for anything that might need a look (a control, & < >, quotes, 0xEF); only a
    /// string with such a byte is checked byte by byte.
    static func isPlainXMLText(_ s: String, quotes: Bool) -> Bool {
        var s = s
        return s.withUTF8 { b in
            guard let base = b.baseAddress else { return true }
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            @inline(__always) func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
            @inline(__always) func has(_ x: UInt64, _ c: UInt8) -> Bool { hasZero(x ^ (ones &* UInt64(c))) }
            var i = 0
            var suspicious = false
            while i + 8 <= b.count {
                let x = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if (x &- ones &* 0x20) & ~x & highs != 0 || has(x, 0x26) || has(x, 0x3C) || has(x, 0x3E) || has(x, 0xEF)
                    || (quotes && (has(x, 0x22) || has(x, 0x27))) {
                    suspicious = true
                    break
                }
                i += 8
            }
            if !suspicious {
                while i < b.count {
                    let c = b[i]
                    if c < 0x20 || c == 0x26 || c == 0x3C || c == 0x3E || c == 0xEF || (quotes && (c == 0x22 || c == 0x27)) {
                        suspicious = true
                        break
                    }
                    i += 1
                }
                if !suspicious { return true }
            }
            var prev2: UInt8 = 0, prev1: UInt8 = 0
            for c in b {
                if c < 0x20 { if c != 0x09 && c != 0x0A && c != 0x0D { return false } }
                else if c == 0x26 || c == 0x3C || c == 0x3E { return false }
                else if quotes && (c == 0x22 || c == 0x27) { return false }
                else if prev2 == 0xEF && prev1 == 0xBF && (c == 0xBE || c == 0xBF) { return false }
                prev2 = prev1
                prev1 = c
            }
            return true
        }
    }

    /// `s` with the characters XML 1.0 forbids dropped (with a warning), escaped unless it is markup already.
    private mutating func clean(_ s: String, isMarkup: Bool = false) -> String {
        if !isMarkup && TMXWriter.isPlainXMLText(s, quotes: false) { return s }
        let text = TMXWriter.isCleanXML(s) ? s : dropForbidden(s)
        return isMarkup ? text : TMXWriter.escape(text, quotes: false)
    }

    public static func escape(_ s: String, quotes: Bool) -> String {
        var copy = s
        let special = copy.withUTF8 { b -> Bool in
            for c in b {
                if c == 0x26 || c == 0x3C || c == 0x3E { return true }
                if quotes, c == 0x22 || c == 0x27 { return true }
            }
            return false
        }
        guard special else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            case "'" where quotes: out += "&apos;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
