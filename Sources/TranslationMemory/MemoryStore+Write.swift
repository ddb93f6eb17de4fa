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
/// (normalization, word keys, search text) on the other cores while the previous batch is stored.
/// A unit is one row; the duplicate keys (`DuplicateIndex`) and posting lists (`PostingBatch`)
/// are gathered in memory and written when the batch grows large and at the end.
public final class MemoryWriter {
    let db: Database
    let store: MemoryStore
    let overwrite: Bool
    var batch = PostingBatch()
    var duplicates = DuplicateIndex()
    public private(set) var report = WriteReport()
    /// Where a bulk write spent its time (printed when TMKIT_PROFILE is set).
    var profile = (waiting: UInt64(0), storing: UInt64(0), postings: UInt64(0))

    /// A batch being prepared in the background.
    private var pending: PendingBatch?
    /// Statements prepared once per write (not looked up by their SQL for every row).
    private var unitInsert: Statement?

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
        /// NFC.
        var text: String
        var keys: IndexKeys
        var normHash: Int64
        var markup: String?
        var props: String?
        var notes: String?

        /// `TextKeys.normOfNFC` of the text (compared only when a duplicate key matches).
        var norm: String { (try? TextKeys.normOfNFC(text)) ?? text }
    }

    /// A unit ready to be stored: its variants' keys, and the row (packed data and search text)
    /// that is inserted when it is new. Made by the background workers of a bulk add.
    struct PreparedUnit {
        var variants: [PreparedVariant]
        var data: [UInt8]
        var search: [UInt8]
    }

    func prepare(_ u: TranslationUnit) throws -> PreparedUnit { try MemoryWriter.prepare(u, tokenizer: store.tokenizer) }

    static func prepare(_ v: Variant, tokenizer: Tokenizer) throws -> PreparedVariant {
        let text = try v.text.normalized(.nfc)
        let norm = try TextKeys.normOfNFC(text)
        return PreparedVariant(lang: v.language, langKey: LanguageTag.primary(v.language), text: text,
                               keys: try tokenizer.indexKeys(text),
                               normHash: TextKeys.normHash(lang: v.language, norm: norm),
                               markup: v.markup, props: encodeProps(v.properties), notes: encodeNotes(v.notes))
    }

    static func prepare(_ unit: TranslationUnit, tokenizer: Tokenizer) throws -> PreparedUnit {
        guard !unit.variants.isEmpty else { throw MemoryError.invalid("a unit needs at least one variant") }
        let prepared = try unit.variants.map { try prepare($0, tokenizer: tokenizer) }
        var w = PackedUnit.Writer()
        w.bytes.reserveCapacity(64 + prepared.reduce(0) { $0 + 2 * $1.text.utf8.count })
        var u = unit
        // (Missing dates are written when the row is stored: `stamp`.)
        u.changedAt = unit.changedAt ?? unit.createdAt
        u.changedBy = unit.changedBy ?? unit.createdBy
        PackedUnit.writeHeader(u, into: &w)
        var search: [UInt8] = []
        for v in prepared {
            PackedUnit.writeVariant(language: v.lang, text: v.text, markup: v.markup, props: v.props, notes: v.notes,
                                    keys: v.keys, into: &w)
            PackedUnit.appendSearch(langKey: v.langKey, folded: try TextKeys.searchBytes(v.text), to: &search)
        }
        return PreparedUnit(variants: prepared, data: w.bytes, search: search)
    }

    /// Units and their prepared rows, filled by background workers.
    final class PendingBatch: @unchecked Sendable {
        let units: [TranslationUnit]
        var prepared: [PreparedUnit?]
        let group = DispatchGroup()
        let failure = ErrorBox()
        init(_ units: [TranslationUnit]) {
            self.units = units
            prepared = [PreparedUnit?](repeating: nil, count: units.count)
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
                        do { out[i] = try MemoryWriter.prepare(units[i], tokenizer: tokenizer) }
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
        for (u, prepared) in zip(p.units, p.prepared) { try add(u, prepared: prepared!) }
        if batch.entryCount > PostingBatch.flushLimit { try flushIndexes() }
    }

    /// Writes the gathered posting lists and duplicate keys.
    func flushIndexes() throws {
        let t = DispatchTime.now().uptimeNanoseconds
        try batch.apply(db)
        batch = PostingBatch()
        try duplicates.flush(db)
        profile.postings += DispatchTime.now().uptimeNanoseconds - t
    }

    /// Adds a unit; its first variant is the source for duplicate detection.
    @discardableResult
    public func add(_ unit: TranslationUnit) throws -> Int64 {
        try flushPending()
        return try add(unit, prepared: try prepare(unit))
    }

    /// A stored unit and its id, as a write reads and rewrites it.
    typealias Stored = (id: Int64, unit: TranslationUnit, variants: [PackedUnit.StoredVariant])

    private func load(_ id: Int64) throws -> Stored? {
        try store.loadStored(db, id: id).map { (id, $0.unit, $0.variants) }
    }

    private static func norm(_ v: Variant) -> String { (try? TextKeys.normOfNFC(v.text)) ?? v.text }
    private static func normHash(_ v: Variant) -> Int64 { TextKeys.normHash(lang: v.language, norm: norm(v)) }

    @discardableResult
    private func add(_ unit: TranslationUnit, prepared row: PreparedUnit) throws -> Int64 {
        // (Fields are read in place: an import adds millions of units, and copying a prepared
        // variant retains each of its strings and arrays.)
        let srcLang = row.variants[0].lang
        let srcHash = row.variants[0].normHash
        lazy var srcNorm = row.variants[0].norm

        /// Where a unit holds the source (same language tag, same normalised text).
        func sourceIndex(_ u: TranslationUnit) -> Int? {
            u.variants.firstIndex { $0.language == srcLang && MemoryWriter.norm($0) == srcNorm }
        }
        /// The first unit (by id) holding the source.
        func firstHolder() throws -> Stored? {
            for id in try duplicates.units(db, hash: srcHash) {
                if let h = try load(id), sourceIndex(h.unit) != nil { return h }
            }
            return nil
        }
        guard row.variants.count > 1 else {
            // A unit of the source alone duplicates any unit with that source.
            if let h = try firstHolder() {
                try mergeMetadata(into: h, from: unit)
                report.merged += 1
                return h.id
            }
            let id = try insert(unit, row)
            report.added += 1
            return id
        }
        let firstTargetLang = row.variants[1].lang
        // Units holding the source and a translation into a target's language are found by that
        // pair's key: few, even for a source stored in many languages.
        // Variants are matched one to one (a source translated into its own language by the same text
        // needs two variants of that text).
        func holdsAll(_ u: TranslationUnit) -> Bool {
            var left = u.variants.map { ($0.language, MemoryWriter.norm($0)) }
            for v in row.variants {
                let norm = v.norm
                guard let k = left.firstIndex(where: { $0.0 == v.lang && $0.1 == norm }) else { return false }
                left.remove(at: k)
            }
            return true
        }
        func translates(_ u: TranslationUnit, into lang: String) -> Bool {
            guard let s = sourceIndex(u) else { return false }
            return u.variants.indices.contains { $0 != s && u.variants[$0].language == lang }
        }
        var alternative = false
        for t in 1..<row.variants.count {
            let lang = row.variants[t].lang
            if alternative && lang != firstTargetLang { continue }
            for id in try duplicates.units(db, hash: TextKeys.pairHash(srcHash, lang)) {
                guard let h = try load(id), translates(h.unit, into: lang) else { continue }
                if lang == firstTargetLang, holdsAll(h.unit) {
                    // The same source and translations: an exact duplicate.
                    try mergeMetadata(into: h, from: unit)
                    report.merged += 1
                    return id
                }
                // Another translation into a language the source already has one in: an alternative.
                alternative = true
            }
        }
        if overwrite, let h = try firstHolder() {
            try replaceTargets(of: h, with: Array(row.variants.dropFirst()), from: unit)
            report.replaced += 1
            return h.id
        }
        let unitID = try insert(unit, row)
        // (A translation into a new language is simply a new unit.)
        if alternative { report.alternatives += 1 } else { report.added += 1 }
        return unitID
    }

    /// Keys under which a unit's variants are found: each text's, and each text's paired with
    /// the language of each other variant (`TextKeys.pairHash`).
    static func duplicateKeys(_ variants: [(normHash: Int64, lang: String)]) -> [Int64] {
        var out: [Int64] = []
        forEachDuplicateKey(count: variants.count, hash: { variants[$0].normHash }, lang: { variants[$0].lang }) { out.append($0) }
        return out
    }

    /// `duplicateKeys` without building arrays.
    @inline(__always)
    static func forEachDuplicateKey(count: Int, hash: (Int) -> Int64, lang: (Int) -> String, _ body: (Int64) -> Void) {
        for i in 0..<count { body(hash(i)) }
        for i in 0..<count {
            for j in 0..<count where i != j { body(TextKeys.pairHash(hash(i), lang(j))) }
        }
    }

    /// Stores a new unit from its prepared row.
    private func insert(_ unit: TranslationUnit, _ row: PreparedUnit) throws -> Int64 {
        let ins = RawStatement(try statement(&unitInsert, "INSERT INTO unit(data, search) VALUES (?, ?)"))
        if unit.createdAt == nil || unit.changedAt == nil {
            var data = row.data
            PackedUnit.stamp(&data, now: Date())
            data.withUnsafeBytes { b in _ = sqlite3_bind_blob(ins.s, 1, b.baseAddress, Int32(b.count), RawStatement.transientDestructor) }
        } else {
            row.data.withUnsafeBytes { b in _ = sqlite3_bind_blob(ins.s, 1, b.baseAddress, Int32(b.count), RawStatement.transientDestructor) }
        }
        ins.bind(2, text: row.search)
        try ins.run(db)
        let unitID = db.lastInsertedRowID
        guard unitID < Int64(UInt32.max) else { throw MemoryError.invalid("the memory is full (more than 4 billion units)") }
        for i in row.variants.indices {
            batch.add(lang: row.variants[i].langKey, keys: row.variants[i].keys, variant: UInt32(unitID), words: row.variants[i].keys.count)
        }
        MemoryWriter.forEachDuplicateKey(count: row.variants.count, hash: { row.variants[$0].normHash }, lang: { row.variants[$0].lang }) {
            duplicates.add(hash: $0, unit: unitID)
        }
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
        for k in MemoryWriter.duplicateKeys(h.variants.map { (MemoryWriter.normHash($0.variant), $0.variant.language) }) {
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
        for k in MemoryWriter.duplicateKeys(kept.map { (MemoryWriter.normHash($0.variant), $0.variant.language) }) {
            duplicates.add(hash: k, unit: h.id)
        }
        var u = h.unit
        u.variants = kept.map(\.variant)
        try mergeMetadata(into: (h.id, u, kept), from: unit)
    }

    /// Rewrites a stored unit with its metadata merged with `unit`'s.
    private func mergeMetadata(into h: Stored, from unit: TranslationUnit) throws {
        var u = h.unit
        for p in unit.properties where !u.properties.contains(p) { u.properties.append(p) }
        for n in unit.notes where !u.notes.contains(n) { u.notes.append(n) }
        u.changedAt = unit.changedAt ?? Date()
        u.changedBy = unit.changedBy ?? unit.createdBy ?? u.changedBy
        u.originFile = u.originFile ?? unit.originFile
        u.originKey = u.originKey ?? unit.originKey
        u.contextPrevious = u.contextPrevious ?? unit.contextPrevious
        u.contextNext = u.contextNext ?? unit.contextNext
        u.usageCount = max(u.usageCount, unit.usageCount)
        try rewrite(h.id, u, h.variants)
    }

    private func rewrite(_ id: Int64, _ u: TranslationUnit, _ variants: [PackedUnit.StoredVariant]) throws {
        var header = u
        header.variants = variants.map(\.variant)
        let data = PackedUnit.encode(header, keys: variants.map { (Array($0.keys.utf8), $0.wordCount) })
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
        for k in MemoryWriter.duplicateKeys(variants.map { (MemoryWriter.normHash($0.variant), $0.variant.language) }) {
            duplicates.remove(hash: k, unit: id)
        }
        try db.execute(sql: "DELETE FROM unit WHERE id = ?", arguments: [id])
        report.removed += 1
        return true
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
            try writer.flushIndexes()
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
