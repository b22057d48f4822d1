import ArgumentParser
import SmoleCore

@main
struct SmoleCsv: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smole-csv",
        abstract: "Not built yet.",
        version: Smole.version
    )

    func run() throws {
        ToolRuntime.start("smole-csv")
        Diagnostics.error("not implemented yet")
        ToolRuntime.exit(.unavailable)
    }
}
