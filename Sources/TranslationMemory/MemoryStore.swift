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

// MARK: Text keys

enum TextKeys {
    /// A variant's `normHash` combined with the language of another variant of its unit.
    static func pairHash(_ normHash: Int64, _ lang: String) -> Int64 {
        var h = UInt64(bitPattern: normHash)
        h = (h ^ 0xFF) &* 0x100_0000_01b3
        for b in lang.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int64(bitPattern: h)
    }

    /// FNV-1a (64 bits) of the language tag, a zero byte and the norm: the duplicate key stored
    /// in `variant.norm_hash`. Stable across processes and versions (it is stored).
    static func normHash(lang: String, norm: String) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in lang.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        h = (h ^ 0) &* 0x100_0000_01b3
        var norm = norm
        // Over the contiguous bytes (an import hashes every text: the UTF-8 view's iterator cost more).
        norm.withUTF8 { b in
            for c in b { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
        }
        return Int64(bitPattern: h)
    }

    /// Whether the UTF-8 at `i` (a lead byte C2–E3) is white space (Unicode's White_Space,
    /// what `Unicode.Scalar.Properties.isWhitespace` reads): U+0085, U+00A0, U+1680, U+2000–U+200A,
    /// U+2028, U+2029, U+202F, U+205F, U+3000.
    @inline(__always)
    static func isWhiteSpace(_ u: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        let n = u.count
        switch u[i] {
        case 0xC2: return i + 1 < n && (u[i + 1] == 0x85 || u[i + 1] == 0xA0)
        case 0xE1: return i + 2 < n && u[i + 1] == 0x9A && u[i + 2] == 0x80
        case 0xE2:
            guard i + 2 < n else { return false }
            let c1 = u[i + 1], c2 = u[i + 2]
            return (c1 == 0x80 && (c2 <= 0x8A || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF)) || (c1 == 0x81 && c2 == 0x9F)
        case 0xE3: return i + 2 < n && u[i + 1] == 0x80 && u[i + 2] == 0x80
        default: return false
        }
    }

    /// NFC with runs of white space collapsed to one space and the ends trimmed.
    static func norm(_ text: String) throws -> String {
        try normOfNFC(try text.normalized(.nfc))
    }

    /// `norm` of a text already in NFC.
    static func normOfNFC(_ nfc: String) throws -> String {
        // Nothing to collapse: no run of spaces, no space at the ends, no other white space.
        var previousSpace = true
        var simple = true
        var copy = nfc
        copy.withUTF8 { u in
            let n = u.count
            var i = 0
            while i < n {
                let b = u[i]
                if b == 0x20 {
                    if previousSpace { simple = false; return }
                    previousSpace = true
                } else if b < 0x20 || (b >= 0xC2 && b <= 0xE3 && TextKeys.isWhiteSpace(u, i)) {
                    simple = false // a control, or Unicode white space other than a space: the slow path
                    return
                } else {
                    previousSpace = false
                }
                i += 1
            }
        }
        if simple && !previousSpace { return nfc }
        // Over the bytes: white space is ASCII's (tab to carriage return, space) or starts with one
        // of the lead bytes `isWhiteSpace` reads. (Scalar by scalar with `properties.isWhitespace`,
        // this was a tenth of the worker's time on Debian's catalogs, whose strings end in new lines.)
        return copy.withUTF8 { u in
            let n = u.count
            var out: [UInt8] = []
            out.reserveCapacity(n)
            var pendingSpace = false
            var i = 0
            while i < n {
                let b = u[i]
                let space = b == 0x20 || (b >= 0x09 && b <= 0x0D) ? 1
                    : b >= 0xC2 && b <= 0xE3 && TextKeys.isWhiteSpace(u, i) ? (b < 0xE0 ? 2 : 3) : 0
                if space > 0 {
                    pendingSpace = !out.isEmpty
                    i += space
                    continue
                }
                if pendingSpace { out.append(0x20); pendingSpace = false }
                out.append(b)
                i += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Case-folded, without diacritics (ё = е, é = e): what concordance compares.
    static func search(_ text: String) throws -> String {
        if let lower = UTF8Scan.lowercasedPlain(text, foldYo: true) { return String(decoding: lower, as: UTF8.self) }
        return try searchGeneral(text)
    }

    /// `search` as UTF-8 bytes.
    static func searchBytes(_ text: String) throws -> [UInt8] {
        if let lower = UTF8Scan.lowercasedPlain(text, foldYo: true) { return lower }
        return Array(try searchGeneral(text).utf8)
    }

    /// Appends a variant's part of the search column (`PackedUnit.appendSearch`) for its NFC text.
    static func appendSearch(langKey: String, text: String, to out: inout [UInt8]) throws {
        out.append(0x1E)
        out.append(contentsOf: langKey.utf8)
        out.append(0x1F)
        let start = out.count
        if UTF8Scan.appendLowercasedPlain(text, foldYo: true, to: &out) { return }
        out.removeSubrange(start...)
        out.append(contentsOf: try searchGeneral(text).utf8)
    }

    /// `search` without the byte-level fast path (tests compare the two).
    static func searchGeneral(_ text: String) throws -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        if UTF8Scan.isPlainLatinCyrillic(text, allowLatin1: false) {
            // Folding is lower-casing here; the only mark to drop is the diaeresis of ё (й keeps its breve).
            let lower = text.lowercased()
            guard lower.unicodeScalars.contains("ё") else { return lower }
            return String(String.UnicodeScalarView(lower.unicodeScalars.map { $0 == "ё" ? "е" : $0 }))
        }
        let folded = try text.caseFolded().normalized(.nfd)
        var stripped = String.UnicodeScalarView()
        var previous: Unicode.Scalar = " "
        var marks = false
        for u in folded.unicodeScalars {
            defer { previous = u }
            // Combining marks go (é = e, ё = е), but Й is a letter of its own in Russian: keep its breve.
            if u.value >= 0x300, u.value < 0x370 || (u.value >= 0x1AB0 && u.value < 0x1B00) || (u.value >= 0x1DC0 && u.value < 0x1E00)
                || (u.value >= 0x20D0 && u.value < 0x2100) || (u.value >= 0xFE20 && u.value < 0xFE30) {
                if u == "\u{306}" && previous == "и" { stripped.append(u); marks = true }
                continue
            }
            stripped.append(u)
        }
        let s = String(stripped)
        return marks ? try s.normalized(.nfc) : s
    }
}
