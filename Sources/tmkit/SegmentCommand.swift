import ArgumentParser
import Formats
import Foundation
import ICUText
import Segmentation
import StoreSupport

extension TMKit {
    struct Segment: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Split a text into sentences.",
            discussion: """
            Reads FILE (or standard input when it is missing or '-') as UTF-8 and prints its \
            sentences. A blank line always ends a segment; list items and Markdown headings stand \
            alone; a single line break inside a paragraph counts as a space. An HTML page (.html, \
            .htm, or text starting with <!DOCTYPE html>) is read for the text of its blocks (title, \
            headings, paragraphs, list items, captions, cells), leaving out scripts, styles, navigation, \
            forms and buttons. A Markdown file (.md, .markdown, or --input markdown) is read for its \
            headings, paragraphs, list items, quotes and table cells, without their markers, leaving \
            out code blocks and front matter; emphasis, links, code spans and inline HTML become inline \
            codes. With --format json each sentence of a page or Markdown file also gives its paragraph \
            and, when it has inline codes, its "markup" as TMX segment content (bpt/ept/ph/it).

            --explain prints, instead of the sentences, every candidate boundary (ICU's, the \
            paragraph and list breaks, tmkit's own) with whether a sentence ends there and what \
            decided it: the rule, the abbreviation, or the statistic learnt from running text (how \
            much more often than an average word the next word opens a sentence). With --format json: \
            an array of {offset, break, rule, reason, before, after}, and "block" for a page.
            """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case lines, json }
        enum Normalize: String, ExpressibleByArgument, CaseIterable { case nfc, nfkc, none }
        enum Rules: String, ExpressibleByArgument, CaseIterable { case tmkit, icu }

        @Argument(help: "The text file to segment ('-' or nothing: standard input).")
        var file: String?

        @Option(name: .long, help: "Language of the text as a BCP 47 tag (en, ru, de-CH). Needed unless the script makes it obvious.")
        var lang: String?

        @Option(name: .long, help: "Output: one sentence a line, or a JSON array of {text, start, end} (Unicode scalar offsets).")
        var format: Format = .lines

        @Option(name: .long, help: "Normalization of each segment: nfc, nfkc or none.")
        var normalize: Normalize = .nfc

        @Option(name: .long, help: "Segment with the rules of this SRX 2.0 file instead of tmkit's.")
        var srx: String?

        @Option(name: .long, help: "tmkit (ICU refined by tmkit's language rules) or icu (ICU's sentence iterator alone).")
        var rules: Rules = .tmkit

        enum InputKind: String, ExpressibleByArgument, CaseIterable {
            case auto, text, html, markdown

            /// How to read `text` (named `name`): as said, or by its name and start (`auto`).
            func resolved(name: String, text: String) -> PageInput.Kind {
                switch self {
                case .auto: PageInput.kind(name: name, text: text)
                case .text: .text
                case .html: .html
                case .markdown: .markdown
                }
            }
        }
        @Option(name: .long, help: "How to read the input: auto (by the file's extension; HTML also by its start), text, html or markdown.")
        var input: InputKind = .auto

        @Flag(name: .long, help: "Show every candidate boundary, whether it breaks, and what decided it.")
        var explain = false

        func run() throws {
            try runReportingErrors {
                let (text, name) = try Input.readText(file)
                let kind = input.resolved(name: name, text: text)
                let blocks = PageInput.blocks(kind, text)
                let language = try resolveLanguage(text: kind != .text && lang == nil ? blocks.map(\.text).joined(separator: "\n") : text, source: name)
                let mode: SentenceSegmenter.Mode
                if let srx {
                    let doc = try SRXDocument.load(path: srx)
                    let rules = try doc.rules(for: language)
                    if rules.languageRuleNames.isEmpty {
                        Console.warn("\(srx): no languagemap matches '\(language)'; nothing but paragraphs will break")
                    }
                    mode = .srx(rules)
                } else {
                    mode = rules == .icu ? .icu : .tmkit
                }
                let form: NormalizationForm? = switch normalize {
                case .nfc: .nfc
                case .nfkc: .nfkc
                case .none: nil
                }
                let segmenter = try SentenceSegmenter(language: language, mode: mode, normalization: form)
                if !segmenter.hasLanguageRules, srx == nil {
                    Console.warn("tmkit has no sentence rules for '\(language)' (it has \(LanguageRules.supportedLanguages.joined(separator: ", "))); using ICU's rules for it")
                }
                let html = kind != .text
                if explain {
                    let parts: [(Int?, String)] = html ? blocks.enumerated().map { ($0.offset, $0.element.text) } : [(nil, text)]
                    try printExplanation(parts.map { ($0.0, try segmenter.explain($0.1)) })
                    return
                }
                let segments: [PageSentence] = html ? try PageInput.sentences(blocks: blocks, segmenter: segmenter)
                    : try segmenter.segment(text).map { PageSentence(text: $0.text, start: $0.start, end: $0.end, paragraph: $0.paragraph) }
                switch format {
                case .lines:
                    for s in segments { Console.out.write(s.text + "\n") }
                case .json:
                    // Offsets are in the input as read (for a page: in its HTML); "markup" is the sentence
                    // with its inline tags as TMX elements, for a page's sentences that have any.
                    Console.out.write("[")
                    for (i, s) in segments.enumerated() {
                        Console.out.write(i == 0 ? "\n" : ",\n")
                        var line = "  {\"text\": \(jsonString(s.text)), \"start\": \(s.start), \"end\": \(s.end)"
                        if html { line += ", \"paragraph\": \(s.paragraph)" }
                        if let m = s.markup { line += ", \"markup\": \(jsonString(m))" }
                        Console.out.write(line + "}")
                    }
                    Console.out.write(segments.isEmpty ? "]\n" : "\n]\n")
                }
                Console.out.flush()
            }
        }

        private func printExplanation(_ parts: [(block: Int?, items: [BoundaryExplanation])]) throws {
            switch format {
            case .lines:
                for (block, items) in parts {
                    if let block { Console.out.write("block \(block + 1)\n") }
                    for e in items {
                        Console.out.write("\(e.isBreak ? "break" : "join ") \(e.offset) \(e.rule): …\(e.before) ‖ \(e.after)…\n")
                        Console.out.write("      \(e.reason)\n")
                    }
                }
            case .json:
                var first = true
                Console.out.write("[")
                for (block, items) in parts {
                    for e in items {
                        Console.out.write(first ? "\n" : ",\n")
                        first = false
                        var line = "  {\"offset\": \(e.offset), \"break\": \(e.isBreak), \"rule\": \(jsonString(e.rule)), "
                        line += "\"reason\": \(jsonString(e.reason)), \"before\": \(jsonString(e.before)), \"after\": \(jsonString(e.after))"
                        if let block { line += ", \"block\": \(block)" }
                        Console.out.write(line + "}")
                    }
                }
                Console.out.write(first ? "]\n" : "\n]\n")
            }
            Console.out.flush()
        }

        private func resolveLanguage(text: String, source: String) throws -> String {
            if let lang {
                guard !lang.isEmpty, lang.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                    throw UserError("--lang '\(lang)' is not a BCP 47 language tag (like en, ru, pt-BR)")
                }
                return lang
            }
            let profile = ScriptProfile(String(text.prefix(20_000)))
            guard let script = profile.dominant else {
                throw UserError("\(source): no letters to tell the language by; give --lang")
            }
            if let guess = LanguageGuess.language(forScript: script) { return guess }
            throw UserError("\(source): the text is in \(script.name) script, which many languages share; give --lang (for example --lang \(script == .cyrillic ? "ru" : "en"))")
        }
    }
}

/// Languages a script alone identifies.
enum LanguageGuess {
    static func language(forScript script: Script) -> String? {
        switch script.shortName {
        case "Hang": "ko"
        case "Hira", "Kana", "Jpan": "ja"
        case "Hani": "zh"
        case "Thai": "th"
        case "Grek": "el"
        case "Hebr": "he"
        case "Armn": "hy"
        case "Geor": "ka"
        case "Khmr": "km"
        case "Laoo": "lo"
        case "Sinh": "si"
        default: nil
        }
    }
}

/// Runs `body`, turning errors into "tmkit: message" on standard error and exit status 1.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as UserError {
        Console.out.flush()
        FileHandle.standardError.write(Data(("tmkit: " + e.message + "\n").utf8))
        throw ExitCode(1)
    } catch let e as ExitCode {
        throw e
    } catch {
        Console.out.flush()
        // An SQLite error that no store explained (a read of a damaged file, say) names the store.
        let explained = StoreFile.lastOpened.map { StoreFile.explained(error, path: $0.path, kind: $0.kind) } ?? error
        FileHandle.standardError.write(Data(("tmkit: \(explained)\n").utf8))
        throw ExitCode(1)
    }
}
