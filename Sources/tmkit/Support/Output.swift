import Foundation
import TranslationMemory

/// JSON renderings of results (keys sorted, so output is stable).
enum JSONOut {
    static func encode(_ obj: Any, pretty: Bool = false) -> String {
        var opts: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { opts.insert(.prettyPrinted) }
        return (try? JSONSerialization.data(withJSONObject: obj, options: opts)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    static func date(_ d: Date?) -> Any {
        guard let d else { return NSNull() }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: d)
    }

    static func unitObject(_ u: TranslationUnit) -> [String: Any] {
        var o: [String: Any] = [
            "id": u.id.map { NSNumber(value: $0) } ?? NSNull(),
            "variants": u.variants.map { ["lang": $0.language, "text": $0.text] },
            "created": date(u.createdAt), "changed": date(u.changedAt),
            "usageCount": u.usageCount,
            "notes": u.notes,
            "props": u.properties.map { ["type": $0.type, "value": $0.value] },
        ]
        if let v = u.createdBy { o["createdBy"] = v }
        if let v = u.changedBy { o["changedBy"] = v }
        if let v = u.originFile { o["file"] = v }
        if let v = u.originKey { o["key"] = v }
        if let v = u.contextPrevious { o["contextPrev"] = v }
        if let v = u.contextNext { o["contextNext"] = v }
        return o
    }

    static func matches(_ ms: [Match], pretty: Bool) -> String {
        encode(ms.map { m -> [String: Any] in
            [
                "id": NSNumber(value: m.unit.id ?? 0),
                "score": m.score,
                "source": m.source.text, "sourceLang": m.source.language,
                "target": m.target?.text ?? NSNull(), "targetLang": m.target?.language ?? NSNull(),
                "diff": m.diff.map { ["op": $0.kind.rawValue, "query": $0.query, "match": $0.match] },
                "penalties": m.penalties,
                "unit": unitObject(m.unit),
            ]
        }, pretty: pretty)
    }

    static func concordance(_ hits: [ConcordanceHit]) -> String {
        encode(hits.map { h -> [String: Any] in
            let text = h.searchedTarget ? h.target!.text : h.source.text
            return [
                "id": NSNumber(value: h.unit.id ?? 0),
                "source": h.source.text, "sourceLang": h.source.language,
                "target": h.target?.text ?? NSNull(), "targetLang": h.target?.language ?? NSNull(),
                "side": h.searchedTarget ? "target" : "source",
                "highlights": h.ranges.map { r in
                    ["start": text.unicodeScalars.distance(from: text.startIndex, to: r.lowerBound),
                     "end": text.unicodeScalars.distance(from: text.startIndex, to: r.upperBound)]
                },
            ]
        }, pretty: true)
    }

    static func units(_ us: [TranslationUnit]) -> String { encode(us.map(unitObject), pretty: true) }
}

/// Text renderings; ANSI colour only when asked (a terminal).
enum TextOut {
    static func match(_ m: Match, color: Bool) -> String {
        var s = "\(m.score)%  unit \(m.unit.id ?? 0)\n"
        s += "  source: " + diffLine(m.diff, color: color) + "\n"
        if let t = m.target { s += "  target: \(t.text)\n" }
        if !m.penalties.isEmpty {
            s += "  penalties: " + m.penalties.sorted { $0.key < $1.key }.map { "\($0.key) -\($0.value)" }.joined(separator: ", ") + "\n"
        }
        var meta: [String] = []
        if let f = m.unit.originFile { meta.append("file \(f)") }
        if let k = m.unit.originKey { meta.append("key \(k)") }
        if let by = m.unit.changedBy ?? m.unit.createdBy { meta.append("by \(by)") }
        if let d = m.unit.changedAt { meta.append("changed \(JSONOut.date(d))") }
        if !meta.isEmpty { s += "  " + meta.joined(separator: ", ") + "\n" }
        return s
    }

    /// The matched source with the differences marked: [-in the match only-] {+in the query only+}.
    static func diffLine(_ diff: [FuzzyScorer.DiffOp], color: Bool) -> String {
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

    static func concordance(_ h: ConcordanceHit, color: Bool) -> String {
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

    static func unit(_ u: TranslationUnit) -> String {
        var s = "unit \(u.id ?? 0)"
        if let k = u.originKey { s += "  key \(k)" }
        s += "\n"
        for v in u.variants { s += "  \(v.language): \(v.text)\n" }
        for n in u.notes { s += "  note: \(n)\n" }
        return s
    }
}
