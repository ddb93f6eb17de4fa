import Foundation
import GRDB
import GRDBSQLite
import ICUText

extension MemoryStore: MemoryLookup {}

extension MemoryStore {
    // MARK: Fuzzy lookup

    /// Every unit whose `sourceLanguage` variant scores at least `options.threshold` against
    /// `query`, best first, at most `options.limit`.
    public func lookup(_ query: String, sourceLanguage: String, targetLanguage: String?,
                       options: LookupOptions = LookupOptions()) throws -> [Match] {
        try db.read { db in try lookup(db, query, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, options: options) }
    }

    /// Looks up many queries in one read transaction, calling `body` with each query's matches in order.
    public func lookupEach(_ queries: [String], sourceLanguage: String, targetLanguage: String?,
                           options: LookupOptions = LookupOptions(), _ body: (String, [Match]) throws -> Void) throws {
        try db.read { db in
            for q in queries {
                try body(q, try lookup(db, q, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, options: options))
            }
        }
    }

    private func lookup(_ db: Database, _ query: String, sourceLanguage: String, targetLanguage: String?,
                        options: LookupOptions) throws -> [Match] {
        try checkPostingCache(db)
        return try LookupEngine.lookup(query, in: SQLiteCandidates(store: self, db: db), tokenizer: tokenizer,
                                       sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, options: options)
    }

    /// Calls `body` with every stored unit's id and packed bytes in id order (valid during the call);
    /// stops when it returns false.
    func forEachStoredUnit(_ db: Database, _ body: (Int64, UnsafeRawBufferPointer) throws -> Bool) throws {
        let stmt = try db.makeStatement(sql: "SELECT id, data FROM unit ORDER BY id")
        let s = stmt.sqliteStatement
        defer { sqlite3_reset(s) }
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: db.lastErrorMessage) }
            let raw = UnsafeRawBufferPointer(start: sqlite3_column_blob(s, 1), count: Int(sqlite3_column_bytes(s, 1)))
            if try !body(sqlite3_column_int64(s, 0), raw) { return }
        }
    }

    // MARK: Units

    func loadUnit(_ db: Database, id: Int64) throws -> TranslationUnit? {
        try loadStored(db, id: id)?.unit
    }

    /// A stored unit, decoded with its variants' word keys; nil when there is none.
    func loadStored(_ db: Database, id: Int64) throws -> (unit: TranslationUnit, variants: [PackedUnit.StoredVariant])? {
        try withStoredRow(db, id: id) { try PackedUnit.decode($0, id: id) }
    }

    /// Calls `body` with the stored row of unit `id` (`PackedUnit`); nil when there is none.
    func withStoredRow<R>(_ db: Database, id: Int64, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        let r = RawStatement(try db.cachedStatement(sql: "SELECT data FROM unit WHERE id = ?"))
        r.bind(1, id)
        defer { sqlite3_reset(r.s) }
        let rc = sqlite3_step(r.s)
        if rc == SQLITE_DONE { return nil }
        guard rc == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: db.lastErrorMessage) }
        return try body(UnsafeRawBufferPointer(start: sqlite3_column_blob(r.s, 0), count: Int(sqlite3_column_bytes(r.s, 0))))
    }

    /// One unit by id.
    public func unit(id: Int64) throws -> TranslationUnit? {
        try db.read { try loadUnit($0, id: id) }
    }

    /// Units in id order, optionally only those with a variant in `language`.
    public func units(language: String? = nil, limit: Int = 100, offset: Int = 0) throws -> [TranslationUnit] {
        try db.read { db in
            var out: [TranslationUnit] = []
            var skipped = 0
            guard limit > 0 else { return [] }
            try forEachStoredUnit(db) { id, raw in
                if let language, try !PackedUnit.languages(raw).contains(where: { LanguageTag.matches($0, requested: language) }) { return true }
                if skipped < offset { skipped += 1; return true }
                out.append(try PackedUnit.decode(raw, id: id).unit)
                return out.count < limit
            }
            return out
        }
    }

    /// Calls `body` with every unit in id order, streaming one join of units and variants in a
    /// single read transaction (for exports: memory stays flat, a consistent snapshot), a batch
    /// of raw column bytes at a time: the reading thread only steps SQLite and copies bytes, and
    /// `UnitBatch.decode()` (on any thread) makes the units. An export reads on one core and
    /// decodes and formats on another.
    public func forEachUnitBatch(units perBatch: Int = 2048, _ body: (UnitBatch) throws -> Void) throws {
        try db.read { db in
            var batch = UnitBatch()
            try forEachStoredUnit(db) { id, raw in
                if batch.unitCount >= perBatch {
                    try body(batch)
                    batch = UnitBatch()
                }
                batch.append(id: id, raw)
                return true
            }
            if batch.unitCount > 0 { try body(batch) }
        }
    }

    public typealias Stats = MemoryStats

    /// The number of units (one count, without reading them).
    public func count() throws -> Int {
        try db.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM unit") ?? 0 }
    }

    /// Units in all, variants per language and units per language pair.
    public func stats() throws -> Stats {
        try db.read { db in
            var counter = MemoryStats.Counter()
            try forEachStoredUnit(db) { _, raw in try counter.add(raw); return true }
            return counter.stats
        }
    }

    // MARK: Concordance

    /// Units whose `language` side contains `phrase`, ignoring case and diacritics.
    public func concordance(_ phrase: String, sourceLanguage: String, targetLanguage: String?,
                            searchTarget: Bool = false, limit: Int = 20) throws -> [ConcordanceHit] {
        let key = try TextKeys.search(try TextKeys.norm(phrase))
        guard !key.isEmpty else { return [] }
        let searched = searchTarget ? (targetLanguage ?? sourceLanguage) : sourceLanguage
        return try db.read { db in
            // A scan of the folded texts (one column of every unit): no index to maintain on import.
            let rows = try Row.fetchCursor(db, sql: "SELECT id FROM unit WHERE instr(search, ?) > 0 ORDER BY id", arguments: [key])
            var hits: [ConcordanceHit] = []
            while hits.count < limit, let row = try rows.next() {
                guard let unit = try loadUnit(db, id: row[0]) else { continue }
                try ConcordanceHighlighter.collect(unit, key: key, searched: searched, sourceLanguage: sourceLanguage,
                                                   targetLanguage: targetLanguage, searchTarget: searchTarget, limit: limit, into: &hits)
            }
            return hits
        }
    }
}

/// The SQLite store as the lookup reads it: posting lists (through the process's cache), a scan
/// of the packed units, units by id, all in one read transaction.
struct SQLiteCandidates: CandidateSource {
    let store: MemoryStore
    let db: Database

    func postingLists(lang: String, keys: [String]) throws -> [PostingList] {
        let stmt = try db.cachedStatement(sql: PostingBatch.readSQL)
        var lists: [PostingList] = []
        for k in keys {
            let cacheKey = lang + "\0" + k
            if let cached = store.postingCache[cacheKey] { lists.append(cached); continue }
            let list = try PostingBatch.read(stmt, lang: lang, key: k, db: db)
            if list.bytes.count >= 64 << 10, store.postingCacheBytes + list.bytes.count <= MemoryStore.postingCacheLimit {
                store.postingCache[cacheKey] = list
                store.postingCacheBytes += list.bytes.count
            }
            lists.append(list)
        }
        return lists
    }

    func forEachPackedUnit(_ body: (Int64, UnsafeRawBufferPointer) throws -> Bool) throws {
        try store.forEachStoredUnit(db, body)
    }

    func units(ids: [Int64]) throws -> [(id: Int64, unit: TranslationUnit)] {
        try ids.compactMap { id in try store.loadUnit(db, id: id).map { (id, $0) } }
    }
}
