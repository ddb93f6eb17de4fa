import Foundation
import ICUText

/// A group of source sentences that translates a group of target sentences.
public struct Bead: Sendable, Equatable {
    /// 0-based indices into the source sentences, in order (empty: the target has no source).
    public var source: [Int]
    /// 0-based indices into the target sentences (empty: the source is not translated).
    public var target: [Int]
    /// Confidence from 0 to 1: how well lengths, anchors and (after the second pass) the learnt
    /// word translations agree (0 for 1-0 and 0-1 beads).
    public var score: Double

    public init(source: [Int], target: [Int], score: Double) {
        self.source = source
        self.target = target
        self.score = score
    }

    /// "2-1", "1-0", …
    public var kind: String { "\(source.count)-\(target.count)" }
}

/// Aligns the sentences of a text with those of its translation: dynamic programming over
/// beads (1-1, 1-0, 0-1, 2-1, 1-2, 2-2, 3-1, 1-3) with a cost that adds Gale and Church's
/// length model (character lengths, the ratio and variance learnt from the two texts) and
/// lexical anchors (numbers, transliterated names and cognates, ?, !, quotes, and anchors the
/// caller supplies such as glossary terms), guided by paragraph boundaries. The search runs in
/// a band around the diagonal that widens when the best path touches its edge, so time and
/// memory grow about linearly with the length of the texts.
public final class Aligner {
    public struct Options: Sendable {
        /// Cost subtracted for each anchor found on both sides of a bead.
        public var anchorWeight = 2.0
        /// Cost added for each number on one side of a bead that the other side lacks.
        public var numberMismatch = 1.0
        /// Cost added when a bead crosses a paragraph boundary, or joins paragraphs that do not correspond.
        public var paragraphPenalty = 4.0
        /// Cost added for each sentence merged into a bead that brings no anchor of its own,
        /// though it has words that could be (when the two languages share cognates at all).
        public var idleMergePenalty = 3.0
        /// Half-width of the first search band, in sentences (it grows when needed).
        public var minimumBand = 30
        /// Whether to learn word translations from the first alignment (and the seed pairs)
        /// and align again with them.
        public var lexical = true
        /// Bonus for the words of a bead that the lexicon finds translated on the other side,
        /// for as many such words as a confident 1-1 bead has words on average (scaled down as
        /// chance pairs of sentences come near the confident beads' coverage).
        public var lexicalWeight = 36.0
        /// Lowest score of a 1-1 bead of the first pass that teaches the lexicon.
        public var confidentScore = 0.3
        public init() {}
    }

    /// A text that cannot be aligned.
    public struct AlignmentError: Error, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { message }
    }

    public let options: Options
    private let sourceFeatures: FeatureExtractor
    private let targetFeatures: FeatureExtractor

    public init(sourceLanguage: String, targetLanguage: String, options: Options = Options()) throws {
        self.options = options
        sourceFeatures = try FeatureExtractor(language: sourceLanguage)
        targetFeatures = try FeatureExtractor(language: targetLanguage)
    }

    /// The beads of the alignment, in order, covering every sentence of both sides once.
    ///
    /// - Parameters:
    ///   - source: the source text's sentences.
    ///   - target: the translation's sentences.
    ///   - sourceParagraphs: the paragraph number of each source sentence, when known.
    ///   - targetParagraphs: the paragraph number of each target sentence, when known.
    ///   - sourceAnchors: extra anchors per source sentence (equal strings on both sides correspond).
    ///   - targetAnchors: extra anchors per target sentence.
    ///   - seedPairs: sentence pairs known to translate each other (a memory's units, a
    ///     glossary's terms): the lexicon learns from them as well as from the first alignment.
    public func align(source: [String], target: [String], sourceParagraphs: [Int]? = nil, targetParagraphs: [Int]? = nil,
                      sourceAnchors: [[String]]? = nil, targetAnchors: [[String]]? = nil,
                      seedPairs: [(source: String, target: String)] = []) throws -> [Bead] {
        try run(source: source, target: target, sourceParagraphs: sourceParagraphs, targetParagraphs: targetParagraphs,
                sourceAnchors: sourceAnchors, targetAnchors: targetAnchors, seedPairs: seedPairs).beads
    }

    /// The alignment with, for each bead, what decided it: the lengths, the anchors both sides
    /// share, the word pairs of the lexicon found in it.
    public func explain(source: [String], target: [String], sourceParagraphs: [Int]? = nil, targetParagraphs: [Int]? = nil,
                        sourceAnchors: [[String]]? = nil, targetAnchors: [[String]]? = nil,
                        seedPairs: [(source: String, target: String)] = []) throws -> [BeadExplanation] {
        let r = try run(source: source, target: target, sourceParagraphs: sourceParagraphs, targetParagraphs: targetParagraphs,
                        sourceAnchors: sourceAnchors, targetAnchors: targetAnchors, seedPairs: seedPairs)
        return r.beads.map(r.model.explain)
    }

    private func run(source: [String], target: [String], sourceParagraphs: [Int]?, targetParagraphs: [Int]?,
                     sourceAnchors: [[String]]?, targetAnchors: [[String]]?,
                     seedPairs: [(source: String, target: String)]) throws -> (beads: [Bead], model: CostModel) {
        if source.isEmpty && target.isEmpty {
            return ([], CostModel(source: [], target: [], sourceParagraphs: nil, targetParagraphs: nil, options: options))
        }
        let t0 = Date()
        let debug = ProcessInfo.processInfo.environment["TMKIT_DEBUG_ALIGN"] != nil
        var sf = try source.map(sourceFeatures.features)
        var tf = try target.map(targetFeatures.features)
        if let sourceAnchors { for (i, a) in sourceAnchors.enumerated() where i < sf.count { sf[i].extra = a } }
        if let targetAnchors { for (i, a) in targetAnchors.enumerated() where i < tf.count { tf[i].extra = a } }
        var model = CostModel(source: sf, target: tf, sourceParagraphs: sourceParagraphs, targetParagraphs: targetParagraphs, options: options)
        if debug { FileHandle.standardError.write(Data("align: features in \(Date().timeIntervalSince(t0)) s\n".utf8)) }
        var beads = bandedSearch(model, band: options.minimumBand, spans: lengthCentres(model).map { Span(low: $0, high: $0) }, t0: t0)

        // Second pass: a lexicon learnt from the confident beads of the first (and the seed
        // pairs), then the search again, in a narrower band around the first path, with the
        // share of words that the lexicon finds translated on the other side in the bead cost.
        if options.lexical, source.count >= 2, target.count >= 2 {
            let ss = try WordStems(language: sourceFeatures.language), ts = try WordStems(language: targetFeatures.language)
            let sStems = try source.map(ss.stems), tStems = try target.map(ts.stems)
            var pairs: [(source: [Int32], target: [Int32])] = []
            for b in beads where b.source.count == 1 && b.target.count == 1 && b.score >= options.confidentScore {
                pairs.append((sStems[b.source[0]], tStems[b.target[0]]))
            }
            let learnt = pairs.count
            for p in seedPairs { pairs.append((try ss.stems(p.source), try ts.stems(p.target))) }
            let lexicon = Lexicon(pairs: pairs)
            if debug {
                FileHandle.standardError.write(Data("align: lexicon of \(lexicon.count) pairs from \(learnt) beads and \(seedPairs.count) seeds at \(Date().timeIntervalSince(t0)) s\n".utf8))
            }
            if lexicon.count >= 10 {
                let scores = LexicalScores(lexicon: lexicon, source: sStems, target: tStems, sourceNames: ss, targetNames: ts,
                                          weight: options.lexicalWeight)
                (scores.expected, scores.meanWords) = scores.meanCoverage(beads, confident: options.confidentScore)
                scores.background = scores.backgroundCoverage(beads)
                if debug { FileHandle.standardError.write(Data("align: coverage \(scores.expected) chance \(scores.background)\n".utf8)) }
                model.lexical = scores
                beads = bandedSearch(model, band: options.minimumBand,
                                     spans: pathSpans(beads, rows: source.count, columns: target.count), t0: t0)
            }
        }
        return (beads, model)
    }

    /// The best path in a band around `spans` (per row, the columns a path passes): when it
    /// touches the band's edge, the band is moved to centre on that path (and widened once it
    /// has moved three times), until the path stays clear of the edges.
    private func bandedSearch(_ model: CostModel, band start: Int, spans start0: [Span], t0: Date) -> [Bead] {
        var band = start
        var spans = start0
        var passes = 0
        let n = model.source.count, m = model.target.count
        while true {
            let rows = spans.map { Span(low: max(0, min($0.low, m) - band), high: min(m, max($0.high, 0) + band)) }
            model.lexical?.prepare(rows: rows)
            let (beads, touched) = search(model, rows: rows, band: band)
            passes += 1
            if ProcessInfo.processInfo.environment["TMKIT_DEBUG_ALIGN"] != nil {
                FileHandle.standardError.write(Data("align: search \(passes) band \(band) touched \(touched) at \(Date().timeIntervalSince(t0)) s\n".utf8))
            }
            if !touched || band >= max(n, m) { return beads }
            spans = pathSpans(beads, rows: n, columns: m)
            if passes >= 3 { band *= 2 }
        }
    }

    /// Row i is centred where the target has as many characters (times the ratio) as source
    /// sentences 0..<i: this tracks drift far better than the straight line i·m/n.
    private func lengthCentres(_ model: CostModel) -> [Int] {
        let n = model.source.count, m = model.target.count
        var centre = [Int](repeating: 0, count: n + 1)
        var jj = 0
        for i in 0...n {
            let want = Double(model.sourcePrefix[i]) * model.ratio
            while jj < m && Double(model.targetPrefix[jj + 1]) <= want { jj += 1 }
            centre[i] = i == n ? m : jj
        }
        return centre
    }

    /// For each row, the columns where a path of beads passes it (a run of 0-1 beads passes
    /// several at one row).
    private func pathSpans(_ beads: [Bead], rows n: Int, columns m: Int) -> [Span] {
        var spans = [Span](repeating: Span(low: m, high: m), count: n + 1)
        var i = 0, j = 0
        spans[0] = Span(low: 0, high: 0)
        for b in beads {
            for k in 0..<b.source.count {
                let c = j + (b.target.count * (k + 1)) / max(1, b.source.count)
                spans[i + k + 1] = Span(low: c, high: c)
            }
            i += b.source.count
            j += b.target.count
            if b.source.isEmpty, i <= n { spans[i].high = max(spans[i].high, j); spans[i].low = min(spans[i].low, j) }
        }
        return spans
    }

    /// The columns a row covers.
    struct Span { var low: Int; var high: Int }

    static let shapes: [(Int, Int)] = [(1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3)]

    /// Best path within the columns `rows[i]` of each row; also whether it came near the band's edge.
    private func search(_ model: CostModel, rows: [Span], band: Int) -> ([Bead], Bool) {
        let n = model.source.count, m = model.target.count
        func lo(_ i: Int) -> Int { rows[i].low }
        func hi(_ i: Int) -> Int { rows[i].high }
        // Row-wise storage of the band: row i holds columns lo(i)...hi(i).
        var offsets = [Int](repeating: 0, count: n + 2)
        for i in 0...n { offsets[i + 1] = offsets[i] + (hi(i) - lo(i) + 1) }
        var cost = [Double](repeating: .infinity, count: offsets[n + 1])
        var back = [UInt8](repeating: 255, count: offsets[n + 1])
        func idx(_ i: Int, _ j: Int) -> Int? {
            guard i >= 0, i <= n, j >= lo(i), j <= hi(i) else { return nil }
            return offsets[i] + j - lo(i)
        }
        cost[idx(0, 0)!] = 0
        for i in 0...n {
            for j in lo(i)...hi(i) {
                guard let here = idx(i, j), i + j > 0 else { continue }
                var best = Double.infinity
                var bestShape: UInt8 = 255
                for (s, shape) in Aligner.shapes.enumerated() {
                    let (di, dj) = shape
                    guard i >= di, j >= dj, let prev = idx(i - di, j - dj) else { continue }
                    let c0 = cost[prev]
                    if c0 == .infinity { continue }
                    var c = c0 + model.cost(i - di, di, j - dj, dj, below: best - c0)
                    // The idle-merge penalty only raises a cost: work it out only for a bead that could win.
                    if c < best, di + dj > 2, model.cognatesInformative {
                        c += model.options.idleMergePenalty * Double(model.idleSentences(i - di, di, j - dj, dj))
                    }
                    if c < best { best = c; bestShape = UInt8(s) }
                }
                cost[here] = best
                back[here] = bestShape
            }
        }
        var beads: [Bead] = []
        var i = n, j = m
        var touched = false
        while i > 0 || j > 0 {
            guard let here = idx(i, j), back[here] != 255 else { break }
            if band < max(n, m), (j == lo(i) && lo(i) > 0) || (j == hi(i) && hi(i) < m) {
                if !touched, ProcessInfo.processInfo.environment["TMKIT_DEBUG_ALIGN"] != nil {
                    FileHandle.standardError.write(Data("align: the path touches the band at row \(i), column \(j)\n".utf8))
                }
                touched = true
            }
            let (di, dj) = Aligner.shapes[Int(back[here])]
            beads.append(Bead(source: Array(i - di..<i), target: Array(j - dj..<j), score: model.score(i - di, di, j - dj, dj)))
            i -= di
            j -= dj
        }
        return (beads.reversed(), touched)
    }
}

/// The cost of a bead: length, prior of its shape, anchors, paragraphs.
struct CostModel {
    let source: [SentenceFeatures]
    let target: [SentenceFeatures]
    let sourceParagraphs: [Int]?
    let targetParagraphs: [Int]?
    let options: Aligner.Options
    /// Target characters per source character, learnt from the two texts.
    let ratio: Double
    /// Variance per source character of the target length (Gale and Church's s², scaled by the ratio).
    let variance: Double
    let paragraphsCorrespond: Bool
    /// Whether cognates carry evidence for this language pair (many source skeletons occur in the target).
    let cognatesInformative: Bool
    /// Interned anchors per sentence, sorted: all anchors (with repeats), numbers, and distinct
    /// cognates, numbers and extras (for idle-sentence checks).
    let sourceAnchors: FlatLists, targetAnchors: FlatLists
    let sourceNumbers: FlatLists, targetNumbers: FlatLists
    let sourceKeys: FlatLists, targetKeys: FlatLists
    /// Prefix sums of sentence lengths.
    let sourcePrefix: [Int], targetPrefix: [Int]
    /// The lexical model of the second pass.
    var lexical: LexicalScores?
    /// Anchor ids back to their text, for explanations.
    let anchorNames: [Int32: String]

    init(source: [SentenceFeatures], target: [SentenceFeatures], sourceParagraphs: [Int]?, targetParagraphs: [Int]?,
         options: Aligner.Options) {
        self.source = source
        self.target = target
        self.sourceParagraphs = sourceParagraphs
        self.targetParagraphs = targetParagraphs
        self.options = options
        let ls = Double(max(1, source.reduce(0) { $0 + $1.length }))
        let lt = Double(max(1, target.reduce(0) { $0 + $1.length }))
        ratio = lt / ls
        variance = 6.8 * ratio
        var ids: [String: Int32] = [:]
        // Numbers get negative ids: they sort first, and one pass counts them apart.
        func id(_ s: String) -> Int32 {
            if let v = ids[s] { return v }
            let v = s.hasPrefix("#") ? -Int32(ids.count) - 1 : Int32(ids.count) + 1
            ids[s] = v
            return v
        }
        func intern(_ fs: [SentenceFeatures]) -> (FlatLists, FlatLists, FlatLists) {
            var all: [[Int32]] = [], nums: [[Int32]] = [], keys: [[Int32]] = []
            for f in fs {
                let n = f.numbers.map { id("#" + $0) }
                let c = f.cognates.map { id("c" + $0) }
                let x = f.extra.map { id("x" + $0) }
                let m = f.marks.map { id("m" + String($0)) }
                all.append((n + c + x + m).sorted())
                nums.append(n.sorted())
                keys.append(Array(Set(n + c + x)).sorted())
            }
            return (FlatLists(all), FlatLists(nums), FlatLists(keys))
        }
        sourcePrefix = source.reduce(into: [0]) { $0.append($0.last! + $1.length) }
        targetPrefix = target.reduce(into: [0]) { $0.append($0.last! + $1.length) }
        (sourceAnchors, sourceNumbers, sourceKeys) = intern(source)
        (targetAnchors, targetNumbers, targetKeys) = intern(target)
        let sSet = Set(source.flatMap(\.cognates)), tSet = Set(target.flatMap(\.cognates))
        cognatesInformative = !sSet.isEmpty && Double(sSet.intersection(tSet).count) / Double(sSet.count) >= 0.15
        anchorNames = Dictionary(ids.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
        if let sp = sourceParagraphs, let tp = targetParagraphs, let a = sp.last, let b = tp.last {
            paragraphsCorrespond = a == b
        } else {
            paragraphsCorrespond = false
        }
    }

    /// −log P(shape), from Gale and Church's counts (with 3-1 and 1-3 rarer than 2-2).
    static func prior(_ di: Int, _ dj: Int) -> Double {
        switch (di, dj) {
        case (1, 1): return 0.117
        case (1, 0), (0, 1): return 5.3
        case (2, 1), (1, 2): return 3.1
        case (2, 2): return 5.2
        default: return 6.5
        }
    }

    @inline(__always)
    func lengths(_ i: Int, _ di: Int, _ j: Int, _ dj: Int) -> (Double, Double) {
        (Double(sourcePrefix[i + di] - sourcePrefix[i]), Double(targetPrefix[j + dj] - targetPrefix[j]))
    }

    /// Gale and Church's z-score of the length difference.
    func delta(_ ls: Double, _ lt: Double) -> Double {
        let mean = (ls + lt / ratio) / 2
        guard mean > 0 else { return 0 }
        return (lt - ls * ratio) / (mean * variance).squareRoot()
    }

    /// Matching anchors and unmatched numbers between the two sides of a bead.
    func anchors(_ i: Int, _ di: Int, _ j: Int, _ dj: Int) -> (matched: Int, total: Int, unmatchedNumbers: Int) {
        let (matched, numbersMatched) = FlatLists.intersectionCounts(sourceAnchors, i, di, targetAnchors, j, dj)
        let total = sourceAnchors.count(i, di) + targetAnchors.count(j, dj)
        let ns = sourceNumbers.count(i, di), nt = targetNumbers.count(j, dj)
        return (matched, total, ns + nt - 2 * numbersMatched)
    }

    /// Sentences of a merged side that have anchors of their own but share none with the other side.
    func idleSentences(_ i: Int, _ di: Int, _ j: Int, _ dj: Int) -> Int {
        var idle = 0
        if di > 1 {
            for k in i..<i + di where sourceKeys.count(k, 1) >= 2 && !FlatLists.shares(sourceKeys, k, targetKeys, j, dj) { idle += 1 }
        }
        if dj > 1 {
            for k in j..<j + dj where targetKeys.count(k, 1) >= 2 && !FlatLists.shares(targetKeys, k, sourceKeys, i, di) { idle += 1 }
        }
        return idle
    }

    func cost(_ i: Int, _ di: Int, _ j: Int, _ dj: Int) -> Double {
        cost(i, di, j, dj, below: .infinity)
    }

    /// The cost of a bead, or some value ≥ `limit` when it cannot be below `limit` (the anchors,
    /// the expensive part, are only counted when they could bring it under).
    func cost(_ i: Int, _ di: Int, _ j: Int, _ dj: Int, below limit: Double) -> Double {
        var c = CostModel.prior(di, dj)
        if di > 0 && dj > 0 {
            let (ls, lt) = lengths(i, di, j, dj)
            let d = abs(delta(ls, lt))
            c += lengthCost(d)
            c += paragraphCost(i, di, j, dj)
            let maxMatches = min(sourceAnchors.count(i, di), targetAnchors.count(j, dj))
            if lexical == nil, c - options.anchorWeight * Double(maxMatches) >= limit { return c }
            if let lexical {
                // A lower bound of the cost (the lexical part may only add to it): enough to rule the bead out.
                let bound = c - options.anchorWeight * Double(maxMatches) - lexical.maximumBonus(i, di, j, dj)
                if bound >= limit { return bound }
            }
            let a = anchors(i, di, j, dj)
            c -= options.anchorWeight * Double(a.matched)
            c += options.numberMismatch * Double(a.unmatchedNumbers)
            if let lexical { c += lexical.cost(i, di, j, dj) }
            return c
        } else {
            // A sentence left alone: its anchors (numbers above all) say it should have had a partner.
            let f = di > 0 ? source[i] : target[j]
            c += options.numberMismatch * Double(f.numbers.count) * 0.5
            if let lexical { c += lexical.unpairedCost(source: i, di, target: j, dj) }
        }
        c += paragraphCost(i, di, j, dj)
        return c
    }

    /// −log of the two-tailed probability of a length difference this large.
    func lengthCost(_ d: Double) -> Double {
        let p = erfc(d / 2.0.squareRoot())
        return p > 1e-12 ? -log(p) : 27.6 + d
    }

    func paragraphCost(_ i: Int, _ di: Int, _ j: Int, _ dj: Int) -> Double {
        var c = 0.0
        if let sp = sourceParagraphs, di > 1, sp[i] != sp[i + di - 1] { c += options.paragraphPenalty }
        if let tp = targetParagraphs, dj > 1, tp[j] != tp[j + dj - 1] { c += options.paragraphPenalty }
        if paragraphsCorrespond, di > 0, dj > 0, let sp = sourceParagraphs, let tp = targetParagraphs, sp[i] != tp[j] {
            c += options.paragraphPenalty
        }
        return c
    }

    /// Confidence of a bead from 0 to 1.
    func score(_ i: Int, _ di: Int, _ j: Int, _ dj: Int) -> Double {
        guard di > 0, dj > 0 else { return 0 }
        let (ls, lt) = lengths(i, di, j, dj)
        let pLength = erfc(abs(delta(ls, lt)) / 2.0.squareRoot())
        let a = anchors(i, di, j, dj)
        var agreement: Double? = a.total > 0 ? min(1, Double(2 * a.matched) / Double(a.total)) : nil
        // With a lexicon learnt from enough pairs (50) that tells translations from chance (the
        // confident beads' coverage well above that of unrelated sentence pairs): the share of
        // the bead's words found translated, from chance (0) to the confident beads' (1), counts
        // as much as the anchors.
        if let lexical, lexical.lexicon.pairs >= 50, lexical.expected - lexical.background >= 0.15 {
            let (m, w) = lexical.coverage(i, di, j, dj)
            if w > 0 {
                let share = Double(min(m, w)) / Double(w)
                let words = min(1, max(0, (share - lexical.background) / (lexical.expected - lexical.background)))
                agreement = agreement.map { ($0 + words) / 2 } ?? words
            }
        }
        guard let agreement else { return (pLength * 1000).rounded() / 1000 }
        return ((0.5 * pLength + 0.5 * agreement) * 1000).rounded() / 1000
    }
}

/// Per-sentence sorted id lists stored end to end: consecutive sentences are one contiguous run.
/// Owns its storage so that the hot loops read through plain pointers.
final class FlatLists {
    let values: UnsafeMutableBufferPointer<Int32>
    let offsets: UnsafeMutableBufferPointer<Int>

    init(_ lists: [[Int32]]) {
        let total = lists.reduce(0) { $0 + $1.count }
        values = .allocate(capacity: max(1, total))
        offsets = .allocate(capacity: lists.count + 1)
        var o = 0
        for (k, l) in lists.enumerated() {
            offsets[k] = o
            for x in l { values[o] = x; o += 1 }
        }
        offsets[lists.count] = o
    }

    deinit {
        values.deallocate()
        offsets.deallocate()
    }

    @inline(__always) func count(_ k: Int, _ d: Int) -> Int { offsets[k + d] - offsets[k] }

    /// The list of sentence k.
    func list(_ k: Int) -> [Int32] { Array(values[offsets[k]..<offsets[k + 1]]) }

    /// Multiset intersection size of sentences a..<a+da of `x` and b..<b+db of `y`.
    @inline(__always)
    static func intersectionCount(_ x: FlatLists, _ a: Int, _ da: Int, _ y: FlatLists, _ b: Int, _ db: Int) -> Int {
        intersectionCounts(x, a, da, y, b, db).all
    }

    /// Multiset intersection size, and how much of it is negative ids (numbers).
    static func intersectionCounts(_ x: FlatLists, _ a: Int, _ da: Int, _ y: FlatLists, _ b: Int, _ db: Int) -> (all: Int, negative: Int) {
        let xs = x.offsets[a], xe = x.offsets[a + da], ys = y.offsets[b], ye = y.offsets[b + db]
        if xs == xe || ys == ye { return (0, 0) }
        if da == 1 && db == 1 { return count(x.values.baseAddress! + xs, xe - xs, y.values.baseAddress! + ys, ye - ys) }
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: (xe - xs) + (ye - ys)) { tmp in
            let base = tmp.baseAddress!
            var pa = x.values.baseAddress! + xs, na = xe - xs
            var pb = y.values.baseAddress! + ys, nb = ye - ys
            if da > 1 { sortedCopy(pa, na, into: base); pa = UnsafeMutablePointer(base) }
            if db > 1 { sortedCopy(pb, nb, into: base + (da > 1 ? na : 0)); pb = UnsafeMutablePointer(base + (da > 1 ? na : 0)) }
            na = xe - xs
            nb = ye - ys
            return count(pa, na, pb, nb)
        }
    }

    /// Whether sentence k of `x` has an id that sentences b..<b+db of `y` have.
    static func shares(_ x: FlatLists, _ k: Int, _ y: FlatLists, _ b: Int, _ db: Int) -> Bool {
        for s in b..<b + db where intersectionCount(x, k, 1, y, s, 1) > 0 { return true }
        return false
    }

    @inline(__always)
    private static func sortedCopy(_ src: UnsafeMutablePointer<Int32>, _ n: Int, into dst: UnsafeMutablePointer<Int32>) {
        for i in 0..<n {
            let x = src[i]
            var j = i - 1
            while j >= 0 && dst[j] > x { dst[j + 1] = dst[j]; j -= 1 }
            dst[j + 1] = x
        }
    }

    @inline(__always)
    private static func count(_ a: UnsafeMutablePointer<Int32>, _ na: Int, _ b: UnsafeMutablePointer<Int32>, _ nb: Int) -> (all: Int, negative: Int) {
        var i = 0, j = 0, n = 0, neg = 0
        while i < na && j < nb {
            let x = a[i], y = b[j]
            if x == y {
                n += 1
                if x < 0 { neg += 1 }
                i += 1; j += 1
            } else if x < y { i += 1 } else { j += 1 }
        }
        return (n, neg)
    }
}
