internal import CICUShim

/// An ICU break iterator: character, word, line or sentence boundaries (UAX #29, UAX #14).
///
/// Opened once for a locale and reused for many texts; it iterates over UTF-8 in place
/// (ICU's UText), so no copy of the text is made. Not thread-safe: one per thread, or
/// `clone()`.
public final class BreakIterator {
    public enum Kind: Int32, Sendable {
        case character = 0, word = 1, line = 2, sentence = 3
    }

    private let handle: OpaquePointer
    public let kind: Kind
    /// The ICU locale it was opened with ("en@ss=standard").
    public let locale: String

    public init(_ kind: Kind, locale: String) throws {
        var status: Int32 = 0
        let h = tmk_breaker_open(kind.rawValue, locale, &status)
        try ICUError.check(status, "opening the \(kind) break iterator for '\(locale)'")
        guard let h else { throw ICUError(code: 1, operation: "opening the \(kind) break iterator") }
        handle = h
        self.kind = kind
        self.locale = locale
    }

    private init(handle: OpaquePointer, kind: Kind, locale: String) {
        self.handle = handle
        self.kind = kind
        self.locale = locale
    }

    deinit { tmk_breaker_close(handle) }

    /// A new iterator with the same rules, cheaper than opening one.
    public func clone() throws -> BreakIterator {
        var status: Int32 = 0
        let h = tmk_breaker_clone(handle, &status)
        try ICUError.check(status, "cloning a break iterator")
        guard let h else { throw ICUError(code: 1, operation: "cloning a break iterator") }
        return BreakIterator(handle: h, kind: kind, locale: locale)
    }

    /// Calls `body` with every boundary in `utf8` after the start (byte offsets, the end
    /// included) and, for word iterators, the rule status of the segment ending there.
    /// The buffer is only read during the call.
    public func forEachBoundary(in utf8: UnsafeBufferPointer<UInt8>, _ body: (Int, Int32) throws -> Void) throws {
        var status: Int32 = 0
        utf8.withMemoryRebound(to: CChar.self) {
            tmk_breaker_set_utf8(handle, $0.baseAddress, Int64($0.count), &status)
        }
        try ICUError.check(status, "setting the text of a break iterator")
        defer { tmk_breaker_set_utf8(handle, nil, 0, &status) } // ICU must not keep the pointer
        while true {
            let b = tmk_breaker_next(handle)
            if b < 0 { break }
            try body(Int(b), tmk_breaker_rule_status(handle))
        }
    }

    /// Boundaries in `utf8` as byte offsets, 0 and the end included.
    public func boundaries(in utf8: UnsafeBufferPointer<UInt8>) throws -> [Int] {
        var result = [0]
        try forEachBoundary(in: utf8) { b, _ in result.append(b) }
        return result
    }

    /// The pieces of `text` between boundaries, as ranges of String indices.
    public func ranges(in text: String) throws -> [Range<String.Index>] {
        try withUTF8Bytes(text) { buf in
            var result: [Range<String.Index>] = []
            var last = 0
            try forEachBoundary(in: buf) { b, _ in
                result.append(text.utf8Index(last)..<text.utf8Index(b))
                last = b
            }
            return result
        }
    }
}

/// A word of a text as ICU's word break iterator sees it.
public struct WordToken: Sendable, Equatable {
    public let text: String
    /// Range in UTF-8 bytes of the text it came from.
    public let utf8Range: Range<Int>
    /// ICU's rule status class: number, letter, kana, ideographic.
    public let kind: Kind

    public enum Kind: Sendable, Equatable { case number, letter, kana, ideographic }
}

extension BreakIterator {
    /// The words of `text` (punctuation and spaces left out), for a word iterator.
    public func words(in text: String) throws -> [WordToken] {
        precondition(kind == .word, "words(in:) needs a word break iterator")
        return try withUTF8Bytes(text) { buf in
            var result: [WordToken] = []
            var last = 0
            try forEachBoundary(in: buf) { b, status in
                defer { last = b }
                let kind: WordToken.Kind
                switch status {
                case 100..<200: kind = .number
                case 200..<300: kind = .letter
                case 300..<400: kind = .kana
                case 400..<500: kind = .ideographic
                default: return
                }
                let s = String(decoding: UnsafeBufferPointer(rebasing: buf[last..<b]), as: UTF8.self)
                result.append(WordToken(text: s, utf8Range: last..<b, kind: kind))
            }
            return result
        }
    }
}

extension String {
    /// The index `offset` UTF-8 bytes from the start (O(1) for native strings).
    @inlinable public func utf8Index(_ offset: Int) -> String.Index {
        utf8.index(utf8.startIndex, offsetBy: offset)
    }
}
