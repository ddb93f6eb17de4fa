internal import CICUShim

/// Unicode normalization forms (UAX #15), plus NFKC_Casefold for matching keys.
public enum NormalizationForm: String, Sendable, CaseIterable {
    case nfc, nfd, nfkc, nfkd
    /// NFKC with case folding and default-ignorable removal: a key for loose comparison.
    case nfkcCasefold = "nfkc_cf"

    var shimValue: Int32 {
        switch self {
        case .nfc: 0
        case .nfd: 1
        case .nfkc: 2
        case .nfkd: 3
        case .nfkcCasefold: 4
        }
    }
}

extension NormalizationForm {
    /// Whether UTF-8 text is already in this form (pure ASCII is, except for NFKC_Casefold).
    public func contains(utf8 buf: UnsafeBufferPointer<UInt8>) throws -> Bool {
        if self != .nfkcCasefold {
            var ascii = true
            for b in buf where b >= 0x80 { ascii = false; break }
            if ascii { return true }
        }
        var status: Int32 = 0
        let r = buf.withMemoryRebound(to: CChar.self) { tmk_is_normalized(shimValue, $0.baseAddress, Int64($0.count), &status) }
        try ICUError.check(status, "checking normalization")
        return r == 1
    }
}

extension String {
    /// This text in a Unicode normalization form, computed by ICU's Normalizer2.
    ///
    /// ASCII text is returned as is (it is in every form but NFKC_Casefold, where only
    /// the case changes).
    public func normalized(_ form: NormalizationForm) throws -> String {
        if form != .nfkcCasefold, utf8.allSatisfy({ $0 < 0x80 }) { return self }
        if form == .nfc, UTF8Scan.isPlainLatinCyrillic(self, allowLatin1: true) { return self }
        return try withUTF8Bytes(self) { buf in
            try takeUTF8("normalizing to \(form.rawValue.uppercased())") { len, st in
                buf.withMemoryRebound(to: CChar.self) { tmk_normalize(form.shimValue, $0.baseAddress, Int64($0.count), len, st) }
            }
        }
    }

    /// Whether this text is already in `form`.
    public func isNormalized(_ form: NormalizationForm) throws -> Bool {
        try withUTF8Bytes(self) { buf in
            var status: Int32 = 0
            let r = buf.withMemoryRebound(to: CChar.self) { tmk_is_normalized(form.shimValue, $0.baseAddress, Int64($0.count), &status) }
            try ICUError.check(status, "checking normalization")
            return r == 1
        }
    }

    /// Full Unicode case folding (the default mapping, not locale-specific): the form in
    /// which "Straße" and "STRASSE" compare equal.
    public func caseFolded() throws -> String {
        try withUTF8Bytes(self) { buf in
            try takeUTF8("case folding") { len, st in
                buf.withMemoryRebound(to: CChar.self) { tmk_fold_case($0.baseAddress, Int64($0.count), len, st) }
            }
        }
    }

    /// Lower case by the rules of `locale` ("tr" maps "I" to dotless "ı").
    public func lowercased(icuLocale locale: String) throws -> String {
        try withUTF8Bytes(self) { buf in
            try takeUTF8("lower-casing for '\(locale)'") { len, st in
                buf.withMemoryRebound(to: CChar.self) { tmk_to_lower(locale, $0.baseAddress, Int64($0.count), len, st) }
            }
        }
    }

    /// Upper case by the rules of `locale`.
    public func uppercased(icuLocale locale: String) throws -> String {
        try withUTF8Bytes(self) { buf in
            try takeUTF8("upper-casing for '\(locale)'") { len, st in
                buf.withMemoryRebound(to: CChar.self) { tmk_to_upper(locale, $0.baseAddress, Int64($0.count), len, st) }
            }
        }
    }
}

/// Quick scans of UTF-8 text that let common text skip a round trip through ICU.
public enum UTF8Scan {
    /// The last two bytes of E2 xx xx: U+2010–U+2027, U+2030–U+205E, € and № (no case, no decomposition).
    @inlinable @inline(__always) public static func isCommonPunctuation(_ b1: UInt8, _ b2: UInt8) -> Bool {
        (b1 == 0x80 && b2 >= 0x90 && b2 <= 0xA7) || (b1 == 0x80 && b2 >= 0xB0) || (b1 == 0x81 && b2 <= 0x9E)
            || (b1 == 0x82 && b2 == 0xAC) || (b1 == 0x84 && b2 == 0x96)
    }

    /// The lower case of the Cyrillic letter U+0400–U+045F whose UTF-8 is `c0 c1` (lead byte D0
    /// or D1); nil for any other character.
    @inlinable @inline(__always) public static func lowerCyrillic(_ c0: UInt8, _ c1: UInt8) -> (UInt8, UInt8)? {
        if c0 == 0xD0 {
            switch c1 {
            case 0x80...0x8F: return (0xD1, c1 + 0x10)    // Ѐ–Џ → ѐ–џ
            case 0x90...0x9F: return (0xD0, c1 + 0x20)    // А–П → а–п
            case 0xA0...0xAF: return (0xD1, c1 - 0x20)    // Р–Я → р–я
            case 0xB0...0xBF: return (c0, c1)
            default: return nil
            }
        }
        guard c0 == 0xD1, c1 >= 0x80, c1 <= 0x9F else { return nil } // U+0460 and above
        return (c0, c1)
    }

    /// The UTF-8 of `s` lower-cased, byte for byte the same length, when every character is
    /// ASCII, U+00A0–U+00BF but µ (« », signs), Russian-range Cyrillic (U+0400–U+045F) or the
    /// punctuation `isPlainLatinCyrillic` allows; nil otherwise (use `lowercased()` or ICU's folding). Equal to `s.lowercased()`
    /// for such text; with `foldYo`, ё is also read as е (what concordance compares), and text
    /// with another Cyrillic letter that carries a diacritic (ї, ў, ѓ …) is left to the general path.
    /// Lower-casing keeps every offset, so a token's range in `s` is its range here too.
    public static func lowercasedPlain(_ s: String, foldYo: Bool = false) -> [UInt8]? {
        var out: [UInt8] = []
        return appendLowercasedPlain(s, foldYo: foldYo, to: &out) ? out : nil
    }

    /// `lowercasedPlain` appended to `out` (a buffer reused for many texts); false, with `out`
    /// holding an unspecified tail, when the text is not plain.
    public static func appendLowercasedPlain(_ s: String, foldYo: Bool = false, to out: inout [UInt8]) -> Bool {
        var s = s
        return s.withUTF8 { b -> Bool in
            let base = out.count
            out.append(contentsOf: repeatElement(0, count: b.count))
            return out.withUnsafeMutableBufferPointer { whole -> Bool in
                let o = UnsafeMutableBufferPointer(rebasing: whole[base...])
                var i = 0
                let n = b.count
                while i < n {
                    let c = b[i]
                    if c < 0x80 {
                        o[i] = c >= 0x41 && c <= 0x5A ? c | 0x20 : c
                        i += 1
                        continue
                    }
                    if c == 0xC2, i + 1 < n, b[i + 1] >= 0xA0, b[i + 1] != 0xB5 {
                        // U+00A0–U+00BF: « » no-break space, signs; no case (µ, which folds to μ, is left out).
                        o[i] = c
                        o[i + 1] = b[i + 1]
                        i += 2
                        continue
                    }
                    if (c == 0xD0 || c == 0xD1), i + 1 < n {
                        guard var (l0, l1) = lowerCyrillic(c, b[i + 1]) else { return false }
                        // Search keys drop diacritics: ѐ ѓ ї ќ ѝ ў (and capitals) go to the general path.
                        if foldYo && l0 == 0xD1 && (l1 == 0x90 || l1 == 0x93 || l1 == 0x97 || l1 == 0x9C || l1 == 0x9D || l1 == 0x9E) {
                            return false
                        }
                        if foldYo && l0 == 0xD1 && l1 == 0x91 { l0 = 0xD0; l1 = 0xB5 } // ё → е
                        o[i] = l0
                        o[i + 1] = l1
                        i += 2
                        continue
                    }
                    if c == 0xE2, i + 2 < n, isCommonPunctuation(b[i + 1], b[i + 2]) {
                        o[i] = c; o[i + 1] = b[i + 1]; o[i + 2] = b[i + 2]
                        i += 3
                        continue
                    }
                    return false
                }
                return true
            }
        }
    }

    /// True when every character is ASCII, Latin-1/Latin Extended (U+0080–U+02FF, with
    /// `allowLatin1`), basic Cyrillic (U+0400–U+047F, U+04C0–U+04FF), or common punctuation
    /// (U+2010–U+2027, U+2030–U+205E, €, №). Such text is in NFC (none of these characters
    /// decomposes or composes with a neighbour) and, without Latin-1, folds and lower-cases alike.
    public static func isPlainLatinCyrillic(_ s: String, allowLatin1: Bool) -> Bool {
        var s = s
        return s.withUTF8 { b in
            var i = 0
            let n = b.count
            while i < n {
                let c = b[i]
                if c < 0x80 { i += 1; continue }
                if c >= 0xC2 && c <= 0xCB {            // U+0080–U+02FF
                    guard allowLatin1 else { return false }
                    i += 2; continue
                }
                if c == 0xD0 || c == 0xD1 || c == 0xD3 { i += 2; continue } // Cyrillic
                if c == 0xE2, i + 2 < n, isCommonPunctuation(b[i + 1], b[i + 2]) { i += 3; continue }
                return false
            }
            return true
        }
    }
}

/// CLDR plural rules, through ICU.
public enum PluralRules {
    /// The plural categories of `locale`'s cardinal numbers in CLDR order of ICU's rules
    /// ("one", "few", "many", "other" for Russian; "one", "other" for English; "other" for Japanese).
    public static func categories(_ locale: String) throws -> [String] {
        var buf = [CChar](repeating: 0, count: 128)
        var status: Int32 = 0
        let n = tmk_plural_categories(locale, &buf, Int32(buf.count), &status)
        try ICUError.check(status, "reading the plural rules of '\(locale)'")
        let s = String(decoding: buf.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return s.split(separator: ",").map(String.init)
    }
}
