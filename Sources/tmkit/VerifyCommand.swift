import ArgumentParser
import Foundation
import Reports
import Glossary
import StoreSupport
import MemoryStores

extension TMKit.TM {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a memory (as git fsck checks a repository); --repair rebuilds its index.",
            discussion: """
                Runs SQLite's integrity check, decodes every unit, and checks that the posting lists \
                (side table included) hold exactly the word keys of the stored variants, that the \
                duplicate keys hold exactly those of the stored texts, and that every unit's search \
                text is its variants'. Exits 1 with a report of each problem. --repair rebuilds what \
                is derived from the units (index, duplicate keys, search texts) in one transaction and \
                checks again; units that do not decode cannot be repaired (restore a backup).
                """)
        @OptionGroup var memoryOptions: MemoryOptions
        @Flag(name: .long, help: "Rebuild the index, duplicate keys and search texts from the units when a problem is found.") var repair = false
        @Option(name: .long, help: "text or json.") var format: OutputFormat = .text

        func run() throws {
            try runReportingErrors {
                let store = try memoryOptions.open(create: false, mapped: false)
                let r: VerifyReport
                switch store {
                case let file as MemoryStore: r = try file.verify(repair: repair)
                case let pg as PostgresMemory: r = try pg.verify(repair: repair)
                default: throw UserError("\(store.location): cannot be verified")
                }
                printVerifyReport(r, path: store.location, format: format)
                if !r.ok { throw ExitCode(1) }
            }
        }
    }
}

extension TMKit.GlossaryCommand {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a glossary; --repair recomputes what is derived from its terms.",
            discussion: """
                Runs SQLite's integrity check (a file) and checks that every term belongs to an entry, every \
                entry has a term, and every term's folded text and recognition keys are its text's. \
                Exits 1 with a report of each problem. --repair recomputes the keys, removes orphaned \
                terms and empty entries in one transaction, and checks again.
                """)
        @OptionGroup var options: GlossaryOptions
        @Flag(name: .long, help: "Recompute the terms' keys and remove orphans when a problem is found.") var repair = false
        @Option(name: .long, help: "text or json.") var format: OutputFormat = .text

        func run() throws {
            try runReportingErrors {
                let store = try options.open(create: false)
                let r = try store.verify(repair: repair)
                printVerifyReport(r, path: store.location, format: format, kind: "glossary")
                if !r.ok { throw ExitCode(1) }
            }
        }
    }
}

/// The report of `tm verify` and `glossary verify`.
func printVerifyReport(_ r: VerifyReport, path: String, format: OutputFormat, kind: String = "tm") {
    switch format {
    case .json:
        let obj = JSON.object([
            ("path", .string(path)),
            ("ok", .bool(r.ok)),
            ("counts", .object(r.counts.map { ($0.name, JSON.int($0.count)) })),
            ("problems", .array(r.problems.map { p in
                .object([("kind", .string(p.kind)), ("count", .int(p.count)), ("examples", .array(p.examples.map { .string($0) }))])
            })),
            ("repaired", .bool(r.repaired)),
            ("seconds", .double(r.seconds)),
        ])
        Console.out.write(obj.serialized(pretty: true) + "\n")
    case .text:
        let counts = r.counts.map { "\($0.count) \($0.name)" }.joined(separator: ", ")
        var s = "\(path): \(counts)\n"
        if r.repaired { s += "repaired: the derived data was rebuilt; checked again:\n" }
        if r.ok {
            s += "ok (\(String(format: "%.2f", r.seconds)) s)\n"
        } else {
            for p in r.problems {
                s += "problem: \(p.kind): \(p.count)\n"
                for e in p.examples { s += "  \(e)\n" }
                if p.count > p.examples.count { s += "  … and \(p.count - p.examples.count) more\n" }
            }
            s += "\(r.problems.reduce(0) { $0 + $1.count }) problems (\(String(format: "%.2f", r.seconds)) s)\(r.repaired ? "" : "; tmkit \(kind) verify --repair rebuilds what is derived")\n"
        }
        Console.out.write(s)
    }
    Console.out.flush()
}
