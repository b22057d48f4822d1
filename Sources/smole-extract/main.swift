import ArgumentParser
import SmoleCore

@main
struct SmoleExtract: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smole-extract",
        abstract: "Not built yet.",
        version: Smole.version
    )

    func run() throws {
        ToolRuntime.start("smole-extract")
        Diagnostics.error("not implemented yet")
        ToolRuntime.exit(.unavailable)
    }
}
