import Foundation
import GRDB
import ICUText
import StoreSupport

/// A translation memory: one SQLite file (WAL, busy timeout) with a row per unit (its variants
/// packed in it), the duplicate keys and the fuzzy index (posting lists).
///
/// Every write is one transaction: an import that fails or is interrupted leaves the memory
/// as it was. Two processes may write the same memory; SQLite serialises them.
public final class MemoryStore {
    /// Written in SQLite's application_id so that tmkit recognises its own files ('TMKM').
    static let applicationID: Int32 = 0x544D_4B4D

    public let path: String
    let db: DatabaseQueue
    let tokenizer: Tokenizer
    /// Large posting lists kept between lookups of one process (batch lookups), by "lang\0key".
    @exclusivity(unchecked) var postingCache: [String: PostingList] = [:]
    @exclusivity(unchecked) var postingCacheBytes = 0
    static let postingCacheLimit = 768 << 20
    /// SQLite's data_version when the cache was filled: another process's commit changes it.
    @exclusivity(unchecked) var postingCacheVersion: Int64 = -1
    /// Whether a bulk write holds the memory exclusively with a rollback journal (`enterBulkMode`).
    @exclusivity(unchecked) var inBulkMode = false

    func invalidatePostingCache() {
        postingCache.removeAll()
        postingCacheBytes = 0
        postingCacheVersion = -1
    }

    func checkPostingCache(_ db: Database) throws {
        let v = try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0
        if v != postingCacheVersion {
            invalidatePostingCache()
            postingCacheVersion = v
        }
    }

    /// A file that is not a usable memory.
    public typealias OpenError = StoreFile.OpenError

    /// Opens the memory at `path`; creates it (and its folder) when `create` is true and it is missing.
    /// - Parameter path: the memory's file.
    /// - Parameter create: create the file when it is missing (else a missing file is an error).
    /// - Parameter mapped: read the file through mmap (fast repeated lookups); off for long
    ///   sequential reads such as exports, where mapped pages would only swell the process.
    public init(path: String, create: Bool, mapped: Bool = true) throws {
        self.path = path
        let exists = try StoreFile.preflight(path: path, create: create, kind: "memory",
                                             missingHint: "one is created by the first write: tmkit tm add or tm import")
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Posting lists are read whole: map the file instead of copying pages through read().
            if mapped { try db.execute(sql: "PRAGMA mmap_size = 17179869184") }
            // 16 MiB of pages: lookups read through the map; a large import with 16 KiB pages and a
            // 64 MiB cache peaked 200 MB higher (and ran no faster) than with this one.
            try db.execute(sql: "PRAGMA cache_size = -16384")
        }
        // A file this process may not write is opened read-only: lookups work, writes are refused.
        let readOnly = exists && !StoreFile.isWritable(path)
        config.readonly = readOnly
        db = try StoreFile.openQueue(path: path, configuration: config, kind: "memory")
        tokenizer = try Tokenizer()
        try prepareSchema(isNew: !exists, readOnly: readOnly)
    }

    private func prepareSchema(isNew: Bool, readOnly: Bool) throws {
        // A memory converted to one row per unit (v5) or to encoded posting lists (v6) leaves its
        // old tables' pages free: the file would keep up to twice its size. It is compacted once,
        // right after the conversion.
        let packedBefore = isNew ? true : ((try? db.read { try MemoryStore.migrator.appliedIdentifiers($0).contains("v6") }) ?? true)
        try StoreFile.adopt(db, path: path, applicationID: MemoryStore.applicationID, migrator: MemoryStore.migrator,
                            kind: "memory", isNew: isNew, readOnly: readOnly)
        if !packedBefore {
            // (Another process holding the memory makes VACUUM fail: the space is then reused by later writes.)
            try? db.writeWithoutTransaction { try $0.execute(sql: "VACUUM") }
        }
    }

    static var migrator: StoreMigrator {
        var m = StoreMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE unit (
                    id INTEGER PRIMARY KEY,
                    created_at REAL, created_by TEXT, changed_at REAL, changed_by TEXT,
                    origin_file TEXT, origin_key TEXT, context_prev TEXT, context_next TEXT,
                    usage_count INTEGER NOT NULL DEFAULT 0,
                    props TEXT, notes TEXT
                );
                CREATE TABLE variant (
                    id INTEGER PRIMARY KEY,
                    unit_id INTEGER NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
                    lang TEXT NOT NULL,          -- canonical BCP 47 ("en-US")
                    lang_key TEXT NOT NULL,      -- lower-cased primary subtag ("en")
                    text TEXT NOT NULL,          -- NFC
                    norm TEXT NOT NULL,          -- NFC, white space collapsed: the duplicate key
                    keys TEXT NOT NULL,          -- word keys joined by U+001F (for exhaustive scans)
                    word_count INTEGER NOT NULL,
                    search TEXT NOT NULL         -- case- and diacritic-folded, for concordance (scanned with instr)
                );
                CREATE INDEX variant_unit ON variant(unit_id);
                CREATE INDEX variant_norm ON variant(lang_key, norm);
                -- The fuzzy index: for each language and word key, the variants that contain it,
                -- as a sorted array of (variant id: UInt32, word count: UInt32) little-endian pairs.
                CREATE TABLE posting (
                    lang_key TEXT NOT NULL,
                    key TEXT NOT NULL,
                    n INTEGER NOT NULL,
                    entries BLOB NOT NULL,
                    PRIMARY KEY (lang_key, key)
                ) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v2") { db in
            // Inline markup, per-variant props and notes (TMX tuv), last usage date.
            try db.execute(sql: """
                ALTER TABLE variant ADD COLUMN markup TEXT;
                ALTER TABLE variant ADD COLUMN props TEXT;
                ALTER TABLE variant ADD COLUMN notes TEXT;
                ALTER TABLE unit ADD COLUMN last_used REAL;
                """)
        }
        m.registerMigration("v3") { db in
            // The duplicate check looks texts up by a 64-bit hash: an index of integers is a
            // fraction of the size of one of whole texts, and cheap to insert into.
            db.add(function: DatabaseFunction("tmkit_norm_hash", argumentCount: 2, pure: true) { args in
                guard let lang = String.fromDatabaseValue(args[0]), let norm = String.fromDatabaseValue(args[1]) else { return nil }
                return TextKeys.normHash(lang: lang, norm: norm)
            })
            try db.execute(sql: """
                ALTER TABLE variant ADD COLUMN norm_hash INTEGER NOT NULL DEFAULT 0;
                UPDATE variant SET norm_hash = tmkit_norm_hash(lang, norm);
                DROP INDEX variant_norm;
                CREATE INDEX variant_norm_hash ON variant(norm_hash);
                """)
        }
        m.registerMigration("v4") { db in
            // A key's posting list may be stored in parts (in ascending variant order): a write
            // that only appends to a list adds a part instead of rewriting the list.
            try db.execute(sql: """
                CREATE TABLE posting_parts (
                    lang_key TEXT NOT NULL,
                    key TEXT NOT NULL,
                    part INTEGER NOT NULL,
                    n INTEGER NOT NULL,
                    last INTEGER,                -- the variant of the last entry (read without the entries)
                    entries BLOB NOT NULL,
                    PRIMARY KEY (lang_key, key, part)
                ) WITHOUT ROWID;
                INSERT INTO posting_parts SELECT lang_key, key, 0, n, NULL, entries FROM posting;
                DROP TABLE posting;
                ALTER TABLE posting_parts RENAME TO posting;
                """)
        }
        m.registerMigration("v5") { db in
            // One row per unit with its variants packed (`PackedUnit`), the duplicate keys in
            // buckets (`DuplicateIndex`), and posting entries that name units instead of variants.
            try MemoryStore.migrateToPackedUnits(db)
        }
        m.registerMigration("v6") { db in
            try MemoryStore.migrateToEncodedPostings(db)
        }
        m.registerMigration("v7") { _ in
            // Packed units may leave out word keys their text gives (`PackedUnit.writeVariant`):
            // rows of earlier versions read as they are, but earlier versions cannot read these.
        }
        m.registerMigration("v8") { db in
            // The duplicate keys of small writes, until a large one merges them into `dup`
            // (`DuplicateIndex`).
            try db.execute(sql: """
                CREATE TABLE dup_delta (
                    hash INTEGER NOT NULL,
                    unit INTEGER NOT NULL,
                    PRIMARY KEY (hash, unit)
                ) WITHOUT ROWID
                """)
        }
        m.registerMigration("v9") { db in
            // New posting list parts of small writes, until a large one moves them into `posting`
            // (`PostingBatch.usesDelta`).
            try db.execute(sql: """
                CREATE TABLE posting_delta (
                    lang_key TEXT NOT NULL,
                    key TEXT NOT NULL,
                    part INTEGER NOT NULL,
                    n INTEGER NOT NULL,
                    last INTEGER,
                    entries BLOB NOT NULL,
                    PRIMARY KEY (lang_key, key, part)
                ) WITHOUT ROWID
                """)
        }
        return m
    }
}

