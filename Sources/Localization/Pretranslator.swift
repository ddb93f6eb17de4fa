import Formats
import Foundation
import ICUText
import TranslationMemory

/// A problem with a localization file, with the file and line.
public struct LocalizationError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A string of a localization file.
public struct L10nString: Sendable {
    public var key: String?
    public var source: String
    public var target: String
    public var message: GettextMessage?
    public var row: Int?
    /// Line of the string in its file, where the format tells.
    public var line: Int?
    /// The sentences before and after it, for a document's sentence (context matches, 101).
    public var contextPrevious: String?
    public var contextNext: String?
    /// The source and target with their inline codes as TMX segment content, where the file has them.
    public var sourceMarkup: String?
    public var targetMarkup: String?
}

/// The strings of a gettext PO file or a TSV string table, with the text they came from.
public struct StringTable: Sendable {
    public var text: String
    public var strings: [L10nString]
    public var isPO: Bool
    public var header: [String]
    /// The XLIFF document, for XLIFF files.
    public var xliff: XLIFF.Document?
    /// The entries of a single-language catalog (JSON, .strings), whose values are the source.
    public var catalog: (kind: KeyValueCatalog.Kind, entries: [KeyValueCatalog.Entry])?
    /// The String Catalog, for `.xcstrings` files.
    public var xcstrings: XCStrings.Document?

    /// A document's sentences as a table (for `analyze`; nothing is written back to it).
    public static func sentences(_ sentences: [String], text: String) -> StringTable {
        StringTable(text: text, strings: sentences.enumerated().map { L10nString(key: nil, source: $1, target: "", row: $0) }, isPO: false, header: [])
    }

    /// Reads `text` (from file `name`, format by extension `ext`).
    public static func read(text: String, name: String, ext: String, sourceLanguage: String, targetLanguage: String) throws -> StringTable {
        if ext == "po" || ext == "pot" {
            let msgs: [GettextMessage]
            do { msgs = try GettextReader.readPO(Array(text.utf8), file: name) } catch let e as FormatError { throw LocalizationError(e.description) }
            let strings = msgs.filter { !$0.id.isEmpty }.map {
                L10nString(key: $0.context, source: $0.id, target: $0.isFuzzy ? "" : ($0.strings.first ?? ""), message: $0, line: $0.line)
            }
            return StringTable(text: text, strings: strings, isPO: true, header: [])
        }
        if ext == "xlf" || ext == "xliff" {
            let doc: XLIFF.Document
            do { doc = try XLIFF.read(Array(text.utf8), file: name) } catch let e as FormatError { throw LocalizationError(e.description) }
            // A document's sentences (l10n extract) have places, not keys: their neighbours are their context.
            let strings = doc.units.enumerated().map { k, u in
                // (A target that copies its source, in state "new" or "needs-translation", is still to translate.)
                let copy = u.target == u.source && (u.state == "new" || u.state == "needs-translation")
                return L10nString(key: doc.isExtractedDocument ? nil : u.id, source: u.source, target: copy ? "" : (u.target ?? ""), row: k, line: u.line,
                           contextPrevious: doc.isExtractedDocument && k > 0 ? doc.units[k - 1].source : nil,
                           contextNext: doc.isExtractedDocument && k + 1 < doc.units.count ? doc.units[k + 1].source : nil,
                           sourceMarkup: u.sourceMarkup, targetMarkup: u.targetMarkup)
            }
            return StringTable(text: text, strings: strings, isPO: false, header: [], xliff: doc)
        }
        if ext == "xcstrings" {
            let doc: XCStrings.Document
            do { doc = try XCStrings.read(Array(text.utf8), file: name, targetLanguage: targetLanguage) } catch let e as FormatError { throw LocalizationError(e.description) }
            let strings = doc.entries.enumerated().filter { $0.element.shouldTranslate }.map { k, e in
                L10nString(key: e.key, source: e.source, target: e.target ?? "", row: k, line: e.line)
            }
            return StringTable(text: text, strings: strings, isPO: false, header: [], xcstrings: doc)
        }
        if let kind = KeyValueCatalog.kind(ofExtension: ext) {
            let entries: [KeyValueCatalog.Entry]
            do { entries = try KeyValueCatalog.read(Array(text.utf8), kind: kind, file: name) } catch let e as FormatError { throw LocalizationError(e.description) }
            let strings = entries.enumerated().map { k, e in L10nString(key: e.key, source: e.value, target: "", row: k, line: e.line) }
            return StringTable(text: text, strings: strings, isPO: false, header: [], catalog: (kind, entries))
        }
        guard ext == "tsv" else { throw LocalizationError("\(name): not a PO, XLIFF, JSON, .strings or TSV string table (other catalog formats are not supported yet)") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) ?? []
        guard let s = header.firstIndex(where: { LanguageTag.matches($0, requested: sourceLanguage) })
            ?? header.firstIndex(where: { LanguageTag.isFallback($0, requested: sourceLanguage) }) else {
            throw LocalizationError("\(name):1: no '\(sourceLanguage)' column in the header")
        }
        let t = header.firstIndex(where: { LanguageTag.matches($0, requested: targetLanguage) })
            ?? header.firstIndex(where: { LanguageTag.isFallback($0, requested: targetLanguage) })
        let k = header.firstIndex { ["key", "id"].contains($0.lowercased()) }
        var strings: [L10nString] = []
        for (i, l) in lines.enumerated().dropFirst() where !l.isEmpty {
            let f = l.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            strings.append(L10nString(key: k.flatMap { $0 < f.count ? f[$0] : nil }, source: s < f.count ? f[s] : "",
                                      target: t.flatMap { $0 < f.count ? f[$0] : nil } ?? "", row: i, line: i + 1))
        }
        return StringTable(text: text, strings: strings, isPO: false, header: header)
    }
}

/// Fills untranslated strings from a memory, and reports leverage.
public struct Pretranslator {
    /// A memory file or a memory on a server.
    public let store: any MemoryLookup
    public let sourceLanguage: String
    public let targetLanguage: String

    public init(store: any MemoryLookup, sourceLanguage: String, targetLanguage: String) {
        self.store = store
        self.sourceLanguage = sourceLanguage
        self.targetLanguage = targetLanguage
    }

    /// The best match for a string: 101 when a 100% match was stored under the same key.
    public func bestMatch(_ s: L10nString, threshold: Int) throws -> Match? {
        var options = LookupOptions(threshold: threshold, limit: 10)
        options.contextPrevious = s.contextPrevious
        options.contextNext = s.contextNext
        var ms = try store.lookup(s.source, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, options: options)
        for i in ms.indices where ms[i].score == 100 && s.key != nil && ms[i].unit.originKey == s.key { ms[i].score = 101 }
        return ms.max { $0.score < $1.score }
    }

    /// The table's text with untranslated strings filled (exact and context matches as
    /// translated, fuzzy ones from `minScore` marked for review); every other byte unchanged.
    /// - Returns: also `withoutCodes`: XLIFF units that had a match but were left because the
    ///   memory's translation does not carry their inline codes.
    public func pretranslate(_ table: StringTable, minScore: Int) throws -> (text: String, exact: Int, fuzzy: Int, withoutCodes: Int) {
        // The strings to fill and their translations; each format then writes them its own way.
        // A single-language catalog (JSON, .strings, Android) holds the source: all its strings are candidates.
        let isTSV = !table.isPO && table.catalog == nil && table.xliff == nil && table.xcstrings == nil
        let targetColumn = table.header.firstIndex(where: { LanguageTag.matches($0, requested: targetLanguage) })
            ?? table.header.firstIndex(where: { LanguageTag.isFallback($0, requested: targetLanguage) })
        if isTSV && targetColumn == nil { throw LocalizationError("no '\(targetLanguage)' column to fill") }
        var fills: [(string: L10nString, text: String, review: Bool)] = []
        var pluralFills: [Int: (forms: [String: String], review: Bool, fuzzy: Bool)] = [:]
        var xliffMarkup: [Int: String] = [:] // XLIFF units whose target carries the source's codes
        var withoutCodes = 0
        for s in table.strings where s.target.isEmpty && (table.catalog == nil || !s.source.isEmpty) {
            if let doc = table.xcstrings, doc.entries[s.row!].hasVariations {
                // A plural string: each of the target language's categories from the match of the source's
                // form of that category (or of "other"); marked for review unless every form matched exactly
                // and the two languages have the same categories. Device variations are left to the translator.
                let e = doc.entries[s.row!]
                guard let source = e.sourcePlural, !e.hasTargetLocalization else { continue }
                let categories = try PluralRules.categories(LanguageTag.primary(targetLanguage))
                var forms: [String: String] = [:]
                var worst = 101
                var matched: [String: Match?] = [:] // few, many and other usually share the source's "other"
                for c in categories {
                    let text = source[c] ?? source["other"]!
                    if matched[text] == nil { matched[text] = .some(try bestMatch(L10nString(key: s.key, source: text, target: ""), threshold: minScore)) }
                    guard let m = matched[text]!, let t = m.target else { break }
                    forms[c] = m.score < 100 ? Placeholders.carryOver(into: t.text, matchedSource: m.source.text, query: text) : t.text
                    worst = min(worst, m.score)
                }
                guard forms.count == categories.count else { continue }
                let review = worst < 100 || Set(categories) != Set(source.keys)
                fills.append((s, forms["other"] ?? "", review))
                pluralFills[s.row!] = (forms, review, worst < 100)
                continue
            }
            guard let m = try bestMatch(s, threshold: minScore), let t = m.target else { continue }
            if let doc = table.xliff {
                // A source with inline codes: the memory's translation must carry the same codes
                // (its markup, from an aligned page or a TMX file), else the unit is left to the translator.
                let u = doc.units[s.row!]
                if u.sourceHasOtherElements { withoutCodes += 1; continue }
                if !u.sourceCodes.isEmpty {
                    guard let tmx = t.markup, let markup = XLIFF.targetMarkup(fromTMX: tmx, source: u.sourceCodes) else { withoutCodes += 1; continue }
                    fills.append((s, t.text, m.score < 100))
                    xliffMarkup[s.row!] = markup
                    continue
                }
            }
            // A fuzzy match's translation gets the string's own placeholders (%d → %s, {n} → {count}).
            let text = m.score < 100 ? Placeholders.carryOver(into: t.text, matchedSource: m.source.text, query: s.source) : t.text
            fills.append((s, text, m.score < 100))
        }
        // Counted by match score: a plural string marked for review only because its forms were guessed is exact.
        let fuzzy = fills.filter { f in f.string.row.flatMap { pluralFills[$0] }.map(\.fuzzy) ?? f.review }.count
        let exact = fills.count - fuzzy
        if table.isPO {
            let po = try fills.map { f -> POEditor.Fill in
                let message = f.string.message!
                // gettext wants msgstr to begin and end with a line break exactly when msgid does.
                let text = Pretranslator.matchingLineBreaks(f.text, like: f.string.source)
                guard let plural = message.idPlural else { return POEditor.Fill(message: message, strings: [text], fuzzy: f.review) }
                // Plural forms: the first from the singular's match, the others from msgid_plural's
                // (the memory keeps a catalog's last form with it). A language with more than two
                // forms (Russian: one, few, many) gets them marked for review.
                let forms = max(2, message.strings.count)
                var other = text
                var review = f.review || forms > 2
                if let m = try bestMatch(L10nString(key: f.string.key, source: plural, target: ""), threshold: minScore), let t = m.target {
                    other = Pretranslator.matchingLineBreaks(m.score < 100 ? Placeholders.carryOver(into: t.text, matchedSource: m.source.text, query: plural) : t.text,
                                                             like: plural)
                    review = review || m.score < 100
                } else {
                    review = true
                }
                return POEditor.Fill(message: message, strings: [text] + Array(repeating: other, count: forms - 1), fuzzy: review)
            }
            // Counted by match score (the leverage a translator is paid by), even where a plural
            // message is marked for review because its language has more forms than the memory.
            return (POEditor.apply(po, to: table.text), exact, fuzzy, withoutCodes)
        }
        if let (kind, entries) = table.catalog {
            // The output is the target-language file; strings without a match keep their source text.
            let replacements = Dictionary(uniqueKeysWithValues: fills.map { ($0.string.row!, $0.text) })
            let review = Set(fills.filter(\.review).map { $0.string.row! })
            return (String(decoding: KeyValueCatalog.write(Array(table.text.utf8), entries: entries, replacements: replacements,
                                                           review: review, kind: kind), as: UTF8.self), exact, fuzzy, withoutCodes)
        }
        if let doc = table.xcstrings {
            let x = fills.map { XCStrings.Fill(entry: $0.string.row!, text: $0.text, needsReview: $0.review, plural: pluralFills[$0.string.row!]?.forms) }
            return (String(decoding: XCStrings.apply(x, to: doc), as: UTF8.self), exact, fuzzy, withoutCodes)
        }
        if let doc = table.xliff {
            let x = fills.map { XLIFF.Fill(unit: doc.units[$0.string.row!], text: $0.text, needsReview: $0.review, markup: xliffMarkup[$0.string.row!]) }
            return (String(decoding: XLIFF.apply(x, to: doc), as: UTF8.self), exact, fuzzy, withoutCodes)
        }
        var lines = table.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let t = targetColumn!
        for f in fills {
            var fields = lines[f.string.row!].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            while fields.count <= t { fields.append("") }
            fields[t] = f.text.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
            lines[f.string.row!] = fields.joined(separator: "\t")
        }
        return (lines.joined(separator: "\n"), exact, fuzzy, withoutCodes)
    }

    /// `text` with a leading and a trailing line break exactly where `source` has them.
    static func matchingLineBreaks(_ text: String, like source: String) -> String {
        var t = text
        while t.hasPrefix("\n") { t.removeFirst() }
        while t.hasSuffix("\n") { t.removeLast() }
        if source.hasPrefix("\n") { t = "\n" + t }
        if source.hasSuffix("\n") { t += "\n" }
        return t
    }

    public static let bands = ["101% (context)", "100%", "repetitions", "95-99%", "85-94%", "75-84%", "50-74%", "no match"]

    static func band(_ score: Int?) -> Int {
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

    /// Segments and words per band for each table (repetitions counted across all of them).
    public func analyze(_ tables: [(name: String, table: StringTable)]) throws -> [(file: String, segments: [Int], words: [Int])] {
        let words = try BreakIterator(.word, locale: LanguageTag.primary(sourceLanguage))
        var seen = Set<String>()
        var rows: [(file: String, segments: [Int], words: [Int])] = []
        for (name, table) in tables {
            var segs = [Int](repeating: 0, count: 8), wc = [Int](repeating: 0, count: 8)
            for s in table.strings {
                let n = try words.words(in: s.source).count
                let key = s.source.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                var b = Pretranslator.band(try bestMatch(s, threshold: 50)?.score)
                if b > 1 && seen.contains(key) { b = 2 }
                seen.insert(key)
                segs[b] += 1
                wc[b] += n
            }
            rows.append((name, segs, wc))
        }
        rows.append(("total", (0..<8).map { i in rows.reduce(0) { $0 + $1.segments[i] } }, (0..<8).map { i in rows.reduce(0) { $0 + $1.words[i] } }))
        return rows
    }
}
