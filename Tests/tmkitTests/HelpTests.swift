import XCTest

/// The command names are a contract scripts rely on: pin them.
final class HelpTests: XCTestCase {
    func testTopLevelCommands() throws {
        let r = try CLI.run(["--help"])
        XCTAssertEqual(r.status, 0)
        for c in ["segment", "align", "tm", "glossary", "qa", "l10n", "serve"] {
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
        let serve = try CLI.run(["serve", "--help"])
        for c in ["run", "token"] { XCTAssertTrue(serve.stdout.contains("  \(c) "), "serve \(c) missing") }
        let run = try CLI.run(["serve", "run", "--help"])
        for o in ["--memory", "--glossary", "--host", "--port", "--tokens", "--public-read", "--max-json-bytes", "--max-import-bytes", "--idle-timeout"] {
            XCTAssertTrue(run.stdout.contains(o), "serve \(o) missing")
        }
        let token = try CLI.run(["serve", "token", "--help"])
        for c in ["add", "list", "revoke"] { XCTAssertTrue(token.stdout.contains("  \(c) "), "serve token \(c) missing") }
        for c in [["tm", "lookup"], ["tm", "add"], ["tm", "import"], ["tm", "export"], ["tm", "concordance"], ["tm", "stats"],
                  ["l10n", "pretranslate"], ["l10n", "analyze"]] {
            XCTAssertTrue(try CLI.run(c + ["--help"]).stdout.contains("--server"), "\(c.joined(separator: " ")) --server missing")
        }
    }
}
