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
    public private(set) var warnings: [String] = []
    private var count = 0

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

    /// One `<tu>` element.
    public mutating func unit(_ u: TranslationUnit) throws -> String {
        count += 1
        var s = "    <tu"
        var props = u.properties
        if let k = props.firstIndex(where: { $0.type == "x-tmx-tuid" }) {
            s += " tuid=\"\(attr(props[k].value))\""
            props.remove(at: k)
        } else if let id = u.id {
            s += " tuid=\"\(id)\""
        }
        if let d = u.createdAt { s += " creationdate=\"\(TMXWriter.date(d))\"" }
        if let v = u.createdBy { s += " creationid=\"\(attr(v))\"" }
        if let d = u.changedAt { s += " changedate=\"\(TMXWriter.date(d))\"" }
        if let v = u.changedBy { s += " changeid=\"\(attr(v))\"" }
        if u.usageCount > 0 { s += " usagecount=\"\(u.usageCount)\"" }
        if let d = u.lastUsedAt { s += " lastusagedate=\"\(TMXWriter.date(d))\"" }
        s += ">\n"
        for n in u.notes { s += "      <note>\(clean(n, unit: count))</note>\n" }
        for p in props { s += "      <prop type=\"\(attr(p.type))\">\(clean(p.value, unit: count))</prop>\n" }
        if let f = u.originFile { s += "      <prop type=\"x-tmkit-file\">\(clean(f, unit: count))</prop>\n" }
        if let k = u.originKey { s += "      <prop type=\"x-tmkit-key\">\(clean(k, unit: count))</prop>\n" }
        if let c = u.contextPrevious { s += "      <prop type=\"x-tmkit-context-prev\">\(clean(c, unit: count))</prop>\n" }
        if let c = u.contextNext { s += "      <prop type=\"x-tmkit-context-next\">\(clean(c, unit: count))</prop>\n" }
        for v in u.variants {
            s += "      <tuv xml:lang=\"\(attr(v.language))\">"
            if !v.notes.isEmpty || !v.properties.isEmpty {
                s += "\n"
                for n in v.notes { s += "        <note>\(clean(n, unit: count))</note>\n" }
                for p in v.properties { s += "        <prop type=\"\(attr(p.type))\">\(clean(p.value, unit: count))</prop>\n" }
                s += "        "
            }
            // Markup is already XML (escaped text and inline elements); plain text is escaped here.
            let seg = v.markup.map { clean($0, unit: count, isMarkup: true) } ?? clean(v.text, unit: count)
            s += "<seg>\(seg)</seg>"
            s += (!v.notes.isEmpty || !v.properties.isEmpty) ? "\n      </tuv>\n" : "</tuv>\n"
        }
        return s + "    </tu>\n"
    }

    static func date(_ d: Date) -> String {
        var t = time_t(d.timeIntervalSince1970.rounded(.down))
        var tm = tm()
        gmtime_r(&t, &tm)
        var b = [UInt8](repeating: 0x30, count: 16)
        func put(_ v: Int32, _ at: Int, _ width: Int) {
            var v = v
            for k in stride(from: at + width - 1, through: at, by: -1) { b[k] = 0x30 + UInt8(v % 10); v /= 10 }
        }
        put(tm.tm_year + 1900, 0, 4); put(tm.tm_mon + 1, 4, 2); put(tm.tm_mday, 6, 2)
        b[8] = 0x54 // T
        put(tm.tm_hour, 9, 2); put(tm.tm_min, 11, 2); put(tm.tm_sec, 13, 2)
        b[15] = 0x5A // Z
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

    /// Whether `s` needs neither escaping nor cleaning: one pass over its bytes (the common case).
    static func isPlainXMLText(_ s: String, quotes: Bool) -> Bool {
        var s = s
        return s.withUTF8 { b in
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
    private mutating func clean(_ s: String, unit: Int, isMarkup: Bool = false) -> String {
        if !isMarkup && TMXWriter.isPlainXMLText(s, quotes: false) { return s }
        var text = s
        if !TMXWriter.isCleanXML(s) {
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
            warnings.append("unit \(unit): dropped \(dropped) character(s) that XML 1.0 does not allow")
            text = String(ok)
        }
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
