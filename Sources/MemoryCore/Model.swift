import Foundation

/// One language version of a translation unit.
public struct Variant: Sendable, Equatable {
    /// BCP 47 tag in canonical case ("en-US").
    public var language: String
    /// The text, NFC: what matching and display use (inline codes left out).
    public var text: String
    /// The segment with its inline markup as TMX inline elements (`<bpt i="1">&lt;b></bpt>…`),
    /// when it has any: export writes this back.
    public var markup: String?
    public var properties: [Property]
    public var notes: [String]

    public init(language: String, text: String, markup: String? = nil, properties: [Property] = [], notes: [String] = []) {
        self.language = LanguageTag.canonical(language)
        self.text = text
        self.markup = markup
        self.properties = properties
        self.notes = notes
    }

    /// A variant whose tag is already in canonical case (readers that canonicalise a column's tag once).
    public init(canonicalLanguage: String, text: String) {
        language = canonicalLanguage
        self.text = text
        markup = nil
        properties = []
        notes = []
    }
}

/// A typed property of a unit (TMX `prop`).
public struct Property: Sendable, Equatable, Codable {
    public var type: String
    public var value: String
    public init(type: String, value: String) {
        self.type = type
        self.value = value
    }
}

/// A translation unit: the same text in several languages, and where it came from.
public struct TranslationUnit: Sendable, Equatable {
    public var id: Int64?
    public var variants: [Variant]
    public var createdAt: Date?
    public var createdBy: String?
    public var changedAt: Date?
    public var changedBy: String?
    /// The file the unit came from, the key or context of the string in it.
    public var originFile: String?
    public var originKey: String?
    /// The source segments before and after it in its document (for context matches).
    public var contextPrevious: String?
    public var contextNext: String?
    public var usageCount: Int
    public var lastUsedAt: Date?
    public var properties: [Property]
    public var notes: [String]

    public init(id: Int64? = nil, variants: [Variant], createdAt: Date? = nil, createdBy: String? = nil,
                changedAt: Date? = nil, changedBy: String? = nil, originFile: String? = nil,
                originKey: String? = nil, contextPrevious: String? = nil, contextNext: String? = nil,
                usageCount: Int = 0, lastUsedAt: Date? = nil, properties: [Property] = [], notes: [String] = []) {
        self.lastUsedAt = lastUsedAt
        self.id = id
        self.variants = variants
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.changedAt = changedAt
        self.changedBy = changedBy
        self.originFile = originFile
        self.originKey = originKey
        self.contextPrevious = contextPrevious
        self.contextNext = contextNext
        self.usageCount = usageCount
        self.properties = properties
        self.notes = notes
    }

    /// The first variant in `language` (see `variants(answering:)`).
    public func variant(_ language: String) -> Variant? {
        variants(answering: language).first
    }

    /// The variants that answer a request for `language`: those of the tag asked for (or a more
    /// specific one: "en" takes "en-US"), else those of the same language in another region or none
    /// ("en-US" falls back to "en" and "en-GB"), as CAT tools name regional tags that memories lack.
    public func variants(answering language: String) -> [Variant] {
        let exact = variants.filter { LanguageTag.matches($0.language, requested: language) }
        if !exact.isEmpty { return exact }
        let primary = LanguageTag.primary(language)
        return variants.filter { LanguageTag.primary($0.language) == primary }
    }
}

/// BCP 47 tags: canonical case and matching.
public enum LanguageTag {
    /// "EN-us" → "en-US", "zh-hant-tw" → "zh-Hant-TW", "en_GB" → "en-GB".
    public static func canonical(_ tag: String) -> String {
        if isCanonical(tag) { return tag }
        let parts = tag.replacingOccurrences(of: "_", with: "-").split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first else { return tag }
        var out = [first.lowercased()]
        for p in parts.dropFirst() {
            if p.count == 2, p.allSatisfy(\.isLetter) { out.append(p.uppercased()) }
            else if p.count == 4, p.allSatisfy(\.isLetter) { out.append(p.prefix(1).uppercased() + p.dropFirst().lowercased()) }
            else { out.append(p.lowercased()) }
        }
        return out.joined(separator: "-")
    }

    /// Already in canonical case: lowercase language, then "XX" regions, "Xxxx" scripts, lowercase others.
    package static func isCanonical(_ tag: String) -> Bool {
        var index = 0
        var length = 0
        var upper = 0, lower = 0, firstUpper = false
        func check() -> Bool {
            defer { length = 0; upper = 0; lower = 0; firstUpper = false; index += 1 }
            if index == 0 { return upper == 0 }
            if length == 2 && upper + lower == 2 { return lower == 0 }
            if length == 4 && upper + lower == 4 { return upper == 1 && firstUpper }
            return upper == 0
        }
        for b in tag.utf8 {
            if b == 0x2D { if !check() { return false }; continue }
            if b == 0x5F { return false }
            if b >= 0x41 && b <= 0x5A { if length == 0 { firstUpper = true }; upper += 1 } else if b >= 0x61 && b <= 0x7A { lower += 1 }
            length += 1
        }
        return check()
    }

    /// The lower-cased primary subtag ("en" for "en-US"): the key of the fuzzy index.
    public static func primary(_ tag: String) -> String {
        String(tag.split(whereSeparator: { $0 == "-" || $0 == "_" }).first ?? Substring(tag)).lowercased()
    }

    /// Whether a stored tag answers a request only by falling back from the region to the language
    /// ("en" or "en-GB" for "en-US").
    public static func isFallback(_ stored: String, requested: String) -> Bool {
        !matches(stored, requested: requested) && primary(stored) == primary(requested)
    }

    /// Whether a stored tag answers a request: case-insensitive, and "en" takes "en-US".
    public static func matches(_ stored: String, requested: String) -> Bool {
        // Byte by byte, ASCII case folded, '_' as '-': called for every variant of every unit an export writes.
        var s = stored.utf8.makeIterator()
        for rb in requested.utf8 {
            guard let sb = s.next() else { return false }
            if fold(sb) != fold(rb) { return false }
        }
        guard let next = s.next() else { return true }
        return next == 0x2D || next == 0x5F
    }

    @inline(__always) private static func fold(_ b: UInt8) -> UInt8 {
        if b == 0x5F { return 0x2D }
        return b >= 0x41 && b <= 0x5A ? b | 0x20 : b
    }

    /// A syntactically plausible tag: letters, digits and hyphens, starting with 2-8 letters.
    public static func isWellFormed(_ tag: String) -> Bool {
        // Subtags of 1-8 ASCII letters or digits separated by '-' (or '_'), the first of 2-8
        // letters; or a private-use / grandfathered "x-…" / "i-…" tag.
        var subtag = 0, length = 0, ok = true
        var firstAllLetters = true
        for b in tag.utf8 {
            if b == 0x2D || b == 0x5F {
                if length == 0 || length > 8 { ok = false; break }
                if subtag == 0 && (length < 2 || !firstAllLetters) { ok = false; break }
                subtag += 1
                length = 0
                continue
            }
            let letter = (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A
            let digit = b >= 0x30 && b <= 0x39
            guard letter || digit else { ok = false; break }
            if subtag == 0 && !letter { firstAllLetters = false }
            length += 1
        }
        if ok {
            if length == 0 || length > 8 { ok = false }
            else if subtag == 0 && (length < 2 || !firstAllLetters) { ok = false }
        }
        if ok { return true }
        let lower = tag.lowercased()
        guard lower.hasPrefix("x-") || lower.hasPrefix("i-") else { return false }
        return true
    }
}
