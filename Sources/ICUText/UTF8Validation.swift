import Foundation
/// Decoding bytes that are supposed to be UTF-8, with the place of the first bad byte.
public enum UTF8Validation {
    /// Bytes that are not valid UTF-8.
    public struct InvalidUTF8: Error, CustomStringConvertible, Sendable {
        /// Offset of the first byte of the bad sequence, from the start of the input.
        public let byteOffset: Int
        /// 1-based line of that byte.
        public let line: Int
        public var description: String { "invalid UTF-8 at byte offset \(byteOffset) (line \(line))" }
    }

    /// The offset of the first invalid UTF-8 sequence in `bytes`, or nil when all is valid.
    public static func firstInvalidOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let len: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: len = 2
            case 0xE0: len = 3; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: len = 3
            case 0xED: len = 3; hi = 0x9F
            case 0xF0: len = 4; lo = 0x90
            case 0xF1...0xF3: len = 4
            case 0xF4: len = 4; hi = 0x8F
            default: return i
            }
            if i + len > n { return i }
            let b1 = bytes[i + 1]
            if b1 < lo || b1 > hi { return i }
            for k in 2..<len where bytes[i + k] & 0xC0 != 0x80 { return i }
            i += len
        }
        return nil
    }

    /// The bytes as a string when they are valid UTF-8, else nil. (Swift strings hold valid UTF-8
    /// only and decoding repairs: getting the same bytes back proves the input valid. This is the
    /// fast way: `String(validating:as:)` is generic, and its metadata lookups cost more per
    /// short string than decoding and comparing.)
    @inlinable
    public static func string(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = raw.baseAddress, raw.count > 0 else { return "" }
        var s = String(decoding: raw, as: UTF8.self)
        let same = s.withUTF8 { u in u.count == raw.count && memcmp(u.baseAddress!, base, u.count) == 0 }
        return same ? s : nil
    }

    /// Decodes `bytes` as UTF-8, throwing `InvalidUTF8` at the first bad sequence.
    public static func decode(_ bytes: [UInt8]) throws -> String {
        try bytes.withUnsafeBufferPointer { buf in
            if let bad = firstInvalidOffset(buf) {
                let line = 1 + buf[..<bad].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                throw InvalidUTF8(byteOffset: bad, line: line)
            }
            return String(decoding: buf, as: UTF8.self)
        }
    }
}
