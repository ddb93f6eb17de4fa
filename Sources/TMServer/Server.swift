import Foundation
import Hummingbird
import HummingbirdCore
import Logging

/// How `tmkit serve` runs: what it serves, where, to whom, within which limits.
public struct ServerConfiguration: Sendable {
    public struct Store: Sendable {
        public var name: String
        /// A file, or (a memory) a postgres:// URL.
        public var path: String
        /// Where reads go instead (a PostgreSQL streaming replica of `path`'s database).
        public var readPath: String?
        public init(name: String, path: String, readPath: String? = nil) {
            self.name = name
            self.path = path
            self.readPath = readPath
        }
    }

    public var memories: [Store]
    public var glossaries: [Store]
    public var host = "127.0.0.1"
    public var port = 8080
    /// The token file (names, SHA-256 digests, grants).
    public var tokensPath: String
    /// Anyone may read (look up, search, export) without a token.
    public var publicRead = false
    /// The largest JSON request body.
    public var maxJSONBytes = 1 << 20
    /// The largest import (TMX, TSV, PO/MO, TBX) body.
    public var maxImportBytes = 512 << 20
    /// Texts in one batch lookup.
    public var maxBatch = 1000
    /// Seconds a connection may stay silent (a stalled upload included) before it is closed.
    public var idleTimeout = 60.0
    /// Threads that run the stores' reads and writes.
    public var workers = max(2, ProcessInfo.processInfo.activeProcessorCount)
    /// The version in answers and exports.
    public var version = "0"

    public init(memories: [Store], glossaries: [Store], tokensPath: String) {
        self.memories = memories
        self.glossaries = glossaries
        self.tokensPath = tokensPath
    }
}

/// `tmkit serve`: the JSON API (`/v1/…`), amaGama's API (`/tmserver/…`, `/api/v1/…`), the web page
/// (`/`), `/healthz` and `/metrics`, on Hummingbird.
public enum TMServer {
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Serves until SIGTERM or SIGINT; then stops accepting, lets the requests in flight finish,
    /// and returns. `onRunning` is called with the port once the server listens.
    public static func run(_ configuration: ServerConfiguration, logger: Logger, onRunning: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        signal(SIGPIPE, SIG_IGN)
        let hub: Hub
        do { hub = try Hub(configuration: configuration, logger: logger) } catch {
            throw StartError(description: "\(error)")
        }
        let router = Router(context: TMContext.self)
        router.middlewares.add(RequestLog(hub: hub))
        router.middlewares.add(Authentication())
        router.middlewares.add(AmaGamaMiddleware(hub: hub))
        Routes.add(to: router, hub: hub)
        var http = HTTP1Channel.Configuration()
        http.idleTimeout = .milliseconds(Int64(configuration.idleTimeout * 1000))
        let app = Application(
            router: router,
            server: .http1(configuration: http),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "tmkit/\(configuration.version)"),
            onServerRunning: { channel in onRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}

/// One log line a request: method, path, status, milliseconds, token name; and the metrics.
struct RequestLog: RouterMiddleware {
    let hub: Hub

    func handle(_ request: Request, context: TMContext, next: (Request, TMContext) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now()
        var status = 500
        // The token is looked up once, here; `Authentication` refuses a header that names none.
        var context = context
        context.token = Authentication.secret(request).flatMap { hub.tokens.record(forSecret: $0) }
        let tokenName = request.headers[.authorization] == nil ? "-" : (context.token?.name ?? "?")
        defer {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            let route = context.endpointPath ?? (request.uri.path.hasPrefix("/tmserver/") || request.uri.path.hasPrefix("/api/v1/") ? "amagama" : "other")
            hub.metrics.request(route: route, method: request.method.rawValue, status: status, seconds: seconds)
            hub.logger.info("\(request.method.rawValue) \(request.uri.path) \(status) \(String(format: "%.1f", seconds * 1000)) ms token=\(tokenName)")
        }
        do {
            let response = try await next(request, context)
            status = response.status.code
            return response
        } catch let e as APIError {
            status = e.status.code
            return try e.response(from: request, context: context)
        } catch let e as HTTPError {
            status = e.status.code
            let message = e.status == .notFound ? "no such path: \(request.method.rawValue) \(request.uri.path)" : (e.body ?? e.status.reasonPhrase)
            return try APIError(e.status, message).response(from: request, context: context)
        } catch let e as StoreFailure {
            status = 503
            return try APIError(.serviceUnavailable, e.description).response(from: request, context: context)
        } catch {
            status = 500
            hub.logger.error("\(request.method.rawValue) \(request.uri.path): \(error)")
            return try APIError(.internalServerError, "\(error)").response(from: request, context: context)
        }
    }
}

/// A store that could not do what was asked for a reason of its own (busy, full disk, read-only).
struct StoreFailure: Error, CustomStringConvertible {
    let description: String
}

/// Refuses (401) an `Authorization` header that is not `Bearer TOKEN` or names no known token; a
/// known one is in the context already (`RequestLog` looked it up) for the routes to check its role.
struct Authentication: RouterMiddleware {
    func handle(_ request: Request, context: TMContext, next: (Request, TMContext) async throws -> Response) async throws -> Response {
        if request.headers[.authorization] != nil && context.token == nil {
            throw APIError(.unauthorized, Authentication.secret(request) == nil ? "the Authorization header must be 'Bearer TOKEN'"
                                                                                 : "unknown or revoked token")
        }
        return try await next(request, context)
    }

    /// The token of `Authorization: Bearer TOKEN`, or nil.
    static func secret(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let s = parts[1].trimmingCharacters(in: .whitespaces)
        return s.isEmpty ? nil : s
    }
}
