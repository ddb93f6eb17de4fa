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

/// Help texts stay complete and true to the commands.
final class HelpTextTests: XCTestCase {
    /// Every argument and option of every command says what it is for (read from the command
    /// definitions, as the manual page is made).
    func testEveryArgumentAndOptionIsDescribed() throws {
        let r = try CLI.run(["--experimental-dump-help"])
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        var missing: [String] = []
        func walk(_ c: [String: Any], _ path: [String]) {
            XCTAssertFalse((c["abstract"] as? String ?? "").isEmpty || path.count > 1 && c["abstract"] == nil, "\(path) has no abstract")
            for a in c["arguments"] as? [[String: Any]] ?? [] where a["shouldDisplay"] as? Bool ?? true {
                if (a["abstract"] as? String ?? "").isEmpty { missing.append(path.joined(separator: " ") + " " + (a["valueName"] as? String ?? "?")) }
            }
            for s in c["subcommands"] as? [[String: Any]] ?? [] where s["commandName"] as? String != "help" {
                walk(s, path + [s["commandName"] as? String ?? "?"])
            }
        }
        walk(try XCTUnwrap(root["command"] as? [String: Any]), ["tmkit"])
        XCTAssertEqual(missing, [], "undescribed arguments and options")
    }

    func testTheTMAbstractNamesItsCommands() throws {
        let r = try CLI.run(["tm", "--help"])
        let overview = r.stdout.components(separatedBy: "\n\n")[0].replacingOccurrences(of: "\n", with: " ")
        for c in ["add", "import", "export", "look up", "concordance", "list", "remove", "stats", "optimize", "verify"] {
            XCTAssertTrue(overview.contains(c), "tm's overview lacks \(c): \(overview)")
        }
        XCTAssertFalse(overview.contains("search"), overview)
    }

    func testAMistypedSubcommandIsNamedWithTheNearestOne() throws {
        var r = try CLI.run(["tm", "lokup", "x"])
        XCTAssertEqual(r.status, 64)
        XCTAssertEqual(r.stderr, "tmkit: 'lokup' is not a command of 'tmkit tm'; did you mean 'tmkit tm lookup'? (its commands: add, import, export, lookup, concordance, list, remove, stats, optimize, verify, copy, init)\n")
        r = try CLI.run(["glosary", "find"])
        XCTAssertTrue(r.stderr.contains("did you mean 'tmkit glossary'?"), r.stderr)
        r = try CLI.run(["tm", "zzzzzz"])
        XCTAssertTrue(r.stderr.contains("'zzzzzz' is not a command of 'tmkit tm' (its commands:"), r.stderr)
        // What is not a mistyped subcommand goes on to the parser as before.
        XCTAssertEqual(try CLI.run(["tm", "--help"]).status, 0)
        XCTAssertEqual(try CLI.run(["serve", "token", "--help"]).status, 0)
        XCTAssertEqual(try CLI.run(["help", "tm"]).status, 0)
    }
}
