internal import CICUShim

/// An ICU regular expression (Java-like syntax, as SRX files use), matched over UTF-8 in place.
public final class ICURegex {
    public struct Options: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let caseInsensitive = Options(rawValue: 2)
        public static let comments = Options(rawValue: 4)
        public static let dotAll = Options(rawValue: 32)
        public static let multiline = Options(rawValue: 8)
    }

    /// A pattern that does not compile, with ICU's reason and where in the pattern.
    public struct SyntaxError: Error, CustomStringConvertible, Sendable {
        public let pattern: String
        public let reason: String
        /// Offset in UTF-16 units into the pattern, when ICU knows it.
        public let offset: Int?
        public var description: String {
            "invalid regular expression \(quoted(pattern)): \(reason)" + (offset.map { " at offset \($0)" } ?? "")
        }
    }

    private let handle: OpaquePointer
    public let pattern: String

    public init(_ pattern: String, options: Options = []) throws {
        var status: Int32 = 0
        var errorOffset: Int32 = -1
        let h = withUTF8Bytes(pattern) { buf in
            buf.withMemoryRebound(to: CChar.self) {
                tmk_regex_open($0.baseAddress, Int64($0.count), options.rawValue, &errorOffset, &status)
            }
        }
        if status > 0 || h == nil {
            throw SyntaxError(pattern: pattern, reason: String(cString: tmk_error_name(status)),
                              offset: errorOffset >= 0 ? Int(errorOffset) : nil)
        }
        handle = h!
        self.pattern = pattern
    }

    deinit { tmk_regex_close(handle) }

    /// Byte ranges in `utf8` of each match (group 0 and the given groups), scanning
    /// left to right; an empty match advances by one character.
    public func matches(in utf8: UnsafeBufferPointer<UInt8>, groups: [Int32] = [0]) throws -> [[Range<Int>?]] {
        var status: Int32 = 0
        utf8.withMemoryRebound(to: CChar.self) { tmk_regex_set_utf8(handle, $0.baseAddress, Int64($0.count), &status) }
        try ICUError.check(status, "setting the text of regex \(quoted(pattern))")
        defer { tmk_regex_set_utf8(handle, nil, 0, &status) }
        var result: [[Range<Int>?]] = []
        while tmk_regex_find(handle, -1, &status) == 1 {
            var row: [Range<Int>?] = []
            for g in groups {
                let s = tmk_regex_start(handle, g, &status)
                let e = tmk_regex_end(handle, g, &status)
                row.append(s >= 0 && e >= s ? Int(s)..<Int(e) : nil)
            }
            result.append(row)
        }
        try ICUError.check(status, "matching regex \(quoted(pattern))")
        return result
    }

    /// Whether the pattern matches somewhere in `text`.
    public func firstMatch(in text: String) throws -> Range<String.Index>? {
        try withUTF8Bytes(text) { buf in
            guard let m = try matches(in: buf).first?.first ?? nil else { return nil }
            return text.utf8Index(m.lowerBound)..<text.utf8Index(m.upperBound)
        }
    }
}

func quoted(_ s: String) -> String { "'" + s + "'" }
