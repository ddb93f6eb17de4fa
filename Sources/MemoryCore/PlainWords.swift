/// Word boundaries of plain text (ASCII, Latin-1 and Latin Extended-A, Russian-range Cyrillic,
/// U+00A0–U+00BF and common punctuation: what `PlainText.scan` accepts) found byte by byte, the way ICU's word
/// break iterator (UAX #29, root locale) finds them, without its rule machine: an import splits
/// millions of such segments. Text with a character whose rules are subtler (a soft hyphen, a
/// connector such as "_", a letter-joining mark such as "·") is reported as not handled, and
/// goes to ICU. Tests compare the two on the fixture and on random strings of such characters.
package enum PlainWords {
    /// Word_Break classes of the characters that plain text holds.
    package enum Class: UInt8 { case other, letter, numeric, midNumLet, midNum, unsupported }

    /// The classes of the ASCII characters.
    package static let asciiClass: [Class] = (0..<128).map { c -> Class in
        switch c {
        case 0x61...0x7A, 0x41...0x5A, 0x40: return .letter  // (ICU counts "@" as a letter)
        case 0x30...0x39: return .numeric
        case 0x2E, 0x27: return .midNumLet                 // . '
        case 0x2C, 0x3B: return .midNum                    // , ;
        case 0x3A, 0x5F: return .unsupported               // : (MidLetter, tailored) _ (ExtendNumLet)
        default: return .other
        }
    }

    /// The class of the character at `i` and its length in bytes.
    @inline(__always)
    package static func classify(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> (Class, Int) {
        asciiClass.withUnsafeBufferPointer { classify(b, i, ascii: $0) }
    }

    /// `classify` with `asciiClass` at hand (a loop reads the global once, not once a character).
    @inline(__always)
    package static func classify(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, ascii: UnsafeBufferPointer<Class>) -> (Class, Int) {
        let c = b[i]
        if c < 0x80 { return (ascii[Int(c)], 1) }
        if c == 0xD0 || c == 0xD1 { return (.letter, 2) }          // U+0400–U+047F
        if c >= 0xC3 && c <= 0xC5 {                                 // U+00C0–U+017F: letters but × ÷
            return (c == 0xC3 && (b[i + 1] == 0x97 || b[i + 1] == 0xB7) ? .other : .letter, 2)
        }
        if c == 0xC2 {
            switch b[i + 1] {
            case 0xAA, 0xBA: return (.letter, 2)                   // ª º
            case 0xAD, 0xB7: return (.unsupported, 2)              // soft hyphen (Format), · (MidLetter)
            default: return (.other, 2)
            }
        }
        if c == 0xE2 {
            let c1 = b[i + 1], c2 = b[i + 2]
            if c1 == 0x80 && (c2 == 0x98 || c2 == 0x99 || c2 == 0xA4) { return (.midNumLet, 3) } // ‘ ’ ․
            if c1 == 0x81 && c2 == 0x84 { return (.midNum, 3) }   // ⁄
            if (c1 == 0x80 && (c2 == 0xA7 || c2 == 0xBF)) || (c1 == 0x81 && (c2 == 0x80 || c2 == 0x94)) {
                return (.unsupported, 3)                           // ‧ (MidLetter), ‿ ⁀ ⁔ (ExtendNumLet)
            }
            return (.other, 3)
        }
        return (.unsupported, 1)
    }

    /// Calls `body` with the byte range of each word of `b` and whether it is a number (ICU's
    /// rule status 100–199) rather than a word (200–299). ICU gives a word the status of the
    /// rule that ended it: a word that ends in a digit ("x2", "a1b2") is a number. `b` must be text that
    /// `UTF8Scan.lowercasedPlain` accepts; false, before any call, when a character needs ICU.
    package static func forEachWord(_ b: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>, Bool) -> Void) -> Bool {
        let n = b.count
        var i = 0
        while i < n {
            if b[i] == 0x3A || b[i] == 0x5F || b[i] == 0xC2 || b[i] == 0xE2 {
                if classify(b, i).0 == .unsupported { return false }
            }
            i += 1
        }
        forEachWordUnchecked(b, body)
        return true
    }

    /// `forEachWord` for text known to hold no character that needs ICU.
    package static func forEachWordUnchecked(_ b: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>, Bool) -> Void) {
        asciiClass.withUnsafeBufferPointer { forEachWordUnchecked(b, ascii: $0, body) }
    }

    @inline(__always)
    private static func forEachWordUnchecked(_ b: UnsafeBufferPointer<UInt8>, ascii: UnsafeBufferPointer<Class>, _ body: (Range<Int>, Bool) -> Void) {
        let n = b.count
        var i = 0
        while i < n {
            let (cls, len) = classify(b, i, ascii: ascii)
            guard cls == .letter || cls == .numeric else { i += len; continue }
            let start = i
            var last = cls
            i += len
            while i < n {
                let (c, l) = classify(b, i, ascii: ascii)
                if c == .letter || c == .numeric {
                    last = c
                    i += l
                    continue
                }
                // A mid character joins letters to letters (WB6/7) and digits to digits (WB11/12).
                guard (c == .midNumLet || c == .midNum), i + l < n else { break }
                let (after, al) = classify(b, i + l, ascii: ascii)
                if last == .letter, c == .midNumLet, after == .letter { i += l + al; continue }
                if last == .numeric, after == .numeric { i += l + al; continue }
                break
            }
            body(start..<i, last == .numeric)
        }
    }
}
