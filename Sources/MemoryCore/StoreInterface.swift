import Foundation

/// Units in all, variants per language and units per language pair.
public struct MemoryStats: Sendable {
    public var units: Int
    public var variantsByLanguage: [(language: String, count: Int)]
    public var unitsByPair: [(source: String, target: String, count: Int)]

    public init(units: Int, variantsByLanguage: [(language: String, count: Int)], unitsByPair: [(source: String, target: String, count: Int)]) {
        self.units = units
        self.variantsByLanguage = variantsByLanguage
        self.unitsByPair = unitsByPair
    }
}

extension MemoryStats {
    /// Counts packed units (`PackedUnit`) one at a time, as every store reads them.
    package struct Counter {
        var units = 0
        var langs: [String: Int] = [:]
        var pairs: [String: [String: Int]] = [:]
        package init() {}

        package mutating func add(_ raw: UnsafeRawBufferPointer) throws {
            units += 1
            let l = try PackedUnit.languages(raw)
            for x in l { langs[x, default: 0] += 1 }
            let distinct = Set(l).sorted()
            for (i, a) in distinct.enumerated() {
                for b in distinct[(i + 1)...] { pairs[a, default: [:]][b, default: 0] += 1 }
            }
        }

        package var stats: MemoryStats {
            var byLanguage: [(language: String, count: Int)] = langs.map { (language: $0.key, count: $0.value) }
            byLanguage.sort { a, b in a.count != b.count ? a.count > b.count : a.language < b.language }
            var byPair: [(source: String, target: String, count: Int)] = []
            for (a, targets) in pairs {
                for (b, n) in targets { byPair.append((source: a, target: b, count: n)) }
            }
            byPair.sort { x, y in
                if x.count != y.count { return x.count > y.count }
                return x.source != y.source ? x.source < y.source : x.target < y.target
            }
            return MemoryStats(units: units, variantsByLanguage: byLanguage, unitsByPair: byPair)
        }
    }
}


/// A translation memory, whichever engine keeps it: a SQLite file (`MemoryStore` of the
/// TranslationMemory module) or a PostgreSQL database (`PostgresMemory` of PostgresStore). The
/// commands and the server talk to this, not to an engine.
///
/// Both give the same answers: the units are packed alike (`PackedUnit`), the lookup is
/// `LookupEngine` over each store's posting lists, and duplicates follow `DuplicateRules`.
public protocol TranslationMemoryStore: AnyObject, MemoryLookup {
    /// Where the memory is, for messages: a file's path, or a `postgres://` URL without its password.
    var location: String { get }
    /// Looks up many queries in one consistent snapshot, calling `body` with each query's matches in order.
    func lookupEach(_ queries: [String], sourceLanguage: String, targetLanguage: String?,
                    options: LookupOptions, _ body: (String, [Match]) throws -> Void) throws
    /// Units whose `sourceLanguage` side (or target side, `searchTarget`) contains `phrase`,
    /// ignoring case and diacritics, in id order.
    func concordance(_ phrase: String, sourceLanguage: String, targetLanguage: String?,
                     searchTarget: Bool, limit: Int) throws -> [ConcordanceHit]
    /// One unit by id; nil when there is none.
    func unit(id: Int64) throws -> TranslationUnit?
    /// Units in id order, optionally only those with a variant in `language`.
    func units(language: String?, limit: Int, offset: Int) throws -> [TranslationUnit]
    /// The number of units.
    func count() throws -> Int
    /// Units in all, variants per language and units per language pair.
    func stats() throws -> MemoryStats
    /// Every unit in id order, a batch of packed units at a time, from one consistent snapshot.
    func forEachUnitBatch(units perBatch: Int, _ body: (UnitBatch) throws -> Void) throws
    /// Runs `body` in one write transaction: all of it is stored, or (on any error) nothing.
    /// `overwrite`: a unit with the source of a stored one replaces its translation; `bulk`: a
    /// large import (an engine may store it differently; the result is the same).
    @discardableResult
    func transaction(overwrite: Bool, bulk: Bool, _ body: (any MemoryWriting) throws -> Void) throws -> WriteReport
}

/// The writes of one transaction (`TranslationMemoryStore.transaction`).
public protocol MemoryWriting: AnyObject {
    /// Adds a unit (its first variant is the source for duplicate detection): the id it is stored under.
    @discardableResult
    func add(_ unit: TranslationUnit) throws -> Int64
    /// Adds many units.
    func add(_ units: [TranslationUnit]) throws
    /// Adds the units that `produce` emits, in order (a file's reader), reading and storing overlapped.
    func addStreaming(batchSize: Int, depth: Int, _ produce: @escaping (_ emit: (TranslationUnit) throws -> Void) throws -> Void) throws
    /// Removes a unit; false when there is none.
    func remove(id: Int64) throws -> Bool
}

extension TranslationMemoryStore {
    /// Removes a unit by id in a transaction of its own; false when there was none.
    public func removeUnit(id: Int64) throws -> Bool {
        var done = false
        try transaction(overwrite: false, bulk: false) { w in done = try w.remove(id: id) }
        return done
    }
}
