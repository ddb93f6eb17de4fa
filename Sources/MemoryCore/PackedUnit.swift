import Foundation
import ICUText

/// A unit as one row stores it (schema v5): its metadata and every variant packed in one blob.
/// A memory holds one row per unit, so that an import writes one row (and no index entry) per
/// unit; the duplicate keys and the fuzzy index are kept in blobs of their own.
///
/// Layout: created, changed and last-used dates as little-endian doubles (NaN for none); the
/// usage count; created by, changed by, origin file, origin key, previous and next segment,
/// props and notes (JSON) as optional strings; the number of variants; per variant: language,
/// text, markup, props, notes (optional strings), its word keys joined by U+001F and their number
/// (since v7, plain text's keys are left out: an empty string with a non-zero number stands for
/// the keys `PlainText.joinedKeys` finds in the text). Numbers are LEB128 varints; a string is its UTF-8 length and bytes, an optional one its length
/// plus one (0 for none).
package enum PackedUnit {
    /// A variant as stored: what a unit's variant is, plus its word keys.
    package struct StoredVariant {
        package var variant: Variant
        /// The word keys joined by U+001F as stored: empty, with a non-zero `wordCount`, for
        /// keys derived from the text (`writeVariant`); a rewrite keeps them so.
        package var storedKeys: String
        package var wordCount: Int

        package init(variant: Variant, keys: String, wordCount: Int) {
            self.variant = variant
            storedKeys = keys
            self.wordCount = wordCount
        }

        /// The word keys joined by U+001F, derived from the text when they are not stored
        /// (only writes that take a unit's keys out of the index need them: lookups, which
        /// decode every candidate, do not pay for it).
        package var keys: String {
            guard storedKeys.isEmpty, wordCount > 0 else { return storedKeys }
            var text = variant.text
            return text.withUTF8 { PlainText.joinedKeys($0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }

    package struct Writer {
        package var bytes: [UInt8] = []
        package init() {}

        package mutating func varint(_ v: UInt64) {
            var v = v
            while v >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
                v >>= 7
            }
            bytes.append(UInt8(v))
        }

        package mutating func double(_ d: Double?) {
            let bits = (d ?? .nan).bitPattern
            for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i)))) }
        }

        package mutating func string(_ s: String) {
            var s = s
            s.withUTF8 { b in
                varint(UInt64(b.count))
                bytes.append(contentsOf: b)
            }
        }

        package mutating func string(bytes b: [UInt8]) {
            varint(UInt64(b.count))
            bytes.append(contentsOf: b)
        }

        package mutating func optional(_ s: String?) {
            guard var s else { varint(0); return }
            s.withUTF8 { b in
                varint(UInt64(b.count) + 1)
                bytes.append(contentsOf: b)
            }
        }
    }

    package struct Reader {
        package let b: UnsafeRawBufferPointer
        package var i = 0

        package init(_ b: UnsafeRawBufferPointer) { self.b = b }

        package mutating func varint() throws -> UInt64 {
            var v: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard i < b.count, shift < 64 else { throw MemoryError.invalid("a stored unit is damaged") }
                let c = b[i]
                i += 1
                v |= UInt64(c & 0x7F) << shift
                if c < 0x80 { return v }
                shift += 7
            }
        }

        package mutating func double() throws -> Double? {
            guard i + 8 <= b.count else { throw MemoryError.invalid("a stored unit is damaged") }
            let d = Double(bitPattern: UInt64(littleEndian: b.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            i += 8
            return d.isNaN ? nil : d
        }

        package mutating func bytes(_ n: Int) throws -> UnsafeRawBufferPointer {
            guard n >= 0, i + n <= b.count else { throw MemoryError.invalid("a stored unit is damaged") }
            defer { i += n }
            return UnsafeRawBufferPointer(rebasing: b[i..<i + n])
        }

        package mutating func string() throws -> String {
            String(decoding: try bytes(Int(try varint())), as: UTF8.self)
        }

        package mutating func optional() throws -> String? {
            let n = try varint()
            return n == 0 ? nil : String(decoding: try bytes(Int(n - 1)), as: UTF8.self)
        }

        package mutating func skipString() throws { _ = try bytes(Int(try varint())) }
        package mutating func skipOptional() throws {
            let n = try varint()
            if n > 0 { _ = try bytes(Int(n - 1)) }
        }
    }

    /// Sets the created and changed dates of packed data that has none (they lead the header).
    /// (In place: a prepared chunk's bytes, `PreparedChunk.stampRow`.)
    package static func stamp(_ data: UnsafeMutableBufferPointer<UInt8>, now: Date) {
        let bits = now.timeIntervalSince1970.bitPattern
        for field in 0..<2 {
            let at = 8 * field
            var old: UInt64 = 0
            for i in 0..<8 { old |= UInt64(data[at + i]) << (8 * UInt64(i)) }
            guard Double(bitPattern: old).isNaN else { continue }
            for i in 0..<8 { data[at + i] = UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i))) }
        }
    }

    /// The unit's fields before its variants.
    /// - Parameter changeFromCreation: a missing change date and user are written as the creation's
    ///   (a new unit's; the unit is not copied to set them).
    package static func writeHeader(_ u: TranslationUnit, changeFromCreation: Bool = false, into w: inout Writer) {
        w.double(u.createdAt?.timeIntervalSince1970)
        w.double((changeFromCreation ? u.changedAt ?? u.createdAt : u.changedAt)?.timeIntervalSince1970)
        w.double(u.lastUsedAt?.timeIntervalSince1970)
        w.varint(UInt64(max(0, u.usageCount)))
        w.optional(u.createdBy)
        w.optional(changeFromCreation ? u.changedBy ?? u.createdBy : u.changedBy)
        w.optional(u.originFile)
        w.optional(u.originKey)
        w.optional(u.contextPrevious)
        w.optional(u.contextNext)
        w.optional(encodeProps(u.properties))
        w.optional(encodeNotes(u.notes))
        w.varint(UInt64(u.variants.count))
    }

    package static func writeVariant(language: String, text: String, markup: String?, props: String?, notes: String?,
                             keys: [UInt8], wordCount: Int, into w: inout Writer) {
        w.string(language)
        w.string(text)
        w.optional(markup)
        w.optional(props)
        w.optional(notes)
        w.string(bytes: keys)
        w.varint(UInt64(wordCount))
    }

    /// `writeVariant` with the keys as prepared (joined as they are written). Keys that
    /// `PlainText.joinedKeys` derives from the text (`derived`) are not written: an empty key
    /// string with a non-zero count stands for them (schema v7).
    package static func writeVariant(language: String, text: String, markup: String?, props: String?, notes: String?,
                             keys: IndexKeys, derived: Bool, into w: inout Writer) {
        w.string(language)
        w.string(text)
        w.optional(markup)
        w.optional(props)
        w.optional(notes)
        if derived {
            w.varint(0)
        } else {
            w.varint(UInt64(keys.joinedCount))
            keys.appendJoined(to: &w.bytes)
        }
        w.varint(UInt64(keys.count))
    }

    /// The joined keys of a stored variant: as stored, or derived from its text.
    package static func storedKeys<R>(_ keys: UnsafeRawBufferPointer, count: Int, text: UnsafeRawBufferPointer,
                              _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard keys.isEmpty, count > 0 else { return try body(keys) }
        guard let derived = PlainText.joinedKeys(text.bindMemory(to: UInt8.self)) else {
            throw MemoryError.invalid("a stored unit is damaged")
        }
        return try derived.withUnsafeBytes { try body($0) }
    }

    /// Encodes a unit whose variants' keys are known.
    package static func encode(_ u: TranslationUnit, keys: [(joined: [UInt8], count: Int)]) -> [UInt8] {
        var w = Writer()
        w.bytes.reserveCapacity(256)
        writeHeader(u, into: &w)
        for (v, k) in zip(u.variants, keys) {
            writeVariant(language: v.language, text: v.text, markup: v.markup, props: encodeProps(v.properties),
                         notes: encodeNotes(v.notes), keys: k.joined, wordCount: k.count, into: &w)
        }
        return w.bytes
    }

    /// Decodes a stored unit and its variants' keys.
    package static func decode(_ b: UnsafeRawBufferPointer, id: Int64) throws -> (unit: TranslationUnit, variants: [StoredVariant]) {
        do { return try decodeFields(b, id: id) } catch {
            throw MemoryError.invalid("unit \(id) is damaged in the memory (its stored row does not decode)")
        }
    }

    private static func decodeFields(_ b: UnsafeRawBufferPointer, id: Int64) throws -> (unit: TranslationUnit, variants: [StoredVariant]) {
        var r = Reader(b)
        func date() throws -> Date? { try r.double().map(Date.init(timeIntervalSince1970:)) }
        var u = TranslationUnit(id: id, variants: [])
        u.createdAt = try date()
        u.changedAt = try date()
        u.lastUsedAt = try date()
        u.usageCount = Int(try r.varint())
        u.createdBy = try r.optional()
        u.changedBy = try r.optional()
        u.originFile = try r.optional()
        u.originKey = try r.optional()
        u.contextPrevious = try r.optional()
        u.contextNext = try r.optional()
        u.properties = decodeProps(try r.optional())
        u.notes = decodeNotes(try r.optional())
        let n = Int(try r.varint())
        var stored: [StoredVariant] = []
        stored.reserveCapacity(n)
        for _ in 0..<n {
            let lang = try r.string()
            let text = try r.bytes(Int(try r.varint()))
            var v = Variant(canonicalLanguage: lang, text: String(decoding: text, as: UTF8.self))
            v.markup = try r.optional()
            v.properties = decodeProps(try r.optional())
            v.notes = decodeNotes(try r.optional())
            let keys = try r.string()
            stored.append(StoredVariant(variant: v, keys: keys, wordCount: Int(try r.varint())))
        }
        u.variants = stored.map(\.variant)
        return (u, stored)
    }

    /// Where a stored unit's variants begin (after its header and their count): a rewrite that
    /// changes only the header copies the rest as it is.
    package static func variantsOffset(_ b: UnsafeRawBufferPointer) throws -> Int {
        var r = Reader(b)
        _ = try r.bytes(24)                 // created, changed, last used
        _ = try r.varint()                  // usage count
        for _ in 0..<8 { try r.skipOptional() } // users, origin, context, props, notes
        _ = try r.varint()                  // the number of variants
        return r.i
    }

    package static func decode(_ bytes: [UInt8], id: Int64) throws -> (unit: TranslationUnit, variants: [StoredVariant]) {
        try bytes.withUnsafeBytes { try decode($0, id: id) }
    }

    /// Calls `body` with each variant's language tag, word keys (joined by U+001F) and their
    /// number, as bytes of the stored unit: what exhaustive scans read, without decoding the rest.
    package static func forEachVariantKeys(_ b: UnsafeRawBufferPointer,
                                   _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, Int) throws -> Void) throws {
        var r = Reader(b)
        _ = try r.bytes(24)
        _ = try r.varint()
        for _ in 0..<8 { try r.skipOptional() }
        let n = Int(try r.varint())
        for _ in 0..<n {
            let lang = try r.bytes(Int(try r.varint()))
            let text = try r.bytes(Int(try r.varint()))
            for _ in 0..<3 { try r.skipOptional() }
            let keys = try r.bytes(Int(try r.varint()))
            let count = Int(try r.varint())
            try storedKeys(keys, count: count, text: text) { try body(lang, $0, count) }
        }
    }

    /// The languages of a stored unit's variants, without decoding the rest.
    package static func languages(_ b: UnsafeRawBufferPointer) throws -> [String] {
        var out: [String] = []
        try forEachVariantKeys(b) { lang, _, _ in out.append(String(decoding: lang, as: UTF8.self)) }
        return out
    }

    /// Appends a variant's part of the search text (the layout is described at `search`).
    package static func appendSearch(langKey: String, folded: [UInt8], to out: inout [UInt8]) {
        out.append(0x1E)
        out.append(contentsOf: langKey.utf8)
        out.append(0x1F)
        out.append(contentsOf: folded)
    }

    /// What concordance scans: per variant, U+001E, its primary language subtag, U+001F and its folded text.
    package static func search(_ parts: [(langKey: String, folded: String)]) -> String {
        var out: [UInt8] = []
        for p in parts { appendSearch(langKey: p.langKey, folded: Array(p.folded.utf8), to: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}

package func encodeProps(_ props: [Property]) -> String? {
    guard !props.isEmpty else { return nil }
    var out = "["
    for (i, p) in props.enumerated() {
        if i > 0 { out += "," }
        out += "{\"type\":"
        StoredJSON.appendString(p.type, to: &out)
        out += ",\"value\":"
        StoredJSON.appendString(p.value, to: &out)
        out += "}"
    }
    return out + "]"
}

package func decodeProps(_ s: String?) -> [Property] {
    guard let s else { return [] }
    if let items = StoredJSON.parseArray(s) {
        var out: [Property] = []
        for item in items {
            guard case .object(let fields) = item else { return decodeList(s) }
            out.append(Property(type: fields["type"] ?? "", value: fields["value"] ?? ""))
        }
        return out
    }
    return decodeList(s)
}

package func encodeNotes(_ notes: [String]) -> String? {
    guard !notes.isEmpty else { return nil }
    var out = "["
    for (i, n) in notes.enumerated() {
        if i > 0 { out += "," }
        StoredJSON.appendString(n, to: &out)
    }
    return out + "]"
}

package func decodeNotes(_ s: String?) -> [String] {
    guard let s else { return [] }
    if let items = StoredJSON.parseArray(s) {
        var out: [String] = []
        for item in items {
            guard case .string(let v) = item else { return decodeList(s) }
            out.append(v)
        }
        return out
    }
    return decodeList(s)
}
