import ArgumentParser
import SmoleCore

@main
struct SmoleRoute: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smole-route",
        abstract: "Not built yet.",
        version: Smole.version
    )

    func run() throws {
        ToolRuntime.start("smole-route")
        Diagnostics.error("not implemented yet")
        ToolRuntime.exit(.unavailable)
    }
}
