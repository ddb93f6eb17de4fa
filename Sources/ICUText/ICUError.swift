internal import CICUShim

/// An error reported by ICU, with the operation that failed.
public struct ICUError: Error, CustomStringConvertible, Sendable {
    /// ICU's UErrorCode value.
    public let code: Int32
    /// What tmkit was doing ("opening the sentence break iterator for 'en'").
    public let operation: String

    /// ICU's name for the code ("U_ILLEGAL_ARGUMENT_ERROR").
    public var name: String { String(cString: tmk_error_name(code)) }

    public var description: String { "ICU error \(name) while \(operation)" }

    /// Throws when `status` is an ICU failure (positive); warnings (negative) pass.
    static func check(_ status: Int32, _ operation: @autoclosure () -> String) throws {
        if status > 0 { throw ICUError(code: status, operation: operation()) }
    }
}

/// Facts about the ICU library tmkit runs on.
public enum ICU {
    /// The version of the system ICU ("72.1").
    public static var version: String {
        var buf = [CChar](repeating: 0, count: 32)
        tmk_icu_version(&buf, Int32(buf.count))
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `language` (an ISO 639 code such as "en" or "haw") is a language ICU knows.
    public static func isKnownLanguage(_ language: String) -> Bool {
        tmk_language_is_known(language) == 1
    }
}

/// Runs `body` over the UTF-8 bytes of `text` without copying when the string is native.
@inlinable
func withUTF8Bytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    if let r = try text.utf8.withContiguousStorageIfAvailable(body) { return r }
    var copy = text
    return try copy.withUTF8(body)
}

/// Calls a shim function that returns a malloc'ed UTF-8 buffer and turns it into a String.
func takeUTF8(_ operation: @autoclosure () -> String,
              _ call: (UnsafeMutablePointer<Int64>, UnsafeMutablePointer<Int32>) -> UnsafeMutablePointer<CChar>?) throws -> String {
    var length: Int64 = 0
    var status: Int32 = 0
    let ptr = call(&length, &status)
    defer { tmk_free(ptr) }
    try ICUError.check(status, operation())
    guard let ptr else { throw ICUError(code: 7, operation: operation()) } // U_MEMORY_ALLOCATION_ERROR
    return ptr.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
        String(decoding: UnsafeBufferPointer(start: $0, count: Int(length)), as: UTF8.self)
    }
}
