import ArgumentParser
import Foundation
import Reports
import Localization
import TranslationMemory

extension TMKit {
    struct L10n: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "l10n",
            abstract: "Localization files: pre-translate from the memory, leverage analysis, import translated strings; documents to XLIFF and back.",
            discussion: "Formats so far: gettext PO, XLIFF 1.2/2.0, JSON string files, Apple .strings and .xcstrings String Catalogs, Android strings.xml, and TSV string tables whose header names key and language columns.",
            subcommands: [Pretranslate.self, Analyze.self, Import.self, Extract.self, Merge.self]
        )
    }
}

func readStringTable(_ file: String, sourceLang: String, targetLang: String) throws -> StringTable {
    let (text, name) = try Input.readText(file)
    do {
        return try StringTable.read(text: text, name: name, ext: (file as NSString).pathExtension.lowercased(),
                                    sourceLanguage: sourceLang, targetLanguage: targetLang)
    } catch let e as LocalizationError { throw UserError(e.message) }
}

extension TMKit.L10n {
    struct Pretranslate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fill untranslated strings from the memory: exact and context matches as translated, fuzzy ones marked for review.",
            discussion: "Everything else in the file is written back byte for byte. PO fuzzy matches get the 'fuzzy' flag; in a TSV table they are filled too (review them)."
        )
        @OptionGroup var memoryOptions: MemoryOptions
        @Argument(help: "The catalog to fill (PO, XLIFF, JSON, .strings, Android XML, .xcstrings or TSV).") var file: String
        @Option(name: .long, help: "The language of the source strings.") var sourceLang = "en"
        @Option(name: .long, help: "The language to fill in.") var targetLang: String
        @Option(name: .long, help: "Lowest fuzzy score to fill.") var minScore = 75
        @Option(name: [.customShort("o"), .long], help: "The file to write.") var output: String

        func run() throws {
            try runReportingErrors {
                try checkLanguages(sourceLang, targetLang)
                let table = try readStringTable(file, sourceLang: sourceLang, targetLang: targetLang)
                let p = Pretranslator(store: try memoryOptions.lookupSource(), sourceLanguage: sourceLang, targetLanguage: targetLang)
                let r: (text: String, exact: Int, fuzzy: Int, withoutCodes: Int)
                do { r = try p.pretranslate(table, minScore: minScore) } catch let e as LocalizationError { throw UserError("\(file): \(e.message)") }
                do { try r.text.write(toFile: output, atomically: true, encoding: .utf8) } catch { throw UserError("\(output): cannot write (\(error.localizedDescription))") }
                let untranslated = table.strings.filter { $0.target.isEmpty }.count
                Console.out.write("\(output): \(r.exact) of \(untranslated) untranslated strings filled from exact or context matches, \(r.fuzzy) from fuzzy matches (marked for review)"
                                  + (r.withoutCodes > 0 ? "; \(r.withoutCodes) left because the memory's translation does not carry their inline codes" : "") + "\n")
                Console.out.flush()
            }
        }
    }

    struct Analyze: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Leverage report: segments and words per match band, per file and in total.",
            discussion: "String tables and XLIFF files by their strings; documents (.md, .html, .txt) by their sentences, as 'l10n extract' cuts them.")
        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv }
        @OptionGroup var memoryOptions: MemoryOptions
        @Argument(help: "Catalogs and documents to analyse.") var files: [String]
        @Option(name: .long, help: "The language of the source strings.") var sourceLang = "en"
        @Option(name: .long, help: "The language they are translated into.") var targetLang: String
        @Option(name: .long, help: "text, json or csv.") var format: Format = .text

        func run() throws {
            try runReportingErrors {
                let p = Pretranslator(store: try memoryOptions.lookupSource(), sourceLanguage: sourceLang, targetLanguage: targetLang)
                // A document (.md, .html, .txt) is analysed sentence by sentence, as l10n extract cuts it.
                let rows = try p.analyze(try files.map { file in
                    guard DocumentInput.isDocument(file) else { return (file, try readStringTable(file, sourceLang: sourceLang, targetLang: targetLang)) }
                    let (text, name) = try Input.readText(file)
                    let segments = try DocumentInput.segments(text, kind: PageInput.kind(name: name, text: text), language: sourceLang)
                    return (file, StringTable.sentences(segments.map(\.text), text: text))
                })
                let bands = Pretranslator.bands
                switch format {
                case .text:
                    for r in rows {
                        Console.out.write("\(r.file)\n")
                        for (i, b) in bands.enumerated() {
                            Console.out.write("  \(b.padding(toLength: 16, withPad: " ", startingAt: 0)) \(String(r.segments[i]).leftPad(6)) segments \(String(r.words[i]).leftPad(7)) words\n")
                        }
                    }
                case .csv:
                    Console.out.write("file,band,segments,words\n")
                    for r in rows { for (i, b) in bands.enumerated() { Console.out.write("\"\(r.file)\",\"\(b)\",\(r.segments[i]),\(r.words[i])\n") } }
                case .json:
                    Console.out.write(JSON.array(rows.map { r in
                        .object([("file", .string(r.file)), ("bands", .array(bands.enumerated().map { i, b in
                            .object([("band", .string(b)), ("segments", .int(r.segments[i])), ("words", .int(r.words[i]))])
                        }))])
                    }).serialized(pretty: true) + "\n")
                }
                Console.out.flush()
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Translated strings of a PO, XLIFF or TSV file into the memory, with their key and file.",
            discussion: "XLIFF codes are stored as the units' markup; the sentences of an extracted document (l10n extract) with their neighbours as context, not their ids as keys.")
        @OptionGroup var memoryOptions: MemoryOptions
        @Argument(help: "A translated catalog whose pairs go into the memory.") var file: String
        @Option(name: .long, help: "The language of the source strings.") var sourceLang = "en"
        @Option(name: .long, help: "The language of the translations.") var targetLang: String
        func run() throws {
            try runReportingErrors {
                let table = try readStringTable(file, sourceLang: sourceLang, targetLang: targetLang)
                // (With their inline codes as markup, and a document's sentences with their neighbours as context.)
                let units = table.strings.filter { !$0.target.isEmpty }.map {
                    TranslationUnit(variants: [Variant(language: sourceLang, text: $0.source, markup: $0.sourceMarkup),
                                               Variant(language: targetLang, text: $0.target, markup: $0.targetMarkup)],
                                    originFile: file, originKey: $0.key, contextPrevious: $0.contextPrevious, contextNext: $0.contextNext)
                }
                let store = try memoryOptions.open(create: true)
                let r = try store.transaction(overwrite: false, bulk: false) { try $0.add(units) }
                Console.out.write("\(file): \(units.count) translated strings; \(r.added) added, \(r.merged) merged with existing, \(r.alternatives) alternatives\n")
                Console.out.flush()
            }
        }
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
