import ArgumentParser
import Formats
import Foundation
import ICUText
import TranslationMemory

extension TMKit {
    struct L10n: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "l10n",
            abstract: "Localization files: pre-translate from the memory, leverage analysis, import translated strings.",
            discussion: "Formats so far: gettext PO, and TSV string tables whose header names key and language columns.",
            subcommands: [Pretranslate.self, Analyze.self, Import.self]
        )
    }
}

/// A string of a localization file.
struct L10nString {
    var key: String?
    var source: String
    var target: String
    var message: GettextMessage?
    var row: Int?
}

/// Reads the strings of a PO file or a TSV string table.
func l10nStrings(_ file: String, sourceLang: String, targetLang: String) throws -> (text: String, strings: [L10nString], isPO: Bool, header: [String]) {
    let (text, name) = try Input.readText(file)
    let ext = (file as NSString).pathExtension.lowercased()
    if ext == "po" || ext == "pot" {
        let msgs: [GettextMessage]
        do { msgs = try GettextReader.readPO(Array(text.utf8), file: name) } catch let e as FormatError { throw UserError(e.description) }
        let strings = msgs.filter { !$0.id.isEmpty }.map {
            L10nString(key: $0.context, source: $0.id, target: $0.isFuzzy ? "" : ($0.strings.first ?? ""), message: $0)
        }
        return (text, strings, true, [])
    }
    guard ext == "tsv" else { throw UserError("\(name): not a PO or TSV string table (other catalog formats are not supported yet)") }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) ?? []
    guard let s = header.firstIndex(where: { LanguageTag.matches($0, requested: sourceLang) }) else {
        throw UserError("\(name):1: no '\(sourceLang)' column in the header")
    }
    let t = header.firstIndex(where: { LanguageTag.matches($0, requested: targetLang) })
    let k = header.firstIndex { ["key", "id"].contains($0.lowercased()) }
    var strings: [L10nString] = []
    for (i, l) in lines.enumerated().dropFirst() where !l.isEmpty {
        let f = l.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        strings.append(L10nString(key: k.flatMap { $0 < f.count ? f[$0] : nil }, source: s < f.count ? f[s] : "",
                                  target: t.flatMap { $0 < f.count ? f[$0] : nil } ?? "", row: i))
    }
    return (text, strings, false, header)
}

/// The best match for a string: 101 when a 100% match was stored under the same key.
func bestMatch(_ store: MemoryStore, _ s: L10nString, sourceLang: String, targetLang: String, threshold: Int) throws -> Match? {
    var ms = try store.lookup(s.source, sourceLanguage: sourceLang, targetLanguage: targetLang, options: LookupOptions(threshold: threshold, limit: 10))
    for i in ms.indices where ms[i].score == 100 && s.key != nil && ms[i].unit.originKey == s.key { ms[i].score = 101 }
    return ms.max { $0.score < $1.score }
}

extension TMKit.L10n {
    struct Pretranslate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fill untranslated strings from the memory: exact and context matches as translated, fuzzy ones marked for review.",
            discussion: "Everything else in the file is written back byte for byte. PO fuzzy matches get the 'fuzzy' flag; in a TSV table they are filled too (review them)."
        )
        @OptionGroup var memoryOptions: MemoryOptions
        @Argument var file: String
        @Option(name: .long) var sourceLang = "en"
        @Option(name: .long) var targetLang: String
        @Option(name: .long, help: "Lowest fuzzy score to fill.") var minScore = 75
        @Option(name: [.customShort("o"), .long], help: "The file to write.") var output: String

        func run() throws {
            try runReportingErrors {
                try checkLanguages(sourceLang, targetLang)
                let (text, strings, isPO, header) = try l10nStrings(file, sourceLang: sourceLang, targetLang: targetLang)
                let store = try memoryOptions.open(create: true)
                var exact = 0, fuzzy = 0
                var result: String
                if isPO {
                    var fills: [POEditor.Fill] = []
                    for s in strings where s.target.isEmpty {
                        guard let m = try bestMatch(store, s, sourceLang: sourceLang, targetLang: targetLang, threshold: minScore), let t = m.target else { continue }
                        let forms = s.message!.idPlural != nil ? max(2, s.message!.strings.count) : 1
                        fills.append(POEditor.Fill(message: s.message!, strings: Array(repeating: t.text, count: forms), fuzzy: m.score < 100))
                        if m.score >= 100 { exact += 1 } else { fuzzy += 1 }
                    }
                    result = POEditor.apply(fills, to: text)
                } else {
                    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                    guard let t = header.firstIndex(where: { LanguageTag.matches($0, requested: targetLang) }) else {
                        throw UserError("\(file):1: no '\(targetLang)' column to fill")
                    }
                    for s in strings where s.target.isEmpty {
                        guard let m = try bestMatch(store, s, sourceLang: sourceLang, targetLang: targetLang, threshold: minScore), let tt = m.target else { continue }
                        var f = lines[s.row!].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                        while f.count <= t { f.append("") }
                        f[t] = tt.text.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
                        lines[s.row!] = f.joined(separator: "\t")
                        if m.score >= 100 { exact += 1 } else { fuzzy += 1 }
                    }
                    result = lines.joined(separator: "\n")
                }
                do { try result.write(toFile: output, atomically: true, encoding: .utf8) } catch { throw UserError("\(output): cannot write (\(error.localizedDescription))") }
                let untranslated = strings.filter { $0.target.isEmpty }.count
                Console.out.write("\(output): \(exact) of \(untranslated) untranslated strings filled from exact or context matches, \(fuzzy) from fuzzy matches (marked for review)\n")
                Console.out.flush()
            }
        }
    }

    struct Analyze: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Leverage report: segments and words per match band, per file and in total.")
        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv }
        @OptionGroup var memoryOptions: MemoryOptions
        @Argument var files: [String]
        @Option(name: .long) var sourceLang = "en"
        @Option(name: .long) var targetLang: String
        @Option(name: .long) var format: Format = .text

        static let bands = ["101% (context)", "100%", "repetitions", "95-99%", "85-94%", "75-84%", "50-74%", "no match"]

        func band(_ score: Int?) -> Int {
            guard let s = score else { return 7 }
            switch s {
            case 101...: return 0
            case 100: return 1
            case 95...99: return 3
            case 85...94: return 4
            case 75...84: return 5
            case 50...74: return 6
            default: return 7
            }
        }

        func run() throws {
            try runReportingErrors {
                let store = try memoryOptions.open(create: true)
                let words = try BreakIterator(.word, locale: LanguageTag.primary(sourceLang))
                var seen = Set<String>()
                var table: [(file: String, segments: [Int], words: [Int])] = []
                for file in files {
                    let (_, strings, _, _) = try l10nStrings(file, sourceLang: sourceLang, targetLang: targetLang)
                    var segs = [Int](repeating: 0, count: 8), wc = [Int](repeating: 0, count: 8)
                    for s in strings {
                        let n = try words.words(in: s.source).count
                        let key = s.source.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                        var b: Int
                        let m = try bestMatch(store, s, sourceLang: sourceLang, targetLang: targetLang, threshold: 50)
                        b = band(m?.score)
                        if b > 1 && seen.contains(key) { b = 2 }
                        seen.insert(key)
                        segs[b] += 1
                        wc[b] += n
                    }
                    table.append((file, segs, wc))
                }
                let total = (file: "total", segments: (0..<8).map { i in table.reduce(0) { $0 + $1.segments[i] } },
                             words: (0..<8).map { i in table.reduce(0) { $0 + $1.words[i] } })
                let rows = table + [total]
                switch format {
                case .text:
                    for r in rows {
                        Console.out.write("\(r.file)\n")
                        for (i, b) in Analyze.bands.enumerated() {
                            Console.out.write("  \(b.padding(toLength: 16, withPad: " ", startingAt: 0)) \(String(r.segments[i]).leftPad(6)) segments \(String(r.words[i]).leftPad(7)) words\n")
                        }
                    }
                case .csv:
                    Console.out.write("file,band,segments,words\n")
                    for r in rows { for (i, b) in Analyze.bands.enumerated() { Console.out.write("\"\(r.file)\",\"\(b)\",\(r.segments[i]),\(r.words[i])\n") } }
                case .json:
                    Console.out.write(JSON.array(rows.map { r in
                        .object([("file", .string(r.file)), ("bands", .array(Analyze.bands.enumerated().map { i, b in
                            .object([("band", .string(b)), ("segments", .int(r.segments[i])), ("words", .int(r.words[i]))])
                        }))])
                    }).serialized(pretty: true) + "\n")
                }
                Console.out.flush()
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Translated strings of a PO file or TSV table into the memory, with their key and file.")
        @OptionGroup var memoryOptions: MemoryOptions
        @Argument var file: String
        @Option(name: .long) var sourceLang = "en"
        @Option(name: .long) var targetLang: String
        func run() throws {
            try runReportingErrors {
                let (_, strings, _, _) = try l10nStrings(file, sourceLang: sourceLang, targetLang: targetLang)
                let units = strings.filter { !$0.target.isEmpty }.map {
                    TranslationUnit(variants: [Variant(language: sourceLang, text: $0.source), Variant(language: targetLang, text: $0.target)],
                                    originFile: file, originKey: $0.key)
                }
                let store = try memoryOptions.open(create: true)
                let r = try store.write { try $0.add(units) }
                Console.out.write("\(file): \(units.count) translated strings; \(r.added) added, \(r.merged) merged with existing, \(r.alternatives) alternatives\n")
                Console.out.flush()
            }
        }
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
