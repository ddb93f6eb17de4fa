import XCTest
@testable import TranslationMemory

final class ScoringTests: XCTestCase {
    let tokenizer = try! Tokenizer()

    func score(_ q: String, _ c: String) throws -> FuzzyScorer.Result {
        FuzzyScorer().score(try tokenizer.tokenize(q), try tokenizer.tokenize(c))
    }

    func testIdenticalIs100() throws {
        XCTAssertEqual(try score("The Russian Aerospace Forces.", "The Russian Aerospace Forces.").score, 100)
    }

    func testNumbersDifferingIsAHighFuzzyNot100() throws {
        let r = try score("around 1,800 sorties", "around 2,000 sorties")
        XCTAssertEqual(r.base, 100)
        XCTAssertEqual(r.penalties, ["number": 2])
        XCTAssertEqual(r.score, 98)
        XCTAssertEqual(r.diff.map(\.kind), [.equal, .replace, .equal])
    }

    func testEnglishWordChanged() throws {
        // 10 words, one substituted: base 90; no penalties.
        let r = try score("Iraq intends to strengthen cooperation with Russia in the fight today",
                          "Iraq intends to strengthen cooperation with Syria in the fight today")
        XCTAssertEqual(r.base, 90)
        XCTAssertEqual(r.score, 90)
        XCTAssertEqual(r.diff.filter { $0.kind != .equal }, [FuzzyScorer.DiffOp(kind: .replace, query: "Russia", match: "Syria")])
    }

    func testCasePunctuationAndWhitespacePenalties() throws {
        XCTAssertEqual(try score("Islamic State group", "islamic state group").score, 98)    // two case changes
        XCTAssertEqual(try score("Hello world.", "Hello world!").score, 99)                 // one mark
        XCTAssertEqual(try score("Hello  world.", "Hello world.").score, 99)                // white space only
        XCTAssertEqual(try score("Click <b>Save</b> now", "Click Save now").score, 96)      // two tags
    }

    func testRussianInflectionCountsAsAChangedWord() throws {
        // "государство" vs "государства": a different word form, one of five words.
        let r = try score("Исламское государство провозгласило халифат сегодня", "Исламское государства провозгласило халифат сегодня")
        XCTAssertEqual(r.base, 80)
        XCTAssertEqual(r.score, 80)
        XCTAssertEqual(try score("ВКС РФ совершили около 1800 вылетов", "ВКС РФ совершили около 2700 вылетов").score, 98)
    }

    func testJapaneseCountsCharacters() throws {
        // 8 characters, one changed (父 → 母): base floor(100*7/8) = 87.
        let r = try score("これは父の家です", "これは母の家です")
        XCTAssertEqual(r.base, 87)
        XCTAssertEqual(r.score, 87)
    }

    func testUnrelatedScoresLow() throws {
        XCTAssertLessThan(try score("The statement follows a meeting", "Vast territories are occupied").score, 30)
        XCTAssertEqual(try score("One two three", "").score, 0)
    }

    func testOverlapBound() {
        // 10-word query at 75%: at most 2 edits, so at least 8 shared words.
        XCTAssertEqual(FuzzyScorer.requiredOverlap(queryWords: 10, candidateWords: 10, threshold: 75), 8)
        XCTAssertEqual(FuzzyScorer.requiredOverlap(queryWords: 10, candidateWords: 12, threshold: 75), 9)
        XCTAssertEqual(FuzzyScorer.lengthBound(queryWords: 4, candidateWords: 8), 50)
    }

    func testPlaceholdersAreFoundByKind() {
        XCTAssertEqual(Placeholders.list(in: "Delete %1$@ of %d files? %lld, %.2f, %(name)s {name} {0} {{ count }} 100% sure, 50%% off"),
                       ["%1$@", "%d", "%lld", "%.2f", "%(name)s", "{name}", "{0}", "{{ count }}"])
        XCTAssertEqual(Placeholders.list(in: "You have {count, plural, one {# file} other {# files}} left"),
                       ["{count, plural, one {# file} other {# files}}"])
        XCTAssertEqual(Placeholders.list(in: "a {not closed, and { } and {} here"), [])
    }

    /// A placeholder is one tag token: a changed placeholder costs the tag penalty, not a word.
    func testPlaceholdersScoreAsTags() throws {
        let t = try Tokenizer()
        let q = try t.tokenize("Delete %d files from {folder}?")
        XCTAssertEqual(q.wordKeys, ["delete", "files", "from"])
        XCTAssertEqual(q.tokens.filter { $0.kind == .tag }.map(\.surface), ["%d", "{folder}"])
        let r = try score("Delete %d files from {folder}?", "Delete %s files from {folder}?")
        XCTAssertEqual(r.base, 100)
        XCTAssertEqual(r.score, 100 - FuzzyScorer.tagPenalty)
    }

    func testAFuzzyTranslationGetsTheQuerysPlaceholders() {
        XCTAssertEqual(Placeholders.carryOver(into: "Удалить %d файлов из {folder}?", matchedSource: "Delete %d files from {folder}?",
                                              query: "Remove %lld files from {dir}?"), "Удалить %lld файлов из {dir}?")
        // Same placeholders: nothing to do; a different number of them: left for the reviewer.
        XCTAssertEqual(Placeholders.carryOver(into: "Удалить %d", matchedSource: "Delete %d", query: "Delete %d now"), "Удалить %d")
        XCTAssertEqual(Placeholders.carryOver(into: "Удалить %d", matchedSource: "Delete %d", query: "Delete %d of %d"), "Удалить %d")
    }
}
