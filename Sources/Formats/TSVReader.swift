import ICUText
import TranslationMemory

/// Tab-separated translation pairs with a header row naming the columns: language tags
/// ("en", "ru", "pt-BR") become variants, the first being the source; "key"/"id" becomes the
/// unit's key, "note"/"comment" a note, "context" its context. Other columns become properties.
/// `\t`, `\n` and `\\` inside fields are unescaped (translate-toolkit and OmegaT write them so).
public enum TSVReader {
    public static func read(_ bytes: [UInt8], file: String, _ body: (TranslationUnit) throws -> Void) throws {
        let text = try decodeUTF8(bytes, file: file)
        var lineNo = 0
        var columns: [Column] = []
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            var line = rawLine
            if line.hasSuffix("\r") { line = line.dropLast() }
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if line.hasPrefix("#") && columns.isEmpty { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { unescape(String($0)) }
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
            for (c, v) in zip(columns, fields) {
                switch c {
                case .language(let tag): if !v.isEmpty { unit.variants.append(Variant(language: tag, text: v)) }
                case .key: unit.originKey = v.isEmpty ? nil : v
                case .note: if !v.isEmpty { unit.notes.append(v) }
                case .context: unit.contextPrevious = v.isEmpty ? nil : v
                case .property(let name): if !v.isEmpty { unit.properties.append(Property(type: name, value: v)) }
                }
            }
            if unit.variants.count >= 2 { try body(unit) }
        }
        if columns.isEmpty { throw FormatError(file: file, line: nil, "empty file: no header row") }
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

    static func unescape(_ s: String) -> String {
        guard s.contains("\\") else { return s }
        var out = ""
        var it = s.makeIterator()
        while let c = it.next() {
            if c == "\\", let n = it.next() {
                switch n {
                case "t": out.append("\t")
                case "n": out.append("\n")
                case "\\": out.append("\\")
                default: out.append(c); out.append(n)
                }
            } else {
                out.append(c)
            }
        }
        return out
    }
}

import Foundation
