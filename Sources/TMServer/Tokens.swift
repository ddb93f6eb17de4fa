import Foundation

/// What a token may do with one memory or glossary. Each role includes the ones before it.
public enum Role: String, Sendable, Comparable, CaseIterable {
    /// Look up, search, list, export.
    case read
    /// Add, edit and remove units and terms; import.
    case write
    /// Optimize and verify stores; list the server's tokens.
    case admin

    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }
    private var rank: Int { self == .read ? 0 : self == .write ? 1 : 2 }
}

/// One store a grant covers: a memory or glossary by name, or all of a kind (name nil).
public struct Grant: Sendable, Equatable {
    public enum Kind: String, Sendable { case memory, glossary }
    public var kind: Kind
    public var name: String?
    public var role: Role
    public init(kind: Kind, name: String?, role: Role) {
        self.kind = kind
        self.name = name
        self.role = role
    }
}

/// A token as stored: its name, the SHA-256 of its secret (never the secret), what it may do.
public struct TokenRecord: Sendable, Equatable {
    public var name: String
    public var digest: String
    public var grants: [Grant]
    public var created: Date

    /// The role this token has on a store (nil: none).
    public func role(_ kind: Grant.Kind, _ store: String) -> Role? {
        grants.filter { $0.kind == kind && ($0.name == nil || $0.name == store) }.map(\.role).max()
    }
}

/// The server's tokens: a JSON file (mode 0600) of names, digests and grants. The server reads it
/// again whenever it changes, so `tmkit serve token add` takes effect without a restart.
public final class TokenFile: @unchecked Sendable {
    public let path: String
    private let lock = NSLock()
    private var records: [TokenRecord] = []
    private var byDigest: [String: TokenRecord] = [:]
    private var loadedStamp: (Int, Int)? = nil

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(path: String) throws {
        self.path = path
        try reloadIfChanged()
    }

    /// The record of a secret sent by a client, or nil.
    public func record(forSecret secret: String) -> TokenRecord? {
        try? reloadIfChanged()
        let d = SHA256.hex(secret)
        lock.lock()
        defer { lock.unlock() }
        return byDigest[d]
    }

    public var all: [TokenRecord] {
        try? reloadIfChanged()
        lock.lock()
        defer { lock.unlock() }
        return records
    }

    /// Adds a token; returns its secret, which is shown once and stored only as a digest.
    public func add(name: String, grants: [Grant]) throws -> String {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.@".contains($0) }) else {
            throw Failure(description: "token name '\(name)': use letters, digits and - _ . @")
        }
        try reloadIfChanged()
        lock.lock()
        defer { lock.unlock() }
        if records.contains(where: { $0.name == name }) {
            throw Failure(description: "\(path): a token named '\(name)' exists; revoke it first")
        }
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        let secret = "tmk_" + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        var next = records
        next.append(TokenRecord(name: name, digest: SHA256.hex(secret), grants: grants, created: Date()))
        try save(next)
        return secret
    }

    /// Removes a token by name; false when there is none.
    public func revoke(name: String) throws -> Bool {
        try reloadIfChanged()
        lock.lock()
        defer { lock.unlock() }
        guard records.contains(where: { $0.name == name }) else { return false }
        try save(records.filter { $0.name != name })
        return true
    }

    // MARK: The file

    private func stamp() -> (Int, Int)? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return (Int(st.st_mtim.tv_sec) * 1_000_000_000 + Int(st.st_mtim.tv_nsec), Int(st.st_ino))
    }

    private func reloadIfChanged() throws {
        let now = stamp()
        lock.lock()
        defer { lock.unlock() }
        if let now, let loaded = loadedStamp, now == loaded { return }
        guard now != nil else {
            records = []
            byDigest = [:]
            loadedStamp = nil
            return
        }
        records = try parse(try Data(contentsOf: URL(fileURLWithPath: path)))
        byDigest = Dictionary(records.map { ($0.digest, $0) }, uniquingKeysWith: { a, _ in a })
        loadedStamp = now
    }

    private func parse(_ data: Data) throws -> [TokenRecord] {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let list = root["tokens"] as? [[String: Any]] else {
            throw Failure(description: "\(path): not a tmkit token file (expected {\"tokens\": [...]})")
        }
        return try list.enumerated().map { i, o in
            guard let name = o["name"] as? String, let digest = o["sha256"] as? String, let grants = o["grants"] as? [[String: Any]] else {
                throw Failure(description: "\(path): token \(i + 1): needs name, sha256 and grants")
            }
            let gs = try grants.map { g -> Grant in
                guard let k = (g["kind"] as? String).flatMap(Grant.Kind.init), let r = (g["role"] as? String).flatMap(Role.init) else {
                    throw Failure(description: "\(path): token '\(name)': a grant needs kind (memory|glossary) and role (read|write|admin)")
                }
                return Grant(kind: k, name: g["name"] as? String, role: r)
            }
            return TokenRecord(name: name, digest: digest, grants: gs, created: Date(timeIntervalSince1970: o["created"] as? Double ?? 0))
        }
    }

    /// Writes the records (a new file renamed over the old: never half written), mode 0600.
    private func save(_ list: [TokenRecord]) throws {
        let objects: [[String: Any]] = list.map { r in
            ["name": r.name, "sha256": r.digest, "created": r.created.timeIntervalSince1970,
             "grants": r.grants.map { g -> [String: Any] in
                 var o: [String: Any] = ["kind": g.kind.rawValue, "role": g.role.rawValue]
                 if let n = g.name { o["name"] = n }
                 return o
             }]
        }
        let data = try JSONSerialization.data(withJSONObject: ["tokens": objects], options: [.prettyPrinted, .sortedKeys])
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let tmp = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: tmp, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw Failure(description: "\(path): cannot write (\(String(cString: strerror(errno))))")
        }
        guard rename(tmp, path) == 0 else {
            unlink(tmp)
            throw Failure(description: "\(path): cannot write (\(String(cString: strerror(errno))))")
        }
        records = list
        byDigest = Dictionary(list.map { ($0.digest, $0) }, uniquingKeysWith: { a, _ in a })
        loadedStamp = stamp()
    }
}
