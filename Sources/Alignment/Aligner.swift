import Foundation
import ICUText

/// A group of source sentences that translates a group of target sentences.
public struct Bead: Sendable, Equatable {
    /// 0-based indices into the source sentences, in order (empty: the target has no source).
    public var source: [Int]
    /// 0-based indices into the target sentences (empty: the source is not translated).
    public var target: [Int]
    /// Confidence from 0 to 1: how well lengths and anchors agree (0 for 1-0 and 0-1 beads).
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
        public var minimumBand = 40
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
    ///   - sourceParagraphs, targetParagraphs: the paragraph number of each sentence, when known.
    ///   - sourceAnchors, targetAnchors: extra anchors per sentence (equal strings correspond).
    public func align(source: [String], target: [String], sourceParagraphs: [Int]? = nil, targetParagraphs: [Int]? = nil,
                      sourceAnchors: [[String]]? = nil, targetAnchors: [[String]]? = nil) throws -> [Bead] {
        if source.isEmpty && target.isEmpty { return [] }
        var sf = try source.map(sourceFeatures.features)
        var tf = try target.map(targetFeatures.features)
        if let sourceAnchors { for (i, a) in sourceAnchors.enumerated() where i < sf.count { sf[i].extra = a } }
        if let targetAnchors { for (i, a) in targetAnchors.enumerated() where i < tf.count { tf[i].extra = a } }
        let model = CostModel(source: sf, target: tf, sourceParagraphs: sourceParagraphs, targetParagraphs: targetParagraphs, options: options)
        var band = max(options.minimumBand, abs(source.count - target.count) + options.minimumBand / 2)
        while true {
            let (beads, touched) = search(model, band: band)
            if !touched || band >= max(source.count, target.count) { return beads }
            band *= 2
        }
    }

    static let shapes: [(Int, Int)] = [(1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3)]

    /// Best path within |j − i·m/n| ≤ band; also whether it came near the band's edge.
    private func search(_ model: CostModel, band: Int) -> ([Bead], Bool) {
        let n = model.source.count, m = model.target.count
        let slope = n == 0 ? 0 : Double(m) / Double(n)
        func lo(_ i: Int) -> Int { max(0, Int((Double(i) * slope).rounded()) - band) }
        func hi(_ i: Int) -> Int { min(m, Int((Double(i) * slope).rounded()) + band) }
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
                    let c = c0 + model.cost(i - di, di, j - dj, dj)
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
            if band < max(n, m), (j - lo(i) < 3 && lo(i) > 0) || (hi(i) - j < 3 && hi(i) < m) { touched = true }
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
        let sSet = Set(source.flatMap(\.cognates)), tSet = Set(target.flatMap(\.cognates))
        cognatesInformative = !sSet.isEmpty && Double(sSet.intersection(tSet).count) / Double(sSet.count) >= 0.15
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

    func lengths(_ i: Int, _ di: Int, _ j: Int, _ dj: Int) -> (Double, Double) {
        var a = 0, b = 0
        for k in i..<i + di { a += source[k].length }
        for k in j..<j + dj { b += target[k].length }
        return (Double(a), Double(b))
    }

    /// Gale and Church's z-score of the length difference.
    func delta(_ ls: Double, _ lt: Double) -> Double {
        let mean = (ls + lt / ratio) / 2
        guard mean > 0 else { return 0 }
        return (lt - ls * ratio) / (mean * variance).squareRoot()
    }

    /// Matching anchors and unmatched numbers between the two sides of a bead.
    func anchors(_ i: Int, _ di: Int, _ j: Int, _ dj: Int) -> (matched: Int, total: Int, unmatchedNumbers: Int) {
        var s: [String: Int] = [:], t: [String: Int] = [:]
        var sn: [String: Int] = [:], tn: [String: Int] = [:]
        for k in i..<i + di {
            for x in source[k].numbers { s["#" + x, default: 0] += 1; sn[x, default: 0] += 1 }
            for x in source[k].cognates { s["c" + x, default: 0] += 1 }
            for x in source[k].marks { s["m" + String(x), default: 0] += 1 }
            for x in source[k].extra { s["x" + x, default: 0] += 1 }
        }
        for k in j..<j + dj {
            for x in target[k].numbers { t["#" + x, default: 0] += 1; tn[x, default: 0] += 1 }
            for x in target[k].cognates { t["c" + x, default: 0] += 1 }
            for x in target[k].marks { t["m" + String(x), default: 0] += 1 }
            for x in target[k].extra { t["x" + x, default: 0] += 1 }
        }
        var matched = 0
        for (k, v) in s { matched += min(v, t[k] ?? 0) }
        var unmatched = 0
        for (k, v) in sn { unmatched += max(0, v - (tn[k] ?? 0)) }
        for (k, v) in tn { unmatched += max(0, v - (sn[k] ?? 0)) }
        let total = s.values.reduce(0, +) + t.values.reduce(0, +)
        return (matched, total, unmatched)
    }

    /// Sentences of a merged side that have anchors of their own but share none with the other side.
    func idleSentences(_ i: Int, _ di: Int, _ j: Int, _ dj: Int) -> Int {
        func keys(_ f: SentenceFeatures) -> Set<String> { Set(f.cognates.map { "c" + $0 } + f.numbers.map { "#" + $0 } + f.extra.map { "x" + $0 }) }
        var idle = 0
        if di > 1 {
            let other = (j..<j + dj).reduce(into: Set<String>()) { $0.formUnion(keys(target[$1])) }
            for k in i..<i + di { let mine = keys(source[k]); if mine.count >= 2 && mine.isDisjoint(with: other) { idle += 1 } }
        }
        if dj > 1 {
            let other = (i..<i + di).reduce(into: Set<String>()) { $0.formUnion(keys(source[$1])) }
            for k in j..<j + dj { let mine = keys(target[k]); if mine.count >= 2 && mine.isDisjoint(with: other) { idle += 1 } }
        }
        return idle
    }

    func cost(_ i: Int, _ di: Int, _ j: Int, _ dj: Int) -> Double {
        var c = CostModel.prior(di, dj)
        if di > 0 && dj > 0 {
            let (ls, lt) = lengths(i, di, j, dj)
            let d = abs(delta(ls, lt))
            c += lengthCost(d)
            let a = anchors(i, di, j, dj)
            c -= options.anchorWeight * Double(a.matched)
            c += options.numberMismatch * Double(a.unmatchedNumbers)
            if cognatesInformative && (di > 1 || dj > 1) { c += options.idleMergePenalty * Double(idleSentences(i, di, j, dj)) }
        } else {
            // A sentence left alone: its anchors (numbers above all) say it should have had a partner.
            let f = di > 0 ? source[i] : target[j]
            c += options.numberMismatch * Double(f.numbers.count) * 0.5
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
        guard a.total > 0 else { return (pLength * 1000).rounded() / 1000 }
        let agreement = min(1, Double(2 * a.matched) / Double(a.total))
        return ((0.5 * pLength + 0.5 * agreement) * 1000).rounded() / 1000
    }
}
