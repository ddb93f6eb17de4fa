import ArgumentParser
import Formats
import Foundation
import Reports
import Glossary
import MemoryStores
import TranslationMemory

struct GlossaryOptions: ParsableArguments {
    @Option(name: .long, help: "The glossary: a file, or postgres://user@host:5432/db?glossary=NAME (else $TMKIT_GLOSSARY, else Glossaries/default.tbdb).")
    var glossary: String?

    var path: String { glossary ?? Self.defaultPath }

    /// $TMKIT_GLOSSARY, else Glossaries/default.tbdb.
    static var defaultPath: String {
        if let env = ProcessInfo.processInfo.environment["TMKIT_GLOSSARY"], !env.isEmpty { return env }
        return DefaultPaths.file("Glossaries", "default.tbdb")
    }

    func open(create: Bool) throws -> any GlossaryStore {
        try openGlossary(path, create: create)
    }
}

/// Opens the glossary at `location` (a file or a postgres:// URL); a failure is the user's error.
func openGlossary(_ location: String, create: Bool) throws -> any GlossaryStore {
    do { return try GlossaryStores.open(location, create: create) } catch let e as MemoryStores.OpenFailure { throw UserError(e.description) }
}

extension Term.Status: ExpressibleByArgument {}

extension TMKit {
    struct GlossaryCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "glossary",
            abstract: "Glossary: add, edit, list and search terms; find them in text; check translations.",
            subcommands: [Add.self, Edit.self, Remove.self, List.self, Search.self, Import.self, Export.self, Copy.self, Find.self, Check.self, Verify.self]
        )
    }
}

func entryText(_ e: TermEntry) -> String {
    var s = "entry \(e.id ?? 0)"
    if let d = e.domain { s += "  [\(d)]" }
    s += "\n"
    for t in e.terms { s += "  \(t.language): \(t.text)" + (t.status.map { " (\($0.rawValue))" } ?? "") + "\n" }
    if let n = e.note { s += "  note: \(n)\n" }
    return s
}

extension TMKit.GlossaryCommand {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a term and its translation.")
        @OptionGroup var options: GlossaryOptions
        @Argument(help: "The term in the source language.") var source: String
        @Argument(help: "Its translation.") var target: String
        @Option(name: .long, help: "The term's language (BCP 47).") var sourceLang: String
        @Option(name: .long, help: "The translation's language (BCP 47).") var targetLang: String
        @Option(name: .long, help: "A note on the entry.") var note: String?
        @Option(name: .long, help: "Status of the target term: preferred, admitted, deprecated, forbidden.") var status: Term.Status?
        @Option(name: .long, help: "Part of speech of the terms.") var pos: String?
        @Option(name: .long, help: "Subject field.") var domain: String?

        func run() throws {
            try runReportingErrors {
                try checkLanguages(sourceLang, targetLang)
                let store = try options.open(create: true)
                let r = try store.add(source: Term(language: sourceLang, text: source, partOfSpeech: pos),
                                      target: Term(language: targetLang, text: target, partOfSpeech: pos, status: status), note: note, domain: domain)
                switch r.kind {
                case .added: Console.out.write("entry \(r.entryID): added\n")
                case .updated: Console.out.write("entry \(r.entryID): already there; updated\n")
                case .addedBesideOther(let other):
                    Console.out.write("entry \(r.entryID): added\n")
                    Console.warn("'\(source)' is also translated as '\(other)'; both are kept (remove one with tmkit glossary remove ID)")
                }
                Console.out.flush()
            }
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an entry: a term's text or status, the note, definition or domain.")
        @OptionGroup var options: GlossaryOptions
        @Argument(help: "The entry id (as glossary list and search show it).") var id: Int64
        @Option(name: .long, help: "The language of the term to change.") var lang: String?
        @Option(name: .long, help: "New text of that term.") var text: String?
        @Option(name: .long, help: "preferred, admitted, deprecated or forbidden (of the --lang term).") var status: Term.Status?
        @Option(name: .long, help: "A note on the entry.") var note: String?
        @Option(name: .long, help: "A definition of the concept.") var definition: String?
        @Option(name: .long, help: "The subject field.") var domain: String?

        func run() throws {
            try runReportingErrors {
                if (text != nil || status != nil) && lang == nil { throw UserError("--text and --status need --lang (the term's language)") }
                let store = try options.open(create: false)
                guard try store.edit(id: id, language: lang, text: text, status: status, note: note, definition: definition, domain: domain) else {
                    throw UserError("\(store.location): no entry \(id)")
                }
                Console.out.write("entry \(id): changed\n")
                Console.out.flush()
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an entry.")
        @OptionGroup var options: GlossaryOptions
        @Argument(help: "The entry id (as glossary list and search show it).") var id: Int64
        func run() throws {
            try runReportingErrors {
                let store = try options.open(create: false)
                guard try store.remove(id: id) else { throw UserError("\(store.location): no entry \(id)") }
                Console.out.write("entry \(id) removed\n")
                Console.out.flush()
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List entries.")
        @OptionGroup var options: GlossaryOptions
        @Option(name: .long, help: "Only entries with a term in this language.") var lang: String?
        @Option(name: .long, help: "text or json.") var format: OutputFormat = .text
        func run() throws {
            try runReportingErrors {
                let entries = try options.open(create: false).entries(language: lang)
                switch format {
                case .json: Console.out.write(JSON.array(entries.map(JSONOut.entry)).serialized(pretty: true) + "\n")
                case .text: for e in entries { Console.out.write(entryText(e)) }
                }
                Console.out.flush()
            }
        }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Entries with a term containing, starting like or close to QUERY (any language, case and ё/е ignored).")
        @OptionGroup var options: GlossaryOptions
        @Argument(help: "A term, a part of one, or a misspelling of it.") var query: String
        @Option(name: .long, help: "text or json.") var format: OutputFormat = .text
        func run() throws {
            try runReportingErrors {
                let entries = try options.open(create: false).search(query)
                switch format {
                case .json: Console.out.write(JSON.array(entries.map(JSONOut.entry)).serialized(pretty: true) + "\n")
                case .text:
                    if entries.isEmpty { Console.out.write("no term like '\(query)'\n") }
                    for e in entries { Console.out.write(entryText(e)) }
                }
                Console.out.flush()
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import a TBX termbase, or a TSV or CSV glossary (a header naming languages, or OmegaT's source/target/comment columns).")
        @OptionGroup var options: GlossaryOptions
        @Argument(help: "The file: .tbx (TBX v3 or 2008), .tsv, .csv or .txt.") var file: String
        @Option(name: .long, help: "Source language of a file without a header.") var sourceLang: String?
        @Option(name: .long, help: "Target language of a file without a header.") var targetLang: String?
        func run() throws {
            try runReportingErrors {
                let entries: [TermEntry]
                if file.lowercased().hasSuffix(".tbx") {
                    do {
                        let parser: XMLPullParser
                        do { parser = try XMLPullParser(path: file) } catch let e as XMLPullParser.ParseError { throw UserError("\(file): \(e.message)") }
                        entries = try TBX.read(parser, file: file)
                    } catch let e as FormatError { throw UserError(e.description + " (nothing was imported)") }
                    let store = try options.open(create: true)
                    try store.insert(entries)
                    Console.out.write("\(file): \(entries.count) entries imported\n")
                    Console.out.flush()
                    return
                }
                let (text, name) = try Input.readText(file)
                let sep: Character = file.lowercased().hasSuffix(".csv") ? "," : "\t"
                do {
                    entries = try GlossaryTSV.read(text, file: name, separator: sep, sourceLanguage: sourceLang, targetLanguage: targetLang)
                } catch let e as GlossaryTSV.ParseError { throw UserError(e.description + " (nothing was imported)") }
                let store = try options.open(create: true)
                try store.insert(entries)
                Console.out.write("\(name): \(entries.count) entries imported\n")
                Console.out.flush()
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export the glossary as TBX-Basic (FILE.tbx: every language and field) or TSV (source, target, note).")
        @OptionGroup var options: GlossaryOptions
        @Argument(help: "The file to write ('-': standard output).") var file: String
        @Option(name: .long, help: "The source language (TSV: the first column).") var sourceLang: String
        @Option(name: .long, help: "The target language (TSV: the second column).") var targetLang: String
        func run() throws {
            try runReportingErrors {
                let entries = try options.open(create: false).entries(language: sourceLang)
                let tsv = file.lowercased().hasSuffix(".tbx") ? TBX.write(entries, sourceLanguage: sourceLang)
                    : GlossaryTSV.write(entries, sourceLanguage: sourceLang, targetLanguage: targetLang)
                if file == "-" { Console.out.write(tsv); Console.out.flush() } else {
                    do { try tsv.write(toFile: file, atomically: true, encoding: .utf8) } catch { throw UserError("\(file): cannot write (\(error.localizedDescription))") }
                }
            }
        }
    }

    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a glossary to another store: a file to PostgreSQL and back.",
            discussion: """
                FROM and TO are glossary files or postgres://…?glossary=NAME URLs. Every entry is copied \
                with its terms, fields and dates, in one transaction (all or nothing); entry ids in TO are \
                TO's own. TO must be empty (or missing) unless --replace, which deletes its entries in \
                the same transaction.
                """)
        @Argument(help: "The glossary to read: a file or a postgres:// URL.") var from: String
        @Argument(help: "The glossary to write: a file or a postgres:// URL (created when missing).") var to: String
        @Flag(name: .long, help: "Replace the entries of a glossary that has some instead of refusing.") var replace = false

        func run() throws {
            try runReportingErrors {
                guard from != to else { throw UserError("FROM and TO are the same glossary") }
                let source = try openGlossary(from, create: false)
                let target = try openGlossary(to, create: true)
                let start = Date()
                let entries = try source.entries().map { e -> TermEntry in
                    var e = e
                    e.id = nil
                    for i in e.terms.indices { e.terms[i].id = nil }
                    return e
                }
                let existing = try target.entries().count
                if existing > 0 && !replace {
                    throw UserError("\(target.location) already holds \(existing) entries: nothing copied (--replace replaces them)")
                }
                try target.insert(entries, replacing: replace)
                let terms = entries.reduce(0) { $0 + $1.terms.count }
                Console.out.write("\(source.location) → \(target.location): \(entries.count) entries, \(terms) terms copied (\(String(format: "%.2f", Date().timeIntervalSince(start))) s)\n")
                Console.out.flush()
            }
        }
    }

    struct Find: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every glossary term in a text, inflected forms included, with its translations.")
        @OptionGroup var options: GlossaryOptions
        @Argument(help: "The text ('-' or a file with --file).") var text: String?
        @Option(name: .long, help: "Read the text from this file (an HTML page or Markdown file: the text of its blocks, offsets into the file).") var file: String?
        @Option(name: .long, help: "The language of the text.") var sourceLang: String
        @Option(name: .long, help: "Show the terms' translations into this language.") var targetLang: String?
        @Option(name: .long, help: "text or json.") var format: OutputFormat = .text
        @Flag(name: .long, help: "Print the time to load the glossary, build the index and find the terms to standard error.") var timing = false
        func run() throws {
            try runReportingErrors {
                let (input, name) = try file.map { try Input.readText($0) } ?? (text == "-" || text == nil ? Input.readText(nil) : (text!, "-"))
                let t0 = Date()
                let store = try options.open(create: false)
                let entries = try store.entries(language: sourceLang)
                let t1 = Date()
                let recognizer = try TermRecognizer(entries: entries, language: sourceLang)
                let t2 = Date()
                // An HTML page or Markdown file: the terms of its text (not of its tags or syntax), with
                // offsets into the file.
                let kind = file == nil ? .text : PageInput.kind(name: name, text: input)
                var matches: [TermMatch] = []
                if kind == .text {
                    matches = try recognizer.find(in: input)
                } else {
                    for block in PageInput.blocks(kind, input) {
                        for var m in try recognizer.find(in: block.text) where m.end > m.start {
                            (m.start, m.end) = (block.sourceStart[m.start], block.sourceEnd[m.end - 1])
                            matches.append(m)
                        }
                    }
                }
                if timing {
                    FileHandle.standardError.write(Data(String(format: "glossary timing: %d entries loaded in %.1f ms, indexed in %.1f ms; %d terms found in %.2f ms\n",
                        entries.count, t1.timeIntervalSince(t0) * 1000, t2.timeIntervalSince(t1) * 1000, matches.count, Date().timeIntervalSince(t2) * 1000).utf8))
                }
                switch format {
                case .json:
                    Console.out.write(JSONOut.termMatches(matches, targetLanguage: targetLang) + "\n")
                case .text:
                    if matches.isEmpty { Console.out.write("no glossary term in the text (\(entries.count) entries with a '\(sourceLang)' term)\n") }
                    for m in matches {
                        let tr = targetLang.map { m.entry.terms(in: $0).map(\.text).joined(separator: "; ") } ?? ""
                        Console.out.write("\(m.start)-\(m.end)  \(m.surface)  → \(m.term.text)" + (tr.isEmpty ? "" : "  = \(tr)") + "  (entry \(m.entry.id ?? 0))\n")
                    }
                }
                Console.out.flush()
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check pre-aligned translations: source terms whose translation is missing, forbidden or deprecated terms used.",
            discussion: "SOURCE_FILE and TARGET_FILE hold one sentence a line, line n translating line n; or give one TMX file. Exit status 1 when something is found."
        )
        @OptionGroup var options: GlossaryOptions
        @Argument(help: "Source sentences, one a line (or a TMX file).") var sourceFile: String
        @Argument(help: "Their translations, one a line (not with a TMX file).") var targetFile: String?
        @Option(name: .long, help: "The source language of the pairs.") var sourceLang: String
        @Option(name: .long, help: "The target language of the pairs.") var targetLang: String
        @Option(name: .long, help: "text or json.") var format: OutputFormat = .text
        func run() throws {
            try runReportingErrors {
                var src: [String] = [], tgt: [String] = []
                if sourceFile.lowercased().hasSuffix(".tmx") {
                    // Pairs from a TMX file: "line" then numbers the units.
                    let parser: XMLPullParser
                    do { parser = try XMLPullParser(path: sourceFile) } catch let e as XMLPullParser.ParseError { throw UserError("\(sourceFile): \(e.message)") }
                    do {
                        try TMXReader(file: sourceFile).read(parser, unit: { u in
                            if let s = u.variant(sourceLang), let t = u.variant(targetLang) { src.append(s.text); tgt.append(t.text) }
                        })
                    } catch let e as FormatError { throw UserError(e.description) }
                } else {
                    guard let targetFile else { throw UserError("give TARGET_FILE (or a TMX file as SOURCE_FILE)") }
                    src = try Input.readText(sourceFile).text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                    tgt = try Input.readText(targetFile).text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                }
                let store = try options.open(create: false)
                let entries = try store.entries()
                let sr = try TermRecognizer(entries: entries, language: sourceLang)
                let tr = try TermRecognizer(entries: entries, language: targetLang)
                var findings: [JSON] = []
                var text = ""
                for (k, s) in src.enumerated() where k < tgt.count && !s.isEmpty {
                    let t = tgt[k]
                    for m in try sr.find(in: s) {
                        let wanted = m.entry.terms(in: targetLang).filter { $0.status != .forbidden && $0.status != .deprecated }
                        if wanted.isEmpty { continue }
                        if try !wanted.contains(where: { try tr.contains($0.text, in: t) }) {
                            findings.append(.object([("line", .int(k + 1)), ("kind", .string("missing")), ("source", .string(m.surface)),
                                                     ("expected", .array(wanted.map { .string($0.text) })), ("entry", .int(Int(m.entry.id ?? 0)))]))
                            text += "line \(k + 1): '\(m.surface)' is not translated as \(wanted.map { "'\($0.text)'" }.joined(separator: " or "))\n"
                        }
                    }
                    for m in try tr.find(in: t) where m.term.status == .forbidden || m.term.status == .deprecated {
                        findings.append(.object([("line", .int(k + 1)), ("kind", .string(m.term.status!.rawValue)), ("target", .string(m.surface)),
                                                 ("entry", .int(Int(m.entry.id ?? 0)))]))
                        text += "line \(k + 1): '\(m.surface)' is a \(m.term.status!.rawValue) term\n"
                    }
                }
                switch format {
                case .json: Console.out.write(JSON.array(findings).serialized(pretty: true) + "\n")
                case .text: Console.out.write(findings.isEmpty ? "no problems found\n" : text)
                }
                Console.out.flush()
                if let targetFile, src.filter({ !$0.isEmpty }).count != tgt.filter({ !$0.isEmpty }).count {
                    Console.warn("\(sourceFile) and \(targetFile) have different numbers of lines; extra lines are not checked")
                }
                if !findings.isEmpty { throw ExitCode(1) }
            }
        }
    }
}
