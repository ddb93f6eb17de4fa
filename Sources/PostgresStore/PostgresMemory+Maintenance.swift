import Foundation
import MemoryCore
import PostgresNIO

extension PostgresMemory {
    /// What `optimize` did.
    public struct OptimizeReport: Sendable {
        public var partsBefore = 0
        public var partsAfter = 0
        /// Entries of removed or rewritten units that the lists no longer hold.
        public var staleEntriesDropped = 0
        public var bytesBefore: Int64 = 0
        public var bytesAfter: Int64 = 0
    }

    /// The index entries every stored unit's variants file, by "lang\0key", sorted by unit.
    private func derivedPostings() throws -> (lists: [String: [PostingEntry]], units: Int, variants: Int) {
        var lists: [String: [PostingEntry]] = [:]
        var units = 0, variants = 0
        try forEachPackedUnit { id, raw in
            units += 1
            for v in try PackedUnit.decode(raw, id: id).variants {
                variants += 1
                let keys = v.wordCount == 0 ? IndexKeys() : IndexKeys(wordKeys: v.keys.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init))
                let entry = PostingEntry(variant: UInt32(id), words: UInt32(v.wordCount))
                let lang = LanguageTag.primary(v.variant.language)
                for k in keys.strings { lists[lang + "\0" + k, default: []].append(entry) }
            }
            return true
        }
        return (lists, units, variants)
    }

    /// The memory's tables' size on disk (its rows: the tables are shared by the database's memories).
    private func bytesUsed() throws -> Int64 {
        var total: Int64 = 0
        for table in ["tmkit_unit", "tmkit_dupkey", "tmkit_posting"] {
            let q = PostgresQuery(unsafeSQL: "SELECT coalesce(sum(pg_column_size(t.*)), 0)::bigint FROM \(table) t WHERE memory = $1",
                                  binds: { var b = PostgresBindings(); b.append(memoryID); return b }())
            total += try session.rows(q).first?.decode(Int64.self) ?? 0
        }
        return total
    }

    /// Rewrites every posting list as one part holding exactly the entries of the stored units
    /// (dropping those of removed or rewritten units), in one transaction, then has PostgreSQL
    /// reclaim the dead rows and refresh its statistics (VACUUM ANALYZE).
    public func optimize() throws -> OptimizeReport {
        var r = OptimizeReport()
        r.bytesBefore = try bytesUsed()
        try session.transaction {
            try lockForWriting()
            r.partsBefore = Int(try session.rows("SELECT count(*) FROM tmkit_posting WHERE memory = \(memoryID)").first!.decode(Int64.self))
            let entriesBefore = try countStoredEntries()
            let derived = try derivedPostings().lists
            try session.run("DELETE FROM tmkit_posting WHERE memory = \(memoryID)")
            try writeLists(derived)
            r.partsAfter = derived.count
            r.staleEntriesDropped = max(0, entriesBefore - derived.values.reduce(0) { $0 + $1.count })
        }
        try session.run(sql: "VACUUM ANALYZE tmkit_posting")
        try session.run(sql: "ANALYZE tmkit_unit")
        try session.run(sql: "ANALYZE tmkit_dupkey")
        r.bytesAfter = try bytesUsed()
        return r
    }

    private func countStoredEntries() throws -> Int {
        var n = 0
        for row in try session.rows("SELECT entries FROM tmkit_posting WHERE memory = \(memoryID)") {
            var bytes: [UInt8] = []
            try row.decode(ByteBuffer.self).withUnsafeReadableBytes { try PostingList.decode($0, appendingTo: &bytes) }
            n += bytes.count / 8
        }
        return n
    }

    /// Writes lists as one part each (COPY).
    func writeLists(_ lists: [String: [PostingEntry]]) throws {
        let memory = memoryID
        try session.copy(table: "tmkit_posting", columns: ["memory", "lang", "key", "entries"]) { sink in
            // In key order: the index on (memory, lang, key) takes its entries page by page.
            for name in lists.keys.sorted() {
                let entries = lists[name]!
                let cut = name.utf8.firstIndex(of: 0)!
                let lang = Array(name.utf8[..<cut]), key = Array(name.utf8[name.utf8.index(after: cut)...])
                var sorted = entries
                if !zip(sorted, sorted.dropFirst()).allSatisfy({ $0.variant <= $1.variant }) { sorted.sort() }
                let encoded = sorted.withUnsafeBufferPointer { PostingList.encode($0) }
                sink.buffer.writeString("\(memory)\t")
                CopyText.appendEscaped(lang, to: &sink.buffer)
                sink.buffer.writeInteger(UInt8(ascii: "\t"))
                CopyText.appendEscaped(key, to: &sink.buffer)
                sink.buffer.writeString("\t\\\\x")
                CopyText.appendHex(encoded, to: &sink.buffer)
                sink.buffer.writeInteger(UInt8(ascii: "\n"))
                try await sink.flushIfFull()
            }
        }
    }

    /// Checks the memory as `tm verify` checks a file: every unit decodes; the duplicate keys are
    /// exactly those of the stored texts; every stored variant's word keys are in the posting
    /// lists (entries of removed units may remain there: lookups score every candidate from its
    /// row). `repair` rebuilds the duplicate keys and the lists from the units.
    public func verify(repair: Bool = false) throws -> VerifyReport {
        let start = Date()
        var report = try verifyOnce()
        if repair && !report.ok {
            try session.transaction {
                try lockForWriting()
                try session.run("DELETE FROM tmkit_dupkey WHERE memory = \(memoryID)")
                var keys: [(Int64, Int64)] = []
                try forEachPackedUnit { id, raw in
                    let variants = try PackedUnit.decode(raw, id: id).variants
                    for k in DuplicateRules.duplicateKeys(variants.map { (DuplicateRules.normHash($0.variant), $0.variant.language) }) {
                        keys.append((k, id))
                    }
                    return true
                }
                let memory = memoryID, all = keys
                try session.copy(table: "tmkit_dupkey", columns: ["memory", "hash", "unit"]) { sink in
                    for (h, u) in all {
                        sink.buffer.writeString("\(memory)\t\(h)\t\(u)\n")
                        try await sink.flushIfFull()
                    }
                }
                try session.run("DELETE FROM tmkit_posting WHERE memory = \(memoryID)")
                try writeLists(try derivedPostings().lists)
            }
            report = try verifyOnce()
            report.repaired = true
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    private func verifyOnce() throws -> VerifyReport {
        try reading {
            var log = VerifyReport.Log()
            var expectedKeys: Set<[Int64]> = []
            var units = 0, variants = 0
            var lists: [String: Set<UInt32>] = [:]
            try forEachPackedUnit { id, raw in
                units += 1
                guard let decoded = try? PackedUnit.decode(raw, id: id) else {
                    log.add("unit does not decode", "unit \(id)")
                    return true
                }
                variants += decoded.variants.count
                for k in DuplicateRules.duplicateKeys(decoded.variants.map { (DuplicateRules.normHash($0.variant), $0.variant.language) }) {
                    expectedKeys.insert([k, id])
                }
                return true
            }
            var storedKeys: Set<[Int64]> = []
            for row in try session.rows("SELECT hash, unit FROM tmkit_dupkey WHERE memory = \(memoryID)") {
                let (h, u) = try row.decode((Int64, Int64).self)
                storedKeys.insert([h, u])
            }
            for k in expectedKeys.subtracting(storedKeys) { log.add("duplicate key missing", "unit \(k[1]), key \(k[0])") }
            for k in storedKeys.subtracting(expectedKeys) { log.add("duplicate key of no stored text", "unit \(k[1]), key \(k[0])") }
            for row in try session.rows("SELECT lang, key, entries FROM tmkit_posting WHERE memory = \(memoryID)") {
                let (lang, key, entries) = try row.decode((String, String, ByteBuffer).self)
                var bytes: [UInt8] = []
                do {
                    try entries.withUnsafeReadableBytes { try PostingList.decode($0, appendingTo: &bytes) }
                } catch {
                    log.add("posting list part does not decode", "\(lang) '\(key)'")
                    continue
                }
                let list = PostingList(bytes: bytes)
                for e in list.entries { lists[lang + "\0" + key, default: []].insert(e.variant) }
            }
            for (name, entries) in try derivedPostings().lists {
                let have = lists[name] ?? []
                for e in entries where !have.contains(e.variant) {
                    log.add("posting list entry missing", "unit \(e.variant), key '\(name.replacingOccurrences(of: "\0", with: ":"))'")
                }
            }
            var r = VerifyReport()
            r.counts = [("units", units), ("variants", variants), ("duplicate keys", storedKeys.count), ("posting lists", lists.count)]
            r.problems = log.problems
            return r
        }
    }
}
