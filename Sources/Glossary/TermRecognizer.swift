import ICUText

/// A glossary term found in a text.
public struct TermMatch: Sendable {
    public var entry: TermEntry
    public var term: Term
    /// The words as they stand in the text.
    public var surface: String
    /// Offsets in Unicode scalars (end exclusive).
    public var start: Int
    public var end: Int
}

/// Finds glossary terms in running text: ICU word boundaries, case folding, ё = е, and the
/// language's stemmer, so that inflected forms match ("Исламского государства" finds
/// «Исламское государство», "sorties" finds "sortie"); multi-word terms match across line
/// breaks and extra spaces; the longest term wins where terms overlap.
public final class TermRecognizer {
    struct Word {
        var key: String
        var start: Int, end: Int          // scalar offsets
        var byteStart: Int, byteEnd: Int
    }

    struct Candidate {
        var entryIndex: Int
        var term: Term
        var keys: [String]
    }

    public let language: String
    private let words: BreakIterator
    private let stemmer: any Stemmer
    private let entries: [TermEntry]
    private var index: [String: [Candidate]] = [:]
    /// Keys of words already seen: texts repeat their words, and stemming is the costly part.
    private var keyCache: [String: String] = [:]

    /// A recogniser for the `language` terms of `entries`.
    public init(entries: [TermEntry], language: String) throws {
        self.language = language
        self.entries = entries
        words = try BreakIterator(.word, locale: GlossaryLanguage.primary(language))
        stemmer = Stemmers.forLanguage(language)
        for (k, e) in entries.enumerated() {
            for t in e.terms(in: language) {
                // Keys stored with the term (computed when it was added) spare the tokenizer here.
                let keys = try t.keys ?? self.words(in: t.text).map(\.key)
                guard let first = keys.first else { continue }
                index[first, default: []].append(Candidate(entryIndex: k, term: t, keys: keys))
            }
        }
        for k in index.keys { index[k]!.sort { $0.keys.count > $1.keys.count } }
    }

    /// The key of a word: folded, stemmed.
    func key(_ word: String) -> String {
        if let k = keyCache[word] { return k }
        let k = computeKey(word)
        if keyCache.count < 200_000 { keyCache[word] = k }
        return k
    }

    private func computeKey(_ word: String) -> String {
        // Acronyms (ИГИЛ, ISIL, ВКС) are not inflected like words: no stemming, or ИГИЛ would become ИГ.
        if word.count >= 2, word.allSatisfy({ $0.isUppercase || $0.isNumber }) { return GlossaryRules.fold(word) }
        return stemmer.stem(GlossaryRules.fold(word))
    }

    func words(in text: String) throws -> [Word] {
        var out: [Word] = []
        var scalarPos = 0, bytePos = 0
        var copy = text
        try copy.withUTF8 { buf in
            var last = 0
            try words.forEachBoundary(in: buf) { b, status in
                defer { last = b }
                guard status >= 100 else { return }
                for i in bytePos..<last where buf[i] & 0xC0 != 0x80 { scalarPos += 1 }
                let start = scalarPos
                for i in last..<b where buf[i] & 0xC0 != 0x80 { scalarPos += 1 }
                bytePos = b
                let w = String(decoding: UnsafeBufferPointer(rebasing: buf[last..<b]), as: UTF8.self)
                out.append(Word(key: key(w), start: start, end: scalarPos, byteStart: last, byteEnd: b))
            }
        }
        return out
    }

    /// Every term occurring in `text`, in text order, longest first where they overlap.
    public func find(in text: String) throws -> [TermMatch] {
        let ws = try words(in: text)
        var out: [TermMatch] = []
        var i = 0
        let utf8 = Array(text.utf8)
        while i < ws.count {
            var matched = 0
            for c in index[ws[i].key] ?? [] where i + c.keys.count <= ws.count {
                if (0..<c.keys.count).allSatisfy({ ws[i + $0].key == c.keys[$0] }) {
                    let last = ws[i + c.keys.count - 1]
                    out.append(TermMatch(entry: entries[c.entryIndex], term: c.term,
                                         surface: String(decoding: utf8[ws[i].byteStart..<last.byteEnd], as: UTF8.self),
                                         start: ws[i].start, end: last.end))
                    matched = c.keys.count
                    break
                }
            }
            i += max(1, matched)
        }
        return out
    }

    /// The keys of a term's words, as stored with it.
    public static func keys(of term: String, language: String) throws -> [String] {
        try TermRecognizer(entries: [], language: language).words(in: term).map(\.key)
    }

    /// Whether `term` occurs in `text` in any word order: all its words of three letters or
    /// more (by key) are there. Word order is free in Russian ("информационный центр в Багдаде"
    /// may be written "в Багдаде информационный центр").
    public func contains(_ term: String, in text: String) throws -> Bool {
        let have = Set(try words(in: text).map(\.key))
        let need = try words(in: term).filter { $0.end - $0.start >= 3 }.map(\.key)
        if need.isEmpty { return try words(in: term).map(\.key).allSatisfy(have.contains) }
        return need.allSatisfy(have.contains)
    }
}
