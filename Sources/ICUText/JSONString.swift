import Foundation

/// JSON string literals (RFC 8259), written and read by hand where tmkit writes JSON itself or
/// reads it with byte positions (String Catalogs, the memory's props and notes columns).
public enum JSONString {
    /// `s` as a JSON string literal, quotes included.
    public static func literal(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count + 2)
        append(s, to: &out)
        return out
    }

    /// Appends `s` as a JSON string literal to `out`.
    /// - Parameter s: the text.
    /// - Parameter out: the string the literal is appended to.
    /// - Parameter appleStrings: Apple `.strings` syntax instead: the same escapes, but control
    ///   characters other than line break, tab and return as `\Uxxxx`.
    public static func append(_ s: String, to out: inout String, appleStrings: Bool = false) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}" where !appleStrings: out += "\\b"
            case "\u{0C}" where !appleStrings: out += "\\f"
            default:
                if u.value < 0x20 { out += String(format: appleStrings ? "\\U%04x" : "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        out += "\""
    }

    /// Reads the literal starting at `i` (its opening quote) and moves `i` past it; nil when it
    /// is not a valid literal (an unknown escape, a control character, the end of the input).
    /// - Parameter b: the bytes of the JSON text.
    /// - Parameter i: the offset of the opening quote; on return, the offset after the closing one.
    /// - Parameter validated: the buffer is known to be UTF-8 (text SQLite gave back), so the
    ///   literal's bytes need no second check.
    public static func read(_ b: UnsafeBufferPointer<UInt8>, at i: inout Int, validated: Bool = false) -> String? {
        guard i < b.count, b[i] == 0x22 else { return nil }
        var k = i + 1
        var bytes: [UInt8] = []
        func hex4() -> UInt32? {
            guard k + 4 <= b.count else { return nil }
            var v: UInt32 = 0
            for j in k..<k + 4 {
                let c = b[j]
                let d: UInt8
                switch c {
                case 0x30...0x39: d = c - 0x30
                case 0x41...0x46: d = c - 0x41 + 10
                case 0x61...0x66: d = c - 0x61 + 10
                default: return nil
                }
                v = v << 4 | UInt32(d)
            }
            k += 4
            return v
        }
        while k < b.count {
            let c = b[k]
            if c == 0x22 {
                i = k + 1
                return validated ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
            }
            if c < 0x20 { return nil }
            guard c == 0x5C else { bytes.append(c); k += 1; continue }
            guard k + 1 < b.count else { return nil }
            let e = b[k + 1]
            k += 2
            switch e {
            case 0x22, 0x5C, 0x2F: bytes.append(e)
            case 0x6E: bytes.append(0x0A)
            case 0x74: bytes.append(0x09)
            case 0x72: bytes.append(0x0D)
            case 0x62: bytes.append(0x08)
            case 0x66: bytes.append(0x0C)
            case 0x75:
                guard var v = hex4() else { return nil }
                if v >= 0xD800 && v < 0xDC00, k + 1 < b.count, b[k] == 0x5C, b[k + 1] == 0x75 {
                    k += 2
                    guard let lo = hex4(), lo >= 0xDC00 && lo < 0xE000 else { return nil }
                    v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
                }
                guard let u = Unicode.Scalar(v) else { return nil }
                bytes.append(contentsOf: Array(String(u).utf8))
            default:
                return nil
            }
        }
        return nil
    }
}
