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
        guard n > 0 else { return try scanCandidates(db, q, langKey, t) } // (callers scan such queries)
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
        // Entries name units, with the word count of one of their variants: a unit with two
        // variants in the language may be counted under each count (more candidates, never fewer).
        // Counted by (unit << 32 | word count), sized up front: growing the table cost more than counting.
        var hits: [UInt64: Int] = [:]
        hits.reserveCapacity(lists.prefix(prefix).reduce(0) { $0 + $1.count })
        for list in lists.prefix(prefix) {
            for i in 0..<list.count {
                let e = list.entry(i)
                hits[UInt64(e.variant) << 32 | UInt64(e.words), default: 0] += 1
            }
        }
        // Drop what cannot reach the threshold on length alone, then count the other lists, in
        // two flat arrays (compacted as candidates drop out) instead of the table.
        func required(_ key: UInt64) -> Int {
            FuzzyScorer.requiredOverlap(queryWords: n, candidateWords: Int(UInt32(truncatingIfNeeded: key)), threshold: t)
        }
        var found: [UInt64] = []
        var counts: [Int] = []
        found.reserveCapacity(hits.count)
        counts.reserveCapacity(hits.count)
        for (key, count) in hits where FuzzyScorer.lengthBound(queryWords: n, candidateWords: Int(UInt32(truncatingIfNeeded: key))) >= t {
            found.append(key)
            counts.append(count)
        }
        hits = [:]
        let rest = lists.dropFirst(prefix)
        var remaining = rest.count
        for list in rest {
            remaining -= 1
            var kept = 0
            for r in found.indices {
                var c = counts[r]
                if list.contains(UInt32(found[r] >> 32)) { c += 1 } else if c + remaining < required(found[r]) { continue }
                found[kept] = found[r]
                counts[kept] = c
                kept += 1
            }
            found.removeSubrange(kept...)
            counts.removeSubrange(kept...)
        }
        var units = Set<Int64>()
        for r in found.indices where counts[r] >= required(found[r]) { units.insert(Int64(found[r] >> 32)) }
        return units.sorted()
    }

    /// Candidates from a scan of every unit: bounded edit distance on the keys of its variants in the language.
    private func scanCandidates(_ db: Database, _ q: TokenizedText, _ langKey: String, _ t: Int) throws -> [Int64] {
        let qkeys = q.wordKeys.map { Substring($0) }[...]
        let n = qkeys.count
        var out: [Int64] = []
        let wanted = Array(langKey.utf8)
        try forEachStoredUnit(db) { id, raw in
            var found = false
            try PackedUnit.forEachVariantKeys(raw) { lang, keys, m in
                // The primary subtag, compared without case: the language up to its first - or _.
                guard !found, lang.count >= wanted.count,
                      zip(lang, wanted).allSatisfy({ ($0 | 0x20) == $1 || $0 == $1 }),
                      lang.count == wanted.count || lang[wanted.count] == 0x2D || lang[wanted.count] == 0x5F,
                      FuzzyScorer.lengthBound(queryWords: n, candidateWords: m) >= t else { return }
                let L = max(n, m)
                let maxD = (L * (100 - t)) / 100
                let joined = String(decoding: keys, as: UTF8.self)
                let ckeys = m == 0 ? [][...] : joined.split(separator: "\u{1F}", omittingEmptySubsequences: false)[...]
                if boundedLevenshtein(qkeys, ckeys, limit: maxD) != nil { found = true }
            }
            if found { out.append(id) }
            return true
        }
        return out
    }

    /// Scores each candidate unit's variants in the source language exactly and builds the matches.
    private func verify(_ db: Database, _ ids: [Int64], _ q: TokenizedText, sourceLanguage: String,
                        targetLanguage: String?, threshold: Int, options: LookupOptions) throws -> [Match] {
        let scorer = FuzzyScorer()
        var matches: [Match] = []
        for id in ids {
            guard let unit = try loadUnit(db, id: id) else { continue }
            for source in unit.variants(answering: sourceLanguage) {
                let r = scorer.score(q, try tokenizer.tokenize(source.text))
                guard r.score >= threshold else { continue }
                var score = r.score
                if score == 100, let prev = options.contextPrevious, let next = options.contextNext,
                   try unit.contextPrevious.map(TextKeys.norm) == TextKeys.norm(prev),
                   try unit.contextNext.map(TextKeys.norm) == TextKeys.norm(next) {
                    score = 101
                }
                let targets = targetLanguage.map { t in unit.variants(answering: t) } ?? []
                if targetLanguage != nil && targets.isEmpty { continue }
                for target in targets.isEmpty ? [nil] : targets.map(Optional.some) {
                    let fallback = LanguageTag.isFallback(source.language, requested: sourceLanguage)
                        || (target.map { LanguageTag.isFallback($0.language, requested: targetLanguage!) } ?? false)
                    matches.append(Match(unit: unit, score: score, source: Variant(language: source.language, text: source.text),
                                         target: target, diff: r.diff, penalties: r.penalties, languageFallback: fallback))
                }
            }
        }
        matches.sort {
            if $0.score != $1.score { return $0.score > $1.score }
            if $0.languageFallback != $1.languageFallback { return !$0.languageFallback } // the tag asked for first
            if $0.unit.usageCount != $1.unit.usageCount { return $0.unit.usageCount > $1.unit.usageCount }
            return ($0.unit.changedAt ?? .distantPast) > ($1.unit.changedAt ?? .distantPast)
        }
        return Array(matches.prefix(max(0, options.limit)))
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
                batch.ids.append(id)
                batch.ends.append(batch.bytes.count + raw.count)
                batch.bytes.append(contentsOf: raw)
                return true
            }
            if batch.unitCount > 0 { try body(batch) }
        }
    }

    public struct Stats: Sendable {
        public var units: Int
        public var variantsByLanguage: [(language: String, count: Int)]
        public var unitsByPair: [(source: String, target: String, count: Int)]

        public init(units: Int, variantsByLanguage: [(language: String, count: Int)], unitsByPair: [(source: String, target: String, count: Int)]) {
            self.units = units
            self.variantsByLanguage = variantsByLanguage
            self.unitsByPair = unitsByPair
        }
    }

    /// The number of units (one count, without reading them).
    public func count() throws -> Int {
        try db.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM unit") ?? 0 }
    }

    /// Units in all, variants per language and units per language pair.
    public func stats() throws -> Stats {
        try db.read { db in
            var units = 0
            var langs: [String: Int] = [:]
            var pairs: [String: [String: Int]] = [:]
            try forEachStoredUnit(db) { _, raw in
                units += 1
                let l = try PackedUnit.languages(raw)
                for x in l { langs[x, default: 0] += 1 }
                let distinct = Set(l).sorted()
                for (i, a) in distinct.enumerated() {
                    for b in distinct[(i + 1)...] { pairs[a, default: [:]][b, default: 0] += 1 }
                }
                return true
            }
            var byLanguage: [(language: String, count: Int)] = langs.map { (language: $0.key, count: $0.value) }
            byLanguage.sort { a, b in a.count != b.count ? a.count > b.count : a.language < b.language }
            var byPair: [(source: String, target: String, count: Int)] = []
            for (a, targets) in pairs {
                for (b, n) in targets { byPair.append((source: a, target: b, count: n)) }
            }
            byPair.sort { x, y in
                if x.count != y.count { return x.count > y.count }
                return x.source != y.source ? x.source < y.source : x.target < y.target
            }
            return Stats(units: units, variantsByLanguage: byLanguage, unitsByPair: byPair)
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
                for v in unit.variants(answering: searched) where hits.count < limit {
                    let ranges = try ConcordanceHighlighter.ranges(of: key, in: v.text)
                    guard !ranges.isEmpty else { continue }
                    let searchedVariant = Variant(language: v.language, text: v.text)
                    let other: Variant? = searchTarget ? unit.variant(sourceLanguage) : targetLanguage.flatMap { unit.variant($0) }
                    if other == nil && (searchTarget || targetLanguage != nil) { continue }
                    hits.append(searchTarget
                        ? ConcordanceHit(unit: unit, source: other!, target: searchedVariant, ranges: ranges, searchedTarget: true)
                        : ConcordanceHit(unit: unit, source: searchedVariant, target: other, ranges: ranges, searchedTarget: false))
                }
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

