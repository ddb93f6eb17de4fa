import Foundation

/// Glossary files as tab- (or comma-) separated columns.
///
/// With a header row, columns named by language tags hold terms, `note`/`comment` a note,
/// `definition`, `domain`, `status` their fields. Without one (OmegaT's glossary format) the
/// columns are source term, target term and comment, and the languages are given. A note
/// "short form X" (or "short form: X") adds X as an admitted term of the target language.
public enum GlossaryTSV {
    public struct ParseError: Error, CustomStringConvertible {
        public let file: String
        public let line: Int
        public let message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    public static func read(_ text: String, file: String, separator: Character = "\t", sourceLanguage: String? = nil,
                            targetLanguage: String? = nil) throws -> [TermEntry] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = String(first.dropFirst()) }
        var columns: [String] = []
        var startLine = 0
        let headerFields = (lines.first ?? "").split(separator: separator, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let looksLikeHeader = headerFields.filter { isLanguageTag($0) }.count >= 2
        if looksLikeHeader {
            columns = headerFields.map { $0.lowercased() == "comment" ? "note" : $0 }
            startLine = 1
        } else {
            guard let s = sourceLanguage, let t = targetLanguage else {
                throw ParseError(file: file, line: 1, message: "no header row naming the languages (like 'en<TAB>ru<TAB>note'): give --source-lang and --target-lang")
            }
            columns = [s, t, "note"]
        }
        let termLanguages = columns.filter(isLanguageTag)
        var entries: [TermEntry] = []
        for (k, line) in lines.enumerated() where k >= startLine {
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let fields = splitFields(line, separator)
            if fields.count < 2 { throw ParseError(file: file, line: k + 1, message: "expected at least two columns, found \(fields.count)") }
            if fields.count > columns.count && looksLikeHeader {
                throw ParseError(file: file, line: k + 1, message: "\(fields.count) columns where the header has \(columns.count)")
            }
            var e = TermEntry(terms: [])
            var status: Term.Status?
            for (c, v) in zip(columns, fields) where !v.isEmpty {
                switch c.lowercased() {
                case "note", "notes": e.note = v
                case "definition": e.definition = v
                case "domain", "subject": e.domain = v
                case "status": status = Term.Status(rawValue: v.lowercased())
                default: if isLanguageTag(c) { e.terms.append(Term(language: c, text: v)) }
                }
            }
            if let status { for i in e.terms.indices.dropFirst() { e.terms[i].status = status } }
            if let note = e.note, let target = termLanguages.dropFirst().first, let r = note.range(of: "short form") {
                let rest = note[r.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: " :"))
                let short = rest.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                if !short.isEmpty { e.terms.append(Term(language: target, text: short, status: .admitted, note: "short form")) }
            }
            if e.terms.count >= 1 { entries.append(e) }
        }
        return entries
    }

    /// Fields of a line; with a comma separator, double-quoted fields (CSV) are unquoted.
    static func splitFields(_ line: String, _ sep: Character) -> [String] {
        guard sep == ",", line.contains("\"") else {
            return line.split(separator: sep, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        var out: [String] = [], cur = "", quoted = false
        var it = Array(line)
        var i = 0
        while i < it.count {
            let c = it[i]
            if quoted {
                if c == "\"" { if i + 1 < it.count && it[i + 1] == "\"" { cur.append("\""); i += 1 } else { quoted = false } } else { cur.append(c) }
            } else if c == "\"" { quoted = true } else if c == sep { out.append(cur); cur = "" } else { cur.append(c) }
            i += 1
        }
        out.append(cur)
        it.removeAll()
        return out.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    static func isLanguageTag(_ s: String) -> Bool {
        let parts = s.split(separator: "-")
        guard let p = parts.first, (2...3).contains(p.count), p.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        return !["note", "id", "key"].contains(s.lowercased()) && parts.dropFirst().allSatisfy { $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }

    /// Entries as TSV with a header (source, target, note).
    public static func write(_ entries: [TermEntry], sourceLanguage: String, targetLanguage: String) -> String {
        func clean(_ s: String?) -> String { (s ?? "").replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
        var out = "\(sourceLanguage)\t\(targetLanguage)\tnote\n"
        for e in entries {
            let s = e.terms(in: sourceLanguage).first?.text, t = e.terms(in: targetLanguage).first { $0.note != "short form" }?.text
            guard let s else { continue }
            out += "\(clean(s))\t\(clean(t))\t\(clean(e.note))\n"
        }
        return out
    }
}
