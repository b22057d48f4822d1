import Foundation
import Testing
import _SmoleTestSupport

@testable import SmoleRecords
@testable import SmoleTools

@Suite struct CSVCellTests {
    func cell(_ v: JSONValue, tsv: Bool = false, raw: Bool = false) -> String {
        var out: [UInt8] = []
        var scratch: [UInt8] = []
        CSVFormat(tsv: tsv, raw: raw).appendValue(v, scratch: &scratch, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func quotesOnlyWhenNeeded() {
        #expect(cell("plain text") == "plain text")
        #expect(cell("a,b") == "\"a,b\"")
        #expect(cell("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(cell("line\nbreak") == "\"line\nbreak\"")
        #expect(cell("cr\rhere") == "\"cr\rhere\"")
        #expect(cell("") == "")
        #expect(cell(.null) == "")
        #expect(cell("ünï ☃") == "ünï ☃")
    }

    @Test(arguments: ["=1+1", "+1", "-5", "@SUM(A1)", "\tx", "=HYPERLINK(\"http://x\")"])
    func formulaLikeTextGetsAQuote(_ s: String) {
        let c = cell(.string(s))
        #expect(c.hasPrefix("'") || c.hasPrefix("\"'"))
        #expect(cell(.string(s), raw: true) != c)
    }

    @Test func carriageReturnStartIsEscapedAndQuoted() {
        #expect(cell("\rx") == "\"'\rx\"")
    }

    @Test func numbersAndBooleansAreNeverAltered() {
        #expect(cell(.number("-5")) == "-5")
        #expect(cell(.number("-1.5e3")) == "-1.5e3")
        #expect(cell(.bool(true)) == "true")
        #expect(cell(.bool(false)) == "false")
        // A JSON string is text, even when it looks like a number.
        #expect(cell(.string("-5")) == "'-5")
        #expect(cell(.string("-5"), raw: true) == "-5")
    }

    @Test func joinedArraysAreText() {
        #expect(cell([.number("-1"), .number("2")]) == "'-1; 2")
        #expect(cell(["a", "=b"]) == "a; =b")
    }

    @Test func formulaEscapeAndQuotingTogether() {
        #expect(cell("=1,2") == "\"'=1,2\"")
        #expect(cell("-\"x\"") == "\"'-\"\"x\"\"\"")
    }

    @Test func tsvUsesBackslashEscapes() {
        #expect(cell("a\tb", tsv: true) == "a\\tb")
        #expect(cell("a\nb\rc\\d", tsv: true) == "a\\nb\\rc\\\\d")
        #expect(cell("a,\"b\"", tsv: true) == "a,\"b\"")
        #expect(cell("\tlead", tsv: true) == "'\\tlead")
        #expect(cell("=x", tsv: true, raw: true) == "=x")
    }

    @Test func linesEndWithCRLFForCSVAndLFForTSV() {
        #expect(CSVFormat().line(["a", "b,c"]) == "a,\"b,c\"\r\n")
        #expect(CSVFormat(tsv: true).line(["a", "b"]) == "a\tb\n")
        #expect(CSVFormat().line(["=cmd"]) == "'=cmd\r\n")
    }
}

@Suite struct CSVWriterTests {
    func run(_ lines: [String], _ configure: (inout CSVOptions) -> Void = { _ in }) throws -> (String, CSVReport) {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let f = try dir.write("r.ndjson", lines.joined(separator: "\n") + "\n")
        var options = CSVOptions()
        options.format = CSVFormat(tsv: true)
        configure(&options)
        var out: [UInt8] = []
        let report = try CSVWriter(options: options) { out += $0 }.run(InputSet(paths: [f]))
        return (String(decoding: out, as: UTF8.self), report)
    }

    @Test func latestRecordPerPathWinsAndColumnsComeFromKeptRowsOnly() throws {
        let (out, report) = try run([
            #"{"path":"a","status":"ok","data":{"old":1,"total":1}}"#,
            #"{"path":"b","status":"ok","data":{"total":2}}"#,
            #"{"path":"a","status":"ok","data":{"total":10,"new":"y"}}"#,
            #"{"path":"b","status":"error","error":{"code":"job_failed","message":"t","retryable":false}}"#,
        ])
        #expect(out == "path\tschema\ttotal\tnew\na\t\t10\ty\n")
        #expect(report.skippedNotOK == 1)
        #expect(report.exitStatus == .ok)
    }

    @Test func spoolHandlesManyRowsAndCellsLargerThanItsBuffer() throws {
        var lines: [String] = []
        for i in 0..<5000 { lines.append(#"{"path":"f\#(i)","status":"ok","data":{"k\#(i % 7)":\#(i)}}"#) }
        let big = String(repeating: "x", count: 3_000_000)
        lines.append(#"{"path":"big","status":"ok","data":{"text":"\#(big)"}}"#)
        let (out, report) = try run(lines)
        let rows = out.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(report.rows == 5001)
        #expect(rows[0] == "path\tschema\tk0\tk1\tk2\tk3\tk4\tk5\tk6\ttext")
        #expect(rows[1] == "f0\t\t0\t\t\t\t\t\t\t")
        #expect(rows[5000] == "f4999\t\t\t4999\t\t\t\t\t\t")  // 4999 % 7 == 1: column k1
        #expect(rows[5001] == "big\t\t\t\t\t\t\t\t\t" + big)
    }
}
