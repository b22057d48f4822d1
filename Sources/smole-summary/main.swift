import ArgumentParser
import Foundation
import SmoleRecords
import SmoleTools

@main
struct SmoleSummary: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smole-summary",
        abstract:
            "Report counts, success rate, review needs, error tables, latency and failed files for a results stream.",
        discussion: """
            Reads NDJSON result records from the FILEs, or from stdin when none is named (- is stdin). \
            The latest record for each path describes the document, so retries and re-runs count once. \
            The report goes to stdout; --json prints one JSON object instead. Bad input lines are \
            reported on stderr with their place, counted, and make the exit status 1. See smole-summary(1).

            EXAMPLES:
              smole-summary results.ndjson
              smole-summary --json results.ndjson | jq .success_rate
              smole-summary --fail-on-error results.ndjson   # 0 ok, 75 retryable, 1 final
              smole-summary --json results.ndjson | jq -r '.to_review[].path'   # the review queue, most serious first
              smole-summary --fail-on-review results.ndjson  # 1 when any result needs a person's look
            """,
        version: Smole.version
    )

    @Flag(name: .long, help: "Print one JSON object (keys in smole-summary(1)) instead of the report.")
    var json = false

    @Flag(
        name: .customLong("fail-on-error"),
        help: "Exit 1 if any document failed for good, 75 if every failure can still be retried.")
    var failOnError = false

    @Flag(
        name: .customLong("fail-on-review"),
        help: "Exit 1 if any ok document needs review (its record's review.needed is true).")
    var failOnReview = false

    @Option(
        name: .customLong("max-attempts"),
        help: ArgumentHelp(
            "A retryable failure with n attempts or more counts as final, as in smole-retry.",
            valueName: "n"))
    var maxAttempts: Int = RetryPolicy.defaultMaxAttempts

    @Argument(help: ArgumentHelp("NDJSON result files (default: stdin; - is stdin).", valueName: "file"))
    var files: [String] = []

    func validate() throws {
        if maxAttempts < 1 { throw ValidationError("--max-attempts must be at least 1") }
    }

    func run() throws {
        ToolRuntime.start("smole-summary")
        let inputs = InputSet(args: files, kind: .results, usage: SmoleSummary.helpMessage())
        var summary = Summary()
        let problems = inputs.forEach { summary.add($0) }
        summary.finishWarnings()
        let stats = summary.stats(maxAttempts: maxAttempts)
        let next = stats.nextStep(files: files)
        if json {
            var o = stats.json
            if case .object(var obj) = o {
                obj["next"] = next.map(JSONValue.string) ?? .null
                o = .object(obj)
            }
            LineWriter.stdout.write(o)
        } else {
            LineWriter.stdout.writeLine(Array(stats.text(color: Terminal.stdoutColorAllowed, next: next).utf8))
        }
        if summary.ignoredInputs > 0 {
            Diagnostics.note(
                "note: \(summary.ignoredInputs) input record(s) (no status: smole-ls or smole-route output) came after a result for the same document, so they did not replace it; did a pipeline append to the results without smole-extract?"
            )
        }
        if summary.ignoredAfterOK > 0 {
            Diagnostics.note(
                "note: \(summary.ignoredAfterOK) error record(s) came after an ok result for the same document but say nothing about the document itself (no schema, a bad line, the account, the backend or the network), so they did not replace it"
            )
        }
        if stats.noResult > 0, stats.ok == 0, stats.failed == 0, summary.sourcesOfAnotherKind.isEmpty {
            Diagnostics.note(
                "note: no record has a result (no \"status\"): these look like input records (smole-ls or smole-route output), not the results smole-extract writes; extract them first (… | smole-extract > results.ndjson)"
            )
        }
        for source in summary.sourcesOfAnotherKind {
            Diagnostics.note(
                "note: no line of \(source) is a JSON record: it looks like another kind of file (a CSV, a list of paths), not the NDJSON results smole-extract writes"
            )
        }
        ToolRuntime.exit(problems.exitStatus ?? stats.exitStatus(failOnError: failOnError, failOnReview: failOnReview))
    }
}

extension Terminal {
    /// Colour on stdout only when it is a terminal, and never under NO_COLOR or TERM=dumb.
    static var stdoutColorAllowed: Bool {
        guard stdoutIsTTY else { return false }
        let env = ProcessInfo.processInfo.environment
        if env["NO_COLOR"].map({ !$0.isEmpty }) == true { return false }
        return env["TERM"] != "dumb"
    }
}
