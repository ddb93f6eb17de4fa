import Foundation
import GRDB

/// One entry of a posting list: a variant and its number of word keys.
struct PostingEntry: Comparable {
    var variant: UInt32
    var words: UInt32
    static func < (a: PostingEntry, b: PostingEntry) -> Bool { a.variant < b.variant }
}

/// A posting list as stored: little-endian (variant, words) pairs sorted by variant.
struct PostingList {
    var bytes: [UInt8]

    var count: Int { bytes.count / 8 }

    init(bytes: [UInt8]) { self.bytes = bytes }

    init(entries: [PostingEntry]) {
        var b = [UInt8](repeating: 0, count: entries.count * 8)
        b.withUnsafeMutableBytes { raw in
            for (i, e) in entries.enumerated() {
                raw.storeBytes(of: e.variant.littleEndian, toByteOffset: i * 8, as: UInt32.self)
                raw.storeBytes(of: e.words.littleEndian, toByteOffset: i * 8 + 4, as: UInt32.self)
            }
        }
        bytes = b
    }

    func entry(_ i: Int) -> PostingEntry {
        bytes.withUnsafeBytes { raw in
            PostingEntry(variant: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt32.self)),
                         words: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8 + 4, as: UInt32.self)))
        }
    }

    var entries: [PostingEntry] { (0..<count).map(entry) }

    /// Binary search for a variant.
    func contains(_ variant: UInt32) -> Bool {
        bytes.withUnsafeBytes { raw in
            var lo = 0, hi = count
            while lo < hi {
                let mid = (lo + hi) / 2
                let v = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: mid * 8, as: UInt32.self))
                if v == variant { return true }
                if v < variant { lo = mid + 1 } else { hi = mid }
            }
            return false
        }
    }

    /// This list with `added` merged in and `removed` taken out.
    func merged(adding added: [PostingEntry], removing removed: Set<UInt32>) -> PostingList {
        if removed.isEmpty, let first = added.first, count == 0 || entry(count - 1).variant < first.variant {
            var b = bytes
            b.append(contentsOf: PostingList(entries: added).bytes) // appends keep the order: the common case
            return PostingList(bytes: b)
        }
        var all = entries.filter { !removed.contains($0.variant) }
        all.append(contentsOf: added)
        all.sort()
        return PostingList(entries: all)
    }
}

/// Changes to posting lists gathered during one write transaction, applied at its end.
struct PostingBatch {
    var added: [String: [String: [PostingEntry]]] = [:]   // lang_key → key → entries
    var removed: [String: [String: Set<UInt32>]] = [:]

    var isEmpty: Bool { added.isEmpty && removed.isEmpty }

    mutating func add(lang: String, keys: [String], variant: UInt32, words: Int) {
        let e = PostingEntry(variant: variant, words: UInt32(words))
        for k in keys { added[lang, default: [:]][k, default: []].append(e) }
    }

    mutating func remove(lang: String, keys: [String], variant: UInt32) {
        for k in keys { removed[lang, default: [:]][k, default: []].insert(variant) }
    }

    /// Writes every changed list (one read and one write per key).
    func apply(_ db: Database) throws {
        let read = try db.cachedStatement(sql: "SELECT entries FROM posting WHERE lang_key = ? AND key = ?")
        let write = try db.cachedStatement(sql: "INSERT OR REPLACE INTO posting(lang_key, key, n, entries) VALUES (?, ?, ?, ?)")
        let delete = try db.cachedStatement(sql: "DELETE FROM posting WHERE lang_key = ? AND key = ?")
        var langs = Set(added.keys)
        langs.formUnion(removed.keys)
        for lang in langs {
            var keys = Set(added[lang]?.keys ?? [:].keys)
            keys.formUnion(removed[lang]?.keys ?? [:].keys)
            for key in keys {
                let existing = try Data.fetchOne(read, arguments: [lang, key]).map { PostingList(bytes: [UInt8]($0)) } ?? PostingList(bytes: [])
                let adds = (added[lang]?[key] ?? []).sorted()
                let list = existing.merged(adding: adds, removing: removed[lang]?[key] ?? [])
                if list.count == 0 {
                    try delete.execute(arguments: [lang, key])
                } else {
                    try write.execute(arguments: [lang, key, list.count, Data(list.bytes)])
                }
            }
        }
    }
}
