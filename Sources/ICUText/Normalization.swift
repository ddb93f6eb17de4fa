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
