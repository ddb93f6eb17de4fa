import Foundation
import GRDB
import GRDBSQLite
import ICUText
import StoreSupport

/// What `MemoryStore.optimize` did.
public struct OptimizeReport: Sendable, Equatable {
    /// Rows of `dup_delta` merged into the duplicate buckets.
    public var duplicateKeysMerged = 0
    /// Posting list parts moved from `posting_delta` into `posting`.
    public var deltaPartsMerged = 0
    /// Posting lists of several parts stored again as one.
    public var listsRewritten = 0
    /// Rows of `posting` before and after (side table parts included).
    public var partsBefore = 0
    public var partsAfter = 0
    /// The file's size (its pages) before and after.
    public var bytesBefore: Int64 = 0
    public var bytesAfter: Int64 = 0
    /// Whether the free pages were given back (VACUUM): not when another process has the memory open.
    public var compacted = false

    public init() {}
}

/// Adds units inside one transaction of `MemoryStore.write`.
///
/// Bulk adds (`add(_: [TranslationUnit])`) are pipelined: the texts of one batch are prepared
/// (normalization, word keys, search text) on the other cores while the previous batch is stored.
/// A unit is one row; the duplicate keys (`DuplicateIndex`) and posting lists (`PostingBatch`)
/// are gathered in memory and written when the batch grows large and at the end.
public final class MemoryWriter {
    let db: Database
    let store: MemoryStore
    let overwrite: Bool
    @exclusivity(unchecked) var batch = PostingBatch()
    /// Index entries gathered before the posting lists are written (tests lower it to flush often).
    @exclusivity(unchecked) var postingFlushLimit = PostingBatch.flushLimit
    @exclusivity(unchecked) var duplicates = DuplicateIndex()
    @exclusivity(unchecked) public private(set) var report = WriteReport()
    /// Where a bulk write spent its time (printed when TMKIT_PROFILE is set): waiting for the
    /// workers (of which preparing chunks no worker had begun), storing (of which the rows and their
    /// duplicate keys, and filing the chunks' index entries), and writing the index.
    @exclusivity(unchecked) var profile = (waiting: UInt64(0), storing: UInt64(0), postings: UInt64(0), mainPrep: UInt64(0), rows: UInt64(0), group: UInt64(0),
                   dups: UInt64(0))

    /// A batch being prepared in the background.
    @exclusivity(unchecked) private var pending: PendingBatch?
    /// Statements prepared once per write (not looked up by their SQL for every row).
    @exclusivity(unchecked) private var unitInsert: Statement?
    @exclusivity(unchecked) private var headerUpdate: Statement?

    private func statement(_ slot: inout Statement?, _ sql: String) throws -> Statement {
        if let s = slot { return s }
        let s = try db.makeStatement(sql: sql)
        slot = s
        return s
    }
    /// Tokenizers for the background workers (one per running chunk), and the workers' queues.
    private let tokenizers = TokenizerPool()
    private let workerQueues: [DispatchQueue] = (0..<max(1, min(ProcessInfo.processInfo.activeProcessorCount - 1, 8))).map {
        DispatchQueue(label: "tmkit.prepare.\($0)")
    }

    init(db: Database, store: MemoryStore, overwrite: Bool) {
        self.db = db
        self.store = store
        self.overwrite = overwrite
    }

    /// A target that replaces a stored unit's (`--overwrite`): its NFC text and index keys.
    struct PreparedVariant {
        var lang: String
        var langKey: String
        /// NFC.
        var text: String
        var keys: IndexKeys
        var markup: String?
        var props: String?
        var notes: String?
    }

    static func prepare(_ v: Variant, tokenizer: Tokenizer) throws -> PreparedVariant {
        let text = try v.text.normalized(.nfc)
        return PreparedVariant(lang: v.language, langKey: LanguageTag.primary(v.language), text: text,
                               keys: try tokenizer.indexKeys(text),
                               markup: v.markup, props: encodeProps(v.properties), notes: encodeNotes(v.notes))
    }

    /// Units prepared to be stored, in flat arrays (a bulk add prepares them on background workers,
    /// a chunk per worker): their packed rows, duplicate keys and index entries. The entries are
    /// grouped by key, so that the storing thread files each distinct key once per chunk.
    final class PreparedChunk: @unchecked Sendable {
        let units: ArraySlice<TranslationUnit>
        /// Each unit's packed data, then its search text, one unit after another.
        @exclusivity(unchecked) var arena: [UInt8] = []
        /// Where each unit's data and search text end in `arena`.
        @exclusivity(unchecked) var rowEnds: [(data: Int, search: Int)] = []
        /// Each unit's duplicate keys (`forEachDuplicateKey` order: first the variants' own hashes,
        /// then the source's hash paired with each target's language, …), and where they end.
        @exclusivity(unchecked) var dupKeys: [Int64] = []
        @exclusivity(unchecked) var dupEnds: [Int] = []
        /// The units' index entries, numbered by unit within the chunk; where each unit's end.
        @exclusivity(unchecked) var postings = PostingBatch(capacity: 1 << 14)
        @exclusivity(unchecked) var entryEnds: [Int] = []
        /// Keep the entries in the order added (`--overwrite` files them unit by unit); else only
        /// their grouping is kept, which is all `add(grouped:ids:)` reads.
        let keepEntries: Bool

        init(_ units: ArraySlice<TranslationUnit>, keepEntries: Bool) {
            self.units = units
            self.keepEntries = keepEntries
        }

        private let claimLock = NSLock()
        @exclusivity(unchecked) private var claimed = false
        /// True for the one caller (a worker or the storing thread) that is to prepare the chunk.
        func claim() -> Bool {
            claimLock.lock()
            defer { claimLock.unlock() }
            if claimed { return false }
            claimed = true
            return true
        }

        var count: Int { rowEnds.count }
        func dupRange(_ k: Int) -> Range<Int> { (k == 0 ? 0 : dupEnds[k - 1])..<dupEnds[k] }
        func entryRange(_ k: Int) -> Range<Int> { (k == 0 ? 0 : entryEnds[k - 1])..<entryEnds[k] }
        /// Unit `k`'s own source hash, and its lookup key for target `t` (t ≥ 1).
        func sourceHash(_ k: Int) -> Int64 { dupKeys[dupRange(k).lowerBound] }
        func pairKey(_ k: Int, target t: Int) -> Int64 { dupKeys[dupRange(k).lowerBound + units[units.startIndex + k].variants.count + t - 1] }

        /// Where unit `k`'s packed data is in `arena` (its search text follows, up to `rowEnds[k].search`).
        func dataRange(_ k: Int) -> Range<Int> { (k == 0 ? 0 : rowEnds[k - 1].search)..<rowEnds[k].data }

        func withRow<R>(_ k: Int, _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
            let data = dataRange(k)
            return try arena.withUnsafeBufferPointer { a in
                try body(UnsafeBufferPointer(rebasing: a[data]), UnsafeBufferPointer(rebasing: a[data.upperBound..<rowEnds[k].search]))
            }
        }

        /// Writes the store's time as unit `k`'s missing dates, in its packed row (`PackedUnit.stamp`).
        func stampRow(_ k: Int, now: Date) {
            let data = dataRange(k)
            arena.withUnsafeMutableBufferPointer { PackedUnit.stamp(UnsafeMutableBufferPointer(rebasing: $0[data]), now: now) }
        }

        /// Prepares every unit (NFC, word keys, duplicate keys, packed row).
        func prepare(tokenizer: Tokenizer) throws {
            var w = PackedUnit.Writer()
            // A row holds each text about twice (packed, and as search text) and a few dozen bytes
            // more; reserved at once, the arena is not regrown and copied as it fills.
            var estimate = 0
            for u in units { estimate += 32; for v in u.variants { estimate += 2 * v.text.utf8.count + 48 } }
            w.bytes.reserveCapacity(estimate)
            var keys = IndexKeys()
            var search: [UInt8] = []
            var hashes: [Int64] = []
            var langs: [String] = []
            // The primary subtags of the languages met so far (a chunk alternates between a few).
            var langKeys: [(tag: String, key: String)] = []
            func langKey(_ tag: String) -> String {
                for l in langKeys where l.tag == tag { return l.key }
                let key = LanguageTag.primary(tag)
                if langKeys.count < 8 { langKeys.append((tag, key)) }
                return key
            }
            for (k, unit) in units.enumerated() {
                guard !unit.variants.isEmpty else { throw MemoryError.invalid("a unit needs at least one variant") }
                // (Missing dates are written when the row is stored: `stamp`.)
                PackedUnit.writeHeader(unit, changeFromCreation: true, into: &w)
                search.removeAll(keepingCapacity: true)
                hashes.removeAll(keepingCapacity: true)
                langs.removeAll(keepingCapacity: true)
                for v in unit.variants {
                    let lk = langKey(v.language)
                    let (text, hash, derived) = try tokenizer.prepare(v.text, language: v.language, langKey: lk, keys: &keys, search: &search)
                    hashes.append(hash)
                    langs.append(v.language)
                    PackedUnit.writeVariant(language: v.language, text: text, markup: v.markup, props: encodeProps(v.properties),
                                            notes: encodeNotes(v.notes), keys: keys, derived: derived, into: &w)
                    postings.add(lang: lk, keys: keys, variant: UInt32(k), words: keys.count)
                }
                let dataEnd = w.bytes.count
                w.bytes.append(contentsOf: search)
                rowEnds.append((dataEnd, w.bytes.count))
                DuplicateRules.forEachDuplicateKey(count: hashes.count, hash: { hashes[$0] }, lang: { langs[$0] }) { dupKeys.append($0) }
                dupEnds.append(dupKeys.count)
                entryEnds.append(postings.entryCount)
            }
            // Prepared chunks wait in a queue a few batches deep: they keep no spare capacity.
            let bytes = w.bytes
            arena = bytes.count * 5 / 4 >= bytes.capacity ? bytes : [UInt8](unsafeUninitializedCapacity: bytes.count) { out, n in
                n = bytes.withUnsafeBufferPointer { UnsafeMutableRawBufferPointer(out).copyMemory(from: UnsafeRawBufferPointer($0)); return $0.count }
            }
            postings.group(keepingEntries: keepEntries)
        }
    }

    /// Chunks of units being prepared in the background.
    final class PendingBatch: @unchecked Sendable {
        let chunks: [PreparedChunk]
        let group = DispatchGroup()
        let failure = ErrorBox()
        init(_ chunks: [PreparedChunk]) { self.chunks = chunks }
    }

    /// Starts preparing units on the background workers (callable from any thread). A batch is
    /// cut into one chunk more than there are workers: the storing thread prepares the chunks no
    /// worker has begun when it needs them (`flushPending`), so neither side idles long when
    /// preparing is the slower part (many languages, texts that need ICU).
    func startPreparing(_ units: [TranslationUnit]) -> PendingBatch {
        let parts = max(1, min(workerQueues.count + 1, units.count / 128 + 1))
        let size = (units.count + parts - 1) / parts
        let next = PendingBatch(stride(from: 0, to: units.count, by: size).map { PreparedChunk(units[$0..<min($0 + size, units.count)], keepEntries: overwrite) })
        let pool = tokenizers
        for (i, chunk) in next.chunks.enumerated() {
            workerQueues[i % workerQueues.count].async(group: next.group) {
                guard chunk.claim() else { return }
                do {
                    let tokenizer = try pool.take()
                    defer { pool.give(tokenizer) }
                    try chunk.prepare(tokenizer: tokenizer)
                } catch { next.failure.set(error) }
            }
        }
        return next
    }

    /// Adds many units. Their texts are prepared in the background while the previous batch
    /// is stored; everything is stored by the end of the transaction (or by the next single `add`).
    public func add(_ units: [TranslationUnit]) throws {
        guard !units.isEmpty else { return }
        let next = startPreparing(units)
        try flushPending()
        pending = next
    }

    /// Adds the units that `produce` emits, in order, with reading, preparing and storing
    /// overlapped: `produce` (a file's reader) runs on a thread of its own and hands batches of
    /// `batchSize` units to the background workers as it fills them, up to `depth` batches
    /// ahead of this thread, which stores them. An error from `produce` or from storing ends
    /// both (the caller's transaction then rolls back). Batches of 8,192 units file fewer distinct
    /// keys per unit into the index batch than 4,096 did (about a third less time filing on the
    /// synthetic million). Eight ahead keep the workers busy while this thread writes the
    /// posting lists (about 0.8 s a flush on the synthetic million): with three, they stopped after
    /// a quarter of a second and a core idled for the rest.
    public func addStreaming(batchSize: Int = 8192, depth: Int = 8,
                             _ produce: @escaping (_ emit: (TranslationUnit) throws -> Void) throws -> Void) throws {
        try flushPending()
        let queue = BatchQueue(depth: depth)
        let producer = UncheckedBox(produce)
        let writer = UncheckedBox(self)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var batch: [TranslationUnit] = []
            batch.reserveCapacity(batchSize)
            do {
                try producer.value { u in
                    batch.append(u)
                    if batch.count >= batchSize {
                        try queue.push(writer.value.startPreparing(batch))
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                if !batch.isEmpty { try queue.push(writer.value.startPreparing(batch)) }
                queue.finish(nil)
            } catch {
                queue.finish(error)
            }
            done.signal()
        }
        defer {
            // Stops the reader (when storing failed) and waits for it and for every batch it started.
            queue.cancel()
            done.wait()
            for p in queue.drain() { p.group.wait() }
        }
        while let p = queue.pop() {
            pending = p
            try flushPending()
        }
        if let e = queue.error { throw e }
    }

    /// Stores the batch being prepared, if any.
    func flushPending() throws {
        guard let p = pending else { return }
        pending = nil
        let t0 = DispatchTime.now().uptimeNanoseconds
        // Chunks no worker has begun are prepared here, from the last (workers take the first).
        for chunk in p.chunks.reversed() where chunk.claim() {
            let tp = DispatchTime.now().uptimeNanoseconds
            do { try chunk.prepare(tokenizer: store.tokenizer) } catch { p.failure.set(error) }
            profile.mainPrep += DispatchTime.now().uptimeNanoseconds - tp
        }
        p.group.wait()
        let t1 = DispatchTime.now().uptimeNanoseconds
        defer {
            profile.waiting += t1 - t0
            profile.storing += DispatchTime.now().uptimeNanoseconds - t1
        }
        if let e = p.failure.error { throw e }
        for chunk in p.chunks { try store(chunk) }
        // (The duplicate keys are checked here too, batch by batch: their table must not double
        // past its limit before the next posting flush.)
        if batch.entryCount > postingFlushLimit || duplicates.pending > DuplicateIndex.flushLimit {
            try flushIndexes(final: false)
            // A long import has written hundreds of megabytes by now: the disk takes them while
            // the import goes on, instead of all at once when the commit syncs the file.
            diskWriter?.start()
        }
    }

    /// Stores a prepared chunk: each unit is added, merged or kept as an alternative; the index
    /// entries of the units added are filed after the last (with `overwrite`, after each unit,
    /// since replacing a unit's targets takes its entries out again).
    @discardableResult
    private func store(_ chunk: PreparedChunk) throws -> [Int64] {
        var ids = [UInt32](repeating: 0, count: chunk.count)
        var stored = [Int64](repeating: 0, count: chunk.count)
        let tr = DispatchTime.now().uptimeNanoseconds
        for k in 0..<chunk.count {
            if k % 16 == 0 {
                // The duplicate keys of the next units: their table slots are loaded together.
                let end = chunk.dupEnds[min(k + 15, chunk.count - 1)]
                chunk.dupKeys.withUnsafeBufferPointer { duplicates.touch(UnsafeBufferPointer(rebasing: $0[chunk.dupRange(k).lowerBound..<end])) }
            }
            let (id, inserted) = try add(chunk, k)
            stored[k] = id
            if inserted {
                ids[k] = UInt32(id)
                if overwrite { batch.add(entriesOf: chunk.postings, chunk.entryRange(k), id: UInt32(id)) }
            }
        }
        let tg = DispatchTime.now().uptimeNanoseconds
        profile.rows += tg - tr
        if !overwrite { batch.add(grouped: chunk.postings, ids: ids) }
        profile.group += DispatchTime.now().uptimeNanoseconds - tg
        return stored
    }

    /// Writes the gathered posting lists, and the duplicate keys when `final` or when they are many
    /// (`DuplicateIndex.flushLimit`).
    /// (A duplicate bucket is rewritten whole: flushed with every posting flush, a long import
    /// wrote the buckets two and a half times over.)
    func flushIndexes(final: Bool = true) throws {
        let t = DispatchTime.now().uptimeNanoseconds
        if final && duplicates.pending > 100_000 {
            // The duplicate keys are sorted and merged on the core the workers no longer use
            // while the posting lists are written; the file's pages so far go to disk meanwhile.
            diskWriter?.start()
            let writeDuplicates = try duplicates.startFinalFlush(db)
            try applyPostings()
            let td = DispatchTime.now().uptimeNanoseconds
            try writeDuplicates()
            profile.dups += DispatchTime.now().uptimeNanoseconds - td
        } else {
            try applyPostings()
            let td = DispatchTime.now().uptimeNanoseconds
            if final || duplicates.pending > DuplicateIndex.flushLimit { try duplicates.flush(db, final: final) }
            profile.dups += DispatchTime.now().uptimeNanoseconds - td
        }
        profile.postings += DispatchTime.now().uptimeNanoseconds - t
    }

    /// Whether this write has written posting lists yet.
    @exclusivity(unchecked) private var appliedPostings = false

    /// Writes the gathered posting lists. The batch keeps its keys, and what it learnt of their
    /// lists, for the next flush.
    private func applyPostings() throws {
        if !appliedPostings {
            appliedPostings = true
            batch.listsStartedEmpty = try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM posting) AND NOT EXISTS (SELECT 1 FROM posting_delta)") ?? false
        }
        try batch.apply(db)
        batch.clearEntries()
    }

    /// Writes what this write has written so far to disk in the background during a long write, so
    /// that the commit (a bulk write's, with a rollback journal) or the checkpoint after it (in WAL
    /// mode) has little left to sync: the memory file in bulk mode, else its log (`-wal`).
    /// The descriptors are the process's own and never closed (`BackgroundSync.shared`): closing a
    /// descriptor of the memory file would drop every POSIX lock this process holds on it (SQLite's
    /// locks), and another process could then take the memory for unused, checkpoint it and delete
    /// the log under this one's transaction. That lost acknowledged writes and gave "disk I/O error".
    private lazy var diskWriter = BackgroundSync.shared(path: store.inBulkMode ? store.path : store.path + "-wal")

    /// Adds a unit; its first variant is the source for duplicate detection.
    @discardableResult
    public func add(_ unit: TranslationUnit) throws -> Int64 {
        try flushPending()
        let chunk = PreparedChunk([unit][...], keepEntries: overwrite)
        try chunk.prepare(tokenizer: store.tokenizer)
        return try store(chunk)[0]
    }

    /// A stored unit and its id, as a write reads and rewrites it.
    /// `variantBytes`: the stored variants as they are in the row (`PackedUnit.variantsOffset`),
    /// for a rewrite of the header alone; nil when the variants changed.
    typealias Stored = (id: Int64, unit: TranslationUnit, variants: [PackedUnit.StoredVariant], variantBytes: [UInt8]?)

    private func load(_ id: Int64) throws -> Stored? {
        try store.withStoredRow(db, id: id) { raw in
            let (unit, variants) = try PackedUnit.decode(raw, id: id)
            return (id, unit, variants, Array(raw[try PackedUnit.variantsOffset(raw)...]))
        }
    }


    /// Adds unit `k` of a prepared chunk (its first variant is the source for duplicate
    /// detection): the id it is stored under, and whether it is a new row.
    private func add(_ chunk: PreparedChunk, _ k: Int) throws -> (Int64, Bool) {
        let unit = chunk.units[chunk.units.startIndex + k]
        let decision = try DuplicateRules.decide(
            unit, sourceHash: chunk.sourceHash(k), pairKey: { chunk.pairKey(k, target: $0) }, overwrite: overwrite,
            unitOf: { (h: Stored) in h.unit },
            holders: { hash, body in
                for id in try duplicates.units(db, hash: hash) {
                    if let h = try load(id), try !body(h) { return }
                }
            })
        switch decision {
        case .merge(let h):
            try mergeMetadata(into: h, from: unit)
            report.merged += 1
            return (h.id, false)
        case .replace(let h):
            let targets = try unit.variants.dropFirst().map { try MemoryWriter.prepare($0, tokenizer: store.tokenizer) }
            try replaceTargets(of: h, with: targets, from: unit)
            report.replaced += 1
            return (h.id, false)
        case .insert(let alternative):
            let unitID = try insert(chunk, k)
            // (A translation into a new language is simply a new unit.)
            if alternative { report.alternatives += 1 } else { report.added += 1 }
            return (unitID, true)
        }
    }

    /// Stores unit `k` of a chunk as a new row, with its duplicate keys (its index entries are
    /// filed by `store`).
    private func insert(_ chunk: PreparedChunk, _ k: Int) throws -> Int64 {
        let unit = chunk.units[chunk.units.startIndex + k]
        let ins = RawStatement(try statement(&unitInsert, "INSERT INTO unit(data, search) VALUES (?, ?)"))
        // Missing dates are written into the chunk's own bytes (units read from TSV and gettext
        // files have none: a copy of each row was made for them).
        if unit.createdAt == nil || unit.changedAt == nil { chunk.stampRow(k, now: Date()) }
        try chunk.withRow(k) { data, search in
            // The chunk's bytes outlive the step: SQLite reads them in place instead of copying
            // them (half a gigabyte on the synthetic million). The bindings are cleared after it.
            ins.bind(1, blob: UnsafeRawBufferPointer(data), copying: false)
            ins.bind(2, text: search, copying: false)
            defer { sqlite3_clear_bindings(ins.s) }
            try ins.run(db)
        }
        let unitID = db.lastInsertedRowID
        guard unitID < Int64(UInt32.max) else { throw MemoryError.invalid("the memory is full (more than 4 billion units)") }
        for i in chunk.dupRange(k) { duplicates.add(hash: chunk.dupKeys[i], unit: unitID) }
        return unitID
    }

    /// Index keys of a stored variant (for removing it from the posting lists).
    private static func postingKeys(_ v: PackedUnit.StoredVariant) -> IndexKeys {
        v.wordCount == 0 ? IndexKeys() : IndexKeys(wordKeys: v.keys.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init))
    }

    /// `--overwrite`: the unit's variants in the targets' languages are replaced by the targets.
    private func replaceTargets(of h: Stored, with targets: [PreparedVariant], from unit: TranslationUnit) throws {
        let langs = Set(targets.map(\.lang))
        // Posting entries name units: the lists of every language touched are redone for this unit.
        let touched = Set(targets.map(\.langKey))
        for v in h.variants where touched.contains(LanguageTag.primary(v.variant.language)) {
            let keys = MemoryWriter.postingKeys(v)
            batch.remove(lang: LanguageTag.primary(v.variant.language), keys: keys.strings, variant: UInt32(h.id))
        }
        for k in DuplicateRules.duplicateKeys(h.variants.map { (DuplicateRules.normHash($0.variant), $0.variant.language) }) {
            duplicates.remove(hash: k, unit: h.id)
        }
        var kept = h.variants.filter { !langs.contains($0.variant.language) }
        for v in kept where touched.contains(LanguageTag.primary(v.variant.language)) {
            batch.add(lang: LanguageTag.primary(v.variant.language), keys: MemoryWriter.postingKeys(v), variant: UInt32(h.id), words: v.wordCount)
        }
        for t in targets {
            var v = Variant(canonicalLanguage: t.lang, text: t.text)
            v.markup = t.markup
            v.properties = decodeProps(t.props)
            v.notes = decodeNotes(t.notes)
            kept.append(PackedUnit.StoredVariant(variant: v, keys: String(decoding: t.keys.joined, as: UTF8.self), wordCount: t.keys.count))
            batch.add(lang: t.langKey, keys: t.keys, variant: UInt32(h.id), words: t.keys.count)
        }
        for k in DuplicateRules.duplicateKeys(kept.map { (DuplicateRules.normHash($0.variant), $0.variant.language) }) {
            duplicates.add(hash: k, unit: h.id)
        }
        var u = h.unit
        u.variants = kept.map(\.variant)
        try mergeMetadata(into: (h.id, u, kept, nil), from: unit)
    }

    /// Rewrites a stored unit with its metadata merged with `unit`'s.
    private func mergeMetadata(into h: Stored, from unit: TranslationUnit) throws {
        let u = DuplicateRules.mergedMetadata(h.unit, from: unit)
        guard let variantBytes = h.variantBytes else { return try rewrite(h.id, u, h.variants) }
        // The variants are as stored: the new header and their bytes; the search text stays.
        // (An import of catalogs that repeat one another merges hundreds of thousands of units.)
        var w = PackedUnit.Writer()
        w.bytes.reserveCapacity(64 + variantBytes.count)
        PackedUnit.writeHeader(u, into: &w)
        w.bytes.append(contentsOf: variantBytes)
        let up = RawStatement(try statement(&headerUpdate, "UPDATE unit SET data = ? WHERE id = ?"))
        up.bind(1, blob: w.bytes)
        up.bind(2, h.id)
        try up.run(db)
    }

    private func rewrite(_ id: Int64, _ u: TranslationUnit, _ variants: [PackedUnit.StoredVariant]) throws {
        var header = u
        header.variants = variants.map(\.variant)
        let data = PackedUnit.encode(header, keys: variants.map { (Array($0.storedKeys.utf8), $0.wordCount) })
        var search: [UInt8] = []
        for v in variants {
            PackedUnit.appendSearch(langKey: LanguageTag.primary(v.variant.language), folded: try TextKeys.searchBytes(v.variant.text), to: &search)
        }
        try db.cachedStatement(sql: "UPDATE unit SET data = ?, search = ? WHERE id = ?")
            .execute(arguments: [Data(data), String(decoding: search, as: UTF8.self), id])
    }

    /// Removes a unit and its index entries; false when there is no such unit.
    public func remove(id: Int64) throws -> Bool {
        try flushPending()
        guard let variants = try load(id)?.variants else { return false }
        for v in variants {
            batch.remove(lang: LanguageTag.primary(v.variant.language), keys: MemoryWriter.postingKeys(v).strings, variant: UInt32(id))
        }
        for k in DuplicateRules.duplicateKeys(variants.map { (DuplicateRules.normHash($0.variant), $0.variant.language) }) {
            duplicates.remove(hash: k, unit: id)
        }
        try db.execute(sql: "DELETE FROM unit WHERE id = ?", arguments: [id])
        report.removed += 1
        return true
    }
}

/// Tokenizers lent to background workers (a tokenizer is used by one thread at a time).
final class TokenizerPool: @unchecked Sendable {
    private let lock = NSLock()
    @exclusivity(unchecked) private var free: [Tokenizer] = []
    func take() throws -> Tokenizer {
        lock.lock()
        let t = free.popLast()
        lock.unlock()
        return try t ?? Tokenizer()
    }
    func give(_ t: Tokenizer) { lock.lock(); free.append(t); lock.unlock() }
}

/// A value handed to another thread that only that thread uses while it runs.
final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Batches started by a reading thread, stored in order by the writing thread; bounded, so the
/// reader stays at most `depth` batches ahead.
final class BatchQueue: @unchecked Sendable {
    private let condition = NSCondition()
    @exclusivity(unchecked) private var items: [MemoryWriter.PendingBatch] = []
    @exclusivity(unchecked) private var finished = false
    @exclusivity(unchecked) private var cancelled = false
    @exclusivity(unchecked) private(set) var error: Error?
    let depth: Int
    init(depth: Int) { self.depth = max(1, depth) }

    struct Cancelled: Error {}

    func push(_ p: MemoryWriter.PendingBatch) throws {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= depth && !cancelled { condition.wait() }
        guard !cancelled else { p.group.wait(); throw Cancelled() }
        items.append(p)
        condition.broadcast()
    }

    /// The next batch, or nil when the reader has finished and every batch was taken.
    func pop() -> MemoryWriter.PendingBatch? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !finished { condition.wait() }
        guard !items.isEmpty, error == nil else { return nil }
        condition.broadcast()
        return items.removeFirst()
    }

    func finish(_ error: Error?) {
        condition.lock()
        if self.error == nil, let error, !(error is Cancelled) { self.error = error }
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// The batches left (after the reader ended).
    func drain() -> [MemoryWriter.PendingBatch] {
        condition.lock()
        defer { condition.unlock() }
        let left = items
        items = []
        return left
    }
}

extension MemoryStore {
    /// Runs `body` in one write transaction: all of it is stored, or (on any error) nothing.
    ///
    /// The transaction is immediate: it holds the memory's write lock from its first statement, so
    /// everything the writer reads (ids, duplicate keys, posting list tails, side table sizes) is
    /// read under the lock and stays true until the commit. Other processes' lookups go on meanwhile
    /// (WAL); their writes wait for this one (busy timeout) and then see everything it stored.
    /// - Parameter overwrite: a unit with the source of a stored one replaces that unit's
    ///   translation in its language instead of being kept beside it.
    /// - Parameter body: the writes, given a writer valid only during the call.
    /// - Parameter bulk: a large import. A transaction of hundreds of megabytes is slower in WAL
    ///   mode (pages go to the log, then the checkpoint copies them into the file: the synthetic
    ///   million imported in 10.3 s instead of 6.3 s), so when no other process has the memory open
    ///   it runs with a rollback journal (`enterBulkMode`) and goes back to WAL after it; lookups of
    ///   processes that open the memory meanwhile may wait for its commit (busy timeout). Either way
    ///   it is all or nothing.
    @discardableResult
    public func write(overwrite: Bool = false, bulk: Bool = false, _ body: (MemoryWriter) throws -> Void) throws -> WriteReport {
        invalidatePostingCache()
        defer { invalidatePostingCache() }
        let report = try namingBusy {
            if bulk, enterBulkMode() {
                defer { leaveBulkMode() }
                return try writeTransaction(overwrite: overwrite, body)
            }
            return try writeTransaction(overwrite: overwrite, body)
        }
        trimLog()
        return report
    }

    /// The log (`-wal`) size past which a write, once committed, tries to copy it into the file and
    /// empty it. SQLite's own checkpoint after each commit copies what it can but never empties a log
    /// that some reader is using; with processes reading and writing all the time the log only
    /// grew (2.4 GB in a few minutes of the stress script), and every read searched it.
    static let logLimit = 64 << 20

    /// Empties a large log when no reader needs it within half a second; else leaves it to a later
    /// write. (After the commit: it never fails the write.)
    func trimLog() {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path + "-wal")
        guard let size = attributes?[.size] as? Int, size > MemoryStore.logLimit else { return }
        _ = try? db.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA busy_timeout = 500")
            defer { try? db.execute(sql: "PRAGMA busy_timeout = 10000") }
            _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// Switches the memory to a rollback journal for a bulk write; false (nothing changed) when
    /// another connection has the memory open. SQLite leaves WAL mode only when it can lock the file
    /// exclusively, and every later change of mode (this process's `leaveBulkMode`, another's
    /// `StoreFile.adopt` finding a rollback journal) needs that lock again: a process that opens the
    /// memory meanwhile reads and writes it with the rollback journal, under SQLite's ordinary locks.
    /// (What lost writes until tmkit 0.11 was not the switch but a descriptor of the memory file that
    /// the import closed, which released the process's locks: see `BackgroundSync`.)
    func enterBulkMode() -> Bool {
        let entered = (try? db.writeWithoutTransaction { db -> Bool in
            try db.execute(sql: "PRAGMA busy_timeout = 200")
            defer { try? db.execute(sql: "PRAGMA busy_timeout = 10000") }
            return try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")?.lowercased() == "delete"
        }) ?? false
        inBulkMode = entered
        return entered
    }

    /// Back to WAL after a bulk write. (Should another process hold the memory at that moment, it
    /// stays with a rollback journal, which the next process to open it turns back to WAL.)
    func leaveBulkMode() {
        inBulkMode = false
        _ = try? db.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
    }

    /// Runs `body`; SQLite's errors (another process writing for longer than the busy timeout, a
    /// full disk, a read-only file, a damaged one) become errors that name the memory and say what
    /// happened (`StoreFile.explained`).
    func namingBusy<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw StoreFile.explained(error, path: path, kind: "memory")
        }
    }

    /// Merges the side tables into the main ones, stores each posting list of several parts as one
    /// part, and (with `compact`) gives the free pages back to the file system (`VACUUM`).
    ///
    /// A memory fed only small imports keeps their duplicate keys and index parts in `dup_delta` and
    /// `posting_delta` (each costs a lookup one more B-tree probe per key), and a large import adds a
    /// part to every list it touches at each flush. Nothing a lookup returns changes. The merge is
    /// one transaction. The compaction is skipped (`compacted` false) when another connection is
    /// writing (readers keep their snapshot, in WAL mode).
    @discardableResult
    public func optimize(compact: Bool = true) throws -> OptimizeReport {
        invalidatePostingCache()
        defer { invalidatePostingCache() }
        var report = OptimizeReport()
        report.bytesBefore = try fileBytes()
        let merge = { [self] in
            try db.write { db in
                var dups = DuplicateIndex()
                report.duplicateKeysMerged = try dups.mergeDelta(db)
                report.deltaPartsMerged = try Int.fetchOne(db, sql: "SELECT count(*) FROM posting_delta") ?? 0
                if report.deltaPartsMerged > 0 {
                    try db.execute(sql: "INSERT INTO posting SELECT * FROM posting_delta; DELETE FROM posting_delta")
                }
                report.partsBefore = try Int.fetchOne(db, sql: "SELECT count(*) FROM posting") ?? 0
                let split = try Row.fetchAll(db, sql: """
                    SELECT lang_key, key FROM posting GROUP BY lang_key, key HAVING count(*) > 1
                    """).map { (lang: $0[0] as String, key: $0[1] as String) }
                let readAll = try db.cachedStatement(sql: PostingBatch.readSQL)
                let delete = try db.cachedStatement(sql: "DELETE FROM posting WHERE lang_key = ? AND key = ?")
                let insert = try db.cachedStatement(sql: "INSERT INTO posting(lang_key, key, part, n, last, entries) VALUES (?, ?, 0, ?, ?, ?)")
                for (lang, key) in split {
                    let list = try PostingBatch.read(readAll, lang: lang, key: key, db: db, delta: false)
                    guard list.count > 0 else { continue }
                    let d = RawStatement(delete)
                    d.bind(1, lang)
                    d.bind(2, key)
                    try d.run(db)
                    let w = RawStatement(insert)
                    w.bind(1, lang)
                    w.bind(2, key)
                    w.bind(3, Int64(list.count))
                    w.bind(4, Int64(list.entry(list.count - 1).variant))
                    w.bind(5, blob: PostingList.encode(list))
                    try w.run(db)
                }
                report.listsRewritten = split.count
                report.partsAfter = try Int.fetchOne(db, sql: "SELECT count(*) FROM posting") ?? 0
            }
        }
        // (A rewrite of the whole index is one large transaction: faster with a rollback journal.)
        try namingBusy {
            if enterBulkMode() {
                defer { leaveBulkMode() }
                try merge()
            } else {
                try merge()
            }
        }
        if compact {
            report.compacted = (try? db.writeWithoutTransaction { db -> Bool in
                try db.execute(sql: "PRAGMA busy_timeout = 200")
                defer { try? db.execute(sql: "PRAGMA busy_timeout = 10000") }
                try db.execute(sql: "VACUUM")
                return true
            }) ?? false
        }
        report.bytesAfter = try fileBytes()
        return report
    }

    /// The memory's size: its pages (free ones too), not counting the WAL.
    private func fileBytes() throws -> Int64 {
        try db.read { db in
            (try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0) * (try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
        }
    }

    private func writeTransaction(overwrite: Bool, _ body: (MemoryWriter) throws -> Void) throws -> WriteReport {
        // TMKIT_PROFILE: where the write's time went, on standard error.
        let profiling = ProcessInfo.processInfo.environment["TMKIT_PROFILE"] != nil
        var profileLine = ""
        var commitStart: UInt64 = 0
        let report = try db.write { db in
            let writer = MemoryWriter(db: db, store: self, overwrite: overwrite)
            do { try body(writer) } catch { writer.abandonPending(); throw error }
            try writer.flushPending()
            let tf = DispatchTime.now().uptimeNanoseconds
            try writer.flushIndexes()
            if profiling {
                let p = writer.profile
                profileLine = String(format: "write profile: waiting for preparation %.2f s (preparing %.2f s), storing %.2f s (rows %.2f s, grouping %.2f s), index flushes %.2f s (the last %.2f s; duplicate keys %.2f s)",
                                     Double(p.waiting) / 1e9, Double(p.mainPrep) / 1e9, Double(p.storing) / 1e9, Double(p.rows) / 1e9, Double(p.group) / 1e9, Double(p.postings) / 1e9,
                                     Double(DispatchTime.now().uptimeNanoseconds - tf) / 1e9, Double(p.dups) / 1e9)
            }
            commitStart = DispatchTime.now().uptimeNanoseconds
            return writer.report
        }
        if profiling {
            // (One line, written after the commit: the commit's time is part of it.)
            FileHandle.standardError.write(Data((profileLine + String(format: ", commit %.2f s\n", Double(DispatchTime.now().uptimeNanoseconds - commitStart) / 1e9)).utf8))
        }
        return report
    }

    /// Adds units in one transaction.
    @discardableResult
    public func add(_ units: [TranslationUnit], overwrite: Bool = false) throws -> WriteReport {
        try write(overwrite: overwrite) { w in for u in units { try w.add(u) } }
    }

    /// Removes a unit by id; false when there was none.
    public func remove(id: Int64) throws -> Bool {
        var done = false
        try write { w in done = try w.remove(id: id) }
        return done
    }
}

/// JSON text of a non-empty list, nil for an empty one (props and notes columns).
func encodeList<T: Encodable>(_ items: [T]) -> String? {
    guard !items.isEmpty, let d = try? JSONEncoder().encode(items) else { return nil }
    return String(decoding: d, as: UTF8.self)
}

extension MemoryWriter {
    /// Waits for background preparation to stop (the transaction is being rolled back).
    func abandonPending() {
        pending?.group.wait()
        pending = nil
    }
}

/// A cached GRDB statement bound and stepped through SQLite's C API (bulk inserts without
/// boxing each argument).
struct RawStatement {
    let statement: Statement
    var s: SQLiteStatement { statement.sqliteStatement }
    init(_ statement: Statement) {
        self.statement = statement
        sqlite3_reset(statement.sqliteStatement)
    }

    static let transientDestructor = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ i: Int32, _ v: String?) {
        guard var v else { sqlite3_bind_null(s, i); return }
        v.withUTF8 { b in
            if let base = b.baseAddress {
                _ = base.withMemoryRebound(to: CChar.self, capacity: b.count) { sqlite3_bind_text(s, i, $0, Int32(b.count), RawStatement.transientDestructor) }
            } else {
                sqlite3_bind_text(s, i, "", 0, RawStatement.transientDestructor)
            }
        }
    }
    /// Binds UTF-8 bytes as text.
    func bind(_ i: Int32, text: [UInt8]) {
        text.withUnsafeBufferPointer { bind(i, text: $0) }
    }
    /// - Parameter copying: false when the bytes outlive the statement's next step (and its bindings
    ///   are cleared after it): SQLite then reads them in place.
    func bind(_ i: Int32, text b: UnsafeBufferPointer<UInt8>, copying: Bool = true) {
        if let base = b.baseAddress {
            _ = base.withMemoryRebound(to: CChar.self, capacity: b.count) {
                sqlite3_bind_text(s, i, $0, Int32(b.count), copying ? RawStatement.transientDestructor : nil)
            }
        } else {
            sqlite3_bind_text(s, i, "", 0, RawStatement.transientDestructor)
        }
    }
    /// Binds bytes as a blob (an empty one, not NULL, when there are none).
    /// - Parameter copying: as for text.
    func bind(_ i: Int32, blob b: UnsafeRawBufferPointer, copying: Bool = true) {
        _ = sqlite3_bind_blob(s, i, b.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(b.count),
                              copying ? RawStatement.transientDestructor : nil)
    }
    func bind(_ i: Int32, blob: [UInt8]) {
        blob.withUnsafeBytes { bind(i, blob: $0) }
    }
    func bind(_ i: Int32, _ v: Double?) {
        if let v { sqlite3_bind_double(s, i, v) } else { sqlite3_bind_null(s, i) }
    }
    func bind(_ i: Int32, _ v: Int64) { sqlite3_bind_int64(s, i, v) }

    /// Steps to the next row: true on a row, false when there are no more; SQLite's error otherwise.
    func step(_ db: Database) throws -> Bool {
        let rc = sqlite3_step(s)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: db.lastErrorMessage)
    }

    func run(_ db: Database) throws {
        let rc = sqlite3_step(s)
        sqlite3_reset(s)
        guard rc == SQLITE_DONE else { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: db.lastErrorMessage) }
    }
}

/// Writes a file's dirty pages to disk on a background thread (`fdatasync` on a descriptor of its
/// own), one sync at a time. Only a head start for a later sync: it changes no data.
///
/// One per file and process, opened once and never closed: closing any descriptor of a database
/// file releases every POSIX lock the process holds on it, SQLite's included.
final class BackgroundSync: @unchecked Sendable {
    private let fd: Int32
    private let queue = DispatchQueue(label: "tmkit.sync", qos: .utility)
    private let lock = NSLock()
    @exclusivity(unchecked) private var running = false

    private static let registryLock = NSLock()
    nonisolated(unsafe) private static var registry: [String: BackgroundSync] = [:]

    /// The process's syncer of the file at `path` (nil when it cannot be opened).
    static func shared(path: String) -> BackgroundSync? {
        registryLock.lock()
        defer { registryLock.unlock() }
        if let s = registry[path] { return s }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        let s = BackgroundSync(fd: fd)
        registry[path] = s
        return s
    }

    private init(fd: Int32) { self.fd = fd }

    func start() {
        lock.lock()
        defer { lock.unlock() }
        guard !running else { return }
        running = true
        queue.async { [self] in
            _ = fdatasync(fd)
            lock.lock()
            running = false
            lock.unlock()
        }
    }
}
