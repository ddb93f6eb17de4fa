import XCTest

/// The command names are a contract scripts rely on: pin them.
final class HelpTests: XCTestCase {
    func testTopLevelCommands() throws {
        let r = try CLI.run(["--help"])
        XCTAssertEqual(r.status, 0)
        for c in ["segment", "align", "tm", "glossary", "qa", "l10n"] {
            XCTAssertTrue(r.stdout.contains("  \(c) "), "\(c) missing from:\n\(r.stdout)")
        }
        let tm = try CLI.run(["tm", "--help"])
        for c in ["add", "import", "export", "lookup", "concordance", "list", "remove", "stats", "optimize"] {
            XCTAssertTrue(tm.stdout.contains("  \(c) "), "tm \(c) missing")
        }
        let g = try CLI.run(["glossary", "--help"])
        for c in ["add", "edit", "remove", "list", "search", "import", "export", "find", "check"] {
            XCTAssertTrue(g.stdout.contains("  \(c) "), "glossary \(c) missing")
        }
        let l = try CLI.run(["l10n", "--help"])
        for c in ["pretranslate", "analyze", "import"] { XCTAssertTrue(l.stdout.contains("  \(c) "), "l10n \(c) missing") }
    }
}
