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
        main(nil)
    }
}
