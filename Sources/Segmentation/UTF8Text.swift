/// Read-only helpers over a UTF-8 buffer: decode the scalar at or before a byte offset,
/// skip white space, find token bounds. The segmenter works on bytes and decodes only
/// around candidate boundaries.
struct UTF8Text {
    let bytes: UnsafeBufferPointer<UInt8>
    var count: Int { bytes.count }

    /// The scalar starting at `i` and its length in bytes.
    @inline(__always)
    func scalar(at i: Int) -> (Unicode.Scalar, Int) {
        let b0 = UInt32(bytes[i])
        if b0 < 0x80 { return (Unicode.Scalar(UInt8(b0)), 1) }
        if b0 < 0xE0, i + 1 < count {
            let v = (b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
            return (Unicode.Scalar(v) ?? "\u{FFFD}", 2)
        }
        if b0 < 0xF0, i + 2 < count {
            let v = (b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
            return (Unicode.Scalar(v) ?? "\u{FFFD}", 3)
        }
        if i + 3 < count {
            let v = (b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12
                | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
            return (Unicode.Scalar(v) ?? "\u{FFFD}", 4)
        }
        return ("\u{FFFD}", 1)
    }

    /// The scalar ending just before `i` and the offset where it starts.
    @inline(__always)
    func scalar(before i: Int) -> (Unicode.Scalar, Int) {
        var s = i - 1
        while s > 0, bytes[s] & 0xC0 == 0x80 { s -= 1 }
        return (scalar(at: s).0, s)
    }

    /// Length in bytes of the white-space scalar at `i`, or 0.
    @inline(__always)
    func spaceLength(at i: Int) -> Int {
        let b = bytes[i]
        if b == 0x20 || (b >= 0x09 && b <= 0x0D) { return 1 }
        if b < 0x80 { return 0 }
        let (s, n) = scalar(at: i)
        return UTF8Text.isSpace(s) ? n : 0
    }

    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
            return true
        default:
            return false
        }
    }

    /// The first offset at or after `i` that is not white space.
    func skipSpace(from i: Int, limit: Int? = nil) -> Int {
        var j = i
        let end = limit ?? count
        while j < end {
            let n = spaceLength(at: j)
            if n == 0 { break }
            j += n
        }
        return j
    }

    /// The offset just after the last non-space scalar before `i` (not below `floor`).
    func trimSpace(before i: Int, floor: Int) -> Int {
        var j = i
        while j > floor {
            let (s, start) = scalar(before: j)
            if !UTF8Text.isSpace(s) { break }
            j = start
        }
        return j
    }

    /// The start of the white-space-delimited token that ends at `i`.
    func tokenStart(endingAt i: Int, floor: Int) -> Int {
        var j = i
        while j > floor {
            let (s, start) = scalar(before: j)
            if UTF8Text.isSpace(s) { break }
            j = start
        }
        return j
    }

    /// The end of the white-space-delimited token that starts at `i`.
    func tokenEnd(startingAt i: Int, limit: Int? = nil) -> Int {
        var j = i
        let end = limit ?? count
        while j < end {
            if spaceLength(at: j) > 0 { break }
            j += scalar(at: j).1
        }
        return j
    }

    func string(_ r: Range<Int>) -> Substring {
        Substring(String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self))
    }
}

extension Unicode.Scalar {
    // ASCII first: these run at every candidate boundary.
    var isLetter: Bool {
        if value < 0x80 { return (value | 0x20) >= 0x61 && (value | 0x20) <= 0x7A }
        return properties.isAlphabetic
    }
    var isUpper: Bool {
        if value < 0x80 { return value >= 0x41 && value <= 0x5A }
        return properties.isUppercase
    }
    var isLower: Bool {
        if value < 0x80 { return value >= 0x61 && value <= 0x7A }
        return properties.isLowercase
    }
    var isDigit: Bool {
        if value < 0x80 { return value >= 0x30 && value <= 0x39 }
        return properties.numericType == .decimal
    }

    /// Closing quotes and brackets that may follow a sentence's final punctuation.
    var isCloser: Bool {
        switch self {
        case "\"", "'", ")", "]", "}", "»", "”", "’", "›", "」", "』", "）": return true
        default: return false
        }
    }

    /// Opening quotes and brackets that may precede a word.
    var isOpener: Bool {
        switch self {
        case "\"", "'", "(", "[", "{", "«", "“", "‘", "‹", "„", "「", "『", "（", "¿", "¡": return true
        default: return false
        }
    }

    var isDash: Bool {
        switch self {
        case "-", "–", "—", "―", "‒": return true
        default: return false
        }
    }

    var isSentenceTerminal: Bool {
        switch self {
        case ".", "!", "?", "…", "。", "！", "？", "‼", "⁇", "⁈", "⁉": return true
        default: return false
        }
    }

    var isBullet: Bool {
        switch self {
        case "•", "◦", "▪", "‣", "⁃", "●", "○", "■", "□", "►", "·": return true
        default: return false
        }
    }
}
