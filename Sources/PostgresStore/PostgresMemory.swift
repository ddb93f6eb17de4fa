import Foundation
import ICUText
import MemoryCore
import PostgresNIO

/// A translation memory in PostgreSQL: the same units, answers and duplicate rules as a memory
/// file, in tables several tmkit processes share (`PostgresSchema`).
///
/// Reads run in a read-only REPEATABLE READ transaction (one snapshot, whatever commits
/// meanwhile); a write is one transaction that first locks its memory's row, so that writers of
/// one memory take turns (as SQLite's write lock makes them) while lookups go on.
public final class PostgresMemory: TranslationMemoryStore {
    public let place: PostgresLocation
    let session: PGSession
    let tokenizer: Tokenizer
    /// The memory's row in `tmkit_memory`.
    let memoryID: Int32

    public var location: String { place.description }

    /// Large posting lists kept between lookups of this process (batch lookups, a server), by
    /// "lang\0key", valid for one version of the memory (`version`).
    var postingCache: [String: PostingList] = [:]
    var postingCacheBytes = 0
    var postingCacheVersion: Int64 = -1
    static let postingCacheLimit = 768 << 20
    /// Lists shorter than this are read again at each lookup (a test lowers it).
    nonisolated(unsafe) static var postingCacheMinimum = 64 << 10

    /// Drops the cached lists when the memory's version (the transaction id that last wrote its
    /// row: every write, optimize and repair updates the row) is not theirs.
    func checkPostingCache(version v: Int64) {
        if v != postingCacheVersion {
            postingCache.removeAll()
            postingCacheBytes = 0
            postingCacheVersion = v
        }
    }

    /// Locks the memory's row for this transaction's writes (writers take turns) and gives it a
    /// new version (other processes' cached lists are dropped at their next lookup).
    /// Returns the next unit id.
    @discardableResult
    func lockForWriting() throws -> Int64 {
        try session.rows("UPDATE tmkit_memory SET next_unit = next_unit WHERE id = \(memoryID) RETURNING next_unit").first!.decode(Int64.self)
    }

    /// Connects and opens the memory `location.name`. `create`: create tmkit's tables when the
    /// database has none, and the memory when it is missing (a first write); else either is an error.
    /// `initialize`: create tmkit's tables even in a database that holds other tables (`tm init`).
    public init(location: PostgresLocation, create: Bool, initialize: Bool = false) throws {
        place = location
        session = try PGSession.connect(location)
        tokenizer = try Tokenizer()
        try PostgresSchema.prepare(session, create: create || initialize, force: initialize)
        let name = location.name
        if let id = try session.rows("SELECT id FROM tmkit_memory WHERE name = \(name)").first {
            memoryID = try id.decode(Int32.self)
        } else if create {
            try session.run("INSERT INTO tmkit_memory (name) VALUES (\(name)) ON CONFLICT (name) DO NOTHING")
            memoryID = try session.rows("SELECT id FROM tmkit_memory WHERE name = \(name)").first!.decode(Int32.self)
        } else {
            let names = try session.rows("SELECT name FROM tmkit_memory ORDER BY name").map { try $0.decode(String.self) }
            throw PostgresStoreError("database '\(location.database)' at \(location.server) has no memory '\(name)'"
                + (names.isEmpty ? " (it has none yet: a first write creates it)" : " (its memories: \(names.joined(separator: ", ")))"))
        }
    }

    /// The names of the memories in the database at `location` (its `name` is not used).
    public static func memoryNames(at location: PostgresLocation) throws -> [String] {
        let s = try PGSession.connect(location)
        guard try PostgresSchema.installedVersion(s) != nil else { return [] }
        return try s.rows("SELECT name FROM tmkit_memory ORDER BY name").map { try $0.decode(String.self) }
    }

    /// Runs `body` in one read-only snapshot.
    func reading<T>(_ body: () throws -> T) throws -> T {
        try session.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", body)
    }

    // MARK: Lookups

    /// One lookup in two statements (the memory's version with the query's posting lists, then
    /// the candidate units), each its own snapshot, instead of a transaction of five round trips:
    /// a unit written between the two is found or not, as it would be a moment earlier or later.
    /// (A lookup that reads every unit, `--exhaustive` or a low threshold, reads in one snapshot.)
    public func lookup(_ query: String, sourceLanguage: String, targetLanguage: String?,
                       options: LookupOptions = LookupOptions()) throws -> [Match] {
        try LookupEngine.lookup(query, in: PostgresCandidates(store: self), tokenizer: tokenizer,
                                sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, options: options)
    }

    public func lookupEach(_ queries: [String], sourceLanguage: String, targetLanguage: String?,
                           options: LookupOptions = LookupOptions(), _ body: (String, [Match]) throws -> Void) throws {
        try reading {
            let source = PostgresCandidates(store: self)
            for q in queries {
                try body(q, try LookupEngine.lookup(q, in: source, tokenizer: tokenizer, sourceLanguage: sourceLanguage,
                                                    targetLanguage: targetLanguage, options: options))
            }
        }
    }

    public func concordance(_ phrase: String, sourceLanguage: String, targetLanguage: String?,
                            searchTarget: Bool = false, limit: Int = 20) throws -> [ConcordanceHit] {
        let key = try TextKeys.search(try TextKeys.norm(phrase))
        guard !key.isEmpty, limit > 0 else { return [] }
        let searched = searchTarget ? (targetLanguage ?? sourceLanguage) : sourceLanguage
        return try reading {
            var hits: [ConcordanceHit] = []
            var after: Int64 = 0
            // A scan of the folded texts in id order, a page at a time, until enough hits.
            while hits.count < limit {
                let rows = try session.rows("""
                    SELECT id, data FROM tmkit_unit WHERE memory = \(memoryID) AND id > \(after) AND strpos(search, \(key)) > 0
                    ORDER BY id LIMIT 256
                    """)
                if rows.isEmpty { break }
                for row in rows where hits.count < limit {
                    let (id, data) = try row.decode((Int64, ByteBuffer).self)
                    after = id
                    let unit = try data.withUnsafeReadableBytes { try PackedUnit.decode($0, id: id).unit }
                    try ConcordanceHighlighter.collect(unit, key: key, searched: searched, sourceLanguage: sourceLanguage,
                                                       targetLanguage: targetLanguage, searchTarget: searchTarget, limit: limit, into: &hits)
                }
                if rows.count < 256 { break }
            }
            return hits
        }
    }

    // MARK: Units

    public func unit(id: Int64) throws -> TranslationUnit? {
        try reading { try PostgresCandidates(store: self).units(ids: [id]).first?.unit }
    }

    public func units(language: String? = nil, limit: Int = 100, offset: Int = 0) throws -> [TranslationUnit] {
        guard limit > 0 else { return [] }
        return try reading {
            var out: [TranslationUnit] = []
            var skipped = 0
            try forEachPackedUnit { id, raw in
                if let language, try !PackedUnit.languages(raw).contains(where: { LanguageTag.matches($0, requested: language) }) { return true }
                if skipped < offset { skipped += 1; return true }
                out.append(try PackedUnit.decode(raw, id: id).unit)
                return out.count < limit
            }
            return out
        }
    }

    public func count() throws -> Int {
        Int(try session.rows("SELECT count(*) FROM tmkit_unit WHERE memory = \(memoryID)").first!.decode(Int64.self))
    }

    public func stats() throws -> MemoryStats {
        try reading {
            var counter = MemoryStats.Counter()
            try forEachPackedUnit { _, raw in try counter.add(raw); return true }
            return counter.stats
        }
    }

    public func forEachUnitBatch(units perBatch: Int = 2048, _ body: (UnitBatch) throws -> Void) throws {
        try reading {
            var batch = UnitBatch()
            try forEachPackedUnit(page: max(256, perBatch)) { id, raw in
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

    /// Every unit's id and packed bytes in id order, read a page at a time (keyset pagination on
    /// the primary key: a cursor that needs no open portal between pages), inside the caller's
    /// snapshot; stops when `body` returns false.
    func forEachPackedUnit(page: Int = 2048, _ body: (Int64, UnsafeRawBufferPointer) throws -> Bool) throws {
        var after: Int64 = 0
        while true {
            let rows = try session.rows("""
                SELECT id, data FROM tmkit_unit WHERE memory = \(memoryID) AND id > \(after) ORDER BY id LIMIT \(Int64(page))
                """)
            for row in rows {
                let (id, data) = try row.decode((Int64, ByteBuffer).self)
                after = id
                if try !data.withUnsafeReadableBytes({ try body(id, $0) }) { return }
            }
            if rows.count < page { return }
        }
    }

    // MARK: Writes

    @discardableResult
    public func transaction(overwrite: Bool = false, bulk: Bool = false, _ body: (any MemoryWriting) throws -> Void) throws -> WriteReport {
        let report = try session.transaction {
            // Writers of one memory take turns: the row stays locked until the commit.
            let next = try lockForWriting()
            let empty = try session.rows("SELECT NOT EXISTS (SELECT 1 FROM tmkit_dupkey WHERE memory = \(memoryID))").first!.decode(Bool.self)
            let writer = PostgresWriter(store: self, nextID: next, overwrite: overwrite, memoryWasEmpty: empty)
            try body(writer)
            try writer.finish()
            try session.run("UPDATE tmkit_memory SET next_unit = \(writer.nextID) WHERE id = \(memoryID)")
            return writer.report
        }
        refreshStatisticsAfter(rowsWritten: report.added + report.alternatives + report.replaced)
        return report
    }

    /// After a write that grew the tables by a tenth or more (a first import, a copy), the
    /// planner's statistics are refreshed at once: until autovacuum gets to it (a minute or more
    /// later), a planner that still thinks the tables empty reads posting lists and units by
    /// sequential scans, and a lookup took 70-85 ms instead of about one on 200,000 units. The
    /// write is committed already: a failure here is not the write's.
    func refreshStatisticsAfter(rowsWritten: Int) {
        guard rowsWritten >= 5000 else { return }
        let known = (try? session.rows("SELECT reltuples::float8 FROM pg_class WHERE oid = 'tmkit_unit'::regclass").first?.decode(Double.self)) ?? nil
        guard let known, Double(rowsWritten) >= 0.1 * max(known, 0) else { return }
        try? session.run(sql: "ANALYZE tmkit_unit")
        try? session.run(sql: "ANALYZE tmkit_posting")
        try? session.run(sql: "ANALYZE tmkit_dupkey")
    }

    /// Adds units in one transaction.
    @discardableResult
    public func add(_ units: [TranslationUnit], overwrite: Bool = false) throws -> WriteReport {
        try transaction(overwrite: overwrite) { try $0.add(units) }
    }

    /// Removes a unit by id; false when there was none.
    public func remove(id: Int64) throws -> Bool {
        var done = false
        try transaction { w in done = try w.remove(id: id) }
        return done
    }

    /// Deletes the memory and everything in it (`tm copy --replace` into an existing one).
    public func clear() throws {
        try session.transaction {
            try lockForWriting()
            try session.run("DELETE FROM tmkit_posting WHERE memory = \(memoryID)")
            try session.run("DELETE FROM tmkit_dupkey WHERE memory = \(memoryID)")
            try session.run("DELETE FROM tmkit_unit WHERE memory = \(memoryID)")
        }
    }
}

/// The PostgreSQL store as the lookup reads it, inside the caller's snapshot.
struct PostgresCandidates: CandidateSource {
    let store: PostgresMemory

    func postingLists(lang: String, keys: [String]) throws -> [PostingList] {
        guard !keys.isEmpty else { return [] }
        var bytes: [String: [UInt8]] = [:]
        var parts: [String: Int] = [:]
        var cached: [String: PostingList] = [:]
        for k in keys { if let l = store.postingCache[lang + "\0" + k] { cached[k] = l } }
        let version = try read(keys.filter { cached[$0] == nil }, lang: lang, into: &bytes, parts: &parts)
        if version != store.postingCacheVersion {
            // The memory changed since the cached lists were read: those are read again.
            store.checkPostingCache(version: version)
            if !cached.isEmpty {
                let again = Array(cached.keys)
                cached = [:]
                _ = try read(again, lang: lang, into: &bytes, parts: &parts)
            }
        }
        return keys.map { key in
            if let list = cached[key] { return list }
            var list = PostingList(bytes: bytes[key] ?? [])
            // Parts are in write order; a rewritten unit's entries may come after larger ids.
            if parts[key, default: 0] > 1 {
                let entries = list.entries
                if !zip(entries, entries.dropFirst()).allSatisfy({ $0.variant <= $1.variant }) { list = PostingList(entries: entries.sorted()) }
            }
            if list.bytes.count >= PostgresMemory.postingCacheMinimum, store.postingCacheBytes + list.bytes.count <= PostgresMemory.postingCacheLimit {
                store.postingCache[lang + "\0" + key] = list
                store.postingCacheBytes += list.bytes.count
            }
            return list
        }
    }

    /// The parts of the lists of `keys`, appended to `bytes` (counted in `parts`), and the memory's
    /// version, in one statement.
    private func read(_ keys: [String], lang: String, into bytes: inout [String: [UInt8]], parts: inout [String: Int]) throws -> Int64 {
        let rows = try store.session.rows("""
            SELECT NULL::text, NULL::bytea, xmin::text::bigint, 0::bigint AS part FROM tmkit_memory WHERE id = \(store.memoryID)
            UNION ALL
            SELECT key, entries, NULL, part FROM tmkit_posting
            WHERE memory = \(store.memoryID) AND lang = \(lang) AND key = ANY(\(keys))
            ORDER BY part
            """)
        var version: Int64 = 0
        for row in rows {
            let (key, entries, v, _) = try row.decode((String?, ByteBuffer?, Int64?, Int64).self)
            guard let key, let entries else {
                version = v ?? 0
                continue
            }
            try entries.withUnsafeReadableBytes { try PostingList.decode($0, appendingTo: &bytes[key, default: []]) }
            parts[key, default: 0] += 1
        }
        return version
    }

    /// (A scan reads every unit in one snapshot: the caller's, or one of its own.)
    func forEachPackedUnit(_ body: (Int64, UnsafeRawBufferPointer) throws -> Bool) throws {
        try store.reading { try store.forEachPackedUnit(body) }
    }

    func units(ids: [Int64]) throws -> [(id: Int64, unit: TranslationUnit)] {
        guard !ids.isEmpty else { return [] }
        var found: [Int64: TranslationUnit] = [:]
        for row in try store.session.rows("SELECT id, data FROM tmkit_unit WHERE memory = \(store.memoryID) AND id = ANY(\(ids))") {
            let (id, data) = try row.decode((Int64, ByteBuffer).self)
            found[id] = try data.withUnsafeReadableBytes { try PackedUnit.decode($0, id: id).unit }
        }
        return ids.compactMap { id in found[id].map { (id, $0) } }
    }
}
