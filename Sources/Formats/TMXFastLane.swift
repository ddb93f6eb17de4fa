import Foundation
import ICUText
import TranslationMemory

/// The fast lane of `TMXReader`: a `<tu>` of the regular shape nearly every TMX body is made of
/// (inline elements included) is read straight from the parser's bytes, without events, attribute
/// dictionaries or intermediate strings. Anything else (comments, CDATA, self-closing or unknown
/// elements outside segments, entities other than the five and character references, attribute values with
/// line breaks or tabs, a bad language tag, invalid UTF-8) makes it give up before consuming
/// anything, and the unit is read by the general path, which also reports every error.
/// Both paths give the same units (tested on every sample file, with the lane on and off).
extension TMXReader {
    /// Units longer than this go through the general path.
    static let fastLaneLookahead = 1 << 16

    /// Whether the lane is worth trying: on, inside <body>, unless it keeps missing (a memory
    /// whose every unit has inline markup goes straight to the general path).
    struct FastLaneState {
        var inBody = false
        var taken = 0
        var missed = 0
        var enabled = true
        var worthTrying: Bool { enabled && (missed < 64 || taken >= missed) }
    }

    /// A unit read from the start of `b`, its `srclang` (or `sourceLanguage`), the line of its
    /// `<tu`, and the bytes read; nil when it is not of the regular shape or does not end in `b`.
    static func fastUnit(_ b: UnsafeBufferPointer<UInt8>, line: Int, sourceLanguage: String?, cache: inout FastLaneCache)
        -> (value: (TranslationUnit, String?, Int), consumed: Int)? {
        // A byte that is not UTF-8 sends the unit to the general path, which names the error (the
        // parser offers no NUL). Outside texts and attribute values only ASCII is accepted; those
        // are checked as they become strings.
        var scan = ByteScanner(b: b, line: line)
        scan.skipSpace()
        let tuLine = scan.line
        var u = TranslationUnit(variants: [])
        var srclang = sourceLanguage
        var selfClosing = false
        guard scan.take("<tu"), scan.rawAttributes(selfClosing: &selfClosing, { b, a in
            // Dates (repeated from unit to unit) and attributes tmkit ignores make no string.
            if ByteScanner.spells(b, a.name, "creationdate") {
                guard let d = cache.date(b, a) else { return false }
                u.createdAt = d
            } else if ByteScanner.spells(b, a.name, "changedate") {
                guard let d = cache.date(b, a) else { return false }
                u.changedAt = d
            } else if ByteScanner.spells(b, a.name, "tuid") || ByteScanner.spells(b, a.name, "creationid")
                        || ByteScanner.spells(b, a.name, "changeid") || ByteScanner.spells(b, a.name, "usagecount")
                        || ByteScanner.spells(b, a.name, "lastusagedate") || ByteScanner.spells(b, a.name, "srclang") {
                guard let value = ByteScanner.decode(b, a.value, entities: a.amp) else { return false }
                unitAttribute(String(decoding: UnsafeBufferPointer(rebasing: b[a.name]), as: UTF8.self), value, of: &u, srclang: &srclang)
            } else {
                return ByteScanner.check(b, a)
            }
            return true
        }), !selfClosing else { return nil }
        while true {
            scan.skipSpace()
            if scan.take("</tu>") { break }
            if scan.take("<prop") {
                var type: String?, type2: String?
                guard scan.attributes({ if $0 == "type" { type = $1 } else if $0 == "type2" { type2 = $1 } }),
                      let value = scan.text(closing: "</prop>", cache: &cache.lastProp) else { return nil }
                mapProp(&u, type: type ?? type2 ?? "", value: value)
            } else if scan.take("<note") {
                guard scan.attributes(), let value = scan.text(closing: "</note>") else { return nil }
                u.notes.append(value)
            } else if scan.take("<tuv") {
                var xmlLang: String??, plainLang: String??
                var tuvSelfClosing = false
                guard scan.rawAttributes(selfClosing: &tuvSelfClosing, { b, a in
                    if ByteScanner.spells(b, a.name, "xml:lang") {
                        xmlLang = cache.language(b, a)
                        return xmlLang != nil
                    }
                    if ByteScanner.spells(b, a.name, "lang") {
                        plainLang = cache.language(b, a)
                        return plainLang != nil
                    }
                    return ByteScanner.check(b, a)
                }), !tuvSelfClosing, let found = xmlLang ?? plainLang, let lang = found else { return nil }
                var v = Variant(canonicalLanguage: lang, text: "")
                var sawSeg = false
                while true {
                    scan.skipSpace()
                    if scan.take("</tuv>") { break }
                    if !sawSeg, scan.take("<seg>") {
                        guard let (text, markup) = scan.segment() else { return nil }
                        v.text = text
                        v.markup = markup
                        sawSeg = true
                    } else if scan.take("<prop") {
                        var type: String?
                        guard scan.attributes({ if $0 == "type" { type = $1 } }), let value = scan.text(closing: "</prop>") else { return nil }
                        v.properties.append(Property(type: type ?? "", value: value))
                    } else if scan.take("<note") {
                        guard scan.attributes(), let value = scan.text(closing: "</note>") else { return nil }
                        v.notes.append(value)
                    } else {
                        return nil
                    }
                }
                guard sawSeg else { return nil }
                u.variants.append(v)
            } else {
                return nil
            }
        }
        guard !u.variants.isEmpty else { return nil }
        return ((u, srclang, tuLine), scan.i)
    }
}

/// What units of one file repeat: their few language tags (as written → canonical, nil when
/// not well-formed) and dates, looked up by their bytes.
struct FastLaneCache {
    private var languages: [([UInt8], String?)] = []
    private var lastDate: ([UInt8], Date?) = ([], nil)
    /// The last unit-level prop's text (`ByteScanner.text(closing:cache:)`).
    var lastProp: (bytes: [UInt8], value: String)?

    @inline(__always) static func same(_ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { memcmp($0.baseAddress!, b.baseAddress!, b.count) == 0 }
    }

    /// The canonical tag of a language attribute: .some(nil) when it is not well-formed, nil
    /// when the value is not valid.
    mutating func language(_ b: UnsafeBufferPointer<UInt8>, _ a: ByteScanner.RawAttribute) -> String?? {
        let raw = UnsafeBufferPointer(rebasing: b[a.value])
        if !a.amp, let hit = languages.first(where: { FastLaneCache.same($0.0, raw) }) { return .some(hit.1) }
        guard let value = ByteScanner.decode(b, a.value, entities: a.amp) else { return nil }
        let canonical = LanguageTag.isWellFormed(value) ? LanguageTag.canonical(value) : nil
        if !a.amp, languages.count < 16 { languages.append((Array(raw), canonical)) }
        return .some(canonical)
    }

    /// The date of a date attribute (nil inside when it is not a date); nil when the value is not valid.
    mutating func date(_ b: UnsafeBufferPointer<UInt8>, _ a: ByteScanner.RawAttribute) -> Date?? {
        let raw = UnsafeBufferPointer(rebasing: b[a.value])
        if !a.amp, !raw.isEmpty, FastLaneCache.same(lastDate.0, raw) { return .some(lastDate.1) }
        guard let value = ByteScanner.decode(b, a.value, entities: a.amp) else { return nil }
        let d = TMXDate.parse(value)
        if !a.amp { lastDate = (Array(raw), d) }
        return .some(d)
    }
}

/// A cursor over the bytes of one `<tu>`.
struct ByteScanner {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0
    var line: Int

    init(b: UnsafeBufferPointer<UInt8>, line: Int) {
        self.b = b
        self.line = line
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

    mutating func skipSpace() {
        while i < b.count, ByteScanner.isSpace(b[i]) {
            if b[i] == 0x0A { line += 1 }
            i += 1
        }
    }

    /// Consumes `literal` when the input continues with it.
    mutating func take(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard b.count - i >= n, memcmp(b.baseAddress! + i, literal.utf8Start, n) == 0 else { return false }
        i += n
        return true
    }

    /// Reads the attributes of a start tag whose name was just read, through its '>', calling
    /// `each` with every name and value; false for a self-closing tag or anything irregular (a
    /// repeated name, a value with '<', a tab or line break, more than 16 attributes).
    mutating func attributes(_ each: (String, String) -> Void = { _, _ in }) -> Bool {
        var selfClosing = false
        return attributes(selfClosing: &selfClosing, each) && !selfClosing
    }

    /// `attributes`, accepting a self-closing tag ("/>"), which sets `selfClosing`.
    mutating func attributes(selfClosing: inout Bool, _ each: (String, String) -> Void) -> Bool {
        rawAttributes(selfClosing: &selfClosing) { b, a in
            guard let value = ByteScanner.decode(b, a.value, entities: a.amp) else { return false }
            each(String(decoding: UnsafeBufferPointer(rebasing: b[a.name]), as: UTF8.self), value) // ASCII
            return true
        }
    }

    /// An attribute as it stands in the input: its name and value (without quotes) as ranges of
    /// the scanner's bytes, and whether the value has an entity to expand.
    struct RawAttribute {
        var name: Range<Int>
        var value: Range<Int>
        var amp: Bool
    }

    /// The attributes of a start tag, as ranges: `each` decides what to turn into strings (and
    /// must check the value, `ByteScanner.check`, when it does not). False when `each` does, or
    /// for anything irregular (see `attributes`).
    mutating func rawAttributes(selfClosing: inout Bool, _ each: (UnsafeBufferPointer<UInt8>, RawAttribute) -> Bool) -> Bool {
        guard i < b.count, b[i] == 0x3E || b[i] == 0x2F || ByteScanner.isSpace(b[i]) else { return false }
        let b = self.b
        return withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: 16) { names in
            var n = 0
            while true {
                skipSpace()
                guard i < b.count else { return false }
                if b[i] == 0x3E { i += 1; return true }
                if b[i] == 0x2F {
                    guard i + 1 < b.count, b[i + 1] == 0x3E else { return false }
                    i += 2
                    selfClosing = true
                    return true
                }
                let start = i
                while i < b.count, isNameByte(b[i]) { i += 1 }
                guard i > start, n < 16 else { return false }
                let nameRange = start..<i
                for k in 0..<n where names[k].count == nameRange.count
                    && memcmp(b.baseAddress! + names[k].lowerBound, b.baseAddress! + start, nameRange.count) == 0 { return false }
                names[n] = nameRange
                n += 1
                skipSpace()
                guard i < b.count, b[i] == 0x3D else { return false }
                i += 1
                skipSpace()
                guard i < b.count, b[i] == 0x22 || b[i] == 0x27 else { return false }
                let quote = b[i]
                i += 1
                let vStart = i
                var amp = false
                while i < b.count, b[i] != quote {
                    let c = b[i]
                    if c == 0x3C || c == 0x09 || c == 0x0A || c == 0x0D { return false }
                    if c == 0x26 { amp = true }
                    i += 1
                }
                guard i < b.count else { return false }
                let attribute = RawAttribute(name: nameRange, value: vStart..<i, amp: amp)
                i += 1
                guard each(b, attribute) else { return false }
            }
        }
    }

    /// Whether `r` of `b` spells `literal`.
    @inline(__always) static func spells(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ literal: StaticString) -> Bool {
        r.count == literal.utf8CodeUnitCount && memcmp(b.baseAddress! + r.lowerBound, literal.utf8Start, r.count) == 0
    }

    /// Whether an attribute's value is one the general path accepts (valid UTF-8 without NUL, its
    /// entities defined), without keeping it: ASCII without '&' needs no string.
    static func check(_ b: UnsafeBufferPointer<UInt8>, _ a: RawAttribute) -> Bool {
        if !a.amp, b[a.value].allSatisfy({ $0 != 0 && $0 < 0x80 }) { return true }
        return decode(b, a.value, entities: a.amp) != nil
    }

    private func isNameByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x3A || c == 0x2D || c == 0x5F || c == 0x2E
    }

    /// Text up to '<', which must begin `closing`; nil when it does not (an inline element).
    mutating func text(closing: StaticString) -> String? {
        guard let t = run(), take(closing) else { return nil }
        return t
    }

    /// `text(closing:)` that gives back `cache`'s string when the text's bytes are the same, and
    /// keeps a short text without line breaks or entities there: a prop that every unit repeats
    /// (the file it came from) becomes one string shared by all.
    mutating func text(closing: StaticString, cache: inout (bytes: [UInt8], value: String)?) -> String? {
        guard let base = b.baseAddress, i < b.count, let hit = memchr(base + i, 0x3C, b.count - i) else { return nil }
        let raw = UnsafeBufferPointer(rebasing: b[i..<base.distance(to: hit.assumingMemoryBound(to: UInt8.self))])
        if let c = cache, FastLaneCache.same(c.bytes, raw) {
            i += raw.count
            return take(closing) ? c.value : nil
        }
        guard let t = run(), take(closing) else { return nil }
        if raw.count <= 256, memchr(raw.baseAddress!, 0x0A, raw.count) == nil, memchr(raw.baseAddress!, 0x26, raw.count) == nil {
            cache = (Array(raw), t)
        }
        return t
    }

    /// The text up to the next '<' (which stays unread), entities expanded; nil when there is no
    /// '<' in what the scanner holds or the text is not valid.
    mutating func run() -> String? {
        let start = i
        var amp = false
        guard let base = b.baseAddress, i < b.count, let hit = memchr(base + i, 0x3C, b.count - i) else { return nil }
        let end = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        // Lines and '&' in the run, eight bytes at a time (most runs have neither).
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var k = start
        while k + 8 <= end {
            let x = UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self)
            let nl = x ^ (ones &* 0x0A), am = x ^ (ones &* 0x26)
            if (nl &- ones) & ~nl & highs != 0 || (am &- ones) & ~am & highs != 0 { break }
            k += 8
        }
        while k < end {
            let c = b[k]
            if c == 0x0A { line += 1 } else if c == 0x26 { amp = true }
            k += 1
        }
        i = end
        return decode(start..<end, entities: amp)
    }

    /// An element name (ASCII letters and digits), or nil.
    mutating func name() -> String? {
        let start = i
        while i < b.count, isNameByte(b[i]) { i += 1 }
        guard i > start else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
    }

    /// The content of a `<seg>` through its `</seg>`: the plain text and, when it has inline
    /// elements, the markup, exactly as `TMXReader.segContent` makes them (text inside codes is
    /// left out of the plain text, `hi` keeps its text; markup is the text escaped again with the
    /// elements written back, attributes sorted).
    mutating func segment() -> (String, String?)? {
        // Most segments are text alone.
        guard let first = run() else { return nil }
        if take("</seg>") { return (first, nil) }
        var text = ""
        var markup = ""
        var hasInline = false
        var open: [String] = []
        var codeDepth = 0
        var pending: String? = first
        while true {
            guard let t = pending ?? run() else { return nil }
            pending = nil
            if !t.isEmpty {
                if codeDepth == 0 { text += t }
                if hasInline { markup += TMXWriter.escape(t, quotes: false) }
            }
            if take("</") {
                guard let n = name(), take(">") else { return nil }
                guard let top = open.last else { return n == "seg" ? (text, hasInline ? markup : nil) : nil }
                guard n == top else { return nil }
                markup += "</" + n + ">"
                open.removeLast()
                if n != "hi" { codeDepth -= 1 }
                continue
            }
            guard take("<"), let n = name(), TMXReader.inlineElements.contains(n) else { return nil }
            if !hasInline { markup = TMXWriter.escape(text, quotes: false); hasInline = true }
            var attrs: [(String, String)] = []
            var selfClosing = false
            guard attributes(selfClosing: &selfClosing, { attrs.append(($0, $1)) }) else { return nil }
            markup += "<" + n
            for (k, v) in attrs.sorted(by: { $0.0 < $1.0 }) { markup += " " + k + "=\"" + TMXWriter.escape(v, quotes: true) + "\"" }
            if selfClosing {
                markup += "/>"
            } else {
                markup += ">"
                open.append(n)
                if n != "hi" { codeDepth += 1 }
            }
        }
    }

    /// The bytes as a string, with the five predefined entities and character references expanded.
    private func decode(_ r: Range<Int>, entities: Bool) -> String? { ByteScanner.decode(b, r, entities: entities) }

    static func decode(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, entities: Bool) -> String? {
        let raw = UnsafeBufferPointer(rebasing: b[r])
        guard entities else { return UTF8Validation.string(raw) } // (no NUL: the parser's fast lane offers none)
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var k = 0
        while k < raw.count {
            let c = raw[k]
            guard c == 0x26 else { out.append(c); k += 1; continue }
            var semi = k + 1
            while semi < raw.count, semi - k <= 12, raw[semi] != 0x3B { semi += 1 }
            guard semi < raw.count, raw[semi] == 0x3B else { return nil }
            let name = UnsafeBufferPointer(rebasing: raw[(k + 1)..<semi])
            switch String(decoding: name, as: UTF8.self) {
            case "lt": out.append(0x3C)
            case "gt": out.append(0x3E)
            case "amp": out.append(0x26)
            case "quot": out.append(0x22)
            case "apos": out.append(0x27)
            case let n where n.hasPrefix("#"):
                let digits = n.dropFirst()
                let v = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
                guard let v, v != 0, let u = Unicode.Scalar(v) else { return nil }
                out.append(contentsOf: String(u).utf8)
            default:
                return nil
            }
            k = semi + 1
        }
        return out.withUnsafeBufferPointer { UTF8Validation.string($0) }
    }

}

/// The fast lane on two threads: while the reader reads the units at the start of its buffer, a
/// helper reads those of the buffer's second half (from a copy), so that a long TMX body is
/// parsed on two cores. The reader takes a helper's unit only when it reaches that unit's `<tu`
/// itself, as the place the unit before it (read by either) ended: what `fastUnit` reads depends
/// on nothing but the bytes from there (and the header's `srclang`), so the units are those the
/// reader would have read. A unit the helper cannot read (not of the regular shape, or cut off by
/// the end of its copy) is left to the reader, and the helper goes on from the next one.
final class FastLaneHelper: @unchecked Sendable {
    struct Unit {
        /// Offset of the unit's `<tu` in the document, and the bytes from there to its end.
        let start: Int
        let length: Int
        /// Line breaks in those bytes.
        let newlines: Int
        let unit: TranslationUnit
        let srclang: String?
    }

    /// The helper's copies are made of at least this many bytes (fewer: not worth a hand-over).
    static let minimumRun = 32 << 10

    private let sourceLanguage: String?
    /// Used on the helper's thread only.
    @exclusivity(unchecked) private var cache = FastLaneCache()
    private let queue = DispatchQueue(label: "tmkit.tmx.fast-lane")
    private let group = DispatchGroup()
    /// The run handed over: where it starts, whether it may still be running, its units (read
    /// only after `group.wait()`) and the next one to hand out.
    @exclusivity(unchecked) private var runStart: Int?
    @exclusivity(unchecked) private var running = false
    @exclusivity(unchecked) private var units: [Unit?] = []
    @exclusivity(unchecked) private var next = 0
    /// The part of the reader's unread bytes handed over: the reader also reads the file and
    /// hands out the units, so the helper's part grows while it finishes first, and shrinks when
    /// the reader has to wait for it.
    @exclusivity(unchecked) private var share = 0.5
    /// Units handed out (for tests and profiles).
    @exclusivity(unchecked) private(set) var taken = 0

    init(sourceLanguage: String?) { self.sourceLanguage = sourceLanguage }

    /// Whether no run is under way or left to hand out.
    var isIdle: Bool { runStart == nil }

    /// The unit whose `<tu` is at `offset`, if the helper read it. Waits for the run when the
    /// reader has come to it; a run the reader went past is let go.
    func unit(at offset: Int) -> Unit? {
        guard let start = runStart, offset >= start else { return nil }
        if running {
            // The reader came to the run before it ended: the helper gets less next time.
            if group.wait(timeout: .now()) == .timedOut {
                share = max(0.2, share - 0.05)
                group.wait()
            } else {
                share = min(0.8, share + 0.05)
            }
            running = false
        }
        while next < units.count, units[next]!.start < offset { next += 1 }
        guard next < units.count else { reset(); return nil }
        guard units[next]!.start == offset else { return nil }
        let u = units[next].take() // moved out, not copied
        next += 1
        taken += 1
        if next == units.count { reset() }
        return u
    }

    private func reset() {
        runStart = nil
        units = []
        next = 0
    }

    /// The reader's unread bytes considered for one hand-over (the rest waits for the next).
    static let window = 1 << 20

    /// Hands the last part (`share`) of the next `window` bytes of `b` (the reader's unread bytes,
    /// which start at document offset `offset`) to the helper, from the first `<tu` in it, when
    /// there is enough of it.
    func handOver(_ b: UnsafeBufferPointer<UInt8>, offset: Int) {
        let end = min(b.count, FastLaneHelper.window)
        guard isIdle, end >= 2 * FastLaneHelper.minimumRun,
              let k = FastLaneHelper.unitStart(UnsafeBufferPointer(rebasing: b[..<end]), from: Int(Double(end) * (1 - share))),
              end - k >= FastLaneHelper.minimumRun else { return }
        let copy = Array(UnsafeBufferPointer(rebasing: b[k..<end]))
        let start = offset + k
        runStart = start
        running = true
        units = []
        next = 0
        queue.async(group: group) { [self] in units = read(copy, start: start) }
    }

    /// The first place at or after `from` that looks like the start of a unit in a body: `<tu`
    /// then white space or `>`, after a `>` or white space. (It may be inside a comment or a
    /// CDATA section: the reader never comes to such a place, so what the helper reads there is
    /// never taken.)
    static func unitStart(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let base = b.baseAddress else { return nil }
        var k = max(from, 1)
        while k + 4 <= b.count {
            guard let hit = memchr(base + k, 0x3C, b.count - k) else { return nil }
            k = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if k + 4 <= b.count, b[k + 1] == 0x74, b[k + 2] == 0x75, ByteScanner.isSpace(b[k + 3]) || b[k + 3] == 0x3E,
               ByteScanner.isSpace(b[k - 1]) || b[k - 1] == 0x3E {
                return k
            }
            k += 1
        }
        return nil
    }

    /// The units of `bytes` (which start with a `<tu` at document offset `start`), one after the
    /// other while they are regular.
    private func read(_ bytes: [UInt8], start: Int) -> [Unit?] {
        var out: [Unit?] = []
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                while i < b.count, ByteScanner.isSpace(b[i]) { i += 1 }
                if i + 3 < b.count, b[i] == 0x3C, b[i + 1] == 0x74, b[i + 2] == 0x75,
                   let r = TMXReader.fastUnit(UnsafeBufferPointer(rebasing: b[i...]), line: 0, sourceLanguage: sourceLanguage, cache: &cache) {
                    let newlines = XMLPullParser.newlines(b.baseAddress! + i, count: r.consumed)
                    out.append(Unit(start: start + i, length: r.consumed, newlines: newlines, unit: r.value.0, srclang: r.value.1))
                    i += r.consumed
                    continue
                }
                // Not a unit the lane reads (the reader's general path will): on from the next one.
                guard let k = FastLaneHelper.unitStart(b, from: i + 1) else { break }
                i = k
            }
        }
        return out
    }
}
