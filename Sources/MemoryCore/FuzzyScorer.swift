/// The fuzzy-match score tmkit reports, from 0 to 100 (101 for a context match).
///
/// 1. Both texts are NFC. Identical texts score 100.
/// 2. Both are split into tokens (`Tokenizer`): words (case-folded), numbers (all alike: "#"),
///    punctuation marks and inline tags. Chinese, Japanese and Thai count characters as words.
/// 3. `base = floor(100 × (L − d) / L)`, where d is the Levenshtein distance between the two
///    sequences of word and number keys and L the longer sequence's length.
/// 4. Penalties are subtracted, so that a difference the keys hide still shows:
///    - 1 per word that differs only in case ("State" / "state"),
///    - 2 per number that differs ("1,800" / "2,000"),
///    - 1 per punctuation mark added, removed or changed (at most 5),
///    - 2 per inline tag added, removed or changed,
///    - 1 when the texts differ only in white space.
/// 5. A text that is not identical scores at most 99; the floor is 0.
///
/// Penalties only lower the score, so `score ≥ T` implies `base ≥ T`: the index filters
/// candidates on word keys alone and still finds every match at or above T.
public struct FuzzyScorer: Sendable {
    public static let casePenalty = 1
    public static let numberPenalty = 2
    public static let punctuationPenalty = 1
    public static let punctuationPenaltyCap = 5
    public static let tagPenalty = 2
    public static let whitespacePenalty = 1

    public init() {}

    /// A word-level difference between the query and a matched text.
    public struct DiffOp: Sendable, Equatable {
        public enum Kind: String, Sendable { case equal, replace, insert, delete }
        /// insert: in the query, not in the match; delete: in the match, not in the query.
        public var kind: Kind
        public var query: String
        public var match: String

        public init(kind: Kind, query: String, match: String) {
            self.kind = kind
            self.query = query
            self.match = match
        }
    }

    public struct Result: Sendable {
        public var score: Int
        public var base: Int
        public var penalties: [String: Int]
        public var diff: [DiffOp]
    }

    /// The score of `candidate` for `query`, with the word diff.
    public func score(_ query: TokenizedText, _ candidate: TokenizedText) -> Result {
        let q = query.tokens.filter(\.isWordLike), c = candidate.tokens.filter(\.isWordLike)
        let (d, ops) = align(q, c)
        let L = max(q.count, c.count)
        let base = L == 0 ? 100 : (100 * (L - d)) / L
        var penalties: [String: Int] = [:]
        var diff: [DiffOp] = []
        for op in ops {
            switch op {
            case .match(let i, let j):
                if q[i].surface != c[j].surface {
                    if q[i].kind == .number {
                        penalties["number", default: 0] += FuzzyScorer.numberPenalty
                    } else {
                        penalties["case", default: 0] += FuzzyScorer.casePenalty
                    }
                    diff.append(DiffOp(kind: .replace, query: q[i].surface, match: c[j].surface))
                } else {
                    diff.append(DiffOp(kind: .equal, query: q[i].surface, match: c[j].surface))
                }
            case .substitute(let i, let j):
                diff.append(DiffOp(kind: .replace, query: q[i].surface, match: c[j].surface))
            case .insert(let i):
                diff.append(DiffOp(kind: .insert, query: q[i].surface, match: ""))
            case .delete(let j):
                diff.append(DiffOp(kind: .delete, query: "", match: c[j].surface))
            }
        }
        let pq = query.tokens.filter { $0.kind == .punctuation }.map(\.key)
        let pc = candidate.tokens.filter { $0.kind == .punctuation }.map(\.key)
        let p = levenshtein(pq, pc)
        if p > 0 { penalties["punctuation"] = min(p, FuzzyScorer.punctuationPenaltyCap) * FuzzyScorer.punctuationPenalty }
        let tq = query.tokens.filter { $0.kind == .tag }.map(\.key)
        let tc = candidate.tokens.filter { $0.kind == .tag }.map(\.key)
        let t = levenshtein(tq, tc)
        if t > 0 { penalties["tags"] = t * FuzzyScorer.tagPenalty }
        if query.text != candidate.text, query.compact == candidate.compact {
            penalties["whitespace"] = FuzzyScorer.whitespacePenalty
        }
        let total = penalties.values.reduce(0, +)
        let score = query.text == candidate.text ? 100 : max(0, min(99, base - total))
        return Result(score: score, base: base, penalties: penalties, diff: diff)
    }

    /// The smallest number of shared word keys a text of `m` words needs with a query of `n`
    /// words to reach `threshold` (from the bound on the edit distance).
    public static func requiredOverlap(queryWords n: Int, candidateWords m: Int, threshold: Int) -> Int {
        let L = max(n, m)
        let maxDistance = (L * (100 - threshold)) / 100
        return L - maxDistance
    }

    /// Upper bound of `base` from word counts alone (distance ≥ the length difference).
    public static func lengthBound(queryWords n: Int, candidateWords m: Int) -> Int {
        let L = max(n, m)
        return L == 0 ? 100 : (100 * min(n, m)) / L
    }

    package enum Op { case match(Int, Int), substitute(Int, Int), insert(Int), delete(Int) }

    private func align(_ q: [Token], _ c: [Token]) -> (Int, [Op]) {
        let n = q.count, m = c.count
        if n == 0 { return (m, (0..<m).map { .delete($0) }) }
        if m == 0 { return (n, (0..<n).map { .insert($0) }) }
        let w = m + 1
        var dp = [Int32](repeating: 0, count: (n + 1) * w)
        for j in 0...m { dp[j] = Int32(j) }
        for i in 1...n {
            dp[i * w] = Int32(i)
            for j in 1...m {
                let cost: Int32 = q[i - 1].key == c[j - 1].key ? 0 : 1
                dp[i * w + j] = min(dp[(i - 1) * w + j - 1] + cost, dp[(i - 1) * w + j] + 1, dp[i * w + j - 1] + 1)
            }
        }
        var ops: [Op] = []
        var i = n, j = m
        while i > 0 || j > 0 {
            if i > 0, j > 0 {
                let cost: Int32 = q[i - 1].key == c[j - 1].key ? 0 : 1
                if dp[i * w + j] == dp[(i - 1) * w + j - 1] + cost {
                    ops.append(cost == 0 ? .match(i - 1, j - 1) : .substitute(i - 1, j - 1))
                    i -= 1; j -= 1
                    continue
                }
            }
            if i > 0, dp[i * w + j] == dp[(i - 1) * w + j] + 1 {
                ops.append(.insert(i - 1)); i -= 1
            } else {
                ops.append(.delete(j - 1)); j -= 1
            }
        }
        return (Int(dp[n * w + m]), ops.reversed())
    }
}

/// Levenshtein distance between two key sequences (two-row dynamic programming).
package func levenshtein(_ a: [String], _ b: [String]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = min(prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1), prev[j] + 1, cur[j - 1] + 1)
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}

/// Levenshtein distance with early exit: nil once it must exceed `limit`.
package func boundedLevenshtein(_ a: ArraySlice<Substring>, _ b: ArraySlice<Substring>, limit: Int) -> Int? {
    let n = a.count, m = b.count
    if abs(n - m) > limit { return nil }
    if n == 0 { return m }
    if m == 0 { return n }
    var prev = Array(0...m)
    var cur = [Int](repeating: 0, count: m + 1)
    let a0 = a.startIndex, b0 = b.startIndex
    for i in 1...n {
        cur[0] = i
        var rowMin = i
        for j in 1...m {
            let v = min(prev[j - 1] + (a[a0 + i - 1] == b[b0 + j - 1] ? 0 : 1), prev[j] + 1, cur[j - 1] + 1)
            cur[j] = v
            rowMin = min(rowMin, v)
        }
        if rowMin > limit { return nil }
        swap(&prev, &cur)
    }
    return prev[m] <= limit ? prev[m] : nil
}
