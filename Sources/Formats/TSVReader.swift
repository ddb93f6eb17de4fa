import ICUText
import TranslationMemory

/// Tab-separated translation pairs with a header row naming the columns: language tags
/// ("en", "ru", "pt-BR") become variants, the first being the source; "key"/"id" becomes the
/// unit's key, "note"/"comment" a note, "context" its context. Other columns become properties.
/// `\t`, `\n` and `\\` inside fields are unescaped (translate-toolkit and OmegaT write them so).
public enum TSVReader {
    public static func read(_ bytes: [UInt8], file: String, _ body: (TranslationUnit) throws -> Void) throws {
        try validateUTF8(bytes, file: file)
        var lineNo = 0
        var columns: [Column] = []
        let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        try bytes.withUnsafeBufferPointer { buf in
            var pos = bom
            let n = buf.count
            var fields: [String] = []
            while pos < n {
                // One line: [pos, end), without its "\n" and a "\r" before it.
                var end = pos
                while end < n && buf[end] != 0x0A { end += 1 }
                let next = end + 1
                if end > pos && buf[end - 1] == 0x0D { end -= 1 }
                lineNo += 1
                defer { pos = next }
                if (pos..<end).allSatisfy({ buf[$0] == 0x20 || buf[$0] == 0x09 }) { continue }
                if buf[pos] == 0x23 /* # */ && columns.isEmpty { continue }
                fields.removeAll(keepingCapacity: true)
                var f = pos
                for i in pos...end where i == end || buf[i] == 0x09 {
                    fields.append(field(UnsafeBufferPointer(rebasing: buf[f..<i])))
                    f = i + 1
                }
                if columns.isEmpty {
                    columns = try fields.map { try Column(header: $0, file: file, line: lineNo) }
                    let langs = columns.filter { if case .language = $0 { return true } else { return false } }
                    if langs.count < 2 {
                        throw FormatError(file: file, line: lineNo, "the header must name at least two language columns (like 'en<TAB>ru'); it has \(fields.map { "'\($0)'" }.joined(separator: ", "))")
                    }
                    continue
                }
                if fields.count != columns.count {
                    throw FormatError(file: file, line: lineNo, "\(fields.count) fields where the header has \(columns.count)")
                }
                var unit = TranslationUnit(variants: [], originFile: file)
                unit.variants.reserveCapacity(2)
                for (c, v) in zip(columns, fields) {
                    switch c {
                    case .language(let tag): if !v.isEmpty { unit.variants.append(Variant(canonicalLanguage: tag, text: v)) }
                    case .key: unit.originKey = v.isEmpty ? nil : v
                    case .note: if !v.isEmpty { unit.notes.append(v) }
                    case .context: unit.contextPrevious = v.isEmpty ? nil : v
                    case .property(let name): if !v.isEmpty { unit.properties.append(Property(type: name, value: v)) }
                    }
                }
                if unit.variants.count >= 2 { try body(unit) }
            }
        }
        if columns.isEmpty { throw FormatError(file: file, line: nil, "empty file: no header row") }
    }

    /// A field's text with `\t`, `\n` and `\\` unescaped.
    static func field(_ b: UnsafeBufferPointer<UInt8>) -> String {
        guard b.contains(0x5C) else { return String(decoding: b, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == 0x5C, i + 1 < b.count {
                switch b[i + 1] {
                case UInt8(ascii: "t"): out.append(0x09); i += 2; continue
                case UInt8(ascii: "n"): out.append(0x0A); i += 2; continue
                case 0x5C: out.append(0x5C); i += 2; continue
                default: break
                }
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    enum Column {
        case language(String), key, note, context, property(String)

        init(header: String, file: String, line: Int) throws {
            let h = header.trimmingCharacters(in: .whitespaces)
            switch h.lowercased() {
            case "key", "id", "msgctxt": self = .key
            case "note", "notes", "comment", "comments": self = .note
            case "context": self = .context
            default:
                if LanguageTag.isWellFormed(h), h.count <= 35, (2...3).contains(LanguageTag.primary(h).count),
                   ICU.isKnownLanguage(LanguageTag.primary(h)) {
                    self = .language(LanguageTag.canonical(h))
                }
                else if h.isEmpty { throw FormatError(file: file, line: line, "empty column name in the header") }
                else { self = .property(h) }
            }
        }
    }
}
