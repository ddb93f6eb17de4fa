import Foundation
import ICUText

/// Words of one language as the lexical model sees them: ICU word tokens, lower-cased, cut to
/// their first five letters (a stem that serves inflected languages without a stemmer per
/// language); Chinese and Japanese words as ICU's dictionary segments them.
final class WordStems {
    private let iterator: BreakIterator
    private(set) var ids: [String: Int32] = [:]
    private(set) var names: [String] = []

    init(language: String) throws {
        iterator = try BreakIterator(.word, locale: language)
    }

    /// The distinct stem ids of a sentence, sorted.
    func stems(_ sentence: String) throws -> [Int32] {
        var out: [Int32] = []
        for w in try iterator.words(in: sentence) {
            let key: String
            switch w.kind {
            case .number: continue
            case .letter:
                let lower = w.text.lowercased()
                guard lower.count >= 2 else { continue }
                key = String(lower.prefix(5))
            case .kana, .ideographic:
                key = w.text
            }
            out.append(id(key))
        }
        return Array(Set(out)).sorted()
    }

    func id(_ key: String) -> Int32 {
        if let v = ids[key] { return v }
        let v = Int32(names.count)
        ids[key] = v
        names.append(key)
        return v
    }
}

/// Word translation pairs learnt from sentence pairs: IBM Model 1 estimated both ways (a few
/// rounds of expectation-maximisation over the pairs, with an empty word for words that have no
/// translation), a pair kept where each word is a likely translation of the other and the two
/// met in at least two sentence pairs.
struct Lexicon {
    /// Source stem → target stems that translate it (sorted).
    private(set) var forward: [Int32: [Int32]] = [:]
    /// Target stem → source stems.
    private(set) var backward: [Int32: [Int32]] = [:]
    /// How many sentence pairs it was learnt from.
    let pairs: Int
    /// The strength of each kept pair (source << 32 | target): the geometric mean of the two
    /// translation probabilities.
    private(set) var strength: [Int64: Double] = [:]

    init(pairs: [(source: [Int32], target: [Int32])], minimumProbability: Double = 0.1, rounds: Int = 5) {
        self.pairs = pairs.count
        // Every co-occurring pair of stems gets an index; each sentence pair lists its indices
        // source-major, so that the rounds below are array work.
        var index: [Int64: Int32] = [:]
        var pairSource: [Int32] = [], pairTarget: [Int32] = [], together: [Int32] = []
        var cells: [Int32] = [], starts: [Int] = [0]
        var used: [(source: [Int32], target: [Int32])] = []
        for p in pairs where !p.source.isEmpty && !p.target.isEmpty && p.source.count * p.target.count <= 2500 {
            used.append(p)
            for s in p.source {
                let high = Int64(s) << 32
                for t in p.target {
                    let key = high | Int64(t)
                    let k: Int32
                    if let v = index[key] { k = v } else {
                        k = Int32(pairSource.count)
                        index[key] = k
                        pairSource.append(s)
                        pairTarget.append(t)
                        together.append(0)
                    }
                    together[Int(k)] += 1
                    cells.append(k)
                }
            }
            starts.append(cells.count)
        }
        let n = pairSource.count
        guard n > 0 else { return }
        let nullProbability = 0.1
        // One direction: P(target | source) when `forwardDirection`, else P(source | target).
        func train(forwardDirection: Bool) -> [Double] {
            var prob = [Double](repeating: 1, count: n)
            var count = [Double](repeating: 0, count: n)
            for _ in 0..<rounds {
                for k in 0..<n { count[k] = 0 }
                var totals: [Int32: Double] = [:]
                for (u, p) in used.enumerated() {
                    let base = starts[u], width = p.target.count
                    if forwardDirection {
                        // Each target word spreads one unit over the source words.
                        for b in 0..<width {
                            var denom = nullProbability
                            for a in 0..<p.source.count { denom += prob[Int(cells[base + a * width + b])] }
                            for a in 0..<p.source.count {
                                let k = Int(cells[base + a * width + b])
                                count[k] += prob[k] / denom
                            }
                        }
                    } else {
                        for a in 0..<p.source.count {
                            var denom = nullProbability
                            for b in 0..<width { denom += prob[Int(cells[base + a * width + b])] }
                            for b in 0..<width {
                                let k = Int(cells[base + a * width + b])
                                count[k] += prob[k] / denom
                            }
                        }
                    }
                }
                for k in 0..<n { totals[forwardDirection ? pairSource[k] : pairTarget[k], default: 0] += count[k] }
                for k in 0..<n {
                    let t = totals[forwardDirection ? pairSource[k] : pairTarget[k]] ?? 0
                    prob[k] = t > 0 ? count[k] / t : 0
                }
            }
            return prob
        }
        let pf = train(forwardDirection: true), pb = train(forwardDirection: false)
        for k in 0..<n where together[k] >= 2 && pf[k] >= minimumProbability && pb[k] >= minimumProbability {
            let s = pairSource[k], t = pairTarget[k]
            forward[s, default: []].append(t)
            backward[t, default: []].append(s)
            strength[Int64(s) << 32 | Int64(t)] = (pf[k] * pb[k]).squareRoot()
        }
        for k in forward.keys { forward[k]!.sort() }
        for k in backward.keys { backward[k]!.sort() }
    }

    var count: Int { strength.count }

    /// The stems that translate some stem of `stems` (sorted, distinct).
    func translations(of stems: [Int32], forward isForward: Bool) -> [Int32] {
        var out: [Int32] = []
        let table = isForward ? forward : backward
        for s in stems { if let t = table[s] { out += t } }
        return Array(Set(out)).sorted()
    }
}

/// The lexical part of the bead cost in the second pass: how many of a bead's words the lexicon
/// finds translated on the other side, against what the confident beads of the first pass show.
final class LexicalScores {
    let lexicon: Lexicon
    /// Per sentence: its distinct stems, and the stems of the other language that translate them.
    let sourceStems: FlatLists, targetStems: FlatLists
    let sourceTranslations: FlatLists, targetTranslations: FlatLists
    let sourceNames: WordStems, targetNames: WordStems
    let weight: Double
    /// The mean coverage of the confident 1-1 beads of the first pass.
    var expected = 0.3

    /// The same lists for runs of two and three consecutive sentences (entry k: sentences
    /// k..<k+d merged and sorted), so that a merged bead is one intersection of sorted lists.
    private let runs: [(sourceStems: FlatLists, targetStems: FlatLists, sourceTranslations: FlatLists, targetTranslations: FlatLists)]

    init(lexicon: Lexicon, source: [[Int32]], target: [[Int32]], sourceNames: WordStems, targetNames: WordStems, weight: Double) {
        self.lexicon = lexicon
        let st = source.map { lexicon.translations(of: $0, forward: true) }
        let tt = target.map { lexicon.translations(of: $0, forward: false) }
        sourceStems = FlatLists(source)
        targetStems = FlatLists(target)
        sourceTranslations = FlatLists(st)
        targetTranslations = FlatLists(tt)
        func merged(_ lists: [[Int32]], _ d: Int) -> FlatLists {
            FlatLists(lists.indices.map { k in k + d <= lists.count ? lists[k..<k + d].flatMap { $0 }.sorted() : [] })
        }
        runs = [2, 3].map { d in (merged(source, d), merged(target, d), merged(st, d), merged(tt, d)) }
        self.sourceNames = sourceNames
        self.targetNames = targetNames
        self.weight = weight
    }

    /// The largest bonus `cost` can give the bead: its words that have any translation at all
    /// counted as matched (cheap: list lengths only).
    @inline(__always)
    func maximumBonus(_ i: Int, _ di: Int, _ j: Int, _ dj: Int) -> Double {
        let ws = sourceStems.count(i, di), wt = targetStems.count(j, dj)
        let most = min(min(sourceTranslations.count(i, di), wt) + min(targetTranslations.count(j, dj), ws), ws + wt)
        return scale * (Double(most) - expected * Double(ws + wt))
    }

    /// What sentences left without a partner pay: their words at the confident beads' coverage.
    func unpairedCost(source i: Int, _ di: Int, target j: Int, _ dj: Int) -> Double {
        let words = (di > 0 ? sourceStems.count(i, di) : 0) + (dj > 0 ? targetStems.count(j, dj) : 0)
        return scale * expected * Double(words)
    }

    /// Per row i, the matches of sentence pairs (i, j) for the columns j the search covers in
    /// that row, worked out once (−1: not yet). A 1-1 bead's matches are its pair's.
    private var cache: UnsafeMutableBufferPointer<Int32> = .init(start: nil, count: 0)
    private var rowStart: [Int] = []
    private var rowLow: [Int] = []
    private var rowHigh: [Int] = []

    deinit { cache.deallocate() }

    /// Sets the columns that the next search covers in each row.
    func prepare(rows: [Aligner.Span]) {
        cache.deallocate()
        rowStart = [0]
        rowLow = rows.map(\.low)
        rowHigh = rows.map(\.high)
        for r in rows { rowStart.append(rowStart.last! + r.high - r.low + 1) }
        cache = .allocate(capacity: max(1, rowStart.last!))
        cache.initialize(repeating: -1)
    }

    /// Words of sentence i with a translation in sentence j, and of j with one in i.
    @inline(__always)
    func pairMatches(_ i: Int, _ j: Int) -> Int {
        if i < rowLow.count, j >= rowLow[i], j <= rowHigh[i] {
            let k = rowStart[i] + j - rowLow[i]
            let v = cache[k]
            if v >= 0 { return Int(v) }
            let m = computeMatches(i, j)
            cache[k] = Int32(m)
            return m
        }
        return computeMatches(i, j)
    }

    @inline(__always)
    private func computeMatches(_ i: Int, _ j: Int) -> Int {
        FlatLists.intersectionCounts(sourceTranslations, i, 1, targetStems, j, 1).all
            + FlatLists.intersectionCounts(targetTranslations, j, 1, sourceStems, i, 1).all
    }

    /// Words of the bead with a translation on the other side, and all its words.
    @inline(__always)
    func coverage(_ i: Int, _ di: Int, _ j: Int, _ dj: Int) -> (matched: Int, words: Int) {
        let words = sourceStems.count(i, di) + targetStems.count(j, dj)
        guard words > 0 else { return (0, 0) }
        if di == 1 && dj == 1 { return (pairMatches(i, j), words) }
        guard di <= 3, dj <= 3 else {
            let a = FlatLists.intersectionCounts(sourceTranslations, i, di, targetStems, j, dj).all
            let b = FlatLists.intersectionCounts(targetTranslations, j, dj, sourceStems, i, di).all
            return (a + b, words)
        }
        let sStems = di == 1 ? sourceStems : runs[di - 2].sourceStems
        let sTrans = di == 1 ? sourceTranslations : runs[di - 2].sourceTranslations
        let tStems = dj == 1 ? targetStems : runs[dj - 2].targetStems
        let tTrans = dj == 1 ? targetTranslations : runs[dj - 2].targetTranslations
        let a = FlatLists.intersectionCounts(sTrans, i, 1, tStems, j, 1).all
        let b = FlatLists.intersectionCounts(tTrans, j, 1, sStems, i, 1).all
        return (a + b, words)
    }

    /// The mean coverage of sentence pairs two beads apart: what chance gives (for explanations).
    var background = 0.05

    /// Words of a confident 1-1 bead (both sides), on average: the unit the bonus is measured in.
    var meanWords = 20.0

    /// Each word of the bead that the lexicon finds translated on the other side is a bonus;
    /// every word, paired or not, pays the confident beads' coverage. (That charge is the same for
    /// every path through the texts, as every word is in exactly one bead: it changes no
    /// decision, but it keeps each bead's lexical part near zero, so that the search can rule
    /// beads out before working it out.)
    func cost(_ i: Int, _ di: Int, _ j: Int, _ dj: Int) -> Double {
        let (matched, words) = coverage(i, di, j, dj)
        return scale * (expected * Double(words) - Double(min(matched, words)))
    }

    /// The weight per word: the bonus shrinks as chance comes near the confident beads'
    /// coverage (texts whose few words all translate each other tell nothing by their words).
    private var scale: Double { weight * max(0, 1 - background / max(expected, 0.01)) / meanWords }

    func backgroundCoverage(_ beads: [Bead]) -> Double {
        var sum = 0.0, n = 0
        var k = 0
        let ones = beads.filter { $0.source.count == 1 && $0.target.count == 1 }
        while k + 2 < ones.count {
            let (m, w) = coverage(ones[k].source[0], 1, ones[k + 2].target[0], 1)
            if w > 0 { sum += min(1, Double(m) / Double(w)); n += 1 }
            k += 1
        }
        return n > 0 ? sum / Double(n) : 0.05
    }

    /// The mean coverage and the mean words of the confident 1-1 beads.
    func meanCoverage(_ beads: [Bead], confident: Double) -> (coverage: Double, words: Double) {
        var sum = 0.0, words = 0, n = 0
        for b in beads where b.source.count == 1 && b.target.count == 1 && b.score >= confident {
            let (m, w) = coverage(b.source[0], 1, b.target[0], 1)
            guard w > 0 else { continue }
            sum += min(1, Double(m) / Double(w))
            words += w
            n += 1
        }
        return n > 0 ? (sum / Double(n), Double(words) / Double(n)) : (0.3, 20)
    }

    /// The lexicon's word pairs found in a bead ("berg → montag 0.62").
    func pairs(_ source: [Int], _ target: [Int]) -> [(source: String, target: String, strength: Double)] {
        var sStems = Set<Int32>(), tStems = Set<Int32>()
        for k in source { for x in sourceStems.list(k) { sStems.insert(x) } }
        for k in target { for x in targetStems.list(k) { tStems.insert(x) } }
        var out: [(String, String, Double)] = []
        for s in sStems.sorted() {
            for t in lexicon.forward[s] ?? [] where tStems.contains(t) {
                out.append((sourceNames.names[Int(s)], targetNames.names[Int(t)], lexicon.strength[Int64(s) << 32 | Int64(t)] ?? 0))
            }
        }
        return out.sorted { $0.2 > $1.2 }
    }
}

/// What decided one bead: `tmkit align --explain`.
public struct BeadExplanation: Sendable {
    public var bead: Bead
    /// Characters (white space excluded) on each side, and Gale and Church's z-score of their difference.
    public var sourceLength: Int
    public var targetLength: Int
    public var lengthZ: Double
    /// −log of the bead shape's prior probability, and of the length difference's.
    public var shapeCost: Double
    public var lengthCost: Double
    /// Anchors found on both sides: numbers ("1800 (number)"), consonant skeletons of names and
    /// cognates ("opktn (cognate)"), marks ("? (mark)"), and the caller's ("m12 (given)": memory
    /// units, glossary entries).
    public var anchors: [String]
    /// Numbers on one side that the other lacks.
    public var unmatchedNumbers: Int
    /// Word pairs of the lexicon found in the bead, with their strength (the geometric mean of
    /// the two translation probabilities).
    public var lexicalPairs: [(source: String, target: String, strength: Double)]
    /// Words of the bead with a translation on the other side, all its words, and the share the
    /// confident beads showed (nil without a lexicon).
    public var lexicalMatched: Int?
    public var lexicalWords: Int?
    public var lexicalExpected: Double?
    /// The bead's whole cost in the search (lower is better).
    public var cost: Double
}

extension CostModel {
    /// "#1956" → "1956 (number)", "cosrnk" → "osrnk (cognate)", "m?" → "? (mark)", "xg12" → "g12 (given)".
    static func describeAnchor(_ raw: String) -> String {
        guard let kind = raw.first else { return raw }
        let body = raw.dropFirst()
        switch kind {
        case "#": return "\(body) (number)"
        case "c": return "\(body) (cognate)"
        case "m": return "\(body) (mark)"
        case "x": return "\(body) (given)"
        default: return raw
        }
    }

    func explain(_ b: Bead) -> BeadExplanation {
        let i = b.source.first ?? sourcePrefix.count - 1, di = b.source.count
        let j = b.target.first ?? targetPrefix.count - 1, dj = b.target.count
        var e = BeadExplanation(bead: b, sourceLength: 0, targetLength: 0, lengthZ: 0, shapeCost: CostModel.prior(di, dj),
                                lengthCost: 0, anchors: [], unmatchedNumbers: 0, lexicalPairs: [], lexicalMatched: nil,
                                lexicalWords: nil, lexicalExpected: nil, cost: 0)
        let (ls, lt) = (Double(sourcePrefix[min(i + di, sourcePrefix.count - 1)] - sourcePrefix[min(i, sourcePrefix.count - 1)]),
                        Double(targetPrefix[min(j + dj, targetPrefix.count - 1)] - targetPrefix[min(j, targetPrefix.count - 1)]))
        e.sourceLength = Int(ls)
        e.targetLength = Int(lt)
        guard di > 0, dj > 0 else {
            e.cost = cost(i, di, j, dj)
            return e
        }
        e.lengthZ = delta(ls, lt)
        e.lengthCost = lengthCost(abs(e.lengthZ))
        var sIDs: [Int32] = [], tIDs: [Int32] = []
        for k in b.source { sIDs += sourceAnchors.list(k) }
        for k in b.target { tIDs += targetAnchors.list(k) }
        var remaining = Dictionary(tIDs.map { ($0, 1) }, uniquingKeysWith: +)
        for x in sIDs where (remaining[x] ?? 0) > 0 {
            remaining[x]! -= 1
            e.anchors.append(CostModel.describeAnchor(anchorNames[x] ?? "?"))
        }
        e.unmatchedNumbers = anchors(i, di, j, dj).unmatchedNumbers
        if let lexical {
            let (m, w) = lexical.coverage(i, di, j, dj)
            e.lexicalMatched = m
            e.lexicalWords = w
            e.lexicalExpected = lexical.expected
            e.lexicalPairs = lexical.pairs(b.source, b.target)
        }
        e.cost = cost(i, di, j, dj)
        return e
    }
}
