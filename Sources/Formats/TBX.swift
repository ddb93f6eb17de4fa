import Foundation
import Glossary

/// TBX termbases: TBX 2008 (`martif`, TBX-Basic; `tig` and `ntig/termGrp` forms) and TBX v3
/// (ISO 30042:2019, `tbx` with `conceptEntry`/`langSec`/`termSec`, TBX-Min and TBX-Basic) in;
/// TBX-Basic (martif) out. Read with the same safe XML reader as TMX.
public enum TBX {
    /// Entries of a TBX file; a malformed file throws a `FormatError` with the line.
    public static func read(_ parser: XMLPullParser, file: String) throws -> [TermEntry] {
        var entries: [TermEntry] = []
        var entry: TermEntry?
        var lang: String?
        var term: Term?
        var stack: [String] = []
        var text = ""
        var attrs: [[String: String]] = []
        let local = XMLPullParser.localName
        do {
            guard case .start(let root, _, _)? = try parser.next() else { throw FormatError(file: file, line: parser.eventLine, "empty document") }
            guard ["martif", "tbx"].contains(local(root)) else {
                throw FormatError(file: file, line: parser.eventLine, "not a TBX file: the root element is <\(root)>")
            }
            stack.append(local(root))
            attrs.append([:])
            while let ev = try parser.next() {
                switch ev {
                case .start(let raw, let a, _):
                    let name = local(raw)
                    stack.append(name)
                    attrs.append(a)
                    text = ""
                    switch name {
                    case "termEntry", "conceptEntry": entry = TermEntry(terms: [])
                    case "langSet", "langSec":
                        guard let l = a["xml:lang"] ?? a["lang"] else { throw FormatError(file: file, line: parser.eventLine, "<\(raw)> without xml:lang") }
                        lang = l.lowercased()
                    case "tig", "ntig", "termSec":
                        guard let l = lang else { throw FormatError(file: file, line: parser.eventLine, "<\(raw)> outside a language section") }
                        term = Term(language: l, text: "")
                    default: break
                    }
                case .text(let t):
                    text += t
                case .end(let raw):
                    let name = local(raw)
                    let a = attrs.popLast() ?? [:]
                    stack.removeLast()
                    let value = text.trimmingCharacters(in: .whitespacesAndNewlines).split(whereSeparator: { $0 == "\n" || $0 == "\t" })
                        .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
                    switch name {
                    case "term": term?.text = value
                    case "termNote":
                        switch a["type"] {
                        case "partOfSpeech": term?.partOfSpeech = value
                        case "administrativeStatus": term?.status = status(value)
                        default: break
                        }
                    case "note":
                        if term != nil { term!.note = term!.note.map { $0 + "; " + value } ?? value }
                        else if entry != nil { entry!.note = entry!.note.map { $0 + "; " + value } ?? value }
                    case "descrip":
                        switch a["type"] {
                        case "definition": entry?.definition = value
                        case "subjectField": entry?.domain = value
                        default: break
                        }
                    case "tig", "ntig", "termSec":
                        if let t = term, !t.text.isEmpty { entry?.terms.append(t) }
                        term = nil
                    case "langSet", "langSec": lang = nil
                    case "termEntry", "conceptEntry":
                        if let e = entry, !e.terms.isEmpty { entries.append(e) }
                        entry = nil
                    default: break
                    }
                    text = ""
                }
            }
        } catch let e as XMLPullParser.ParseError {
            throw FormatError(file: file, line: e.line, "not well-formed XML: \(e.message)")
        }
        return entries
    }

    static func status(_ v: String) -> Term.Status? {
        let s = v.lowercased()
        if s.hasPrefix("preferred") { return .preferred }
        if s.hasPrefix("admitted") { return .admitted }
        if s.hasPrefix("deprecated") || s.hasPrefix("superseded") || s.hasPrefix("notrecommended") || s.hasPrefix("obsolete") { return .deprecated }
        if s.hasPrefix("forbidden") { return .forbidden }
        return nil
    }

    static func statusValue(_ s: Term.Status) -> String {
        switch s {
        case .preferred: "preferredTerm-admn-sts"
        case .admitted: "admittedTerm-admn-sts"
        case .deprecated: "deprecatedTerm-admn-sts"
        case .forbidden: "deprecatedTerm-admn-sts"
        }
    }

    /// TBX-Basic (martif) for `entries`.
    public static func write(_ entries: [TermEntry], sourceLanguage: String = "en") -> String {
        func x(_ s: String) -> String { TMXWriter.escape(s, quotes: true) }
        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <martif type="TBX-Basic" xml:lang="\(x(sourceLanguage))">
          <martifHeader><fileDesc><sourceDesc><p>Exported by tmkit</p></sourceDesc></fileDesc></martifHeader>
          <text>
            <body>

        """
        for e in entries {
            out += "      <termEntry id=\"e\(e.id ?? 0)\">\n"
            if let d = e.domain { out += "        <descrip type=\"subjectField\">\(x(d))</descrip>\n" }
            if let d = e.definition { out += "        <descrip type=\"definition\">\(x(d))</descrip>\n" }
            if let n = e.note { out += "        <note>\(x(n))</note>\n" }
            var langs: [String] = []
            for t in e.terms where !langs.contains(t.language) { langs.append(t.language) }
            for l in langs {
                out += "        <langSet xml:lang=\"\(x(l))\">\n"
                for t in e.terms where t.language == l {
                    out += "          <tig>\n            <term>\(x(t.text))</term>\n"
                    if let p = t.partOfSpeech { out += "            <termNote type=\"partOfSpeech\">\(x(p))</termNote>\n" }
                    if let s = t.status {
                        out += "            <termNote type=\"administrativeStatus\">\(statusValue(s))</termNote>\n"
                        if s == .forbidden { out += "            <note>forbidden</note>\n" }
                    }
                    if let n = t.note, !(t.status == .forbidden && n == "forbidden") { out += "            <note>\(x(n))</note>\n" }
                    out += "          </tig>\n"
                }
                out += "        </langSet>\n"
            }
            out += "      </termEntry>\n"
        }
        return out + "    </body>\n  </text>\n</martif>\n"
    }
}
