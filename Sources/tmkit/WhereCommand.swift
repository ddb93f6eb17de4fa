import ArgumentParser
import Foundation
import MemoryStores
import Reports

extension TMKit {
    /// `tmkit where`: which memory, glossary and token file the commands use, and why.
    struct Where: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show which memory, glossary and token file tmkit uses here, and whether they exist.",
            discussion: """
                Each is the file named by its option, else by its environment variable ($TMKIT_MEMORY, \
                $TMKIT_GLOSSARY, $TMKIT_TOKENS), else the default: Memories/ and Glossaries/ of the \
                current folder when it has them, else of the tmkit checkout the program was built in, \
                else the user's data folder ($XDG_DATA_HOME/tmkit, else ~/.local/share/tmkit). \
                $TMKIT_SERVER sends the memory commands to a server instead.
                """)
        @Option(name: .long, help: "text or json.") var format: OutputFormat = .text

        func run() throws {
            let env = ProcessInfo.processInfo.environment
            func source(_ variable: String) -> String { (env[variable] ?? "").isEmpty ? "default" : "$\(variable)" }
            let rows: [(String, String, String)] = [
                ("memory", MemoryOptions.defaultPath, source("TMKIT_MEMORY")),
                ("glossary", GlossaryOptions.defaultPath, source("TMKIT_GLOSSARY")),
                ("tokens", TokenOptions.defaultPath, source("TMKIT_TOKENS")),
            ]
            let server = env["TMKIT_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
            switch format {
            case .json:
                var fields: [(String, JSON)] = rows.map { kind, path, from in
                    // (A PostgreSQL location is not connected to here: whether it exists is not said.)
                    let pg = MemoryStores.isPostgres(path)
                    return (kind, .object([("path", .string(MemoryStores.display(path))), ("from", .string(from)),
                                           ("store", .string(pg ? "postgresql" : "file")),
                                           ("exists", pg ? .null : .bool(FileManager.default.fileExists(atPath: path)))]))
                }
                fields.append(("server", .optional(server)))
                fields.append(("dataFolder", .string(DefaultPaths.dataFolder)))
                Console.out.write(JSON.object(fields).serialized(pretty: true) + "\n")
            case .text:
                for (kind, path, from) in rows {
                    if MemoryStores.isPostgres(path) {
                        Console.out.write("\(kind): \(MemoryStores.display(path)) (\(from); in PostgreSQL)\n")
                        continue
                    }
                    let exists = FileManager.default.fileExists(atPath: path)
                    Console.out.write("\(kind): \(path) (\(from); \(exists ? "exists" : "not created yet"))\n")
                }
                if let server { Console.out.write("server: \(server) ($TMKIT_SERVER: the memory commands go there)\n") }
            }
            Console.out.flush()
        }
    }
}
