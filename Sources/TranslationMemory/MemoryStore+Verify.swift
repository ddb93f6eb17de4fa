import Foundation
import GRDB
import GRDBSQLite
import StoreSupport

extension MemoryStore {
    /// Checks the memory as `git fsck` checks a repository: SQLite's integrity check, every unit
    /// decodes, the posting lists (side table included) hold exactly the word keys of the stored
    /// variants, the duplicate keys (side table included) exactly the keys of the stored texts, and
    /// every unit's search text is its variants'. Read in one transaction: writers may go on.
    /// With `repair`, what is derived (posting lists, duplicate keys, search texts) is rebuilt from
    /// the units in one write transaction, and the memory is checked again.
    public func verify(repair: Bool = false) throws -> VerifyReport {
        let start = Date()
        invalidatePostingCache()
        var report = try db.read { try verify($0) }
        if repair && !report.ok {
            try namingBusy { try db.write { try rebuildDerived($0) } }
            invalidatePostingCache()
            report = try db.read { try verify($0) }
            report.repaired = true
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    private func verify(_ db: Database) throws -> VerifyReport {
        var report = VerifyReport()
        var units = 0, variants = 0, postingEntries = 0
        var log = VerifyReport.Log()
        for line in try String.fetchAll(db, sql: "PRAGMA integrity_check") where line != "ok" {
            log.add("SQLite integrity check", line)
        }
        // What the units call for: each (language, index key)'s entries, and the duplicate keys.
        var expected: [String: [UInt64]] = [:]
        var dups: [DuplicateIndex.Entry] = []
        let searchOf = try db.cachedStatement(sql: "SELECT search FROM unit WHERE id = ?")
        try forEachStoredUnit(db) { id, raw in
            units += 1
            let decoded: (unit: TranslationUnit, variants: [PackedUnit.StoredVariant])
            do {
                decoded = try PackedUnit.decode(raw, id: id)
            } catch {
                log.add("units that do not decode", "unit \(id): \(error)")
                return true
            }
            if decoded.variants.isEmpty { log.add("units without a variant", "unit \(id)") }
            variants += decoded.variants.count
            for v in decoded.variants where v.wordCount > 0 {
                let lang = LanguageTag.primary(v.variant.language)
                let keys = IndexKeys(wordKeys: v.keys.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init))
                if keys.count != v.wordCount {
                    log.add("variants whose word count is not their keys'", "unit \(id) (\(v.variant.language)): \(v.wordCount) words, \(keys.count) keys")
                }
                for k in keys.strings { expected[lang + "\0" + k, default: []].append(UInt64(id) << 32 | UInt64(keys.count)) }
                postingEntries += keys.count
            }
            for k in DuplicateRules.duplicateKeys(decoded.variants.map { (DuplicateRules.normHash($0.variant), $0.variant.language) }) {
                dups.append(.init(hash: k, unit: id))
            }
            // The search text concordance scans.
            var search: [UInt8] = []
            for v in decoded.variants {
                PackedUnit.appendSearch(langKey: LanguageTag.primary(v.variant.language), folded: try TextKeys.searchBytes(v.variant.text), to: &search)
            }
            if let stored = try String.fetchOne(searchOf, arguments: [id]), Array(stored.utf8) != search {
                log.add("units whose search text is not their variants'", "unit \(id)")
            }
            return true
        }
        report.counts = [("units", units), ("variants", variants), ("postingEntries", postingEntries), ("duplicateKeys", dups.count)]

        // The posting lists as stored, each against what the units call for.
        let readAll = try db.cachedStatement(sql: PostingBatch.readSQL)
        let keys = try Row.fetchAll(db, sql: "SELECT lang_key, key FROM posting UNION SELECT lang_key, key FROM posting_delta")
        for row in keys {
            let lang: String = row[0], key: String = row[1]
            let list: PostingList
            do {
                list = try PostingBatch.read(readAll, lang: lang, key: key, db: db)
            } catch {
                log.add("posting lists that do not decode", "\(lang) '\(printable(key))': \(error)")
                expected[lang + "\0" + key] = nil
                continue
            }
            var stored = (0..<list.count).map { i -> UInt64 in let e = list.entry(i); return UInt64(e.variant) << 32 | UInt64(e.words) }
            for i in stored.indices.dropFirst() where stored[i] >> 32 < stored[i - 1] >> 32 {
                log.add("posting lists out of order", "\(lang) '\(printable(key))' at entry \(i)")
                break
            }
            var want = expected.removeValue(forKey: lang + "\0" + key) ?? []
            stored.sort()
            want.sort()
            guard stored != want else { continue }
            let (missing, extra) = difference(want, stored)
            for e in missing.prefix(3) { log.add("posting entries missing", "\(lang) '\(printable(key))': unit \(e >> 32)") }
            for e in extra.prefix(3) {
                log.add("posting entries of no stored variant", "\(lang) '\(printable(key))': unit \(e >> 32) (\(UInt32(truncatingIfNeeded: e)) words)")
            }
        }
        for (k, entries) in expected.sorted(by: { $0.key < $1.key }).prefix(1000) {
            let parts = k.split(separator: "\0", maxSplits: 1).map(String.init)
            log.add("posting lists missing", "\(parts[0]) '\(printable(parts.count > 1 ? parts[1] : ""))': \(entries.count) entries (unit \(entries[0] >> 32), …)")
        }

        // The duplicate keys as stored.
        var stored: [DuplicateIndex.Entry] = []
        for b in 0..<Int64(DuplicateIndex.bucketCount) {
            let entries = try DuplicateIndex.read(db, bucket: b)
            for e in entries where DuplicateIndex.bucket(e.hash) != b {
                log.add("duplicate keys in the wrong bucket", "bucket \(b): key \(e.hash) of unit \(e.unit)")
            }
            stored.append(contentsOf: entries)
        }
        let delta = try Row.fetchCursor(db, sql: "SELECT hash, unit FROM dup_delta")
        while let r = try delta.next() { stored.append(.init(hash: r[0], unit: r[1])) }
        stored.sort()
        dups.sort()
        if stored != dups {
            let (missing, extra) = difference(dups, stored)
            for e in missing { log.add("duplicate keys missing", "unit \(e.unit): key \(e.hash)") }
            for e in extra { log.add("duplicate keys of no stored text", "unit \(e.unit): key \(e.hash)") }
        }
        report.problems = log.problems
        return report
    }

    /// What sorted `want` has that sorted `have` lacks, and the other way round (multisets).
    private func difference<T: Comparable>(_ want: [T], _ have: [T]) -> (missing: [T], extra: [T]) {
        var missing: [T] = [], extra: [T] = []
        var i = 0, j = 0
        while i < want.count || j < have.count {
            if j == have.count || (i < want.count && want[i] < have[j]) { missing.append(want[i]); i += 1 }
            else if i == want.count || have[j] < want[i] { extra.append(have[j]); j += 1 }
            else { i += 1; j += 1 }
        }
        return (missing, extra)
    }

    private func printable(_ key: String) -> String {
        String(key.unicodeScalars.map { $0 == "\u{1}" ? "#" : Character($0) })
    }

    /// Rebuilds the posting lists, duplicate keys and search texts from the units (`verify(repair:)`).
    /// Units that do not decode are left as they are (verify goes on reporting them).
    private func rebuildDerived(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM posting; DELETE FROM posting_delta; DELETE FROM dup; DELETE FROM dup_delta")
        var batch = PostingBatch()
        batch.usesDelta = false
        batch.listsStartedEmpty = true
        var duplicates = DuplicateIndex()
        duplicates.usesDelta = false
        let update = try db.makeStatement(sql: "UPDATE unit SET search = ? WHERE id = ?")
        var rows: [(Int64, [UInt8])] = []
        try forEachStoredUnit(db) { id, raw in
            guard let (_, variants) = try? PackedUnit.decode(raw, id: id) else { return true }
            var search: [UInt8] = []
            for v in variants {
                let lang = LanguageTag.primary(v.variant.language)
                PackedUnit.appendSearch(langKey: lang, folded: try TextKeys.searchBytes(v.variant.text), to: &search)
                guard v.wordCount > 0 else { continue }
                let keys = IndexKeys(wordKeys: v.keys.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init))
                batch.add(lang: lang, keys: keys, variant: UInt32(id), words: keys.count)
            }
            if batch.entryCount > PostingBatch.flushLimit {
                try batch.apply(db)
                batch.clearEntries()
            }
            for k in DuplicateRules.duplicateKeys(variants.map { (DuplicateRules.normHash($0.variant), $0.variant.language) }) {
                duplicates.add(hash: k, unit: id)
            }
            rows.append((id, search))
            return true
        }
        for (id, search) in rows {
            let u = RawStatement(update)
            u.bind(1, text: search)
            u.bind(2, id)
            try u.run(db)
        }
        try batch.apply(db)
        try duplicates.flush(db, final: true, intoBuckets: true)
    }
}
