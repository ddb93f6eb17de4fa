import Foundation

/// Where a memory or glossary lives in PostgreSQL, as a user names it:
/// `postgres://user[:password]@host[:port]/database?memory=news` (or `postgresql://`; `glossary=`
/// for a glossary; `sslmode=disable|prefer|require`; a `host=/run/postgresql` parameter for a
/// Unix socket folder). The password may also come from `$PGPASSWORD`.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// A Unix socket folder (`host=/path` in the query), used instead of TCP when set.
    public var socketFolder: String?
    public var user: String
    public var password: String?
    public var database: String
    /// The memory's (or glossary's) name inside the database: several live side by side.
    public var name: String
    public var sslMode: SSLMode

    public enum SSLMode: String, Sendable { case disable, prefer, require }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Whether `text` names a PostgreSQL location rather than a file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses a URL; `nameKey` is the query parameter naming the store ("memory" or "glossary").
    public init(url text: String, nameKey: String = "memory", environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard Self.isURL(text), let c = URLComponents(string: text) else {
            throw Invalid(description: "'\(Self.redacted(text))' is not a PostgreSQL URL (postgres://user@host:5432/database?\(nameKey)=NAME)")
        }
        var query: [String: String] = [:]
        for item in c.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let known: Set<String> = [nameKey, "sslmode", "host", "port", "user", "password"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw Invalid(description: "\(Self.redacted(text)): unknown parameter '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        socketFolder = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        host = c.host.flatMap { $0.isEmpty ? nil : $0 } ?? query["host"].flatMap { $0.hasPrefix("/") ? nil : $0 } ?? "localhost"
        if let p = c.port { port = p } else if let p = query["port"] {
            guard let n = Int(p), (1...65535).contains(n) else { throw Invalid(description: "\(Self.redacted(text)): port '\(p)' is not a port number") }
            port = n
        } else {
            port = 5432
        }
        user = (c.user?.removingPercentEncoding).flatMap { $0.isEmpty ? nil : $0 } ?? query["user"] ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        password = c.password?.removingPercentEncoding ?? query["password"] ?? environment["PGPASSWORD"]
        let path = c.path.hasPrefix("/") ? String(c.path.dropFirst()) : c.path
        guard !path.isEmpty, !path.contains("/") else {
            throw Invalid(description: "\(Self.redacted(text)): the URL names no database (postgres://user@host:5432/DATABASE?\(nameKey)=NAME)")
        }
        database = path.removingPercentEncoding ?? path
        name = query[nameKey].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        guard name.count <= 200, !name.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw Invalid(description: "\(Self.redacted(text)): the \(nameKey) name must be one line of at most 200 characters")
        }
        guard let mode = SSLMode(rawValue: query["sslmode"] ?? "disable") else {
            throw Invalid(description: "\(Self.redacted(text)): sslmode must be disable, prefer or require")
        }
        sslMode = mode
        self.nameKey = nameKey
    }

    private let nameKey: String

    /// The URL without its password (for messages and logs).
    public var description: String {
        if let socketFolder { return "postgres://\(user)@/\(database)?host=\(socketFolder)&port=\(port)&\(nameKey)=\(name)" }
        return "postgres://\(user)@\(host):\(port)/\(database)?\(nameKey)=\(name)"
    }

    /// The server's address, for messages.
    public var server: String { socketFolder.map { "\($0)/.s.PGSQL.\(port)" } ?? "\(host):\(port)" }

    /// `text` with any password in it replaced by `***`.
    public static func redacted(_ text: String) -> String {
        guard var c = URLComponents(string: text) else { return text }
        if c.password != nil { c.password = "***" }
        if let items = c.queryItems, items.contains(where: { $0.name == "password" }) {
            c.queryItems = items.map { $0.name == "password" ? URLQueryItem(name: "password", value: "***") : $0 }
        }
        return c.string ?? text
    }
}
