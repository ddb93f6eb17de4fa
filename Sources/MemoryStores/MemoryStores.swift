import Foundation
@_exported import MemoryCore
@_exported import PostgresStore
@_exported import TranslationMemory
@_exported import Glossary
@_exported import GlossarySQLite

/// Opens a memory by where it is: a `postgres://` URL (`PostgresMemory`) or a file (`MemoryStore`).
/// The commands and the server open memories through this and use what it returns as a
/// `TranslationMemoryStore`, whichever engine it is.
public enum MemoryStores {
    /// Whether `location` names a PostgreSQL memory.
    public static func isPostgres(_ location: String) -> Bool { PostgresLocation.isURL(location) }

    /// A failure to open: the message says where and what.
    public struct OpenFailure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Opens the memory at `location`. `create`: a first write may create it (a file, tmkit's
    /// tables in a database without them, a memory missing from the database); else a missing one
    /// is an error. `mapped`: for a file, read through mmap (off for long sequential reads).
    public static func open(_ location: String, create: Bool, mapped: Bool = true) throws -> any TranslationMemoryStore {
        do {
            if isPostgres(location) {
                return try PostgresMemory(location: try PostgresLocation(url: location), create: create)
            }
            return try MemoryStore(path: location, create: create, mapped: mapped)
        } catch let e as MemoryStore.OpenError {
            throw OpenFailure(description: e.description)
        } catch let e as PostgresStoreError {
            throw OpenFailure(description: e.description)
        } catch let e as PostgresLocation.Invalid {
            throw OpenFailure(description: e.description)
        }
    }

    /// `location` for messages (a URL's password hidden).
    public static func display(_ location: String) -> String {
        isPostgres(location) ? PostgresLocation.redacted(location) : location
    }
}

/// Opens a glossary by where it is: a `postgres://` URL (`PostgresGlossary`, `?glossary=NAME`) or
/// a file (`TermStore`). The commands and the server use what it returns as a `GlossaryStore`.
public enum GlossaryStores {
    /// Opens the glossary at `location`. `create`: a first write may create it (a file, tmkit's
    /// tables in a database without them, a glossary missing from the database).
    public static func open(_ location: String, create: Bool) throws -> any GlossaryStore {
        do {
            if MemoryStores.isPostgres(location) {
                return try PostgresGlossary(location: try PostgresLocation(url: location, nameKey: "glossary"), create: create)
            }
            return try TermStore(path: location, create: create)
        } catch let e as TermStore.OpenError {
            throw MemoryStores.OpenFailure(description: e.description)
        } catch let e as PostgresStoreError {
            throw MemoryStores.OpenFailure(description: e.description)
        } catch let e as PostgresLocation.Invalid {
            throw MemoryStores.OpenFailure(description: e.description)
        }
    }
}
