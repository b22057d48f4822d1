import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

/// Parses CSV or TSV with Python's csv module (an independent RFC 4180 reader), so the tests
/// check what a real consumer sees rather than our own idea of the format.
fileprivate func parseCSV(_ text: String, tsv: Bool = false) async throws -> [[String]] {
    let script = """
        import csv, io, json, sys
        csv.field_size_limit(1 << 30)
        src = io.TextIOWrapper(sys.stdin.buffer, encoding='utf-8', newline='')
        if sys.argv[1] == 'tsv':
            rows = [line.rstrip('\\n').split('\\t') for line in src]
        else:
            rows = list(csv.reader(src, strict=True))
        print(json.dumps(rows))
        """
    let r = try await runTool("python3", ["-c", script, tsv ? "tsv" : "csv"], stdin: text)
    guard r.status == 0, case .array(let rows) = try JSON.parse(r.stdout) else {
        throw TestFailure("python3 csv reader failed: \(r.stderr)")
    }
    return rows.map { ($0.arrayValue ?? []).map { $0.stringValue ?? "" } }
}

fileprivate struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Rows as dictionaries keyed by the header.
fileprivate func table(_ rows: [[String]]) -> [[String: String]] {
    guard let header = rows.first else { return [] }
    return rows.dropFirst().map { row in
        var d: [String: String] = [:]
        for (i, h) in header.enumerated() where i < row.count { d[h] = row[i] }
        return d
    }
}

fileprivate let sampleResults =
    [
        #"{"path":"docs/a.pdf","schema":"invoice","status":"ok","data":{"vendor_name":"Old Name","total":1,"old_field":"gone"}}"#,
        #"{"path":"docs/b.pdf","schema":"receipt","status":"ok","data":{"merchant_name":"Café, \"Bar\"","total":-3.50,"line_items":[]}}"#,
        #"{"path":"docs/c.pdf","schema":"invoice","status":"ok","data":{"vendor_name":"Will fail later","total":9}}"#,
        #"{"path":"docs/a.pdf","schema":"invoice","status":"ok","data":{"vendor_name":"ACME\nGmbH","total":120.50,"date":"2024-03-01","paid":true,"note":null,"tags":["x","y"],"address":{"city":"Köln","zip":"50667"},"line_items":[{"description":"Widget","quantity":2,"amount":100},{"description":"=cmd|' /C calc'!A0","quantity":1,"amount":20.50}]}}"#,
        // a permanent error about the document itself replaces its earlier ok result (an outage would not: ResultFold)
        #"{"path":"docs/c.pdf","schema":"invoice","status":"error","error":{"code":"unreadable","message":"docs/c.pdf: damaged","retryable":false}}"#,
        #"{"path":"docs/d.pdf","schema":"invoice","status":"error","error":{"code":"not_found","message":"docs/d.pdf: no such file","retryable":false}}"#,
    ].joined(separator: "\n") + "\n"

@Suite struct CSVToolTests {
    @Test func latestRecordWinsAndNotOKDocumentsAreLeftOut() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let f = try dir.write("results.ndjson", sampleResults)
        let r = try await runTool("smole-csv", [f])
        #expect(r.status == 0)
        #expect(r.stdout.hasSuffix("\r\n"))
        let rows = try await parseCSV(r.stdout)
        // A stable order, whichever document came first: path, schema, then each schema's fields
        // in the order its records carry them, schemas in name order (invoice before receipt).
        #expect(
            rows[0] == [
                "path", "schema", "vendor_name", "total", "date", "paid", "note",
                "tags", "address.city", "address.zip", "line_items", "merchant_name",
            ])
        let t = table(rows)
        #expect(t.map { $0["path"] } == ["docs/b.pdf", "docs/a.pdf"])
        let a = t[1]
        #expect(a["vendor_name"] == "ACME\nGmbH")
        #expect(a["total"] == "120.50")
        #expect(a["paid"] == "true")
        #expect(a["note"] == "")
        #expect(a["tags"] == "x; y")
        #expect(a["address.city"] == "Köln")
        #expect(a["line_items"]?.hasPrefix(#"[{"description":"Widget""#) == true)
        #expect(t[0]["merchant_name"] == "Café, \"Bar\"")
        #expect(t[0]["total"] == "-3.50")
        #expect(!r.stdout.contains("old_field"))
        #expect(r.stderr.contains("left out 2 document(s)"))
    }

    @Test func rowsExplodesItemsRepeatingDocumentFields() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let f = try dir.write("results.ndjson", sampleResults)
        let r = try await runTool("smole-csv", ["--rows", "line_items", f])
        #expect(r.status == 0)
        let rows = try await parseCSV(r.stdout)
        #expect(rows[0].contains("line_items.description"))
        #expect(!rows[0].contains("line_items"))
        let t = table(rows)
        #expect(t.count == 3)  // b with its empty array, then a's two items
        #expect(t[0]["path"] == "docs/b.pdf" && t[0]["line_items.description"] == "")
        #expect(t[1]["path"] == "docs/a.pdf" && t[1]["line_items.description"] == "Widget")
        #expect(t[2]["line_items.description"] == "'=cmd|' /C calc'!A0")
        #expect(t[2]["line_items.amount"] == "20.50")
        #expect(t[1]["vendor_name"] == "ACME\nGmbH" && t[2]["vendor_name"] == "ACME\nGmbH")
        #expect(t[1]["total"] == "120.50" && t[2]["total"] == "120.50")
    }

    @Test func fieldsPicksOrdersAndStreamsRecordsAsRead() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let f = try dir.write("results.ndjson", sampleResults)
        let r = try await runTool(
            "smole-csv", ["--fields", "total,path,line_items.amount,nope", "--rows", "line_items", f])
        #expect(r.status == 0)
        let rows = try await parseCSV(r.stdout)
        // Every ok record as read: a (old), b, c (old), then a's two items.
        #expect(
            rows == [
                ["total", "path", "line_items.amount", "nope"],
                ["1", "docs/a.pdf", "", ""],
                ["-3.50", "docs/b.pdf", "", ""],
                ["9", "docs/c.pdf", "", ""],
                ["120.50", "docs/a.pdf", "100", ""],
                ["120.50", "docs/a.pdf", "20.50", ""],
            ])
        #expect(r.stderr.contains("warning (at \(f):4): docs/a.pdf appears again"))
        #expect(r.stderr.contains("no record has a column named nope"))

        let status = try await runTool("smole-csv", ["--fields", "path,status", "--all", "--latest", f])
        #expect(
            try await parseCSV(status.stdout) == [
                ["path", "status"], ["docs/b.pdf", "ok"], ["docs/a.pdf", "ok"],
                ["docs/c.pdf", "error"], ["docs/d.pdf", "error"],
            ])
        let okStatus = try await runTool("smole-csv", ["--fields", "status,path", "-"], stdin: sampleResults)
        #expect(try await parseCSV(okStatus.stdout).dropFirst().allSatisfy { $0[0] == "ok" })

        let latest = try await runTool("smole-csv", ["--fields", "path,total", "--latest", f])
        #expect(
            try await parseCSV(latest.stdout) == [
                ["path", "total"], ["docs/b.pdf", "-3.50"], ["docs/a.pdf", "120.50"],
            ])
    }

    @Test func fieldsWritesEachRowBeforeTheNextRecordArrives() async throws {
        // The second record comes 4 s after the first; its row must not hold up the first one.
        let script = """
            start=$(date +%s%N)
            ( printf '%s\\n' '{"path":"one","status":"ok","data":{"v":1}}'; sleep 4;
              printf '%s\\n' '{"path":"two","status":"ok","data":{"v":2}}' ) |
              "$SMOLE_CSV" --fields path,v |
              while IFS= read -r line; do echo "$(( ($(date +%s%N) - start) / 1000000 )) ${line%$'\r'}"; done
            """
        let r = try await runTool("bash", ["-c", script], env: ["SMOLE_CSV": Binaries.path("smole-csv")])
        let lines = r.stdoutLines.map { $0.split(separator: " ", maxSplits: 1).map(String.init) }
        #expect(lines.map { $0.last ?? "" } == ["path,v", "one,1", "two,2"])
        guard lines.count == 3 else { return }
        let firstRow = Int(lines[1][0]) ?? 0, secondRow = Int(lines[2][0]) ?? 0
        #expect(secondRow - firstRow >= 3000, "the first row waited for the second record")
    }

    @Test func allIncludesErrorsWithStatusAndErrorColumnsAsTSV() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let f = try dir.write("results.ndjson", sampleResults)
        let r = try await runTool("smole-csv", ["--all", "--tsv", f])
        #expect(r.status == 0)
        #expect(!r.stdout.contains("\r"))
        let rows = try await parseCSV(r.stdout, tsv: true)
        #expect(Array(rows[0].prefix(5)) == ["path", "schema", "status", "error.code", "error.message"])
        let t = table(rows)
        #expect(t.map { $0["path"] } == ["docs/b.pdf", "docs/a.pdf", "docs/c.pdf", "docs/d.pdf"])
        #expect(
            t[2]["status"] == "error" && t[2]["error.code"] == "unreadable"
                && t[2]["error.message"] == "docs/c.pdf: damaged")
        #expect(t[1]["vendor_name"] == "ACME\\nGmbH")  // TSV escapes the newline
        #expect(t[1]["status"] == "ok" && t[1]["error.code"] == "")
    }

    @Test func formulaCellsAreEscapedUnlessRaw() async throws {
        let input =
            #"{"path":"=x.pdf","status":"ok","data":{"a":"=1+1","b":"+49 30","c":"-5","d":-5,"e":"@me","f":"\tx","g":"safe","h":["-1",2]}}"#
            + "\n"
        let r = try await runTool("smole-csv", ["-"], stdin: input)
        let t = table(try await parseCSV(r.stdout))
        #expect(t[0]["path"] == "'=x.pdf")
        #expect(t[0]["a"] == "'=1+1" && t[0]["b"] == "'+49 30" && t[0]["c"] == "'-5" && t[0]["e"] == "'@me")
        #expect(t[0]["f"] == "'\tx" && t[0]["g"] == "safe" && t[0]["h"] == "'-1; 2")
        #expect(t[0]["d"] == "-5")
        let raw = table(try await parseCSV(try await runTool("smole-csv", ["--raw"], stdin: input).stdout))
        #expect(raw[0]["a"] == "=1+1" && raw[0]["c"] == "-5" && raw[0]["path"] == "=x.pdf")
    }

    @Test func noHeaderLeavesTheHeaderOut() async throws {
        let r = try await runTool(
            "smole-csv", ["--no-header"], stdin: #"{"path":"p","status":"ok","data":{"v":1}}"# + "\n")
        #expect(r.stdout == "p,,1\r\n")
    }

    @Test func badLinesAreReportedWithTheirPlaceAndTheRunGoesOn() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var bytes = Array(#"{"path":"ok1","status":"ok","data":{"v":1}}"#.utf8) + [0x0D, 0x0A]
        bytes += Array("{not json\n".utf8)
        bytes += [0x0A, 0x20, 0x0A]  // blank lines
        bytes += Array(#"{"path":"bad-utf8","v":""#.utf8) + [0xFF, 0xFE] + Array("\"}\n".utf8)
        bytes += Array(#"{"path":"ok2","status":"ok","data":{"v":2}}"#.utf8)  // no final newline
        let f = try dir.write("results.ndjson", bytes: bytes)
        let r = try await runTool("smole-csv", [f])
        #expect(r.status == 1)
        #expect(table(try await parseCSV(r.stdout)).map { $0["path"] } == ["ok1", "ok2"])
        #expect(r.stderr.contains("smole-csv: error (at \(f):2): malformed JSON"))
        #expect(r.stderr.contains("smole-csv: error (at \(f):5): malformed JSON: invalid UTF-8"))

        let all = try await runTool("smole-csv", ["--all", f])
        #expect(all.status == 1)
        let t = table(try await parseCSV(all.stdout))
        #expect(t.count == 4)
        #expect(t.filter { $0["error.code"] == "bad_record" }.count == 2)
    }

    @Test func missingInputIsReportedAndOthersAreStillRead() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let f = try dir.write("results.ndjson", sampleResults)
        let r = try await runTool("smole-csv", [dir.file("nope.ndjson"), f])
        #expect(r.status == 66)
        #expect(r.stderr.contains("nope.ndjson: no such file"))
        #expect(table(try await parseCSV(r.stdout)).count == 2)
    }

    @Test func unknownOptionIsAUsageError() async throws {
        let r = try await runTool("smole-csv", ["--bogus"], stdin: "")
        #expect(r.status == 64)
        let l = try await runTool("smole-csv", ["--latest"], stdin: "")
        #expect(l.status == 64)
    }

    @Test func aTenMegabyteCellSurvives() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let big = String(repeating: "ab,\"", count: 2_600_000)
        let f = try dir.write(
            "results.ndjson",
            #"{"path":"big","status":"ok","data":{"text":"\#(big.replacingOccurrences(of: "\"", with: "\\\""))","n":1}}"#
                + "\n")
        let r = try await runTool("smole-csv", [f])
        #expect(r.status == 0)
        let t = table(try await parseCSV(r.stdout))
        #expect(t.count == 1 && t[0]["text"] == big && t[0]["n"] == "1")
    }

    @Test func inARealPipeFromCatThroughAnotherReader() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try dir.write("results.ndjson", sampleResults)
        let script =
            #"cat results.ndjson | "$SMOLE_CSV" --rows line_items - | mlr --icsv --ojsonl cut -f path,line_items.amount"#
        let r = try await runTool(
            "bash", ["-c", script], cwd: dir.path, env: ["SMOLE_CSV": Binaries.path("smole-csv")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdoutLines.count == 3)
        #expect(r.stdoutLines.last?.contains("20.50") == true)
    }
}
