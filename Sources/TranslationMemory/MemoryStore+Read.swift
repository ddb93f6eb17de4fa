import Foundation
import GRDB
import GRDBSQLite
import ICUText

/// A fuzzy match found by `MemoryStore.lookup`.
public struct Match: Sendable {
    public var unit: TranslationUnit
    /// 0-100, or 101 for a context match.
    public var score: Int
    public var source: Variant
    /// The translation in the requested target language (nil when the unit has none).
    public var target: Variant?
    /// Word-level differences between the query and `source`.
    public var diff: [FuzzyScorer.DiffOp]
    /// The penalties that lowered the score, by kind.
    public var penalties: [String: Int]
}

public struct LookupOptions: Sendable {
    public var threshold = 75
    public var limit = 5
    /// Score every unit of the source language instead of using the index.
    public var exhaustive = false
    /// The source segments before and after the query, for context matches (101).
    public var contextPrevious: String?
    public var contextNext: String?
    public init(threshold: Int = 75, limit: Int = 5, exhaustive: Bool = false) {
        self.threshold = threshold
        self.limit = limit
        self.exhaustive = exhaustive
    }
}

/// A unit containing a concordance phrase, with where it occurs.
public struct ConcordanceHit: Sendable {
    public var unit: TranslationUnit
    public var source: Variant
    public var target: Variant?
    /// Ranges of the phrase in the searched side's text (source or target).
    public var ranges: [Range<String.Index>]
    public var searchedTarget: Bool
}

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
        let q = try tokenizer.tokenize(try query.normalized(.nfc))
        let threshold = max(0, min(100, options.threshold))
        try checkPostingCache(db)
        do {
            let candidates: [Int64]
            if options.exhaustive || FuzzyScorer.requiredOverlap(queryWords: q.wordKeys.count, candidateWords: q.wordKeys.count, threshold: threshold) <= 0 {
                candidates = try scanCandidates(db, q, LanguageTag.primary(sourceLanguage), threshold)
            } else {
                candidates = try indexCandidates(db, q, LanguageTag.primary(sourceLanguage), threshold)
            }
            return try verify(db, candidates, q, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage,
                              threshold: threshold, options: options)
        }
    }

    /// Candidates from the posting lists: prefix filtering on the rarest keys, then a count
    /// filter over all keys and a length filter. Sound: no unit that can reach the threshold
    /// is dropped (see `FuzzyScorer`).
    private func indexCandidates(_ db: Database, _ q: TokenizedText, _ langKey: String, _ t: Int) throws -> [Int64] {
        let keys = q.indexKeys
        let n = keys.count
        if n == 0 {
            return try Int64.fetchAll(db, sql: "SELECT id FROM variant WHERE lang_key = ? AND word_count = 0", arguments: [langKey])
        }
        let stmt = try db.cachedStatement(sql: PostingBatch.readSQL)
        var lists: [PostingList] = []
        for k in keys {
            let cacheKey = langKey + "\0" + k
            if let cached = postingCache[cacheKey] { lists.append(cached); continue }
            let list = try PostingBatch.read(stmt, lang: langKey, key: k, db: db)
            if list.bytes.count >= 64 << 10, postingCacheBytes + list.bytes.count <= MemoryStore.postingCacheLimit {
                postingCache[cacheKey] = list
                postingCacheBytes += list.bytes.count
            }
            lists.append(list)
        }
        lists.sort { $0.count < $1.count }
        let cmin = FuzzyScorer.requiredOverlap(queryWords: n, candidateWords: n, threshold: t)
        let prefix = n - cmin + 1
        var hits: [UInt32: (words: UInt32, count: Int)] = [:]
        for list in lists.prefix(prefix) {
            for i in 0..<list.count {
                let e = list.entry(i)
                hits[e.variant, default: (e.words, 0)].count += 1
            }
        }
        // Drop what cannot reach the threshold on length alone, then count the other lists.
        hits = hits.filter { FuzzyScorer.lengthBound(queryWords: n, candidateWords: Int($0.value.words)) >= t }
        let rest = lists.dropFirst(prefix)
        var remaining = rest.count
        for list in rest {
            remaining -= 1
            for (id, h) in hits {
                if list.contains(id) { hits[id]!.count += 1 }
                else if h.count + remaining < FuzzyScorer.requiredOverlap(queryWords: n, candidateWords: Int(h.words), threshold: t) {
                    hits[id] = nil
                }
            }
        }
        return hits.filter { $0.value.count >= FuzzyScorer.requiredOverlap(queryWords: n, candidateWords: Int($0.value.words), threshold: t) }
            .keys.map(Int64.init).sorted()
    }

    /// Candidates from a scan of every variant of the language: bounded edit distance on keys.
    private func scanCandidates(_ db: Database, _ q: TokenizedText, _ langKey: String, _ t: Int) throws -> [Int64] {
        let qkeys = q.wordKeys.map { Substring($0) }[...]
        let n = qkeys.count
        var out: [Int64] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT id, keys, word_count FROM variant WHERE lang_key = ?", arguments: [langKey])
        while let row = try rows.next() {
            let m: Int = row[2]
            if FuzzyScorer.lengthBound(queryWords: n, candidateWords: m) < t { continue }
            let L = max(n, m)
            let maxD = (L * (100 - t)) / 100
            let keys: String = row[1]
            let ckeys = keys.split(separator: "\u{1F}")[...]
            if boundedLevenshtein(qkeys, ckeys, limit: maxD) != nil { out.append(row[0]) }
        }
        return out
    }

    /// Scores each candidate exactly and builds the matches.
    private func verify(_ db: Database, _ ids: [Int64], _ q: TokenizedText, sourceLanguage: String,
                        targetLanguage: String?, threshold: Int, options: LookupOptions) throws -> [Match] {
        let scorer = FuzzyScorer()
        let stmt = try db.cachedStatement(sql: "SELECT unit_id, lang, text FROM variant WHERE id = ?")
        var scored: [(unitID: Int64, source: Variant, result: FuzzyScorer.Result)] = []
        for id in ids {
            guard let row = try Row.fetchOne(stmt, arguments: [id]) else { continue }
            let lang: String = row[1]
            guard LanguageTag.matches(lang, requested: sourceLanguage) else { continue }
            let text: String = row[2]
            let r = scorer.score(q, try tokenizer.tokenize(text))
            if r.score >= threshold { scored.append((row[0], Variant(language: lang, text: text), r)) }
        }
        var matches: [Match] = []
        for s in scored {
            guard let unit = try loadUnit(db, id: s.unitID) else { continue }
            var score = s.result.score
            if score == 100, let prev = options.contextPrevious, let next = options.contextNext,
               try unit.contextPrevious.map(TextKeys.norm) == TextKeys.norm(prev),
               try unit.contextNext.map(TextKeys.norm) == TextKeys.norm(next) {
                score = 101
            }
            let targets = targetLanguage.map { t in unit.variants.filter { LanguageTag.matches($0.language, requested: t) } } ?? []
            if targetLanguage != nil && targets.isEmpty { continue }
            for target in targets.isEmpty ? [nil] : targets.map(Optional.some) {
                matches.append(Match(unit: unit, score: score, source: s.source, target: target,
                                     diff: s.result.diff, penalties: s.result.penalties))
            }
        }
        matches.sort {
            if $0.score != $1.score { return $0.score > $1.score }
            if $0.unit.usageCount != $1.unit.usageCount { return $0.unit.usageCount > $1.unit.usageCount }
            return ($0.unit.changedAt ?? .distantPast) > ($1.unit.changedAt ?? .distantPast)
        }
        return Array(matches.prefix(max(0, options.limit)))
    }

    // MARK: Units

    func loadUnit(_ db: Database, id: Int64) throws -> TranslationUnit? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM unit WHERE id = ?"), arguments: [id]) else { return nil }
        let variants = try Row.fetchAll(db.cachedStatement(sql: "SELECT lang, text, markup, props, notes FROM variant WHERE unit_id = ? ORDER BY id"), arguments: [id])
            .map { Variant(language: $0[0], text: $0[1], markup: $0[2], properties: decodeProps($0[3]), notes: decodeNotes($0[4])) }
        func date(_ col: String) -> Date? { (row[col] as Double?).map(Date.init(timeIntervalSince1970:)) }
        return TranslationUnit(id: id, variants: variants, createdAt: date("created_at"), createdBy: row["created_by"],
                               changedAt: date("changed_at"), changedBy: row["changed_by"], originFile: row["origin_file"],
                               originKey: row["origin_key"], contextPrevious: row["context_prev"], contextNext: row["context_next"],
                               usageCount: row["usage_count"], lastUsedAt: date("last_used"),
                               properties: decodeProps(row["props"]), notes: decodeNotes(row["notes"]))
    }

    /// One unit by id.
    public func unit(id: Int64) throws -> TranslationUnit? {
        try db.read { try loadUnit($0, id: id) }
    }

    /// Units in id order, optionally only those with a variant in `language`.
    public func units(language: String? = nil, limit: Int = 100, offset: Int = 0) throws -> [TranslationUnit] {
        try db.read { db in
            let ids: [Int64]
            if let language {
                ids = try Int64.fetchAll(db, sql: """
                    SELECT DISTINCT unit_id FROM variant WHERE lang_key = ? AND (lower(lang) = lower(?) OR lower(lang) LIKE lower(?) || '-%')
                    ORDER BY unit_id LIMIT ? OFFSET ?
                    """, arguments: [LanguageTag.primary(language), language, language, limit, offset])
            } else {
                ids = try Int64.fetchAll(db, sql: "SELECT id FROM unit ORDER BY id LIMIT ? OFFSET ?", arguments: [limit, offset])
            }
            return try ids.compactMap { try loadUnit(db, id: $0) }
        }
    }

    /// Calls `body` with every unit in id order, streaming one join of units and variants in a
    /// single read transaction (for exports: memory stays flat, a consistent snapshot), a batch
    /// of raw column bytes at a time: the reading thread only steps SQLite and copies bytes, and
    /// `UnitBatch.decode()` (on any thread) makes the units. An export reads on one core and
    /// decodes and formats on another.
    public func forEachUnitBatch(units perBatch: Int = 2048, _ body: (UnitBatch) throws -> Void) throws {
        try db.read { db in
            // Stepped through SQLite's C API: an export reads every row once, and GRDB's row
            // boxing would cost as much as writing the TMX.
            let stmt = try db.makeStatement(sql: """
                SELECT u.id, u.created_at, u.changed_at, u.last_used, u.usage_count,
                       u.created_by, u.changed_by, u.origin_file, u.origin_key, u.context_prev, u.context_next, u.props, u.notes,
                       v.lang, v.text, v.markup, v.props, v.notes
                FROM unit u JOIN variant v ON v.unit_id = u.id ORDER BY u.id, v.id
                """)
            let s = stmt.sqliteStatement
            defer { sqlite3_reset(s) }
            var batch = UnitBatch()
            var currentID: Int64?
            while true {
                let rc = sqlite3_step(s)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: db.lastErrorMessage) }
                let id = sqlite3_column_int64(s, 0)
                if id != currentID {
                    if batch.unitCount >= perBatch {
                        try body(batch)
                        batch = UnitBatch()
                    }
                    currentID = id
                    batch.ints.append(id)
                    batch.ints.append(sqlite3_column_int64(s, 4))
                    for c in Int32(1)...3 {
                        batch.reals.append(sqlite3_column_type(s, c) == SQLITE_NULL ? .nan : sqlite3_column_double(s, c))
                    }
                    for c in Int32(5)...12 { batch.copy(s, c) }
                    batch.variantCounts.append(0)
                }
                for c in Int32(13)...17 { batch.copy(s, c) }
                batch.variantCounts[batch.variantCounts.count - 1] += 1
            }
            if batch.unitCount > 0 { try body(batch) }
        }
    }

    public struct Stats: Sendable {
        public var units: Int
        public var variantsByLanguage: [(language: String, count: Int)]
        public var unitsByPair: [(source: String, target: String, count: Int)]
    }

    /// Units in all, variants per language and units per language pair.
    public func stats() throws -> Stats {
        try db.read { db in
            let units = try Int.fetchOne(db, sql: "SELECT count(*) FROM unit") ?? 0
            let langs = try Row.fetchAll(db, sql: "SELECT lang, count(*) FROM variant GROUP BY lang ORDER BY count(*) DESC, lang")
                .map { (language: $0[0] as String, count: $0[1] as Int) }
            let pairs = try Row.fetchAll(db, sql: """
                SELECT a.lang, b.lang, count(DISTINCT a.unit_id) FROM variant a JOIN variant b
                ON a.unit_id = b.unit_id AND a.lang < b.lang GROUP BY a.lang, b.lang ORDER BY 3 DESC, 1, 2
                """).map { (source: $0[0] as String, target: $0[1] as String, count: $0[2] as Int) }
            return Stats(units: units, variantsByLanguage: langs, unitsByPair: pairs)
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
            // A scan of the folded column: no index to maintain on import, about 0.1 s a million variants.
            let rows = try Row.fetchAll(db, sql: """
                SELECT unit_id, lang, text FROM variant WHERE lang_key = ? AND instr(search, ?) > 0 ORDER BY unit_id LIMIT ?
                """, arguments: [LanguageTag.primary(searched), key, limit * 4])
            var hits: [ConcordanceHit] = []
            for row in rows where hits.count < limit {
                let lang: String = row[1]
                guard LanguageTag.matches(lang, requested: searched) else { continue }
                let text: String = row[2]
                let ranges = try ConcordanceHighlighter.ranges(of: key, in: text)
                guard !ranges.isEmpty, let unit = try loadUnit(db, id: row[0]) else { continue }
                let searchedVariant = Variant(language: lang, text: text)
                let other: Variant? = searchTarget ? unit.variant(sourceLanguage) : targetLanguage.flatMap { unit.variant($0) }
                if other == nil && (searchTarget || targetLanguage != nil) { continue }
                hits.append(searchTarget
                    ? ConcordanceHit(unit: unit, source: other!, target: searchedVariant, ranges: ranges, searchedTarget: true)
                    : ConcordanceHit(unit: unit, source: searchedVariant, target: other, ranges: ranges, searchedTarget: false))
            }
            return hits
        }
    }
}

/// Finds a folded phrase in an unfolded text, mapping positions back character by character.
enum ConcordanceHighlighter {
    static func ranges(of key: String, in text: String) throws -> [Range<String.Index>] {
        var folded: [Character] = []
        var origin: [String.Index] = []
        for i in text.indices {
            for ch in try TextKeys.search(String(text[i])) {
                folded.append(ch)
                origin.append(i)
            }
        }
        let k = Array(key)
        guard !k.isEmpty, folded.count >= k.count else { return [] }
        var out: [Range<String.Index>] = []
        var i = 0
        while i <= folded.count - k.count {
            if folded[i] == k[0], Array(folded[i..<i + k.count]) == k {
                let start = origin[i]
                let lastOrigin = origin[i + k.count - 1]
                out.append(start..<text.index(after: lastOrigin))
                i += k.count
            } else {
                i += 1
            }
        }
        return out
    }
}

/// Units as read from the memory, still raw: column bytes copied out of SQLite, decoded into
/// `TranslationUnit`s by `decode()` (which may run on another thread).
public struct UnitBatch: Sendable {
    /// Text columns, one after another.
    var bytes: [UInt8] = []
    /// (start, length) in `bytes` per text column; length -1 for NULL. Per unit 8 columns
    /// (created_by … notes), then 5 per variant (lang, text, markup, props, notes).
    var spans: [Int32] = []
    /// Per unit: id, usage count.
    var ints: [Int64] = []
    /// Per unit: created, changed, last used (NaN for NULL).
    var reals: [Double] = []
    var variantCounts: [Int32] = []

    public var unitCount: Int { variantCounts.count }

    init() {
        bytes.reserveCapacity(1 << 20)
    }

    mutating func copy(_ s: OpaquePointer, _ column: Int32) {
        guard let p = sqlite3_column_text(s, column) else {
            spans.append(contentsOf: [0, -1])
            return
        }
        let n = Int(sqlite3_column_bytes(s, column))
        spans.append(Int32(bytes.count))
        spans.append(Int32(n))
        bytes.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
    }

    public func decode() -> [TranslationUnit] {
        var out: [TranslationUnit] = []
        out.reserveCapacity(unitCount)
        bytes.withUnsafeBufferPointer { b in
            var k = 0
            func text() -> String? {
                let start = Int(spans[k]), n = Int(spans[k + 1])
                k += 2
                guard n >= 0 else { return nil }
                return String(decoding: UnsafeBufferPointer(rebasing: b[start..<start + n]), as: UTF8.self)
            }
            func date(_ d: Double) -> Date? { d.isNaN ? nil : Date(timeIntervalSince1970: d) }
            for u in 0..<unitCount {
                var unit = TranslationUnit(id: ints[2 * u], variants: [], createdAt: date(reals[3 * u]), createdBy: text(),
                                           changedAt: date(reals[3 * u + 1]), changedBy: text(), originFile: text(),
                                           originKey: text(), contextPrevious: text(), contextNext: text(),
                                           usageCount: Int(ints[2 * u + 1]), lastUsedAt: date(reals[3 * u + 2]),
                                           properties: decodeProps(text()), notes: decodeNotes(text()))
                unit.variants.reserveCapacity(Int(variantCounts[u]))
                for _ in 0..<variantCounts[u] {
                    var v = Variant(canonicalLanguage: text() ?? "", text: text() ?? "")
                    v.markup = text()
                    v.properties = decodeProps(text())
                    v.notes = decodeNotes(text())
                    unit.variants.append(v)
                }
                out.append(unit)
            }
        }
        return out
    }
}
