import Foundation
@_exported import Glossary
import GRDB
import ICUText
import StoreSupport

/// A glossary: one SQLite file of concept entries and their terms, written in transactions.
public final class TermStore: GlossaryStore {
    static let applicationID: Int32 = 0x544D_4B47 // 'TMKG'

    public let path: String
    let db: DatabaseQueue
    public var location: String { path }
    /// Derived columns of terms (one recogniser per language).
    private let keyer = TermKeyer()

    /// A write transaction; SQLite's "database is locked" (another process writing for longer than
    /// the busy timeout) becomes an error that names the glossary.
    private func writing<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try db.write(body)
        } catch {
            throw StoreFile.explained(error, path: path, kind: "glossary")
        }
    }

    public typealias OpenError = StoreFile.OpenError

    public init(path: String, create: Bool) throws {
        self.path = path
        let exists = try StoreFile.preflight(path: path, create: create, kind: "glossary",
                                             missingHint: "one is created by the first write: tmkit glossary add or import")
        var config = Configuration()
        config.busyMode = .timeout(10)
        let readOnly = exists && !StoreFile.isWritable(path)
        config.readonly = readOnly
        db = try StoreFile.openQueue(path: path, configuration: config, kind: "glossary")
        try StoreFile.adopt(db, path: path, applicationID: TermStore.applicationID, migrator: TermStore.migrator,
                            kind: "glossary", isNew: !exists, readOnly: readOnly)
    }

    static var migrator: StoreMigrator {
        var m = StoreMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE entry (
                    id INTEGER PRIMARY KEY, definition TEXT, domain TEXT, note TEXT, source TEXT,
                    created_at REAL, changed_at REAL
                );
                CREATE TABLE term (
                    id INTEGER PRIMARY KEY,
                    entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
                    lang TEXT NOT NULL, lang_key TEXT NOT NULL, text TEXT NOT NULL,
                    fold TEXT NOT NULL,            -- case-folded, diacritics as the language ignores them
                    keys TEXT,                     -- recognition keys of its words (stems), space-separated
                    pos TEXT, status TEXT, note TEXT
                );
                CREATE INDEX term_entry ON term(entry_id);
                CREATE INDEX term_fold ON term(lang_key, fold);
                """)
        }
        // Ids of removed entries and terms are never given again (as in a PostgreSQL glossary): a
        // script that kept "entry 5" cannot edit another entry by it. (Migrations run with foreign
        // keys off: dropping the old tables deletes no terms.)
        m.registerMigration("v2: ids never reused") { db in
            try db.execute(sql: """
                CREATE TABLE entry_v2 (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, definition TEXT, domain TEXT, note TEXT, source TEXT,
                    created_at REAL, changed_at REAL
                );
                INSERT INTO entry_v2 SELECT id, definition, domain, note, source, created_at, changed_at FROM entry;
                CREATE TABLE term_v2 (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
                    lang TEXT NOT NULL, lang_key TEXT NOT NULL, text TEXT NOT NULL,
                    fold TEXT NOT NULL, keys TEXT, pos TEXT, status TEXT, note TEXT
                );
                INSERT INTO term_v2 SELECT id, entry_id, lang, lang_key, text, fold, keys, pos, status, note FROM term;
                DROP TABLE term;
                DROP TABLE entry;
                ALTER TABLE entry_v2 RENAME TO entry;
                ALTER TABLE term_v2 RENAME TO term;
                CREATE INDEX term_entry ON term(entry_id);
                CREATE INDEX term_fold ON term(lang_key, fold);
                """)
        }
        return m
    }

    static func fold(_ s: String) -> String { GlossaryRules.fold(s) }

    // MARK: Writing

    public typealias AddResult = GlossaryAddResult

    /// Adds a source term and its translation. A pair already present updates the entry; a
    /// source term present with another translation is added as a new entry and reported.
    @discardableResult
    public func add(source: Term, target: Term, note: String?, domain: String?) throws -> AddResult {
        try writing { db in try add(db, source: source, target: target, note: note, domain: domain) }
    }

    func add(_ db: Database, source: Term, target: Term, note: String?, domain: String?) throws -> AddResult {
        let now = Date().timeIntervalSince1970
        let existing = try Int64.fetchAll(db, sql: "SELECT entry_id FROM term WHERE lang_key = ? AND fold = ?",
                                          arguments: [GlossaryLanguage.primary(source.language), TermStore.fold(source.text)])
        var other: String?
        for id in existing {
            let targets = try Row.fetchAll(db, sql: "SELECT id, text, fold FROM term WHERE entry_id = ? AND lang_key = ?",
                                           arguments: [id, GlossaryLanguage.primary(target.language)])
            if let same = targets.first(where: { ($0["fold"] as String) == TermStore.fold(target.text) }) {
                try db.execute(sql: "UPDATE entry SET changed_at = ?, note = COALESCE(?, note), domain = COALESCE(?, domain) WHERE id = ?",
                               arguments: [now, note, domain, id])
                try db.execute(sql: "UPDATE term SET status = COALESCE(?, status), note = COALESCE(?, note), pos = COALESCE(?, pos) WHERE id = ?",
                               arguments: [target.status?.rawValue, target.note, target.partOfSpeech, same["id"] as Int64])
                return AddResult(entryID: id, kind: .updated)
            }
            other = targets.first.map { $0["text"] as String } ?? other
        }
        let id = try insert(db, TermEntry(terms: [source, target], domain: domain, note: note))
        return AddResult(entryID: id, kind: other.map { .addedBesideOther($0) } ?? .added)
    }

    func insert(_ db: Database, _ e: TermEntry) throws -> Int64 {
        let now = Date().timeIntervalSince1970
        try db.execute(sql: "INSERT INTO entry(definition, domain, note, source, created_at, changed_at) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [e.definition, e.domain, e.note, e.source, e.createdAt?.timeIntervalSince1970 ?? now,
                                   e.changedAt?.timeIntervalSince1970 ?? now])
        let id = db.lastInsertedRowID
        for t in e.terms {
            try db.cachedStatement(sql: "INSERT INTO term(entry_id, lang, lang_key, text, fold, keys, pos, status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .execute(arguments: [id, t.language, GlossaryLanguage.primary(t.language), t.text, TermStore.fold(t.text),
                                     try keys(t).joined(separator: " "), t.partOfSpeech, t.status?.rawValue, t.note])
        }
        return id
    }

    func keys(_ t: Term) throws -> [String] { try keyer.keys(t) }

    /// Adds whole entries in one transaction (imports): all or nothing.
    public func insert(_ entries: [TermEntry], replacing: Bool) throws {
        try writing { db in
            if replacing {
                try db.execute(sql: "DELETE FROM term")
                try db.execute(sql: "DELETE FROM entry")
            }
            for e in entries { _ = try insert(db, e) }
        }
    }

    /// Changes the terms or fields of an entry; nil leaves a field as it is.
    public func edit(id: Int64, language: String?, text: String?, status: Term.Status?,
                     note: String?, definition: String?, domain: String?) throws -> Bool {
        try writing { db in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM entry WHERE id = ?", arguments: [id]) == 1 else { return false }
            try db.execute(sql: "UPDATE entry SET changed_at = ?, note = COALESCE(?, note), definition = COALESCE(?, definition), domain = COALESCE(?, domain) WHERE id = ?",
                           arguments: [Date().timeIntervalSince1970, note, definition, domain, id])
            if let language {
                let key = GlossaryLanguage.primary(language)
                if let text {
                    try db.execute(sql: "UPDATE term SET text = ?, fold = ?, keys = ? WHERE entry_id = ? AND lang_key = ?",
                                   arguments: [text, TermStore.fold(text), try keys(Term(language: language, text: text)).joined(separator: " "), id, key])
                }
                if let status { try db.execute(sql: "UPDATE term SET status = ? WHERE entry_id = ? AND lang_key = ?", arguments: [status.rawValue, id, key]) }
            }
            return true
        }
    }

    public func remove(id: Int64) throws -> Bool {
        try writing { db in
            try db.execute(sql: "DELETE FROM term WHERE entry_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM entry WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    // MARK: Reading

    func load(_ db: Database, _ id: Int64) throws -> TermEntry? {
        guard let r = try Row.fetchOne(db, sql: "SELECT * FROM entry WHERE id = ?", arguments: [id]) else { return nil }
        let terms = try Row.fetchAll(db, sql: "SELECT * FROM term WHERE entry_id = ? ORDER BY id", arguments: [id]).map {
            Term(id: $0["id"], language: $0["lang"], text: $0["text"], partOfSpeech: $0["pos"],
                 status: ($0["status"] as String?).flatMap(Term.Status.init(rawValue:)), note: $0["note"])
        }
        return TermEntry(id: id, terms: terms, definition: r["definition"], domain: r["domain"], note: r["note"], source: r["source"],
                         createdAt: (r["created_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                         changedAt: (r["changed_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    /// One entry by id, or nil.
    public func entry(id: Int64) throws -> TermEntry? {
        try db.read { try load($0, id) }
    }

    /// All entries (or those with a term in `language`), in id order: two queries, whatever the size.
    public func entries(language: String?) throws -> [TermEntry] {
        try db.read { db in
            var byID: [Int64: Int] = [:]
            var out: [TermEntry] = []
            let entries = try Row.fetchCursor(db, sql: "SELECT * FROM entry ORDER BY id")
            while let r = try entries.next() {
                let id: Int64 = r["id"]
                byID[id] = out.count
                out.append(TermEntry(id: id, terms: [], definition: r["definition"], domain: r["domain"], note: r["note"], source: r["source"],
                                     createdAt: (r["created_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                                     changedAt: (r["changed_at"] as Double?).map(Date.init(timeIntervalSince1970:))))
            }
            let terms = try Row.fetchCursor(db, sql: "SELECT id, entry_id, lang, text, keys, pos, status, note FROM term ORDER BY id")
            while let r = try terms.next() {
                guard let k = byID[r[1]] else { continue }
                out[k].terms.append(Term(id: r[0], language: r[2], text: r[3], partOfSpeech: r[5],
                                         status: (r[6] as String?).flatMap(Term.Status.init(rawValue:)), note: r[7])
                    .withStoredKeys(r[4]))
            }
            if let language { out = out.filter { !$0.terms(in: language).isEmpty } }
            return out
        }
    }

    /// Entries with a term containing `query` (ignoring case and ё/е), or starting with it, or
    /// within two edits of it; best first.
    public func search(_ query: String) throws -> [TermEntry] {
        try db.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT entry_id, fold, lang FROM term")
            let ids = GlossaryRules.searchResults(query, terms: rows.lazy.map { (entry: $0[0], fold: $0[1], language: $0[2]) })
            return try ids.compactMap { try load(db, $0) }
        }
    }
}

// MARK: Verifying

extension TermStore {
    /// Checks the glossary: SQLite's integrity check, every term belongs to an entry, every entry
    /// has a term, and each term's derived columns (language key, folded text, recognition keys)
    /// are what its language and text give. Read in one transaction. With `repair`, the derived
    /// columns are computed again, orphaned terms and empty entries removed, in one write
    /// transaction, and the glossary is checked again.
    public func verify(repair: Bool) throws -> VerifyReport {
        let start = Date()
        var report = try db.read { try verify($0, fix: false) }
        if repair && !report.ok {
            _ = try writing { try verify($0, fix: true) }
            report = try db.read { try verify($0, fix: false) }
            report.repaired = true
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    private func verify(_ db: Database, fix: Bool) throws -> VerifyReport {
        var report = VerifyReport()
        var log = VerifyReport.Log()
        for line in try String.fetchAll(db, sql: "PRAGMA integrity_check") where line != "ok" {
            log.add("SQLite integrity check", line)
        }
        let entries = try Int.fetchOne(db, sql: "SELECT count(*) FROM entry") ?? 0
        var terms = 0
        for id in try Int64.fetchAll(db, sql: "SELECT id FROM term WHERE entry_id NOT IN (SELECT id FROM entry)") {
            log.add("terms of no entry", "term \(id)")
            if fix { try db.execute(sql: "DELETE FROM term WHERE id = ?", arguments: [id]) }
        }
        for id in try Int64.fetchAll(db, sql: "SELECT id FROM entry WHERE id NOT IN (SELECT entry_id FROM term)") {
            log.add("entries without a term", "entry \(id)")
            if fix { try db.execute(sql: "DELETE FROM entry WHERE id = ?", arguments: [id]) }
        }
        let rows = try Row.fetchAll(db, sql: "SELECT id, lang, lang_key, text, fold, keys FROM term ORDER BY id")
        for r in rows {
            terms += 1
            let id: Int64 = r[0], lang: String = r[1], text: String = r[3]
            let d = try keyer.derived(Term(language: lang, text: text))
            if (r[2] as String) != d.languageKey || (r[4] as String) != d.fold || (r[5] as String?) != d.keys {
                log.add("terms whose search and recognition keys are not their text's", "term \(id) (\(lang)): '\(text)'")
                if fix {
                    try db.execute(sql: "UPDATE term SET lang_key = ?, fold = ?, keys = ? WHERE id = ?", arguments: [d.languageKey, d.fold, d.keys, id])
                }
            }
        }
        report.counts = [("entries", entries), ("terms", terms)]
        report.problems = log.problems
        return report
    }
}
