import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

/// End-to-end tests of the built smole-route binary, alone and behind smole-ls in real pipes.
@Suite struct RouteTests {
    func objects(_ r: RunResult) throws -> [JSONObject] {
        try r.stdoutLines.map { line in
            guard case .object(let o) = try JSON.parse(line) else { throw CancellationError() }
            return o
        }
    }

    /// Runs smole-route with stdin from a file of raw bytes (so invalid UTF-8 stays invalid).
    func route(_ args: [String], stdinBytes: [UInt8]) async throws -> RunResult {
        let d = try TempDir()
        defer { d.cleanup() }
        let input = try d.write("input.ndjson", bytes: stdinBytes)
        return try await runTool(
            "bash", ["-c", "exec \"$0\" \"$@\" < \"\(input)\"", Binaries.path("smole-route")] + args)
    }

    /// A user schema named `other` (schema names are checked against the schemas the engine knows).
    static let otherSchema = #"{"type":"object","properties":{"title":{"type":"string"}}}"#

    @Test func documentArgumentsAreRouted() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("schemas/other.json", Self.otherSchema)
        let r = try await runTool(
            "smole-route",
            [
                "--rule", "receipt=*receipt*", "--rule", "contract=path:**/contracts/**", "--rule",
                "invoice=re:INV-[0-9]+",
                "--schemas", d.file("schemas"),
                "--default", "other", "a/Receipt-1.pdf", "x/contracts/y/lease.pdf", "INV-7.pdf", "misc.pdf",
            ])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try objects(r)
        #expect(
            o.map { $0["path"]?.stringValue } == [
                "a/Receipt-1.pdf", "x/contracts/y/lease.pdf", "INV-7.pdf", "misc.pdf",
            ])
        #expect(o.map { $0["schema"]?.stringValue } == ["receipt", "contract", "invoice", "other"])
        #expect(
            o.map { $0["route"]?.stringValue } == [
                "rule 1: *receipt*", "rule 2: path:**/contracts/**", "rule 3: re:INV-[0-9]+", "default",
            ])
    }

    @Test func existingSchemaKeptUnlessOverrideAndFieldsPassThrough() async throws {
        let input = #"{"path":"a/receipt.pdf","schema":"contract","user":{"tag":"x","n":1.50},"z":[1,2e3]}"# + "\n"
        let kept = try await runTool("smole-route", ["--rule", "receipt=*receipt*"], stdin: input)
        #expect(kept.status == 0)
        #expect(kept.stdout == input)
        let over = try await runTool("smole-route", ["--override", "--rule", "receipt=*receipt*"], stdin: input)
        #expect(
            over.stdout
                == #"{"path":"a/receipt.pdf","schema":"receipt","user":{"tag":"x","n":1.50},"z":[1,2e3],"route":"rule 1: *receipt*"}"#
                + "\n")
    }

    @Test func unroutedGetsNullSchemaAndAWarningNamingThePlace() async throws {
        let r = try await runTool(
            "smole-route", ["--rule", "receipt=*receipt*"], stdin: "a/receipt.pdf\nb/other.pdf\n")
        #expect(r.status == 0)
        let o = try objects(r)
        #expect(o[1]["schema"] == .null && o[1]["route"] == .null)
        #expect(r.stderr.contains("smole-route: warning (at <stdin>:2): no rule matched b/other.pdf"))
    }

    @Test func badInputSuiteOneRecordPerLine() async throws {
        let big = String(repeating: "é", count: 5 * 1024 * 1024)  // 10 MB of UTF-8
        var input: [UInt8] = []
        input += Array(#"{"path":"docs/r-receipt.pdf","keep":true}"#.utf8) + [0x0A]  // 1 record
        input += Array("docs/plain path.pdf\r\n".utf8)  // 2 bare path, CRLF
        input += [0x0A, 0x20, 0x0A, 0x0D, 0x0A]  // 3-5 blank lines
        input += Array(#"{"path":"broken.pdf","#.utf8) + [0x0A]  // 6 malformed {
        input += Array("docs/caf".utf8) + [0xE9, 0xFF] + Array(".pdf".utf8) + [0x0A]  // 7 a path that is not UTF-8
        input += Array(#"{"path":"huge.pdf","blob":""#.utf8) + Array(big.utf8) + Array(#""}"#.utf8) + [0x0A]  // 8 10 MB
        input += Array("{".utf8) + Array(big.utf8) + [0x0A]  // 9 10 MB malformed
        input += Array(
            // 10 error record, no final newline
            #"{"path":"x.pdf","status":"error","error":{"code":"not_found","message":"gone","retryable":false}}"#.utf8)
        let r = try await route(["--rule", "receipt=*receipt*", "--default", "invoice"], stdinBytes: input)
        #expect(r.status == 1, "\(r.stderr.prefix(2000))")
        let o = try objects(r)
        #expect(o.count == 7)  // 10 lines, 3 blank
        #expect(o[0]["schema"] == .string("receipt") && o[0]["keep"] == .bool(true))
        #expect(o[1]["path"] == .string("docs/plain path.pdf") && o[1]["schema"] == .string("invoice"))
        #expect(o[2]["error"]?["code"] == .string("bad_record") && o[2]["raw"] == .string(#"{"path":"broken.pdf","#))
        #expect(o[2]["line"] == .number("6"))
        // Paths are bytes: the name is carried losslessly ({"bytes": base64}) and routed by its text.
        let nameBytes = Array("docs/caf".utf8) + [0xE9, 0xFF] + Array(".pdf".utf8)
        #expect(o[3]["path"] == .object(JSONObject([("bytes", .string(Data(nameBytes).base64EncodedString()))])))
        #expect(o[3]["schema"] == .string("invoice") && o[3]["error"] == nil)
        #expect(o[4]["schema"] == .string("invoice") && o[4]["blob"]?.stringValue == big)
        #expect(o[5]["error"]?["code"] == .string("bad_record") && o[5]["raw"]?.stringValue?.count == big.count + 1)
        #expect(o[6]["error"]?["code"] == .string("not_found") && o[6]["schema"] == nil)
        #expect(r.stderr.contains("smole-route: error (at <stdin>:6): malformed JSON"))
        #expect(!r.stderr.contains("(at <stdin>:7)"))
    }

    @Test func rulesFileOrderAndErrors() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("rules.txt", "# routing\nreceipt *bon* *receipt*\ncontract 'path:**/signed contracts/**'\n")
        try d.write("bad.txt", "receipt *bon*\ninvoice re:([0-9]\n")
        try d.write("short.txt", "\n\ninvoice\n")
        try d.write("schemas/other.json", Self.otherSchema)
        // --rule options come before the rules file: rule 1 wins over the file's *receipt*.
        let r = try await runTool(
            "smole-route",
            [
                "--rules", "rules.txt", "--rule", "invoice=*invoice*", "--schemas", "schemas", "--default", "other",
                "receipt-invoice.pdf", "bon.pdf", "x/Signed Contracts/a.pdf", "z.pdf",
            ], cwd: d.path)
        #expect(r.status == 0, "\(r.stderr)")
        let o = try objects(r)
        #expect(
            o.map { $0["route"]?.stringValue } == [
                "rule 1: *invoice*", "rule 2: *bon*", "rule 4: path:**/signed contracts/**", "default",
            ])
        let bad = try await runTool("smole-route", ["--rules", "bad.txt", "x.pdf"], cwd: d.path)
        #expect(bad.status == 64)
        #expect(bad.stdout.isEmpty)
        #expect(bad.stderr.contains("bad.txt:2: invalid regular expression"))
        let short = try await runTool("smole-route", ["--rules", "short.txt", "x.pdf"], cwd: d.path)
        #expect(short.status == 64)
        #expect(short.stderr.contains("short.txt:3: expected 'SCHEMA PATTERN...'"))
        let missing = try await runTool("smole-route", ["--rules", "nope.txt", "x.pdf"], cwd: d.path)
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("nope.txt"))
        let badRule = try await runTool("smole-route", ["--rule", "invoice=re:(unclosed", "x.pdf"])
        #expect(badRule.status == 64)
        #expect(badRule.stderr.contains("--rule 'invoice=re:(unclosed'"))
        let badConf = try await runTool("smole-route", ["--min-confidence", "1.5", "x.pdf"])
        #expect(badConf.status == 64)
    }

    @Test func classifyFallsThroughToDefault() async throws {
        // Whatever the engine says about a file that does not exist (nothing, or an error that
        // is reported as a warning), the record falls through to --default.
        let d = try TempDir()
        defer { d.cleanup() }
        let r = try await runTool("smole-route", ["--classify", "--default", "invoice", d.file("missing.pdf")])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try objects(r)
        #expect(o.count == 1)
        #expect(o.first?["schema"] == .string("invoice") && o.first?["route"] == .string("default"))
    }

    /// Without --default, a document classification cannot read (empty, binary, not found) ends as an error record
    /// that says why, and smole-extract keeps that reason instead of calling it no_schema; a readable document in the
    /// same stream is routed as before.
    @Test func classifyWithoutDefaultSaysWhyADocumentCannotBeRouted() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("empty.txt", "")
        try Data((0..<512).map { UInt8(($0 * 7 + 3) % 256) }).write(to: URL(fileURLWithPath: d.file("blob.bin")))
        try d.write(
            "invoice.txt",
            "ACME Ltd\nINVOICE\nInvoice Number: 77\nInvoice Date: 2024-01-02\nBill To: Globex\nTotal: 10.00\n")
        let r = try await runTool(
            "smole-route", ["--classify", "empty.txt", "blob.bin", "invoice.txt", "missing.pdf"], cwd: d.path)
        #expect(r.status == 1, "\(r.stderr)")
        let o = try objects(r)
        #expect(
            o.map { $0["error"]?["code"]?.stringValue } == ["unsupported_type", "unsupported_type", nil, "not_found"])
        #expect(o[2]["schema"] == .string("invoice"))
        let x = try await runTool("smole-extract", [], stdin: r.stdout, cwd: d.path)
        // results come out as they finish: by path
        var byPath: [String: JSONValue] = [:]
        for line in x.stdoutLines {
            let o = try JSON.parse(line)
            byPath[o["path"]?.stringValue ?? ""] = o
        }
        #expect(byPath["empty.txt"]?["error"]?["code"] == "unsupported_type", "\(x.stdout)")
        #expect(byPath["empty.txt"]?["error"]?["message"]?.stringValue?.contains("empty") == true)
        #expect(byPath["blob.bin"]?["error"]?["code"] == "unsupported_type")
        #expect(byPath["missing.pdf"]?["error"]?["code"] == "not_found")
        #expect(byPath["invoice.txt"]?["status"] == "ok")
    }

    @Test func lsIntoRouteThroughTwoProcesses() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("in/2024/Receipt-Cafe.txt", "Total 3.50")
        try d.write("in/contracts/lease.pdf", "%PDF-1.7")
        try d.write("in/inv-1.pdf", "%PDF-1.4")
        let ls = try await runTool("smole-ls", ["in"], cwd: d.path)
        #expect(ls.status == 0)
        let rt = try await runTool(
            "smole-route",
            ["--rule", "receipt=*receipt*", "--rule", "contract=path:in/contracts/*", "--default", "invoice"],
            stdin: ls.stdout, cwd: d.path)
        #expect(rt.status == 0, "\(rt.stderr)")
        let before = try objects(ls), after = try objects(rt)
        #expect(after.map { $0["schema"]?.stringValue } == ["receipt", "contract", "invoice"])
        // smole-ls's fields pass through unchanged, in order, with schema and route appended.
        for (b, a) in zip(before, after) {
            #expect(Array(a.members.prefix(b.count)) == b.members)
            #expect(a.keys.suffix(2) == ["schema", "route"])
        }
    }

    @Test func realShellPipeline() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("docs/a-receipt.pdf", "%PDF-1.4")
        try d.write("docs/b.pdf", "%PDF-1.4")
        try d.write("docs/notes.txt", "hello")
        let bin = Binaries.directory.path
        let script = """
            set -euo pipefail
            PATH="$0:$PATH"
            smole-ls --glob '*.pdf' docs | smole-route --rule 'receipt=*receipt*' --default invoice | jq -r '[.path, .schema, .route, .type] | @tsv'
            """
        let r = try await runTool("bash", ["-c", script, bin], cwd: d.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stdoutLines == [
                "docs/a-receipt.pdf\treceipt\trule 1: *receipt*\tapplication/pdf",
                "docs/b.pdf\tinvoice\tdefault\tapplication/pdf",
            ])
    }

    @Test func manPageNamesEveryOption() async throws {
        try await OptionPages.check(tool: "smole-route")
    }
}
