import Foundation
import ICUText

/// A variant's word keys as the fuzzy index files them, in flat byte arrays: an import prepares
/// millions of variants, and one allocation per array costs far less than one String per word.
struct IndexKeys: Equatable {
    /// The word keys separated by U+001F: what the `keys` column stores.
    private(set) var joined: [UInt8] = []
    /// The index keys one after another: each word key, with "\u{1}k" after its k-th repeat (k ≥ 2),
    /// so that a multiset overlap is a set overlap (`TokenizedText.indexKeys`).
    private(set) var bytes: [UInt8] = []
    /// Where each index key ends in `bytes`.
    private(set) var ends: [Int32] = []
    /// `PostingBatch.hash` of each index key (computed while preparing, off the storing thread).
    private(set) var hashes: [Int] = []
    /// Where each word key starts in `joined`.
    private var starts: [Int32] = []

    /// Number of word keys.
    var count: Int { ends.count }

    init() {}

    init(wordKeys: [String]) {
        for var k in wordKeys { k.withUTF8 { append($0) } }
    }

    /// The index keys as strings (tests, and the general path's callers).
    var strings: [String] {
        (0..<count).map { i in withKey(i) { String(decoding: $0, as: UTF8.self) } }
    }

    /// Calls `body` with the bytes of index key `i`.
    func withKey<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let start = i == 0 ? 0 : Int(ends[i - 1])
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<Int(ends[i])])) }
    }

    /// Calls `body` with the number and bytes of each index key.
    func withKeys(_ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        try bytes.withUnsafeBufferPointer { b in
            var start = 0
            for (i, end) in ends.enumerated() {
                try body(i, UnsafeBufferPointer(rebasing: b[start..<Int(end)]))
                start = Int(end)
            }
        }
    }

    mutating func append(_ key: UnsafeBufferPointer<UInt8>) {
        // Repeats are few in a segment: count earlier equal keys by their bytes.
        var n = 1
        joined.withUnsafeBufferPointer { j in
            for i in starts.indices {
                let s = Int(starts[i])
                let e = i + 1 < starts.count ? Int(starts[i + 1]) - 1 : j.count
                if e - s == key.count, key.count == 0 || memcmp(j.baseAddress! + s, key.baseAddress!, key.count) == 0 { n += 1 }
            }
        }
        if !starts.isEmpty { joined.append(0x1F) }
        starts.append(Int32(joined.count))
        joined.append(contentsOf: key)
        let start = bytes.count
        bytes.append(contentsOf: key)
        if n > 1 {
            bytes.append(0x01)
            bytes.append(contentsOf: String(n).utf8)
        }
        ends.append(Int32(bytes.count))
        hashes.append(bytes.withUnsafeBufferPointer { PostingBatch.hash(UnsafeBufferPointer(rebasing: $0[start...])) })
    }
}

extension Tokenizer {
    /// `IndexKeys(wordKeys: tokenize(text).wordKeys)`, for NFC `text`. Plain text (ASCII, Russian
    /// Cyrillic and common punctuation, see `UTF8Scan.lowercasedPlain`) without markup or
    /// placeholders takes a lane that builds no tokens: its keys are the lower-cased slices
    /// between ICU word boundaries ("#" for a number), which is what `tokenize` makes of such text.
    func indexKeys(_ text: String) throws -> IndexKeys {
        guard let lower = UTF8Scan.lowercasedPlain(text),
              !lower.contains(where: { $0 == 0x3C || $0 == 0x25 || $0 == 0x7B }) else { // < % {
            return IndexKeys(wordKeys: try tokenize(text).wordKeys)
        }
        var keys = IndexKeys()
        var copy = text
        try copy.withUTF8 { buf in
            try lower.withUnsafeBufferPointer { low in
                try Tokenizer.numberKey.withUnsafeBufferPointer { number in
                    var last = 0
                    try forEachWordBoundary(in: buf) { b, status in
                        defer { last = b }
                        switch status {
                        case 100..<200: keys.append(number)
                        case 200..<500: keys.append(UnsafeBufferPointer(rebasing: low[last..<b]))
                        default: break
                        }
                    }
                }
            }
        }
        return keys
    }

    private static let numberKey: [UInt8] = Array("#".utf8)
}
