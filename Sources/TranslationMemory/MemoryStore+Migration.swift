import Foundation
import GRDB

extension MemoryStore {
    /// Schema v4 → v5: the `unit` and `variant` tables become one row per unit (`PackedUnit`);
    /// the duplicate keys move from an index of `variant.norm_hash` to `dup` buckets; the posting
    /// lists, which named variants, are rebuilt from the stored word keys to name units.
    static func migrateToPackedUnits(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE unit_packed (
                id INTEGER PRIMARY KEY,
                data BLOB NOT NULL,     -- the unit and its variants (PackedUnit)
                search TEXT NOT NULL    -- per variant: U+001E, language, U+001F, folded text (concordance)
            );
            CREATE TABLE dup (
                bucket INTEGER PRIMARY KEY,
                entries BLOB NOT NULL   -- sorted (norm hash, unit id) pairs (DuplicateIndex)
            );
            DELETE FROM posting;
            """)
        var batch = PostingBatch()
        batch.usesDelta = false // (created by a later migration)
        var duplicates = DuplicateIndex()
        duplicates.usesDelta = false // (created by a later migration)
        let insert = try db.makeStatement(sql: "INSERT INTO unit_packed(id, data, search) VALUES (?, ?, ?)")
        let rows = try Row.fetchCursor(db, sql: """
            SELECT u.id, u.created_at, u.changed_at, u.last_used, u.usage_count, u.created_by, u.changed_by,
                   u.origin_file, u.origin_key, u.context_prev, u.context_next, u.props, u.notes,
                   v.lang, v.text, v.markup, v.props, v.notes, v.keys, v.word_count, v.search, v.lang_key, v.norm_hash
            FROM unit u LEFT JOIN variant v ON v.unit_id = u.id ORDER BY u.id, v.id
            """)
        var unit: TranslationUnit?
        var keys: [(joined: [UInt8], count: Int)] = []
        var search: [(langKey: String, folded: String)] = []
        var texts: [(normHash: Int64, lang: String)] = []
        func emit() throws {
            guard let u = unit, let id = u.id else { return }
            try insert.execute(arguments: [id, Data(PackedUnit.encode(u, keys: keys)), PackedUnit.search(search)])
            for k in DuplicateRules.duplicateKeys(texts) { duplicates.add(hash: k, unit: id) }
            unit = nil
            keys = []
            search = []
            texts = []
            if batch.entryCount > PostingBatch.flushLimit {
                try batch.apply(db, encoded: false)
                batch = PostingBatch()
                batch.usesDelta = false
            }
        }
        func date(_ row: Row, _ i: Int) -> Date? { (row[i] as Double?).map(Date.init(timeIntervalSince1970:)) }
        while let row = try rows.next() {
            let id: Int64 = row[0]
            if unit?.id != id {
                try emit()
                unit = TranslationUnit(id: id, variants: [], createdAt: date(row, 1), createdBy: row[5], changedAt: date(row, 2),
                                       changedBy: row[6], originFile: row[7], originKey: row[8], contextPrevious: row[9],
                                       contextNext: row[10], usageCount: row[4], lastUsedAt: date(row, 3),
                                       properties: decodeProps(row[11]), notes: decodeNotes(row[12]))
            }
            guard let lang = row[13] as String? else { continue }
            var v = Variant(canonicalLanguage: lang, text: row[14])
            v.markup = row[15]
            v.properties = decodeProps(row[16])
            v.notes = decodeNotes(row[17])
            unit!.variants.append(v)
            let joined: String = row[18]
            let count: Int = row[19]
            keys.append((Array(joined.utf8), count))
            let langKey: String = row[21]
            search.append((langKey, row[20]))
            if count > 0 {
                let words = joined.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
                batch.add(lang: langKey, keys: IndexKeys(wordKeys: words), variant: UInt32(id), words: count)
            }
            texts.append((row[22], lang))
        }
        try emit()
        try batch.apply(db, encoded: false)
        try duplicates.flush(db)
        try db.execute(sql: """
            DROP TABLE variant;
            DROP TABLE unit;
            ALTER TABLE unit_packed RENAME TO unit;
            """)
    }

    /// Schema v6: posting list parts stored delta- and varint-encoded (`PostingList.encode`)
    /// instead of eight bytes an entry. Every part is rewritten into a new table.
    static func migrateToEncodedPostings(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE posting_v6 (
                lang_key TEXT NOT NULL,
                key TEXT NOT NULL,
                part INTEGER NOT NULL,
                n INTEGER NOT NULL,
                last INTEGER,
                entries BLOB NOT NULL,      -- PostingList.encode
                PRIMARY KEY (lang_key, key, part)
            ) WITHOUT ROWID
            """)
        let insert = try db.makeStatement(sql: "INSERT INTO posting_v6(lang_key, key, part, n, last, entries) VALUES (?, ?, ?, ?, ?, ?)")
        let rows = try Row.fetchCursor(db, sql: "SELECT lang_key, key, part, n, last, entries FROM posting")
        while let row = try rows.next() {
            let raw: Data = row[5] ?? Data()
            let blob = PostingList.encode(PostingList(bytes: [UInt8](raw)))
            try insert.execute(arguments: [row[0] as String, row[1] as String, row[2] as Int64, row[3] as Int64, row[4] as Int64?, Data(blob)])
        }
        try db.execute(sql: "DROP TABLE posting; ALTER TABLE posting_v6 RENAME TO posting")
    }
}
