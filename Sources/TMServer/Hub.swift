import Foundation
import Glossary
import Hummingbird
import Logging
import MemoryStores

/// What a request carries besides itself: the token it was signed with (if any).
public struct TMContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    var token: TokenRecord?
    /// The token that was sent, for the request's log line ("-" when none; "?" when unknown).
    var tokenName: String { token?.name ?? "-" }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}

/// A memory or glossary the server serves: its name, its open stores and its writer thread.
protocol ServedStore: Sendable {
    associatedtype Store
    var name: String { get }
    var pool: StorePool<Store> { get }
    /// Where reads go: a replica's (`serve --read-url`), else `pool`.
    var readPool: StorePool<Store> { get }
    var writer: WorkerPool { get }
}

extension ServedStore {
    var readPool: StorePool<Store> { pool }
}

/// One memory the server serves: its name, where it is (a file or a PostgreSQL URL) and the open
/// stores of it; with a read location (a streaming replica), lookups and other reads go there.
final class MemoryHandle: ServedStore, @unchecked Sendable {
    let name: String
    let path: String
    let readPath: String?
    let pool: StorePool<any TranslationMemoryStore>
    let readPool: StorePool<any TranslationMemoryStore>
    /// The thread the memory's writes run on, one after another (imports included).
    let writer: WorkerPool
    /// The number of units (for /metrics and the list of memories).
    private let countCache = Cached<Int>()
    /// The languages of the units (amaGama's languages/).
    let languageCache = Cached<[String]>()

    init(name: String, path: String, readPath: String? = nil) throws {
        self.name = name
        self.path = path
        self.readPath = readPath
        let first = try MemoryStores.open(path, create: true)
        pool = StorePool(first: first) { try MemoryStores.open(path, create: false) }
        if let readPath {
            let reader = try MemoryStores.open(readPath, create: false)
            readPool = StorePool(first: reader) { try MemoryStores.open(readPath, create: false) }
        } else {
            readPool = pool
        }
        writer = WorkerPool(threads: 1, name: "tmkit-write-\(name)")
    }

    /// The number of units, read at most every ten seconds (for /metrics and the list of memories).
    func units() -> Int {
        if let n = countCache.get(maxAge: 10) { return n }
        let n = (try? readPool.with { try $0.count() }) ?? 0
        countCache.set(n)
        return n
    }

    /// After a write: the count and the languages are read again.
    func forgetCount() {
        countCache.clear()
        languageCache.clear()
    }
}

/// One glossary the server serves: its name, where it is (a file or a PostgreSQL URL) and the open stores of it.
final class GlossaryHandle: ServedStore, @unchecked Sendable {
    let name: String
    let path: String
    let pool: StorePool<any GlossaryStore>
    let writer: WorkerPool

    init(name: String, path: String) throws {
        self.name = name
        self.path = path
        let first = try GlossaryStores.open(path, create: true)
        pool = StorePool(first: first) { try GlossaryStores.open(path, create: false) }
        writer = WorkerPool(threads: 1, name: "tmkit-write-glossary-\(name)")
    }
}

/// Everything the routes share: the stores, the tokens, the limits, the metrics.
final class Hub: @unchecked Sendable {
    let configuration: ServerConfiguration
    let memories: [MemoryHandle]
    let glossaries: [GlossaryHandle]
    let tokens: TokenFile
    let workers: WorkerPool
    /// Threads that read exports from their pipes (kept apart so that a slow client never holds a lookup's worker).
    let streamers: WorkerPool
    let metrics = ServerMetrics()
    let logger: Logger

    init(configuration: ServerConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        memories = try configuration.memories.map { try MemoryHandle(name: $0.name, path: $0.path, readPath: $0.readPath) }
        glossaries = try configuration.glossaries.map { try GlossaryHandle(name: $0.name, path: $0.path) }
        tokens = try TokenFile(path: configuration.tokensPath)
        workers = WorkerPool(threads: configuration.workers, name: "tmkit-store")
        streamers = WorkerPool(threads: 4, name: "tmkit-stream")
    }

    // MARK: Access

    /// The role the request has on a store: its token's, else read when the server is public.
    func role(_ context: TMContext, _ kind: Grant.Kind, _ name: String) -> Role? {
        if let t = context.token { return t.role(kind, name) ?? (configuration.publicRead ? .read : nil) }
        return configuration.publicRead ? .read : nil
    }

    /// Throws 401 (no token) or 403 (a token without the role) unless the request may do `needed`.
    func require(_ context: TMContext, _ needed: Role, _ kind: Grant.Kind, _ name: String) throws {
        if let have = role(context, kind, name), have >= needed { return }
        if context.token == nil {
            throw APIError(.unauthorized, needed == .read ? "sign in: send a token as 'Authorization: Bearer …'"
                                                          : "this needs a token with the \(needed.rawValue) role on \(kind.rawValue) '\(name)'")
        }
        throw APIError(.forbidden, "the token '\(context.tokenName)' may not \(needed == .read ? "read" : needed == .write ? "write to" : "administer") \(kind.rawValue) '\(name)'")
    }

    func memory(_ context: TMContext, _ needed: Role) throws -> MemoryHandle {
        try named(memories, .memory, context, needed)
    }

    func glossary(_ context: TMContext, _ needed: Role) throws -> GlossaryHandle {
        try named(glossaries, .glossary, context, needed)
    }

    /// The store the path names (`:memory`, `:glossary`): 401 without a token on a private server
    /// (before any name is looked at), 404 for a name the server does not serve, else `require`.
    private func named<H: ServedStore>(_ list: [H], _ kind: Grant.Kind, _ context: TMContext, _ needed: Role) throws -> H {
        let name = context.parameters.get(kind.rawValue) ?? ""
        if context.token == nil && !configuration.publicRead {
            throw APIError(.unauthorized, "sign in: send a token as 'Authorization: Bearer …'")
        }
        guard let store = list.first(where: { $0.name == name }) else {
            throw APIError.notFound("no \(kind.rawValue) named '\(name)' (this server has \(list.map(\.name).joined(separator: ", ")))")
        }
        try require(context, needed, kind, store.name)
        return store
    }

    /// The memories the request may read.
    func readableMemories(_ context: TMContext) -> [MemoryHandle] {
        memories.filter { role(context, .memory, $0.name) != nil }
    }
}
