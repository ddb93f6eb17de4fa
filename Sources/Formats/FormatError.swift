/// Input that does not parse: which file, which line, what is wrong.
public struct FormatError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int?
    public let message: String

    public init(file: String, line: Int?, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" }
}

/// Decodes UTF-8 input (a UTF-8 byte-order mark is skipped), naming the line of a bad byte.
func decodeUTF8(_ bytes: [UInt8], file: String) throws -> String {
    try validateUTF8(bytes, file: file)
    let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[bom...]), as: UTF8.self) }
}

/// Throws, naming the line and byte offset, when `bytes` (after a BOM) is not UTF-8.
func validateUTF8(_ bytes: [UInt8], file: String) throws {
    var b = bytes[...]
    if b.starts(with: [0xEF, 0xBB, 0xBF]) { b = b.dropFirst(3) }
    try b.withUnsafeBufferPointer { buf in
        var i = 0
        let n = buf.count
        while i < n {
            let c = buf[i]
            if c < 0x80 { i += 1; continue }
            let len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0
            var ok = len > 0 && i + len <= n && c <= 0xF4
            if ok { for k in 1..<len where buf[i + k] & 0xC0 != 0x80 { ok = false } }
            if ok, len == 3 {
                let v = (UInt32(c & 0x0F) << 12) | (UInt32(buf[i + 1] & 0x3F) << 6)
                if v < 0x800 || (v >= 0xD800 && v < 0xE000) { ok = false }
            }
            if ok, len == 4 {
                let v = (UInt32(c & 0x07) << 18) | (UInt32(buf[i + 1] & 0x3F) << 12)
                if v < 0x10000 || v > 0x10FFFF { ok = false }
            }
            if !ok {
                let line = 1 + buf[..<i].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                throw FormatError(file: file, line: line, "invalid UTF-8 at byte offset \(i + (bytes.count - b.count))")
            }
            i += len
        }
    }
}
