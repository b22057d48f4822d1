import ArgumentParser
import SmoleCore

@main
struct SmoleSummary: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smole-summary",
        abstract: "Not built yet.",
        version: Smole.version
    )

    func run() throws {
        ToolRuntime.start("smole-summary")
        Diagnostics.error("not implemented yet")
        ToolRuntime.exit(.unavailable)
    }
}
