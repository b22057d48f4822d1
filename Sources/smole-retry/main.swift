import ArgumentParser
import SmoleRecords
import SmoleTools

@main
struct SmoleRetry: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smole-retry",
        abstract: "Emit, as input records, the documents of a results stream that are still to do.",
        discussion: """
            Reads NDJSON result files (or stdin). For each document whose latest result is a retryable \
            error with attempts below --max-attempts, it writes the record with the result fields removed \
            (status, data, error, job, backend, started_at, finished_at, elapsed_ms, evidence); attempts \
            and every other field are kept. --all emits every error.

            With --pending, input records come on stdin and the RESULTS files are only read: each stdin \
            record is emitted once if its path has no result yet or its latest result would be retried. \
            The result files are read up to their size at start, so appending to them downstream is safe. \
            See smole-retry(1).

            EXAMPLES:
              smole-retry results.ndjson | smole-extract >> results.ndjson
              smole-ls docs | smole-route --rules rules.txt \\
                | smole-retry --pending results.ndjson | smole-extract >> results.ndjson
              smole-retry --all results.ndjson > todo.ndjson
            """,
        version: Smole.version
    )

    @Flag(name: .long, help: "Read input records on stdin; emit those with no result yet or a retryable one.")
    var pending = false

    @Flag(
        name: .long,
        help: "Emit every error, retryable or not (and, unless --max-attempts is given, at any attempt count).")
    var all = false

    @Option(
        name: .customLong("max-attempts"),
        help: ArgumentHelp(
            "Skip documents with n attempts or more (default: 3; no limit with --all alone).",
            valueName: "n"))
    var maxAttempts: Int?

    @Argument(
        help: ArgumentHelp(
            "NDJSON result files (default: stdin, without --pending; - is stdin).",
            valueName: "results"))
    var results: [String] = []

    func validate() throws {
        if let m = maxAttempts, m < 1 { throw ValidationError("--max-attempts must be at least 1") }
        if pending {
            if results.isEmpty {
                throw ValidationError("--pending needs at least one RESULTS file (input records come on stdin)")
            }
            if results.contains("-") {
                throw ValidationError("with --pending stdin carries the input records; name RESULTS files")
            }
        }
    }

    func run() throws {
        ToolRuntime.start("smole-retry")
        let policy = RetryPolicy(maxAttemptsOption: maxAttempts, all: all)
        let out = LineWriter.stdout
        var counts: RetryCounts
        var status: ExitStatus? = nil
        if pending {
            if Terminal.stdinIsTTY {
                LineWriter.stderr.writeLine(SmoleRetry.helpMessage())
                ToolRuntime.exit(.usage)
            }
            counts = RetryCounts()
            let known: Retry.KnownResults
            do {
                known = try Retry.loadResults(results, policy: policy, counts: &counts)
            } catch {
                Diagnostics.error("\(error.message); nothing emitted")
                ToolRuntime.exit(.ioError)
            }
            let stdin: LineReader
            do { stdin = try LineReader(path: "-") } catch {
                Diagnostics.error(error.message)
                ToolRuntime.exit(.ioError)
            }
            Retry.pending(stdin: stdin, known: known, counts: &counts) { out.write(record: $0) }
        } else {
            let inputs = InputSet(args: results, kind: .results, usage: SmoleRetry.helpMessage())
            let problems: InputProblems
            (counts, problems) = try Retry.fromResults(inputs, policy: policy) { out.write(record: $0) }
            status = problems.exitStatus
        }
        if counts.exhausted > 0, let m = policy.maxAttempts {
            Diagnostics.note(
                "note: \(counts.exhausted) failed document(s) reached --max-attempts \(m) and are not emitted")
        }
        ToolRuntime.exit(status ?? (counts.badLines > 0 ? .someErrors : .ok))
    }
}
