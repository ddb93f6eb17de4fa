import ArgumentParser
import Formats
import Foundation
import Segmentation

/// A document (text, HTML page, Markdown) as the sentences a translator works on.
enum DocumentInput {
    /// Whether `file` is a document rather than a string table (by its extension).
    static func isDocument(_ file: String) -> Bool {
        PageInput.kind(name: file, text: "") != .text || (file as NSString).pathExtension.lowercased() == "txt"
    }

    /// The sentences of a document, in document order, each with its markup (XLIFF codes) and
    /// where it is (its codes included).
    static func segments(_ text: String, kind: PageInput.Kind, language: String) throws -> [DocumentXLIFF.Segment] {
        let segmenter = try SentenceSegmenter(language: language)
        var segments: [DocumentXLIFF.Segment] = []
        if kind == .text {
            for s in try segmenter.segment(text) where s.end > s.start {
                segments.append(DocumentXLIFF.Segment(text: s.text, markup: nil, span: s.start..<s.end, escaping: .plain))
            }
            return segments
        }
        for block in PageInput.blocks(kind, text) {
            let segs = try segmenter.segment(block.text)
            for (k, s) in segs.enumerated() where s.end > s.start {
                let (first, last) = (k == 0, k == segs.count - 1)
                segments.append(DocumentXLIFF.Segment(text: s.text, markup: block.tmxMarkup(s.start..<s.end, isFirst: first, isLast: last, style: .xliff),
                                                      span: block.sourceSpan(s.start..<s.end, isFirst: first, isLast: last),
                                                      escaping: block.isHTML ? .html : .markdown))
            }
        }
        segments.sort { $0.span.lowerBound < $1.span.lowerBound }
        // (A code between two sentences with no space between them goes with the first.)
        for k in segments.indices.dropFirst() where segments[k].span.lowerBound < segments[k - 1].span.upperBound {
            segments[k].span = segments[k - 1].span.upperBound..<max(segments[k - 1].span.upperBound, segments[k].span.upperBound)
        }
        return segments
    }
}

extension TMKit.L10n {
    struct Extract: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A document (text, HTML page, Markdown) as XLIFF 1.2, a sentence a unit, for a CAT tool.",
            discussion: """
                As Okapi Tikal's -x: the sentences of the document (segmented as tmkit segment does) become \
                trans-units whose sources keep their inline markup as bpt/ept/ph/it codes. The file carries \
                its skeleton, so that 'tmkit l10n merge' gives the translated document back from it. \
                'tmkit l10n pretranslate' fills it from the memory.
                """)
        @Argument(help: "The documents (each gets its own XLIFF file).") var files: [String]
        @Option(name: .long, help: "The language of the document.") var sourceLang = "en"
        @Option(name: .long, help: "The language it will be translated into.") var targetLang: String
        @Option(name: .long, help: "How to read the document: auto (by its extension; HTML also by its start), text, html or markdown.")
        var input: TMKit.Segment.InputKind = .auto
        @Option(name: [.customShort("o"), .long], help: "The XLIFF file to write (default: the document's name with .xlf added).") var output: String?
        @Flag(name: .long, help: "Give every unit a target holding a copy of its source (state \"new\"), as OmegaT needs to translate an XLIFF file.")
        var copySource = false

        func run() throws {
            try runReportingErrors {
                try checkLanguages(sourceLang, targetLang)
                if output != nil && files.count > 1 { throw UserError("-o names one XLIFF file: give one document, or leave -o out (each document gets DOC.xlf)") }
                for file in files {
                    let (text, name) = try Input.readText(file)
                    let kind = input.resolved(name: name, text: text)
                    let segments = try DocumentInput.segments(text, kind: kind, language: sourceLang)
                    let datatype = switch kind { case .text: "plaintext"; case .html: "html"; case .markdown: "x-markdown" }
                    let xliff = try DocumentXLIFF.extract(document: text, original: (name as NSString).lastPathComponent, datatype: datatype, segments: segments,
                                                          sourceLanguage: sourceLang, targetLanguage: targetLang, toolVersion: TMKit.configuration.version,
                                                          copySource: copySource)
                    let out = output ?? (file == "-" ? "-" : file + ".xlf")
                    if out == "-" {
                        Console.out.write(xliff)
                    } else {
                        do { try xliff.write(toFile: out, atomically: true, encoding: .utf8) } catch { throw UserError("\(out): cannot write (\(error.localizedDescription))") }
                        let words = segments.reduce(0) { $0 + $1.text.split(separator: " ").count }
                        Console.out.write("\(out): \(segments.count) segment\(segments.count == 1 ? "" : "s"), \(words) word\(words == 1 ? "" : "s")\n")
                    }
                }
                Console.out.flush()
            }
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The translated document from an XLIFF file made by 'l10n extract'.",
            discussion: """
                As Okapi Tikal's -m: each unit's target, its codes turned back into the markup they hold, \
                takes its sentence's place; a unit without a target keeps its source; everything else is \
                written back byte for byte.
                """)
        @Argument(help: "The XLIFF files (each gives its document).") var files: [String]
        @Option(name: [.customShort("o"), .long], help: "The document to write (default: the original's name with the target language before its extension, beside the XLIFF file).")
        var output: String?

        func run() throws {
            try runReportingErrors {
                if output != nil && files.count > 1 { throw UserError("-o names one document: give one XLIFF file, or leave -o out") }
                for file in files {
                    let (bytes, name) = try Input.readBytes(file)
                    let merged: DocumentXLIFF.Merged
                    do { merged = try DocumentXLIFF.merge(bytes, file: name) } catch let e as FormatError { throw UserError(e.description) }
                    let out: String
                    if let output {
                        out = output
                    } else {
                        let original = merged.original.isEmpty ? "document.txt" : (merged.original as NSString).lastPathComponent
                        let ext = (original as NSString).pathExtension
                        let stem = (original as NSString).deletingPathExtension
                        let lang = merged.targetLanguage ?? "translated"
                        out = ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(ext.isEmpty ? "\(stem).\(lang)" : "\(stem).\(lang).\(ext)")
                    }
                    if out == "-" {
                        Console.out.write(merged.document)
                    } else {
                        do { try merged.document.write(toFile: out, atomically: true, encoding: .utf8) } catch { throw UserError("\(out): cannot write (\(error.localizedDescription))") }
                        Console.out.write("\(out): \(merged.translated) of \(merged.translated + merged.untranslated) segments translated\(merged.untranslated > 0 ? ", \(merged.untranslated) left in the source language" : "")\n")
                    }
                }
                Console.out.flush()
            }
        }
    }
}
