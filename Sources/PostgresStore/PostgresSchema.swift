import Foundation
import PostgresNIO

/// tmkit's tables in a PostgreSQL database: several memories side by side, each a row of
/// `tmkit_memory` (and glossaries, each a row of `tmkit_glossary`, since version 2); a unit is one row (its variants packed as in a SQLite memory, `PackedUnit`),
/// the duplicate keys are rows, and the fuzzy index is posting lists stored in parts (one row per
/// key per write), read whole by a lookup, as in the SQLite store. (The rows name their memory
/// without a foreign key: checking one per row took half of an import's time in COPY.)
enum PostgresSchema {
    /// The version this program writes. A database of a newer version is refused.
    static let version = 2
    /// The advisory lock under which the schema is created or migrated: once, whoever comes first.
    static let lockKey: Int64 = 0x746D_6B69_745F_0001

    /// Statements that bring a database from version `index` to `index + 1`.
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE tmkit_schema (
                singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                version integer NOT NULL)
            """,
            """
            CREATE TABLE tmkit_memory (
                id serial PRIMARY KEY,
                name text NOT NULL UNIQUE,
                next_unit bigint NOT NULL DEFAULT 1,
                created_at timestamptz NOT NULL DEFAULT now())
            """,
            """
            CREATE TABLE tmkit_unit (
                memory integer NOT NULL,
                id bigint NOT NULL,
                data bytea NOT NULL,
                search text NOT NULL,
                PRIMARY KEY (memory, id))
            """,
            """
            CREATE TABLE tmkit_dupkey (
                memory integer NOT NULL,
                hash bigint NOT NULL,
                unit bigint NOT NULL)
            """,
            "CREATE INDEX tmkit_dupkey_hash ON tmkit_dupkey (memory, hash)",
            """
            CREATE TABLE tmkit_posting (
                memory integer NOT NULL,
                lang text NOT NULL,
                key text NOT NULL,
                part bigserial,
                entries bytea NOT NULL)
            """,
            "CREATE INDEX tmkit_posting_key ON tmkit_posting (memory, lang, key)",
            "INSERT INTO tmkit_schema (version) VALUES (0)",
        ],
        // Version 2: glossaries. Entry and term ids are each glossary's own (counted on its row),
        // as a glossary file numbers them.
        [
            """
            CREATE TABLE tmkit_glossary (
                id serial PRIMARY KEY,
                name text NOT NULL UNIQUE,
                next_entry bigint NOT NULL DEFAULT 1,
                next_term bigint NOT NULL DEFAULT 1,
                created_at timestamptz NOT NULL DEFAULT now())
            """,
            """
            CREATE TABLE tmkit_entry (
                glossary integer NOT NULL REFERENCES tmkit_glossary (id) ON DELETE CASCADE,
                id bigint NOT NULL,
                definition text, domain text, note text, source text,
                created_at double precision, changed_at double precision,
                PRIMARY KEY (glossary, id))
            """,
            """
            CREATE TABLE tmkit_term (
                glossary integer NOT NULL,
                id bigint NOT NULL,
                entry bigint NOT NULL,
                lang text NOT NULL, lang_key text NOT NULL, text text NOT NULL,
                fold text NOT NULL,
                keys text,
                pos text, status text, note text,
                PRIMARY KEY (glossary, id),
                FOREIGN KEY (glossary, entry) REFERENCES tmkit_entry (glossary, id) ON DELETE CASCADE)
            """,
            "CREATE INDEX tmkit_term_entry ON tmkit_term (glossary, entry)",
            "CREATE INDEX tmkit_term_fold ON tmkit_term (glossary, lang_key, fold)",
        ],
    ]

    /// The schema's version in the database; nil when it has no tmkit tables.
    static func installedVersion(_ s: PGSession) throws -> Int? {
        let exists = try s.rows("SELECT to_regclass('tmkit_schema') IS NOT NULL")
        guard try exists.first?.decode(Bool.self) == true else { return nil }
        return try s.rows("SELECT version FROM tmkit_schema").first.map { Int(try $0.decode(Int32.self)) } ?? 0
    }

    /// Makes sure the database has tmkit's tables at this program's version: created when
    /// `create` (else a database without them is an error), migrated when older, refused when
    /// newer. A write creates them only in a database without tables of its own, unless `force`
    /// (`tm init`). Creation and migrations run in one transaction under an advisory lock, so that
    /// processes starting together migrate once.
    static func prepare(_ s: PGSession, create: Bool, force: Bool = false) throws {
        if let v = try installedVersion(s) {
            if v == version { return }
            if v > version {
                throw PostgresStoreError("the tmkit schema in database '\(s.location.database)' at \(s.location.server) is version \(v), newer than this tmkit's (\(version)): use a newer tmkit")
            }
        } else if !create {
            throw PostgresStoreError("database '\(s.location.database)' at \(s.location.server) has no tmkit schema (no table tmkit_schema): a first write creates it in an empty database, or `tmkit tm init --memory URL`")
        } else if !force, let other = try s.rows("""
            SELECT schemaname || '.' || tablename FROM pg_tables
            WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND tablename NOT LIKE 'tmkit\\_%' LIMIT 1
            """).first {
            // A database that holds other tables is not tmkit's unless the user says so.
            throw PostgresStoreError("database '\(s.location.database)' at \(s.location.server) has no tmkit schema but other tables (\(try other.decode(String.self)), …): nothing was written. Use a database of its own, or add tmkit's tables to this one with `tmkit tm init --memory URL`")
        }
        // The lock is the session's, taken before the transaction begins: a transaction that began
        // before another process's commit would still see its own cached view of the catalog
        // (no tmkit_schema) and create the tables a second time.
        try s.run("SELECT pg_advisory_lock(\(lockKey))")
        defer { try? s.run("SELECT pg_advisory_unlock(\(lockKey))") }
        try s.transaction {
            // Another process may have done it while this one waited for the lock.
            let now = try installedVersion(s)
            if let now, now > version {
                throw PostgresStoreError("the tmkit schema in database '\(s.location.database)' is version \(now), newer than this tmkit's (\(version)): use a newer tmkit")
            }
            if now == version { return }
            if now == nil {
                for sql in migrations[0] { try s.run(sql: sql) }
            }
            let start = now ?? 1
            if start < version {
                for step in migrations[start..<version] {
                    for sql in step { try s.run(sql: sql) }
                }
            }
            try s.run("UPDATE tmkit_schema SET version = \(Int32(version))")
        }
    }
}
