import ArgumentParser
import Formats
import Foundation
import Reports
import TranslationMemory

/// `--memory`, shared by every command that reads or writes a memory.
struct MemoryOptions: ParsableArguments {
    @Option(name: .long, help: "The memory file (else $TMKIT_MEMORY, else Memories/default.tmdb).")
    var memory: String?

    var path: String { memory ?? Self.defaultPath }

    /// $TMKIT_MEMORY, else Memories/default.tmdb.
    static var defaultPath: String {
        if let env = ProcessInfo.processInfo.environment["TMKIT_MEMORY"], !env.isEmpty { return env }
        return DefaultPaths.file("Memories", "default.tmdb")
    }

    func open(create: Bool, mapped: Bool = true) throws -> MemoryStore {
        do {
            return try MemoryStore(path: path, create: create, mapped: mapped)
        } catch let e as MemoryStore.OpenError {
            throw UserError(e.description)
        }
    }
}

enum DefaultPaths {
    /// `folder/name` in the current directory when it has `folder`, else beside the tmkit
    /// package the executable was built in, else in the current directory.
    static func file(_ folder: String, _ name: String) -> String {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue { return folder + "/" + name }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<4 {
            if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                return dir.appendingPathComponent(folder).appendingPathComponent(name).path
            }
            dir = dir.deletingLastPathComponent()
        }
        return folder + "/" + name
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

extension TMKit {
    struct TM: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tm",
            abstract: "Translation memory: add, import, export, look up, concordance, list, remove, stats, optimize, verify.",
            subcommands: [Add.self, Import.self, Export.self, Lookup.self, Concordance.self, List.self, Remove.self, Stats.self, Optimize.self, Verify.self]
        )
    }
}

extension TMKit.TM {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add one translation unit.")
        @OptionGroup var memoryOptions: MemoryOptions
        @Argument(help: "The source text.") var source: String
        @Argument(help: "The translation.") var target: String
        @Option(name: .long, help: "Source language (BCP 47).") var sourceLang: String
        @Option(name: .long, help: "Target language (BCP 47).") var targetLang: String
        @Flag(name: .long, help: "Replace the translation of a unit with the same source instead of keeping both.") var overwrite = false
        @Option(name: .long, help: "A note (repeatable).") var note: [String] = []
        @Option(name: .long, help: "A property TYPE=VALUE (repeatable).") var prop: [String] = []
        @Option(name: .long, help: "Key or context of the string in its file.") var key: String?
        @Option(name: .long, help: "The file the text comes from.") var file: String?
        @Option(name: .long, help: "The source segment before this one (for context matches).") var contextPrev: String?
        @Option(name: .long, help: "The source segment after this one.") var contextNext: String?
        @Option(name: .long, help: "Who adds it (else $USER).") var user: String?

        func run() throws {
            try runReportingErrors {
                try checkLanguages(sourceLang, targetLang)
                let props = try prop.map { p -> Property in
                    guard let eq = p.firstIndex(of: "="), eq != p.startIndex else { throw UserError("--prop '\(p)': expected TYPE=VALUE") }
                    return Property(type: String(p[..<eq]), value: String(p[p.index(after: eq)...]))
                }
                let store = try memoryOptions.open(create: true)
                let who = user ?? ProcessInfo.processInfo.environment["USER"]
                let unit = TranslationUnit(variants: [Variant(language: sourceLang, text: source), Variant(language: targetLang, text: target)],
                                           createdBy: who, originFile: file, originKey: key, contextPrevious: contextPrev,
                                           contextNext: contextNext, properties: props, notes: note)
                var id: Int64 = 0
                let report = try store.write(overwrite: overwrite) { id = try $0.add(unit) }
                let what = report.added > 0 ? "added" : report.merged > 0 ? "already there; metadata updated"
                    : report.replaced > 0 ? "translation replaced" : "added as an alternative translation"
                Console.out.write("unit \(id): \(what)\n")
                Console.out.flush()
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import units from files: TMX 1.1-1.4b, TSV (header naming languages), gettext PO or MO.",
            discussion: "All the files are imported in one transaction: on any error nothing is stored (with --skip-bad, bad TMX units are reported and left out)."
        )
        enum Format: String, ExpressibleByArgument, CaseIterable { case auto, tmx, tsv, po, mo }
        @OptionGroup var memoryOptions: MemoryOptions
        @Argument(help: "The files to import (one transaction for all of them).") var files: [String] = []
        @Option(name: .long, help: "A file naming more files to import, one a line ('-': standard input), as find or ls print them.")
        var filesFrom: String?
        @Option(name: .long, help: "auto (by extension), tsv, po or mo.") var format: Format = .auto
        @Option(name: .long, help: "Source language of PO/MO catalogs (msgid).") var sourceLang: String = "en"
        @Option(name: .long, help: "Target language of PO/MO catalogs (else the catalog's Language header).") var targetLang: String?
        @Flag(name: .long, help: "Replace translations of units with the same source.") var overwrite = false
        @Flag(name: .long, help: "TMX: skip units that are wrong, reporting each by line, instead of importing nothing.") var skipBad = false
        @Flag(name: .long, help: "Read and check the files, store nothing.") var dryRun = false

        func validate() throws {
            if files.isEmpty && filesFrom == nil { throw ValidationError("give at least one file to import (or --files-from LIST)") }
        }

        /// The files named on the command line, then those `--files-from` lists (empty lines skipped).
        func allFiles() throws -> [String] {
            guard let list = filesFrom else { return files }
            let (bytes, name) = try Input.readBytes(list)
            let listed = String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" })
                .map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            if files.isEmpty && listed.isEmpty { throw UserError("\(name): lists no file to import") }
            return files + listed
        }

        func resolvedFormat(_ file: String) throws -> UnitFileFormat {
            if format != .auto, let f = UnitFileFormat(rawValue: format.rawValue) { return f }
            guard let f = UnitFileFormat.byExtension(file) else {
                throw UserError("\(file): cannot tell the format from the extension; give --format tmx|tsv|po|mo")
            }
            return f
        }

        /// Reads one file ('-': standard input), handing each unit to `emit`; a file that does not
        /// parse names its line. TMX and TSV are streamed, never held whole.
        func read(_ file: String, progress: Progress?, dryRun: Bool = false, _ emit: (TranslationUnit) throws -> Void) throws -> Int {
            let fmt = try resolvedFormat(file)
            let (path, name) = file == "-" ? ("/dev/stdin", "<stdin>") : (file, file)
            if file != "-" {
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: file, isDirectory: &isDir) else { throw UserError("\(file): no such file") }
                if isDir.boolValue { throw UserError("\(file): is a directory, not a file") }
            }
            if fmt == .po || fmt == .mo { try checkLanguages(sourceLang) }
            let reader = UnitFileReader(sourceLanguage: sourceLang, targetLanguage: targetLang, skipBad: skipBad)
            do {
                return try reader.read(path: path, name: name, format: fmt, notice: { n in
                    Console.warn("\(name):\(n.line): \(n.skipped ? (dryRun ? "would skip: " : "skipped: ") : "")\(n.message)")
                }, progress: { progress?.unitsInFile($0) }, emit)
            } catch let e as FormatError {
                throw UserError(e.description + (dryRun ? "" : " (nothing was imported)"))
            }
        }

        func run() throws {
            try runReportingErrors {
                let files = try allFiles()
                if dryRun {
                    var read = 0
                    let start = Date()
                    for file in files { read += try self.read(file, progress: nil, dryRun: true) { _ in } }
                    Console.out.write("\(files.count == 1 ? files[0] : "\(files.count) files"): \(read) units read, nothing stored (\(String(format: "%.3f", Date().timeIntervalSince(start))) s)\n")
                    Console.out.flush()
                    return
                }
                let store = try memoryOptions.open(create: true, mapped: false) // pages read once: no mapping to swell the process
                var read = 0
                let progress = Progress(total: files.count, label: "files")
                let start = Date()
                let report = try store.write(overwrite: overwrite, bulk: true) { w in
                    // The files are read on a thread of their own, one after another, while the
                    // units read so far are prepared and stored (`MemoryWriter.addStreaming`).
                    try w.addStreaming { emit in
                        for (i, file) in files.enumerated() {
                            read += try self.read(file, progress: progress, emit)
                            progress.tick(i + 1, units: read)
                        }
                    }
                }
                progress.done()
                let secs = Date().timeIntervalSince(start)
                let what = files.count == 1 ? files[0] : "\(files.count) files"
                Console.out.write("\(what): \(read) units read; \(report.added) added, \(report.alternatives) alternatives, \(report.merged) merged with existing, \(report.replaced) replaced (\(String(format: "%.2f", secs)) s)\n")
                Console.out.flush()
            }
        }
    }

    enum ExportFormat: String, ExpressibleByArgument, CaseIterable { case tmx, tsv }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the memory as TMX 1.4b (streaming), or one language pair as TSV.",
            discussion: """
                TMX keeps everything: inline markup goes back as TMX inline elements; characters XML 1.0 \
                forbids are dropped with a warning. TSV (a file ending in .tsv, or --format tsv) has one \
                source and one target column, then key, note and context, as tm import reads them back.
                """
        )
        @OptionGroup var memoryOptions: MemoryOptions
        @Argument(help: "The file to write ('-': standard output).") var file: String
        @Option(name: .long, help: "The source language (the header's srclang), or *all*.") var sourceLang = "*all*"
        @Option(name: .long, help: "Only this target language (with the source).") var targetLang: String?
        @Option(name: .long, help: "Only units changed on or after this date (YYYY-MM-DD).") var since: String?
        @Option(name: .long, help: "Only units with a variant containing this text (case-insensitive).") var filter: String?
        @Option(name: .long, help: "tmx or tsv (default: tsv for a file ending in .tsv, else tmx). TSV needs --source-lang and --target-lang.")
        var format: ExportFormat?

        func run() throws {
            try runReportingErrors {
                if sourceLang != "*all*" { try checkLanguages(sourceLang) }
                if let targetLang { try checkLanguages(targetLang) }
                if targetLang != nil && sourceLang == "*all*" { throw UserError("--target-lang needs --source-lang") }
                let format = format ?? (file.lowercased().hasSuffix(".tsv") ? .tsv : .tmx)
                if format == .tsv && (sourceLang == "*all*" || targetLang == nil) {
                    throw UserError("a TSV export has one source and one target column: give --source-lang and --target-lang")
                }
                var sinceDate: Date?
                if let since {
                    guard let d = TMXDate.parse(since.replacingOccurrences(of: "-", with: "") + "T000000Z") else {
                        throw UserError("--since '\(since)': expected a date like 2026-01-31")
                    }
                    sinceDate = d
                }
                let store = try memoryOptions.open(create: false, mapped: false)
                let toStdout = file == "-"
                let tmp = toStdout ? "" : file + ".tmkit-partial"
                let fd: Int32
                if toStdout {
                    fd = 1
                } else {
                    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                    guard fd >= 0 else { throw UserError("\(file): cannot write (\(String(cString: strerror(errno))))") }
                }
                var export = MemoryExport(toolVersion: TMKit.configuration.version)
                (export.sourceLanguage, export.targetLanguage, export.since, export.filter) = (sourceLang, targetLang, sinceDate, filter)
                export.format = format == .tsv ? .tsv : .tmx
                let written: Int
                let warnings: [String]
                do {
                    (written, warnings) = try export.write(store, to: fd)
                } catch {
                    if !toStdout { close(fd); unlink(tmp) }
                    if let e = error as? FileIOError { throw UserError("\(file): \(e.message)") }
                    throw error
                }
                if !toStdout {
                    close(fd)
                    guard rename(tmp, file) == 0 else { throw UserError("\(file): cannot write (\(String(cString: strerror(errno))))") }
                }
                for w in warnings { Console.warn(w) }
                if !toStdout { Console.out.write("\(file): \(written) units\n"); Console.out.flush() }
            }
        }
    }

    struct Lookup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fuzzy matches for a sentence, best first, with the differences marked.",
            discussion: "With --batch FILE, one query a line; --format json then prints one JSON array a line (JSON Lines)."
        )
        @OptionGroup var memoryOptions: MemoryOptions
        @Argument(help: "The sentence to look up (or use --batch).") var text: String?
        @Option(name: .long, help: "Source language.") var sourceLang: String
        @Option(name: .long, help: "Target language.") var targetLang: String
        @Option(name: .long, help: "Lowest score to report (0-100).") var threshold = 75
        @Option(name: .long, help: "At most this many matches a query.") var limit = 5
        @Option(name: .long, help: "text or json.") var format: OutputFormat = .text
        @Option(name: .long, help: "A file with one query a line.") var batch: String?
        @Flag(name: .long, help: "Score every unit instead of using the index (same results, slower).") var exhaustive = false
        @Option(name: .long, help: "The source segment before the query (a 101 context match when it matches too).") var contextPrev: String?
        @Option(name: .long, help: "The source segment after the query.") var contextNext: String?
        @Flag(name: .long, help: "Print per-query lookup times (median, p99, mean) to standard error.") var timing = false

        func validate() throws {
            if text == nil && batch == nil { throw ValidationError("give the TEXT to look up, or --batch FILE") }
            if !(0...100).contains(threshold) { throw ValidationError("--threshold must be between 0 and 100") }
        }

        func run() throws {
            try runReportingErrors {
                try checkLanguages(sourceLang, targetLang)
                let store = try memoryOptions.open(create: false)
                var options = LookupOptions(threshold: threshold, limit: limit, exhaustive: exhaustive)
                options.contextPrevious = contextPrev
                options.contextNext = contextNext
                let queries: [String]
                if let batch {
                    queries = try Input.readText(batch).text.split(separator: "\n", omittingEmptySubsequences: false)
                        .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
                        .enumerated().filter { !($0.offset > 0 && $0.element.isEmpty) }.map(\.element)
                        .reversed().drop(while: \.isEmpty).reversed()
                } else {
                    queries = [text!]
                }
                let color = Console.stdoutIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
                var times: [Double] = []
                var clock = DispatchTime.now()
                try store.lookupEach(queries, sourceLanguage: sourceLang, targetLanguage: targetLang, options: options) { q, matches in
                    let now = DispatchTime.now()
                    times.append(Double(now.uptimeNanoseconds - clock.uptimeNanoseconds) / 1e6)
                    defer { clock = DispatchTime.now() }
                    switch format {
                    case .json:
                        Console.out.write(JSONOut.matches(matches, pretty: batch == nil) + "\n")
                    case .text:
                        if batch != nil { Console.out.write("# \(q)\n") }
                        if matches.isEmpty { Console.out.write("no match at or above \(threshold)%\n") }
                        for m in matches { Console.out.write(TextOut.match(m, color: color)) }
                        if batch != nil { Console.out.write("\n") }
                    }
                }
                Console.out.flush()
                if timing, !times.isEmpty {
                    let sorted = times.sorted()
                    let p = { (q: Double) in sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))] }
                    FileHandle.standardError.write(Data(String(format: "lookup timing: %d queries, median %.3f ms, p99 %.3f ms, mean %.3f ms, max %.3f ms\n",
                        sorted.count, p(0.5), p(0.99), times.reduce(0, +) / Double(times.count), sorted.last!).utf8))
                }
            }
        }
    }

    struct Concordance: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Units containing a phrase, ignoring case and diacritics.")
        enum Side: String, ExpressibleByArgument, CaseIterable { case source, target }
        @OptionGroup var memoryOptions: MemoryOptions
        @Argument(help: "The phrase.") var phrase: String
        @Option(name: .long, help: "Source language.") var sourceLang: String
        @Option(name: .long, help: "Target language.") var targetLang: String?
        @Option(name: .long, help: "Search the source or the target side.") var side: Side = .source
        @Option(name: .long, help: "At most this many units.") var limit = 20
        @Option(name: .long, help: "text or json.") var format: OutputFormat = .text

        func run() throws {
            try runReportingErrors {
                if side == .target && targetLang == nil { throw UserError("--side target needs --target-lang") }
                let store = try memoryOptions.open(create: false)
                let hits = try store.concordance(phrase, sourceLanguage: sourceLang, targetLanguage: targetLang,
                                                 searchTarget: side == .target, limit: limit)
                let color = Console.stdoutIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
                switch format {
                case .json: Console.out.write(JSONOut.concordance(hits) + "\n")
                case .text:
                    if hits.isEmpty { Console.out.write("no unit contains '\(phrase)'\n") }
                    for h in hits { Console.out.write(TextOut.concordance(h, color: color)) }
                }
                Console.out.flush()
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List units.")
        @OptionGroup var memoryOptions: MemoryOptions
        @Option(name: .long, help: "Only units with a variant in this language.") var lang: String?
        @Option(name: .long, help: "At most this many units.") var limit = 100
        @Option(name: .long, help: "Skip this many units.") var offset = 0
        @Option(name: .long, help: "text or json.") var format: OutputFormat = .text

        func run() throws {
            try runReportingErrors {
                let store = try memoryOptions.open(create: false)
                let units = try store.units(language: lang, limit: limit, offset: offset)
                switch format {
                case .json: Console.out.write(JSONOut.units(units) + "\n")
                case .text: for u in units { Console.out.write(TextOut.unit(u)) }
                }
                Console.out.flush()
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a unit by id.")
        @OptionGroup var memoryOptions: MemoryOptions
        @Argument(help: "The unit id (as tm list and tm lookup show it).") var id: Int64

        func run() throws {
            try runReportingErrors {
                let store = try memoryOptions.open(create: false)
                guard try store.remove(id: id) else { throw UserError("\(store.path): no unit \(id)") }
                Console.out.write("unit \(id) removed\n")
                Console.out.flush()
            }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Units per language pair.")
        @OptionGroup var memoryOptions: MemoryOptions
        @Option(name: .long, help: "text or json.") var format: OutputFormat = .text

        func run() throws {
            try runReportingErrors {
                let store = try memoryOptions.open(create: false)
                let s = try store.stats()
                switch format {
                case .json:
                    let obj = JSONOut.stats(s)
                    Console.out.write(obj.serialized(pretty: true) + "\n")
                case .text:
                    Console.out.write("\(store.path): \(s.units) units\n")
                    for p in s.unitsByPair { Console.out.write("  \(p.source) ↔ \(p.target): \(p.count)\n") }
                    Console.out.write("variants per language:\n")
                    for l in s.variantsByLanguage { Console.out.write("  \(l.language): \(l.count)\n") }
                }
                Console.out.flush()
            }
        }
    }
}

extension TMKit.TM {
    struct Optimize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge the index's side tables and list parts, and compact the file.",
            discussion: """
                Small imports into a large memory keep their duplicate keys and index parts in side \
                tables, and each large import adds a part to the lists it touches. This stores each \
                list as one part and the keys in their buckets (one transaction: lookups give the same \
                matches), then gives the free pages back to the file system, unless --no-compact or \
                another process is writing to the memory at that moment.
                """)
        @OptionGroup var memoryOptions: MemoryOptions
        @Flag(name: .long, help: "Do not compact the file (VACUUM needs free disk space as large as the memory).") var noCompact = false
        @Option(name: .long, help: "text or json.") var format: OutputFormat = .text

        func run() throws {
            try runReportingErrors {
                // (Read through the page cache, not mapped: every list is read once.)
                let store = try memoryOptions.open(create: false, mapped: false)
                let start = Date()
                let r = try store.optimize(compact: !noCompact)
                let secs = Date().timeIntervalSince(start)
                switch format {
                case .json:
                    let obj = JSON.object([
                        ("duplicateKeysMerged", .int(r.duplicateKeysMerged)),
                        ("deltaPartsMerged", .int(r.deltaPartsMerged)),
                        ("listsRewritten", .int(r.listsRewritten)),
                        ("partsBefore", .int(r.partsBefore)),
                        ("partsAfter", .int(r.partsAfter)),
                        ("bytesBefore", .int(Int(r.bytesBefore))),
                        ("bytesAfter", .int(Int(r.bytesAfter))),
                        ("compacted", .bool(r.compacted)),
                        ("seconds", .double(secs)),
                    ])
                    Console.out.write(obj.serialized(pretty: true) + "\n")
                case .text:
                    func mb(_ b: Int64) -> String { String(format: "%.1f MB", Double(b) / 1_048_576) }
                    Console.out.write("""
                        \(store.path): \(r.duplicateKeysMerged) duplicate keys and \(r.deltaPartsMerged) list parts merged from the side tables; \
                        \(r.listsRewritten) lists stored as one part (\(r.partsBefore) parts → \(r.partsAfter)); \
                        \(mb(r.bytesBefore)) → \(mb(r.bytesAfter))\(r.compacted || noCompact ? "" : " (not compacted: another process was writing to the memory)") \
                        (\(String(format: "%.2f", secs)) s)

                        """)
                }
                Console.out.flush()
            }
        }
    }
}

func checkLanguages(_ tags: String...) throws {
    for t in tags where !LanguageTag.isWellFormed(t) {
        throw UserError("'\(t)' is not a BCP 47 language tag (like en, ru, pt-BR)")
    }
}

/// Progress on standard error when it is a terminal.
/// Progress of a long import on standard error, when it is a terminal: files done, units read.
final class Progress {
    let total: Int
    let label: String
    let enabled: Bool
    private var last = Date()
    private var files = 0
    private var unitsBefore = 0
    private var unitsHere = 0

    init(total: Int, label: String) {
        self.total = total
        self.label = label
        enabled = Console.stderrIsTerminal
    }

    /// `n` files are done; `units` were read from them in all.
    func tick(_ n: Int, units: Int? = nil) {
        files = n
        if let units { unitsBefore = units; unitsHere = 0 }
        show()
    }

    /// Units read so far from the file being imported.
    func unitsInFile(_ n: Int) {
        unitsHere = n
        show()
    }

    private func show(force: Bool = false) {
        guard enabled, force || Date().timeIntervalSince(last) > 0.2 else { return }
        last = Date()
        let head = total > 1 ? "\(label): \(files)/\(total), " : ""
        FileHandle.standardError.write(Data("\r\(head)\(unitsBefore + unitsHere) units read".utf8))
    }

    func done() {
        guard enabled else { return }
        show(force: true)
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
