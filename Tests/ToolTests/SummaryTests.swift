import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

/// smole-summary, run as a built binary.
@Suite struct SummaryToolTests {
    static let results =
        [
            #"{"path":"docs/a.pdf","schema":"invoice","status":"error","error":{"code":"rate_limited","message":"429","retryable":true},"attempts":1,"elapsed_ms":100}"#,
            #"{"path":"docs/b.pdf","schema":"invoice","status":"ok","data":{"total":1},"attempts":1,"elapsed_ms":300}"#,
            #"{"path":"docs/a.pdf","schema":"invoice","status":"ok","data":{"total":2},"attempts":2,"elapsed_ms":200}"#,
            #"{"path":"docs/c.pdf","schema":"receipt","status":"error","error":{"code":"timeout","message":"no result within 600 s","retryable":true},"attempts":1,"elapsed_ms":900}"#,
            #"{"path":"docs/d.pdf","schema":"receipt","status":"error","error":{"code":"unsupported_type","message":"no text source","retryable":false},"attempts":1,"elapsed_ms":5}"#,
        ].joined(separator: "\n") + "\n"

    func json(_ r: RunResult) throws -> JSONValue {
        #expect(r.stdoutLines.count == 1, "one object on one line")
        return try JSON.parse(r.stdout.trimmingCharacters(in: .newlines))
    }

    @Test func reportOnAFile() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let f = try dir.write("results.ndjson", Self.results)
        let r = try await runTool("smole-summary", [f])
        #expect(r.status == 0, "failures alone do not fail without --fail-on-error")
        #expect(r.stderr.isEmpty)
        let lines = r.stdoutLines
        #expect(lines.contains { $0.hasPrefix("documents") && $0.hasSuffix(" 4") })
        #expect(lines.contains { $0.hasPrefix("  ok") && $0.contains(" 2  50.0%") })
        #expect(lines.contains { $0.hasPrefix("  failed") && $0.contains("1 retryable") })
        #expect(r.stdout.contains("p50 200 ms, p95 900 ms, max 900 ms"))
        #expect(r.stdout.contains("mean 1.25, max 2, more than one: 1"))
        #expect(
            lines.contains {
                $0.hasPrefix("docs/c.pdf") && $0.contains("timeout") && $0.contains("no result within 600 s")
            })
        #expect(lines.contains { $0.hasPrefix("docs/d.pdf") && $0.contains("unsupported_type") })
        #expect(!lines.contains { $0.hasPrefix("docs/a.pdf") }, "a.pdf's latest record is ok")
        #expect(!r.stdout.contains("\u{1B}"), "no colour into a pipe")
    }

    @Test func jsonOutputFromStdinAndDash() async throws {
        for args in [[], ["-"], ["--json"]] {
            let r = try await runTool(
                "smole-summary", args.contains("--json") ? args : ["--json"] + args, stdin: Self.results)
            #expect(r.status == 0)
            let j = try json(r)
            #expect(j["documents"] == .number("4"))
            #expect(j["ok"] == .number("2"))
            #expect(j["failed"] == .number("2"))
            #expect(j["success_rate"] == .number("0.5"))
            #expect(j["retryable"] == .number("1"))
            #expect(j["by_error"]?["timeout"]?["count"] == .number("1"))
            #expect(j["by_error"]?["unsupported_type"]?["retryable"] == .number("0"))
            #expect(j["by_schema"]?["invoice"]?["ok"] == .number("2"))
            #expect(j["latency_ms"]?["p95"] == .number("900"))
            #expect(j["failures"]?.arrayValue?.compactMap { $0["path"]?.stringValue } == ["docs/c.pdf", "docs/d.pdf"])
            #expect(j["failures"]?.arrayValue?.first?["source"] == .string("<stdin>"))
        }
    }

    @Test func failOnErrorExitStatuses() async throws {
        let ok = #"{"path":"a","status":"ok"}"# + "\n"
        let retryable =
            ok + #"{"path":"b","status":"error","error":{"code":"timeout","retryable":true},"attempts":1}"# + "\n"
        let final = retryable + #"{"path":"c","status":"error","error":{"code":"not_found","retryable":false}}"# + "\n"
        let spent =
            ok + #"{"path":"b","status":"error","error":{"code":"timeout","retryable":true},"attempts":3}"# + "\n"
        for (input, expected, extra) in [
            (ok, Int32(0), [String]()), (retryable, 75, []), (final, 1, []), (spent, 1, []),
            (spent, 75, ["--max-attempts", "4"]),
        ] {
            let r = try await runTool("smole-summary", ["--fail-on-error"] + extra, stdin: input)
            #expect(r.status == expected, "\(input)")
            let plain = try await runTool("smole-summary", extra, stdin: input)
            #expect(plain.status == 0)
        }
    }

    @Test func missingAndUnreadableInputs() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let f = try dir.write("results.ndjson", Self.results)
        let missing = try await runTool("smole-summary", ["--json", dir.file("nope.ndjson"), f])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("nope.ndjson"))
        #expect(try json(missing)["documents"] == .number("4"), "the files that exist are still reported")
        let directory = try await runTool("smole-summary", [dir.path])
        #expect(directory.status == 74)
        #expect(directory.stderr.contains("is a directory"))
    }

    @Test func usageErrors() async throws {
        let r = try await runTool("smole-summary", ["--no-such-option"])
        #expect(r.status == 64)
        let zero = try await runTool("smole-summary", ["--max-attempts", "0"], stdin: "")
        #expect(zero.status == 64)
    }

    @Test func emptyInput() async throws {
        let r = try await runTool("smole-summary", [], stdin: "")
        #expect(r.status == 0)
        #expect(r.stdout.contains("n/a"))
        let j = try await runTool("smole-summary", ["--json"], stdin: "\n\n")
        #expect(try json(j)["success_rate"] == .null)
    }

    /// The bad-input suite: nothing crashes, every odd line is named by its place.
    @Test func badInputSuite() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let big = String(repeating: "é", count: 5 * 1024 * 1024)  // 10 MB of UTF-8
        var bytes: [UInt8] = []
        func add(_ s: String) { bytes += Array(s.utf8) }
        add(#"{"path":"ok.pdf","status":"ok","elapsed_ms":10}"# + "\r\n")  // 1 CRLF
        add("\n")  // 2 blank
        add(#"{"path":"broken.pdf","status":"# + "\n")  // 3 malformed
        // 4 invalid UTF-8
        bytes += Array(#"{"path":"bad-"#.utf8) + [0xFF, 0xFE] + Array(#".pdf","status":"ok"}"#.utf8) + [0x0A]
        // 5 10 MB line
        add(#"{"path":"big.pdf","status":"error","error":{"code":"engine_failed","message":"\#(big)"}}"# + "\n")
        add(#"{"path":"nostatus.pdf","schema":"invoice"}"# + "\n")  // 6 status absent
        add(#"{"path":"strerr.pdf","status":"error","error":"boom"}"# + "\n")  // 7 error not an object
        add(#"{"path":"strattempts.pdf","status":"ok","attempts":"two"}"# + "\n")  // 8 attempts a string
        add("   \t \n")  // 9 blank with spaces
        add(#"[1,2,3]"# + "\n")  // 10 not a JSON record: a bad line
        add(#"{"path":"last.pdf","status":"ok"}"#)  // 11 no final newline
        let f = try dir.write("bad.ndjson", bytes: bytes)
        let r = try await runTool("smole-summary", ["--json", f])
        #expect(r.status == 1, "bad lines make the status 1")
        #expect(r.stderr.contains("(at \(f):3)"))
        #expect(r.stderr.contains("(at \(f):4)"))
        #expect(r.stderr.contains("warning (at \(f):7): error is not an object"))
        #expect(r.stderr.contains("warning (at \(f):8): attempts is not a whole number"))
        let j = try json(r)
        #expect(j["bad_lines"] == .number("3"))
        #expect(j["bad"]?.arrayValue?.compactMap { $0["line"]?.intValue } == [3, 4, 10])
        // ok, big (failed), nostatus (no result), strerr (failed), strattempts (ok), last
        #expect(j["documents"] == .number("6"))
        #expect(j["ok"] == .number("3"))
        #expect(j["failed"] == .number("2"))
        #expect(j["no_result"] == .number("1"))
        #expect(j["failures"]?.arrayValue?.first?["message"]?.stringValue?.count == big.count)
        // The text report survives the same input and keeps the huge message on one clipped line.
        let text = try await runTool("smole-summary", [f])
        #expect(text.status == 1)
        #expect(text.stdoutLines.allSatisfy { $0.count < 400 })
        #expect(text.stdout.contains("\(f):3"))
    }

    @Test func closedPipeIsQuiet() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var lines: [String] = []
        for i in 0..<20000 {
            lines.append(#"{"path":"docs/\#(i).pdf","status":"error","error":{"code":"not_found","message":"gone"}}"#)
        }
        let f = try dir.write("many.ndjson", lines.joined(separator: "\n") + "\n")
        let r = try await runTool(
            "/bin/bash", ["-o", "pipefail", "-c", "\"$0\" \"$1\" | head -3", Binaries.path("smole-summary"), f])
        #expect(r.status == 0)
        #expect(r.stdoutLines.count == 3)
        #expect(r.stderr.isEmpty)
    }
}
