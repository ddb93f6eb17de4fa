import Foundation
import GRDB
import GRDBSQLite
import MemoryCore

/// The duplicate keys (schema v5): for the `TextKeys.normHash` of every stored variant, the units
/// that hold it. Stored in 4,096 blobs by the hash's top bits, each a sorted array of little-endian
/// (hash, unit id) Int64 pairs, so that an import adds no index row per variant: the buckets it
/// touched are rewritten once when it flushes. A hash only names candidates; writers compare texts.
/// Writers file each variant under its text's hash and under that hash paired with the language
/// of each other variant of the unit (`DuplicateRules.duplicateKeys`).
///
/// Keys added during a write are kept flat (in one open-addressing table by hash) until `flush`
/// merges them into the sorted buckets: an import adds millions of keys, and
/// a container per key would cost more than the rest of its bookkeeping.
///
/// A small write into a large memory would touch nearly every bucket (each of its units adds four
/// keys), and rewrite them all: 64 MB for a million units. Its keys go to `dup_delta` instead (schema
/// v8), a row per key, which a later large write merges into the buckets (`deltaLimit`). A small
/// write also searches the buckets where SQLite holds them, without decoding them (`cacheAfter`).
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
    /// Keys added since the last flush.
    var pending: Int { addedCount }
    /// Keys a write gathers before it writes them: the table then holds 8 million slots of 16
    /// bytes (128 MB), a million units of two languages.
    static let flushLimit = 4_000_000
    /// Stored keys taken out since the last flush.
    private var removed: Set<Entry> = []
    /// Rows of `dup_delta` (nil until counted in this write).
    private var deltaCount: Int?
    /// A flush whose keys, with those of `dup_delta`, are at most this many adds them to
    /// `dup_delta`; a larger one merges them all into the buckets. (Tests lower it.)
    var deltaLimit = 200_000
    /// Off for a memory being migrated from before schema v8 (it has no `dup_delta` yet).
    var usesDelta = true
    /// Searches of buckets in place so far this write; past `cacheAfter`, a bucket asked about is
    /// decoded and kept for the rest of the write (a large write asks each bucket many times).
    private var searchedInPlace = 0
    static let cacheAfter = 2 * bucketCount

    static func read(_ db: Database, bucket: Int64) throws -> [Entry] {
        let stmt = try db.cachedStatement(sql: "SELECT entries FROM dup WHERE bucket = ?")
        let r = RawStatement(stmt)
        r.bind(1, bucket)
        defer { sqlite3_reset(r.s) }
        guard try r.step(db) else { return [] }
        return entries(r, column: 0)
    }

    /// The entries of a stored bucket, in column `column` of the statement's current row.
    private static func entries(_ r: RawStatement, column: Int32) -> [Entry] {
        guard let p = sqlite3_column_blob(r.s, column) else { return [] }
        let raw = UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(r.s, column)))
        return (0..<raw.count / 16).map { i in
            Entry(hash: Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 16 * i, as: Int64.self)),
                  unit: Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 16 * i + 8, as: Int64.self)))
        }
    }

    private mutating func loaded(_ db: Database, _ b: Int64) throws -> [Entry] {
        if let s = stored[Int(b)] { return s }
        let s = try DuplicateIndex.read(db, bucket: b)
        stored[Int(b)] = s
        isLoaded[Int(b)] = true
        filterStored(s)
        return s
    }

    /// Adds stored entries to `filter`, which doubles (refilled from `stored`) as it fills.
    private mutating func filterStored<C: Collection>(_ entries: C) where C.Element == Entry {
        for e in entries { filter.insert(e.hash) }
        guard filter.isFull else { return }
        var blocks = filter.blocks * 2
        while filter.count * 20 > blocks * 512 { blocks *= 2 }
        var bigger = HashFilter(blocks: blocks)
        for case let s? in stored { for e in s { bigger.insert(e.hash) } }
        filter = bigger
    }

    /// Which buckets `stored` holds (read without touching their arrays).
    private var isLoaded = [Bool](repeating: false, count: DuplicateIndex.bucketCount)
    /// The hashes of the stored buckets read so far: most keys an import asks for are new, and
    /// the filter answers for them with one cache line, where a bucket's search costs several.
    private var filter = HashFilter()

    @inline(__always) private static func slot(_ hash: Int64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: hash) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The units holding a variant with this hash, in id order.
    mutating func units(_ db: Database, hash: Int64) throws -> [Int64] {
        let b = DuplicateIndex.bucket(hash)
        var out: [Int64] = []
        // A bucket is read (and its hashes put in the filter) the first time it is asked about,
        // once the write has asked about many; before, it is searched where SQLite holds it.
        if !isLoaded[Int(b)] {
            if searchedInPlace < DuplicateIndex.cacheAfter {
                searchedInPlace += 1
                try DuplicateIndex.search(db, bucket: b, hash: hash) { e in
                    if removed.isEmpty || !removed.contains(e) { out.append(e.unit) }
                }
            } else {
                _ = try loaded(db, b)
            }
        }
        if isLoaded[Int(b)], filter.mayHold(hash), let bucket = stored[Int(b)] {
            bucket.withUnsafeBufferPointer { s in
                var (lo, hi) = DuplicateIndex.narrow(s, hash)
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if s[mid].hash < hash { lo = mid + 1 } else { hi = mid }
                }
                while lo < s.count, s[lo].hash == hash {
                    if removed.isEmpty || !removed.contains(s[lo]) { out.append(s[lo].unit) }
                    lo += 1
                }
            }
        }
        let stored = out.count
        if try deltaSize(db) > 0 {
            let r = RawStatement(try db.cachedStatement(sql: "SELECT unit FROM dup_delta WHERE hash = ?"))
            r.bind(1, hash)
            defer { sqlite3_reset(r.s) }
            while try r.step(db) {
                let e = Entry(hash: hash, unit: sqlite3_column_int64(r.s, 0))
                if removed.isEmpty || !removed.contains(e) { out.append(e.unit) }
            }
        }
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

    /// The rows of `dup_delta`, counted once a write.
    private mutating func deltaSize(_ db: Database) throws -> Int {
        if let n = deltaCount { return n }
        guard usesDelta else { return 0 }
        let n = try Int.fetchOne(db, sql: "SELECT count(*) FROM dup_delta") ?? 0
        deltaCount = n
        return n
    }

    /// Calls `body` with the entries of `hash` in stored bucket `bucket`, found by a binary search of
    /// the blob as SQLite holds it.
    private static func search(_ db: Database, bucket: Int64, hash: Int64, _ body: (Entry) -> Void) throws {
        let r = RawStatement(try db.cachedStatement(sql: "SELECT entries FROM dup WHERE bucket = ?"))
        r.bind(1, bucket)
        defer { sqlite3_reset(r.s) }
        guard try r.step(db) else { return }
        guard let p = sqlite3_column_blob(r.s, 0) else { return }
        let raw = UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(r.s, 0)))
        func hashAt(_ i: Int) -> Int64 { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 16 * i, as: Int64.self)) }
        let n = raw.count / 16
        var lo = 0, hi = n
        while lo < hi {
            let mid = (lo + hi) / 2
            if hashAt(mid) < hash { lo = mid + 1 } else { hi = mid }
        }
        while lo < n, hashAt(lo) == hash {
            body(Entry(hash: hash, unit: Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 16 * lo + 8, as: Int64.self))))
            lo += 1
        }
    }

    /// Merges the rows of `dup_delta` into the buckets (`MemoryStore.optimize`), in a write that has
    /// added nothing; returns how many there were.
    mutating func mergeDelta(_ db: Database) throws -> Int {
        guard usesDelta else { return 0 }
        let n = try deltaSize(db)
        try foldDelta(db)
        try flush(db, final: true, intoBuckets: true)
        return n
    }

    /// Moves the rows of `dup_delta` into the keys added (but for those taken out), for a flush
    /// that merges everything into the buckets.
    private mutating func foldDelta(_ db: Database) throws {
        guard try deltaSize(db) > 0 else { return }
        let rows = try Row.fetchCursor(db, sql: "SELECT hash, unit FROM dup_delta")
        var delta: [Entry] = []
        while let row = try rows.next() { delta.append(Entry(hash: row[0], unit: row[1])) }
        for e in delta where !removed.contains(e) { add(hash: e.hash, unit: e.unit) }
        try db.execute(sql: "DELETE FROM dup_delta")
        deltaCount = 0
    }

    /// A small flush: the keys added go to `dup_delta`; the keys taken out leave it, and the
    /// buckets that held them are rewritten.
    private mutating func flushToDelta(_ db: Database) throws {
        let ins = RawStatement(try db.cachedStatement(sql: "INSERT OR IGNORE INTO dup_delta(hash, unit) VALUES (?, ?)"))
        var added = 0
        for e in slots where e.unit > 0 {
            ins.bind(1, e.hash)
            ins.bind(2, e.unit)
            try ins.run(db)
            added += Int(sqlite3_changes(db.sqliteConnection))
        }
        if !removed.isEmpty {
            let del = RawStatement(try db.cachedStatement(sql: "DELETE FROM dup_delta WHERE hash = ? AND unit = ?"))
            for e in removed {
                del.bind(1, e.hash)
                del.bind(2, e.unit)
                try del.run(db)
                added -= Int(sqlite3_changes(db.sqliteConnection))
            }
            var bytes: [UInt8] = []
            for b in Set(removed.map { Int(DuplicateIndex.bucket($0.hash)) }) {
                let old = try stored[b] ?? DuplicateIndex.read(db, bucket: Int64(b))
                let kept = DuplicateIndex.merge(old, removed: removed, UnsafeBufferPointer(start: nil, count: 0), into: &bytes, keepingEntries: true)
                if kept.count != old.count { try DuplicateIndex.writeBucket(db, b, bytes) }
            }
        }
        deltaCount = (deltaCount ?? 0) + added
    }

    /// A range of the sorted entries `s` that holds the first entry with a hash at or above `hash`.
    /// Hashes are spread evenly, so the entry is near where its value falls between the first and
    /// last: a guess and a few steps out from it touch two or three cache lines, where a binary
    /// search of a bucket that a large import filled misses the cache at each of its ten steps.
    @inline(__always)
    static func narrow(_ s: UnsafeBufferPointer<Entry>, _ hash: Int64) -> (Int, Int) {
        let n = s.count
        guard n > 16 else { return (0, n) }
        let first = s[0].hash, last = s[n - 1].hash
        if hash <= first { return (0, 0) }
        if hash > last { return (n, n) }
        let g = min(n - 1, max(0, Int((Double(hash) - Double(first)) / (Double(last) - Double(first)) * Double(n - 1))))
        if s[g].hash < hash {
            // The first entry at or above `hash` is in (a, b].
            var a = g, b = g + 1, step = 1
            while b < n, s[b].hash < hash { a = b; step &*= 2; b = min(a + step, n) }
            return (a + 1, b)
        }
        // It is in (a, b]: entry b is at or above `hash`, entry a (if any) below.
        var a = g - 1, b = g, step = 1
        while a >= 0, s[a].hash >= hash { b = a; step &*= 2; a = max(b - step, -1) }
        return (a + 1, b)
    }

    /// Reads the first slot of each hash, so that the slots `units` and `add` are about to probe
    /// are in the cache: the loads of a run of keys overlap (each alone is a cache miss, the
    /// table being hundreds of megabytes in a large import).
    mutating func touch(_ hashes: UnsafeBufferPointer<Int64>) {
        var sum: Int64 = 0
        slots.withUnsafeBufferPointer { t in
            let mask = t.count - 1
            for h in hashes { sum &+= t[DuplicateIndex.slot(h, mask)].unit }
        }
        touchSink &+= sum
    }
    /// What `touch` read (kept, so that its loads are not optimised away).
    private var touchSink: Int64 = 0

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

    /// The keys of `slots` sorted by bucket (a counting sort on the top bits), then within each
    /// bucket; bucket `b`'s are `fresh[start[b]..<start[b + 1]]`.
    private static func sortedByBucket(_ slots: [Entry]) -> (fresh: [Entry], start: [Int]) {
        let bucketCount = DuplicateIndex.bucketCount
        var start = [Int](repeating: 0, count: bucketCount + 1)
        slots.withUnsafeBufferPointer { t in
            for e in t where e.unit > 0 { start[Int(DuplicateIndex.bucket(e.hash)) + 1] += 1 }
        }
        for b in 0..<bucketCount { start[b + 1] += start[b] }
        var fresh = [Entry](repeating: Entry(hash: 0, unit: 0), count: start[bucketCount])
        fresh.withUnsafeMutableBufferPointer { out in
            var next = start
            slots.withUnsafeBufferPointer { t in
                for e in t where e.unit > 0 {
                    let b = Int(DuplicateIndex.bucket(e.hash))
                    out[next[b]] = e
                    next[b] += 1
                }
            }
            for b in 0..<bucketCount where start[b + 1] - start[b] > 1 {
                var run = UnsafeMutableBufferPointer(rebasing: out[start[b]..<start[b + 1]])
                run.sort()
            }
        }
        return (fresh, start)
    }

    /// The buckets that the keys of `start` (`sortedByBucket`) and `removed` change.
    private static func touched(_ start: [Int], removed: Set<Entry>) -> [Bool] {
        var touched = [Bool](repeating: false, count: DuplicateIndex.bucketCount)
        for e in removed { touched[Int(DuplicateIndex.bucket(e.hash))] = true }
        for b in 0..<DuplicateIndex.bucketCount where start[b + 1] > start[b] { touched[b] = true }
        return touched
    }

    /// A bucket's stored entries (without `removed`) and new ones (sorted) merged into its blob; a
    /// key added again is kept once. Returns the merged entries when `keepingEntries` (else none).
    @discardableResult
    private static func merge(_ old: [Entry], removed: Set<Entry>, _ new: UnsafeBufferPointer<Entry>,
                              into bytes: inout [UInt8], keepingEntries: Bool) -> [Entry] {
        let old = removed.isEmpty ? old : old.filter { !removed.contains($0) }
        bytes.removeAll(keepingCapacity: true)
        bytes.reserveCapacity((old.count + new.count) * 16)
        var entries: [Entry] = []
        if keepingEntries { entries.reserveCapacity(old.count + new.count) }
        var last: Entry?
        var i = 0, j = 0
        while i < old.count || j < new.count {
            let e: Entry
            if j == new.count || (i < old.count && old[i] < new[j]) { e = old[i]; i += 1 } else { e = new[j]; j += 1 }
            if last == e { continue }
            last = e
            withUnsafeBytes(of: e.hash.littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: e.unit.littleEndian) { bytes.append(contentsOf: $0) }
            if keepingEntries { entries.append(e) }
        }
        return entries
    }

    private static func writeBucket(_ db: Database, _ b: Int, _ bytes: [UInt8]) throws {
        let w = RawStatement(try db.cachedStatement(sql: "INSERT OR REPLACE INTO dup(bucket, entries) VALUES (?, ?)"))
        w.bind(1, Int64(b))
        // (Read in place during the step, which runs while the bytes are borrowed.)
        try bytes.withUnsafeBytes { raw in
            w.bind(2, blob: raw, copying: false)
            defer { sqlite3_clear_bindings(w.s) }
            try w.run(db)
        }
    }

    /// Writes the changed buckets. What was read stays cached for the rest of the write, unless
    /// `final` (the write ends: the buckets are not kept, nor their hashes put in the filter).
    /// - Parameter intoBuckets: merge into the buckets even a flush small enough for `dup_delta`.
    mutating func flush(_ db: Database, final: Bool = false, intoBuckets: Bool = false) throws {
        guard addedCount > 0 || !removed.isEmpty else { return }
        if final, usesDelta, !intoBuckets, addedCount + (try deltaSize(db)) <= deltaLimit {
            try flushToDelta(db)
            finished(final)
            return
        }
        try foldDelta(db)
        let (fresh, start) = DuplicateIndex.sortedByBucket(slots)
        slots = []
        let touched = DuplicateIndex.touched(start, removed: removed)
        var bytes: [UInt8] = []
        for b in 0..<DuplicateIndex.bucketCount where touched[b] {
            let old = final ? try stored[b] ?? DuplicateIndex.read(db, bucket: Int64(b)) : try loaded(db, Int64(b))
            try fresh.withUnsafeBufferPointer { f in
                let new = UnsafeBufferPointer(rebasing: f[start[b]..<start[b + 1]])
                let entries = DuplicateIndex.merge(old, removed: removed, new, into: &bytes, keepingEntries: !final)
                try DuplicateIndex.writeBucket(db, b, bytes)
                if !final {
                    stored[b] = entries
                    filterStored(new)
                }
            }
        }
        finished(final)
    }

    /// Resets what was added (and, after the final flush, what was cached).
    private mutating func finished(_ final: Bool) {
        if final {
            stored = [[Entry]?](repeating: nil, count: DuplicateIndex.bucketCount)
            isLoaded = [Bool](repeating: false, count: DuplicateIndex.bucketCount)
            filter = HashFilter()
            searchedInPlace = 0
            deltaCount = nil
        }
        slots = [Entry](repeating: Entry(hash: 0, unit: 0), count: 1 << 12)
        addedCount = 0
        removed = []
    }

    /// The final flush with its sorting and merging on another thread: returns what writes the
    /// buckets, to be called when the caller's other work (the posting lists) is written. Every
    /// stored bucket is read first (so for many keys only: they touch every bucket).
    mutating func startFinalFlush(_ db: Database) throws -> () throws -> Void {
        try foldDelta(db)
        var old = stored
        let r = RawStatement(try db.cachedStatement(sql: "SELECT bucket, entries FROM dup"))
        defer { sqlite3_reset(r.s) }
        while try r.step(db) {
            let b = Int(sqlite3_column_int64(r.s, 0))
            guard b >= 0, b < DuplicateIndex.bucketCount, old[b] == nil else { continue }
            old[b] = DuplicateIndex.entries(r, column: 1)
        }
        let job = FlushJob(slots: slots, old: old, removed: removed)
        finished(true)
        DispatchQueue.global().async(group: job.group) { job.run() }
        return {
            job.group.wait()
            for (b, bytes) in job.blobs { try DuplicateIndex.writeBucket(db, b, bytes) }
        }
    }

    /// `startFinalFlush`'s work off the storing thread.
    private final class FlushJob: @unchecked Sendable {
        let slots: [Entry]
        let old: [[Entry]?]
        let removed: Set<Entry>
        let group = DispatchGroup()
        @exclusivity(unchecked) var blobs: [(Int, [UInt8])] = []
        init(slots: [Entry], old: [[Entry]?], removed: Set<Entry>) {
            self.slots = slots
            self.old = old
            self.removed = removed
        }

        func run() {
            let (fresh, start) = DuplicateIndex.sortedByBucket(slots)
            let touched = DuplicateIndex.touched(start, removed: removed)
            fresh.withUnsafeBufferPointer { f in
                for b in 0..<DuplicateIndex.bucketCount where touched[b] {
                    var bytes: [UInt8] = []
                    DuplicateIndex.merge(old[b] ?? [], removed: removed, UnsafeBufferPointer(rebasing: f[start[b]..<start[b + 1]]),
                                         into: &bytes, keepingEntries: false)
                    blobs.append((b, bytes))
                }
            }
        }
    }
}
