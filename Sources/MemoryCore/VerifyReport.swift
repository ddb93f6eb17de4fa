import Foundation

/// What a store's `verify` found: SQLite's own check, then tmkit's derived data against what it
/// is derived from. Shared by memories and glossaries.
public struct VerifyReport: Sendable {
    /// One kind of problem, how often it was found, and the first few cases.
    public struct Problem: Sendable {
        public var kind: String
        public var count: Int
        public var examples: [String]
    }
    /// What was checked, by name ("units", "variants", "terms", …).
    public var counts: [(name: String, count: Int)] = []
    public var problems: [Problem] = []
    /// Whether a repair rebuilt the derived data (the report is then of the store after it).
    public var repaired = false
    public var seconds = 0.0
    public var ok: Bool { problems.isEmpty }

    public init() {}

    /// Gathers problems by kind, keeping the first few of each.
    public struct Log {
        public private(set) var problems: [Problem] = []
        public static let examplesKept = 10

        public init() {}

        public mutating func add(_ kind: String, _ example: @autoclosure () -> String) {
            if let i = problems.firstIndex(where: { $0.kind == kind }) {
                problems[i].count += 1
                if problems[i].examples.count < Log.examplesKept { problems[i].examples.append(example()) }
            } else {
                problems.append(.init(kind: kind, count: 1, examples: [example()]))
            }
        }
    }
}
