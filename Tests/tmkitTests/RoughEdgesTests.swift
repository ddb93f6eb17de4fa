import Foundation
import XCTest

/// The rough edges a new user met (issue 24), each pinned.
final class RoughEdgesTests: XCTestCase {
    var folder: String!

    override func setUp() {
        folder = NSTemporaryDirectory() + "tmkit-edges-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    func testLookupShowsTheStoredSourceWithItsPunctuation() throws {
        let mem = folder + "/m.tmdb"
        try CLI.run(["tm", "add", "Hello, world.", "Привет, мир.", "--source-lang", "en", "--target-lang", "ru", "--memory", mem])
        try CLI.run(["tm", "add", "The Russian Foreign Ministry said Friday.", "МИД России сообщил в пятницу.",
                     "--source-lang", "en", "--target-lang", "ru", "--memory", mem])
        var r = try CLI.run(["tm", "lookup", "Hello, world.", "--source-lang", "en", "--target-lang", "ru", "--memory", mem])
        XCTAssertTrue(r.stdout.contains("  source: Hello, world.\n"), r.stdout)
        r = try CLI.run(["tm", "lookup", "The Russian Foreign Ministry said on Friday.", "--source-lang", "en", "--target-lang", "ru",
                         "--memory", mem, "--threshold", "50"])
        XCTAssertTrue(r.stdout.contains("  source: The Russian Foreign Ministry said {+on+} Friday.\n"), r.stdout)
        r = try CLI.run(["tm", "lookup", "The Russian Defence Ministry said Friday and more", "--source-lang", "en", "--target-lang", "ru",
                         "--memory", mem, "--threshold", "40"])
        XCTAssertTrue(r.stdout.contains("  source: The Russian [-Foreign-]{+Defence+} Ministry said Friday {+and more+}.\n"), r.stdout)
    }

    func testALookupThatFindsNothingSaysHowCloseTheBestUnitIs() throws {
        let mem = folder + "/m.tmdb"
        try CLI.run(["tm", "add", "So far, the forces have carried out around 1,800 sorties. Several hundreds of militants have been killed.",
                     "Уже совершено около 1800 вылетов. Убиты несколько сотен боевиков.", "--source-lang", "en", "--target-lang", "ru", "--memory", mem])
        var r = try CLI.run(["tm", "lookup", "So far, the forces have carried out around 2,000 sorties.", "--source-lang", "en", "--target-lang", "ru", "--memory", mem])
        XCTAssertTrue(r.stdout.hasPrefix("no match at or above 75% (the best is "), r.stdout)
        XCTAssertTrue(r.stdout.contains("%, unit 1: --threshold "), r.stdout)
        r = try CLI.run(["tm", "lookup", "Zebra crossing", "--source-lang", "en", "--target-lang", "ru", "--memory", mem])
        XCTAssertEqual(r.stdout, "no match at or above 75% (none above 30% either)\n")
    }

    func testGlossaryFindSaysWhenTheTextHasNoTerm() throws {
        let g = folder + "/g.tbdb"
        try CLI.run(["glossary", "import", CLI.fixture("glossary.en-ru.tsv"), "--glossary", g])
        let r = try CLI.run(["glossary", "find", "Nothing of the sort here.", "--source-lang", "en", "--glossary", g])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.hasPrefix("no glossary term in the text"), r.stdout)
    }

    func testWhereNamesTheFilesAndWhyAndAnInstalledToolUsesTheDataFolder() throws {
        let env = ["TMKIT_MEMORY": folder + "/chosen.tmdb", "TMKIT_GLOSSARY": "", "TMKIT_TOKENS": ""]
        var r = try CLI.run(["where"], environment: env)
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("memory: \(folder!)/chosen.tmdb ($TMKIT_MEMORY; not created yet)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("glossary: ") && r.stdout.contains("(default;"), r.stdout)
        // A PostgreSQL location is shown without its password, and not connected to.
        r = try CLI.run(["where"], environment: ["TMKIT_GLOSSARY": "postgres://desk:s3cret@db.example:5432/tmkit?glossary=news", "TMKIT_MEMORY": "", "TMKIT_TOKENS": ""])
        XCTAssertTrue(r.stdout.contains("glossary: postgres://desk:***@db.example:5432/tmkit?glossary=news ($TMKIT_GLOSSARY; in PostgreSQL)"), r.stdout)
        XCTAssertFalse(r.stdout.contains("s3cret"))
        // A copy of the program outside any checkout, run from a folder without Memories/: the user's data folder.
        let bin = folder + "/bin/tmkit"
        try FileManager.default.createDirectory(atPath: folder + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: CLI.executable.path, toPath: bin)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = ["where", "--format", "json"]
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        var penv = ProcessInfo.processInfo.environment
        penv["XDG_DATA_HOME"] = folder + "/data"
        for k in ["TMKIT_MEMORY", "TMKIT_GLOSSARY", "TMKIT_TOKENS", "TMKIT_SERVER"] { penv.removeValue(forKey: k) }
        p.environment = penv
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        p.waitUntilExit()
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: out.fileHandleForReading.readDataToEndOfFile()) as? [String: Any])
        XCTAssertEqual((json["memory"] as? [String: Any])?["path"] as? String, folder + "/data/tmkit/default.tmdb")
        XCTAssertEqual((json["glossary"] as? [String: Any])?["path"] as? String, folder + "/data/tmkit/default.tbdb")
        r = try CLI.run(["where", "--help"])
        XCTAssertTrue(r.stdout.contains("XDG_DATA_HOME"))
    }
}

/// A regional tag asked for (en-US, ru-RU) falls back to the memory's other tags of the language.
final class RegionFallbackTests: XCTestCase {
    func testLookupConcordanceAndExportFallBackFromTheRegionToTheLanguage() throws {
        let folder = NSTemporaryDirectory() + "tmkit-region-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let mem = folder + "/m.tmdb"
        try CLI.run(["tm", "add", "The desk meets at nine.", "Редакция собирается в девять.", "--source-lang", "en", "--target-lang", "ru", "--memory", mem])
        var r = try CLI.run(["tm", "lookup", "The desk meets at nine.", "--source-lang", "en-US", "--target-lang", "ru-RU", "--memory", mem])
        XCTAssertTrue(r.stdout.hasPrefix("100%  unit 1  (stored as en → ru: another region of the language asked for)\n"), r.stdout)
        r = try CLI.run(["tm", "lookup", "The desk meets at nine.", "--source-lang", "en-US", "--target-lang", "ru-RU", "--memory", mem, "--format", "json"])
        XCTAssertTrue(r.stdout.contains("\"languageFallback\": true"), r.stdout)
        // The tag asked for comes first when the memory has it too.
        try CLI.run(["tm", "add", "The desk meets at nine.", "Редакция собирается в 9.", "--source-lang", "en-US", "--target-lang", "ru-RU", "--memory", mem])
        r = try CLI.run(["tm", "lookup", "The desk meets at nine.", "--source-lang", "en-US", "--target-lang", "ru-RU", "--memory", mem, "--format", "json"])
        let matches = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(matches.first?["targetLang"] as? String, "ru-RU")
        XCTAssertNil(matches.first?["languageFallback"])
        // An exact request for the language alone is unchanged: "en" takes en and en-US.
        r = try CLI.run(["tm", "lookup", "The desk meets at nine.", "--source-lang", "en", "--target-lang", "ru", "--memory", mem, "--format", "json"])
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [Any])?.count, 2)
        r = try CLI.run(["tm", "concordance", "desk", "--source-lang", "en-GB", "--target-lang", "ru", "--memory", mem])
        XCTAssertTrue(r.stdout.contains("«desk»"), r.stdout)
        let tsv = folder + "/out.tsv"
        r = try CLI.run(["tm", "export", tsv, "--source-lang", "en-GB", "--target-lang", "ru-RU", "--memory", mem])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try String(contentsOfFile: tsv, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.count, 3, "\(rows)")
    }
}
