import Foundation
import XCTest

final class TMCommandTests: XCTestCase {
    var memory: String!

    override func setUp() {
        memory = FileManager.default.temporaryDirectory.appendingPathComponent("tmkit-e2e-\(UUID().uuidString).tmdb").path
    }

    func tm(_ args: [String], stdin: Data? = nil) throws -> CLI.Result {
        try CLI.run(["tm"] + args + ["--memory", memory], stdin: stdin)
    }

    func testImportLookupConcordanceListRemoveStats() throws {
        var r = try tm(["import", CLI.fixture("ui-strings.en-ru.tsv")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("9 units read; 9 added"), r.stdout)

        r = try tm(["add", "So far, the Russian Aerospace Forces have carried out around 1,800 sorties.",
                    "К настоящему времени ВКС РФ совершили около 1800 боевых вылетов.", "--source-lang", "en", "--target-lang", "ru"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "unit 10: added\n")

        r = try tm(["lookup", "So far, the Russian Aerospace Forces have carried out around 2,000 sorties.",
                    "--source-lang", "en", "--target-lang", "ru", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let ms = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(ms.count, 1)
        XCTAssertEqual(ms[0]["score"] as? Int, 98)
        XCTAssertEqual(ms[0]["target"] as? String, "К настоящему времени ВКС РФ совершили около 1800 боевых вылетов.")
        let diff = ms[0]["diff"] as! [[String: String]]
        XCTAssertEqual(diff.filter { $0["op"] != "equal" }, [["op": "replace", "query": "2,000", "match": "1,800"]])

        r = try tm(["lookup", "So far, the Russian Aerospace Forces have carried out around 2,000 sorties.",
                    "--source-lang", "en", "--target-lang", "ru"])
        XCTAssertTrue(r.stdout.hasPrefix("98%  unit 10\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("[-1,800-]{+2,000+}"), r.stdout)

        r = try tm(["concordance", "NEWSFEED", "--source-lang", "en", "--target-lang", "ru", "--format", "json"])
        let hits = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(hits.map { $0["target"] as? String }, ["Лента новостей"])

        r = try tm(["stats", "--format", "json"])
        let stats = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(stats["units"] as? Int, 10)

        r = try tm(["remove", "10"])
        XCTAssertEqual(r.status, 0)
        r = try tm(["remove", "10"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("no unit 10"), r.stderr)
        r = try tm(["list", "--format", "json"])
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [Any]).count, 9)
    }

    func testOptimizeMergesTheSideTablesAndLookupsStayTheSame() throws {
        XCTAssertEqual(try tm(["import", CLI.fixture("ui-strings.en-ru.tsv")]).status, 0)
        // A second, small write: its keys and list parts go to the side tables.
        XCTAssertEqual(try tm(["add", "Subscribe to the newsfeed", "Подписаться на ленту новостей",
                               "--source-lang", "en", "--target-lang", "ru"]).status, 0)
        let query = ["lookup", "Subscribe to our newsfeed", "--source-lang", "en", "--target-lang", "ru", "--format", "json", "--threshold", "50"]
        let before = try tm(query).stdout
        XCTAssertTrue(before.contains("Подписаться на ленту новостей"), before)

        let r = try tm(["optimize", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let o = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertGreaterThan(o["duplicateKeysMerged"] as? Int ?? 0, 0, r.stdout)
        XCTAssertGreaterThan(o["deltaPartsMerged"] as? Int ?? 0, 0, r.stdout)
        XCTAssertGreaterThan(o["listsRewritten"] as? Int ?? 0, 0, r.stdout)
        XCTAssertEqual(o["compacted"] as? Bool, true)
        for k in ["partsBefore", "partsAfter", "bytesBefore", "bytesAfter", "seconds"] { XCTAssertNotNil(o[k], k) }
        XCTAssertEqual(try tm(query).stdout, before)

        let text = try tm(["optimize"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("0 duplicate keys and 0 list parts merged"), text.stdout)
        // Not a memory: a clear error, non-zero exit.
        let fake = try CLI.temporaryFile("not-a-memory.tmdb", bytes: Array("hello".utf8))
        let bad = try CLI.run(["tm", "optimize", "--memory", fake])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains(fake), bad.stderr)
    }

    func testTSVExportImportsBackWithTextsKeysNotesAndContext() throws {
        XCTAssertEqual(try tm(["import", CLI.fixture("ui-strings.en-ru.tsv")]).status, 0)
        // Tabs, line breaks and backslashes inside texts; a note; a context; a unit in another pair.
        XCTAssertEqual(try tm(["add", "Path:\tC:\\news\nline two", "Путь:\tC:\\news\nвторая строка", "--source-lang", "en", "--target-lang", "ru",
                               "--key", "path.label", "--note", "shown in settings", "--context-prev", "Settings"]).status, 0, "add")
        XCTAssertEqual(try tm(["add", "Newsfeed", "Fil d'actualité", "--source-lang", "en", "--target-lang", "fr"]).status, 0)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tmkit-export-\(UUID().uuidString).tsv").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try tm(["export", out, "--source-lang", "en", "--target-lang", "ru"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "\(out): 10 units\n")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.first, "en\tru\tkey\tnote\tcontext")
        XCTAssertEqual(lines.count, 12, text) // header, 10 units, the final line break
        XCTAssertTrue(lines.contains("Path:\\tC:\\\\news\\nline two\tПуть:\\tC:\\\\news\\nвторая строка\tpath.label\tshown in settings\tSettings"), text)
        XCTAssertFalse(text.contains("Fil d'actualité"))

        // Read back into a new memory: the same texts, keys, notes and context.
        let back = FileManager.default.temporaryDirectory.appendingPathComponent("tmkit-back-\(UUID().uuidString).tmdb").path
        XCTAssertEqual(try CLI.run(["tm", "import", out, "--memory", back]).status, 0)
        func units(_ memory: String) throws -> [[String]] {
            let r = try CLI.run(["tm", "list", "--format", "json", "--lang", "ru", "--memory", memory])
            return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]).map { u in
                (u["variants"] as! [[String: String]]).map { $0["text"]! } + [u["key"] as? String ?? "", (u["notes"] as! [String]).joined()]
            }.sorted { $0.lexicographicallyPrecedes($1) }
        }
        XCTAssertEqual(try units(back), try units(memory))
        XCTAssertEqual(try units(back).count, 10)

        // To standard output with --format; a TSV export without a language pair is refused.
        let piped = try tm(["export", "-", "--format", "tsv", "--source-lang", "en", "--target-lang", "fr"])
        XCTAssertEqual(piped.stdout, "en\tfr\tkey\tnote\tcontext\nNewsfeed\tFil d'actualité\t\t\t\n")
        let bad = try tm(["export", out + "2.tsv", "--source-lang", "en"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--target-lang"), bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "2.tsv"))
    }

    func testBatchLookupPrintsJSONLinesInQueryOrder() throws {
        XCTAssertEqual(try tm(["import", CLI.fixture("ui-strings.en-ru.tsv")]).status, 0)
        let batch = try CLI.temporaryFile("queries.txt", bytes: Array("Subscribe\nnothing like it at all\nNewsfeed\n".utf8))
        let r = try tm(["lookup", "--batch", batch, "--source-lang", "en", "--target-lang", "ru", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        let parsed = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [[String: Any]] }
        XCTAssertEqual(parsed[0].first?["target"] as? String, "Подписаться")
        XCTAssertTrue(parsed[1].isEmpty)
        XCTAssertEqual(parsed[2].first?["target"] as? String, "Лента новостей")
    }

    func testABrokenImportStoresNothing() throws {
        XCTAssertEqual(try tm(["import", CLI.fixture("ui-strings.en-ru.tsv")]).status, 0)
        let good = try CLI.temporaryFile("good.tsv", bytes: Array("en\tru\nOne\tОдин\nTwo\tДва\n".utf8))
        let bad = try CLI.temporaryFile("bad.tsv", bytes: Array("en\tru\nThree\tТри\nbroken line without tab\n".utf8))
        let r = try tm(["import", good, bad])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("bad.tsv:3: 1 fields where the header has 2 (nothing was imported)"), r.stderr)
        let s = try tm(["stats", "--format", "json"])
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as! [String: Any])["units"] as? Int, 9)
    }

    func testNotAMemoryIsRefused() throws {
        let fake = try CLI.temporaryFile("fake.tmdb", bytes: Array("just text".utf8))
        let r = try CLI.run(["tm", "stats", "--memory", fake])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("not a tmkit memory"), r.stderr)
        let missing = try CLI.run(["tm", "lookup", "x", "--source-lang", "en", "--target-lang", "ru", "--memory", "/nonexistent/m.tmdb"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no memory here"), missing.stderr)
    }

    func testImportsADebianCatalog() throws {
        let mo = "/usr/share/locale/ru/LC_MESSAGES/apt.mo"
        try XCTSkipUnless(FileManager.default.fileExists(atPath: mo), "no apt.mo on this machine")
        let r = try tm(["import", mo])
        XCTAssertEqual(r.status, 0, r.stderr)
        let s = try tm(["stats", "--format", "json"])
        let stats = try JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as! [String: Any]
        XCTAssertGreaterThan(stats["units"] as! Int, 100)
        let pairs = stats["pairs"] as! [[String: Any]]
        XCTAssertEqual(pairs.first?["source"] as? String, "en")
        XCTAssertEqual(pairs.first?["target"] as? String, "ru")
    }
}

final class TMXCommandTests: XCTestCase {
    func testImportExportRoundTripAndSkipBad() throws {
        let memory = FileManager.default.temporaryDirectory.appendingPathComponent("tmx-\(UUID().uuidString).tmdb").path
        let fixture = CLI.fixtures.deletingLastPathComponent().appendingPathComponent("tmx/inline-props-3lang.tmx").path
        var r = try CLI.run(["tm", "import", fixture, "--memory", memory])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("3 units read; 3 added"), r.stdout)
        let out = memory + ".tmx"
        r = try CLI.run(["tm", "export", out, "--memory", memory, "--source-lang", "en"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let xml = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(xml.contains("srclang=\"en\""))
        XCTAssertTrue(xml.contains("<tu tuid=\"nav-1\" creationdate=\"20151001T120000Z\" creationid=\"alice\""), xml)
        XCTAssertTrue(xml.contains("<seg>Click <bpt i=\"1\" type=\"bold\">&lt;b&gt;</bpt>Save<ept i=\"1\">&lt;/b&gt;</ept>"), xml)
        XCTAssertTrue(xml.contains("<prop type=\"x-status\">approved</prop>"), xml)
        // Only Russian with English, to standard output.
        r = try CLI.run(["tm", "export", "-", "--memory", memory, "--source-lang", "en", "--target-lang", "de"])
        XCTAssertEqual(r.stdout.components(separatedBy: "<tu ").count - 1, 1)
        XCTAssertFalse(r.stdout.contains("ru-RU"))

        // A broken file stores nothing; --skip-bad keeps the good units and names the bad ones.
        let bad = try CLI.temporaryFile("bad.tmx", bytes: Array("""
        <?xml version="1.0"?><tmx version="1.4"><header srclang="en"/><body>
        <tu><tuv xml:lang="en"><seg>One more</seg></tuv><tuv xml:lang="ru"><seg>Ещё</seg></tuv></tu>
        <tu><tuv xml:lang="1"><seg>x</seg></tuv></tu>
        </body></tmx>
        """.utf8))
        r = try CLI.run(["tm", "import", bad, "--memory", memory])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("bad.tmx:3: '1' is not a language tag (nothing was imported)"), r.stderr)
        r = try CLI.run(["tm", "stats", "--memory", memory, "--format", "json"])
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["units"] as? Int, 3)
        r = try CLI.run(["tm", "import", bad, "--memory", memory, "--skip-bad"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("bad.tmx:3: skipped: '1' is not a language tag"), r.stderr)
        XCTAssertTrue(r.stdout.contains("1 units read; 1 added"), r.stdout)
    }
}

final class FilesFromTests: XCTestCase {
    /// `--files-from` imports the files a list names (with those on the command line) in the one
    /// transaction; a listed file that is missing is named, and nothing is stored.
    func testImportsTheListedFilesInOneWrite() throws {
        let memory = FileManager.default.temporaryDirectory.appendingPathComponent("list-\(UUID().uuidString).tmdb").path
        let a = try CLI.temporaryFile("a.tsv", bytes: Array("en\tru\nOpen file\tОткрыть файл\nSave\tСохранить\n".utf8))
        let b = try CLI.temporaryFile("b.tsv", bytes: Array("en\tru\nClose\tЗакрыть\n".utf8))
        let c = try CLI.temporaryFile("c.tsv", bytes: Array("en\tde\nClose\tSchließen\n".utf8))
        let list = try CLI.temporaryFile("list.txt", bytes: Array("\(b)\n\n\(c)\n".utf8))
        var r = try CLI.run(["tm", "import", a, "--files-from", list, "--memory", memory])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("3 files: 4 units read; 4 added"), r.stdout)

        let missing = try CLI.temporaryFile("missing.txt", bytes: Array("\(a)\n/nonexistent/z.tsv\n".utf8))
        let other = FileManager.default.temporaryDirectory.appendingPathComponent("list-\(UUID().uuidString).tmdb").path
        r = try CLI.run(["tm", "import", "--files-from", missing, "--memory", other])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("/nonexistent/z.tsv"), r.stderr)
        r = try CLI.run(["tm", "stats", "--memory", other, "--format", "json"])
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["units"] as? Int, 0)

        r = try CLI.run(["tm", "import", "--memory", other])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--files-from"), r.stderr)
    }
}

final class InterruptedImportTests: XCTestCase {
    /// A bulk import killed mid-way (SIGKILL: no chance to clean up) leaves the memory as it was,
    /// back in WAL mode, the next time it is opened.
    func testAKilledImportIsRolledBackOnTheNextOpen() throws {
        let memory = FileManager.default.temporaryDirectory.appendingPathComponent("killed-\(UUID().uuidString).tmdb").path
        XCTAssertEqual(try CLI.run(["tm", "add", "Before", "До", "--source-lang", "en", "--target-lang", "ru", "--memory", memory]).status, 0)
        var tsv = "en\tru\n"
        for i in 0..<40_000 { tsv += "Sentence number \(i) of a long import, with a few more words\tПредложение номер \(i) длинного импорта\n" }
        let file = try CLI.temporaryFile("long.tsv", bytes: Array(tsv.utf8))
        let p = Process()
        p.executableURL = CLI.executable
        p.arguments = ["tm", "import", file, "--memory", memory]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Kill it once it is writing: its rollback journal exists.
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: memory + "-journal") && p.isRunning && Date() < deadline { usleep(20_000) }
        usleep(300_000)
        guard p.isRunning else { throw XCTSkip("the import finished before it could be interrupted") }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let stats = try CLI.run(["tm", "stats", "--memory", memory, "--format", "json"])
        XCTAssertEqual(stats.status, 0, stats.stderr)
        let obj = try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(obj["units"] as? Int, 1, stats.stdout)
        let lookup = try CLI.run(["tm", "lookup", "Before", "--source-lang", "en", "--target-lang", "ru", "--memory", memory])
        XCTAssertTrue(lookup.stdout.contains("До"), lookup.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: memory + "-journal"))
    }
}
