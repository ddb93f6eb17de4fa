import Foundation
import TranslationMemory

/// Reads TMX 1.1 to 1.4b as a stream of units.
///
/// Keeps what a round trip needs: languages (normalised to BCP 47 case), dates, users, usage
/// count, props and notes of units and variants, segment white space, and inline elements
/// (bpt, ept, it, ph, hi, ut, sub) as markup beside the plain text. UTF-8 and UTF-16 (with a
/// byte-order mark); no DTD entities, no external entities.
public struct TMXReader {
    /// Something wrong with one unit.
    public struct UnitProblem: Sendable {
        public let line: Int
        public let message: String
    }

    public var file: String
    /// Skip units that are wrong (reporting each) instead of failing on the first.
    public var skipBad = false
    /// Read regular units through the fast lane (`TMXFastLane.swift`); off, every unit goes
    /// through the general path (the two give the same units: tests compare them).
    public var fastLane = true
    /// Let a second thread read ahead in the fast lane (`FastLaneHelper`); the units are the same.
    public var twoThreads = true

    public init(file: String, skipBad: Bool = false) {
        self.file = file
        self.skipBad = skipBad
    }

    /// Header facts.
    public struct Header: Sendable {
        public var sourceLanguage: String?
        public var creationTool: String?
        public var version: String?
    }

    /// Calls `unit` for every unit, `warning` for what is odd but kept, and returns the
    /// problems of skipped units (only with `skipBad`), how many units the fast lane read, and how
    /// many of those its helper thread read. Throws `FormatError` naming the line.
    @discardableResult
    public func read(_ parser: XMLPullParser, unit: (TranslationUnit) throws -> Void,
                     warning: (UnitProblem) -> Void = { _ in }) throws -> (header: Header, skipped: [UnitProblem], fastLaneUnits: Int, helperUnits: Int) {
        var header = Header()
        var skipped: [UnitProblem] = []
        var lane = FastLaneState()
        var helper: FastLaneHelper?
        func fail(_ line: Int, _ message: String) -> FormatError { FormatError(file: file, line: line, message) }
        do {
            guard case .start(let root, let rootAttrs, _)? = try parser.next() else { throw fail(parser.eventLine, "empty document") }
            guard root == "tmx" else { throw fail(parser.eventLine, "not a TMX file: the root element is <\(root)>, not <tmx>") }
            header.version = rootAttrs["version"]
            lane.enabled = fastLane
            var cache = FastLaneCache()
            while true {
                if lane.inBody, lane.worthTrying {
                    // A helper joins once the body has shown itself regular.
                    if helper == nil, twoThreads, lane.taken >= 256 { helper = FastLaneHelper(sourceLanguage: header.sourceLanguage) }
                    if let (u, srclang, line) = try parser.fastLane(lookahead: TMXReader.fastLaneLookahead, { b, line in
                        guard let helper else {
                            return TMXReader.fastUnit(b, line: line, sourceLanguage: header.sourceLanguage, cache: &cache).map { ($0.value, $0.consumed, nil) }
                        }
                        let offset = parser.offset
                        var t = 0, tuLine = line
                        while t < b.count, ByteScanner.isSpace(b[t]) {
                            if b[t] == 0x0A { tuLine += 1 }
                            t += 1
                        }
                        if let h = helper.unit(at: offset + t) { return ((h.unit, h.srclang, tuLine), t + h.length, tuLine - line + h.newlines) }
                        guard let own = TMXReader.fastUnit(b, line: line, sourceLanguage: header.sourceLanguage, cache: &cache) else { return nil }
                        helper.handOver(UnsafeBufferPointer(rebasing: b[own.consumed...]), offset: offset + own.consumed)
                        return (own.value, own.consumed, nil)
                    }) {
                        lane.taken += 1
                        var u = u
                        TMXReader.finish(&u, srclang: srclang, line: line, warning: warning)
                        try unit(u)
                        continue
                    }
                    lane.missed += 1
                }
                guard let ev = try parser.next() else { break }
                switch ev {
                case .start("header", let attrs, let selfClosing):
                    header.sourceLanguage = attrs["srclang"].map { $0 == "*all*" ? $0 : LanguageTag.canonical($0) }
                    header.creationTool = attrs["creationtool"]
                    if !selfClosing { try skipElement(parser, "header") }
                case .start("tu", let attrs, _):
                    let line = parser.eventLine
                    do {
                        if let u = try readUnit(parser, attrs: attrs, line: line, header: header, warning: warning) { try unit(u) }
                    } catch let e as UnitError {
                        let p = UnitProblem(line: e.line, message: e.message)
                        guard skipBad else { throw fail(e.line, e.message) }
                        skipped.append(p)
                        try skipRest(parser, of: "tu", from: e)
                    }
                case .start(let name, _, let selfClosing):
                    if name == "body" { lane.inBody = !selfClosing } else if !selfClosing { try skipElement(parser, name) }
                case .end("body"):
                    lane.inBody = false
                default:
                    continue
                }
            }
        } catch let e as XMLPullParser.ParseError {
            throw FormatError(file: file, line: e.line, "not well-formed XML: \(e.message)")
        }
        return (header, skipped, lane.taken, helper?.taken ?? 0)
    }

    struct UnitError: Error {
        let line: Int
        let message: String
        /// How deep inside the <tu> the parser stands (1: directly in it).
        var depth: Int
        /// Whether the parser already left the <tu>.
        var closed = false
    }

    private func skipElement(_ parser: XMLPullParser, _ name: String) throws {
        var depth = 1
        while depth > 0, let ev = try parser.next() {
            if case .start(_, _, _) = ev { depth += 1 }
            if case .end(_) = ev { depth -= 1 }
        }
    }

    private func skipRest(_ parser: XMLPullParser, of name: String, from e: UnitError) throws {
        if e.closed { return }
        // Skip to the end of the enclosing <tu>, wherever the error left us.
        var depth = e.depth
        while depth > 0, let ev = try parser.next() {
            if case .start(_, _, _) = ev { depth += 1 }
            if case .end(_) = ev { depth -= 1 }
        }
    }

    private func readUnit(_ parser: XMLPullParser, attrs: [String: String], line: Int, header: Header,
                          warning: (UnitProblem) -> Void) throws -> TranslationUnit? {
        var u = TranslationUnit(variants: [])
        var srclang = header.sourceLanguage
        for (name, value) in attrs { TMXReader.unitAttribute(name, value, of: &u, srclang: &srclang) }
        var depth = 1
        while let ev = try parser.next() {
            switch ev {
            case .start("note", _, let sc):
                u.notes.append(sc ? "" : try textContent(parser, "note", line: parser.eventLine, depth: depth + 1))
            case .start("prop", let a, let sc):
                let value = sc ? "" : try textContent(parser, "prop", line: parser.eventLine, depth: depth + 1)
                TMXReader.mapProp(&u, type: a["type"] ?? a["type2"] ?? "", value: value)
            case .start("tuv", let a, let sc):
                let tuvLine = parser.eventLine
                guard let rawLang = a["xml:lang"] ?? a["lang"] else {
                    throw UnitError(line: tuvLine, message: "<tuv> without xml:lang (or lang)", depth: depth + (sc ? 0 : 1))
                }
                guard LanguageTag.isWellFormed(rawLang) else {
                    throw UnitError(line: tuvLine, message: "'\(rawLang)' is not a language tag", depth: depth + (sc ? 0 : 1))
                }
                if sc { throw UnitError(line: tuvLine, message: "<tuv xml:lang=\"\(rawLang)\"> without a <seg>", depth: depth) }
                var v = Variant(language: rawLang, text: "")
                var sawSeg = false
                tuvLoop: while let e2 = try parser.next() {
                    switch e2 {
                    case .start("seg", _, let segSC):
                        sawSeg = true
                        if !segSC { (v.text, v.markup) = try segContent(parser, depth: depth + 2) }
                    case .start("note", _, let nsc):
                        v.notes.append(nsc ? "" : try textContent(parser, "note", line: parser.eventLine, depth: depth + 2))
                    case .start("prop", let pa, let psc):
                        v.properties.append(Property(type: pa["type"] ?? "", value: psc ? "" : try textContent(parser, "prop", line: parser.eventLine, depth: depth + 2)))
                    case .start(let other, _, let osc):
                        if !osc { try skipElement(parser, other) }
                    case .end("tuv"):
                        break tuvLoop
                    default:
                        continue
                    }
                }
                guard sawSeg else { throw UnitError(line: tuvLine, message: "<tuv xml:lang=\"\(rawLang)\"> without a <seg>", depth: depth) }
                u.variants.append(v)
            case .start(let other, _, let sc):
                if !sc { try skipElement(parser, other) }
            case .end("tu"):
                depth = 0
            default:
                continue
            }
            if depth == 0 { break }
        }
        if u.variants.isEmpty { throw UnitError(line: line, message: "<tu> without any <tuv>", depth: 0, closed: true) }
        TMXReader.finish(&u, srclang: srclang, line: line, warning: warning)
        return u
    }

    /// What an attribute of `<tu>` sets (the tuid becomes the first property).
    static func unitAttribute(_ name: String, _ value: String, of u: inout TranslationUnit, srclang: inout String?) {
        switch name {
        case "creationdate": u.createdAt = TMXDate.parse(value)
        case "creationid": u.createdBy = value
        case "changedate": u.changedAt = TMXDate.parse(value)
        case "changeid": u.changedBy = value
        case "usagecount": u.usageCount = Int(value) ?? 0
        case "lastusagedate": u.lastUsedAt = TMXDate.parse(value)
        case "tuid":
            let p = Property(type: "x-tmx-tuid", value: value)
            if u.properties.isEmpty { u.properties.append(p) } else { u.properties.insert(p, at: 0) }
        case "srclang": srclang = value == "*all*" ? value : LanguageTag.canonical(value)
        default: break
        }
    }

    /// The last steps for a unit with at least one variant: a warning when it has no translation,
    /// and the source variant first.
    static func finish(_ u: inout TranslationUnit, srclang: String?, line: Int, warning: (UnitProblem) -> Void) {
        if u.variants.count == 1 {
            warning(UnitProblem(line: line, message: "<tu> with only one <tuv> (\(u.variants[0].language)): kept, but it has no translation"))
        }
        if let src = srclang, src != "*all*",
           let k = u.variants.firstIndex(where: { LanguageTag.matches($0.language, requested: src) || LanguageTag.matches(src, requested: $0.language) }),
           k > 0 {
            u.variants.insert(u.variants.remove(at: k), at: 0)
        }
    }

    static func mapProp(_ u: inout TranslationUnit, type: String, value: String) {
        switch type {
        case "x-tmkit-file": u.originFile = value
        case "x-tmkit-key": u.originKey = value
        case "x-tmkit-context-prev": u.contextPrevious = value
        case "x-tmkit-context-next": u.contextNext = value
        default: u.properties.append(Property(type: type, value: value))
        }
    }

    /// The text of an element that holds only text (note, prop).
    private func textContent(_ parser: XMLPullParser, _ name: String, line: Int, depth: Int) throws -> String {
        var out = ""
        while let ev = try parser.next() {
            switch ev {
            case .text(let t): out += t
            case .end(name): return out
            case .start(let n, _, _): throw UnitError(line: parser.eventLine, message: "<\(n)> inside <\(name)>, which holds text only", depth: depth + 1)
            default: continue
            }
        }
        return out
    }

    /// The plain text of a <seg> and, when it has inline elements, its markup.
    static let inlineElements: Set<String> = ["bpt", "ept", "it", "ph", "hi", "ut", "sub"]

    private func segContent(_ parser: XMLPullParser, depth: Int) throws -> (String, String?) {
        var text = ""
        var markup = ""
        var hasInline = false
        var codeDepth = 0   // inside bpt/ept/it/ph/ut/sub: native code, not text
        var level = 0
        var stackNames: [String] = []
        while let ev = try parser.next() {
            switch ev {
            case .text(let t):
                if codeDepth == 0 { text += t }
                if hasInline { markup += TMXWriter.escape(t, quotes: false) }
            case .start(let n, let a, let sc):
                guard TMXReader.inlineElements.contains(n) else {
                    throw UnitError(line: parser.eventLine, message: "<\(n)> is not a TMX inline element", depth: depth + level + 1)
                }
                if !hasInline { markup = TMXWriter.escape(text, quotes: false) } // the text so far, all plain
                hasInline = true
                markup += "<" + n + a.sorted { $0.key < $1.key }.map { " \($0.key)=\"\(TMXWriter.escape($0.value, quotes: true))\"" }.joined()
                if sc {
                    markup += "/>"
                    _ = try parser.next() // the synthesized end event
                } else {
                    markup += ">"
                    level += 1
                    if n != "hi" { codeDepth += 1 }
                    stackNames.append(n)
                }
            case .end("seg") where level == 0:
                return (text, hasInline ? markup : nil)
            case .end(let n):
                markup += "</\(n)>"
                level -= 1
                if let last = stackNames.popLast(), last != "hi" { codeDepth -= 1 }
            }
        }
        return (text, hasInline ? markup : nil)
    }

}

/// TMX dates: "20151001T120000Z".
public enum TMXDate {
    public static func parse(_ s: String) -> Date? {
        // The first 14 digits: YYYYMMDDThhmmssZ, or the same with separators.
        var fields: (Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0)
        var count = 0
        for b in s.utf8 where b >= 0x30 && b <= 0x39 {
            if count == 14 { break }
            let v = Int(b - 0x30)
            switch count {
            case 0..<4: fields.0 = fields.0 * 10 + v
            case 4..<6: fields.1 = fields.1 * 10 + v
            case 6..<8: fields.2 = fields.2 * 10 + v
            case 8..<10: fields.3 = fields.3 * 10 + v
            case 10..<12: fields.4 = fields.4 * 10 + v
            default: fields.5 = fields.5 * 10 + v
            }
            count += 1
        }
        guard count >= 14 else { return nil }
        let (year, month, day, hour, minute, second) = fields
        // Days since 1970-01-01 of the proleptic Gregorian date (as timegm counts them, with
        // out-of-range months, days and times carried over the same way).
        let m0 = month - 1
        let y = year + (m0 >= 0 ? m0 / 12 : (m0 - 11) / 12)
        let m = ((m0 % 12) + 12) % 12 + 1
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let secs = days * 86_400 + hour * 3_600 + minute * 60 + second
        return secs < 0 && year > 1970 ? nil : Date(timeIntervalSince1970: TimeInterval(secs))
    }

    public static func format(_ d: Date) -> String { TMXWriter.date(d) }
}
