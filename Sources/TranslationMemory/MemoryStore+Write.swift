import Foundation
import GRDB
import GRDBSQLite
import ICUText

/// What a write did.
public struct WriteReport: Sendable, Equatable {
    /// New units stored.
    public var added = 0
    /// Units that were already there (same source and targets): their metadata was updated.
    public var merged = 0
    /// New units whose source was there with another target (kept as alternatives).
    public var alternatives = 0
    /// Existing units whose target was replaced (`overwrite`).
    public var replaced = 0
    public var removed = 0

    public init() {}
}

/// Adds units inside one transaction of `MemoryStore.write`.
///
/// Bulk adds (`add(_: [TranslationUnit])`) are pipelined: the texts of one batch are prepared
/// (normalization, tokens, keys) on the other cores while the previous batch is stored; the
/// duplicate check then runs against an in-memory set of the texts already stored, and SQL
/// is asked only when that set has the text.
public final class MemoryWriter {
    let db: Database
    let store: MemoryStore
    let overwrite: Bool
    var batch = PostingBatch()
    public private(set) var report = WriteReport()
    /// Where a bulk write spent its time (printed when TMKIT_PROFILE is set).
    var profile = (waiting: UInt64(0), storing: UInt64(0), postings: UInt64(0))

    /// `norm_hash` of every stored variant; loaded for bulk adds.
    private var storedTexts: Set<Int64>?
    private var bulkUnits = 0
    private static let bulkThreshold = 4000
    /// A batch being prepared in the background.
    private var pending: PendingBatch?
    /// The insert statements, prepared once per write (not looked up by their SQL for every row).
    private var unitInsert: Statement?
    private var variantInsert: Statement?
    private var duplicateQuery: Statement?
    private var alternativeQuery: Statement?
    /// `TextKeys.pairHash` of (a variant's norm_hash, the language of another variant of its unit)
    /// for every stored unit; loaded with `storedTexts`.
    private var storedPairs: Set<Int64>?

    private func statement(_ slot: inout Statement?, _ sql: String) throws -> Statement {
        if let s = slot { return s }
        let s = try db.makeStatement(sql: sql)
        slot = s
        return s
    }
    /// Two sets of tokenizers: the batch being prepared and the one before it may both be running.
    private var tokenizers: [[Tokenizer]] = [[], []]
    private var generation = 0

    init(db: Database, store: MemoryStore, overwrite: Bool) {
        self.db = db
        self.store = store
        self.overwrite = overwrite
    }

    struct PreparedVariant {
        var lang: String
        var langKey: String
        var text: String
        var norm: String
        var keys: IndexKeys
        var normHash: Int64
        var search: String
        var markup: String?
        var props: String?
        var notes: String?
    }

    func prepare(_ v: Variant) throws -> PreparedVariant { try MemoryWriter.prepare(v, tokenizer: store.tokenizer) }

    static func prepare(_ v: Variant, tokenizer: Tokenizer) throws -> PreparedVariant {
        let text = try v.text.normalized(.nfc)
        let norm = try TextKeys.normOfNFC(text)
        return PreparedVariant(lang: v.language, langKey: LanguageTag.primary(v.language), text: text,
                               norm: norm, keys: try tokenizer.indexKeys(text),
                               normHash: TextKeys.normHash(lang: v.language, norm: norm),
                               search: try TextKeys.search(text), markup: v.markup, props: encodeProps(v.properties),
                               notes: encodeNotes(v.notes))
    }

    /// Units and their prepared variants, filled by background workers.
    final class PendingBatch: @unchecked Sendable {
        let units: [TranslationUnit]
        var prepared: [[PreparedVariant]?]
        let group = DispatchGroup()
        let failure = ErrorBox()
        init(_ units: [TranslationUnit]) {
            self.units = units
            prepared = [[PreparedVariant]?](repeating: nil, count: units.count)
        }
    }

    /// Adds many units. Their texts are prepared in the background while the previous batch
    /// is stored; everything is stored by the end of the transaction (or by the next single `add`).
    public func add(_ units: [TranslationUnit]) throws {
        guard !units.isEmpty else { return }
        let next = PendingBatch(units)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount - 1, 8, units.count / 128 + 1))
        generation ^= 1
        while tokenizers[generation].count < workers { tokenizers[generation].append(try Tokenizer()) }
        let toks = Array(tokenizers[generation].prefix(workers))
        next.prepared.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            for w in 0..<workers {
                let tokenizer = toks[w]
                DispatchQueue.global().async(group: next.group) {
                    var i = w
                    while i < units.count {
                        do { out[i] = try units[i].variants.map { try MemoryWriter.prepare($0, tokenizer: tokenizer) } }
                        catch { next.failure.set(error); return }
                        i += workers
                    }
                }
            }
        }
        try flushPending()
        pending = next
    }

    /// Stores the batch being prepared, if any.
    func flushPending() throws {
        guard let p = pending else { return }
        pending = nil
        let t0 = DispatchTime.now().uptimeNanoseconds
        p.group.wait()
        let t1 = DispatchTime.now().uptimeNanoseconds
        defer {
            profile.waiting += t1 - t0
            profile.storing += DispatchTime.now().uptimeNanoseconds - t1
        }
        if let e = p.failure.error { throw e }
        bulkUnits += p.units.count
        if bulkUnits >= MemoryWriter.bulkThreshold { try loadStoredTexts() }
        for (u, prepared) in zip(p.units, p.prepared) { try add(u, prepared: prepared!) }
        if batch.entryCount > PostingBatch.flushLimit {
            let t = DispatchTime.now().uptimeNanoseconds
            try batch.apply(db)
            batch = PostingBatch()
            profile.postings += DispatchTime.now().uptimeNanoseconds - t
        }
    }

    /// Adds a unit; its first variant is the source for duplicate detection.
    @discardableResult
    public func add(_ unit: TranslationUnit) throws -> Int64 {
        try flushPending()
        return try add(unit, prepared: try unit.variants.map { try prepare($0) })
    }

    /// Reads the duplicate key of every stored variant into `storedTexts` (a scan of an index of integers).
    private func loadStoredTexts() throws {
        guard storedTexts == nil else { return }
        var set = Set<Int64>()
        let stmt = try db.makeStatement(sql: "SELECT norm_hash FROM variant INDEXED BY variant_norm_hash")
        let s = stmt.sqliteStatement
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: db.lastErrorMessage) }
            set.insert(sqlite3_column_int64(s, 0))
        }
        sqlite3_reset(s)
        storedTexts = set
        var pairs = Set<Int64>()
        let joined = try db.makeStatement(sql: "SELECT a.norm_hash, b.lang FROM variant a JOIN variant b ON b.unit_id = a.unit_id AND b.id <> a.id")
        let j = joined.sqliteStatement
        while true {
            let rc = sqlite3_step(j)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: db.lastErrorMessage) }
            let lang = String(cString: sqlite3_column_text(j, 1))
            pairs.insert(TextKeys.pairHash(sqlite3_column_int64(j, 0), lang))
        }
        sqlite3_reset(j)
        storedPairs = pairs
    }

    @discardableResult
    private func add(_ unit: TranslationUnit, prepared: [PreparedVariant]) throws -> Int64 {
        guard let source = unit.variants.first else { throw MemoryError.invalid("a unit needs at least one variant") }
        let src = prepared[0]
        let targets = prepared.dropFirst()

        // In a bulk write the in-memory sets answer most questions without SQL: a source never
        // stored, or stored but never with a variant in any of the target languages, is new.
        let sourceKnown = storedTexts.map { $0.contains(src.normHash) } ?? true
        // (A unit of the source alone merges with any unit of that source: no pair to ask about.)
        let pairKnown = sourceKnown && (targets.isEmpty
            || (storedPairs.map { set in targets.contains { set.contains(TextKeys.pairHash(src.normHash, $0.lang)) } } ?? true))
        var alternative = false
        if pairKnown {
            if let t0 = targets.first {
                // An exact duplicate, found from the translation's side (rarer than a common source).
                let candidates = try Int64.fetchAll(statement(&duplicateQuery, """
                    SELECT t.unit_id FROM variant t CROSS JOIN variant s ON s.unit_id = t.unit_id AND s.id <> t.id
                    WHERE t.norm_hash = ? AND t.lang = ? AND t.norm = ? AND s.norm_hash = ? AND s.lang = ? AND s.norm = ?
                    ORDER BY t.unit_id
                    """), arguments: [t0.normHash, t0.lang, t0.norm, src.normHash, source.language, src.norm])
                for unitID in candidates {
                    var same = true
                    if targets.count > 1 {
                        let existing = try Row.fetchAll(db.cachedStatement(sql: "SELECT lang, norm FROM variant WHERE unit_id = ?"), arguments: [unitID])
                        same = targets.allSatisfy { t in existing.contains { ($0["lang"] as String) == t.lang && ($0["norm"] as String) == t.norm } }
                    }
                    if same {
                        try mergeMetadata(into: unitID, from: unit)
                        report.merged += 1
                        return unitID
                    }
                }
                // Another translation into a language the source already has one in: an alternative.
                for t in targets where !alternative {
                    alternative = try Int64.fetchOne(statement(&alternativeQuery, """
                        SELECT s.unit_id FROM variant s CROSS JOIN variant t ON t.unit_id = s.unit_id AND t.id <> s.id
                        WHERE s.norm_hash = ? AND s.lang = ? AND s.norm = ? AND t.lang = ? LIMIT 1
                        """), arguments: [src.normHash, source.language, src.norm, t.lang]) != nil
                }
            } else if let unitID = try Int64.fetchOne(db.cachedStatement(sql: """
                SELECT min(unit_id) FROM variant WHERE norm_hash = ? AND lang = ? AND norm = ?
                """), arguments: [src.normHash, source.language, src.norm]) {
                // A unit of the source alone duplicates any unit with that source.
                try mergeMetadata(into: unitID, from: unit)
                report.merged += 1
                return unitID
            }
        }
        let sameSource: [Int64] = overwrite && sourceKnown ? try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT min(unit_id) FROM variant WHERE norm_hash = ? AND lang = ? AND norm = ? HAVING count(*) > 0
            """), arguments: [src.normHash, source.language, src.norm]) : []
        if overwrite, let unitID = sameSource.first {
            for t in targets {
                let old = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, keys FROM variant WHERE unit_id = ? AND lang = ?"),
                                           arguments: [unitID, t.lang])
                for row in old {
                    let id: Int64 = row["id"]
                    batch.remove(lang: t.langKey, keys: indexKeys(fromStored: row["keys"]), variant: UInt32(id))
                    try db.execute(sql: "DELETE FROM variant WHERE id = ?", arguments: [id])
                }
                try insertVariant(t, unit: unitID)
            }
            try mergeMetadata(into: unitID, from: unit)
            if storedPairs != nil {
                let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, norm_hash, lang FROM variant WHERE unit_id = ?"), arguments: [unitID])
                for a in rows {
                    for b in rows where (b["id"] as Int64) != (a["id"] as Int64) { storedPairs!.insert(TextKeys.pairHash(a["norm_hash"], b["lang"])) }
                }
            }
            report.replaced += 1
            return unitID
        }
        let now = Date()
        let ins = RawStatement(try statement(&unitInsert, """
            INSERT INTO unit(created_at, created_by, changed_at, changed_by, origin_file, origin_key,
                             context_prev, context_next, usage_count, props, notes, last_used)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """))
        ins.bind(1, (unit.createdAt ?? now).timeIntervalSince1970)
        ins.bind(2, unit.createdBy)
        ins.bind(3, (unit.changedAt ?? unit.createdAt ?? now).timeIntervalSince1970)
        ins.bind(4, unit.changedBy ?? unit.createdBy)
        ins.bind(5, unit.originFile)
        ins.bind(6, unit.originKey)
        ins.bind(7, unit.contextPrevious)
        ins.bind(8, unit.contextNext)
        ins.bind(9, Int64(unit.usageCount))
        ins.bind(10, encodeProps(unit.properties))
        ins.bind(11, encodeNotes(unit.notes))
        ins.bind(12, unit.lastUsedAt?.timeIntervalSince1970)
        try ins.run(db)
        let unitID = db.lastInsertedRowID
        for v in prepared { try insertVariant(v, unit: unitID) }
        if storedPairs != nil {
            for (i, a) in prepared.enumerated() {
                for (j, b) in prepared.enumerated() where i != j { storedPairs!.insert(TextKeys.pairHash(a.normHash, b.lang)) }
            }
        }
        // Another translation into a language the source already has one in is an alternative;
        // a translation into a new language is simply a new unit.
        if alternative { report.alternatives += 1 } else { report.added += 1 }
        return unitID
    }

    private func insertVariant(_ v: PreparedVariant, unit: Int64) throws {
        let ins = RawStatement(try statement(&variantInsert, """
            INSERT INTO variant(unit_id, lang, lang_key, text, norm, keys, word_count, search, markup, props, notes, norm_hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """))
        ins.bind(1, unit)
        ins.bind(2, v.lang)
        ins.bind(3, v.langKey)
        ins.bind(4, v.text)
        ins.bind(5, v.norm)
        ins.bind(6, text: v.keys.joined)
        ins.bind(7, Int64(v.keys.count))
        ins.bind(8, v.search)
        ins.bind(9, v.markup)
        ins.bind(10, v.props)
        ins.bind(11, v.notes)
        ins.bind(12, v.normHash)
        try ins.run(db)
        let id = db.lastInsertedRowID
        guard id < Int64(UInt32.max) else { throw MemoryError.invalid("the memory is full (more than 4 billion variants)") }
        batch.add(lang: v.langKey, keys: v.keys, variant: UInt32(id), words: v.keys.count)
        storedTexts?.insert(v.normHash)
    }

    private func mergeMetadata(into unitID: Int64, from unit: TranslationUnit) throws {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT props, notes FROM unit WHERE id = ?"),
                                         arguments: [unitID]) else { return }
        var props = decodeProps(row["props"])
        for p in unit.properties where !props.contains(p) { props.append(p) }
        var notes = decodeNotes(row["notes"])
        for n in unit.notes where !notes.contains(n) { notes.append(n) }
        try db.cachedStatement(sql: """
            UPDATE unit SET changed_at = ?, changed_by = COALESCE(?, changed_by), props = ?, notes = ?,
                origin_file = COALESCE(origin_file, ?), origin_key = COALESCE(origin_key, ?),
                context_prev = COALESCE(context_prev, ?), context_next = COALESCE(context_next, ?),
                usage_count = max(usage_count, ?)
            WHERE id = ?
            """).execute(arguments: [(unit.changedAt ?? Date()).timeIntervalSince1970, unit.changedBy ?? unit.createdBy,
                             encodeProps(props), encodeNotes(notes), unit.originFile, unit.originKey,
                             unit.contextPrevious, unit.contextNext, unit.usageCount, unitID])
    }

    /// Removes a unit and its index entries; false when there is no such unit.
    public func remove(id: Int64) throws -> Bool {
        let rows = try Row.fetchAll(db, sql: "SELECT id, lang_key, keys FROM variant WHERE unit_id = ?", arguments: [id])
        for r in rows {
            let vid: Int64 = r["id"]
            batch.remove(lang: r["lang_key"], keys: indexKeys(fromStored: r["keys"]), variant: UInt32(vid))
        }
        try db.execute(sql: "DELETE FROM variant WHERE unit_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM unit WHERE id = ?", arguments: [id])
        let done = db.changesCount > 0
        if done { report.removed += 1 }
        return done
    }

    /// Index keys (with repeat suffixes) from the stored word keys.
    private func indexKeys(fromStored keys: String) -> [String] {
        var seen: [Substring: Int] = [:]
        return keys.split(separator: "\u{1F}").map { k in
            let n = (seen[k] ?? 0) + 1
            seen[k] = n
            return n == 1 ? String(k) : String(k) + "\u{1}\(n)"
        }
    }
}

final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var error: Error?
    func set(_ e: Error) { lock.lock(); if error == nil { error = e }; lock.unlock() }
}

public enum MemoryError: Error, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self { case .invalid(let m): m }
    }
}

extension MemoryStore {
    /// Runs `body` in one write transaction: all of it is stored, or (on any error) nothing.
    ///
    /// - Parameter bulk: a large import. A transaction of hundreds of megabytes is slow in WAL mode
    ///   (every page read searches the growing log), so when no other process has the memory open
    ///   the transaction runs with a rollback journal instead, and the memory goes back to WAL after
    ///   it. Either way it is all or nothing; an interrupted import is rolled back on the next open.
    @discardableResult
    public func write(overwrite: Bool = false, bulk: Bool = false, _ body: (MemoryWriter) throws -> Void) throws -> WriteReport {
        invalidatePostingCache()
        defer { invalidatePostingCache() }
        if bulk, enterRollbackJournal() {
            defer { leaveRollbackJournal() }
            return try writeTransaction(overwrite: overwrite, body)
        }
        return try writeTransaction(overwrite: overwrite, body)
    }

    /// Switches the memory from WAL to a rollback journal; false when another connection holds it.
    private func enterRollbackJournal() -> Bool {
        (try? db.writeWithoutTransaction { db -> Bool in
            try db.execute(sql: "PRAGMA busy_timeout = 200")
            defer { try? db.execute(sql: "PRAGMA busy_timeout = 10000") }
            return try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")?.lowercased() == "delete"
        }) ?? false
    }

    private func leaveRollbackJournal() {
        _ = try? db.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
    }

    private func writeTransaction(overwrite: Bool, _ body: (MemoryWriter) throws -> Void) throws -> WriteReport {
        return try db.write { db in
            let writer = MemoryWriter(db: db, store: self, overwrite: overwrite)
            do { try body(writer) } catch { writer.abandonPending(); throw error }
            try writer.flushPending()
            let t = DispatchTime.now().uptimeNanoseconds
            try writer.batch.apply(db)
            writer.profile.postings += DispatchTime.now().uptimeNanoseconds - t
            if ProcessInfo.processInfo.environment["TMKIT_PROFILE"] != nil {
                let p = writer.profile
                FileHandle.standardError.write(Data(String(format: "write profile: waiting for preparation %.2f s, storing %.2f s, posting lists %.2f s\n",
                                                           Double(p.waiting) / 1e9, Double(p.storing) / 1e9, Double(p.postings) / 1e9).utf8))
            }
            return writer.report
        }
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

func decodeList<T: Decodable>(_ s: String?) -> [T] {
    guard let s, let d = s.data(using: .utf8) else { return [] }
    return (try? JSONDecoder().decode([T].self, from: d)) ?? []
}

func encodeProps(_ props: [Property]) -> String? {
    guard !props.isEmpty else { return nil }
    var out = "["
    for (i, p) in props.enumerated() {
        if i > 0 { out += "," }
        out += "{\"type\":"
        StoredJSON.appendString(p.type, to: &out)
        out += ",\"value\":"
        StoredJSON.appendString(p.value, to: &out)
        out += "}"
    }
    return out + "]"
}

func decodeProps(_ s: String?) -> [Property] {
    guard let s else { return [] }
    if let items = StoredJSON.parseArray(s) {
        var out: [Property] = []
        for item in items {
            guard case .object(let fields) = item else { return decodeList(s) }
            out.append(Property(type: fields["type"] ?? "", value: fields["value"] ?? ""))
        }
        return out
    }
    return decodeList(s)
}

func encodeNotes(_ notes: [String]) -> String? {
    guard !notes.isEmpty else { return nil }
    var out = "["
    for (i, n) in notes.enumerated() {
        if i > 0 { out += "," }
        StoredJSON.appendString(n, to: &out)
    }
    return out + "]"
}

func decodeNotes(_ s: String?) -> [String] {
    guard let s else { return [] }
    if let items = StoredJSON.parseArray(s) {
        var out: [String] = []
        for item in items {
            guard case .string(let v) = item else { return decodeList(s) }
            out.append(v)
        }
        return out
    }
    return decodeList(s)
}

/// The JSON of the props and notes columns, written and read by hand: arrays of strings or of
/// objects with string fields (JSONEncoder/Decoder cost more than the rest of an export).
enum StoredJSON {
    enum Item { case string(String), object([String: String]) }

    static func appendString(_ s: String, to out: inout String) { JSONString.append(s, to: &out) }

    /// The items of a JSON array of strings or flat string objects; nil for anything else.
    static func parseArray(_ s: String) -> [Item]? {
        var copy = s
        return copy.withUTF8 { b -> [Item]? in
            var i = 0
            func space() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
            func string() -> String? { JSONString.read(b, at: &i, validated: true) } // a Swift String's bytes
            space()
            guard i < b.count, b[i] == 0x5B else { return nil }
            i += 1
            var items: [Item] = []
            space()
            if i < b.count, b[i] == 0x5D { return [] }
            while true {
                space()
                guard i < b.count else { return nil }
                if b[i] == 0x22 {
                    guard let v = string() else { return nil }
                    items.append(.string(v))
                } else if b[i] == 0x7B {
                    i += 1
                    var fields: [String: String] = [:]
                    space()
                    if i < b.count, b[i] == 0x7D { i += 1 } else {
                        while true {
                            space()
                            guard let k = string() else { return nil }
                            space()
                            guard i < b.count, b[i] == 0x3A else { return nil }
                            i += 1
                            space()
                            guard let v = string() else { return nil }
                            fields[k] = v
                            space()
                            guard i < b.count else { return nil }
                            if b[i] == 0x2C { i += 1; continue }
                            if b[i] == 0x7D { i += 1; break }
                            return nil
                        }
                    }
                    items.append(.object(fields))
                } else {
                    return nil
                }
                space()
                guard i < b.count else { return nil }
                if b[i] == 0x2C { i += 1; continue }
                if b[i] == 0x5D { return items }
                return nil
            }
        }
    }
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
        text.withUnsafeBufferPointer { b in
            if let base = b.baseAddress {
                _ = base.withMemoryRebound(to: CChar.self, capacity: b.count) { sqlite3_bind_text(s, i, $0, Int32(b.count), RawStatement.transientDestructor) }
            } else {
                sqlite3_bind_text(s, i, "", 0, RawStatement.transientDestructor)
            }
        }
    }
    func bind(_ i: Int32, _ v: Double?) {
        if let v { sqlite3_bind_double(s, i, v) } else { sqlite3_bind_null(s, i) }
    }
    func bind(_ i: Int32, _ v: Int64) { sqlite3_bind_int64(s, i, v) }

    func run(_ db: Database) throws {
        let rc = sqlite3_step(s)
        sqlite3_reset(s)
        guard rc == SQLITE_DONE else { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: db.lastErrorMessage) }
    }
}
