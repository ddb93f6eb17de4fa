import Foundation
import ICUText
import MemoryCore
import PostgresNIO

/// The writes of one transaction on a PostgreSQL memory (`PostgresMemory.transaction`).
///
/// Units are gathered and stored a batch at a time: their texts prepared (NFC, word keys, search
/// text, packed row), the duplicate keys of the whole batch looked up in one query, each unit
/// decided by `DuplicateRules` (as in a memory file), then the new rows and their duplicate keys
/// sent with `COPY`. The posting lists' entries are gathered over the transaction and written at
/// its end (and when they grow large), one part per key, also with `COPY`.
final class PostgresWriter: MemoryWriting {
    let store: PostgresMemory
    let overwrite: Bool
    private(set) var nextID: Int64
    private(set) var report = WriteReport()

    private var pending: [TranslationUnit] = []
    private static let batchSize = 8192

    /// A unit as the writer holds it: its id, decoded unit and stored variants (word keys).
    struct Held {
        var id: Int64
        var unit: TranslationUnit
        var variants: [PackedUnit.StoredVariant]
    }

    /// Duplicate keys → units (in id order) of this batch's keys: read from the database, plus the
    /// units this transaction filed under them.
    private var holdersOf: [Int64: [Int64]] = [:]
    /// Units read or written by this batch, by id.
    private var held: [Int64: Held] = [:]
    /// Rows of units new in this batch, not yet sent: packed data and search text.
    private var newRows: [(id: Int64, data: [UInt8], search: [UInt8])] = []
    private var newRowIndex: [Int64: Int] = [:]
    private var newDupKeys: [(hash: Int64, unit: Int64)] = []
    /// Stored units whose row changed (merged metadata, replaced targets), sent with the batch:
    /// an import of catalogs that repeat one another merges hundreds of thousands of units, and a
    /// statement each cost a round trip each.
    private var changedRows: [Int64: (data: [UInt8], search: [UInt8])] = [:]
    /// Posting entries by language and key ("lang\0key"), not yet written.
    private var postings: [String: [PostingEntry]] = [:]
    private var postingCount = 0
    private static let postingFlushLimit = 8_000_000

    /// Kept when the memory had no duplicate keys as this transaction locked it (a first import, a
    /// copy into a new memory): every key in the database is one this transaction wrote, and a key
    /// `writtenKeys` does not hold needs no query (one it may hold is looked up: a false positive,
    /// about 1% of new keys, finds nothing). Writers take turns on the memory's row: no other
    /// process adds keys meanwhile. The filter takes about 1.3 bytes a key (60 MB for ten million
    /// units of three keys), where a set of the keys took 10 to 20 and was given up past 12 million.
    private var writtenKeys: GrowingHashFilter?

    init(store: PostgresMemory, nextID: Int64, overwrite: Bool, memoryWasEmpty: Bool = false) {
        self.store = store
        self.nextID = nextID
        self.overwrite = overwrite
        if memoryWasEmpty { writtenKeys = GrowingHashFilter() }
    }

    /// Notes a key this transaction files.
    private func wrote(_ key: Int64) {
        writtenKeys?.insert(key)
    }

    private var session: PGSession { store.session }
    private var memory: Int32 { store.memoryID }

    // MARK: MemoryWriting

    @discardableResult
    func add(_ unit: TranslationUnit) throws -> Int64 {
        try flushPending()
        return try store([unit])[0]
    }

    func add(_ units: [TranslationUnit]) throws {
        for u in units {
            pending.append(u)
            if pending.count >= Self.batchSize { try flushPending() }
        }
    }

    func addStreaming(batchSize: Int = 8192, depth: Int = 8,
                      _ produce: @escaping (_ emit: (TranslationUnit) throws -> Void) throws -> Void) throws {
        try produce { u in
            pending.append(u)
            if pending.count >= Self.batchSize { try flushPending() }
        }
    }

    func remove(id: Int64) throws -> Bool {
        try flushPending()
        try sendRows()
        let rows = try session.rows("SELECT data FROM tmkit_unit WHERE memory = \(memory) AND id = \(id)")
        guard let row = rows.first else { return false }
        let variants = try row.decode(ByteBuffer.self).withUnsafeReadableBytes { try PackedUnit.decode($0, id: id).variants }
        let keys = DuplicateRules.duplicateKeys(variants.map { (DuplicateRules.normHash($0.variant), $0.variant.language) })
        try session.run("DELETE FROM tmkit_dupkey WHERE memory = \(memory) AND unit = \(id) AND hash = ANY(\(keys))")
        try session.run("DELETE FROM tmkit_unit WHERE memory = \(memory) AND id = \(id)")
        // (Its posting entries stay: a lookup scores every candidate from its row, and finds none.)
        held[id] = nil
        report.removed += 1
        return true
    }

    /// Stores what is pending and the posting lists (before the commit).
    func finish() throws {
        try flushPending()
        try sendRows()
        try timed(4) { try writePostings() }
        if Self.profiling {
            FileHandle.standardError.write(Data(String(format: "postgres write: prepare %.2f s, duplicate keys read %.2f s, decide and file %.2f s, rows sent %.2f s, lists written %.2f s\n",
                                                       profile[0], profile[1], profile[2], profile[3], profile[4]).utf8))
        }
    }

    // MARK: Batches

    /// Seconds spent preparing, looking up duplicate keys, deciding, sending rows, writing lists
    /// (printed when TMKIT_PROFILE is set).
    private var profile = [Double](repeating: 0, count: 5)
    private static let profiling = ProcessInfo.processInfo.environment["TMKIT_PROFILE"] != nil
    private func timed<T>(_ slot: Int, _ body: () throws -> T) rethrows -> T {
        guard Self.profiling else { return try body() }
        let t = DispatchTime.now().uptimeNanoseconds
        defer { profile[slot] += Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9 }
        return try body()
    }

    private func flushPending() throws {
        guard !pending.isEmpty else { return }
        let units = pending
        pending.removeAll(keepingCapacity: true)
        _ = try store(units)
        try timed(3) { try sendRows() }
        // The next batch reads the database again (which now holds this one's rows and keys).
        holdersOf.removeAll(keepingCapacity: true)
        held.removeAll(keepingCapacity: true)
        if postingCount >= Self.postingFlushLimit { try writePostings() }
    }

    /// A unit prepared: packed row, search text, duplicate keys, index keys per variant.
    private struct Prepared {
        var data: [UInt8]
        var search: [UInt8]
        var variants: [PackedUnit.StoredVariant]
        var dupKeys: [Int64]
        var filed: [(langKey: String, keys: [String], words: Int)]
    }

    /// Tokenizers for preparing a batch on every core (a tokenizer is used by one thread at a time).
    private lazy var tokenizers: [Tokenizer] = [store.tokenizer] + (1..<max(1, ProcessInfo.processInfo.activeProcessorCount)).compactMap { _ in try? Tokenizer() }

    /// Prepares a batch's units on every core, in order.
    private func prepareAll(_ units: [TranslationUnit]) throws -> [Prepared] {
        let workers = units.count < 256 ? 1 : tokenizers.count
        if workers == 1 { return try units.map { try Self.prepare($0, tokenizer: store.tokenizer) } }
        var out = [Prepared?](repeating: nil, count: units.count)
        let failure = ErrorBox()
        let toks = tokenizers
        out.withUnsafeMutableBufferPointer { slots in
            let slots = UncheckedSlots(slots)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var i = w
                while i < units.count {
                    do { slots.base[i] = try PostgresWriter.prepare(units[i], tokenizer: toks[w]) } catch { failure.set(error); return }
                    i += workers
                }
            }
        }
        if let e = failure.error { throw e }
        return out.map { $0! }
    }

    private static func prepare(_ unit: TranslationUnit, tokenizer: Tokenizer) throws -> Prepared {
        guard !unit.variants.isEmpty else { throw MemoryError.invalid("a unit needs at least one variant") }
        var w = PackedUnit.Writer()
        PackedUnit.writeHeader(unit, changeFromCreation: true, into: &w)
        var keys = IndexKeys()
        var search: [UInt8] = []
        var hashes: [Int64] = []
        var langs: [String] = []
        var stored: [PackedUnit.StoredVariant] = []
        var filed: [(langKey: String, keys: [String], words: Int)] = []
        for v in unit.variants {
            let langKey = LanguageTag.primary(v.language)
            let (text, hash, derived) = try tokenizer.prepare(v.text, language: v.language, langKey: langKey, keys: &keys, search: &search)
            hashes.append(hash)
            langs.append(v.language)
            PackedUnit.writeVariant(language: v.language, text: text, markup: v.markup, props: encodeProps(v.properties),
                                    notes: encodeNotes(v.notes), keys: keys, derived: derived, into: &w)
            var sv = Variant(language: v.language, text: text)
            sv.markup = v.markup
            sv.properties = v.properties
            sv.notes = v.notes
            stored.append(PackedUnit.StoredVariant(variant: sv, keys: String(decoding: keys.joined, as: UTF8.self), wordCount: keys.count))
            filed.append((langKey, keys.strings, keys.count))
        }
        var dup: [Int64] = []
        DuplicateRules.forEachDuplicateKey(count: hashes.count, hash: { hashes[$0] }, lang: { langs[$0] }) { dup.append($0) }
        return Prepared(data: w.bytes, search: search, variants: stored, dupKeys: dup, filed: filed)
    }

    /// Stores a batch: each unit added, merged or kept as an alternative (`DuplicateRules`).
    private func store(_ units: [TranslationUnit]) throws -> [Int64] {
        let prepared = try timed(0) { try prepareAll(units) }
        // The keys a decision reads for sure (the source paired with each target's language; the
        // source's own key for a unit of the source alone, or to overwrite), with the units filed
        // under the pair keys (few). The source's own key can name thousands of units (a UI string
        // in every language): those are read as the decision walks them.
        var pairKeys = Set<Int64>(), sourceKeys = Set<Int64>()
        for (u, p) in zip(units, prepared) {
            let n = u.variants.count
            if n > 1 { for t in 1..<n { pairKeys.insert(p.dupKeys[n + t - 1]) } }
            if n == 1 || overwrite { sourceKeys.insert(p.dupKeys[0]) }
        }
        try timed(1) { try loadHolders(pairKeys, withUnits: true); try loadHolders(sourceKeys, withUnits: false) }
        return try timed(2) { try decideAll(units, prepared) }
    }

    private func decideAll(_ units: [TranslationUnit], _ prepared: [Prepared]) throws -> [Int64] {
        var ids: [Int64] = []
        for (unit, p) in zip(units, prepared) {
            let n = unit.variants.count
            let decision = try DuplicateRules.decide(
                unit, sourceHash: p.dupKeys[0], pairKey: { p.dupKeys[n + $0 - 1] }, overwrite: overwrite,
                unitOf: { (h: Held) in h.unit },
                holders: { hash, body in
                    if holdersOf[hash] == nil { try loadHolders([hash], withUnits: false) }
                    let list = holdersOf[hash] ?? []
                    for (i, id) in list.enumerated() {
                        if held[id] == nil { try loadUnits(list[i..<min(list.count, i + 64)].filter { held[$0] == nil }) }
                        if let h = held[id], try !body(h) { return }
                    }
                })
            switch decision {
            case .merge(let h):
                var merged = h
                merged.unit = DuplicateRules.mergedMetadata(h.unit, from: unit)
                try rewrite(merged)
                report.merged += 1
                ids.append(h.id)
            case .replace(let h):
                try replaceTargets(of: h, with: unit)
                report.replaced += 1
                ids.append(h.id)
            case .insert(let alternative):
                ids.append(try insert(unit, p))
                if alternative { report.alternatives += 1 } else { report.added += 1 }
            }
        }
        return ids
    }

    /// Reads which units are filed under `keys` (those this batch has not read yet), and with
    /// `withUnits` the units themselves.
    private func loadHolders(_ keys: Set<Int64>, withUnits: Bool) throws {
        var missing = keys.filter { holdersOf[$0] == nil }
        for k in missing { holdersOf[k] = [] }
        if let written = writtenKeys { missing = missing.filter(written.mayHold) }
        guard !missing.isEmpty else { return }
        let rows = try session.rows("""
            SELECT hash, unit FROM tmkit_dupkey WHERE memory = \(memory) AND hash = ANY(\(Array(missing))) ORDER BY unit
            """)
        var wanted = Set<Int64>()
        for row in rows {
            let (hash, unit) = try row.decode((Int64, Int64).self)
            holdersOf[hash, default: []].append(unit)
            if withUnits && held[unit] == nil { wanted.insert(unit) }
        }
        try loadUnits(Array(wanted))
    }

    /// Reads units into `held`.
    private func loadUnits(_ ids: [Int64]) throws {
        guard !ids.isEmpty else { return }
        for row in try session.rows("SELECT id, data FROM tmkit_unit WHERE memory = \(memory) AND id = ANY(\(ids))") {
            let (id, data) = try row.decode((Int64, ByteBuffer).self)
            let (unit, variants) = try data.withUnsafeReadableBytes { try PackedUnit.decode($0, id: id) }
            held[id] = Held(id: id, unit: unit, variants: variants)
        }
    }

    private func insert(_ unit: TranslationUnit, _ p: Prepared) throws -> Int64 {
        let id = nextID
        guard id < Int64(UInt32.max) else { throw MemoryError.invalid("the memory is full (more than 4 billion units)") }
        nextID += 1
        var data = p.data
        let now = Date()
        if unit.createdAt == nil || unit.changedAt == nil {
            data.withUnsafeMutableBufferPointer { PackedUnit.stamp($0, now: now) }
        }
        newRowIndex[id] = newRows.count
        newRows.append((id, data, p.search))
        var u = unit
        u.id = id
        u.variants = p.variants.map(\.variant)
        if u.createdAt == nil { u.createdAt = now }
        if u.changedAt == nil { u.changedAt = unit.createdAt ?? now }
        if u.changedBy == nil { u.changedBy = unit.createdBy }
        held[id] = Held(id: id, unit: u, variants: p.variants)
        for k in p.dupKeys {
            holdersOf[k, default: []].append(id)
            newDupKeys.append((k, id))
            wrote(k)
        }
        for f in p.filed { file(f.langKey, f.keys, unit: id, words: f.words) }
        return id
    }

    private func file(_ langKey: String, _ keys: [String], unit: Int64, words: Int) {
        let entry = PostingEntry(variant: UInt32(unit), words: UInt32(words))
        for k in keys { postings[langKey + "\0" + k, default: []].append(entry) }
        postingCount += keys.count
    }

    /// Writes a held unit's row again (its metadata or variants changed).
    private func rewrite(_ h: Held) throws {
        held[h.id] = h
        let data = PackedUnit.encode(h.unit.with(variants: h.variants.map(\.variant)),
                                     keys: h.variants.map { (Array($0.storedKeys.utf8), $0.wordCount) })
        var search: [UInt8] = []
        for v in h.variants {
            PackedUnit.appendSearch(langKey: LanguageTag.primary(v.variant.language), folded: try TextKeys.searchBytes(v.variant.text), to: &search)
        }
        if let i = newRowIndex[h.id] {
            newRows[i].data = data
            newRows[i].search = search
        } else {
            changedRows[h.id] = (data, search)
        }
    }

    /// `--overwrite`: the held unit's variants in the languages of `unit`'s targets are replaced by them.
    private func replaceTargets(of h: Held, with unit: TranslationUnit) throws {
        let targets = Array(unit.variants.dropFirst())
        let langs = Set(targets.map(\.language))
        let oldKeys = DuplicateRules.duplicateKeys(h.variants.map { (DuplicateRules.normHash($0.variant), $0.variant.language) })
        for k in oldKeys { holdersOf[k]?.removeAll { $0 == h.id } }
        newDupKeys.removeAll { $0.unit == h.id }
        try session.run("DELETE FROM tmkit_dupkey WHERE memory = \(memory) AND unit = \(h.id) AND hash = ANY(\(oldKeys))")
        var kept = h.variants.filter { !langs.contains($0.variant.language) }
        for t in targets {
            let text = try t.text.normalized(.nfc)
            let keys = try store.tokenizer.indexKeys(text)
            var v = Variant(language: t.language, text: text)
            v.markup = t.markup
            v.properties = t.properties
            v.notes = t.notes
            kept.append(PackedUnit.StoredVariant(variant: v, keys: String(decoding: keys.joined, as: UTF8.self), wordCount: keys.count))
            file(LanguageTag.primary(t.language), keys.strings, unit: h.id, words: keys.count)
        }
        let newKeys = DuplicateRules.duplicateKeys(kept.map { (DuplicateRules.normHash($0.variant), $0.variant.language) })
        for k in newKeys {
            holdersOf[k, default: []].append(h.id)
            holdersOf[k]?.sort()
            newDupKeys.append((k, h.id))
            wrote(k)
        }
        var replaced = Held(id: h.id, unit: h.unit, variants: kept)
        replaced.unit = DuplicateRules.mergedMetadata(h.unit.with(variants: kept.map(\.variant)), from: unit)
        try rewrite(replaced)
    }

    // MARK: Sending

    /// Sends the batch's new rows, changed rows and duplicate keys (COPY, text format).
    private func sendRows() throws {
        if !changedRows.isEmpty {
            let rows = changedRows
            changedRows = [:]
            try session.run(sql: "CREATE TEMP TABLE IF NOT EXISTS tmkit_changed (id bigint PRIMARY KEY, data bytea NOT NULL, search text NOT NULL) ON COMMIT DELETE ROWS")
            try session.copy(table: "tmkit_changed", columns: ["id", "data", "search"]) { sink in
                for (id, r) in rows { try await CopyText.packedRow("\(id)\t", r.data, r.search, to: sink) }
            }
            try session.run("""
                UPDATE tmkit_unit u SET data = c.data, search = c.search FROM tmkit_changed c WHERE u.memory = \(memory) AND u.id = c.id
                """)
            try session.run(sql: "DELETE FROM tmkit_changed")
        }
        if !newRows.isEmpty {
            let rows = newRows, memory = self.memory
            try session.copy(table: "tmkit_unit", columns: ["memory", "id", "data", "search"]) { sink in
                for r in rows { try await CopyText.packedRow("\(memory)\t\(r.id)\t", r.data, r.search, to: sink) }
            }
            newRows.removeAll(keepingCapacity: true)
            newRowIndex.removeAll(keepingCapacity: true)
        }
        if !newDupKeys.isEmpty {
            // In hash order: the index on (memory, hash) takes a batch's keys page by page instead
            // of at random pages (the next batches' duplicate checks read it about twice as fast).
            newDupKeys.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.unit < $1.unit }
            let keys = newDupKeys, memory = self.memory
            try session.copy(table: "tmkit_dupkey", columns: ["memory", "hash", "unit"]) { sink in
                for k in keys {
                    sink.buffer.writeString("\(memory)\t\(k.hash)\t\(k.unit)\n")
                    try await sink.flushIfFull()
                }
            }
            newDupKeys.removeAll(keepingCapacity: true)
        }
    }

    /// Writes the gathered posting entries: one new part per key, entries sorted by unit.
    private func writePostings() throws {
        guard !postings.isEmpty else { return }
        let lists = postings
        postings = [:]
        postingCount = 0
        try store.writeLists(lists)
    }
}

extension TranslationUnit {
    func with(variants: [Variant]) -> TranslationUnit {
        var u = self
        u.variants = variants
        return u
    }
}

/// COPY's text format: a backslash, tab, line feed or carriage return in a value is escaped.
enum CopyText {
    /// A row ending in a unit's packed bytes (bytea, hex) and its search text, after `leading`
    /// (the columns before them, each followed by a tab).
    static func packedRow(_ leading: String, _ data: [UInt8], _ search: [UInt8], to sink: CopySink) async throws {
        sink.buffer.writeString(leading + "\\\\x")
        appendHex(data, to: &sink.buffer)
        sink.buffer.writeInteger(UInt8(ascii: "\t"))
        appendEscaped(search, to: &sink.buffer)
        sink.buffer.writeInteger(UInt8(ascii: "\n"))
        try await sink.flushIfFull()
    }

    static func appendEscaped(_ bytes: [UInt8], to buffer: inout ByteBuffer) {
        // Most values need no escape: written whole.
        if !bytes.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            buffer.writeBytes(bytes)
            return
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        for b in bytes {
            switch b {
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            default: out.append(b)
            }
        }
        buffer.writeBytes(out)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A bytea value's hex digits (after `\\x`).
    static func appendHex(_ bytes: [UInt8], to buffer: inout ByteBuffer) {
        let hex = [UInt8](unsafeUninitializedCapacity: bytes.count * 2) { out, n in
            hexDigits.withUnsafeBufferPointer { digits in
                for (i, b) in bytes.enumerated() {
                    out[2 * i] = digits[Int(b >> 4)]
                    out[2 * i + 1] = digits[Int(b & 15)]
                }
            }
            n = bytes.count * 2
        }
        buffer.writeBytes(hex)
    }
}

/// A buffer whose slots the workers of `concurrentPerform` fill, each its own.
private struct UncheckedSlots<T>: @unchecked Sendable {
    let base: UnsafeMutableBufferPointer<T>
    init(_ base: UnsafeMutableBufferPointer<T>) { self.base = base }
}
