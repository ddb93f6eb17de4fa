import Alignment
import ArgumentParser
import Formats
import Foundation
import MemoryStores
import Reports
import Glossary
import Segmentation
import TranslationMemory

extension TMKit {
    struct Align: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Align an article with its translation into sentence pairs, and store the good ones.",
            discussion: """
            Both files are segmented with tmkit's rules (or read one sentence a line with \
            --presegmented, blank lines marking paragraphs); HTML pages are read for their blocks' \
            text, their inline tags carried into the memory and TMX as inline elements. Beads 1-1, 1-2, 2-1, 2-2, 1-3, 3-1, \
            1-0 and 0-1 are found by dynamic programming over sentence lengths and anchors \
            (numbers, names and cognates through transliteration, punctuation), then again with \
            word translations learnt from the confident beads of that first alignment (and from \
            the units of --memory and the terms of --glossary, so that each text aligned into a \
            desk's memory helps the next). --explain shows what decided each bead.
            """
        )
        enum Format: String, ExpressibleByArgument, CaseIterable { case tsv, json, tmx }

        @Argument(help: "The source text.") var sourceFile: String
        @Argument(help: "Its translation.") var targetFile: String
        @Option(name: .long, help: "Source language.") var sourceLang: String
        @Option(name: .long, help: "Target language.") var targetLang: String
        @Flag(name: .long, help: "The files hold one sentence a line (blank lines: paragraph breaks).") var presegmented = false
        @Option(name: .long, help: "tsv (importable with tm import), json or tmx.") var format: Format = .tsv
        @Option(name: .long, help: "Store the 1-1, 1-2 and 2-1 pairs scoring at least --min-score in this memory.") var into: String?
        @Option(name: .long, help: "Lowest bead score (0-1) to store; lower beads are listed for checking.") var minScore = 0.3
        @Flag(name: .long, help: "With --into: show what would be stored, store nothing.") var dryRun = false
        @Flag(name: .long, help: "Align even texts that do not look like translations of each other.") var force = false
        @Option(name: .long, help: "A memory whose units anchor the alignment: a source sentence whose translation (90% or more) is a target sentence.") var memory: String?
        @Option(name: .long, help: "A glossary whose terms anchor the alignment: a term in a source sentence and its translation in a target sentence.") var glossary: String?
        @Option(name: .long, help: "Units of --memory that seed the word translations learnt for the second pass (the most recent first; 0: none).") var memorySeeds = 20000
        @Flag(name: .long, help: "Show for each bead what decided it: lengths, shared anchors, the word pairs of the learnt lexicon.") var explain = false
        @Flag(name: .long, help: "Align once, on lengths and anchors only, without learning word translations for a second pass.") var noLexicon = false

        func run() throws {
            try runReportingErrors {
                try checkLanguages(sourceLang, targetLang)
                let (src, srcPara, srcMarkup) = try sentences(sourceFile, sourceLang)
                let (tgt, tgtPara, tgtMarkup) = try sentences(targetFile, targetLang)
                if src.isEmpty { throw UserError("\(sourceFile): no sentences to align") }
                if tgt.isEmpty { throw UserError("\(targetFile): no sentences to align") }
                var options = Aligner.Options()
                options.lexical = !noLexicon
                let aligner = try Aligner(sourceLanguage: sourceLang, targetLanguage: targetLang, options: options)
                // The memory and the glossary, each opened and read once, give anchors and seed pairs.
                let memoryStore: (any TranslationMemoryStore)? = try memory.map { m in
                    do { return try MemoryStores.open(m, create: false) } catch let e as MemoryStores.OpenFailure { throw UserError(e.description) }
                }
                let entries: [TermEntry]? = try glossary.map { try openGlossary($0, create: false).entries() }
                var (sa, ta) = try memoryStore.map { try memoryAnchors($0, src, tgt) } ?? (nil, nil)
                if let entries {
                    let (gs, gt) = try glossaryAnchors(entries, src, tgt)
                    sa = zip(sa ?? Array(repeating: [], count: src.count), gs).map { $0 + $1 }
                    ta = zip(ta ?? Array(repeating: [], count: tgt.count), gt).map { $0 + $1 }
                }
                let seeds = try (memoryStore.map(memorySeedPairs) ?? []) + (entries.map(glossarySeedPairs) ?? [])
                if explain {
                    let items = try aligner.explain(source: src, target: tgt, sourceParagraphs: srcPara, targetParagraphs: tgtPara,
                                                    sourceAnchors: sa, targetAnchors: ta, seedPairs: seeds)
                    printExplanation(items, src, tgt)
                    return
                }
                let beads = try aligner.align(source: src, target: tgt, sourceParagraphs: srcPara, targetParagraphs: tgtPara,
                                              sourceAnchors: sa, targetAnchors: ta, seedPairs: seeds)
                // Texts that are not translations of each other align into beads that mostly score low.
                let good = beads.filter { $0.score >= 0.3 }.count
                if !force, src.count + tgt.count >= 6, Double(good) < 0.25 * Double(beads.count) {
                    throw UserError("\(sourceFile) and \(targetFile) do not look like translations of each other (\(good) of \(beads.count) beads score 0.3 or more); check the files, or use --force")
                }
                func text(_ idx: [Int], _ s: [String]) -> String { idx.map { s[$0] }.joined(separator: " ") }
                if let into {
                    try store(beads, src, tgt, srcMarkup, tgtMarkup, into: into)
                } else {
                    switch format {
                    case .tsv:
                        Console.out.write("\(sourceLang)\t\(targetLang)\tscore\tbead\n")
                        for b in beads {
                            Console.out.write("\(TSVWriter.escaped(text(b.source, src)))\t\(TSVWriter.escaped(text(b.target, tgt)))\t\(String(format: "%.3f", b.score))\t\(beadString(b))\n")
                        }
                    case .json:
                        let arr = JSON.array(beads.map { b in
                            .object([("sourceIndices", .array(b.source.map(JSON.int))), ("targetIndices", .array(b.target.map(JSON.int))),
                                     ("sourceText", .string(text(b.source, src))), ("targetText", .string(text(b.target, tgt))),
                                     ("score", .double(b.score))])
                        })
                        Console.out.write(arr.serialized(pretty: true) + "\n")
                    case .tmx:
                        let units = beads.filter { !$0.source.isEmpty && !$0.target.isEmpty }.map { b in
                            TranslationUnit(variants: [Variant(language: sourceLang, text: text(b.source, src), markup: markup(b.source, src, srcMarkup)),
                                                       Variant(language: targetLang, text: text(b.target, tgt), markup: markup(b.target, tgt, tgtMarkup))],
                                            properties: [Property(type: "x-alignment-score", value: String(format: "%.3f", b.score)),
                                                         Property(type: "x-alignment-bead", value: beadString(b))])
                        }
                        var w = TMXWriter(sourceLanguage: sourceLang, creationTool: "tmkit", creationToolVersion: TMKit.configuration.version)
                        Console.out.write(w.header())
                        for u in units { Console.out.write(try w.unit(u)) }
                        Console.out.write(w.footer())
                        for warning in w.warnings { Console.warn(warning) }
                    }
                }
                Console.out.flush()
                let low = beads.filter { $0.score < minScore }
                if !low.isEmpty {
                    FileHandle.standardError.write(Data("tmkit: \(low.count) of \(beads.count) beads score below \(minScore); check them:\n".utf8))
                    for b in low.prefix(50) {
                        FileHandle.standardError.write(Data("  \(beadString(b)) \(String(format: "%.2f", b.score))  \(text(b.source, src).prefix(60)) | \(text(b.target, tgt).prefix(60))\n".utf8))
                    }
                }
            }
        }

        /// The memory's units in the two languages, newest first, as sentence pairs for the lexicon.
        private func memorySeedPairs(_ store: any TranslationMemoryStore) throws -> [(source: String, target: String)] {
            guard memorySeeds > 0 else { return [] }
            let total = try store.count()
            var pairs: [(source: String, target: String)] = []
            var offset = max(0, total - memorySeeds)
            while offset < total, pairs.count < memorySeeds {
                let batch = try store.units(language: sourceLang, limit: 2000, offset: offset)
                if batch.isEmpty { break }
                offset += batch.count
                for u in batch {
                    if let s = u.variant(sourceLang), let t = u.variant(targetLang), s.language != t.language || sourceLang == targetLang {
                        pairs.append((s.text, t.text))
                    }
                }
            }
            return pairs
        }

        /// Each glossary entry's terms in the two languages, paired, for the lexicon.
        private func glossarySeedPairs(_ entries: [TermEntry]) -> [(source: String, target: String)] {
            var pairs: [(source: String, target: String)] = []
            for e in entries {
                for s in e.terms(in: sourceLang) { for t in e.terms(in: targetLang) { pairs.append((s.text, t.text)) } }
            }
            return pairs
        }

        private func printExplanation(_ items: [BeadExplanation], _ src: [String], _ tgt: [String]) {
            func text(_ idx: [Int], _ s: [String]) -> String { idx.map { s[$0] }.joined(separator: " ") }
            func f(_ x: Double) -> String { String(format: "%.2f", x) }
            switch format {
            case .json:
                let arr = JSON.array(items.map { e in
                    var fields: [(String, JSON)] = [
                        ("sourceIndices", .array(e.bead.source.map(JSON.int))), ("targetIndices", .array(e.bead.target.map(JSON.int))),
                        ("sourceText", .string(text(e.bead.source, src))), ("targetText", .string(text(e.bead.target, tgt))),
                        ("score", .double(e.bead.score)), ("cost", .double(e.cost)), ("shapeCost", .double(e.shapeCost)),
                        ("sourceLength", .int(e.sourceLength)), ("targetLength", .int(e.targetLength)),
                        ("lengthZ", .double(e.lengthZ)), ("lengthCost", .double(e.lengthCost)),
                        ("anchors", .array(e.anchors.map(JSON.string))), ("unmatchedNumbers", .int(e.unmatchedNumbers)),
                        ("lexicalPairs", .array(e.lexicalPairs.map { .object([("source", .string($0.source)), ("target", .string($0.target)), ("strength", .double($0.strength))]) })),
                    ]
                    if let m = e.lexicalMatched, let w = e.lexicalWords {
                        fields.append(("lexicalMatched", .int(m)))
                        fields.append(("lexicalWords", .int(w)))
                    }
                    if let x = e.lexicalExpected { fields.append(("lexicalExpected", .double(x))) }
                    return .object(fields)
                })
                Console.out.write(arr.serialized(pretty: true) + "\n")
            case .tsv, .tmx:
                for e in items {
                    Console.out.write("\(beadString(e.bead)) score \(f(e.bead.score)) cost \(f(e.cost)): \(text(e.bead.source, src).prefix(70)) | \(text(e.bead.target, tgt).prefix(70))\n")
                    if e.bead.source.isEmpty || e.bead.target.isEmpty {
                        Console.out.write("    no partner (shape cost \(f(e.shapeCost)))\n")
                        continue
                    }
                    Console.out.write("    lengths \(e.sourceLength) and \(e.targetLength) characters, z \(f(e.lengthZ)), length cost \(f(e.lengthCost)), shape cost \(f(e.shapeCost))\n")
                    if !e.anchors.isEmpty || e.unmatchedNumbers > 0 {
                        Console.out.write("    anchors on both sides: \(e.anchors.joined(separator: " "))\(e.unmatchedNumbers > 0 ? "; \(e.unmatchedNumbers) number(s) on one side only" : "")\n")
                    }
                    if let m = e.lexicalMatched, let w = e.lexicalWords {
                        let pairs = e.lexicalPairs.prefix(12).map { "\($0.source)=\($0.target) \(f($0.strength))" }.joined(separator: ", ")
                        Console.out.write("    words translated on the other side: \(m) of \(w) (confident beads: \(Int(((e.lexicalExpected ?? 0) * 100).rounded()))%)\(pairs.isEmpty ? "" : "; " + pairs)\n")
                    }
                }
            }
            Console.out.flush()
        }

        /// Anchors from the memory: "m<unit>" on a source sentence the memory knows and on the target
        /// sentence that equals (after white-space normalisation) the unit's translation.
        private func memoryAnchors(_ store: any TranslationMemoryStore, _ src: [String], _ tgt: [String]) throws -> ([[String]]?, [[String]]?) {
            func key(_ s: String) -> String { s.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            var targetIndex: [String: [Int]] = [:]
            for (j, t) in tgt.enumerated() { targetIndex[key(t), default: []].append(j) }
            var sa = [[String]](repeating: [], count: src.count), ta = [[String]](repeating: [], count: tgt.count)
            var options = LookupOptions(threshold: 90, limit: 3)
            options.exhaustive = false
            for (i, s) in src.enumerated() {
                for m in try store.lookup(s, sourceLanguage: sourceLang, targetLanguage: targetLang, options: options) {
                    guard let t = m.target, let js = targetIndex[key(t.text)] else { continue }
                    let anchor = "m\(m.unit.id ?? 0)"
                    sa[i].append(anchor)
                    for j in js { ta[j].append(anchor) }
                }
            }
            return (sa, ta)
        }

        /// Anchors from the glossary: "g<entry>" on each sentence where a term of the entry occurs
        /// (inflected forms included), on both sides.
        private func glossaryAnchors(_ entries: [TermEntry], _ src: [String], _ tgt: [String]) throws -> ([[String]], [[String]]) {
            let sr = try TermRecognizer(entries: entries, language: sourceLang)
            let tr = try TermRecognizer(entries: entries, language: targetLang)
            let sa = try src.map { try sr.find(in: $0).map { "g\($0.entry.id ?? 0)" } }
            let ta = try tgt.map { try tr.find(in: $0).map { "g\($0.entry.id ?? 0)" } }
            return (sa, ta)
        }

        private func store(_ beads: [Bead], _ src: [String], _ tgt: [String], _ srcMarkup: [String?], _ tgtMarkup: [String?],
                           into path: String) throws {
            func text(_ idx: [Int], _ s: [String]) -> String { idx.map { s[$0] }.joined(separator: " ") }
            var units: [TranslationUnit] = []
            for b in beads where (b.source.count, b.target.count) == (1, 1) || (b.source.count, b.target.count) == (1, 2) || (b.source.count, b.target.count) == (2, 1) {
                guard b.score >= minScore else { continue }
                let first = b.source.first!, last = b.source.last!
                var u = TranslationUnit(variants: [Variant(language: sourceLang, text: text(b.source, src), markup: markup(b.source, src, srcMarkup)),
                                                   Variant(language: targetLang, text: text(b.target, tgt), markup: markup(b.target, tgt, tgtMarkup))],
                                        createdBy: ProcessInfo.processInfo.environment["USER"], originFile: sourceFile,
                                        originKey: "sentences \(b.source.map(String.init).joined(separator: ","))",
                                        contextPrevious: first > 0 ? src[first - 1] : nil, contextNext: last + 1 < src.count ? src[last + 1] : nil)
                u.properties = [Property(type: "x-alignment-target-file", value: targetFile),
                                Property(type: "x-alignment-bead", value: beadString(b)),
                                Property(type: "x-alignment-score", value: String(format: "%.3f", b.score))]
                units.append(u)
            }
            if dryRun {
                Console.out.write("would store \(units.count) of \(beads.count) beads in \(path):\n")
                for u in units { Console.out.write("  \(u.variants[0].text)\n    → \(u.variants[1].text)\n") }
                return
            }
            let store: any TranslationMemoryStore
            do { store = try MemoryStores.open(path, create: true) } catch let e as MemoryStores.OpenFailure { throw UserError(e.description) }
            let report = try store.transaction(overwrite: false, bulk: false) { try $0.add(units) }
            Console.out.write("\(store.location): \(units.count) of \(beads.count) beads stored; \(report.added) added, \(report.merged) merged with existing, \(report.alternatives) alternatives\n")
        }

        /// The sentences `idx` as one TMX segment with their inline markup; nil when none has any.
        private func markup(_ idx: [Int], _ texts: [String], _ markups: [String?]) -> String? {
            guard idx.contains(where: { markups[$0] != nil }) else { return nil }
            return idx.map { markups[$0] ?? TMXWriter.escape(texts[$0], quotes: false) }.joined(separator: " ")
        }

        /// Sentences, their paragraph numbers, and their inline markup (HTML pages).
        private func sentences(_ file: String, _ lang: String) throws -> ([String], [Int], [String?]) {
            let (bytes, name) = try Input.readBytes(file)
            if bytes.contains(0) { throw UserError("\(name): a binary file (it has NUL bytes), not text") }
            let text: String
            do { text = try ICUTextDecode.utf8(bytes) } catch let e as UserError { throw UserError("\(name): \(e.message)") }
            if presegmented {
                var out: [String] = [], para: [Int] = []
                var p = 0, sawBlank = false
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                    let t = line.trimmingCharacters(in: .whitespacesAndNewlines)
                    if t.isEmpty { sawBlank = true; continue }
                    if sawBlank && !out.isEmpty { p += 1 }
                    sawBlank = false
                    out.append(t)
                    para.append(p)
                }
                return (out, para, Array(repeating: nil, count: out.count))
            }
            let kind = PageInput.kind(name: name, text: text)
            if kind != .text {
                let page = try PageInput.sentences(blocks: PageInput.blocks(kind, text), segmenter: SentenceSegmenter(language: lang))
                return (page.map(\.text), page.map(\.paragraph), page.map(\.markup))
            }
            let segs = try SentenceSegmenter(language: lang).segment(text)
            return (segs.map(\.text), segs.map(\.paragraph), Array(repeating: nil, count: segs.count))
        }
    }
}

func beadString(_ b: Bead) -> String {
    "[" + b.source.map(String.init).joined(separator: ",") + "]:[" + b.target.map(String.init).joined(separator: ",") + "]"
}


import ICUText
enum ICUTextDecode {
    static func utf8(_ bytes: [UInt8]) throws -> String {
        do { return try UTF8Validation.decode(bytes) } catch let e as UTF8Validation.InvalidUTF8 {
            throw UserError("invalid UTF-8 at byte offset \(e.byteOffset) (line \(e.line))")
        }
    }
}
