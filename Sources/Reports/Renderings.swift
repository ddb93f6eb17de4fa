import Foundation
import Glossary
import TranslationMemory

/// JSON renderings of results.
public enum JSONOut {
    public static func unitObject(_ u: TranslationUnit) -> JSON {
        var o: [(String, JSON)] = [
            ("id", u.id.map { .int(Int($0)) } ?? .null),
            ("variants", .array(u.variants.map { .object([("lang", .string($0.language)), ("text", .string($0.text))]) })),
            ("created", .date(u.createdAt)), ("createdBy", .optional(u.createdBy)),
            ("changed", .date(u.changedAt)), ("changedBy", .optional(u.changedBy)),
            ("usageCount", .int(u.usageCount)),
        ]
        if let v = u.originFile { o.append(("file", .string(v))) }
        if let v = u.originKey { o.append(("key", .string(v))) }
        if let v = u.contextPrevious { o.append(("contextPrev", .string(v))) }
        if let v = u.contextNext { o.append(("contextNext", .string(v))) }
        o.append(("notes", .array(u.notes.map(JSON.string))))
        o.append(("props", .array(u.properties.map { .object([("type", .string($0.type)), ("value", .string($0.value))]) })))
        return .object(o)
    }

    public static func matches(_ ms: [Match], pretty: Bool) -> String {
        JSON.array(ms.map { m in
            .object([
                ("id", .int(Int(m.unit.id ?? 0))),
                ("score", .int(m.score)),
                ("source", .string(m.source.text)), ("sourceLang", .string(m.source.language)),
                ("target", .optional(m.target?.text)), ("targetLang", .optional(m.target?.language)),
                ("diff", .array(m.diff.map { .object([("op", .string($0.kind.rawValue)), ("query", .string($0.query)), ("match", .string($0.match))]) })),
                ("penalties", .object(m.penalties.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
                ("unit", unitObject(m.unit)),
            ] + (m.languageFallback ? [("languageFallback", JSON.bool(true))] : []))
        }).serialized(pretty: pretty)
    }

    public static func concordance(_ hits: [ConcordanceHit]) -> String {
        JSON.array(hits.map { h in
            let text = h.searchedTarget ? h.target!.text : h.source.text
            return .object([
                ("id", .int(Int(h.unit.id ?? 0))),
                ("source", .string(h.source.text)), ("sourceLang", .string(h.source.language)),
                ("target", .optional(h.target?.text)), ("targetLang", .optional(h.target?.language)),
                ("side", .string(h.searchedTarget ? "target" : "source")),
                ("highlights", .array(h.ranges.map { r in
                    .object([("start", .int(text.unicodeScalars.distance(from: text.startIndex, to: r.lowerBound))),
                             ("end", .int(text.unicodeScalars.distance(from: text.startIndex, to: r.upperBound)))])
                })),
            ])
        }).serialized(pretty: true)
    }

    /// A glossary entry: its terms by language, with status, part of speech and notes.
    public static func entry(_ e: TermEntry) -> JSON {
        .object([
            ("id", .int(Int(e.id ?? 0))),
            ("terms", .array(e.terms.map { t in
                .object([("lang", .string(t.language)), ("text", .string(t.text)), ("status", .optional(t.status?.rawValue)),
                         ("pos", .optional(t.partOfSpeech)), ("note", .optional(t.note))])
            })),
            ("note", .optional(e.note)), ("definition", .optional(e.definition)), ("domain", .optional(e.domain)),
        ])
    }

    /// The glossary terms found in a text (`glossary find`), with their translations into `targetLanguage`.
    public static func termMatches(_ ms: [TermMatch], targetLanguage: String?) -> String {
        JSON.array(ms.map { m in
            .object([("text", .string(m.surface)), ("start", .int(m.start)), ("end", .int(m.end)), ("term", .string(m.term.text)),
                     ("entry", .int(Int(m.entry.id ?? 0))),
                     ("translations", .array(targetLanguage.map { m.entry.terms(in: $0) }?.map { .string($0.text) } ?? []))])
        }).serialized(pretty: true)
    }

    /// Units in all, units per language pair and variants per language (`tm stats`).
    public static func stats(_ s: MemoryStats) -> JSON {
        .object([
            ("units", .int(s.units)),
            ("pairs", .array(s.unitsByPair.map { .object([("source", .string($0.source)), ("target", .string($0.target)), ("units", .int($0.count))]) })),
            ("languages", .array(s.variantsByLanguage.map { .object([("language", .string($0.language)), ("variants", .int($0.count))]) })),
        ])
    }

    public static func units(_ us: [TranslationUnit]) -> String { JSON.array(us.map(unitObject)).serialized(pretty: true) }
}

/// Text renderings; ANSI colour only when asked (a terminal).
public enum TextOut {
    public static func match(_ m: Match, color: Bool) -> String {
        var s = "\(m.score)%  unit \(m.unit.id ?? 0)" + (m.languageFallback ? "  (stored as \(m.source.language)\(m.target.map { " → " + $0.language } ?? ""): another region of the language asked for)" : "") + "\n"
        s += "  source: " + markedSource(m.source.text, diff: m.diff, color: color) + "\n"
        if let t = m.target { s += "  target: \(t.text)\n" }
        if !m.penalties.isEmpty {
            s += "  penalties: " + m.penalties.sorted { $0.key < $1.key }.map { "\($0.key) -\($0.value)" }.joined(separator: ", ") + "\n"
        }
        var meta: [String] = []
        if let f = m.unit.originFile { meta.append("file \(f)") }
        if let k = m.unit.originKey { meta.append("key \(k)") }
        if let by = m.unit.changedBy ?? m.unit.createdBy { meta.append("by \(by)") }
        if let d = m.unit.changedAt, case .string(let s) = JSON.date(d) { meta.append("changed \(s)") }
        if !meta.isEmpty { s += "  " + meta.joined(separator: ", ") + "\n" }
        return s
    }

    /// The stored source as it is (punctuation and spacing kept) with the differences marked:
    /// [-in the match only-] {+in the query only+}. Each operation's words are found in the text in
    /// order; should one not be found (a tokenizer that changed a word), the word-level line is used.
    public static func markedSource(_ text: String, diff: [FuzzyScorer.DiffOp], color: Bool) -> String {
        func del(_ s: String) -> String { color ? "\u{1B}[31;9m\(s)\u{1B}[0m" : "[-\(s)-]" }
        func ins(_ s: String) -> String { color ? "\u{1B}[32m\(s)\u{1B}[0m" : "{+\(s)+}" }
        var out = ""
        var at = text.startIndex
        var pendingInsert: [String] = []
        for op in diff {
            if op.kind == .insert {
                pendingInsert.append(op.query)
                continue
            }
            guard !op.match.isEmpty, let r = text.range(of: op.match, range: at..<text.endIndex) else { return diffLine(diff, color: color) }
            out += text[at..<r.lowerBound]
            if !pendingInsert.isEmpty {
                out += ins(pendingInsert.joined(separator: " ")) + " "
                pendingInsert = []
            }
            switch op.kind {
            case .equal: out += text[r]
            case .delete: out += del(String(text[r]))
            case .replace: out += del(String(text[r])) + ins(op.query)
            case .insert: break
            }
            at = r.upperBound
        }
        var rest = String(text[at...])
        // Words the query has after the match's last word go before its closing punctuation.
        if !pendingInsert.isEmpty { rest = " " + ins(pendingInsert.joined(separator: " ")) + rest }
        return out + rest
    }

    /// The matched source with the differences marked: [-in the match only-] {+in the query only+}.
    public static func diffLine(_ diff: [FuzzyScorer.DiffOp], color: Bool) -> String {
        diff.map { op in
            switch op.kind {
            case .equal: return op.match
            case .delete: return color ? "\u{1B}[31;9m\(op.match)\u{1B}[0m" : "[-\(op.match)-]"
            case .insert: return color ? "\u{1B}[32m\(op.query)\u{1B}[0m" : "{+\(op.query)+}"
            case .replace:
                return color ? "\u{1B}[31;9m\(op.match)\u{1B}[0m\u{1B}[32m\(op.query)\u{1B}[0m" : "[-\(op.match)-]{+\(op.query)+}"
            }
        }.joined(separator: " ")
    }

    public static func concordance(_ h: ConcordanceHit, color: Bool) -> String {
        func mark(_ text: String) -> String {
            var out = ""
            var i = text.startIndex
            for r in h.ranges {
                out += text[i..<r.lowerBound]
                out += color ? "\u{1B}[1;33m\(text[r])\u{1B}[0m" : "«\(text[r])»"
                i = r.upperBound
            }
            return out + text[i...]
        }
        var s = "unit \(h.unit.id ?? 0)\n"
        s += "  \(h.source.language): " + (h.searchedTarget ? h.source.text : mark(h.source.text)) + "\n"
        if let t = h.target { s += "  \(t.language): " + (h.searchedTarget ? mark(t.text) : t.text) + "\n" }
        return s
    }

    public static func unit(_ u: TranslationUnit) -> String {
        var s = "unit \(u.id ?? 0)"
        if let k = u.originKey { s += "  key \(k)" }
        s += "\n"
        for v in u.variants { s += "  \(v.language): \(v.text)\n" }
        for n in u.notes { s += "  note: \(n)\n" }
        return s
    }
}
