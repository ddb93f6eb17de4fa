import ArgumentParser
import Foundation

@main
struct TMKit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tmkit",
        abstract: "Translation memory and localization toolkit: segment, align, store, look up.",
        version: "0.1.0",
        subcommands: [Segment.self, Align.self, TM.self, GlossaryCommand.self, QA.self, L10n.self, Serve.self, Where.self]
    )

    static func main() {
        // A file-size limit (ulimit -f) then fails the write that reaches it (SQLite reports it and
        // rolls the transaction back) instead of killing the process with SIGXFSZ.
        signal(SIGXFSZ, SIG_IGN)
        if let message = unknownSubcommand(Array(CommandLine.arguments.dropFirst())) {
            FileHandle.standardError.write(Data(("tmkit: " + message + "\n").utf8))
            Glibc.exit(64)
        }
        main(nil)
    }

    /// A mistyped subcommand ("tmkit tm lokup") named, with the nearest one, instead of
    /// ArgumentParser's "2 unexpected arguments".
    static func unknownSubcommand(_ arguments: [String]) -> String? {
        var command: any ParsableCommand.Type = TMKit.self
        var path = ["tmkit"]
        for word in arguments {
            let subs = command.configuration.subcommands
            if word.hasPrefix("-") || subs.isEmpty || word == "help" { return nil }
            var found: (any ParsableCommand.Type)? = nil
            for s in subs where s._commandName == word { found = s }
            if let found {
                command = found
                path.append(word)
                continue
            }
            if command.configuration.defaultSubcommand != nil { return nil }
            var names: [String] = []
            var nearest: String? = nil
            var best = Int.max
            for s in subs {
                let name = s._commandName
                names.append(name)
                let d = editDistance(name, word)
                if (d <= Swift.max(1, word.count / 3) || name.hasPrefix(word)) && d < best {
                    best = d
                    nearest = name
                }
            }
            let here = path.joined(separator: " ")
            var message = "'\(word)' is not a command of '\(here)'"
            if let nearest { message += "; did you mean '\(here) \(nearest)'?" }
            return message + " (its commands: \(names.joined(separator: ", ")))"
        }
        return nil
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var previous = row[0]
            row[0] = i
            for j in 1...b.count {
                let current = row[j]
                row[j] = Swift.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}
