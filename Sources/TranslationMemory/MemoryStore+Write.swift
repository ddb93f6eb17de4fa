import Foundation
import GRDB
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
public final class MemoryWriter {
    let db: Database
    let store: MemoryStore
    let overwrite: Bool
    var batch = PostingBatch()
    public private(set) var report = WriteReport()

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
        var keys: [String]
        var indexKeys: [String]
        var search: String
        var markup: String?
        var props: String?
        var notes: String?
    }

    func prepare(_ v: Variant) throws -> PreparedVariant { try MemoryWriter.prepare(v, tokenizer: store.tokenizer) }

    static func prepare(_ v: Variant, tokenizer: Tokenizer) throws -> PreparedVariant {
        let text = try v.text.normalized(.nfc)
        let tokens = try tokenizer.tokenize(text)
        return PreparedVariant(lang: v.language, langKey: LanguageTag.primary(v.language), text: text,
                               norm: try TextKeys.norm(text), keys: tokens.wordKeys, indexKeys: tokens.indexKeys,
                               search: try TextKeys.search(text), markup: v.markup, props: encodeProps(v.properties),
                               notes: encodeNotes(v.notes))
    }

    /// Adds many units, preparing their texts (normalization, tokens, keys) on all cores.
    public func add(_ units: [TranslationUnit]) throws {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, 8, max(1, units.count / 256))
        var prepared = [[PreparedVariant]?](repeating: nil, count: units.count)
        if workers <= 1 {
            prepared = try units.map { try $0.variants.map { try prepare($0) } }
        } else {
            let tokenizers = try (0..<workers).map { _ in try Tokenizer() }
            let failure = ErrorBox()
            prepared.withUnsafeMutableBufferPointer { out in
                nonisolated(unsafe) let out = out
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    var i = w
                    while i < units.count {
                        do { out[i] = try units[i].variants.map { try MemoryWriter.prepare($0, tokenizer: tokenizers[w]) } }
                        catch { failure.set(error) }
                        i += workers
                    }
                }
            }
            if let e = failure.error { throw e }
        }
        for (u, p) in zip(units, prepared) { try add(u, prepared: p!) }
    }

    /// Adds a unit; its first variant is the source for duplicate detection.
    @discardableResult
    public func add(_ unit: TranslationUnit) throws -> Int64 {
        try add(unit, prepared: try unit.variants.map { try prepare($0) })
    }

    @discardableResult
    private func add(_ unit: TranslationUnit, prepared: [PreparedVariant]) throws -> Int64 {
        guard let source = unit.variants.first else { throw MemoryError.invalid("a unit needs at least one variant") }
        let src = prepared[0]
        let targets = prepared.dropFirst()

        // Units with the same source text.
        let sameSource = try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT unit_id FROM variant WHERE lang_key = ? AND norm = ? AND lang = ? ORDER BY unit_id
            """), arguments: [src.langKey, src.norm, source.language])
        var alternative = false
        for unitID in sameSource {
            let existing = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, lang, norm FROM variant WHERE unit_id = ?"), arguments: [unitID])
            if targets.contains(where: { t in existing.contains { ($0["lang"] as String) == t.lang } }) { alternative = true }
            let same = targets.allSatisfy { t in existing.contains { ($0["lang"] as String) == t.lang && ($0["norm"] as String) == t.norm } }
            if same {
                try mergeMetadata(into: unitID, from: unit)
                report.merged += 1
                return unitID
            }
        }
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
            report.replaced += 1
            return unitID
        }
        let now = Date()
        try db.cachedStatement(sql: """
            INSERT INTO unit(created_at, created_by, changed_at, changed_by, origin_file, origin_key,
                             context_prev, context_next, usage_count, props, notes, last_used)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [(unit.createdAt ?? now).timeIntervalSince1970, unit.createdBy,
                             (unit.changedAt ?? unit.createdAt ?? now).timeIntervalSince1970, unit.changedBy ?? unit.createdBy,
                             unit.originFile, unit.originKey, unit.contextPrevious, unit.contextNext, unit.usageCount,
                             encodeProps(unit.properties), encodeNotes(unit.notes), unit.lastUsedAt?.timeIntervalSince1970])
        let unitID = db.lastInsertedRowID
        for v in prepared { try insertVariant(v, unit: unitID) }
        // Another translation into a language the source already has one in is an alternative;
        // a translation into a new language is simply a new unit.
        if alternative { report.alternatives += 1 } else { report.added += 1 }
        return unitID
    }

    private func insertVariant(_ v: PreparedVariant, unit: Int64) throws {
        try db.cachedStatement(sql: """
            INSERT INTO variant(unit_id, lang, lang_key, text, norm, keys, word_count, search, markup, props, notes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [unit, v.lang, v.langKey, v.text, v.norm, v.keys.joined(separator: "\u{1F}"), v.keys.count, v.search,
                                     v.markup, v.props, v.notes])
        let id = db.lastInsertedRowID
        guard id < Int64(UInt32.max) else { throw MemoryError.invalid("the memory is full (more than 4 billion variants)") }
        batch.add(lang: v.langKey, keys: v.indexKeys, variant: UInt32(id), words: v.keys.count)
    }

    private func mergeMetadata(into unitID: Int64, from unit: TranslationUnit) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT props, notes, origin_file, origin_key, context_prev, context_next FROM unit WHERE id = ?",
                                         arguments: [unitID]) else { return }
        var props = decodeProps(row["props"])
        for p in unit.properties where !props.contains(p) { props.append(p) }
        var notes = decodeNotes(row["notes"])
        for n in unit.notes where !notes.contains(n) { notes.append(n) }
        try db.execute(sql: """
            UPDATE unit SET changed_at = ?, changed_by = COALESCE(?, changed_by), props = ?, notes = ?,
                origin_file = COALESCE(origin_file, ?), origin_key = COALESCE(origin_key, ?),
                context_prev = COALESCE(context_prev, ?), context_next = COALESCE(context_next, ?),
                usage_count = max(usage_count, ?)
            WHERE id = ?
            """, arguments: [(unit.changedAt ?? Date()).timeIntervalSince1970, unit.changedBy ?? unit.createdBy,
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
    @discardableResult
    public func write(overwrite: Bool = false, _ body: (MemoryWriter) throws -> Void) throws -> WriteReport {
        invalidatePostingCache()
        defer { invalidatePostingCache() }
        return try db.write { db in
            let writer = MemoryWriter(db: db, store: self, overwrite: overwrite)
            try body(writer)
            try writer.batch.apply(db)
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

func encodeProps(_ props: [Property]) -> String? { encodeList(props) }
func decodeProps(_ s: String?) -> [Property] { decodeList(s) }
func encodeNotes(_ notes: [String]) -> String? { encodeList(notes) }
func decodeNotes(_ s: String?) -> [String] { decodeList(s) }
