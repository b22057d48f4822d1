import ArgumentParser
import SmoleCore

@main
struct SmoleLs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smole-ls",
        abstract: "Not built yet.",
        version: Smole.version
    )

    func run() throws {
        ToolRuntime.start("smole-ls")
        Diagnostics.error("not implemented yet")
        ToolRuntime.exit(.unavailable)
    }
}
