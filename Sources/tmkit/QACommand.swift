import ArgumentParser
import Formats
import Foundation
import Reports
import Glossary
import Localization

extension TMKit {
    struct QA: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "qa",
            abstract: "Check strings and translations: untranslated, wrong script, placeholders, numbers, punctuation, glossary, length.",
            discussion: """
            FILE is a page or text (one string a line; needs --lang), a TSV string table with a header \
            naming its columns (key, en, ru, …), a gettext PO file, XLIFF, a String Catalog (.xcstrings), \
            or a single-language catalog (JSON, .strings, Android strings.xml; with --lang). With --lang the file is checked as \
            monolingual text in that language; with --source-lang and --target-lang each string is checked \
            against its translation. Exit status 1 when an error is found.
            """
        )
        @Argument(help: "The files to check.") var files: [String]
        @Option(name: .long, help: "The language of a monolingual file (a page, a source catalog).") var lang: String?
        @Option(name: .long, help: "The language of the source strings (a catalog), or of the text (a page).") var sourceLang: String?
        @Option(name: .long, help: "The language of the translations (a catalog).") var targetLang: String?
        @Option(name: .long, help: "A glossary whose terms the translations must use.") var glossary: String?
        @Option(name: .long, help: "Warn about translations longer than this many characters.") var maxLength: Int?
        @Option(name: .long, help: "text or json.") var format: OutputFormat = .text

        func validate() throws {
            if files.isEmpty { throw ValidationError("give the files to check") }
            if lang == nil && (sourceLang == nil || targetLang == nil) {
                throw ValidationError("give --lang for a monolingual file, or --source-lang and --target-lang")
            }
        }

        func run() throws {
            try runReportingErrors {
                var entries: [TermEntry]?
                if let glossary {
                    entries = try openGlossary(glossary, create: false).entries()
                }
                var findings: [QAFinding] = []
                for file in files {
                    let (text, name) = try Input.readText(file)
                    let ext = (file as NSString).pathExtension.lowercased()
                    var items: [QAItem] = []
                    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
                    if ext == "tsv" {
                        let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) ?? []
                        func col(_ l: String?) -> Int? { l.flatMap { l in header.firstIndex { $0.lowercased() == l.lowercased() } } }
                        let keyCol = header.firstIndex { ["key", "id"].contains($0.lowercased()) }
                        let sCol = col(lang ?? sourceLang), tCol = lang == nil ? col(targetLang) : nil
                        guard let sCol else { throw UserError("\(name):1: no column '\(lang ?? sourceLang!)' in the header") }
                        if lang == nil && tCol == nil { throw UserError("\(name):1: no column '\(targetLang!)' in the header") }
                        for (k, l) in lines.enumerated().dropFirst() where !l.isEmpty {
                            let f = l.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                            items.append(QAItem(line: k + 1, key: keyCol.flatMap { $0 < f.count ? f[$0] : nil },
                                                source: sCol < f.count ? f[sCol] : "", target: tCol.flatMap { $0 < f.count ? f[$0] : "" }))
                        }
                    } else if ext == "json" || ext == "strings" {
                        guard let l = lang else { throw UserError("\(name): a single-language catalog is checked with --lang") }
                        let table: StringTable
                        do { table = try StringTable.read(text: text, name: name, ext: ext, sourceLanguage: l, targetLanguage: l) } catch let e as LocalizationError { throw UserError(e.message) }
                        for (k, st) in table.strings.enumerated() {
                            items.append(QAItem(line: table.catalog!.entries[k].line, key: st.key, source: st.source))
                        }
                    } else if ext == "xcstrings" || ext == "xml" {
                        // A String Catalog holds both languages; an Android strings.xml one (give --lang).
                        if ext == "xml" && lang == nil { throw UserError("\(name): an Android strings.xml holds one language: check it with --lang") }
                        let table: StringTable
                        do {
                            table = try StringTable.read(text: text, name: name, ext: ext, sourceLanguage: lang ?? sourceLang!, targetLanguage: targetLang ?? lang!)
                        } catch let e as LocalizationError { throw UserError(e.message) }
                        for st in table.strings {
                            if let doc = table.xcstrings, lang == nil, doc.entries[st.row!].hasVariations {
                                // Each plural form of the translation against the source's form of that category (or "other").
                                let e = doc.entries[st.row!]
                                if let source = e.sourcePlural, let target = e.targetPlural {
                                    for (c, t) in target.sorted(by: { $0.key < $1.key }) {
                                        items.append(QAItem(line: st.line ?? 0, key: "\(st.key ?? "")[\(c)]", source: source[c] ?? source["other"]!, target: t))
                                    }
                                }
                                continue
                            }
                            items.append(QAItem(line: st.line ?? 0, key: st.key, source: st.source, target: lang == nil ? st.target : nil))
                        }
                    } else if ext == "xlf" || ext == "xliff" {
                        let table: StringTable
                        do {
                            table = try StringTable.read(text: text, name: name, ext: ext, sourceLanguage: lang ?? sourceLang!, targetLanguage: targetLang ?? "und")
                        } catch let e as LocalizationError { throw UserError(e.message) }
                        for (k, st) in table.strings.enumerated() {
                            let unit = table.xliff!.units[k]
                            let hasTarget = lang == nil && unit.target != nil
                            items.append(QAItem(line: unit.line, key: st.key, source: st.source, target: lang == nil ? st.target : nil,
                                                sourceCodes: hasTarget ? unit.sourceCodes.map(\.raw) : nil, targetCodes: hasTarget ? unit.targetCodes.map(\.raw) : nil))
                        }
                    } else if ext == "po" || ext == "pot" {
                        let msgs: [GettextMessage]
                        do { msgs = try GettextReader.readPO(Array(text.utf8), file: name) } catch let e as FormatError { throw UserError(e.description) }
                        for m in msgs where !m.id.isEmpty {
                            items.append(QAItem(line: m.line, key: m.context ?? m.id, source: lang == nil ? m.id : (m.strings.first ?? ""),
                                                target: lang == nil ? (m.isFuzzy ? "" : m.strings.first ?? "") : nil))
                        }
                    } else {
                        guard lang != nil else { throw UserError("\(name): a text file is checked as monolingual: give --lang") }
                        let kind = PageInput.kind(name: name, text: text)
                        if kind != .text {
                            // An HTML page or Markdown: the text of its blocks (not scripts, tags or syntax), a piece
                            // for each line of the file it stands on, so that a finding names its line.
                            var lineStarts = [0]
                            for (k, c) in text.unicodeScalars.enumerated() where c == "\n" { lineStarts.append(k + 1) }
                            func lineOf(_ offset: Int) -> Int {
                                var lo = 0, hi = lineStarts.count
                                while lo < hi { let mid = (lo + hi) / 2; if lineStarts[mid] <= offset { lo = mid + 1 } else { hi = mid } }
                                return lo
                            }
                            for block in PageInput.blocks(kind, text) {
                                var piece = String.UnicodeScalarView(), pieceLine = 0
                                for (k, c) in block.text.unicodeScalars.enumerated() {
                                    let l = lineOf(block.sourceStart[k])
                                    if l != pieceLine, !piece.isEmpty {
                                        items.append(QAItem(line: pieceLine, source: String(piece).trimmingCharacters(in: .whitespaces)))
                                        piece = String.UnicodeScalarView()
                                    }
                                    pieceLine = l
                                    piece.append(c)
                                }
                                if !piece.isEmpty { items.append(QAItem(line: pieceLine, source: String(piece).trimmingCharacters(in: .whitespaces))) }
                            }
                        } else {
                            for (k, l) in lines.enumerated() where !l.trimmingCharacters(in: .whitespaces).isEmpty {
                                items.append(QAItem(line: k + 1, source: l))
                            }
                        }
                    }
                    let checker = try QAChecker(sourceLanguage: lang ?? sourceLang!, targetLanguage: targetLang, maxLength: maxLength, glossary: entries)
                    findings += lang != nil ? checker.checkMonolingual(items, file: name, language: lang!) : try checker.checkPairs(items, file: name)
                }
                switch format {
                case .json:
                    Console.out.write(JSON.array(findings.map { f in
                        .object([("file", .string(f.file)), ("line", .int(f.line)), ("key", .optional(f.key)), ("severity", .string(f.severity.rawValue)),
                                 ("check", .string(f.check)), ("message", .string(f.message))])
                    }).serialized(pretty: true) + "\n")
                case .text:
                    for f in findings { Console.out.write("\(f.file):\(f.line):\(f.key.map { " [\($0)]" } ?? "") \(f.severity.rawValue): \(f.message)\n") }
                    if findings.isEmpty { Console.out.write("no problems found\n") }
                }
                Console.out.flush()
                if findings.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
            }
        }
    }
}
