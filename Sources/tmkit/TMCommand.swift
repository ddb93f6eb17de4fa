import ArgumentParser
import Formats
import Foundation
import Reports
import TMClient
import MemoryStores

/// `--memory`, shared by every command that reads or writes a memory.
struct MemoryOptions: ParsableArguments {
    @Option(name: .long, help: "The memory: a file, or postgres://user@host:5432/db?memory=NAME (else $TMKIT_MEMORY, else Memories/default.tmdb); with --server, the memory's name on the server.")
    var memory: String?

    @Option(name: .long, help: "A tmkit server (http://host:8080) instead of a file (else $TMKIT_SERVER); the token is read from $TMKIT_TOKEN.")
    var server: String?

    /// The memory on a server, when --server or $TMKIT_SERVER names one.
    func remote() throws -> RemoteMemory? {
        let env = ProcessInfo.processInfo.environment
        guard let url = server ?? env["TMKIT_SERVER"].flatMap({ $0.isEmpty ? nil : $0 }) else { return nil }
        do {
            return try RemoteMemory(url: url, memory: memory ?? env["TMKIT_SERVER_MEMORY"], token: env["TMKIT_TOKEN"])
        } catch let e as RemoteMemory.Failure { throw UserError(e.description) }
    }

    var path: String { memory ?? Self.defaultPath }

    /// $TMKIT_MEMORY, else Memories/default.tmdb.
    static var defaultPath: String {
        if let env = ProcessInfo.processInfo.environment["TMKIT_MEMORY"], !env.isEmpty { return env }
        return DefaultPaths.file("Memories", "default.tmdb")
    }

    /// What lookups go to: the server's memory, or the file (created when missing).
    func lookupSource() throws -> any MemoryLookup {
        try remote() ?? open(create: true)
    }

    /// The memory named by --memory: a file or a `postgres://` URL.
    func open(create: Bool, mapped: Bool = true) throws -> any TranslationMemoryStore {
        if server != nil || !(ProcessInfo.processInfo.environment["TMKIT_SERVER"] ?? "").isEmpty {
            throw UserError("this command works on a memory file or database, not through a server (--server or $TMKIT_SERVER): run it where the memory is")
        }
        do {
            return try MemoryStores.open(path, create: create, mapped: mapped)
        } catch let e as MemoryStores.OpenFailure {
            throw UserError(e.description)
        }
    }
}

enum DefaultPaths {
    /// `folder/name` in the current directory when it has `folder`, else in the tmkit checkout the
    /// executable was built in, else (an installed tmkit) in the user's data folder:
    /// `$XDG_DATA_HOME/tmkit/` (else `~/.local/share/tmkit/`), so that a first write never leaves a
    /// `Memories/` folder in whatever directory it was run from.
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
        return dataFolder + "/" + name
    }

    /// `$XDG_DATA_HOME/tmkit`, else `$HOME/.local/share/tmkit`.
    static var dataFolder: String {
        let env = ProcessInfo.processInfo.environment
        if let x = env["XDG_DATA_HOME"], x.hasPrefix("/") { return x + "/tmkit" }
        return (env["HOME"] ?? NSHomeDirectory()) + "/.local/share/tmkit"
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

extension TMKit {
    struct TM: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tm",
            abstract: "Translation memory: add, import, export, look up, concordance, list, remove, stats, optimize, verify, copy, init.",
            discussion: """
                A memory is a file (SQLite), or a PostgreSQL database named by a URL wherever a file is: \
                --memory 'postgres://user:password@host:5432/database?memory=news' (or $TMKIT_MEMORY).
                """,
            subcommands: [Add.self, Import.self, Export.self, Lookup.self, Concordance.self, List.self, Remove.self, Stats.self, Optimize.self, Verify.self,
                          Copy.self, Init.self]
        )
    }
}

extension TMKit.TM {
    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a memory to another store: a file to PostgreSQL and back, streamed.",
            discussion: """
                FROM and TO are memory files or postgres:// URLs. The units are read a batch at a time \
                and written in one transaction (all or nothing), with their metadata; their ids in TO are \
                TO's own. TO must be empty (or missing) unless --merge, which adds them by the duplicate \
                rules of every add.
                """)
        @Argument(help: "The memory to read: a file or a postgres:// URL.") var from: String
        @Argument(help: "The memory to write: a file or a postgres:// URL (created when missing).") var to: String
        @Flag(name: .long, help: "Add to a memory that already has units (duplicates merged) instead of refusing.") var merge = false

        func run() throws {
            try runReportingErrors {
                guard from != to else { throw UserError("FROM and TO are the same memory") }
                let source: any TranslationMemoryStore
                let target: any TranslationMemoryStore
                do {
                    source = try MemoryStores.open(from, create: false, mapped: false)
                    target = try MemoryStores.open(to, create: true, mapped: false)
                } catch let e as MemoryStores.OpenFailure { throw UserError(e.description) }
                let existing = try target.count()
                if existing > 0 && !merge {
                    throw UserError("\(target.location) already holds \(existing) units: nothing copied (--merge adds to them)")
                }
                let start = Date()
                var read = 0
                let report = try target.transaction(overwrite: false, bulk: true) { w in
                    try w.addStreaming(batchSize: 8192, depth: 8) { emit in
                        try source.forEachUnitBatch(units: 4096) { batch in
                            for var u in try batch.decode() {
                                u.id = nil
                                read += 1
                                try emit(u)
                            }
                        }
                    }
                }
                let secs = Date().timeIntervalSince(start)
                Console.out.write("\(source.location) → \(target.location): \(read) units copied; \(report.added) added, \(report.alternatives) alternatives, \(report.merged) merged with existing (\(String(format: "%.2f", secs)) s, \(Int(Double(read) / max(secs, 0.001))) units/s)\n")
                Console.out.flush()
            }
        }
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a memory: a file, or tmkit's tables and a memory in a PostgreSQL database.",
            discussion: """
                A first write creates a memory anyway; init is for a PostgreSQL database that already \
                holds other tables (a first write refuses to add tmkit's there), and to check a URL. \
                The schema is created (or migrated) once, under an advisory lock.
                """)
        @OptionGroup var memoryOptions: MemoryOptions

        func run() throws {
            try runReportingErrors {
                let path = memoryOptions.path
                let store: any TranslationMemoryStore
                do {
                    if MemoryStores.isPostgres(path) {
                        store = try PostgresMemory(location: try PostgresLocation(url: path), create: true, initialize: true)
                    } else {
                        store = try MemoryStores.open(path, create: true)
                    }
                } catch let e as PostgresStoreError { throw UserError(e.description)
                } catch let e as PostgresLocation.Invalid { throw UserError(e.description)
                } catch let e as MemoryStores.OpenFailure { throw UserError(e.description) }
                Console.out.write("\(store.location): ready (\(try store.count()) units)\n")
                Console.out.flush()
            }
        }
    }

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
                let who = user ?? ProcessInfo.processInfo.environment["USER"]
                let unit = TranslationUnit(variants: [Variant(language: sourceLang, text: source), Variant(language: targetLang, text: target)],
                                           createdBy: who, originFile: file, originKey: key, contextPrevious: contextPrev,
                                           contextNext: contextNext, properties: props, notes: note)
                if let remote = try memoryOptions.remote() {
                    let (id, result) = try remoteCall { try remote.add(unit, overwrite: overwrite) }
                    let what = result == "added" ? "added" : result == "merged" ? "already there; metadata updated"
                        : result == "replaced" ? "translation replaced" : "added as an alternative translation"
                    Console.out.write("unit \(id): \(what)\n")
                    Console.out.flush()
                    return
                }
                let store = try memoryOptions.open(create: true)
                var id: Int64 = 0
                let report = try store.transaction(overwrite: overwrite, bulk: false) { id = try $0.add(unit) }
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

        /// The files sent to a server, each imported there in one transaction (streamed from disk).
        func importRemote(_ files: [String], _ remote: RemoteMemory) throws {
            var total = (read: 0, added: 0, alternatives: 0, merged: 0, replaced: 0)
            let start = Date()
            for file in files {
                let format = try resolvedFormat(file)
                var path = file
                if file == "-" {
                    path = NSTemporaryDirectory() + "tmkit-stdin-\(getpid())"
                    _ = FileManager.default.createFile(atPath: path, contents: FileHandle.standardInput.readDataToEndOfFile())
                }
                defer { if file == "-" { unlink(path) } }
                guard FileManager.default.fileExists(atPath: path) else { throw UserError("\(file): no such file") }
                let r = try remoteCall {
                    try remote.importFile(path, name: file == "-" ? "<stdin>" : file, format: format.rawValue, sourceLanguage: sourceLang,
                                          targetLanguage: targetLang, overwrite: overwrite, skipBad: skipBad, dryRun: dryRun)
                }
                for w in r.warnings { Console.warn("\(file):\(w.line): \(w.message)") }
                for w in r.skipped { Console.warn("\(file):\(w.line): \(dryRun ? "would skip" : "skipped"): \(w.message)") }
                total.read += r.read; total.added += r.added; total.alternatives += r.alternatives; total.merged += r.merged; total.replaced += r.replaced
            }
            let secs = String(format: dryRun ? "%.3f" : "%.2f", Date().timeIntervalSince(start))
            let what = files.count == 1 ? files[0] : "\(files.count) files"
            if dryRun {
                Console.out.write("\(what): \(total.read) units read, nothing stored (\(secs) s)\n")
            } else {
                Console.out.write("\(what): \(total.read) units read; \(total.added) added, \(total.alternatives) alternatives, \(total.merged) merged with existing, \(total.replaced) replaced (\(secs) s)\n")
            }
            Console.out.flush()
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
                if let remote = try memoryOptions.remote() { return try importRemote(files, remote) }
                let store = try memoryOptions.open(create: true, mapped: false) // pages read once: no mapping to swell the process
                var read = 0
                let progress = Progress(total: files.count, label: "files")
                let start = Date()
                let report = try store.transaction(overwrite: overwrite, bulk: true) { w in
                    // The files are read on a thread of their own, one after another, while the
                    // units read so far are prepared and stored (`MemoryWriter.addStreaming`).
                    try w.addStreaming(batchSize: 8192, depth: 8) { emit in
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
                if let remote = try memoryOptions.remote() {
                    let target = file == "-" ? NSTemporaryDirectory() + "tmkit-export-\(getpid())" : file + ".tmkit-partial"
                    defer { unlink(target) }
                    try remoteCall {
                        try remote.export(to: target, format: format.rawValue, sourceLanguage: sourceLang == "*all*" ? nil : sourceLang,
                                          targetLanguage: targetLang, since: since, filter: filter)
                    }
                    if file == "-" {
                        let input = try Input.Chunks(target)
                        while let chunk = try input.next() { try? FileChunks.writeAll(chunk, to: 1) }
                        return
                    }
                    let written = try ExportCount.units(path: target, format: format)
                    guard rename(target, file) == 0 else { throw UserError("\(file): cannot write (\(String(cString: strerror(errno))))") }
                    Console.out.write("\(file): \(written) units\n")
                    Console.out.flush()
                    return
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

        /// Why a lookup found nothing: the best score below the threshold, if any reaches 30%.
        func bestBelow(_ q: String, store: (any TranslationMemoryStore)?, remote: RemoteMemory?, options: LookupOptions) -> String {
            guard threshold > 30 else { return "" }
            var o = options
            o.threshold = 30
            o.limit = 1
            let best = try? (remote.map { try $0.lookup(q, sourceLanguage: sourceLang, targetLanguage: targetLang, options: o) }
                ?? store?.lookup(q, sourceLanguage: sourceLang, targetLanguage: targetLang, options: o))?.first
            guard let best else { return " (none above 30% either)" }
            return " (the best is \(best.score)%, unit \(best.unit.id ?? 0): --threshold \(best.score) shows it)"
        }

        func run() throws {
            try runReportingErrors {
                try checkLanguages(sourceLang, targetLang)
                let remote = try memoryOptions.remote()
                let store = remote == nil ? try memoryOptions.open(create: false) : nil
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
                let each: ((String, [Match]) throws -> Void) throws -> Void = { body in
                    if let remote {
                        let all = try remoteCall { try remote.lookupEach(queries, sourceLanguage: sourceLang, targetLanguage: targetLang, options: options) }
                        for (q, ms) in zip(queries, all) { try body(q, ms) }
                    } else {
                        try store!.lookupEach(queries, sourceLanguage: sourceLang, targetLanguage: targetLang, options: options, body)
                    }
                }
                var emptySingle = false
                try each { q, matches in
                    let now = DispatchTime.now()
                    times.append(Double(now.uptimeNanoseconds - clock.uptimeNanoseconds) / 1e6)
                    defer { clock = DispatchTime.now() }
                    switch format {
                    case .json:
                        Console.out.write(JSONOut.matches(matches, pretty: batch == nil) + "\n")
                    case .text:
                        if batch != nil { Console.out.write("# \(q)\n") }
                        if matches.isEmpty {
                            // One query: the best score below the threshold is looked up after this read ends.
                            if batch == nil { emptySingle = true } else { Console.out.write("no match at or above \(threshold)%\n") }
                        }
                        for m in matches { Console.out.write(TextOut.match(m, color: color)) }
                        if batch != nil { Console.out.write("\n") }
                    }
                }
                if emptySingle {
                    Console.out.write("no match at or above \(threshold)%" + bestBelow(queries[0], store: store, remote: remote, options: options) + "\n")
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
                let hits: [ConcordanceHit]
                if let remote = try memoryOptions.remote() {
                    hits = try remoteCall { try remote.concordance(phrase, sourceLanguage: sourceLang, targetLanguage: targetLang, searchTarget: side == .target, limit: limit) }
                } else {
                    hits = try memoryOptions.open(create: false).concordance(phrase, sourceLanguage: sourceLang, targetLanguage: targetLang,
                                                                             searchTarget: side == .target, limit: limit)
                }
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
                guard try store.removeUnit(id: id) else { throw UserError("\(store.location): no unit \(id)") }
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
                let remote = try memoryOptions.remote()
                let (s, name) = try remote.map { r in (try remoteCall { try r.stats() }, r.description) }
                    ?? { let store = try memoryOptions.open(create: false); return (try store.stats(), store.location) }()
                switch format {
                case .json:
                    let obj = JSONOut.stats(s)
                    Console.out.write(obj.serialized(pretty: true) + "\n")
                case .text:
                    Console.out.write("\(name): \(s.units) units\n")
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
                let opened = try memoryOptions.open(create: false, mapped: false)
                let start = Date()
                if let pg = opened as? PostgresMemory {
                    let r = try pg.optimize()
                    let secs = Date().timeIntervalSince(start)
                    switch format {
                    case .json:
                        Console.out.write(JSON.object([
                            ("partsBefore", .int(r.partsBefore)), ("partsAfter", .int(r.partsAfter)),
                            ("staleEntriesDropped", .int(r.staleEntriesDropped)),
                            ("bytesBefore", .int(Int(r.bytesBefore))), ("bytesAfter", .int(Int(r.bytesAfter))),
                            ("seconds", .double(secs)),
                        ]).serialized(pretty: true) + "\n")
                    case .text:
                        Console.out.write("\(pg.location): posting lists stored as one part each (\(r.partsBefore) parts → \(r.partsAfter)), \(r.staleEntriesDropped) entries of removed or rewritten units dropped; rows \(String(format: "%.1f MB → %.1f MB", Double(r.bytesBefore) / 1_048_576, Double(r.bytesAfter) / 1_048_576)); VACUUM ANALYZE (\(String(format: "%.2f", secs)) s)\n")
                    }
                    Console.out.flush()
                    return
                }
                guard let store = opened as? MemoryStore else { throw UserError("\(opened.location): cannot be optimized") }
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
                        \(store.location): \(r.duplicateKeysMerged) duplicate keys and \(r.deltaPartsMerged) list parts merged from the side tables; \
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

/// Runs a request to a server; its refusal becomes the command's error.
func remoteCall<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as RemoteMemory.Failure { throw UserError(e.description) }
}

/// The units in an exported file (a TMX's <tu> elements, a TSV's rows).
enum ExportCount {
    static func units(path: String, format: TMKit.TM.ExportFormat) throws -> Int {
        let input = try Input.Chunks(path)
        var count = 0
        var tail: [UInt8] = []
        let tu = Array("<tu".utf8)
        while let chunk = try input.next() {
            let buf = tail + chunk
            if format == .tsv {
                count += buf.count(where: { $0 == 0x0A }) - tail.count(where: { $0 == 0x0A })
            } else {
                var i = 0
                while i + 3 < buf.count {
                    if buf[i] == tu[0] && buf[i + 1] == tu[1] && buf[i + 2] == tu[2] && (buf[i + 3] == 0x20 || buf[i + 3] == 0x3E) && i + 3 >= tail.count { count += 1 }
                    i += 1
                }
            }
            tail = Array(buf.suffix(3))
        }
        return format == .tsv ? max(0, count - 1) : count
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
