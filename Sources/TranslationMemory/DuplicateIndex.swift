import Foundation
import GRDB
import GRDBSQLite

/// The duplicate keys (schema v5): for the `TextKeys.normHash` of every stored variant, the units
/// that hold it. Stored in 4,096 blobs by the hash's top bits, each a sorted array of little-endian
/// (hash, unit id) Int64 pairs, so that an import adds no index row per variant: the buckets it
/// touched are rewritten once when it flushes. A hash only names candidates; writers compare texts.
/// Writers file each variant under its text's hash and under that hash paired with the language
/// of each other variant of the unit (`MemoryWriter.duplicateKeys`).
struct DuplicateIndex {
    struct Entry: Hashable, Comparable {
        var hash: Int64
        var unit: Int64
        static func < (a: Entry, b: Entry) -> Bool { a.hash != b.hash ? a.hash < b.hash : a.unit < b.unit }
    }

    static func bucket(_ hash: Int64) -> Int64 { Int64(UInt64(bitPattern: hash) >> 52) }

    private struct Bucket {
        /// As stored (nil until read).
        var stored: [Entry]?
        var added: [Int64: [Int64]] = [:]
        var removed: Set<Entry> = []
        var dirty: Bool { !added.isEmpty || !removed.isEmpty }
    }

    private var buckets: [Int64: Bucket] = [:]

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
        if let s = buckets[b]?.stored { return s }
        let s = try DuplicateIndex.read(db, bucket: b)
        buckets[b, default: Bucket()].stored = s
        return s
    }

    /// The units holding a variant with this hash, in id order.
    mutating func units(_ db: Database, hash: Int64) throws -> [Int64] {
        let b = DuplicateIndex.bucket(hash)
        let stored = try loaded(db, b)
        var lo = 0, hi = stored.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if stored[mid].hash < hash { lo = mid + 1 } else { hi = mid }
        }
        var out: [Int64] = []
        let removed = buckets[b]?.removed ?? []
        while lo < stored.count, stored[lo].hash == hash {
            if !removed.contains(stored[lo]) { out.append(stored[lo].unit) }
            lo += 1
        }
        if let more = buckets[b]?.added[hash] {
            out += more.filter { !removed.contains(Entry(hash: hash, unit: $0)) }
            out = Array(Set(out)).sorted()
        }
        return out
    }

    mutating func add(hash: Int64, unit: Int64) {
        let b = DuplicateIndex.bucket(hash)
        buckets[b, default: Bucket()].removed.remove(Entry(hash: hash, unit: unit))
        buckets[b, default: Bucket()].added[hash, default: []].append(unit)
    }

    mutating func remove(hash: Int64, unit: Int64) {
        let b = DuplicateIndex.bucket(hash)
        buckets[b, default: Bucket()].added[hash]?.removeAll { $0 == unit }
        buckets[b, default: Bucket()].removed.insert(Entry(hash: hash, unit: unit))
    }

    /// Writes the changed buckets; what was read stays cached for the rest of the write.
    mutating func flush(_ db: Database) throws {
        let write = try db.cachedStatement(sql: "INSERT OR REPLACE INTO dup(bucket, entries) VALUES (?, ?)")
        for b in buckets.keys.sorted() where buckets[b]!.dirty {
            var entries = try loaded(db, b)
            let bucket = buckets[b]!
            if !bucket.removed.isEmpty { entries.removeAll { bucket.removed.contains($0) } }
            for (hash, units) in bucket.added { for u in units { entries.append(Entry(hash: hash, unit: u)) } }
            entries = Array(Set(entries)).sorted() // (a key added again is kept once)
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
            buckets[b] = Bucket(stored: entries)
        }
    }
}
