import Foundation
import ICUText
import MemoryCore

/// What a glossary store does, whichever engine keeps it: a SQLite file (`TermStore`, module
/// GlossarySQLite) or tables in PostgreSQL (`PostgresGlossary`, module PostgresStore). The
/// commands and the server talk to this; the rules both engines follow (folding, recognition
/// keys, what an added pair updates, how a search ranks) are `GlossaryRules`.
///
/// A store is used by one thread at a time; every call is one transaction.
public protocol GlossaryStore: AnyObject {
    /// Where the glossary is, for messages (a URL without its password).
    var location: String { get }

    /// Adds a source term and its translation. A pair already present updates the entry; a
    /// source term present with another translation is added as a new entry and reported.
    @discardableResult
    func add(source: Term, target: Term, note: String?, domain: String?) throws -> GlossaryAddResult

    /// Adds whole entries in one transaction (imports, copies): all or nothing. `replacing`:
    /// the glossary's entries are deleted first, in the same transaction.
    func insert(_ entries: [TermEntry], replacing: Bool) throws

    /// Changes the terms or fields of an entry; nil leaves a field as it is. False when there is
    /// no such entry.
    func edit(id: Int64, language: String?, text: String?, status: Term.Status?,
              note: String?, definition: String?, domain: String?) throws -> Bool

    /// Removes an entry and its terms; false when there is no such entry.
    func remove(id: Int64) throws -> Bool

    /// One entry by id, or nil.
    func entry(id: Int64) throws -> TermEntry?

    /// All entries (or those with a term in `language`), in id order.
    func entries(language: String?) throws -> [TermEntry]

    /// Entries with a term containing `query` (ignoring case and ё/е), or starting with it, or
    /// an inflected form or a typo away; best first (`GlossaryRules.searchRank`).
    func search(_ query: String) throws -> [TermEntry]

    /// Checks the entries and each term's derived columns (`GlossaryRules.derived`); with
    /// `repair`, computes them again and removes orphans, in one write transaction.
    func verify(repair: Bool) throws -> VerifyReport
}

extension GlossaryStore {
    @discardableResult
    public func add(source: Term, target: Term, note: String? = nil, domain: String? = nil) throws -> GlossaryAddResult {
        try add(source: source, target: target, note: note, domain: domain)
    }

    public func edit(id: Int64, language: String? = nil, text: String? = nil, status: Term.Status? = nil,
                     note: String? = nil, definition: String? = nil, domain: String? = nil) throws -> Bool {
        try edit(id: id, language: language, text: text, status: status, note: note, definition: definition, domain: domain)
    }

    public func insert(_ entries: [TermEntry]) throws { try insert(entries, replacing: false) }
    public func entries() throws -> [TermEntry] { try entries(language: nil) }
    public func verify() throws -> VerifyReport { try verify(repair: false) }
}

/// What `GlossaryStore.add` did.
public struct GlossaryAddResult: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case added, updated, addedBesideOther(String) }
    public var entryID: Int64
    public var kind: Kind

    public init(entryID: Int64, kind: Kind) {
        self.entryID = entryID
        self.kind = kind
    }
}

/// The rules every glossary store follows, whatever keeps its rows.
public enum GlossaryRules {
    /// Case folding with ё = е and single spaces: the search and duplicate key of a term.
    public static func fold(_ s: String) -> String {
        let f = (try? s.caseFolded()) ?? s.lowercased()
        return f.replacingOccurrences(of: "ё", with: "е").split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The primary language subtag a term is filed under ("pt-BR" → "pt").
    public static func languageKey(_ tag: String) -> String { GlossaryLanguage.primary(tag) }

    /// The columns a store derives from a term's language and text: its language key, folded
    /// text and recognition keys (space-separated). `verify` compares the stored ones with these.
    public struct Derived: Equatable, Sendable {
        public var languageKey: String
        public var fold: String
        public var keys: String
    }

    /// The rank of a term (its folded text `fold`, in `language`) for a search: 0 the same text,
    /// 1 starting with the query, 2 containing it or the same stems, 3 every query word in it
    /// inflected or a typo away (as many words), 4 the same in a longer term; nil: not found.
    public static func searchRank(fold f: String, language: String, query q: String) -> Int? {
        if f == q { return 0 }
        if f.hasPrefix(q) { return 1 }
        if f.contains(q) { return 2 }
        // Word by word: the same stem (an inflected form), or a typo away.
        let qWords = q.split(separator: " ").map(String.init)
        let stemmer = Stemmers.forLanguage(language)
        let words = f.split(separator: " ").map(String.init)
        let stems = Set(words.map(stemmer.stem))
        if qWords.allSatisfy({ stems.contains(stemmer.stem($0)) }) { return 2 }
        if qWords.allSatisfy({ w in words.contains { $0 == w || stemmer.stem($0) == stemmer.stem(w) || typoAway($0, w) } }) {
            // Each word of the query is in the term, inflected or a typo away ("file manger",
            // "файловый менежер"); a one-word query, a typo away from one of its words. A term of
            // as many words as the query first.
            return words.count == qWords.count ? 3 : 4
        }
        return nil
    }

    /// Entry ids ranked for a search over every term's (entry, folded text, language): the best
    /// rank of an entry's terms first, then ids.
    public static func searchResults(_ query: String, terms: some Sequence<(entry: Int64, fold: String, language: String)>) -> [Int64] {
        let q = fold(query)
        var scored: [Int64: Int] = [:]
        for t in terms {
            guard let rank = searchRank(fold: t.fold, language: t.language, query: q) else { continue }
            scored[t.entry] = min(scored[t.entry] ?? 9, rank)
        }
        return scored.sorted { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }.map(\.key)
    }

    /// Whether `word` is a typo away from `query`: one edit for words of up to five letters, two beyond.
    static func typoAway(_ word: String, _ query: String) -> Bool {
        abs(word.count - query.count) <= 2 && editDistance(Array(word), Array(query)) <= (query.count > 5 ? 2 : 1)
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count { cur[j] = min(prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1), prev[j] + 1, cur[j - 1] + 1) }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}

/// Computes the derived columns of terms, keeping one recogniser per language (a store keeps one).
public final class TermKeyer {
    private var recognizers: [String: TermRecognizer] = [:]

    public init() {}

    /// The recognition keys of a term's words.
    public func keys(_ t: Term) throws -> [String] {
        let lang = GlossaryLanguage.primary(t.language)
        if recognizers[lang] == nil { recognizers[lang] = try TermRecognizer(entries: [], language: lang) }
        return try recognizers[lang]!.words(in: t.text).map(\.key)
    }

    /// Language key, folded text and recognition keys of a term.
    public func derived(_ t: Term) throws -> GlossaryRules.Derived {
        GlossaryRules.Derived(languageKey: GlossaryLanguage.primary(t.language), fold: GlossaryRules.fold(t.text),
                              keys: try keys(t).joined(separator: " "))
    }
}

extension Term {
    /// The term with its recognition keys as stored (so that recognisers need not compute them).
    public func withStoredKeys(_ keys: String?) -> Term {
        var t = self
        t.keys = keys.map { $0.split(separator: " ").map(String.init) }
        return t
    }
}
