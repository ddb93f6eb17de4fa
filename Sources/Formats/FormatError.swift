import ICUText
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
    let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    try bytes.withUnsafeBufferPointer { all in
        let buf = UnsafeBufferPointer(rebasing: all[bom...])
        if let i = UTF8Validation.firstInvalidOffset(buf) {
            let line = 1 + buf[..<i].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw FormatError(file: file, line: line, "invalid UTF-8 at byte offset \(i + bom)")
        }
    }
}
