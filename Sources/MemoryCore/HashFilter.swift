/// A blocked Bloom filter of 64-bit hashes: each hash sets four bits of one 512-bit block, so a
/// query reads one cache line. Never a false negative.
package struct HashFilter {
    private var words: [UInt64]
    /// Hashes inserted.
    package private(set) var count = 0
    /// Blocks of 512 bits (a power of two).
    package let blocks: Int

    package init(blocks: Int = 64) {
        self.blocks = blocks
        words = [UInt64](repeating: 0, count: 8 * blocks)
    }

    /// Whether the filter holds so many hashes that false positives pass 1% (about ten bits a hash).
    package var isFull: Bool { count * 10 > blocks * 512 }

    @inline(__always) private func positions(_ h: Int64) -> (base: Int, bits: (Int, Int, Int, Int)) {
        let x = UInt64(bitPattern: h) &* 0x9E37_79B9_7F4A_7C15
        return (8 * (Int(truncatingIfNeeded: x >> 36) & (blocks - 1)),
                (Int(x & 511), Int((x >> 9) & 511), Int((x >> 18) & 511), Int((x >> 27) & 511)))
    }

    package mutating func insert(_ h: Int64) {
        let (base, b) = positions(h)
        count += 1
        words.withUnsafeMutableBufferPointer { w in
            w[base + b.0 >> 6] |= 1 << UInt64(b.0 & 63)
            w[base + b.1 >> 6] |= 1 << UInt64(b.1 & 63)
            w[base + b.2 >> 6] |= 1 << UInt64(b.2 & 63)
            w[base + b.3 >> 6] |= 1 << UInt64(b.3 & 63)
        }
    }

    package func mayHold(_ h: Int64) -> Bool {
        let (base, b) = positions(h)
        return words.withUnsafeBufferPointer { w in
            w[base + b.0 >> 6] & (1 << UInt64(b.0 & 63)) != 0 && w[base + b.1 >> 6] & (1 << UInt64(b.1 & 63)) != 0
                && w[base + b.2 >> 6] & (1 << UInt64(b.2 & 63)) != 0 && w[base + b.3 >> 6] & (1 << UInt64(b.3 & 63)) != 0
        }
    }
}

/// Hashes added with no bound known ahead: a chain of `HashFilter`s, each twice the size of the one
/// before and begun when that one is full, so each answers with about 1% false positives and the
/// whole takes about 1.3 bytes a hash. Never a false negative.
package struct GrowingHashFilter {
    private var filters: [HashFilter]

    /// The first filter's blocks of 512 bits (a power of two; 65,536 blocks take 4 MB and hold
    /// 3.3 million hashes).
    package init(blocks: Int = 1 << 16) { filters = [HashFilter(blocks: blocks)] }

    /// Hashes inserted.
    package var count: Int { filters.reduce(0) { $0 + $1.count } }
    /// Bytes the filters take.
    package var byteCount: Int { filters.reduce(0) { $0 + $1.blocks * 64 } }

    package mutating func insert(_ h: Int64) {
        if filters[filters.count - 1].isFull { filters.append(HashFilter(blocks: filters[filters.count - 1].blocks * 2)) }
        filters[filters.count - 1].insert(h)
    }

    package func mayHold(_ h: Int64) -> Bool {
        for f in filters where f.mayHold(h) { return true }
        return false
    }
}
