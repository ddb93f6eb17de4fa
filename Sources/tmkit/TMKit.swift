import ArgumentParser

@main
struct TMKit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tmkit",
        abstract: "Translation memory and localization toolkit: segment, align, store, look up.",
        version: "0.1.0",
        subcommands: [Segment.self, Align.self, TM.self, GlossaryCommand.self, QA.self, L10n.self]
    )
}
