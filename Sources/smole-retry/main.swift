import ArgumentParser
import SmoleCore

@main
struct SmoleRetry: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smole-retry",
        abstract: "Not built yet.",
        version: Smole.version
    )

    func run() throws {
        ToolRuntime.start("smole-retry")
        Diagnostics.error("not implemented yet")
        ToolRuntime.exit(.unavailable)
    }
}
