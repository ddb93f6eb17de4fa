import Foundation
import XCTest

final class VerifyCommandTests: XCTestCase {
    func testVerifyReportsCountsAndExitsZeroOnAHealthyMemoryAndGlossary() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tmkit-verify-\(UUID().uuidString)")
        let memory = dir.appendingPathComponent("m.tmdb").path
        let glossary = dir.appendingPathComponent("g.tbdb").path
        var r = try CLI.run(["tm", "import", CLI.fixture("ui-strings.en-ru.tsv"), "--memory", memory])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try CLI.run(["tm", "verify", "--memory", memory, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(obj["ok"] as? Bool, true)
        XCTAssertEqual(obj["repaired"] as? Bool, false)
        XCTAssertEqual((obj["counts"] as? [String: Int])?["units"], 9)
        XCTAssertEqual((obj["counts"] as? [String: Int])?["variants"], 18)
        XCTAssertEqual((obj["problems"] as? [Any])?.count, 0)
        r = try CLI.run(["tm", "verify", "--memory", memory])
        XCTAssertTrue(r.stdout.hasPrefix("\(memory): 9 units, 18 variants, "), r.stdout)
        XCTAssertTrue(r.stdout.contains("\nok ("), r.stdout)

        r = try CLI.run(["glossary", "import", CLI.fixture("glossary.en-ru.tsv"), "--glossary", glossary])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try CLI.run(["glossary", "verify", "--glossary", glossary, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let g = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(g["ok"] as? Bool, true)
        XCTAssertGreaterThan((g["counts"] as? [String: Int])?["terms"] ?? 0, 0)

        // A file that is not a memory: a clear error, exit 1.
        let notMemory = dir.appendingPathComponent("notes.tmdb").path
        try Data("just some text, not a database at all".utf8).write(to: URL(fileURLWithPath: notMemory))
        r = try CLI.run(["tm", "verify", "--memory", notMemory])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "tmkit: \(notMemory): not a tmkit memory (not an SQLite database)\n")
    }
}
