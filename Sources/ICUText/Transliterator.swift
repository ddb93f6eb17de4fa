internal import CICUShim

/// An ICU transliterator ("Any-Latin; Latin-ASCII", "Cyrillic-Latin", "Any-Lower").
///
/// Opening one costs about a millisecond: open once and reuse. Not safe to use from two
/// threads at once; make one per thread.
public final class Transliterator {
    private let handle: OpaquePointer
    /// The ICU transform id it was opened with.
    public let id: String

    /// Opens the transform `id`; throws when ICU does not know it.
    public init(_ id: String) throws {
        var status: Int32 = 0
        let h = tmk_translit_open(id, &status)
        try ICUError.check(status, "opening transliterator '\(id)'")
        guard let h else { throw ICUError(code: 1, operation: "opening transliterator '\(id)'") }
        handle = h
        self.id = id
    }

    deinit { tmk_translit_close(handle) }

    /// `text` transformed.
    public func apply(_ text: String) throws -> String {
        if text.isEmpty { return text }
        return try withUTF8Bytes(text) { buf in
            try takeUTF8("transliterating with '\(id)'") { len, st in
                buf.withMemoryRebound(to: CChar.self) { tmk_translit_apply(handle, $0.baseAddress, Int64($0.count), len, st) }
            }
        }
    }
}
