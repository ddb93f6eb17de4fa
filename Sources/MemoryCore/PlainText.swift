import ICUText

/// One pass over a variant's UTF-8 that prepares plain text (ASCII, Russian-range Cyrillic,
/// U+00A0–U+00BF but µ, common punctuation: `UTF8Scan.lowercasedPlain`'s set) for storing: it
/// lower-cases it and notes what the later steps must know, so that an import does not scan
/// each text six times (NFC check, normalisation, lower-casing for keys and for search, markup,
/// characters the word splitter leaves to ICU). Every step it skips gives what the general path
/// gives; `PlainTextTests` compares them.
package enum PlainText {
    package struct Flags: OptionSet {
        package let rawValue: UInt8
        package init(rawValue: UInt8) { self.rawValue = rawValue }
        /// "<", "%" or "{": markup or placeholders, which the tokenizer makes tags of.
        package static let markup = Flags(rawValue: 1)
        /// A character `PlainWords` leaves to ICU (":", "_", soft hyphen, "·", "‧", "‿", "⁀", "⁔").
        package static let subtleWords = Flags(rawValue: 2)
        /// White space that `TextKeys.normOfNFC` changes (a run, an end, a control, a no-break space),
        /// or empty text.
        package static let unnormalized = Flags(rawValue: 4)
        /// ё (search text reads it as е).
        package static let yo = Flags(rawValue: 8)
        /// ѐ ѓ ї ќ ѝ ў: search text drops their marks (the general path).
        package static let marked = Flags(rawValue: 16)
        /// A letter of U+00C0–U+017F (Latin-1 and Latin Extended-A): search text maps it (`Latin`).
        package static let latin = Flags(rawValue: 32)
    }

    /// Letters of U+00C0–U+017F (French, German, Spanish, Polish, Czech … text), with their case
    /// folding and search form taken from the general path once: `fold` where it is two bytes
    /// (or "ss" for ß), so that lower-casing keeps every offset; nil for the few it is not (İ, ſ, ŉ).
    package enum Latin {
        package struct Entry { var fold: (UInt8, UInt8); var search: [UInt8] }
        package static let table: [Entry?] = (0xC0...0x17F).map { cp -> Entry? in
            guard let u = Unicode.Scalar(cp) else { return nil }
            let s = String(u)
            let fold = Array(Tokenizer.fold(s).utf8)
            guard fold.count == 2, let search = try? TextKeys.searchGeneral(s) else { return nil }
            return Entry(fold: (fold[0], fold[1]), search: Array(search.utf8))
        }
        /// The code point of the two-byte sequence at `b[i]` (lead byte C3–C5).
        @inline(__always) package static func codePoint(_ c0: UInt8, _ c1: UInt8) -> Int { Int(c0 & 0x1F) << 6 | Int(c1 & 0x3F) }
    }

    /// The word keys of plain text whose keys `PlainWords` finds alone, joined by U+001F (what a
    /// packed unit stores for other texts, and derives for these: `PackedUnit.writeVariant`);
    /// nil for other text.
    package static func joinedKeys(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var lower: [UInt8] = []
        guard let flags = scan(text, into: &lower), flags.isDisjoint(with: [.markup, .subtleWords]) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(lower.count)
        lower.withUnsafeBufferPointer { low in
            PlainWords.forEachWordUnchecked(low) { r, isNumber in
                if !out.isEmpty { out.append(0x1F) }
                if isNumber { out.append(0x23) } else { out.append(contentsOf: UnsafeBufferPointer(rebasing: low[r])) }
            }
        }
        return out
    }

    /// The search form of lower-cased plain text with Latin letters: ё read as е, Latin letters
    /// without their marks (`Latin.table`).
    package static func appendSearch(lower: [UInt8], to out: inout [UInt8]) {
        lower.withUnsafeBufferPointer { l in
            var i = 0
            while i < l.count {
                let c = l[i]
                if c < 0x80 { out.append(c); i += 1; continue }
                if c >= 0xC3 && c <= 0xC5, let e = Latin.table[Latin.codePoint(c, l[i + 1]) - 0xC0] {
                    out.append(contentsOf: e.search)
                    i += 2
                    continue
                }
                if c == 0xD1 && l[i + 1] == 0x91 { out.append(0xD0); out.append(0xB5); i += 2; continue } // ё → е
                let n = c < 0xE0 ? 2 : 3
                out.append(contentsOf: UnsafeBufferPointer(rebasing: l[i..<i + n]))
                i += n
            }
        }
    }

    /// Per ASCII character: 0x20 when lower-casing sets that bit (A–Z), and the `Flags` it raises
    /// (markup `<` `%` `{`, subtle word characters `:` `_`, controls: unnormalized white space).
    package static let ascii: [UInt8] = (0..<128).map { c -> UInt8 in
        switch c {
        case 0x41...0x5A: return 0x20
        case 0x3C, 0x25, 0x7B: return Flags.markup.rawValue
        case 0x3A, 0x5F: return Flags.subtleWords.rawValue
        case 0..<0x20: return Flags.unnormalized.rawValue
        default: return 0
        }
    }

    /// Eight bytes (little-endian) of ASCII letters, digits, spaces and punctuation other than
    /// `< % { : _`, lower-cased at once; whether they hold two spaces in a row (after
    /// `previousSpace`), and whether the last is a space. Nil when a byte needs a look of its own
    /// (not ASCII, a control, markup, a character the word splitter leaves to ICU).
    @inline(__always)
    package static func swar(_ w: UInt64, previousSpace: Bool) -> (lower: UInt64, doubleSpace: Bool, lastSpace: Bool)? {
        let high: UInt64 = 0x8080_8080_8080_8080
        guard w & high == 0 else { return nil }
        // Per byte c < 0x80, c + k stays in its byte: its top bit tells whether c ≥ 0x80 - k.
        @inline(__always) func atLeast(_ k: UInt64) -> UInt64 { (w &+ (0x80 - k) &* 0x0101_0101_0101_0101) & high }
        @inline(__always) func equal(_ c: UInt64) -> UInt64 {
            let x = w ^ (c &* 0x0101_0101_0101_0101)
            return ~(x &+ 0x7F7F_7F7F_7F7F_7F7F) & high
        }
        let special = (~atLeast(0x20) & high) | equal(0x3C) | equal(0x25) | equal(0x7B) | equal(0x3A) | equal(0x5F)
        guard special == 0 else { return nil }
        let upper = atLeast(0x41) & ~atLeast(0x5B) & high
        let space = equal(0x20)
        let doubleSpace = space & (space << 8) != 0 || (previousSpace && space & 0x80 != 0)
        return (w | (upper >> 2), doubleSpace, space >> 63 != 0)
    }

    /// Appends the lower-cased bytes of `b` to `out` and returns what it saw; nil (with `out`
    /// holding an unspecified tail) when the text is not plain.
    package static func scan(_ b: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Flags? {
        let base = out.count
        let n = b.count
        out.append(contentsOf: repeatElement(0, count: n))
        return out.withUnsafeMutableBufferPointer { whole -> Flags? in
            let o = UnsafeMutableBufferPointer(rebasing: whole[base...])
            var flags: Flags = n == 0 ? .unnormalized : []
            var previousSpace = true
            var i = 0
            let ascii = PlainText.ascii
            // Eight ASCII bytes at a time where no byte needs a look (`swar`); after a word that
            // does, the next eight bytes go one by one (Cyrillic text would fail every try).
            var bytewiseUntil = 0
            let raw = UnsafeRawPointer(b.baseAddress)
            let rawOut = UnsafeMutableRawPointer(o.baseAddress)
            while i < n {
                if i >= bytewiseUntil, i + 8 <= n, let raw, let rawOut {
                    let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    if let (lower, doubleSpace, lastSpace) = PlainText.swar(w, previousSpace: previousSpace) {
                        rawOut.storeBytes(of: lower, toByteOffset: i, as: UInt64.self)
                        if doubleSpace { flags.insert(.unnormalized) }
                        previousSpace = lastSpace
                        i += 8
                        continue
                    }
                    bytewiseUntil = i + 8
                }
                let c = b[i]
                if c < 0x80 {
                    // A table gives the lower case and what the character tells (no branch per kind).
                    let a = ascii[Int(c)]
                    o[i] = c | (a & 0x20)
                    let space = c == 0x20
                    var f = a & 0x1F
                    if space && previousSpace { f |= Flags.unnormalized.rawValue }
                    flags.formUnion(Flags(rawValue: f))
                    previousSpace = space
                    i += 1
                    continue
                }
                previousSpace = false
                if c == 0xC2, i + 1 < n, b[i + 1] >= 0xA0, b[i + 1] != 0xB5 {
                    let c1 = b[i + 1]
                    if c1 == 0xA0 { flags.insert(.unnormalized) }
                    if c1 == 0xAD || c1 == 0xB7 { flags.insert(.subtleWords) }
                    o[i] = c
                    o[i + 1] = c1
                    i += 2
                    continue
                }
                if (c == 0xD0 || c == 0xD1), i + 1 < n {
                    guard let (l0, l1) = UTF8Scan.lowerCyrillic(c, b[i + 1]) else { return nil }
                    if l0 == 0xD1 {
                        switch l1 {
                        case 0x91: flags.insert(.yo)
                        case 0x90, 0x93, 0x97, 0x9C, 0x9D, 0x9E: flags.insert(.marked)
                        default: break
                        }
                    }
                    o[i] = l0
                    o[i + 1] = l1
                    i += 2
                    continue
                }
                if c >= 0xC3 && c <= 0xC5, i + 1 < n, b[i + 1] & 0xC0 == 0x80 {
                    guard let e = Latin.table[Latin.codePoint(c, b[i + 1]) - 0xC0] else { return nil }
                    o[i] = e.fold.0
                    o[i + 1] = e.fold.1
                    flags.insert(.latin)
                    i += 2
                    continue
                }
                if c == 0xE2, i + 2 < n, UTF8Scan.isCommonPunctuation(b[i + 1], b[i + 2]) {
                    let c1 = b[i + 1], c2 = b[i + 2]
                    if (c1 == 0x80 && (c2 == 0xA7 || c2 == 0xBF)) || (c1 == 0x81 && (c2 == 0x80 || c2 == 0x94)) {
                        flags.insert(.subtleWords)
                    }
                    o[i] = c; o[i + 1] = c1; o[i + 2] = c2
                    i += 3
                    continue
                }
                return nil
            }
            if previousSpace { flags.insert(.unnormalized) }
            return flags
        }
    }
}

extension Tokenizer {
    /// What storing a variant needs of its text: the NFC text, the hash of its normal form
    /// (`TextKeys.normHash`), its index keys (into `keys`) and its search text (appended to
    /// `search` after the language's mark, `TextKeys.appendSearch`). Plain text takes one pass
    /// (`PlainText.scan`); other text the general path. `derived`: the keys are what
    /// `PlainText.joinedKeys` finds in the text (a packed unit need not store them).
    package func prepare(_ text: String, language: String, langKey: String, keys: inout IndexKeys,
                 search: inout [UInt8]) throws -> (nfc: String, normHash: Int64, derived: Bool) {
        lower.removeAll(keepingCapacity: true)
        var copy = text
        let flags = copy.withUTF8 { PlainText.scan($0, into: &lower) }
        guard let flags, !flags.contains(.markup) else {
            let nfc = try text.normalized(.nfc)
            try indexKeys(nfc, into: &keys)
            try TextKeys.appendSearch(langKey: langKey, text: nfc, to: &search)
            return (nfc, TextKeys.normHash(lang: language, norm: try TextKeys.normOfNFC(nfc)), false)
        }
        // Plain text is in NFC: none of its characters decomposes or composes.
        let hash = flags.contains(.unnormalized)
            ? TextKeys.normHash(lang: language, norm: try TextKeys.normOfNFC(text))
            : TextKeys.normHash(lang: language, norm: text)
        keys.removeAll()
        try lower.withUnsafeBufferPointer { low in
            try Tokenizer.numberKey.withUnsafeBufferPointer { number in
                if !flags.contains(.subtleWords) {
                    PlainWords.forEachWordUnchecked(low) { r, isNumber in
                        keys.append(isNumber ? number : UnsafeBufferPointer(rebasing: low[r]))
                    }
                    return
                }
                try copy.withUTF8 { try appendICUKeys(text: $0, lower: low, number: number, to: &keys) }
            }
        }
        if flags.contains(.marked) {
            try TextKeys.appendSearch(langKey: langKey, text: text, to: &search)
        } else {
            search.append(0x1E)
            search.append(contentsOf: langKey.utf8)
            search.append(0x1F)
            if flags.isDisjoint(with: [.latin, .yo]) {
                search.append(contentsOf: lower) // the lower-cased text is its search form
            } else {
                PlainText.appendSearch(lower: lower, to: &search)
            }
        }
        return (text, hash, !flags.contains(.subtleWords))
    }
}
