import Foundation
import GRDB

/// What memories and glossaries share: one SQLite file, checked before it is opened, marked as
/// tmkit's own (application id, WAL) when new, refused when it belongs to another program or to
/// a newer tmkit.
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

    /// Whether the file exists; creates its folder when it does not and `create` allows;
    /// refuses a missing file (`missingHint`) or one that is not SQLite.
    public static func preflight(path: String, create: Bool, kind: String, missingHint: String) throws -> Bool {
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists {
            guard create else { throw OpenError(path: path, message: "no \(kind) here (\(missingHint))") }
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        } else if let h = FileHandle(forReadingAtPath: path) {
            let head = h.readData(ofLength: 16)
            try? h.close()
            if !head.isEmpty, head != Data("SQLite format 3\0".utf8) {
                throw OpenError(path: path, message: "not a tmkit \(kind) (not an SQLite database)")
            }
        }
        return exists
    }

    /// Marks a new database as tmkit's, checks an old one, and migrates it.
    public static func adopt(_ queue: DatabaseQueue, path: String, applicationID: Int32, migrator: DatabaseMigrator,
                             kind: String, isNew: Bool) throws {
        try queue.writeWithoutTransaction { db in
            let appID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type='table'")
            if appID != applicationID {
                if !tables.isEmpty || !isNew && appID != 0 {
                    throw OpenError(path: path, message: "not a tmkit \(kind) (an SQLite database of another program)")
                }
                // 16 KiB pages, not SQLite's 4 KiB: fewer B-tree pages per stored row and per posting
                // list (the synthetic million imports about 10% faster, and a cold lookup reads fewer pages).
                // (Set before the first write; a file made by an earlier version keeps its pages.)
                try db.execute(sql: "PRAGMA page_size = 16384")
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            }
            // A bulk write runs with a rollback journal; one interrupted leaves the file so: back to WAL.
            if !isNew, appID == applicationID, try String.fetchOne(db, sql: "PRAGMA journal_mode")?.lowercased() != "wal" {
                _ = try? String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            }
            if try migrator.hasBeenSuperseded(db) {
                throw OpenError(path: path, message: "written by a newer tmkit (schema \(try migrator.appliedIdentifiers(db).sorted().last ?? "?")); upgrade tmkit to use it")
            }
        }
        try migrator.migrate(queue)
    }
}
