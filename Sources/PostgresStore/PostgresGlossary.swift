import Foundation
import Glossary
import MemoryCore
import PostgresNIO

/// A glossary in PostgreSQL: the same entries, terms, rules and answers as a glossary file, in
/// tables several tmkit processes share (`PostgresSchema`, version 2). Several glossaries live in
/// one database (`?glossary=NAME`), beside its memories.
///
/// Reads run in a read-only REPEATABLE READ transaction; a write is one transaction that first
/// locks its glossary's row, so that writers of one glossary take turns (an added pair is looked
/// up and then written by one writer at a time, as in the file). Entry and term ids are the
/// glossary's own, counted from 1 on its row, as a file numbers them.
public final class PostgresGlossary: GlossaryStore {
    public let place: PostgresLocation
    let session: PGSession
    /// The glossary's row in `tmkit_glossary`.
    let glossaryID: Int32
    private let keyer = TermKeyer()

    public var location: String { place.description }

    /// Connects and opens the glossary `location.name`. `create`: create tmkit's tables when the
    /// database has none, and the glossary when it is missing (a first write); else either is an error.
    public init(location: PostgresLocation, create: Bool, initialize: Bool = false) throws {
        place = location
        session = try PGSession.connect(location)
        try PostgresSchema.prepare(session, create: create || initialize, force: initialize)
        let name = location.name
        if let id = try session.rows("SELECT id FROM tmkit_glossary WHERE name = \(name)").first {
            glossaryID = try id.decode(Int32.self)
        } else if create {
            try session.run("INSERT INTO tmkit_glossary (name) VALUES (\(name)) ON CONFLICT (name) DO NOTHING")
            glossaryID = try session.rows("SELECT id FROM tmkit_glossary WHERE name = \(name)").first!.decode(Int32.self)
        } else {
            let names = try session.rows("SELECT name FROM tmkit_glossary ORDER BY name").map { try $0.decode(String.self) }
            throw PostgresStoreError("database '\(location.database)' at \(location.server) has no glossary '\(name)'"
                + (names.isEmpty ? " (it has none yet: a first write creates it)" : " (its glossaries: \(names.joined(separator: ", ")))"))
        }
    }

    /// The names of the glossaries in the database at `location` (its `name` is not used).
    public static func glossaryNames(at location: PostgresLocation) throws -> [String] {
        let s = try PGSession.connect(location)
        guard let v = try PostgresSchema.installedVersion(s), v >= 2 else { return [] }
        return try s.rows("SELECT name FROM tmkit_glossary ORDER BY name").map { try $0.decode(String.self) }
    }

    /// Runs `body` in one read-only snapshot.
    private func reading<T>(_ body: () throws -> T) throws -> T {
        try session.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", body)
    }

    /// The next entry and term ids, kept on the glossary's row while a write holds it.
    private struct Counters {
        var entry: Int64
        var term: Int64
    }

    /// Runs `body` in a write transaction holding the glossary's row (writers take turns).
    private func writing<T>(_ body: (inout Counters) throws -> T) throws -> T {
        try session.transaction {
            let row = try session.rows("SELECT next_entry, next_term FROM tmkit_glossary WHERE id = \(glossaryID) FOR UPDATE").first
            guard let row else { throw PostgresStoreError("the glossary '\(place.name)' was removed from database '\(place.database)' meanwhile") }
            let (entry, term) = try row.decode((Int64, Int64).self)
            var counters = Counters(entry: entry, term: term)
            let result = try body(&counters)
            if counters.entry != entry || counters.term != term {
                try session.run("UPDATE tmkit_glossary SET next_entry = \(counters.entry), next_term = \(counters.term) WHERE id = \(glossaryID)")
            }
            return result
        }
    }

    private static func now() -> Double { Date().timeIntervalSince1970 }

    // MARK: Writing

    @discardableResult
    public func add(source: Term, target: Term, note: String?, domain: String?) throws -> GlossaryAddResult {
        let sourceKey = GlossaryRules.languageKey(source.language), sourceFold = GlossaryRules.fold(source.text)
        let targetKey = GlossaryRules.languageKey(target.language), targetFold = GlossaryRules.fold(target.text)
        return try writing { counters in
            let existing = try session.rows("""
                SELECT DISTINCT entry FROM tmkit_term WHERE glossary = \(glossaryID) AND lang_key = \(sourceKey) AND fold = \(sourceFold)
                ORDER BY entry
                """).map { try $0.decode(Int64.self) }
            var other: String?
            for id in existing {
                let targets = try session.rows("""
                    SELECT id, text, fold FROM tmkit_term WHERE glossary = \(glossaryID) AND entry = \(id) AND lang_key = \(targetKey) ORDER BY id
                    """).map { try $0.decode((Int64, String, String).self) }
                if let same = targets.first(where: { $0.2 == targetFold }) {
                    try session.run("""
                        UPDATE tmkit_entry SET changed_at = \(Self.now()), note = COALESCE(\(note)::text, note), domain = COALESCE(\(domain)::text, domain)
                        WHERE glossary = \(glossaryID) AND id = \(id)
                        """)
                    try session.run("""
                        UPDATE tmkit_term SET status = COALESCE(\(target.status?.rawValue)::text, status), note = COALESCE(\(target.note)::text, note),
                            pos = COALESCE(\(target.partOfSpeech)::text, pos)
                        WHERE glossary = \(glossaryID) AND id = \(same.0)
                        """)
                    return GlossaryAddResult(entryID: id, kind: .updated)
                }
                other = targets.first.map(\.1) ?? other
            }
            let id = try insert(TermEntry(terms: [source, target], domain: domain, note: note), counters: &counters)
            return GlossaryAddResult(entryID: id, kind: other.map { .addedBesideOther($0) } ?? .added)
        }
    }

    /// One entry and its terms, by statements (a single add).
    private func insert(_ e: TermEntry, counters: inout Counters) throws -> Int64 {
        let id = counters.entry
        counters.entry += 1
        let now = Self.now()
        try session.run("""
            INSERT INTO tmkit_entry (glossary, id, definition, domain, note, source, created_at, changed_at)
            VALUES (\(glossaryID), \(id), \(e.definition)::text, \(e.domain)::text, \(e.note)::text, \(e.source)::text,
                    \(e.createdAt?.timeIntervalSince1970 ?? now), \(e.changedAt?.timeIntervalSince1970 ?? now))
            """)
        for t in e.terms {
            let d = try keyer.derived(t)
            try session.run("""
                INSERT INTO tmkit_term (glossary, id, entry, lang, lang_key, text, fold, keys, pos, status, note)
                VALUES (\(glossaryID), \(counters.term), \(id), \(t.language), \(d.languageKey), \(t.text), \(d.fold), \(d.keys),
                        \(t.partOfSpeech)::text, \(t.status?.rawValue)::text, \(t.note)::text)
                """)
            counters.term += 1
        }
        return id
    }

    /// Adds whole entries in one transaction, streamed through COPY: all or nothing.
    public func insert(_ entries: [TermEntry], replacing: Bool) throws {
        guard !entries.isEmpty || replacing else { return }
        // The derived columns are computed before the transaction opens.
        let derived = try entries.map { e in try e.terms.map { try keyer.derived($0) } }
        try writing { counters in
            if replacing {
                try session.run("DELETE FROM tmkit_term WHERE glossary = \(glossaryID)")
                try session.run("DELETE FROM tmkit_entry WHERE glossary = \(glossaryID)")
            }
            let firstEntry = counters.entry, firstTerm = counters.term
            let glossary = glossaryID, now = Self.now()
            try session.copy(table: "tmkit_entry", columns: ["glossary", "id", "definition", "domain", "note", "source", "created_at", "changed_at"]) { sink in
                for (k, e) in entries.enumerated() {
                    sink.buffer.writeString("\(glossary)\t\(firstEntry + Int64(k))\t")
                    for field in [e.definition, e.domain, e.note, e.source] { CopyText.appendField(field, to: &sink.buffer) }
                    sink.buffer.writeString("\(e.createdAt?.timeIntervalSince1970 ?? now)\t\(e.changedAt?.timeIntervalSince1970 ?? now)\n")
                    try await sink.flushIfFull()
                }
            }
            try session.copy(table: "tmkit_term", columns: ["glossary", "id", "entry", "lang", "lang_key", "text", "fold", "keys", "pos", "status", "note"]) { sink in
                var termID = firstTerm
                for (k, e) in entries.enumerated() {
                    for (t, d) in zip(e.terms, derived[k]) {
                        sink.buffer.writeString("\(glossary)\t\(termID)\t\(firstEntry + Int64(k))\t")
                        for field in [t.language, d.languageKey, t.text, d.fold, d.keys, t.partOfSpeech, t.status?.rawValue] {
                            CopyText.appendField(field, to: &sink.buffer)
                        }
                        CopyText.appendField(t.note, to: &sink.buffer, last: true)
                        termID += 1
                        try await sink.flushIfFull()
                    }
                }
            }
            counters.entry = firstEntry + Int64(entries.count)
            counters.term = firstTerm + Int64(derived.reduce(0) { $0 + $1.count })
        }
    }

    public func edit(id: Int64, language: String?, text: String?, status: Term.Status?,
                     note: String?, definition: String?, domain: String?) throws -> Bool {
        try writing { _ in
            let changed = try session.rows("""
                UPDATE tmkit_entry SET changed_at = \(Self.now()), note = COALESCE(\(note)::text, note),
                    definition = COALESCE(\(definition)::text, definition), domain = COALESCE(\(domain)::text, domain)
                WHERE glossary = \(glossaryID) AND id = \(id) RETURNING id
                """)
            guard !changed.isEmpty else { return false }
            if let language {
                let key = GlossaryRules.languageKey(language)
                if let text {
                    let d = try keyer.derived(Term(language: language, text: text))
                    try session.run("""
                        UPDATE tmkit_term SET text = \(text), fold = \(d.fold), keys = \(d.keys)
                        WHERE glossary = \(glossaryID) AND entry = \(id) AND lang_key = \(key)
                        """)
                }
                if let status {
                    try session.run("UPDATE tmkit_term SET status = \(status.rawValue) WHERE glossary = \(glossaryID) AND entry = \(id) AND lang_key = \(key)")
                }
            }
            return true
        }
    }

    public func remove(id: Int64) throws -> Bool {
        try writing { _ in
            try session.run("DELETE FROM tmkit_term WHERE glossary = \(glossaryID) AND entry = \(id)")
            return try !session.rows("DELETE FROM tmkit_entry WHERE glossary = \(glossaryID) AND id = \(id) RETURNING id").isEmpty
        }
    }

    // MARK: Reading

    public func entry(id: Int64) throws -> TermEntry? {
        try reading { try load(ids: [id]).first }
    }

    public func entries(language: String?) throws -> [TermEntry] {
        try reading {
            var out = try load(ids: nil)
            if let language { out = out.filter { !$0.terms(in: language).isEmpty } }
            return out
        }
    }

    public func search(_ query: String) throws -> [TermEntry] {
        try reading {
            let rows = try session.rows("SELECT entry, fold, lang FROM tmkit_term WHERE glossary = \(glossaryID)")
                .map { try $0.decode((Int64, String, String).self) }
            let ids = GlossaryRules.searchResults(query, terms: rows.lazy.map { (entry: $0.0, fold: $0.1, language: $0.2) })
            return try load(ids: ids)
        }
    }

    /// Entries with their terms (in term id order): those of `ids` in that order, or all in id
    /// order. Two queries, inside the caller's transaction.
    private func load(ids: [Int64]?) throws -> [TermEntry] {
        if let ids, ids.isEmpty { return [] }
        let entryRows: [PostgresRow], termRows: [PostgresRow]
        if let ids {
            entryRows = try session.rows("""
                SELECT id, definition, domain, note, source, created_at, changed_at FROM tmkit_entry
                WHERE glossary = \(glossaryID) AND id = ANY(\(ids))
                """)
            termRows = try session.rows("""
                SELECT id, entry, lang, text, keys, pos, status, note FROM tmkit_term
                WHERE glossary = \(glossaryID) AND entry = ANY(\(ids)) ORDER BY id
                """)
        } else {
            entryRows = try session.rows("""
                SELECT id, definition, domain, note, source, created_at, changed_at FROM tmkit_entry
                WHERE glossary = \(glossaryID) ORDER BY id
                """)
            termRows = try session.rows("""
                SELECT id, entry, lang, text, keys, pos, status, note FROM tmkit_term WHERE glossary = \(glossaryID) ORDER BY id
                """)
        }
        var out: [TermEntry] = []
        var byID: [Int64: Int] = [:]
        for row in entryRows {
            let (id, definition, domain, note, source, created, changed) =
                try row.decode((Int64, String?, String?, String?, String?, Double?, Double?).self)
            byID[id] = out.count
            out.append(TermEntry(id: id, terms: [], definition: definition, domain: domain, note: note, source: source,
                                 createdAt: created.map(Date.init(timeIntervalSince1970:)),
                                 changedAt: changed.map(Date.init(timeIntervalSince1970:))))
        }
        for row in termRows {
            let (id, entry, lang, text, keys, pos, status, note) =
                try row.decode((Int64, Int64, String, String, String?, String?, String?, String?).self)
            guard let k = byID[entry] else { continue }
            out[k].terms.append(Term(id: id, language: lang, text: text, partOfSpeech: pos,
                                     status: status.flatMap(Term.Status.init(rawValue:)), note: note).withStoredKeys(keys))
        }
        guard let ids else { return out }
        return ids.compactMap { byID[$0].map { out[$0] } }
    }

    // MARK: Verifying

    /// Checks the glossary as `glossary verify` checks a file: every term belongs to an entry,
    /// every entry has a term, each term's derived columns are its text's, and the glossary's
    /// next ids are above those in use. `repair` fixes all four in one write transaction.
    public func verify(repair: Bool) throws -> VerifyReport {
        let start = Date()
        var report = try reading { try verify(fix: false) }
        if repair && !report.ok {
            _ = try writing { counters in
                let r = try verify(fix: true)
                let (entry, term) = try session.rows("""
                    SELECT (SELECT COALESCE(max(id), 0) + 1 FROM tmkit_entry WHERE glossary = \(glossaryID)),
                           (SELECT COALESCE(max(id), 0) + 1 FROM tmkit_term WHERE glossary = \(glossaryID))
                    """).first!.decode((Int64, Int64).self)
                counters.entry = max(counters.entry, entry)
                counters.term = max(counters.term, term)
                return r
            }
            report = try reading { try verify(fix: false) }
            report.repaired = true
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    private func verify(fix: Bool) throws -> VerifyReport {
        var report = VerifyReport()
        var log = VerifyReport.Log()
        let g = glossaryID
        let entries = Int(try session.rows("SELECT count(*) FROM tmkit_entry WHERE glossary = \(g)").first!.decode(Int64.self))
        for row in try session.rows("""
            SELECT t.id FROM tmkit_term t WHERE t.glossary = \(g)
            AND NOT EXISTS (SELECT 1 FROM tmkit_entry e WHERE e.glossary = \(g) AND e.id = t.entry) ORDER BY t.id
            """) {
            let id = try row.decode(Int64.self)
            log.add("terms of no entry", "term \(id)")
            if fix { try session.run("DELETE FROM tmkit_term WHERE glossary = \(g) AND id = \(id)") }
        }
        for row in try session.rows("""
            SELECT e.id FROM tmkit_entry e WHERE e.glossary = \(g)
            AND NOT EXISTS (SELECT 1 FROM tmkit_term t WHERE t.glossary = \(g) AND t.entry = e.id) ORDER BY e.id
            """) {
            let id = try row.decode(Int64.self)
            log.add("entries without a term", "entry \(id)")
            if fix { try session.run("DELETE FROM tmkit_entry WHERE glossary = \(g) AND id = \(id)") }
        }
        let (next, maxEntry, nextTerm, maxTerm) = try session.rows("""
            SELECT next_entry, (SELECT COALESCE(max(id), 0) FROM tmkit_entry WHERE glossary = \(g)),
                   next_term, (SELECT COALESCE(max(id), 0) FROM tmkit_term WHERE glossary = \(g))
            FROM tmkit_glossary WHERE id = \(g)
            """).first!.decode((Int64, Int64, Int64, Int64).self)
        if next <= maxEntry { log.add("next ids not above those in use", "next entry \(next), entry \(maxEntry) stored") }
        if nextTerm <= maxTerm { log.add("next ids not above those in use", "next term \(nextTerm), term \(maxTerm) stored") }
        var terms = 0
        for row in try session.rows("SELECT id, lang, lang_key, text, fold, keys FROM tmkit_term WHERE glossary = \(g) ORDER BY id") {
            terms += 1
            let (id, lang, langKey, text, fold, keys) = try row.decode((Int64, String, String, String, String, String?).self)
            let d = try keyer.derived(Term(language: lang, text: text))
            if langKey != d.languageKey || fold != d.fold || keys != d.keys {
                log.add("terms whose search and recognition keys are not their text's", "term \(id) (\(lang)): '\(text)'")
                if fix {
                    try session.run("""
                        UPDATE tmkit_term SET lang_key = \(d.languageKey), fold = \(d.fold), keys = \(d.keys) WHERE glossary = \(g) AND id = \(id)
                        """)
                }
            }
        }
        report.counts = [("entries", entries), ("terms", terms)]
        report.problems = log.problems
        return report
    }
}

extension CopyText {
    /// A text value (or NULL) followed by a tab, or by the line's end when `last`.
    static func appendField(_ value: String?, to buffer: inout ByteBuffer, last: Bool = false) {
        if let value { appendEscaped(Array(value.utf8), to: &buffer) } else { buffer.writeString("\\N") }
        buffer.writeInteger(UInt8(ascii: last ? "\n" : "\t"))
    }
}
