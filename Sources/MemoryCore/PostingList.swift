import Foundation

/// One entry of a posting list: a variant and its number of word keys.
package struct PostingEntry: Comparable {
    package var variant: UInt32
    package var words: UInt32
    package init(variant: UInt32, words: UInt32) { self.variant = variant; self.words = words }
    package static func < (a: PostingEntry, b: PostingEntry) -> Bool { a.variant < b.variant }
}

/// A posting list as stored: little-endian (variant, words) pairs sorted by variant.
package struct PostingList {
    package var bytes: [UInt8]

    package var count: Int { bytes.count / 8 }

    package init(bytes: [UInt8]) { self.bytes = bytes }

    package init(entries: [PostingEntry]) {
        var b = [UInt8](repeating: 0, count: entries.count * 8)
        b.withUnsafeMutableBytes { raw in
            for (i, e) in entries.enumerated() {
                raw.storeBytes(of: e.variant.littleEndian, toByteOffset: i * 8, as: UInt32.self)
                raw.storeBytes(of: e.words.littleEndian, toByteOffset: i * 8 + 4, as: UInt32.self)
            }
        }
        bytes = b
    }

    package func entry(_ i: Int) -> PostingEntry {
        bytes.withUnsafeBytes { raw in
            PostingEntry(variant: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt32.self)),
                         words: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8 + 4, as: UInt32.self)))
        }
    }

    package var entries: [PostingEntry] { (0..<count).map(entry) }

    /// Binary search for a variant.
    package func contains(_ variant: UInt32) -> Bool {
        bytes.withUnsafeBytes { raw in
            var lo = 0, hi = count
            while lo < hi {
                let mid = (lo + hi) / 2
                let v = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: mid * 8, as: UInt32.self))
                if v == variant { return true }
                if v < variant { lo = mid + 1 } else { hi = mid }
            }
            return false
        }
    }

    /// This list with `added` merged in and `removed` taken out.
    package func merged(adding added: [PostingEntry], removing removed: Set<UInt32>) -> PostingList {
        if removed.isEmpty, let first = added.first, count == 0 || entry(count - 1).variant < first.variant {
            var b = bytes
            b.append(contentsOf: PostingList(entries: added).bytes) // appends keep the order: the common case
            return PostingList(bytes: b)
        }
        var all = entries.filter { !removed.contains($0.variant) }
        all.append(contentsOf: added)
        all.sort()
        return PostingList(entries: all)
    }
}

extension PostingList {
    /// The stored form of one part of a list (schema v6): per entry, as LEB128 varints, the
    /// distance of its unit from the previous entry's (the first entry: its unit) and its word
    /// count. Lists are sorted by unit, so most entries take two or three bytes instead of eight.
    package static func encode(_ list: PostingList) -> [UInt8] {
        list.bytes.withUnsafeBytes { raw in
            encode(count: list.count) { i in
                (UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt32.self)),
                 UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8 + 4, as: UInt32.self)))
            }
        }
    }

    /// `encode` of entries sorted by unit.
    package static func encode(_ entries: UnsafeBufferPointer<PostingEntry>) -> [UInt8] {
        encode(count: entries.count) { (entries[$0].variant, entries[$0].words) }
    }

    @inline(__always)
    private static func encode(count: Int, _ entry: (Int) -> (unit: UInt32, words: UInt32)) -> [UInt8] {
        // A varint takes at most five bytes: written straight into the result, which is cut to size.
        [UInt8](unsafeUninitializedCapacity: count * 10) { out, written in
            var o = 0
            @inline(__always) func varint(_ v: UInt32) {
                var v = v
                while v >= 0x80 { out[o] = UInt8(truncatingIfNeeded: v) | 0x80; o += 1; v >>= 7 }
                out[o] = UInt8(v)
                o += 1
            }
            var previous: UInt32 = 0
            for i in 0..<count {
                let (unit, words) = entry(i)
                varint(unit &- previous)
                varint(words)
                previous = unit
            }
            written = o
        }
    }

    /// Appends the entries of a stored part (`encode`) to `bytes` in the in-memory form
    /// (little-endian unit, words pairs).
    package static func decode(_ raw: UnsafeRawBufferPointer, appendingTo bytes: inout [UInt8]) throws {
        // Every entry takes at least two bytes: at most raw.count / 2 entries of eight bytes.
        let base = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: raw.count * 4))
        let written = try bytes.withUnsafeMutableBytes { out -> Int in
            var i = 0, o = base
            let n = raw.count
            @inline(__always) func varint() throws -> UInt32 {
                let c = raw[i]
                i += 1
                if c < 0x80 { return UInt32(c) }
                var v = UInt32(c & 0x7F)
                var shift: UInt32 = 7
                while true {
                    guard i < n, shift < 35 else { throw MemoryError.invalid("a posting list of the memory's index is damaged") }
                    let c = raw[i]
                    i += 1
                    v |= UInt32(c & 0x7F) << shift
                    if c < 0x80 { return v }
                    shift += 7
                }
            }
            var unit: UInt32 = 0
            while i < n {
                unit = unit &+ (try varint())
                guard i < n else { throw MemoryError.invalid("a posting list of the memory's index is damaged") }
                let words = try varint()
                out.storeBytes(of: unit.littleEndian, toByteOffset: o, as: UInt32.self)
                out.storeBytes(of: words.littleEndian, toByteOffset: o + 4, as: UInt32.self)
                o += 8
            }
            return o
        }
        bytes.removeSubrange(written...)
    }
}

/// The hash of an index key (the posting lists' and the duplicate index's tables).
package enum KeyHash {
    /// The hash `add` files a key under: of its UTF-8 bytes (String's own hashing normalises,
    /// which keys, already NFC and folded, do not need). In memory only, never stored: eight bytes
    /// at a time with a multiply-xorshift mix (keys are short words; SipHash cost more than
    /// filing them).
    package static func hash(_ key: String) -> Int {
        var k = key
        return k.withUTF8 { hash($0) }
    }

    @inline(__always)
    package static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let n = bytes.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        guard let base = bytes.baseAddress else { return Int(truncatingIfNeeded: h) }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        if i < n {
            var v: UInt64 = 0
            var shift: UInt64 = 0
            while i < n { v |= UInt64(base[i]) << shift; shift += 8; i += 1 }
            h = (h ^ v) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
        }
        h = (h ^ (h >> 29)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: h ^ (h >> 32))
    }
}
