import Foundation
import ICUText
import TranslationMemory

/// Tab-separated translation pairs with a header row naming the columns: language tags
/// ("en", "ru", "pt-BR") become variants, the first being the source; "key"/"id" becomes the
/// unit's key, "note"/"comment" a note, "context" its context. Other columns become properties.
/// `\t`, `\n` and `\\` inside fields are unescaped (translate-toolkit and OmegaT write them so).
public enum TSVReader {
    public static func read(_ bytes: [UInt8], file: String, _ body: (TranslationUnit) throws -> Void) throws {
        var chunks = [bytes]
        try read(chunks: { chunks.popLast() }, file: file, body)
    }

    /// Reads the file chunk by chunk (`next` returns nil at the end): only the lines of one chunk
    /// are held at a time, so a large file is imported in bounded memory. Errors name the line
    /// (invalid UTF-8 too, with its byte offset in the file).
    public static func read(chunks next: () throws -> [UInt8]?, file: String, _ body: (TranslationUnit) throws -> Void) throws {
        var parser = LineParser(file: file)
        var pending: [UInt8] = []
        var offset = 0      // bytes of the file before `pending`
        var lineNo = 0      // lines before `pending`
        var first = true
        var atEnd = false
        while !atEnd {
            if let chunk = try next() {
                if pending.isEmpty { pending = chunk } else { pending.append(contentsOf: chunk) }
                if first, pending.count < 3, !chunk.isEmpty { continue } // the byte-order mark may be split
            } else {
                atEnd = true
            }
            // Complete lines only, unless the file has ended.
            let upto: Int
            if atEnd { upto = pending.count } else if let nl = pending.lastIndex(of: 0x0A) { upto = nl + 1 } else { continue }
            try pending.withUnsafeBufferPointer { all in
                var pos = 0
                if first {
                    first = false
                    if all.starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }
                }
                while pos < upto {
                    let base = all.baseAddress!
                    // One line: [pos, end), without its "\n" and a "\r" before it.
                    var end = upto
                    if let nl = memchr(base + pos, 0x0A, upto - pos) { end = base.distance(to: nl.assumingMemoryBound(to: UInt8.self)) }
                    let next = end + 1
                    if end > pos && all[end - 1] == 0x0D { end -= 1 }
                    lineNo += 1
                    let line = UnsafeBufferPointer(rebasing: all[pos..<end])
                    let unit: TranslationUnit?
                    do {
                        unit = try parser.line(line, number: lineNo)
                    } catch is BadField {
                        // (Fields are validated as they become strings: the offset is found only for the error.)
                        let i = UTF8Validation.firstInvalidOffset(line) ?? 0
                        throw FormatError(file: file, line: lineNo, "invalid UTF-8 at byte offset \(offset + pos + i)")
                    }
                    if let unit { try body(unit) }
                    pos = next
                }
            }
            offset += upto
            pending.removeFirst(upto)
        }
        if parser.columns.isEmpty { throw FormatError(file: file, line: nil, "empty file: no header row") }
    }

    /// The lines of one file: the header's columns, then a unit a line.
    struct LineParser {
        let file: String
        var columns: [Column] = []
        private var fields: [String] = []

        init(file: String) { self.file = file }

        /// The unit of a line (nil for the header, a blank or comment line, or fewer than two texts).
        mutating func line(_ buf: UnsafeBufferPointer<UInt8>, number lineNo: Int) throws -> TranslationUnit? {
            if buf.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
            if buf[0] == 0x23 /* # */ && columns.isEmpty {
                if UTF8Validation.firstInvalidOffset(buf) != nil { throw BadField() }
                return nil
            }
            fields.removeAll(keepingCapacity: true)
            var f = 0
            while true {
                let tab = memchr(buf.baseAddress! + f, 0x09, buf.count - f).map { buf.baseAddress!.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
                let end = tab ?? buf.count
                fields.append(try TSVReader.field(UnsafeBufferPointer(rebasing: buf[f..<end])))
                guard let tab else { break }
                f = tab + 1
            }
            if columns.isEmpty {
                columns = try fields.map { try Column(header: $0, file: file, line: lineNo) }
                let langs = columns.filter { if case .language = $0 { return true } else { return false } }
                if langs.count < 2 {
                    throw FormatError(file: file, line: lineNo, "the header must name at least two language columns (like 'en<TAB>ru'); it has \(fields.map { "'\($0)'" }.joined(separator: ", "))")
                }
                return nil
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
            return unit.variants.count >= 2 ? unit : nil
        }
    }

    /// A field that is not valid UTF-8.
    struct BadField: Error {}

    /// A field's text with `\t`, `\n` and `\\` unescaped.
    static func field(_ b: UnsafeBufferPointer<UInt8>) throws -> String {
        guard b.count > 0 else { return "" }
        guard memchr(b.baseAddress!, 0x5C, b.count) != nil else {
            guard let s = UTF8Validation.string(b) else { throw BadField() }
            return s
        }
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
        guard let s = out.withUnsafeBufferPointer({ UTF8Validation.string($0) }) else { throw BadField() }
        return s
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
