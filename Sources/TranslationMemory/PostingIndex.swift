import Foundation
import GRDB
import GRDBSQLite
import CSupport

/// Changes to posting lists gathered during one write transaction, applied at its end (or
/// when it grows past `flushLimit` entries, so that a long import keeps its memory bounded).
///
/// Flat: every (language, key) gets a number from an open-addressing table of its hash, and an
/// added entry is two appends to flat arrays; `apply` groups the entries by key (a counting sort).
struct PostingBatch {
    private var langIndex: [String: Int] = [:]
    /// The language of the last variant added (a bulk add alternates between two or three).
    private var lastLang = (name: "", index: 0)
    private var langs: [String] = []
    /// Open addressing over (the top half of the salted hash, key number + 1; 0 for an empty slot),
    /// one slot of eight bytes read per probe; the capacity is a power of two. (Sixteen-byte slots,
    /// with the whole hash and the language, made a chunk's table twice the size of the core's
    /// cache; the language and bytes of a key whose tag matches are compared anyway.)
    private struct Slot { var tag: UInt32 = 0; var id: Int32 = 0 }
    private var table: [Slot]
    private var keyLang: [Int32] = []
    /// Each key's hash before the language's salt (`hash`).
    private var keyHash: [Int] = []
    /// The bytes of every key one after another, and where each ends.
    private var keyBytes: [UInt8] = []
    private var keyEnds: [Int] = []
    /// Per key: its stored list's last part and the unit of its last entry, as this batch last
    /// wrote or read them (`apply`), so that a later flush of the same write need not look them up.
    /// `unknownList`: not read yet; `noList`: the key has none.
    private var lastPart: [Int16] = []
    private var lastUnit: [UInt32] = []
    static let unknownList: Int16 = -1
    static let noList: Int16 = -2
    /// Whether the posting table was empty when the write began: then a key whose list this batch
    /// has not written has none (set by the writer before its first `apply`).
    var listsStartedEmpty = false
    /// Per added entry: its key number, and the entry.
    private var entryKey: [Int32] = []
    private var entries: [PostingEntry] = []
    /// Units taken out of lists, per language and key: each with the number of entries added before
    /// it was taken out (those of its entries are dropped too; later ones, a replaced target's, stay).
    var removed: [String: [String: [UInt32: Int]]] = [:]
    var entryCount: Int { entries.count }
    static let flushLimit = 8_000_000

    var isEmpty: Bool { entries.isEmpty && removed.isEmpty }
    /// `grouped()`, kept by `group()`.
    private var grouping: (start: [Int], ordered: [PostingEntry])?

    /// - Parameter capacity: slots of the key table to start with (a power of two).
    init(capacity: Int = 1 << 16) {
        table = [Slot](repeating: Slot(), count: capacity)
    }

    static func hash(_ key: String) -> Int { KeyHash.hash(key) }
    @inline(__always) static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int { KeyHash.hash(bytes) }

    private func key(_ id: Int) -> String {
        keyBytes.withUnsafeBufferPointer { b in
            String(decoding: UnsafeBufferPointer(rebasing: b[(id == 0 ? 0 : keyEnds[id - 1])..<keyEnds[id]]), as: UTF8.self)
        }
    }

    /// The number of the key with these bytes under `h`, or nil and the free slot where it goes.
    private func find(_ h: UInt64, lang: Int32, _ kb: UnsafeBufferPointer<UInt8>) -> (id: Int32?, slot: Int) {
        table.withUnsafeBufferPointer { t in
            keyBytes.withUnsafeBufferPointer { arena in
                keyEnds.withUnsafeBufferPointer { ends in
                    let mask = t.count - 1
                    let tag = PostingBatch.tag(h)
                    var slot = Int(truncatingIfNeeded: h) & mask
                    while true {
                        let s = t[slot]
                        if s.id == 0 { return (nil, slot) }
                        if s.tag == tag {
                            let id = Int(s.id - 1)
                            let start = id == 0 ? 0 : ends[id - 1]
                            if ends[id] - start == kb.count, keyLang[id] == lang,
                               kb.count == 0 || PostingBatch.equal(arena.baseAddress! + start, kb.baseAddress!, kb.count) {
                                return (s.id - 1, slot)
                            }
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    private mutating func languageIndex(_ lang: String) -> Int {
        if lang == lastLang.name { return lastLang.index }
        let li: Int
        if let i = langIndex[lang] { li = i } else { li = langs.count; langs.append(lang); langIndex[lang] = li }
        lastLang = (lang, li)
        return li
    }

    @inline(__always) private static func salt(_ li: Int) -> UInt64 { UInt64(li) &* 0x9E37_79B9_7F4A_7C15 }
    /// The hash a key of language `li` is filed under in the table.
    @inline(__always) private static func salted(_ keyHash: Int, _ li: Int) -> UInt64 {
        UInt64(bitPattern: Int64(keyHash)) ^ salt(li)
    }
    /// What a slot keeps of a salted hash (its low bits choose the slot).
    @inline(__always) private static func tag(_ h: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: h >> 32) }

    /// Whether `n` bytes at `a` and `b` are equal: eight at a time, without a call (keys are short).
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        guard n >= 8 else {
            for i in 0..<n where a[i] != b[i] { return false }
            return true
        }
        var i = 0
        while i + 8 <= n {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        // The last eight bytes (overlapping the words compared).
        return i == n || ra.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == rb.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    }

    /// The number of the key with these bytes in language `li`, added when new.
    private mutating func keyNumber(_ keyHash: Int, lang li: Int, _ kb: UnsafeBufferPointer<UInt8>) -> Int32 {
        let h = PostingBatch.salted(keyHash, li)
        let (found, slot) = find(h, lang: Int32(li), kb)
        if let found { return found }
        let id = Int32(keyEnds.count)
        keyLang.append(Int32(li))
        self.keyHash.append(keyHash)
        keyBytes.append(contentsOf: kb)
        keyEnds.append(keyBytes.count)
        lastPart.append(PostingBatch.unknownList)
        lastUnit.append(0)
        table[slot] = Slot(tag: PostingBatch.tag(h), id: id + 1)
        if keyEnds.count * 2 > table.count { grow() }
        return id
    }

    mutating func add(lang: String, keys: IndexKeys, variant: UInt32, words: Int) {
        guard keys.count > 0 else { return }
        let e = PostingEntry(variant: variant, words: UInt32(words))
        let li = languageIndex(lang)
        // The keys' slots, then the ends their slots name, are prefetched first: a chunk's table
        // outgrows the core's cache, and the lookups' misses then overlap (`add(grouped:)`).
        table.withUnsafeBufferPointer { t in
            let mask = t.count - 1
            keys.forEachHash { tmk_prefetch(t.baseAddress! + (Int(truncatingIfNeeded: PostingBatch.salted($0, li)) & mask)) }
            keyEnds.withUnsafeBufferPointer { ends in
                keys.forEachHash {
                    let id = Int(t[Int(truncatingIfNeeded: PostingBatch.salted($0, li)) & mask].id)
                    if id > 1 { tmk_prefetch(ends.baseAddress! + id - 2) }
                }
            }
        }
        keys.withKeys { keyHash, kb in
            entryKey.append(keyNumber(keyHash, lang: li, kb))
            entries.append(e)
        }
    }

    /// Lets go of the entries (written by `apply`) and keeps the keys and what `apply` learnt of
    /// their lists, for the next flush of the same write.
    mutating func clearEntries() {
        entries.removeAll(keepingCapacity: true)
        entryKey.removeAll(keepingCapacity: true)
        removed = [:]
        grouping = nil
    }

    /// Groups the entries by key once (`add(grouped:ids:)` reads the grouping).
    /// Without `keepingEntries`, the entries in the order added are let go (`add(entriesOf:_:id:)`
    /// can no longer read them).
    mutating func group(keepingEntries: Bool = true) {
        grouping = grouped()
        if !keepingEntries {
            entries = []
            entryKey = []
        }
    }

    /// The bytes of key `i`.
    private func withKeyBytes<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        keyBytes.withUnsafeBufferPointer { b in body(UnsafeBufferPointer(rebasing: b[(i == 0 ? 0 : keyEnds[i - 1])..<keyEnds[i]])) }
    }

    /// Adds the entries of `local` (a chunk's batch, grouped, whose variants are unit numbers in
    /// the chunk) under the ids the units were stored as (0: not stored, skipped): one lookup of
    /// each distinct key of the chunk that has a stored unit.
    ///
    /// The lookups are scattered over a table of megabytes, and each reads three places that
    /// depend on one another (the slot, the key's end, the key's bytes). They are pipelined: the
    /// loop prefetches the slot of the key `3 * lead` ahead, the key end named by the slot of the key
    /// `2 * lead` ahead, and the bytes of the key `lead` ahead, so that the misses overlap
    /// (`perf annotate`: nearly all of the lookup's time went to waiting for the slot and the end).
    mutating func add(grouped local: PostingBatch, ids: [UInt32]) {
        guard let (start, ordered) = local.grouping else { preconditionFailure("add(grouped:) needs group()") }
        let langMap = local.langs.map { languageIndex($0) }
        let n = local.keyEnds.count
        if entries.count + ordered.count > entries.capacity {
            // Room for a whole flush at once: doubling would copy the entries a few times and leave
            // up to half of a hundred megabytes unused (pages not yet written cost nothing).
            let room = max(entries.count + ordered.count, PostingBatch.flushLimit + (1 << 20), 2 * entries.capacity)
            entries.reserveCapacity(room)
            entryKey.reserveCapacity(room)
        }
        var hashes = [UInt64](repeating: 0, count: n)
        for i in 0..<n { hashes[i] = PostingBatch.salted(local.keyHash[i], langMap[Int(local.keyLang[i])]) }
        let lead = 8
        ids.withUnsafeBufferPointer { ids in
            ordered.withUnsafeBufferPointer { ordered in
                for step in 0..<(n + 3 * lead) {
                    prefetch(step: step, lead: lead, hashes)
                    let i = step - 3 * lead
                    guard i >= 0 else { continue }
                    let group = ordered[start[i]..<start[i + 1]]
                    // (A key none of whose units was stored is not filed: its list is not touched.)
                    guard group.contains(where: { ids[Int($0.variant)] != 0 }) else { continue }
                    let li = langMap[Int(local.keyLang[i])]
                    let id = local.withKeyBytes(i) { keyNumber(local.keyHash[i], lang: li, $0) }
                    for e in group {
                        let unit = ids[Int(e.variant)]
                        guard unit != 0 else { continue }
                        entryKey.append(id)
                        entries.append(PostingEntry(variant: unit, words: e.words))
                    }
                }
            }
        }
    }

    /// The prefetches of step `step` of `add(grouped:)`'s pipeline over keys of hashes `hashes`.
    @inline(__always)
    private func prefetch(step: Int, lead: Int, _ hashes: [UInt64]) {
        table.withUnsafeBufferPointer { t in
            let mask = t.count - 1
            if step < hashes.count { tmk_prefetch(t.baseAddress! + (Int(truncatingIfNeeded: hashes[step]) & mask)) }
            let a = step - lead
            if a >= 0, a < hashes.count {
                let id = Int(t[Int(truncatingIfNeeded: hashes[a]) & mask].id)
                if id > 1 { keyEnds.withUnsafeBufferPointer { tmk_prefetch($0.baseAddress! + id - 2) } }
            }
            let b = step - 2 * lead
            if b >= 0, b < hashes.count {
                let id = Int(t[Int(truncatingIfNeeded: hashes[b]) & mask].id)
                if id > 1 {
                    let s = keyEnds[id - 2]
                    keyBytes.withUnsafeBufferPointer { if s < $0.count { tmk_prefetch($0.baseAddress! + s) } }
                }
            }
        }
    }

    /// Adds the entries `range` of `local` (in the order added) for the unit stored as `id`.
    mutating func add(entriesOf local: PostingBatch, _ range: Range<Int>, id: UInt32) {
        for j in range {
            let k = Int(local.entryKey[j])
            let li = languageIndex(local.langs[Int(local.keyLang[k])])
            let key = local.withKeyBytes(k) { keyNumber(local.keyHash[k], lang: li, $0) }
            entryKey.append(key)
            entries.append(PostingEntry(variant: id, words: local.entries[j].words))
        }
    }

    private mutating func grow() {
        let old = table
        table = [Slot](repeating: Slot(), count: old.count * 2)
        let mask = table.count - 1
        for t in old where t.id != 0 {
            let id = Int(t.id - 1)
            var slot = Int(truncatingIfNeeded: PostingBatch.salted(keyHash[id], Int(keyLang[id]))) & mask
            while table[slot].id != 0 { slot = (slot + 1) & mask }
            table[slot] = t
        }
    }

    mutating func remove(lang: String, keys: [String], variant: UInt32) {
        for k in keys { removed[lang, default: [:]][k, default: [:]][variant] = entries.count }
    }

    /// The added entries grouped by key number, in the order they were added.
    private func grouped() -> (start: [Int], ordered: [PostingEntry]) {
        let (start, ordered, _) = grouped(withOrigins: false)
        return (start, ordered)
    }

    /// `grouped()`, and with `withOrigins` where each grouped entry was in the order added.
    private func grouped(withOrigins: Bool) -> (start: [Int], ordered: [PostingEntry], origins: [Int32]) {
        var start = [Int](repeating: 0, count: keyEnds.count + 1)
        for k in entryKey { start[Int(k) + 1] += 1 }
        for i in 0..<keyEnds.count { start[i + 1] += start[i] }
        var next = start
        var ordered = [PostingEntry](repeating: PostingEntry(variant: 0, words: 0), count: entries.count)
        var origins = [Int32](repeating: 0, count: withOrigins ? entries.count : 0)
        for (j, (k, e)) in zip(entryKey, entries).enumerated() {
            ordered[next[Int(k)]] = e
            if withOrigins { origins[next[Int(k)]] = Int32(j) }
            next[Int(k)] += 1
        }
        return (start, ordered, origins)
    }

    /// Parts a list may have before a write folds them into one.
    static let maxParts: Int64 = 16

    /// Reads a key's whole list: its parts concatenated (each part's variants follow the previous
    /// part's), those of `posting` then those of `posting_delta` (whose parts come after).
    /// - Parameter delta: false for a memory being migrated from before schema v9.
    static func read(_ stmt: Statement, lang: String, key: String, db: Database, encoded: Bool = true, delta: Bool = true) throws -> PostingList {
        var bytes: [UInt8] = []
        for s in delta ? [stmt, try db.cachedStatement(sql: readDeltaSQL)] : [stmt] {
            let r = RawStatement(s)
            r.bind(1, lang)
            r.bind(2, key)
            defer { sqlite3_reset(r.s) }
            while try r.step(db) {
                if let p = sqlite3_column_blob(r.s, 0) {
                    let raw = UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(r.s, 0)))
                    if encoded { try PostingList.decode(raw, appendingTo: &bytes) } else { bytes.append(contentsOf: raw) }
                }
            }
        }
        return PostingList(bytes: bytes)
    }

    static let readSQL = "SELECT entries FROM posting WHERE lang_key = ? AND key = ? ORDER BY part"
    static let readDeltaSQL = "SELECT entries FROM posting_delta WHERE lang_key = ? AND key = ? ORDER BY part"

    /// Whether this write's new parts go to `posting_delta` (schema v9): a small write into a large
    /// memory adds parts to most lists, and in `posting` they would land on nearly every page of
    /// the table, which the write then rewrites whole (66 MB for a million units). In
    /// `posting_delta` they fill a few pages. A write that would take it past `deltaLimit` entries
    /// first moves it into `posting`. A key's parts in `posting_delta` always follow those in
    /// `posting` (a rewritten list leaves both tables for `posting`, as part 0).
    var usesDelta = true
    /// Entries `posting_delta` may hold. (Tests lower it.)
    var deltaLimit = 1_000_000
    /// Entries in `posting_delta` (nil until counted in this write).
    private var deltaEntries: Int?

    /// Writes every changed list. Entries that all come after a list's last one (an import) are
    /// stored as a new part, without reading or rewriting the list; other changes (removals,
    /// variants out of order, too many parts) rewrite the list as one part.
    /// - Parameter encoded: store parts in their v6 form (`PostingList.encode`); the migration to
    ///   v5 writes the form of its time, which the migration to v6 then encodes.
    ///
    /// What it writes or reads of a key's list is kept (`lastPart`, `lastUnit`): the next flush of
    /// the same write (`clearEntries`) stores its new part without looking the list up again.
    mutating func apply(_ db: Database, encoded: Bool = true) throws {
        // Where this flush's new parts go (`usesDelta`).
        var toDelta = false
        if usesDelta {
            let held = try deltaEntries ?? Int.fetchOne(db, sql: "SELECT coalesce(sum(n), 0) FROM posting_delta") ?? 0
            if !listsStartedEmpty && held + entries.count <= deltaLimit {
                toDelta = true
                deltaEntries = held + entries.count
            } else {
                if held > 0 {
                    try db.execute(sql: "INSERT INTO posting SELECT * FROM posting_delta; DELETE FROM posting_delta")
                }
                deltaEntries = 0
            }
        }
        let readAll = try db.cachedStatement(sql: PostingBatch.readSQL)
        let readLast = try db.cachedStatement(sql: """
            SELECT part, last FROM posting WHERE lang_key = ? AND key = ? ORDER BY part DESC LIMIT 1
            """)
        let readLastDelta = usesDelta ? try db.cachedStatement(sql: """
            SELECT part, last FROM posting_delta WHERE lang_key = ? AND key = ? ORDER BY part DESC LIMIT 1
            """) : nil
        let insert = try db.cachedStatement(sql: "INSERT INTO posting(lang_key, key, part, n, last, entries) VALUES (?, ?, ?, ?, ?, ?)")
        let insertDelta = toDelta ? try db.cachedStatement(sql: "INSERT INTO posting_delta(lang_key, key, part, n, last, entries) VALUES (?, ?, ?, ?, ?, ?)") : nil
        let delete = try db.cachedStatement(sql: "DELETE FROM posting WHERE lang_key = ? AND key = ?")
        let deleteDelta = usesDelta ? try db.cachedStatement(sql: "DELETE FROM posting_delta WHERE lang_key = ? AND key = ?") : nil
        /// A part: new ones (after the list's others) to the delta when `toDelta`, a rewritten list's to `posting`.
        func store(_ lang: String, _ key: String, part: Int64, count: Int, last: UInt32, blob: [UInt8], rewritten: Bool) throws {
            let w = RawStatement(rewritten ? insert : insertDelta ?? insert)
            w.bind(1, lang)
            w.bind(2, key)
            w.bind(3, part)
            w.bind(4, Int64(count))
            w.bind(5, Int64(last))
            w.bind(6, blob: blob)
            try w.run(db)
        }
        func store(_ lang: String, _ key: String, part: Int64, _ list: PostingList, rewritten: Bool) throws {
            try store(lang, key, part: part, count: list.count, last: list.entry(list.count - 1).variant,
                      blob: encoded ? PostingList.encode(list) : list.bytes, rewritten: rewritten)
        }
        /// A new part of `adds` (sorted), encoded straight from the batch's entries.
        func store(_ lang: String, _ key: String, part: Int64, _ adds: UnsafeBufferPointer<PostingEntry>) throws {
            guard encoded else { return try store(lang, key, part: part, PostingList(entries: Array(adds)), rewritten: false) }
            try store(lang, key, part: part, count: adds.count, last: adds[adds.count - 1].variant, blob: PostingList.encode(adds), rewritten: false)
        }
        /// The last part of a key's list and the variant of its last entry (NULL in lists migrated
        /// from schema v3), from `stmt`.
        func lastPartOf(_ stmt: Statement, _ lang: String, _ key: String) throws -> (part: Int64, variant: Int64?)? {
            let r = RawStatement(stmt)
            r.bind(1, lang)
            r.bind(2, key)
            defer { sqlite3_reset(r.s) }
            guard try r.step(db) else { return nil }
            return (sqlite3_column_int64(r.s, 0), sqlite3_column_type(r.s, 1) == SQLITE_NULL ? nil : sqlite3_column_int64(r.s, 1))
        }
        // What is known of each key's list (see `lastPart`); `update` keeps it up to date.
        var lastPart = self.lastPart, lastUnit = self.lastUnit
        let startedEmpty = listsStartedEmpty
        defer {
            self.lastPart = lastPart
            self.lastUnit = lastUnit
        }
        func update(_ lang: String, _ key: String, adding added: UnsafeBufferPointer<PostingEntry>, id: Int) throws {
            var inOrder = true
            if added.count > 1 { for i in 1..<added.count where added[i - 1].variant >= added[i].variant { inOrder = false; break } }
            if inOrder { return try update(lang, key, sortedAdds: added, id: id) }
            try added.sorted().withUnsafeBufferPointer { try update(lang, key, sortedAdds: $0, id: id) }
        }
        /// `id`: the key's number in this batch (nil for a key that only has removals).
        func update(_ lang: String, _ key: String, sortedAdds adds: UnsafeBufferPointer<PostingEntry>, id: Int? = nil) throws {
            let removing = removed.isEmpty ? [] : Set((removed[lang]?[key] ?? [:]).keys)
            if removing.isEmpty, let first = adds.first, let id {
                var part = lastPart[id]
                if part == PostingBatch.unknownList && startedEmpty { part = PostingBatch.noList }
                if part == PostingBatch.noList || (part >= 0 && lastUnit[id] < first.variant && Int64(part) + 1 < PostingBatch.maxParts) {
                    let next = part == PostingBatch.noList ? 0 : part + 1
                    try store(lang, key, part: Int64(next), adds)
                    lastPart[id] = next
                    lastUnit[id] = adds[adds.count - 1].variant
                    return
                }
            }
            if let id { lastPart[id] = PostingBatch.unknownList } // (found again below, or rewritten)
            if removing.isEmpty, let first = adds.first {
                // The last part and the variant of its last entry (NULL: rewritten once, below).
                var last = try readLastDelta.flatMap { try lastPartOf($0, lang, key) }
                if last == nil { last = try lastPartOf(readLast, lang, key) }
                guard let last else {
                    try store(lang, key, part: 0, adds)
                    if let id { lastPart[id] = 0; lastUnit[id] = adds[adds.count - 1].variant }
                    return
                }
                if let v = last.variant, v < Int64(first.variant), last.part + 1 < PostingBatch.maxParts {
                    try store(lang, key, part: last.part + 1, adds)
                    if let id { lastPart[id] = Int16(last.part + 1); lastUnit[id] = adds[adds.count - 1].variant }
                    return
                }
            }
            let existing = try PostingBatch.read(readAll, lang: lang, key: key, db: db, encoded: encoded, delta: usesDelta)
            let list = existing.merged(adding: Array(adds), removing: removing)
            for stmt in [delete, deleteDelta].compactMap({ $0 }) {
                let d = RawStatement(stmt)
                d.bind(1, lang)
                d.bind(2, key)
                try d.run(db)
            }
            if list.count > 0 { try store(lang, key, part: 0, list, rewritten: true) }
            if let id {
                lastPart[id] = list.count > 0 ? 0 : PostingBatch.noList
                lastUnit[id] = list.count > 0 ? list.entry(list.count - 1).variant : 0
            }
        }
        var done: [String: Set<String>] = [:]
        let (start, ordered, origins) = grouped(withOrigins: !removed.isEmpty)
        // In the table's order (language, then key bytes): the B-tree is then written front to back.
        // (Keys numbered by an earlier flush of the write that have no entry in this one are left
        // alone: their lists have not changed.)
        let keyOrder = keyBytes.withUnsafeBufferPointer { arena in
            (0..<keyEnds.count).filter { start[$0] < start[$0 + 1] }.sorted { a, b in
                if keyLang[a] != keyLang[b] { return langs[Int(keyLang[a])] < langs[Int(keyLang[b])] }
                let sa = a == 0 ? 0 : keyEnds[a - 1], sb = b == 0 ? 0 : keyEnds[b - 1]
                let na = keyEnds[a] - sa, nb = keyEnds[b] - sb
                let c = memcmp(arena.baseAddress! + sa, arena.baseAddress! + sb, min(na, nb))
                return c != 0 ? c < 0 : na < nb
            }
        }
        try ordered.withUnsafeBufferPointer { ordered in
            for i in keyOrder {
                let key = key(i)
                let lang = langs[Int(keyLang[i])]
                if !removed.isEmpty, let marks = removed[lang]?[key] {
                    // A unit taken out after these entries were added (in this write, before they were
                    // written) loses them here.
                    let kept = (start[i]..<start[i + 1]).filter { p in
                        guard let mark = marks[ordered[p].variant] else { return true }
                        return Int(origins[p]) >= mark
                    }.map { ordered[$0] }
                    try kept.withUnsafeBufferPointer { try update(lang, key, adding: $0, id: i) }
                    done[lang, default: []].insert(key)
                } else {
                    try update(lang, key, adding: UnsafeBufferPointer(rebasing: ordered[start[i]..<start[i + 1]]), id: i)
                }
            }
        }
        for (lang, keys) in removed {
            for key in keys.keys where done[lang]?.contains(key) != true {
                try update(lang, key, sortedAdds: UnsafeBufferPointer(start: nil, count: 0))
                // (Its list changed: a number this batch gave the key must not keep what it knew.)
                if let li = langIndex[lang] {
                    var k = key
                    let id = k.withUTF8 { kb in find(PostingBatch.salted(PostingBatch.hash(kb), li), lang: Int32(li), kb).id }
                    if let id { lastPart[Int(id)] = PostingBatch.unknownList }
                }
            }
        }
    }
}

