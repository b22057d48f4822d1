import ArgumentParser
import SmoleCore

@main
struct SmoleServe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smole-serve",
        abstract: "Not built yet.",
        version: Smole.version
    )

    func run() throws {
        ToolRuntime.start("smole-serve")
        Diagnostics.error("not implemented yet")
        ToolRuntime.exit(.unavailable)
    }
}
