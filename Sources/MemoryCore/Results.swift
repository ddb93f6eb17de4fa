import Foundation

/// A fuzzy match found by `MemoryStore.lookup`.
public struct Match: Sendable {
    public var unit: TranslationUnit
    /// 0-100, or 101 for a context match.
    public var score: Int
    public var source: Variant
    /// The translation in the requested target language (nil when the unit has none).
    public var target: Variant?
    /// Word-level differences between the query and `source`.
    public var diff: [FuzzyScorer.DiffOp]
    /// The penalties that lowered the score, by kind.
    public var penalties: [String: Int]
    /// The source or target variant is of another region of the language asked for ("en" for
    /// "en-US"): the memory had no variant of the tag itself. Their tags say which.
    public var languageFallback = false

    public init(unit: TranslationUnit, score: Int, source: Variant, target: Variant?, diff: [FuzzyScorer.DiffOp], penalties: [String: Int],
                languageFallback: Bool = false) {
        self.languageFallback = languageFallback
        self.unit = unit
        self.score = score
        self.source = source
        self.target = target
        self.diff = diff
        self.penalties = penalties
    }
}

/// What looks up fuzzy matches: a memory file (`MemoryStore`) or a memory on a server.
public protocol MemoryLookup {
    func lookup(_ query: String, sourceLanguage: String, targetLanguage: String?, options: LookupOptions) throws -> [Match]
}


public struct LookupOptions: Sendable {
    public var threshold = 75
    public var limit = 5
    /// Score every unit of the source language instead of using the index.
    public var exhaustive = false
    /// The source segments before and after the query, for context matches (101).
    public var contextPrevious: String?
    public var contextNext: String?
    public init(threshold: Int = 75, limit: Int = 5, exhaustive: Bool = false) {
        self.threshold = threshold
        self.limit = limit
        self.exhaustive = exhaustive
    }
}

/// A unit containing a concordance phrase, with where it occurs.
public struct ConcordanceHit: Sendable {
    public var unit: TranslationUnit
    public var source: Variant
    public var target: Variant?
    /// Ranges of the phrase in the searched side's text (source or target).
    public var ranges: [Range<String.Index>]
    public var searchedTarget: Bool

    public init(unit: TranslationUnit, source: Variant, target: Variant?, ranges: [Range<String.Index>], searchedTarget: Bool) {
        self.unit = unit
        self.source = source
        self.target = target
        self.ranges = ranges
        self.searchedTarget = searchedTarget
    }
}


/// Units as read from the memory, still packed: their bytes copied out of SQLite, decoded into
/// `TranslationUnit`s by `decode()` (which may run on another thread).
public struct UnitBatch: Sendable {
    package var bytes: [UInt8] = []
    /// Per unit: its id, and where its bytes end.
    package var ids: [Int64] = []
    package var ends: [Int] = []

    public var unitCount: Int { ids.count }

    /// Adds a unit's packed bytes (a store's row, copied).
    package mutating func append(id: Int64, _ raw: UnsafeRawBufferPointer) {
        ids.append(id)
        ends.append(bytes.count + raw.count)
        bytes.append(contentsOf: raw)
    }

    package init() {
        bytes.reserveCapacity(1 << 20)
    }

    /// The units; throws when one is damaged on disk.
    public func decode() throws -> [TranslationUnit] {
        try bytes.withUnsafeBytes { raw in
            try (0..<unitCount).map { i in
                let start = i == 0 ? 0 : ends[i - 1]
                return try PackedUnit.decode(UnsafeRawBufferPointer(rebasing: raw[start..<ends[i]]), id: ids[i]).unit
            }
        }
    }
}

/// What a write did.
public struct WriteReport: Sendable, Equatable {
    /// New units stored.
    public var added = 0
    /// Units that were already there (same source and targets): their metadata was updated.
    public var merged = 0
    /// New units whose source was there with another target (kept as alternatives).
    public var alternatives = 0
    /// Existing units whose target was replaced (`overwrite`).
    public var replaced = 0
    public var removed = 0

    public init() {}
}


/// The first error of work done on other threads, read once they are done.
public final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var first: Error?
    public init() {}
    public var error: Error? { lock.lock(); defer { lock.unlock() }; return first }
    public func set(_ e: Error) { lock.lock(); if first == nil { first = e }; lock.unlock() }
}

public enum MemoryError: Error, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self { case .invalid(let m): m }
    }
}

