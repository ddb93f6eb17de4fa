import ArgumentParser
import Foundation
import MemoryStores
import Logging
import Reports
import TMServer
import TranslationMemory

/// `--tokens`, shared by `serve` and `serve token …`.
struct TokenOptions: ParsableArguments {
    @Option(name: .long, help: "The token file (else $TMKIT_TOKENS, else Memories/tokens.json).")
    var tokens: String?

    var path: String { tokens ?? Self.defaultPath }

    /// $TMKIT_TOKENS, else Memories/tokens.json.
    static var defaultPath: String {
        if let env = ProcessInfo.processInfo.environment["TMKIT_TOKENS"], !env.isEmpty { return env }
        return DefaultPaths.file("Memories", "tokens.json")
    }

    func open() throws -> TokenFile {
        do { return try TokenFile(path: path) } catch let e as TokenFile.Failure { throw UserError(e.description) }
    }
}

extension TMKit {
    /// `tmkit serve [options]` runs the server (`serve run`, the default); `tmkit serve token …`
    /// manages tokens. (Two commands, so that `token add --memory NAME` is not read as the
    /// server's `--memory NAME=PATH`.)
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve memories and glossaries over HTTP: tmkit's JSON API, amaGama's API and a web page.",
            discussion: "tmkit serve [--memory NAME=PATH …] [--glossary NAME=PATH …] [--host H] [--port P] runs the server (see tmkit serve run --help); tmkit serve token add|list|revoke manages its tokens.",
            subcommands: [Run.self, Token.self],
            defaultSubcommand: Run.self
        )
    }
}

extension TMKit.Serve {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the server (the default of tmkit serve).",
            discussion: """
                tmkit's API is under /v1/ (described at /openapi.yaml); amaGama's under /tmserver/ and \
                /api/v1/ (Weblate's amaGama and tmserver machinery use it unchanged); the web page is at /; \
                /healthz and /metrics (Prometheus) are open to all. Requests carry a token as \
                'Authorization: Bearer TOKEN' (tmkit serve token add); --public-read lets anyone look up. \
                One log line a request goes to standard error. SIGTERM or SIGINT: the server stops \
                accepting, lets the requests in flight finish (an import completes or rolls back) and exits 0.
                """
        )

        @Option(name: .long, help: "A memory to serve, NAME=PATH or PATH (named after its file), PATH a file or a postgres:// URL; repeatable. Default: the default memory, named 'default'.")
        var memory: [String] = []
        @Option(name: .long, help: "Where PostgreSQL memories' reads go (a streaming replica): a URL for every one (each keeps its memory name), or NAME=URL; repeatable. Writes go to --memory's.")
        var readUrl: [String] = []
        @Option(name: .long, help: "A glossary to serve, NAME=PATH or PATH (a file or a postgres://…?glossary=NAME URL); repeatable. Default: the default glossary, named 'default'.")
        var glossary: [String] = []
        @Option(name: .long, help: "The address to listen on.") var host = "127.0.0.1"
        @Option(name: .long, help: "The port (0: any free port, printed at start).") var port = 8080
        @OptionGroup var tokenOptions: TokenOptions
        @Flag(name: .long, help: "Anyone may read (look up, search, export) without a token.") var publicRead = false
        @Option(name: .long, help: "The largest JSON request body, in bytes.") var maxJsonBytes = 1 << 20
        @Option(name: .long, help: "The largest import body (TMX, TSV, PO/MO, TBX), in bytes.") var maxImportBytes = 512 << 20
        @Option(name: .long, help: "Texts in one batch lookup.") var maxBatch = 1000
        @Option(name: .long, help: "Seconds a connection may stay silent (a stalled upload too) before it is closed.") var idleTimeout = 60.0
        @Option(name: .long, help: "Threads for the stores' reads and writes (default: the number of cores, at least 2).") var workers: Int?
        @Option(name: .long, help: "Write the port to this file once listening (for scripts with --port 0).") var portFile: String?

        func validate() throws {
            if !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535") }
            if maxJsonBytes < 1024 || maxImportBytes < 1024 { throw ValidationError("the body limits must be at least 1024 bytes") }
            if maxBatch < 1 { throw ValidationError("--max-batch must be at least 1") }
            if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        }

        static func stores(_ specs: [String], defaultPath: String, kind: String) throws -> [ServerConfiguration.Store] {
            if specs.isEmpty { return [.init(name: "default", path: defaultPath)] }
            var out: [ServerConfiguration.Store] = []
            for spec in specs {
                let (name, path): (String, String)
                if let eq = spec.firstIndex(of: "="), !spec[..<eq].contains("/") {
                    (name, path) = (String(spec[..<eq]), String(spec[spec.index(after: eq)...]))
                } else if MemoryStores.isPostgres(spec) {
                    do { (name, path) = (try PostgresLocation(url: spec, nameKey: kind).name, spec) } catch let e as PostgresLocation.Invalid { throw UserError(e.description) }
                } else {
                    (name, path) = (((spec as NSString).lastPathComponent as NSString).deletingPathExtension, spec)
                }
                guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
                    throw UserError("--\(kind) '\(spec)': a name is letters, digits and - _ . (NAME=PATH)")
                }
                guard !path.isEmpty else { throw UserError("--\(kind) '\(spec)': no path after '='") }
                if out.contains(where: { $0.name == name }) { throw UserError("--\(kind): two \(kind == "memory" ? "memories" : "glossaries") named '\(name)'") }
                out.append(.init(name: name, path: path))
            }
            return out
        }

        /// The memories with their read locations (`--read-url`).
        static func readLocations(_ specs: [String], _ memories: [ServerConfiguration.Store]) throws -> [ServerConfiguration.Store] {
            var out = memories
            for spec in specs {
                if MemoryStores.isPostgres(spec) {
                    let pg = out.indices.filter { MemoryStores.isPostgres(out[$0].path) }
                    guard !pg.isEmpty else { throw UserError("--read-url: no memory is in PostgreSQL (a replica serves reads of a postgres:// memory)") }
                    for i in pg {
                        let name = try PostgresLocation(url: out[i].path).name
                        let sep = spec.contains("?") ? "&" : "?"
                        out[i].readPath = spec.contains("memory=") ? spec : spec + sep + "memory=" + (name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name)
                    }
                } else if let eq = spec.firstIndex(of: "="), MemoryStores.isPostgres(String(spec[spec.index(after: eq)...])) {
                    let name = String(spec[..<eq]), url = String(spec[spec.index(after: eq)...])
                    guard let i = out.firstIndex(where: { $0.name == name }) else { throw UserError("--read-url '\(MemoryStores.display(spec))': no memory named '\(name)'") }
                    out[i].readPath = url
                } else {
                    throw UserError("--read-url '\(MemoryStores.display(spec))': a postgres:// URL, or NAME=URL")
                }
            }
            return out
        }

        func run() throws {
            try runReportingErrors {
                var config = ServerConfiguration(
                    memories: try Self.readLocations(readUrl, try Self.stores(memory, defaultPath: MemoryOptions.defaultPath, kind: "memory")),
                    glossaries: try Self.stores(glossary, defaultPath: GlossaryOptions.defaultPath, kind: "glossary"),
                    tokensPath: tokenOptions.path)
                (config.host, config.port, config.publicRead) = (host, port, publicRead)
                (config.maxJSONBytes, config.maxImportBytes, config.maxBatch, config.idleTimeout) = (maxJsonBytes, maxImportBytes, maxBatch, idleTimeout)
                if let workers { config.workers = workers }
                config.version = TMKit.configuration.version
                LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
                var logger = Logger(label: "tmkit")
                logger.logLevel = .info
                let (host, portFile) = (host, portFile)
                let outcome = ErrorBox()
                let done = DispatchSemaphore(value: 0)
                Task {
                    do {
                        try await TMServer.run(config, logger: logger) { port in
                            FileHandle.standardError.write(Data("tmkit serve: listening on http://\(host):\(port)/\n".utf8))
                            if let portFile { try? "\(port)\n".write(toFile: portFile, atomically: true, encoding: .utf8) }
                        }
                    } catch {
                        outcome.set(error)
                    }
                    done.signal()
                }
                done.wait()
                if let e = outcome.error {
                    if let s = e as? TMServer.StartError { throw UserError(s.description) }
                    throw UserError("\(e)")
                }
                FileHandle.standardError.write(Data("tmkit serve: stopped\n".utf8))
            }
        }
    }
}

extension Role: ExpressibleByArgument {}

extension TMKit.Serve {
    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the server's tokens: add, list, revoke.",
            discussion: "Tokens are stored as SHA-256 digests in the token file (mode 0600); a new token is shown once, when it is added. A running server sees changes at once.",
            subcommands: [Add.self, List.self, Revoke.self]
        )
    }
}

extension TMKit.Serve.Token {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a token and print it (once).")
        @OptionGroup var tokenOptions: TokenOptions
        @Argument(help: "The token's name (who uses it), shown in the server's log.") var name: String
        @Option(name: .long, help: "read (look up, search, export), write (add, edit, remove, import) or admin.") var role: Role
        @Option(name: .long, help: "Only this memory (repeatable). Without --memory or --glossary: every memory and glossary.") var memory: [String] = []
        @Option(name: .long, help: "Only this glossary (repeatable).") var glossary: [String] = []

        func run() throws {
            try runReportingErrors {
                var grants: [Grant] = memory.map { Grant(kind: .memory, name: $0, role: role) } + glossary.map { Grant(kind: .glossary, name: $0, role: role) }
                if grants.isEmpty { grants = [Grant(kind: .memory, name: nil, role: role), Grant(kind: .glossary, name: nil, role: role)] }
                let secret: String
                do { secret = try tokenOptions.open().add(name: name, grants: grants) } catch let e as TokenFile.Failure { throw UserError(e.description) }
                Console.out.write(secret + "\n")
                Console.out.flush()
                FileHandle.standardError.write(Data("tmkit: token '\(name)' added to \(tokenOptions.path); it is shown only now\n".utf8))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tokens: names and grants (never the tokens themselves).")
        @OptionGroup var tokenOptions: TokenOptions
        @Option(name: .long, help: "text or json.") var format: OutputFormat = .text

        func run() throws {
            try runReportingErrors {
                let records = try tokenOptions.open().all
                func scope(_ g: Grant) -> String { "\(g.kind.rawValue) \(g.name ?? "*")" }
                switch format {
                case .json:
                    Console.out.write(JSON.array(records.map { r in
                        .object([("name", .string(r.name)), ("created", .date(r.created)),
                                 ("grants", .array(r.grants.map { .object([("kind", .string($0.kind.rawValue)), ("name", .optional($0.name)), ("role", .string($0.role.rawValue))]) }))])
                    }).serialized(pretty: true) + "\n")
                case .text:
                    if records.isEmpty { Console.out.write("no tokens in \(tokenOptions.path)\n") }
                    for r in records {
                        Console.out.write("\(r.name)  " + r.grants.map { "\(scope($0)): \($0.role.rawValue)" }.joined(separator: ", ") + "\n")
                    }
                }
                Console.out.flush()
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by name.")
        @OptionGroup var tokenOptions: TokenOptions
        @Argument(help: "The token's name.") var name: String

        func run() throws {
            try runReportingErrors {
                let revoked: Bool
                do { revoked = try tokenOptions.open().revoke(name: name) } catch let e as TokenFile.Failure { throw UserError(e.description) }
                guard revoked else { throw UserError("\(tokenOptions.path): no token named '\(name)'") }
                Console.out.write("token '\(name)' revoked\n")
                Console.out.flush()
            }
        }
    }
}
