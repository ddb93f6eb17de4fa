import Foundation

/// What an added unit does to a memory, on every store: the rules of duplicates.
///
/// A unit's first variant is its source. A unit of the source alone duplicates any unit holding
/// that source (same language tag, same normalised text). A unit with the source and the same
/// translations as a stored one is an exact duplicate: the stored unit's metadata is merged.
/// Another translation into a language the source already has one in is kept beside it (an
/// alternative), unless `overwrite` asks to replace the first holder's translations.
package enum DuplicateRules {
    package enum Decision<Holder> {
        /// An exact duplicate of this stored unit: merge the metadata.
        case merge(Holder)
        /// `overwrite`: this stored unit holds the source; its translations are replaced.
        case replace(Holder)
        /// A new unit; `alternative` when the source already had another translation.
        case insert(alternative: Bool)
    }

    package static func norm(_ v: Variant) -> String { (try? TextKeys.normOfNFC(v.text)) ?? v.text }
    package static func normHash(_ v: Variant) -> Int64 { TextKeys.normHash(lang: v.language, norm: norm(v)) }

    /// Keys under which a unit's variants are found: each text's, and each text's paired with
    /// the language of each other variant (`TextKeys.pairHash`).
    package static func duplicateKeys(_ variants: [(normHash: Int64, lang: String)]) -> [Int64] {
        var out: [Int64] = []
        forEachDuplicateKey(count: variants.count, hash: { variants[$0].normHash }, lang: { variants[$0].lang }) { out.append($0) }
        return out
    }

    /// `duplicateKeys` without building arrays.
    @inline(__always)
    package static func forEachDuplicateKey(count: Int, hash: (Int) -> Int64, lang: (Int) -> String, _ body: (Int64) -> Void) {
        for i in 0..<count { body(hash(i)) }
        for i in 0..<count {
            for j in 0..<count where i != j { body(TextKeys.pairHash(hash(i), lang(j))) }
        }
    }

    /// What adding `unit` does. `sourceHash` is its source's duplicate key, `pairKey(t)` the key of
    /// its source paired with target `t`'s language (t ≥ 1); `holders(key, body)` calls `body` with
    /// the stored units filed under a key, in id order, until it returns false.
    package static func decide<Holder>(_ unit: TranslationUnit, sourceHash: Int64, pairKey: (Int) -> Int64, overwrite: Bool,
                                       unitOf: @escaping (Holder) -> TranslationUnit,
                                       holders: (Int64, (Holder) throws -> Bool) throws -> Void) throws -> Decision<Holder> {
        let srcLang = unit.variants[0].language
        let srcNorm = norm(unit.variants[0])
        /// Where a unit holds the source (same language tag, same normalised text).
        func sourceIndex(_ u: TranslationUnit) -> Int? {
            u.variants.firstIndex { $0.language == srcLang && norm($0) == srcNorm }
        }
        /// The first unit (by id) holding the source.
        func firstHolder() throws -> Holder? {
            var found: Holder?
            try holders(sourceHash) { h in
                if sourceIndex(unitOf(h)) != nil { found = h; return false }
                return true
            }
            return found
        }
        guard unit.variants.count > 1 else {
            if let h = try firstHolder() { return .merge(h) }
            return .insert(alternative: false)
        }
        let firstTargetLang = unit.variants[1].language
        // Variants are matched one to one (a source translated into its own language by the same text
        // needs two variants of that text).
        func holdsAll(_ u: TranslationUnit) -> Bool {
            var left = u.variants.map { ($0.language, norm($0)) }
            for v in unit.variants {
                let n = norm(v)
                guard let k = left.firstIndex(where: { $0.0 == v.language && $0.1 == n }) else { return false }
                left.remove(at: k)
            }
            return true
        }
        func translates(_ u: TranslationUnit, into lang: String) -> Bool {
            guard let s = sourceIndex(u) else { return false }
            return u.variants.indices.contains { $0 != s && u.variants[$0].language == lang }
        }
        // Units holding the source and a translation into a target's language are found by that
        // pair's key: few, even for a source stored in many languages.
        var alternative = false
        for t in 1..<unit.variants.count {
            let lang = unit.variants[t].language
            if alternative && lang != firstTargetLang { continue }
            var exact: Holder?
            try holders(pairKey(t)) { h in
                let u = unitOf(h)
                guard translates(u, into: lang) else { return true }
                if lang == firstTargetLang, holdsAll(u) { exact = h; return false }
                // Another translation into a language the source already has one in: an alternative.
                alternative = true
                return true
            }
            if let exact { return .merge(exact) }
        }
        if overwrite, let h = try firstHolder() { return .replace(h) }
        return .insert(alternative: alternative)
    }

    /// A stored unit's metadata merged with that of a unit added again.
    package static func mergedMetadata(_ stored: TranslationUnit, from unit: TranslationUnit) -> TranslationUnit {
        var u = stored
        for p in unit.properties where !u.properties.contains(p) { u.properties.append(p) }
        for n in unit.notes where !u.notes.contains(n) { u.notes.append(n) }
        u.changedAt = unit.changedAt ?? Date()
        u.changedBy = unit.changedBy ?? unit.createdBy ?? u.changedBy
        u.originFile = u.originFile ?? unit.originFile
        u.originKey = u.originKey ?? unit.originKey
        u.contextPrevious = u.contextPrevious ?? unit.contextPrevious
        u.contextNext = u.contextNext ?? unit.contextNext
        u.usageCount = max(u.usageCount, unit.usageCount)
        return u
    }
}
