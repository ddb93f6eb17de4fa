import Foundation
import Logging
import PostgresNIO

/// A failure of the PostgreSQL store, said so that a user can act on it.
public struct PostgresStoreError: Error, CustomStringConvertible {
    public let description: String
    /// SQLSTATE of the server's error, when the server sent one.
    public let sqlState: String?

    init(_ description: String, sqlState: String? = nil) {
        self.description = description
        self.sqlState = sqlState
    }
}

/// One connection to PostgreSQL, used synchronously (the stores' callers are threads: the command
/// line, and the server's store workers, never its event loops). Each call runs the async
/// postgres-nio call on its event loop thread and waits for it.
final class PGSession: @unchecked Sendable {
    let connection: PostgresConnection
    let location: PostgresLocation
    let logger: Logger

    private init(connection: PostgresConnection, location: PostgresLocation, logger: Logger) {
        self.connection = connection
        self.location = location
        self.logger = logger
    }

    deinit { try? connection.close().wait() }

    static func connect(_ location: PostgresLocation) throws -> PGSession {
        var logger = Logger(label: "tmkit.postgres")
        logger.logLevel = .critical
        var config: PostgresConnection.Configuration
        let tls: PostgresConnection.Configuration.TLS
        switch location.sslMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        if let folder = location.socketFolder {
            config = .init(unixSocketPath: "\(folder)/.s.PGSQL.\(location.port)", username: location.user,
                           password: location.password, database: location.database)
        } else {
            config = .init(host: location.host, port: location.port, username: location.user, password: location.password,
                           database: location.database, tls: tls)
        }
        config.options.connectTimeout = .seconds(10)
        let id = Int.random(in: 1...Int.max)
        let log = logger
        let conf = config
        do {
            let connection = try blocking { try await PostgresConnection.connect(configuration: conf, id: id, logger: log) }
            return PGSession(connection: connection, location: location, logger: logger)
        } catch {
            throw describe(error, location: location, connecting: true)
        }
    }

    /// Runs `body` on a task and waits for it. With `connection`: when the connection closes while
    /// waiting (the server restarted, the network went away), gives up after a grace period
    /// instead of waiting for an answer that will not come.
    static func blocking<T>(connection: PostgresConnection? = nil, _ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            let r: Result<T, Error>
            do { r = .success(try await body()) } catch { r = .failure(error) }
            box.set(r)
            done.signal()
        }
        return try wait(done, box, connection: connection)
    }

    /// Waits for `future` on this (non event loop) thread, with the same watch on the connection.
    static func waiting<T>(for future: EventLoopFuture<T>, connection: PostgresConnection) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        future.whenComplete { r in
            box.set(r)
            done.signal()
        }
        return try wait(done, box, connection: connection)
    }

    private static func wait<T>(_ done: DispatchSemaphore, _ box: ResultBox<T>, connection: PostgresConnection?) throws -> T {
        guard let connection else {
            done.wait()
            return try box.get()!.get()
        }
        var closedSince: DispatchTime?
        while done.wait(timeout: .now() + .milliseconds(250)) == .timedOut {
            guard connection.isClosed else { continue }
            let now = DispatchTime.now()
            if let since = closedSince {
                if now.uptimeNanoseconds - since.uptimeNanoseconds > 2_000_000_000 { throw ConnectionClosed() }
            } else {
                closedSince = now
            }
        }
        return try box.get()!.get()
    }

    /// The rows of a query, all read. (Through postgres-nio's future interface: the rows are
    /// collected on the connection's event loop and handed to this thread once, without a task
    /// in between: a lookup's two queries took about 0.5 ms more through async iteration.)
    func rows(_ query: PostgresQuery) throws -> [PostgresRow] {
        let c = connection
        if c.isClosed { throw Self.describe(ConnectionClosed(), location: location, connecting: false) }
        do {
            return try Self.waiting(for: c.query(query, logger: logger), connection: c).rows
        } catch {
            throw Self.describe(error, location: location, connecting: false)
        }
    }

    /// Runs a statement, reading no rows.
    func run(_ query: PostgresQuery) throws {
        _ = try rows(query)
    }

    /// Runs SQL text without parameters (schema statements, BEGIN/COMMIT).
    func run(sql: String) throws {
        try run(PostgresQuery(unsafeSQL: sql))
    }

    /// `COPY table(columns) FROM STDIN` in text format, with the lines `produce` writes into the
    /// sink's buffer (sent in chunks of about a megabyte).
    func copy(table: String, columns: [String], _ produce: @escaping @Sendable (CopySink) async throws -> Void) throws {
        let c = connection, log = logger
        if c.isClosed { throw Self.describe(ConnectionClosed(), location: location, connecting: false) }
        do {
            try Self.blocking(connection: c) {
                try await c.copyFrom(table: table, columns: columns, logger: log) { writer in
                    let sink = CopySink(writer, connection: c)
                    try await produce(sink)
                    try await sink.finish()
                }
            }
        } catch {
            throw Self.describe(error, location: location, connecting: false)
        }
    }

    /// Whether a transaction of `transaction` is open on this session.
    private(set) var inTransaction = false

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    /// Inside a transaction of `transaction`, a nested call runs in it (no second BEGIN).
    func transaction<T>(_ begin: String = "BEGIN", _ body: () throws -> T) throws -> T {
        if inTransaction { return try body() }
        try run(sql: begin)
        inTransaction = true
        defer { inTransaction = false }
        do {
            let r = try body()
            try run(sql: "COMMIT")
            return r
        } catch {
            // (A closed connection has rolled the transaction back already.)
            if !connection.isClosed { try? run(sql: "ROLLBACK") }
            throw error
        }
    }

    /// A postgres-nio error as a sentence naming the server and what went wrong.
    static func describe(_ error: Error, location: PostgresLocation, connecting: Bool) -> Error {
        if error is PostgresStoreError { return error }
        if error is ConnectionClosed {
            return PostgresStoreError("the connection to PostgreSQL at \(location.server) was closed; nothing of the unfinished transaction was stored")
        }
        guard let e = error as? PSQLError else {
            let text = "\(error)"
            if connecting {
                return PostgresStoreError("cannot reach PostgreSQL at \(location.server): \(text)")
            }
            return PostgresStoreError("PostgreSQL at \(location.server): \(text)")
        }
        if let info = e.serverInfo {
            let message = info[.message] ?? "error"
            let state = info[.sqlState]
            switch state {
            case "28P01", "28000":
                return PostgresStoreError("PostgreSQL at \(location.server) refused user '\(location.user)': \(message)", sqlState: state)
            case "3D000":
                return PostgresStoreError("PostgreSQL at \(location.server) has no database '\(location.database)': \(message)", sqlState: state)
            default:
                var text = "PostgreSQL at \(location.server): \(message)"
                if let detail = info[.detail] { text += " (\(detail))" }
                return PostgresStoreError(text, sqlState: state)
            }
        }
        switch e.code {
        case .connectionError:
            let reason = e.underlying.map { "\($0)" } ?? "connection failed"
            return PostgresStoreError("cannot reach PostgreSQL at \(location.server): \(reason)")
        case .authMechanismRequiresPassword:
            return PostgresStoreError("PostgreSQL at \(location.server) asks a password of user '\(location.user)': give it in the URL (postgres://user:password@…) or in $PGPASSWORD")
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return PostgresStoreError("the connection to PostgreSQL at \(location.server) was closed (\(e.code)); nothing of the unfinished transaction was stored")
        default:
            let reason = e.underlying.map { ": \($0)" } ?? ""
            return PostgresStoreError("PostgreSQL at \(location.server): \(e.code)\(reason)")
        }
    }
}

/// The connection closed under a call (seen by tmkit, not by postgres-nio).
struct ConnectionClosed: Error {}

private final class ResultBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, Error>?
    func set(_ r: Result<T, Error>) { lock.lock(); result = r; lock.unlock() }
    func get() -> Result<T, Error>? { lock.lock(); defer { lock.unlock() }; return result }
}

/// Where a COPY's lines are written: a buffer sent to the server whenever it fills.
final class CopySink: @unchecked Sendable {
    var buffer = ByteBufferAllocator().buffer(capacity: 1 << 20)
    private let writer: PostgresCopyFromWriter
    private let connection: PostgresConnection
    init(_ writer: PostgresCopyFromWriter, connection: PostgresConnection) {
        self.writer = writer
        self.connection = connection
    }

    func flushIfFull() async throws {
        if buffer.readableBytes >= 1 << 20 { try await send() }
    }

    func finish() async throws {
        if buffer.readableBytes > 0 { try await send() }
    }

    /// (postgres-nio 1.33 stops the process when a COPY writes to a connection closed meanwhile:
    /// the connection is checked first.)
    private func send() async throws {
        if connection.isClosed { throw ConnectionClosed() }
        try await writer.write(buffer)
        buffer.clear()
    }
}
