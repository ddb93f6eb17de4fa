import Foundation
import GRDB

/// What memories and glossaries share: one SQLite file, checked before it is opened, marked as
/// tmkit's own (application id, WAL) when new, refused when it belongs to another program or to
/// a newer tmkit.
///
/// Several processes may open, create and migrate one file at once: everything that decides on
/// the file's state (is it new, is it tmkit's, which migrations are applied) is read again inside
/// the write transaction that acts on it, so two processes never both create the schema.
public enum StoreFile {
    /// A file that is not a usable store.
    public struct OpenError: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let message: String
        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }
        public var description: String { "\(path): \(message)" }
    }

    /// The store this process opened last (path and kind): a command-line tool names it when a
    /// read fails with an SQLite error outside the stores' own wrapping.
    public static var lastOpened: (path: String, kind: String)? {
        openedLock.lock(); defer { openedLock.unlock() }
        return _lastOpened
    }
    nonisolated(unsafe) private static var _lastOpened: (path: String, kind: String)?
    private static let openedLock = NSLock()

    /// An SQLite error of a store's read or write as the user should read it: which file, what
    /// happened, and that nothing was changed (a failed write transaction is rolled back whole).
    /// Other errors are returned as they are.
    public static func explained(_ error: Error, path: String, kind: String) -> Error {
        guard let e = error as? DatabaseError else { return error }
        let detail = e.message.map { " (SQLite: \($0))" } ?? ""
        switch e.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return OpenError(path: path, message: "another process has been writing to this \(kind) for 10 seconds; nothing was changed, try again when it is done")
        case .SQLITE_FULL:
            return OpenError(path: path, message: "the disk is full; nothing was changed (free some space and run the command again)")
        case .SQLITE_READONLY:
            return OpenError(path: path, message: "the \(kind) is read-only (the file or its folder cannot be written): it can be read, not changed; nothing was changed")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return OpenError(path: path, message: "the \(kind) is damaged\(detail); tmkit \(kind == "memory" ? "tm" : "glossary") verify reports what is wrong; restore it from a backup")
        case .SQLITE_IOERR:
            return OpenError(path: path, message: "the file could not be written or read: the disk may be full or failing, or the file larger than a limit allows\(detail); nothing was changed")
        case .SQLITE_CANTOPEN:
            return OpenError(path: path, message: "cannot open the file or its journal\(detail)")
        default:
            return error
        }
    }

    /// Whether the file exists; creates its folder when it does not and `create` allows;
    /// refuses a missing file (`missingHint`) or a folder.
    public static func preflight(path: String, create: Bool, kind: String, missingHint: String) throws -> Bool {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists && isDirectory.boolValue { throw OpenError(path: path, message: "is a folder, not a tmkit \(kind)") }
        if !exists {
            guard create else { throw OpenError(path: path, message: "no \(kind) here (\(missingHint))") }
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty {
                do {
                    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                } catch {
                    throw OpenError(path: path, message: "cannot create the folder \(dir) (\(error.localizedDescription))")
                }
            }
        }
        // (The file is not opened here to read its header: closing a descriptor of a database
        // releases every POSIX lock the process holds on it, the locks of the SQLite connections
        // this process may already have to it. SQLite itself refuses a file that is not a
        // database, which `adopt` reports.)
        openedLock.lock()
        _lastOpened = (path, kind)
        openedLock.unlock()
        return exists
    }

    /// Whether this process may write the file and create files beside it (SQLite's log): when
    /// not, a store is opened read-only, so that lookups still work and writes get a clear error.
    /// (Asked with access(2): the file is not opened, see `preflight`.)
    public static func isWritable(_ path: String) -> Bool {
        let dir = (path as NSString).deletingLastPathComponent
        return access(path, W_OK) == 0 && access(dir.isEmpty ? "." : dir, W_OK) == 0
    }

    /// Opens the SQLite file, naming what is wrong when it cannot be.
    ///
    /// A read-only configuration in a folder this process may not write, whose file has no log
    /// beside it (closed cleanly), is opened as immutable: SQLite cannot read a WAL database there
    /// otherwise (it would need to create the shared-memory file beside it), and no tmkit can write
    /// a memory whose folder is read-only. (With a log beside it, SQLite reads the log as usual.)
    public static func openQueue(path: String, configuration: Configuration, kind: String) throws -> DatabaseQueue {
        var target = path
        let dir = (path as NSString).deletingLastPathComponent
        if configuration.readonly, access(dir.isEmpty ? "." : dir, W_OK) != 0,
           !FileManager.default.fileExists(atPath: path + "-wal") {
            let abs = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
            let escaped = abs.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#%"))) ?? abs
            target = "file://" + escaped + "?immutable=1"
        }
        do {
            return try DatabaseQueue(path: target, configuration: configuration)
        } catch let e as DatabaseError where e.resultCode == .SQLITE_NOTADB {
            throw OpenError(path: path, message: "not a tmkit \(kind) (not an SQLite database)")
        } catch {
            throw explained(error, path: path, kind: kind)
        }
    }

    /// Marks a new database as tmkit's, checks an old one, and migrates it.
    ///
    /// A file that needs nothing is only read (a lookup does not wait for a long import). One that
    /// needs marking or migrating is checked again and changed in one immediate transaction, so
    /// that of several processes creating the same file at once one migrates it and the others
    /// find it done.
    /// - Parameter readOnly: the file cannot be written (`isWritable`): it is only checked.
    public static func adopt(_ queue: DatabaseQueue, path: String, applicationID: Int32, migrator: StoreMigrator,
                             kind: String, isNew: Bool, readOnly: Bool = false) throws {
        func check(_ db: Database) throws -> (ours: Bool, pending: Bool) {
            let appID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type='table'")
            if appID != applicationID && (!tables.isEmpty || appID != 0) {
                throw OpenError(path: path, message: "not a tmkit \(kind) (an SQLite database of another program)")
            }
            // (Read once: every open of a memory asks.)
            let applied = try migrator.appliedIdentifiers(db)
            if migrator.hasBeenSuperseded(applied) {
                throw OpenError(path: path, message: "written by a newer tmkit (schema \(applied.sorted().last ?? "?")); upgrade tmkit to use it")
            }
            return (appID == applicationID, migrator.hasPending(applied))
        }
        do {
            let state = try queue.read(check)
            if readOnly {
                guard state.ours, !state.pending else {
                    throw OpenError(path: path, message: "is read-only and was written by an earlier tmkit: open it once where it can be written, to upgrade it")
                }
                return
            }
            try queue.writeWithoutTransaction { db in
                if !state.ours {
                    // 16 KiB pages, not SQLite's 4 KiB: fewer B-tree pages per stored row and per posting
                    // list (the synthetic million imports about 10% faster, and a cold lookup reads fewer pages).
                    // (Takes effect only before the first write; a file made by an earlier version keeps its pages.)
                    try db.execute(sql: "PRAGMA page_size = 16384")
                }
                // WAL: readers do not wait for writers. (A file left with a rollback journal by a bulk
                // import, MemoryStore.enterBulkMode, goes back to WAL when no other process has it open.)
                if try String.fetchOne(db, sql: "PRAGMA journal_mode")?.lowercased() != "wal" {
                    // (Needs the file to itself: not while a bulk import holds it. Then this process
                    // uses the rollback journal too, and a later one switches back.)
                    try db.execute(sql: "PRAGMA busy_timeout = 200")
                    defer { try? db.execute(sql: "PRAGMA busy_timeout = 10000") }
                    _ = try? String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                }
            }
            guard !state.ours || state.pending else { return }
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
                try db.inTransaction(.immediate) {
                    let again = try check(db)
                    if !again.ours { try db.execute(sql: "PRAGMA application_id = \(applicationID)") }
                    if again.pending { try migrator.runPending(db, upTo: nil) }
                    try db.checkForeignKeys()
                    return .commit
                }
            }
        } catch let e as DatabaseError where e.resultCode == .SQLITE_BUSY || e.resultCode == .SQLITE_LOCKED {
            throw OpenError(path: path, message: "another process has been writing to this \(kind) for 10 seconds; it could not be opened, try again when it is done")
        } catch let e as DatabaseError where e.resultCode == .SQLITE_READONLY || e.resultCode == .SQLITE_CANTOPEN {
            throw OpenError(path: path, message: "cannot be set up: the file or its folder is read-only (\(e.message ?? "\(e.resultCode)"))")
        } catch let e as DatabaseError where e.resultCode == .SQLITE_NOTADB {
            throw OpenError(path: path, message: "not a tmkit \(kind) (not an SQLite database)")
        } catch let e as DatabaseError where e.resultCode == .SQLITE_CORRUPT {
            throw OpenError(path: path, message: "damaged: \(e.message ?? "the file is not a well-formed database"); run tmkit's verify on a copy, or restore a backup")
        }
    }
}

/// Schema migrations, recorded in the `grdb_migrations` table as GRDB's migrator records them
/// (files made by earlier versions keep their history), but applied together in one immediate
/// transaction whose first step reads which are applied: two processes opening a new file at
/// once cannot both run the same migration.
public struct StoreMigrator {
    private var migrations: [(id: String, body: (Database) throws -> Void)] = []

    public init() {}

    public mutating func registerMigration(_ id: String, _ body: @escaping (Database) throws -> Void) {
        migrations.append((id, body))
    }

    /// The identifiers recorded in the file (unknown ones included).
    public func appliedIdentifiers(_ db: Database) throws -> Set<String> {
        guard try db.tableExists("grdb_migrations") else { return [] }
        return Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
    }

    /// Whether `applied` (`appliedIdentifiers`) holds a migration this version does not know (a newer tmkit wrote it).
    public func hasBeenSuperseded(_ applied: Set<String>) -> Bool {
        let known = Set(migrations.map(\.id))
        return applied.contains { !known.contains($0) }
    }

    /// Whether a migration this version knows is not among `applied`.
    func hasPending(_ applied: Set<String>) -> Bool {
        migrations.contains { !applied.contains($0.id) }
    }

    /// Runs the migrations not yet applied, up to `target` (all when nil), inside the caller's transaction.
    func runPending(_ db: Database, upTo target: String?) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
        let applied = try appliedIdentifiers(db)
        for m in migrations {
            if !applied.contains(m.id) {
                try m.body(db)
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [m.id])
            }
            if m.id == target { break }
        }
    }

    /// Migrates a database up to `target` (all when nil) in one immediate transaction
    /// (tests use it to make files of earlier schemas).
    public func migrate(_ queue: DatabaseQueue, upTo target: String? = nil) throws {
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
            try db.inTransaction(.immediate) {
                try runPending(db, upTo: target)
                return .commit
            }
        }
    }
}
