import Foundation
import GRDB
import GRDBSQLite

/// The duplicate keys (schema v5): for the `TextKeys.normHash` of every stored variant, the units
/// that hold it. Stored in 4,096 blobs by the hash's top bits, each a sorted array of little-endian
/// (hash, unit id) Int64 pairs, so that an import adds no index row per variant: the buckets it
/// touched are rewritten once when it flushes. A hash only names candidates; writers compare texts.
/// Writers file each variant under its text's hash and under that hash paired with the language
/// of each other variant of the unit (`MemoryWriter.duplicateKeys`).
///
/// Keys added during a write are kept flat (in one open-addressing table by hash) until `flush`
/// merges them into the sorted buckets: an import adds millions of keys, and
/// a container per key would cost more than the rest of its bookkeeping.
struct DuplicateIndex {
    struct Entry: Hashable, Comparable {
        var hash: Int64
        var unit: Int64
        static func < (a: Entry, b: Entry) -> Bool { a.hash != b.hash ? a.hash < b.hash : a.unit < b.unit }
    }

    static let bucketCount = 4096
    static func bucket(_ hash: Int64) -> Int64 { Int64(UInt64(bitPattern: hash) >> 52) }

    /// Buckets as stored (nil until read), kept for the rest of the write.
    private var stored = [[Entry]?](repeating: nil, count: DuplicateIndex.bucketCount)
    /// Keys added since the last flush, by open addressing on the hash (a unit of 0: an empty
    /// slot; of -1: taken out again); a power of two, at most half full.
    private var slots = [Entry](repeating: Entry(hash: 0, unit: 0), count: 1 << 12)
    private var addedCount = 0
    /// Stored keys taken out since the last flush.
    private var removed: Set<Entry> = []

    static func read(_ db: Database, bucket: Int64) throws -> [Entry] {
        let stmt = try db.cachedStatement(sql: "SELECT entries FROM dup WHERE bucket = ?")
        let r = RawStatement(stmt)
        r.bind(1, bucket)
        defer { sqlite3_reset(r.s) }
        let rc = sqlite3_step(r.s)
        if rc == SQLITE_DONE { return [] }
        guard rc == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: db.lastErrorMessage) }
        guard let p = sqlite3_column_blob(r.s, 0) else { return [] }
        let raw = UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(r.s, 0)))
        return (0..<raw.count / 16).map { i in
            Entry(hash: Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 16 * i, as: Int64.self)),
                  unit: Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 16 * i + 8, as: Int64.self)))
        }
    }

    private mutating func loaded(_ db: Database, _ b: Int64) throws -> [Entry] {
        if let s = stored[Int(b)] { return s }
        let s = try DuplicateIndex.read(db, bucket: b)
        stored[Int(b)] = s
        return s
    }

    @inline(__always) private static func slot(_ hash: Int64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: hash) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The units holding a variant with this hash, in id order.
    mutating func units(_ db: Database, hash: Int64) throws -> [Int64] {
        let b = DuplicateIndex.bucket(hash)
        var out: [Int64] = []
        try loaded(db, b).withUnsafeBufferPointer { s in
            var lo = 0, hi = s.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if s[mid].hash < hash { lo = mid + 1 } else { hi = mid }
            }
            while lo < s.count, s[lo].hash == hash {
                if removed.isEmpty || !removed.contains(s[lo]) { out.append(s[lo].unit) }
                lo += 1
            }
        }
        let stored = out.count
        slots.withUnsafeBufferPointer { t in
            let mask = t.count - 1
            var i = DuplicateIndex.slot(hash, mask)
            while t[i].unit != 0 {
                if t[i].hash == hash, t[i].unit > 0 { out.append(t[i].unit) }
                i = (i + 1) & mask
            }
        }
        if out.count > stored { out = Array(Set(out)).sorted() }
        return out
    }

    mutating func add(hash: Int64, unit: Int64) {
        let e = Entry(hash: hash, unit: unit)
        if !removed.isEmpty { removed.remove(e) }
        if (addedCount + 1) * 2 > slots.count { rehash(slots.count * 2) }
        DuplicateIndex.place(e, in: &slots)
        addedCount += 1
    }

    private static func place(_ e: Entry, in slots: inout [Entry]) {
        slots.withUnsafeMutableBufferPointer { t in
            let mask = t.count - 1
            var i = DuplicateIndex.slot(e.hash, mask)
            while t[i].unit != 0 { i = (i + 1) & mask }
            t[i] = e
        }
    }

    private mutating func rehash(_ capacity: Int) {
        var bigger = [Entry](repeating: Entry(hash: 0, unit: 0), count: capacity)
        for e in slots where e.unit > 0 { DuplicateIndex.place(e, in: &bigger) }
        slots = bigger
    }

    mutating func remove(hash: Int64, unit: Int64) {
        let mask = slots.count - 1
        var i = DuplicateIndex.slot(hash, mask)
        while slots[i].unit != 0 {
            if slots[i].hash == hash, slots[i].unit == unit { slots[i].unit = -1 }
            i = (i + 1) & mask
        }
        removed.insert(Entry(hash: hash, unit: unit))
    }

    /// Writes the changed buckets; what was read stays cached for the rest of the write.
    mutating func flush(_ db: Database) throws {
        guard addedCount > 0 || !removed.isEmpty else { return }
        var fresh = slots.filter { $0.unit > 0 }
        // Sorted by bucket (a counting sort on the top bits), then within each bucket.
        var counts = [Int](repeating: 0, count: DuplicateIndex.bucketCount + 1)
        for e in fresh { counts[Int(DuplicateIndex.bucket(e.hash)) + 1] += 1 }
        for b in 0..<DuplicateIndex.bucketCount { counts[b + 1] += counts[b] }
        var byBucket = fresh
        var next = counts
        for e in fresh {
            let b = Int(DuplicateIndex.bucket(e.hash))
            byBucket[next[b]] = e
            next[b] += 1
        }
        fresh = byBucket
        for b in 0..<DuplicateIndex.bucketCount where counts[b + 1] - counts[b] > 1 {
            fresh[counts[b]..<counts[b + 1]].sort()
        }
        var touched = Set(removed.map { DuplicateIndex.bucket($0.hash) })
        for e in fresh { touched.insert(DuplicateIndex.bucket(e.hash)) }
        // The new keys of each bucket: a range of `fresh` (sorted by hash, so grouped by bucket).
        var ranges: [Int64: Range<Int>] = [:]
        var start = 0
        while start < fresh.count {
            let b = DuplicateIndex.bucket(fresh[start].hash)
            var end = start + 1
            while end < fresh.count, DuplicateIndex.bucket(fresh[end].hash) == b { end += 1 }
            ranges[b] = start..<end
            start = end
        }
        let write = try db.cachedStatement(sql: "INSERT OR REPLACE INTO dup(bucket, entries) VALUES (?, ?)")
        for b in touched.sorted() {
            var old = try loaded(db, b)
            if !removed.isEmpty { old.removeAll { removed.contains($0) } }
            let new = fresh[ranges[b] ?? 0..<0]
            // Merge two sorted runs; a key added again is kept once.
            var entries: [Entry] = []
            entries.reserveCapacity(old.count + new.count)
            var i = old.startIndex, j = new.startIndex
            while i < old.endIndex || j < new.endIndex {
                let e: Entry
                if j == new.endIndex || (i < old.endIndex && old[i] < new[j]) { e = old[i]; i += 1 } else { e = new[j]; j += 1 }
                if entries.last != e { entries.append(e) }
            }
            var bytes = [UInt8](repeating: 0, count: entries.count * 16)
            bytes.withUnsafeMutableBytes { raw in
                for (i, e) in entries.enumerated() {
                    raw.storeBytes(of: e.hash.littleEndian, toByteOffset: 16 * i, as: Int64.self)
                    raw.storeBytes(of: e.unit.littleEndian, toByteOffset: 16 * i + 8, as: Int64.self)
                }
            }
            let w = RawStatement(write)
            w.bind(1, b)
            bytes.withUnsafeBytes { raw in _ = sqlite3_bind_blob(w.s, 2, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), RawStatement.transientDestructor) }
            try w.run(db)
            stored[Int(b)] = entries
        }
        slots = [Entry](repeating: Entry(hash: 0, unit: 0), count: 1 << 12)
        addedCount = 0
        removed = []
    }
}
