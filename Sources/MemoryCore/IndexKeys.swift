import Foundation
import ICUText

/// A variant's word keys as the fuzzy index files them, in two flat arrays: an import prepares
/// millions of variants, and one allocation per array costs far less than one String per word.
package struct IndexKeys: Equatable {
    package struct Key: Equatable {
        /// `KeyHash.hash` of the index key (computed while preparing, off the storing thread).
        package var hash: Int
        /// Where the index key ends in `bytes`.
        package var end: Int32
        /// The length of its word key (the index key without a repeat's suffix).
        package var wordLength: Int32
        /// `KeyHash.hash` of the word key, truncated (to find repeats).
        package var wordHash: UInt32
    }
    /// The index keys one after another: each word key, with "\u{1}k" after its k-th repeat (k ≥ 2),
    /// so that a multiset overlap is a set overlap (`TokenizedText.indexKeys`).
    private(set) var bytes: [UInt8] = []
    package private(set) var keys: [Key] = []
    /// One bit per earlier key of the variant, by the top bits of its word hash (`append`).
    private var seen: UInt64 = 0

    /// Number of word keys.
    package var count: Int { keys.count }

    package init() {}

    /// Empties the keys, keeping the arrays' storage (a worker reuses one for every variant).
    package mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
        seen = 0
    }

    package static func == (a: IndexKeys, b: IndexKeys) -> Bool { a.bytes == b.bytes && a.keys == b.keys }

    package init(wordKeys: [String]) {
        for var k in wordKeys { k.withUTF8 { append($0) } }
    }

    /// The word keys separated by U+001F: what a packed unit stores.
    package var joined: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        appendJoined(to: &out)
        return out
    }

    /// The length of `joined`.
    package var joinedCount: Int {
        keys.isEmpty ? 0 : keys.reduce(keys.count - 1) { $0 + Int($1.wordLength) }
    }

    /// Appends `joined` to `out`.
    package func appendJoined(to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { b in
            var start = 0
            for (i, k) in keys.enumerated() {
                if i > 0 { out.append(0x1F) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<start + Int(k.wordLength)]))
                start = Int(k.end)
            }
        }
    }

    /// The index keys as strings (tests, and the general path's callers).
    package var strings: [String] {
        (0..<count).map { i in withKey(i) { String(decoding: $0, as: UTF8.self) } }
    }

    /// Calls `body` with the bytes of index key `i`.
    package func withKey<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let start = i == 0 ? 0 : Int(keys[i - 1].end)
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<Int(keys[i].end)])) }
    }

    /// Calls `body` with the hash and bytes of each index key.
    package func withKeys(_ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        try bytes.withUnsafeBufferPointer { b in
            try keys.withUnsafeBufferPointer { ks in
                var start = 0
                for k in ks {
                    try body(k.hash, UnsafeBufferPointer(rebasing: b[start..<Int(k.end)]))
                    start = Int(k.end)
                }
            }
        }
    }

    /// Calls `body` with the hash of each index key.
    @inline(__always)
    package func forEachHash(_ body: (Int) -> Void) {
        keys.withUnsafeBufferPointer { for k in $0 { body(k.hash) } }
    }

    package mutating func append(_ key: UnsafeBufferPointer<UInt8>) {
        let h = KeyHash.hash(key)
        let wordHash = UInt32(truncatingIfNeeded: h)
        // Repeats are few in a segment: count earlier equal keys (same hash, then same bytes),
        // unless no earlier key's hash left this one's bit in `seen`.
        var n = 1
        let bit: UInt64 = 1 << UInt64(wordHash >> 26)
        defer { seen |= bit }
        if seen & bit != 0 { bytes.withUnsafeBufferPointer { b in
            var start = 0
            for k in keys {
                if k.wordHash == wordHash, Int(k.wordLength) == key.count,
                   key.count == 0 || memcmp(b.baseAddress! + start, key.baseAddress!, key.count) == 0 { n += 1 }
                start = Int(k.end)
            }
        } }
        let start = bytes.count
        bytes.append(contentsOf: key)
        var hash = h
        if n > 1 {
            bytes.append(0x01)
            bytes.append(contentsOf: String(n).utf8)
            hash = bytes.withUnsafeBufferPointer { KeyHash.hash(UnsafeBufferPointer(rebasing: $0[start...])) }
        }
        keys.append(Key(hash: hash, end: Int32(bytes.count), wordLength: Int32(key.count), wordHash: wordHash))
    }
}

extension Tokenizer {
    /// `IndexKeys(wordKeys: tokenize(text).wordKeys)`, for NFC `text`. Plain text (ASCII, Russian
    /// Cyrillic and common punctuation, see `UTF8Scan.lowercasedPlain`) without markup or
    /// placeholders takes a lane that builds no tokens: its keys are the lower-cased slices
    /// between ICU word boundaries ("#" for a number), which is what `tokenize` makes of such text.
    package func indexKeys(_ text: String) throws -> IndexKeys {
        var keys = IndexKeys()
        try indexKeys(text, into: &keys)
        return keys
    }

    /// Appends the keys of the words ICU finds in `text`: slices of its lower-cased copy `lower`
    /// (same offsets), `number` for numbers.
    package func appendICUKeys(text: UnsafeBufferPointer<UInt8>, lower: UnsafeBufferPointer<UInt8>,
                       number: UnsafeBufferPointer<UInt8>, to keys: inout IndexKeys) throws {
        var last = 0
        try forEachWordBoundary(in: text) { b, status in
            defer { last = b }
            switch status {
            case 100..<200: keys.append(number)
            case 200..<500: keys.append(UnsafeBufferPointer(rebasing: lower[last..<b]))
            default: break
            }
        }
    }

    /// `indexKeys(text)` into `keys` (emptied first; its storage is reused).
    package func indexKeys(_ text: String, into keys: inout IndexKeys) throws {
        keys.removeAll()
        lower.removeAll(keepingCapacity: true)
        guard UTF8Scan.appendLowercasedPlain(text, to: &lower),
              !lower.contains(where: { $0 == 0x3C || $0 == 0x25 || $0 == 0x7B }) else { // < % {
            for var k in try tokenize(text).wordKeys { k.withUTF8 { keys.append($0) } }
            return
        }
        var copy = text
        try copy.withUTF8 { buf in
            try lower.withUnsafeBufferPointer { low in
                try Tokenizer.numberKey.withUnsafeBufferPointer { number in
                    // Words found byte by byte where the text allows (`PlainWords`), else by ICU.
                    if PlainWords.forEachWord(low, { r, isNumber in
                        keys.append(isNumber ? number : UnsafeBufferPointer(rebasing: low[r]))
                    }) { return }
                    try appendICUKeys(text: buf, lower: low, number: number, to: &keys)
                }
            }
        }
    }

    package static let numberKey: [UInt8] = Array("#".utf8)
}
