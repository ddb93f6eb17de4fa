import Foundation
import ICUText

/// What the lookup reads of a store, whichever engine it is: all in one consistent snapshot.
package protocol CandidateSource {
    /// The posting lists of `keys` in language `lang` (a primary subtag, lower case), in the
    /// order of `keys`; an empty list for a key never filed. Entries sorted by unit.
    func postingLists(lang: String, keys: [String]) throws -> [PostingList]
    /// Calls `body` with every unit's id and packed bytes (`PackedUnit`) in id order; stops when
    /// it returns false.
    func forEachPackedUnit(_ body: (Int64, UnsafeRawBufferPointer) throws -> Bool) throws
    /// The units of `ids` that exist, in the order of `ids`.
    func units(ids: [Int64]) throws -> [(id: Int64, unit: TranslationUnit)]
}

/// The fuzzy lookup, the same on every store: candidates from the posting lists (or a scan),
/// each scored exactly, sorted.
package enum LookupEngine {
    /// Every unit whose `sourceLanguage` variant scores at least `options.threshold` against
    /// `query`, best first, at most `options.limit`.
    package static func lookup(_ query: String, in db: some CandidateSource, tokenizer: Tokenizer, sourceLanguage: String,
                               targetLanguage: String?, options: LookupOptions) throws -> [Match] {
        let q = try tokenizer.tokenize(try query.normalized(.nfc))
        let threshold = max(0, min(100, options.threshold))
        do {
            let candidates: [Int64]
            if options.exhaustive || FuzzyScorer.requiredOverlap(queryWords: q.wordKeys.count, candidateWords: q.wordKeys.count, threshold: threshold) <= 0 {
                candidates = try scanCandidates(db, q, LanguageTag.primary(sourceLanguage), threshold)
            } else {
                candidates = try indexCandidates(db, q, LanguageTag.primary(sourceLanguage), threshold)
            }
            return try verify(db, candidates, q, tokenizer: tokenizer, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage,
                              threshold: threshold, options: options)
        }
    }

    /// Candidates from the posting lists: prefix filtering on the rarest keys, then a count
    /// filter over all keys and a length filter. Sound: no unit that can reach the threshold
    /// is dropped (see `FuzzyScorer`).
    private static func indexCandidates(_ db: some CandidateSource, _ q: TokenizedText, _ langKey: String, _ t: Int) throws -> [Int64] {
        let keys = q.indexKeys
        let n = keys.count
        guard n > 0 else { return try scanCandidates(db, q, langKey, t) } // (callers scan such queries)
        var lists = try db.postingLists(lang: langKey, keys: keys)
        lists.sort { $0.count < $1.count }
        let cmin = FuzzyScorer.requiredOverlap(queryWords: n, candidateWords: n, threshold: t)
        let prefix = n - cmin + 1
        // Entries name units, with the word count of one of their variants: a unit with two
        // variants in the language may be counted under each count (more candidates, never fewer).
        // Counted by (unit << 32 | word count), sized up front: growing the table cost more than counting.
        var hits: [UInt64: Int] = [:]
        hits.reserveCapacity(lists.prefix(prefix).reduce(0) { $0 + $1.count })
        for list in lists.prefix(prefix) {
            for i in 0..<list.count {
                let e = list.entry(i)
                hits[UInt64(e.variant) << 32 | UInt64(e.words), default: 0] += 1
            }
        }
        // Drop what cannot reach the threshold on length alone, then count the other lists, in
        // two flat arrays (compacted as candidates drop out) instead of the table.
        func required(_ key: UInt64) -> Int {
            FuzzyScorer.requiredOverlap(queryWords: n, candidateWords: Int(UInt32(truncatingIfNeeded: key)), threshold: t)
        }
        var found: [UInt64] = []
        var counts: [Int] = []
        found.reserveCapacity(hits.count)
        counts.reserveCapacity(hits.count)
        for (key, count) in hits where FuzzyScorer.lengthBound(queryWords: n, candidateWords: Int(UInt32(truncatingIfNeeded: key))) >= t {
            found.append(key)
            counts.append(count)
        }
        hits = [:]
        let rest = lists.dropFirst(prefix)
        var remaining = rest.count
        for list in rest {
            remaining -= 1
            var kept = 0
            for r in found.indices {
                var c = counts[r]
                if list.contains(UInt32(found[r] >> 32)) { c += 1 } else if c + remaining < required(found[r]) { continue }
                found[kept] = found[r]
                counts[kept] = c
                kept += 1
            }
            found.removeSubrange(kept...)
            counts.removeSubrange(kept...)
        }
        var units = Set<Int64>()
        for r in found.indices where counts[r] >= required(found[r]) { units.insert(Int64(found[r] >> 32)) }
        return units.sorted()
    }

    /// Candidates from a scan of every unit: bounded edit distance on the keys of its variants in the language.
    private static func scanCandidates(_ db: some CandidateSource, _ q: TokenizedText, _ langKey: String, _ t: Int) throws -> [Int64] {
        let qkeys = q.wordKeys.map { Substring($0) }[...]
        let n = qkeys.count
        var out: [Int64] = []
        let wanted = Array(langKey.utf8)
        try db.forEachPackedUnit { id, raw in
            var found = false
            try PackedUnit.forEachVariantKeys(raw) { lang, keys, m in
                // The primary subtag, compared without case: the language up to its first - or _.
                guard !found, lang.count >= wanted.count,
                      zip(lang, wanted).allSatisfy({ ($0 | 0x20) == $1 || $0 == $1 }),
                      lang.count == wanted.count || lang[wanted.count] == 0x2D || lang[wanted.count] == 0x5F,
                      FuzzyScorer.lengthBound(queryWords: n, candidateWords: m) >= t else { return }
                let L = max(n, m)
                let maxD = (L * (100 - t)) / 100
                let joined = String(decoding: keys, as: UTF8.self)
                let ckeys = m == 0 ? [][...] : joined.split(separator: "\u{1F}", omittingEmptySubsequences: false)[...]
                if boundedLevenshtein(qkeys, ckeys, limit: maxD) != nil { found = true }
            }
            if found { out.append(id) }
            return true
        }
        return out
    }

    /// Scores each candidate unit's variants in the source language exactly and builds the matches.
    private static func verify(_ db: some CandidateSource, _ ids: [Int64], _ q: TokenizedText, tokenizer: Tokenizer, sourceLanguage: String,
                        targetLanguage: String?, threshold: Int, options: LookupOptions) throws -> [Match] {
        let scorer = FuzzyScorer()
        var matches: [Match] = []
        for (_, unit) in try db.units(ids: ids) {
            for source in unit.variants(answering: sourceLanguage) {
                let r = scorer.score(q, try tokenizer.tokenize(source.text))
                guard r.score >= threshold else { continue }
                var score = r.score
                if score == 100, let prev = options.contextPrevious, let next = options.contextNext,
                   try unit.contextPrevious.map(TextKeys.norm) == TextKeys.norm(prev),
                   try unit.contextNext.map(TextKeys.norm) == TextKeys.norm(next) {
                    score = 101
                }
                let targets = targetLanguage.map { t in unit.variants(answering: t) } ?? []
                if targetLanguage != nil && targets.isEmpty { continue }
                for target in targets.isEmpty ? [nil] : targets.map(Optional.some) {
                    let fallback = LanguageTag.isFallback(source.language, requested: sourceLanguage)
                        || (target.map { LanguageTag.isFallback($0.language, requested: targetLanguage!) } ?? false)
                    matches.append(Match(unit: unit, score: score, source: Variant(language: source.language, text: source.text),
                                         target: target, diff: r.diff, penalties: r.penalties, languageFallback: fallback))
                }
            }
        }
        matches.sort {
            if $0.score != $1.score { return $0.score > $1.score }
            if $0.languageFallback != $1.languageFallback { return !$0.languageFallback } // the tag asked for first
            if $0.unit.usageCount != $1.unit.usageCount { return $0.unit.usageCount > $1.unit.usageCount }
            return ($0.unit.changedAt ?? .distantPast) > ($1.unit.changedAt ?? .distantPast)
        }
        return Array(matches.prefix(max(0, options.limit)))
    }

}

/// Finds a folded phrase in an unfolded text, mapping positions back character by character.
package enum ConcordanceHighlighter {
    /// Adds the hits of `unit` (its variants answering `searched` that contain `key`) to `hits`,
    /// up to `limit`.
    package static func collect(_ unit: TranslationUnit, key: String, searched: String, sourceLanguage: String,
                                targetLanguage: String?, searchTarget: Bool, limit: Int, into hits: inout [ConcordanceHit]) throws {
        for v in unit.variants(answering: searched) where hits.count < limit {
            let ranges = try ranges(of: key, in: v.text)
            guard !ranges.isEmpty else { continue }
            let searchedVariant = Variant(language: v.language, text: v.text)
            let other: Variant? = searchTarget ? unit.variant(sourceLanguage) : targetLanguage.flatMap { unit.variant($0) }
            if other == nil && (searchTarget || targetLanguage != nil) { continue }
            hits.append(searchTarget
                ? ConcordanceHit(unit: unit, source: other!, target: searchedVariant, ranges: ranges, searchedTarget: true)
                : ConcordanceHit(unit: unit, source: searchedVariant, target: other, ranges: ranges, searchedTarget: false))
        }
    }

    package static func ranges(of key: String, in text: String) throws -> [Range<String.Index>] {
        var folded: [Character] = []
        var origin: [String.Index] = []
        for i in text.indices {
            for ch in try TextKeys.search(String(text[i])) {
                folded.append(ch)
                origin.append(i)
            }
        }
        let k = Array(key)
        guard !k.isEmpty, folded.count >= k.count else { return [] }
        var out: [Range<String.Index>] = []
        var i = 0
        while i <= folded.count - k.count {
            if folded[i] == k[0], Array(folded[i..<i + k.count]) == k {
                let start = origin[i]
                let lastOrigin = origin[i + k.count - 1]
                out.append(start..<text.index(after: lastOrigin))
                i += k.count
            } else {
                i += 1
            }
        }
        return out
    }
}

