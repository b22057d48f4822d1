import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

/// smole-retry, run as a built binary in real pipes.
@Suite struct RetryToolTests {
    static let results =
        [
            #"{"path":"docs/a.pdf","schema":"invoice","route":"default","sha256":"aa","status":"error","error":{"code":"rate_limited","message":"429","retryable":true},"job":"j1","attempts":1,"backend":"api","started_at":"t0","finished_at":"t1","elapsed_ms":100}"#,
            #"{"path":"docs/b.pdf","schema":"invoice","status":"ok","data":{"total":1},"attempts":1}"#,
            #"{"path":"docs/c.pdf","schema":"receipt","route":"rule 1: *receipt*","status":"error","error":{"code":"timeout","message":"late","retryable":true},"attempts":2,"evidence":{"total":"p1"},"batch":"march"}"#,
            #"{"path":"docs/d.pdf","schema":"receipt","status":"error","error":{"code":"unsupported_type","message":"no text","retryable":false},"attempts":1}"#,
            #"{"path":"docs/e.pdf","schema":"invoice","status":"error","error":{"code":"network","message":"reset","retryable":true},"attempts":3}"#,
            #"{"path":"docs/a.pdf","schema":"invoice","route":"default","sha256":"aa","status":"error","error":{"code":"server_error","message":"503","retryable":true},"attempts":2,"elapsed_ms":50}"#,
        ].joined(separator: "\n") + "\n"

    func records(_ r: RunResult) throws -> [JSONValue] { try r.stdoutLines.map { try JSON.parse($0) } }

    @Test func emitsRetryableUnderTheLimitAsInputRecords() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let f = try dir.write("results.ndjson", Self.results)
        let r = try await runTool("smole-retry", [f])
        #expect(r.status == 0)
        // c.pdf's latest record appears before a.pdf's (line 3 vs line 6).
        #expect(
            r.stdoutLines == [
                #"{"path":"docs/c.pdf","schema":"receipt","route":"rule 1: *receipt*","attempts":2,"batch":"march"}"#,
                #"{"path":"docs/a.pdf","schema":"invoice","route":"default","sha256":"aa","attempts":2}"#,
            ])
        #expect(r.stderr.contains("1 failed document(s) reached --max-attempts 3"))
    }

    @Test func maxAttemptsAndAll() async throws {
        let higher = try await runTool("smole-retry", ["--max-attempts", "5"], stdin: Self.results)
        #expect(
            try records(higher).compactMap { $0["path"]?.stringValue } == ["docs/c.pdf", "docs/e.pdf", "docs/a.pdf"])
        let lower = try await runTool("smole-retry", ["--max-attempts", "2"], stdin: Self.results)
        #expect(lower.stdoutLines.isEmpty)
        let all = try await runTool("smole-retry", ["--all", "-"], stdin: Self.results)
        #expect(
            try records(all).compactMap { $0["path"]?.stringValue } == [
                "docs/c.pdf", "docs/d.pdf", "docs/e.pdf", "docs/a.pdf",
            ])
        #expect(try records(all).allSatisfy { $0["status"] == nil && $0["error"] == nil })
        let allLimited = try await runTool("smole-retry", ["--all", "--max-attempts", "3"], stdin: Self.results)
        #expect(
            try records(allLimited).compactMap { $0["path"]?.stringValue } == [
                "docs/c.pdf", "docs/d.pdf", "docs/a.pdf",
            ])
    }

    @Test func usageAndMissingFiles() async throws {
        #expect(try await runTool("smole-retry", ["--pending"], stdin: "").status == 64)
        #expect(try await runTool("smole-retry", ["--pending", "-"], stdin: "").status == 64)
        #expect(try await runTool("smole-retry", ["--max-attempts", "0"], stdin: "").status == 64)
        let dir = try TempDir()
        defer { dir.cleanup() }
        let f = try dir.write("results.ndjson", Self.results)
        let missing = try await runTool("smole-retry", [dir.file("nope.ndjson"), f])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("nope.ndjson"))
        #expect(missing.stdoutLines.count == 2, "the files that exist are still read")
    }

    @Test func pendingResumesWithoutRedoingWork() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let f = try dir.write("results.ndjson", Self.results)
        let inputs =
            ["a", "b", "c", "d", "e", "f", "g", "f"].map {
                #"{"path":"docs/\#($0).pdf","schema":"invoice","user":"\#($0)"}"#
            }
            .joined(separator: "\n") + "\n"
        let r = try await runTool("smole-retry", ["--pending", f], stdin: inputs)
        #expect(r.status == 0)
        #expect(
            r.stdoutLines == [
                #"{"path":"docs/a.pdf","schema":"invoice","user":"a","attempts":2}"#,
                #"{"path":"docs/c.pdf","schema":"invoice","user":"c","attempts":2}"#,
                #"{"path":"docs/f.pdf","schema":"invoice","user":"f"}"#,
                #"{"path":"docs/g.pdf","schema":"invoice","user":"g"}"#,
            ])
        let all = try await runTool("smole-retry", ["--pending", "--all", f], stdin: inputs)
        #expect(
            try records(all).compactMap { $0["path"]?.stringValue }
                == ["docs/a.pdf", "docs/c.pdf", "docs/d.pdf", "docs/e.pdf", "docs/f.pdf", "docs/g.pdf"])
    }

    @Test func pendingWithNoResultsFileYet() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let r = try await runTool(
            "smole-retry", ["--pending", dir.file("results.ndjson")], stdin: "docs/x.pdf\ndocs/y.pdf\n")
        #expect(r.status == 0)
        #expect(r.stdoutLines == [#"{"path":"docs/x.pdf"}"#, #"{"path":"docs/y.pdf"}"#])
        #expect(r.stderr.contains("does not exist yet"))
        // Input from a file, not a pipe: the tool stops before reading it.
        let input = try dir.write("in.ndjson", "docs/x.pdf\n")
        let unreadable = try await runTool(
            "/bin/bash",
            [
                "-c", "\"$0\" --pending \"$1\" < \"$2\"",
                Binaries.path("smole-retry"), dir.path, input,
            ])
        #expect(unreadable.status == 74)
        #expect(unreadable.stdout.isEmpty, "nothing is submitted again when the results cannot be read")
    }

    /// The documented resume pipeline, with a stand-in for smole-extract that appends a result
    /// for each record to the same results file while smole-retry is still running.
    @Test func pendingPipelineAppendingToItsOwnResults() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var done: [String] = []
        for i in 0..<300 where i % 3 == 0 {
            done.append(#"{"path":"docs/\#(i).pdf","status":"ok","data":{},"attempts":1}"#)
        }
        try dir.write("results.ndjson", done.joined(separator: "\n") + "\n")
        try dir.write(
            "inputs.ndjson",
            (0..<300).map { #"{"path":"docs/\#($0).pdf","schema":"invoice"}"# }.joined(separator: "\n") + "\n")
        let script = #"""
            "$0" --pending results.ndjson < inputs.ndjson \
              | jq -c --unbuffered '. + {status: "ok", data: {}, attempts: ((.attempts // 0) + 1)}' >> results.ndjson
            """#
        let r = try await runTool(
            "/bin/bash", ["-o", "pipefail", "-c", script, Binaries.path("smole-retry")], cwd: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        // Every document now has exactly one ok result, and a second pass has nothing left to do.
        let again = try await runTool(
            "smole-retry", ["--pending", dir.file("results.ndjson")],
            stdin: try String(contentsOfFile: dir.file("inputs.ndjson"), encoding: .utf8))
        #expect(again.stdoutLines.isEmpty)
        let summary = try await runTool("smole-summary", ["--json", dir.file("results.ndjson")])
        let j = try JSON.parse(summary.stdout.trimmingCharacters(in: .newlines))
        #expect(j["documents"] == .number("300"))
        #expect(j["ok"] == .number("300"))
        let text = try String(contentsOfFile: dir.file("results.ndjson"), encoding: .utf8)
        let paths = text.split(separator: "\n").compactMap { (try? JSON.parse(String($0)))?["path"]?.stringValue }
        #expect(paths.count == 300, "one ok result per document: 100 from before, 200 new")
        #expect(Set(paths).count == 300)
    }

    /// The bad-input suite: nothing crashes, bad lines are named by place and make the status 1,
    /// and the good records around them still come out.
    @Test func badInputSuite() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let big = String(repeating: "x", count: 10 * 1024 * 1024)
        var bytes: [UInt8] = []
        func add(_ s: String) { bytes += Array(s.utf8) }
        add(#"{"path":"crlf.pdf","status":"error","error":{"code":"timeout"},"attempts":1}"# + "\r\n")  // 1 CRLF
        add("\n \n")  // 2, 3 blank
        add(#"{"path":"broken.pdf","status":"error""# + "\n")  // 4 malformed
        bytes += Array(#"{"path":"bad-"#.utf8) + [0xC3, 0x28] + Array(#".pdf"}"#.utf8) + [0x0A]  // 5 invalid UTF-8
        add(#"{"path":"big.pdf","status":"error","error":{"code":"network"},"note":"\#(big)"}"# + "\n")  // 6 10 MB line
        add(#"{"path":"nostatus.pdf","schema":"invoice"}"# + "\n")  // 7 status absent
        add(#"{"path":"strerr.pdf","status":"error","error":"boom"}"# + "\n")  // 8 error not an object
        // 9 attempts a string
        add(#"{"path":"strattempts.pdf","status":"error","error":{"code":"timeout"},"attempts":"5"}"# + "\n")
        add(#"{"status":"error","error":{"code":"bad_record","message":"upstream"}}"# + "\n")  // 10 no path
        let f = try dir.write("bad.ndjson", bytes: bytes)
        let r = try await runTool("smole-retry", [f])
        #expect(r.status == 1)
        #expect(r.stderr.contains("error (at \(f):4)"))
        #expect(r.stderr.contains("error (at \(f):5)"))
        #expect(r.stderr.contains("warning (at \(f):8): error is not an object"))
        #expect(r.stderr.contains("warning (at \(f):9): attempts is not a whole number"))
        #expect(r.stderr.contains("warning (at \(f):10): record has no path"))
        let out = try records(r)
        #expect(out.compactMap { $0["path"]?.stringValue } == ["crlf.pdf", "big.pdf", "strattempts.pdf"])
        #expect(out[1]["note"]?.stringValue?.count == big.count, "the 10 MB field passes through whole")
        let all = try await runTool("smole-retry", ["--all", f])
        #expect(
            try records(all).compactMap { $0["path"]?.stringValue } == [
                "crlf.pdf", "big.pdf", "strerr.pdf", "strattempts.pdf",
            ])

        // The same lines as stdin input records with --pending: bad ones named, the rest emitted once.
        let empty = try dir.write("results.ndjson", "")
        let pending = try await runTool(
            "/bin/bash", ["-c", "\"$0\" --pending \"$1\" < \"$2\"", Binaries.path("smole-retry"), empty, f])
        #expect(pending.status == 1)
        #expect(pending.stderr.contains("error (at <stdin>:4)"))
        #expect(pending.stderr.contains("error (at <stdin>:5)"))
        #expect(
            try records(pending).compactMap { $0["path"]?.stringValue }
                == ["crlf.pdf", "big.pdf", "nostatus.pdf", "strerr.pdf", "strattempts.pdf"])
        #expect(try records(pending).allSatisfy { $0["status"] == nil && $0["error"] == nil })
    }

    @Test func closedPipeIsQuiet() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let lines = (0..<50000).map { #"{"path":"docs/\#($0).pdf","status":"error","error":{"code":"timeout"}}"# }
        let f = try dir.write("many.ndjson", lines.joined(separator: "\n") + "\n")
        let r = try await runTool(
            "/bin/bash", ["-o", "pipefail", "-c", "\"$0\" \"$1\" | head -2", Binaries.path("smole-retry"), f])
        #expect(r.status == 0)
        #expect(r.stdoutLines.count == 2)
        #expect(r.stderr.isEmpty)
    }
}
