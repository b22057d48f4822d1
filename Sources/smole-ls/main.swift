import ArgumentParser
import SmoleRecords
import SmoleTools

@main
struct SmoleLs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smole-ls",
        abstract: "List documents as NDJSON file records: path, name, size, mtime, type, sha256.",
        discussion: """
            Walks each PATH (a folder, recursively, or a file) in a stable sorted order and writes \
            one record per regular file. The type is sniffed from the content. Unreadable entries \
            and missing paths become error records and the walk goes on. Streams.

            EXAMPLES:
              smole-ls docs
              smole-ls --glob '*.pdf' --exclude 'archive/' docs
              smole-ls --no-hash --max-depth 1 . | jq -r .path
              smole-ls docs | smole-route --rule 'receipt=*receipt*' --default invoice
            """,
        version: Smole.version
    )

    @Option(name: .long, help: ArgumentHelp("List only files matching GLOB (repeatable).", valueName: "GLOB"))
    var glob: [String] = []

    @Option(name: .long, help: ArgumentHelp("Skip files and folders matching GLOB (repeatable).", valueName: "GLOB"))
    var exclude: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp("List files at most N levels below each folder (1: its own files).", valueName: "N"))
    var maxDepth: Int?

    @Flag(name: .long, help: "Follow symbolic links met during the walk (loops are skipped).")
    var follow = false

    @Flag(name: .long, help: "Include files and folders whose name starts with '.'.")
    var hidden = false

    @Flag(name: .long, help: "Do not compute sha256 (reads only each file's first KiB).")
    var noHash = false

    @Argument(help: ArgumentHelp("Folders and files to list (default: the current folder).", valueName: "PATH"))
    var paths: [String] = []

    func validate() throws {
        if let m = maxDepth, m < 0 { throw ValidationError("--max-depth must be 0 or more") }
    }

    func run() throws {
        ToolRuntime.start("smole-ls")
        var options = WalkOptions()
        options.maxDepth = maxDepth
        options.follow = follow
        options.hidden = hidden
        options.hash = !noHash
        options.filter = PathFilter(include: glob, exclude: exclude)
        let lister = Lister(options: options) { LineWriter.stdout.write(record: $0) }
        // The names as the shell passed them: a name that is not UTF-8 is kept as bytes.
        let summary = lister.run(paths: ArgumentBytes.documents(paths))
        ToolRuntime.exit(summary.exitStatus)
    }
}
