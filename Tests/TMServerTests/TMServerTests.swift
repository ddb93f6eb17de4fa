import Foundation
@testable import TMServer
import XCTest

final class SHA256Tests: XCTestCase {
    func testKnownDigests() {
        // FIPS 180-4 examples, and a message across two blocks.
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex(String(repeating: "a", count: 1000)), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}

final class QueryTests: XCTestCase {
    func testDecodesPlusAndPercent() {
        let q = Query("text=Hello+world%21&sourceLang=en&x=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82&empty=&flag")
        XCTAssertEqual(q["text"], "Hello world!")
        XCTAssertEqual(q["x"], "Привет")
        XCTAssertEqual(q["empty"], "")
        XCTAssertEqual(q["flag"], "")
        XCTAssertNil(q["missing"])
    }

    func testMalformedEscapesAreKeptAsSent() {
        XCTAssertNil(Query.percentDecoded("50%"))
        XCTAssertNil(Query.percentDecoded("%FF%FE"))  // not UTF-8
        XCTAssertEqual(Query("a=50%").string, "50%")
    }

    func testTypedValuesNameTheField() {
        let q = Query("threshold=500&exhaustive=maybe&lang=en_US!")
        XCTAssertThrowsError(try q.int("threshold", default: 75, in: 0...100)) { e in
            XCTAssertEqual((e as? APIError)?.field, "threshold")
        }
        XCTAssertThrowsError(try q.bool("exhaustive"))
        XCTAssertThrowsError(try q.language("lang")) { e in XCTAssertEqual((e as? APIError)?.status.code, 400) }
        XCTAssertEqual(try Query("").int("limit", default: 5, in: 1...100), 5)
    }
}

extension Query {
    fileprivate var string: String? { self["a"] }
}

final class TokenFileTests: XCTestCase {
    var folder: String!

    override func setUp() {
        folder = NSTemporaryDirectory() + "tmkit-tokens-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    func testTokensAreStoredAsDigestsAndChecked() throws {
        let path = folder + "/tokens.json"
        let file = try TokenFile(path: path)
        let secret = try file.add(name: "alice", grants: [Grant(kind: .memory, name: "news", role: .write)])
        XCTAssertTrue(secret.hasPrefix("tmk_") && secret.count > 40)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertFalse(text.contains(secret))
        XCTAssertTrue(text.contains(SHA256.hex(secret)))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)

        let record = try XCTUnwrap(file.record(forSecret: secret))
        XCTAssertEqual(record.role(.memory, "news"), .write)
        XCTAssertNil(record.role(.memory, "other"))
        XCTAssertNil(record.role(.glossary, "news"))
        XCTAssertNil(file.record(forSecret: secret + "x"))
        XCTAssertThrowsError(try file.add(name: "alice", grants: []))
        XCTAssertThrowsError(try file.add(name: "no spaces", grants: []))
    }

    func testAnotherProcessesChangesAreSeen() throws {
        let path = folder + "/tokens.json"
        let server = try TokenFile(path: path)
        let admin = try TokenFile(path: path)  // as `tmkit serve token add` would, beside a running server
        let secret = try admin.add(name: "bob", grants: [Grant(kind: .memory, name: nil, role: .read), Grant(kind: .glossary, name: nil, role: .admin)])
        let record = try XCTUnwrap(server.record(forSecret: secret))
        XCTAssertEqual(record.role(.memory, "anything"), .read)
        XCTAssertEqual(record.role(.glossary, "terms"), .admin)
        XCTAssertTrue(try admin.revoke(name: "bob"))
        XCTAssertNil(server.record(forSecret: secret))
        XCTAssertFalse(try admin.revoke(name: "bob"))
    }

    func testRolesAreOrdered() {
        XCTAssertTrue(Role.read < Role.write && Role.write < Role.admin)
        let r = TokenRecord(name: "x", digest: "", grants: [Grant(kind: .memory, name: nil, role: .read), Grant(kind: .memory, name: "news", role: .admin)],
                            created: Date())
        XCTAssertEqual(r.role(.memory, "news"), .admin)
        XCTAssertEqual(r.role(.memory, "other"), .read)
    }

    func testAFileThatIsNotATokenFileIsRefused() throws {
        let path = folder + "/tokens.json"
        try "[1, 2]".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TokenFile(path: path)) { e in
            XCTAssertTrue("\(e)".contains("not a tmkit token file"))
        }
    }
}
