import ArgumentParser
import SmoleCore

@main
struct SmoleSql: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smole-sql",
        abstract: "Not built yet.",
        version: Smole.version
    )

    func run() throws {
        ToolRuntime.start("smole-sql")
        Diagnostics.error("not implemented yet")
        ToolRuntime.exit(.unavailable)
    }
}
