import Foundation
import SmoleBackend
import SmoleClient
import SmoleRecords
import Testing
import _SmoleTestSupport

/// Issue 11, "a pipeline that forgives everyday mistakes": each test runs the built binaries
/// in real pipes the way the report did, on fixtures made here.
@Suite struct ForgivingPipelineTests {
    /// Runs a bash script (`pipefail`) with the built tools first on PATH, the local engine chosen.
    static func sh(_ script: String, in dir: TempDir) async throws -> RunResult {
        try await runPipeline(script, in: dir.path)
    }

    static func objects(_ text: String) throws -> [JSONObject] {
        try text.split(separator: "\n").map { line in
            guard case .object(let o) = try JSON.parse(String(line)) else { throw CancellationError() }
            return o
        }
    }

    static func json(_ text: String) throws -> JSONObject {
        guard case .object(let o) = try JSON.parse(text) else { throw CancellationError() }
        return o
    }

    /// A plain-text invoice the local engine reads.
    static func invoice(number: String, vendor: String = "Harbor Lights Catering LLC", total: String = "1237.35")
        -> String
    {
        """
        \(vendor)
        12 Pier Road, Portland, ME 04101

        INVOICE
        Invoice Number: \(number)
        Invoice Date: 2025-03-14
        Bill To: Summit Events Inc.

        Subtotal: 1150.00
        Tax: 87.35
        Total: USD \(total)

        """
    }

    static func ok(_ path: String, number: String, schema: String? = "invoice", total: String = "10.00") -> String {
        let s = schema.map { #","schema":"\#($0)""# } ?? ""
        return
            #"{"path":"\#(path)"\#(s),"status":"ok","data":{"invoice_number":"\#(number)","total":\#(total)},"attempts":1}"#
    }

    // MARK: 1. the schema given with --schema is in the result

    @Test func schemaGivenWithTheFlagIsRecordedInEveryResult() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("docs/a.txt", Self.invoice(number: "A-1"))
        let r = try await Self.sh(
            """
            smole-extract --schema invoice docs/a.txt docs/missing.txt > results.ndjson; \
            smole-summary --json results.ndjson > summary.json; \
            smole-csv --all results.ndjson > out.csv; \
            smole-retry --all results.ndjson > todo.ndjson; \
            smole-sql --table documents results.ndjson | sqlite3 docs.db; \
            sqlite3 docs.db 'select path, schema from documents order by path'
            """, in: d)
        let results = try Self.objects(try String(contentsOfFile: d.file("results.ndjson"), encoding: .utf8))
        #expect(results.count == 2, "\(r.stderr)")
        #expect(results.allSatisfy { $0["schema"] == .string("invoice") }, "\(results)")
        let summary = try Self.json(try String(contentsOfFile: d.file("summary.json"), encoding: .utf8))
        #expect(summary["by_schema"]?["invoice"]?["documents"] == .number("2"))
        #expect(summary["by_schema"]?["(none)"] == nil)
        let csv = try String(contentsOfFile: d.file("out.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\r\n").dropFirst().allSatisfy { $0.contains(",invoice,") }, "\(csv)")
        // smole-retry hands the document back with its schema, so a retry is not a no_schema.
        let todo = try Self.objects(try String(contentsOfFile: d.file("todo.ndjson"), encoding: .utf8))
        #expect(todo.count == 1 && todo[0]["schema"] == .string("invoice"))
        #expect(r.stdout == "docs/a.txt|invoice\ndocs/missing.txt|invoice\n", "\(r.stderr)")
    }

    // MARK: 2. a mistake never replaces good results

    @Test func noSchemaOrAnUnknownSchemaIsAUsageErrorBeforeAnyWork() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("docs/a.txt", Self.invoice(number: "A-1"))
        try d.write("docs/b.txt", Self.invoice(number: "B-2"))
        let first = try await Self.sh("smole-extract --schema invoice docs/*.txt >> results.ndjson", in: d)
        #expect(first.status == 0, "\(first.stderr)")
        let before = try String(contentsOfFile: d.file("results.ndjson"), encoding: .utf8)

        let none = try await Self.sh("smole-extract docs/*.txt >> results.ndjson", in: d)
        #expect(none.status == 64)
        #expect(none.stderr.contains("need --schema"), "\(none.stderr)")
        let typo = try await Self.sh("smole-extract --schema invoce docs/*.txt >> results.ndjson", in: d)
        #expect(typo.status == 64)
        #expect(typo.stderr.contains("unknown schema \"invoce\""), "\(typo.stderr)")
        #expect(typo.stderr.contains("invoice"), "the message lists the known schemas: \(typo.stderr)")
        #expect(try String(contentsOfFile: d.file("results.ndjson"), encoding: .utf8) == before, "nothing was appended")

        let summary = try await Self.sh("smole-summary --json results.ndjson", in: d)
        #expect(try Self.json(summary.stdout)["ok"] == .number("2"))
    }

    @Test func errorsThatSayNothingAboutTheDocumentNeverReplaceAnOkResult() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("docs/a.txt", Self.invoice(number: "A-1"))
        // a: an ok result, then the same document fed on stdin without a schema (a no_schema record).
        // b: ok, then a re-run that timed out (an outage says nothing about the document).
        // c: ok, then a permanent error about the document itself (it became unreadable): that one counts.
        // d: only a retryable failure: still to do.
        let r = try await Self.sh(
            """
            smole-extract --schema invoice docs/a.txt > results.ndjson && \
            { echo docs/a.txt | smole-extract >> results.ndjson; echo "exit $?"; } && \
            echo '{"path":"docs/b.txt","status":"ok","data":{"invoice_number":"B"}}' >> results.ndjson && \
            echo '{"path":"docs/b.txt","status":"error","error":{"code":"timeout","message":"slow","retryable":true}}' >> results.ndjson && \
            echo '{"path":"docs/c.txt","status":"ok","data":{"invoice_number":"C"}}' >> results.ndjson && \
            echo '{"path":"docs/c.txt","status":"error","error":{"code":"unreadable","message":"damaged","retryable":false}}' >> results.ndjson && \
            echo '{"path":"docs/d.txt","status":"error","error":{"code":"timeout","message":"slow","retryable":true}}' >> results.ndjson && \
            smole-summary --json results.ndjson > summary.json; \
            smole-summary results.ndjson > /dev/null 2> summary.err; \
            smole-csv --fields path,invoice_number --latest results.ndjson > out.csv; \
            smole-retry results.ndjson > todo.ndjson; \
            smole-sql --table documents results.ndjson | sqlite3 docs.db && \
            sqlite3 docs.db 'select path, status from documents order by path'
            """, in: d)
        let lines = try Self.objects(try String(contentsOfFile: d.file("results.ndjson"), encoding: .utf8))
        #expect(lines.count == 7, "\(r.stderr)")
        #expect(
            lines[1]["error"]?["code"] == .string("no_schema"), "stdin records without a schema still get no_schema")
        let s = try Self.json(try String(contentsOfFile: d.file("summary.json"), encoding: .utf8))
        #expect(s["documents"] == .number("4") && s["ok"] == .number("2") && s["failed"] == .number("2"), "\(s)")
        #expect(s["by_error"]?["no_schema"] == nil)
        #expect(
            try String(contentsOfFile: d.file("summary.err"), encoding: .utf8).contains(
                "2 error record(s) came after an ok result for the same document but say nothing about the document itself"
            ))
        let csv = try String(contentsOfFile: d.file("out.csv"), encoding: .utf8)
        #expect(csv == "path,invoice_number\r\ndocs/a.txt,A-1\r\ndocs/b.txt,B\r\n", "\(csv)")
        let todo = try Self.objects(try String(contentsOfFile: d.file("todo.ndjson"), encoding: .utf8))
        #expect(
            todo.map { $0["path"] } == [.string("docs/d.txt")],
            "a retryable failure with no result before it is still to do")
        #expect(
            r.stdout.hasSuffix("docs/a.txt|ok\ndocs/b.txt|ok\ndocs/c.txt|error\ndocs/d.txt|error\n"),
            "\(r.stdout) \(r.stderr)")
    }

    @Test func routeChecksSchemaNames() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        let typo = try await Self.sh("echo docs/a.pdf | smole-route --default invocie", in: d)
        #expect(typo.status == 64 && typo.stdout.isEmpty)
        #expect(typo.stderr.contains("--default: unknown schema 'invocie'"), "\(typo.stderr)")
        let backwards = try await Self.sh(
            "echo docs/receipt-1.pdf | smole-route --rule '*receipt*=receipt' --default invoice", in: d)
        #expect(backwards.status == 64 && backwards.stdout.isEmpty)
        #expect(backwards.stderr.contains("did you mean 'receipt=*receipt*'"), "\(backwards.stderr)")
        let right = try await Self.sh(
            "echo docs/receipt-1.pdf | smole-route --rule 'receipt=*receipt*' --default invoice", in: d)
        #expect(right.status == 0)
        #expect(try Self.objects(right.stdout).first?["schema"] == .string("receipt"))
        // A schema file named by its path is a schema name too.
        try d.write("po.json", #"{"type":"object","properties":{"po_number":{"type":"string"}}}"#)
        let file = try await Self.sh("echo docs/x.pdf | smole-route --default ./po.json", in: d)
        #expect(file.status == 0, "\(file.stderr)")
    }

    // MARK: 3. one file, one key

    @Test func oneFileIsOneDocumentHoweverItIsNamed() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("docs/x.txt", "x")
        let abs = d.file("docs/x.txt")
        let results =
            [
                #"{"path":"./docs/x.txt","schema":"invoice","status":"error","error":{"code":"timeout","message":"slow","retryable":true}}"#,
                #"{"path":"docs//x.txt","schema":"invoice","status":"error","error":{"code":"timeout","message":"slow","retryable":true}}"#,
                #"{"path":"\#(abs)","schema":"invoice","status":"ok","data":{"invoice_number":"X-1"}}"#,
                #"{"path":"docs/./sub/../x.txt","schema":"invoice","status":"ok","data":{"invoice_number":"X-1"}}"#,
            ].joined(separator: "\n") + "\n"
        try d.write("results.ndjson", results)
        let r = try await Self.sh(
            """
            smole-summary --json results.ndjson > summary.json && \
            smole-csv results.ndjson > out.csv && \
            smole-retry results.ndjson > todo.ndjson && \
            smole-sql --table documents results.ndjson | sqlite3 docs.db && \
            sqlite3 docs.db 'select count(*), min(path) from documents'
            """, in: d)
        #expect(r.status == 0, "\(r.stderr)")
        let s = try Self.json(try String(contentsOfFile: d.file("summary.json"), encoding: .utf8))
        #expect(s["documents"] == .number("1") && s["ok"] == .number("1"), "\(s)")
        let csv = try String(contentsOfFile: d.file("out.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\r\n").count == 2, "\(csv)")
        // the CSV names the document by the same key smole-sql stores
        #expect(csv.split(separator: "\r\n").last?.hasPrefix("docs/x.txt,") == true, "\(csv)")
        #expect(try String(contentsOfFile: d.file("todo.ndjson"), encoding: .utf8).isEmpty)
        // smole-sql's upsert key is the canonical key: relative to the working directory.
        #expect(r.stdout == "1|docs/x.txt\n")
        // A second load with yet another spelling updates the same row.
        try d.write(
            "more.ndjson",
            #"{"path":"./docs/x.txt","schema":"invoice","status":"ok","data":{"invoice_number":"X-2"}}"# + "\n")
        let again = try await Self.sh(
            "smole-sql --table documents more.ndjson | sqlite3 docs.db && sqlite3 docs.db 'select count(*), invoice_number from documents'",
            in: d)
        #expect(again.stdout == "1|X-2\n", "\(again.stderr)")
    }

    @Test func theReadmeMixedFolderRecipeCountsEachFileOnce() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        for n in 1...2 {
            var pdf = PDFWriter()
            pdf.addPage(lines: [
                [(72, "ACME Tools GmbH")], [(72, "Invoice Number: M-\(n)")], [(72, "Total: EUR 1\(n).00")],
            ])
            try d.write("inbox/m\(n).pdf", bytes: pdf.data())
        }
        try d.write("inbox/note.txt", Self.invoice(number: "T-1"))
        // The README's "A mixed folder, end to end": ls names inbox/x.pdf, find names ./inbox/x.pdf.
        let r = try await Self.sh(
            """
            smole-ls inbox/ | smole-route --classify --default invoice | smole-extract -j 2 > results.ndjson && \
            find . -name '*.pdf' -print0 | xargs -0 smole-extract --schema invoice >> results.ndjson && \
            smole-summary --json results.ndjson
            """, in: d)
        #expect(r.status == 0, "\(r.stderr)")
        let s = try Self.json(r.stdout)
        #expect(s["documents"] == .number("3"), "3 files, 5 records: \(s)")
    }

    @Test func theCanonicalKeyIsLexical() {
        func key(_ p: String, _ cwd: String = "/home/u/work") -> String {
            String(decoding: DocumentKey.canonical(Array(p.utf8), cwd: Array(cwd.utf8)), as: UTF8.self)
        }
        #expect(key("docs/x.pdf") == "docs/x.pdf")
        #expect(key("./docs/x.pdf") == "docs/x.pdf")
        #expect(key("docs//x.pdf") == "docs/x.pdf")
        #expect(key("/home/u/work/docs/x.pdf") == "docs/x.pdf")
        #expect(key("docs/../docs/./x.pdf") == "docs/x.pdf")
        #expect(key("../other/y.pdf") == "/home/u/other/y.pdf")
        #expect(key("/srv/y.pdf") == "/srv/y.pdf")
        #expect(
            key("/home/u/workshop/z.pdf") == "/home/u/workshop/z.pdf", "a sibling with the same prefix is not inside")
        #expect(key("x.pdf", "/") == "x.pdf")
        #expect(key(".") == ".")
        #expect(key("docs/x.pdf/") == "docs/x.pdf")
        #expect(key("..docs/x.pdf") == "..docs/x.pdf", "a name that starts with dots is a name")
    }

    // MARK: 4. a torn last line

    @Test func aToolAppendingAfterATornLineStartsANewLine() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("docs/a.txt", Self.invoice(number: "A-1"))
        // A crash mid-write left a torn last line with no newline.
        try d.write("results.ndjson", Self.ok("docs/z.txt", number: "Z") + "\n" + #"{"path":"docs/y.txt","sta"#)
        let r = try await Self.sh(
            """
            smole-extract --schema invoice docs/a.txt >> results.ndjson && \
            smole-ls docs >> listing.ndjson && printf '{"path":"torn' > listing2.ndjson && smole-ls docs >> listing2.ndjson && \
            smole-summary --json results.ndjson
            """, in: d)
        #expect(r.status == 1, "a bad line makes smole-summary exit 1: \(r.stderr)")
        let s = try Self.json(r.stdout)
        #expect(s["ok"] == .number("2"), "the appended result is not lost: \(s)")
        #expect(s["bad_lines"] == .number("1"))
        #expect(
            r.stderr.contains("(at results.ndjson:2): torn last line") || r.stderr.contains("(at results.ndjson:2)"),
            "\(r.stderr)")
        let text = try String(contentsOfFile: d.file("results.ndjson"), encoding: .utf8)
        #expect(text.split(separator: "\n").count == 3 && text.hasSuffix("\n"))
        let listing2 = try String(contentsOfFile: d.file("listing2.ndjson"), encoding: .utf8)
        #expect(listing2.hasPrefix("{\"path\":\"torn\n{"), "\(listing2)")
        // A file that ends in a newline gets no blank line.
        let listing = try String(contentsOfFile: d.file("listing.ndjson"), encoding: .utf8)
        #expect(listing.hasPrefix("{"))
    }

    @Test func aTornLastLineIsABadLineAndTheRestIsKept() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("results.ndjson", Self.ok("docs/a.txt", number: "A") + "\n" + #"{"path":"docs/b.txt","status":"o"#)
        for tool in ["smole-summary", "smole-csv", "smole-retry"] {
            let r = try await Self.sh("\(tool) results.ndjson", in: d)
            #expect(r.status == 1, "\(tool): \(r.stderr)")
            #expect(r.stderr.contains("(at results.ndjson:2): torn last line"), "\(tool): \(r.stderr)")
        }
        let csv = try await Self.sh("smole-csv --fields path results.ndjson", in: d)
        #expect(csv.stdout == "path\r\ndocs/a.txt\r\n")
    }

    // MARK: 5. a wrong file is not read as paths

    @Test func resultReadersTakeOnlyJSONRecords() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write(
            "items.csv",
            "path,line_items.description,line_items.amount\r\ndocs/a.pdf,Drill,90.00\r\ndocs/a.pdf,Bits,10.00\r\n")
        let summary = try await Self.sh("smole-summary --json items.csv", in: d)
        #expect(summary.status == 1)
        let s = try Self.json(summary.stdout)
        #expect(s["documents"] == .number("0") && s["bad_lines"] == .number("3"), "\(s)")
        #expect(summary.stderr.contains("not a JSON record"), "\(summary.stderr)")
        let sql = try await Self.sh("smole-sql items.csv", in: d)
        #expect(sql.status == 1)
        #expect(!sql.stdout.contains("docs/a.pdf"), "no CSV line is inserted as a path")
        let retry = try await Self.sh("smole-retry items.csv", in: d)
        #expect(retry.status == 1 && retry.stdout.isEmpty)
        // The tools that read documents still take bare paths.
        let route = try await Self.sh("echo docs/a.pdf | smole-route --default invoice", in: d)
        #expect(try Self.objects(route.stdout).first?["path"] == .string("docs/a.pdf"))
    }

    // MARK: 6. a byte-order mark (case 11-utf8-bom-inputs)

    @Test func aByteOrderMarkWhereInputBeginsIsNotData() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        try d.write(
            "results-bom.ndjson",
            bytes: bom
                + Array((Self.ok("a.txt", number: "HL-3391") + "\n" + Self.ok("b.txt", number: "HL-3392") + "\n").utf8))
        try d.write("invoice-a.txt", Self.invoice(number: "HL-3391"))
        try d.write("invoice-b.txt", Self.invoice(number: "HL-3392"))
        try d.write("paths-bom.txt", bytes: bom + Array("invoice-a.txt\r\ninvoice-b.txt\r\n".utf8))
        try d.write("invoice-bom.txt", bytes: bom + Array(Self.invoice(number: "HL-3393").utf8))

        // Two files joined with cat: the second one's mark sits at the start of a line mid-stream.
        try d.write("more-bom.ndjson", bytes: bom + Array((Self.ok("c.txt", number: "HL-3394") + "\n").utf8))
        let joined = try await Self.sh(
            "cat results-bom.ndjson more-bom.ndjson | smole-csv --fields path,invoice_number", in: d)
        #expect(
            joined.status == 0
                && joined.stdout == "path,invoice_number\r\na.txt,HL-3391\r\nb.txt,HL-3392\r\nc.txt,HL-3394\r\n",
            "\(joined.stdout) \(joined.stderr)")
        let pending = try await Self.sh(
            "cat paths-bom.txt paths-bom.txt | smole-extract --schema invoice | smole-summary --json", in: d)
        #expect(try Self.json(pending.stdout)["ok"] == .number("2"), "\(pending.stdout) \(pending.stderr)")

        let csv = try await Self.sh("smole-csv --fields path,invoice_number,total results-bom.ndjson", in: d)
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout == "path,invoice_number,total\r\na.txt,HL-3391,10.00\r\nb.txt,HL-3392,10.00\r\n")
        let summary = try await Self.sh("smole-summary --json results-bom.ndjson", in: d)
        let s = try Self.json(summary.stdout)
        #expect(
            summary.status == 0 && s["documents"] == .number("2") && s["ok"] == .number("2")
                && s["failed"] == .number("0"))

        let list = try await Self.sh("smole-extract --schema invoice < paths-bom.txt", in: d)
        #expect(list.status == 0, "\(list.stderr)")
        let recs = try Self.objects(list.stdout)
        #expect(Set(recs.compactMap { $0["path"]?.stringValue }) == ["invoice-a.txt", "invoice-b.txt"])
        #expect(recs.allSatisfy { $0["status"] == .string("ok") })

        let one = try await Self.sh("smole-extract --schema invoice invoice-bom.txt", in: d)
        #expect(one.status == 0, "\(one.stderr)")
        let data = try Self.objects(one.stdout).first?["data"]
        #expect(data?["vendor_name"] == .string("Harbor Lights Catering LLC"))
        #expect(data?["invoice_number"] == .string("HL-3393"))
        #expect(data?["total"] == .number("1237.35"))
    }

    // MARK: 7. file names that are not UTF-8 (case 12-non-utf8-filename)

    /// Makes inbox/ with Latin-1 names (invalid UTF-8) next to normal ones, with POSIX calls.
    static func makeLatin1Inbox(in d: TempDir) throws -> [[UInt8]] {
        func cPath(_ b: [UInt8]) -> [CChar] { (b + [0]).map { CChar(bitPattern: $0) } }
        let base = Array(d.path.utf8) + Array("/inbox".utf8)
        #expect(mkdir(cPath(base), 0o755) == 0)
        let folder = base + Array("/Lieferant M".utf8) + [0xFC] + Array("ller".utf8)
        #expect(mkdir(cPath(folder), 0o755) == 0)
        let files: [[UInt8]] = [
            base + Array("/Rechnung_M".utf8) + [0xFC] + Array("ller_2025.txt".utf8),
            folder + Array("/beleg.txt".utf8),
            base + Array("/normal.txt".utf8),
            base + Array("/Müller-utf8.txt".utf8),
        ]
        for (i, f) in files.enumerated() {
            let n = i + 1
            let body = Array(
                "Acme Tools Ltd\nInvoice No: AT-\(n)\nInvoice Date: 2025-01-0\(n)\nTotal: EUR 10\(n).00\n".utf8)
            let fd = open(cPath(f), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            #expect(fd >= 0)
            _ = body.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        return files.map { Array($0.dropFirst(d.path.utf8.count + 1)) }
    }

    @Test func namesThatAreNotUTF8AreCarriedAsBytesAndOpened() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        let names = try Self.makeLatin1Inbox(in: d)
        let ls = try await Self.sh(
            "smole-ls --no-hash inbox > ls.ndjson && smole-extract --schema invoice < ls.ndjson", in: d)
        #expect(ls.status == 0, "\(ls.stderr)")
        let listed = try Self.objects(try String(contentsOfFile: d.file("ls.ndjson"), encoding: .utf8))
        #expect(listed.count == 4)
        let bytesPaths = listed.compactMap { DocumentPath(json: $0["path"]) }.map(\.bytes)
        #expect(Set(bytesPaths) == Set(names), "every name carried losslessly")
        let latin1 = listed.first { $0["path"]?["bytes"] != nil && $0["name"]?["bytes"] != nil }
        #expect(latin1 != nil, "a name that is not UTF-8 is {\"bytes\": base64}")
        let extracted = try Self.objects(ls.stdout)
        #expect(extracted.count == 4)
        #expect(
            Set(extracted.compactMap { $0["data"]?["invoice_number"]?.stringValue }) == [
                "AT-1", "AT-2", "AT-3", "AT-4",
            ], "\(ls.stdout)")
        #expect(Set(extracted.compactMap { DocumentPath(json: $0["path"])?.bytes }) == Set(names))

        // The README recipe: find -print0 | xargs -0 smole-extract.
        let xargs = try await Self.sh(
            "find inbox -type f -print0 | sort -z | xargs -0 smole-extract --schema invoice", in: d)
        #expect(xargs.status == 0, "\(xargs.stderr)")
        let viaXargs = try Self.objects(xargs.stdout)
        #expect(viaXargs.count == 4 && viaXargs.allSatisfy { $0["status"] == .string("ok") }, "\(xargs.stdout)")
        #expect(Set(viaXargs.compactMap { DocumentPath(json: $0["path"])?.bytes }) == Set(names))

        // Bare path lines from find (newline-separated) too, and the readers show the name with \xNN.
        let lines = try await Self.sh(
            "find inbox -type f | sort | smole-extract --schema invoice > r.ndjson && smole-summary r.ndjson && smole-csv --fields path,invoice_number r.ndjson",
            in: d)
        #expect(lines.status == 0, "\(lines.stderr)")
        #expect(lines.stdout.contains("inbox/Rechnung_M\\xFCller_2025.txt,AT-1"), "\(lines.stdout)")

        // smole-summary --json names a failed document the way records do: {"bytes": base64}, which
        // opens the very file again, not the \xNN text shown to people.
        let failed = try await Self.sh(
            "smole-ls --no-hash inbox | jq -c 'select(.path | type == \"object\") | .schema = \"no-such-schema\"' | smole-extract | smole-summary --json",
            in: d)
        let failures = try Self.json(failed.stdout)["failures"]?.arrayValue ?? []
        #expect(failures.count == 2, "\(failed.stdout) \(failed.stderr)")
        #expect(
            Set(failures.compactMap { DocumentPath(json: $0["path"])?.bytes })
                == Set(names.filter { String(validating: $0, as: UTF8.self) == nil }), "\(failed.stdout)")
    }

    /// A name that holds the text `\xE9` and a name with the byte 0xE9 are two documents everywhere, also as
    /// the SQL upsert key (the text shown writes a backslash as `\\`).
    @Test func aBackslashNameAndANonUTF8NameStayTwoDocuments() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        func cPath(_ b: [UInt8]) -> [CChar] { (b + [0]).map { CChar(bitPattern: $0) } }
        #expect(mkdir(cPath(Array((d.path + "/docs").utf8)), 0o755) == 0)
        for (i, name) in [Array("caf\\xE9.txt".utf8), Array("caf".utf8) + [0xE9] + Array(".txt".utf8)].enumerated() {
            let body = Array("Acme Tools Ltd\nInvoice No: CB-\(i + 1)\nTotal: EUR 10\(i).00\n".utf8)
            let fd = open(cPath(Array((d.path + "/docs/").utf8) + name), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            #expect(fd >= 0)
            _ = body.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        let r = try await Self.sh(
            """
            smole-ls --no-hash docs | smole-extract --schema invoice > r.ndjson && smole-sql r.ndjson | sqlite3 r.db \
            && sqlite3 r.db 'SELECT path, invoice_number FROM documents ORDER BY invoice_number' && smole-csv --fields path,invoice_number r.ndjson
            """, in: d)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stdout.contains("docs/caf\\\\xE9.txt|CB-1\n") && r.stdout.contains("docs/caf\\xE9.txt|CB-2\n"),
            "two rows: \(r.stdout)")
        #expect(
            r.stdout.contains("docs/caf\\\\xE9.txt,CB-1\r\n") && r.stdout.contains("docs/caf\\xE9.txt,CB-2\r\n"),
            "\(r.stdout)")
    }

    /// Input records (smole-ls or smole-route output, no result) appended after results, by `cat` or by a
    /// pipeline that forgot smole-extract, never replace the results: in summary, CSV and SQL, and in a
    /// database loaded before.
    @Test func inputRecordsAfterResultsReplaceNothing() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("docs/a.txt", Self.invoice(number: "IR-1"))
        try d.write("docs/b.txt", Self.invoice(number: "IR-2"))
        let r = try await Self.sh(
            """
            smole-extract --schema invoice docs/a.txt docs/b.txt > results.ndjson && smole-sql results.ndjson | sqlite3 r.db \
            && smole-ls --no-hash docs | smole-route --default invoice > in.ndjson && cat results.ndjson in.ndjson > mixed.ndjson \
            && smole-summary --json mixed.ndjson > summary.json && smole-csv --fields path,invoice_number mixed.ndjson \
            && smole-sql in.ndjson | sqlite3 r.db && smole-sql mixed.ndjson | sqlite3 mixed.db \
            && sqlite3 r.db 'SELECT path, status, invoice_number FROM documents ORDER BY path' \
            && sqlite3 mixed.db 'SELECT path, status, invoice_number FROM documents ORDER BY path'
            """, in: d)
        #expect(r.status == 0, "\(r.stderr)")
        let s = try Self.json(try String(contentsOfFile: d.file("summary.json"), encoding: .utf8))
        #expect(s["ok"] == .number("2") && s["documents"] == .number("2"), "\(s)")
        #expect(r.stderr.contains("2 input record(s)"), "said why: \(r.stderr)")
        #expect(
            r.stdout.hasPrefix("path,invoice_number\r\n") && r.stdout.contains("docs/a.txt,IR-1\r\n")
                && r.stdout.contains("docs/b.txt,IR-2\r\n"), "\(r.stdout)")
        #expect(
            r.stdout.components(separatedBy: "docs/a.txt|ok|IR-1\n").count - 1 == 2,
            "the loaded database and the mixed load: \(r.stdout)")
        #expect(r.stdout.components(separatedBy: "docs/b.txt|ok|IR-2\n").count - 1 == 2, "\(r.stdout)")
    }

    /// Across database loads too, an error that says nothing about the document (the backend was down) leaves
    /// an ok row and its items as they were; an error about the document (the file is gone) replaces it, with
    /// no value of the old result left in its columns.
    @Test func aLaterLoadFollowsTheFoldRule() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write(
            "docs/a.txt",
            """
            Harbor Lights Catering LLC
            Invoice Number: FL-1
            Invoice Date: 2025-03-14

            Description             Qty    Unit Price      Amount
            Catering package          2        500.00     1000.00
            Delivery                  1        150.00      150.00

            Subtotal: 1150.00
            Tax: 87.35
            Total: USD 1237.35
            """)
        let port = try Self.closedPort()
        let r = try await Self.sh(
            """
            smole-extract --schema invoice docs/a.txt > ok.ndjson; smole-sql --rows line_items ok.ndjson | sqlite3 r.db; \
            smole-extract --api http://127.0.0.1:\(port)/api --schema invoice --retries 0 docs/a.txt > down.ndjson; \
            smole-sql --rows line_items down.ndjson | sqlite3 r.db; \
            sqlite3 r.db 'SELECT status, invoice_number, total, error_code FROM documents'; \
            sqlite3 r.db 'SELECT count(*) FROM documents_line_items' | sed 's/^/items /'; \
            rm docs/a.txt; smole-extract --schema invoice docs/a.txt > gone.ndjson; smole-sql --db r.db --rows line_items gone.ndjson | sqlite3 r.db; \
            sqlite3 r.db 'SELECT status, coalesce(invoice_number, "null"), coalesce(total, "null"), error_code FROM documents'
            """, in: d)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "ok|FL-1|1237.35|", "the outage left the ok row: \(r.stdout) \(r.stderr)")
        #expect(lines.contains { $0.hasPrefix("items ") && $0 != "items 0" }, "and its items: \(r.stdout)")
        #expect(lines.last == "error|null|null|not_found", "the missing file replaced it: \(r.stdout) \(r.stderr)")
    }

    /// A wrong file of thousands of lines gives a screenful of messages, not thousands; every line is still counted.
    @Test func thousandsOfBadLinesAreCountedNotAllSaid() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("items.csv", (1...3000).map { "row \($0),12.50" }.joined(separator: "\n") + "\n")
        for tool in ["smole-summary", "smole-csv", "smole-sql", "smole-retry"] {
            let r = try await Self.sh("\(tool) items.csv > out.txt", in: d)
            #expect(r.status != 0, "\(tool)")
            let said = r.stderr.components(separatedBy: "\n").filter { $0.contains("error (at items.csv:") }.count
            #expect(said == 20, "\(tool) said \(said) bad lines")
            #expect(r.stderr.contains("further bad lines are not shown"), "\(tool): \(r.stderr.suffix(300))")
        }
        let summary = try await Self.sh("smole-summary items.csv; smole-summary --json items.csv", in: d)
        #expect(summary.stdout.contains("… and 2980 more"), "\(summary.stdout.prefix(600))")
        #expect(summary.stdout.contains("\"bad_lines\":3000"), "\(summary.stdout.suffix(300))")
    }

    // MARK: 8 and 9. an unreachable backend

    /// A loopback port nothing listens on.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    @Test(.timeLimit(.minutes(2))) func anUnreachableBackendIsAnsweredAtOnceAndTheBreakerStopsTheRun() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        for i in 1...30 { try d.write("docs/d\(i).txt", "document \(i)") }
        let port = try Self.closedPort()
        let start = Date()
        let r = try await Self.sh(
            "smole-extract --api http://127.0.0.1:\(port)/api --schema invoice docs/*.txt > results.ndjson", in: d)
        let elapsed = Date().timeIntervalSince(start)
        #expect(r.status == 69, "\(r.stderr)")
        #expect(elapsed < 30, "30 documents against a refused port took \(elapsed) s")
        let recs = try Self.objects(try String(contentsOfFile: d.file("results.ndjson"), encoding: .utf8))
        #expect(recs.count == 30, "every document has its record")
        #expect(
            recs.allSatisfy { $0["error"]?["code"] == .string("network") && $0["error"]?["retryable"] == .bool(true) })
        let said = r.stderr.components(separatedBy: "could not be reached").count - 1
        #expect(said == 1, "the breaker says so once: \(r.stderr)")
        // The message nests no parentheses in parentheses, and does not say "not tried" of documents that were.
        for m in recs.compactMap({ $0["error"]?["message"]?.stringValue }) + [r.stderr] {
            #expect(!m.contains("))") && !m.contains("not tried"), "\(m)")
        }
    }

    @Test(.timeLimit(.minutes(2))) func attemptsCountRunsSoTheRetryLoopWorksThroughAnOutage() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("docs/a.txt", "document a")
        let port = try Self.closedPort()
        let api = "http://127.0.0.1:\(port)/api"
        // Two runs against a down server, the second fed by smole-retry (README's loop).
        let r = try await Self.sh(
            """
            smole-extract --api \(api) --schema invoice --retries 3 docs/a.txt > results.ndjson; \
            smole-retry results.ndjson > todo.ndjson; \
            smole-extract --api \(api) --retries 3 < todo.ndjson >> results.ndjson; \
            smole-retry results.ndjson
            """, in: d)
        let recs = try Self.objects(try String(contentsOfFile: d.file("results.ndjson"), encoding: .utf8))
        #expect(recs.count == 2, "\(r.stderr)")
        #expect(recs.map { $0["attempts"] } == [.number("1"), .number("2")], "attempts counts runs: \(recs)")
        #expect(recs.allSatisfy { ($0["tries"]?.intValue ?? 0) >= 1 }, "in-run tries are reported beside attempts")
        #expect(try Self.objects(r.stdout).first?["path"] == .string("docs/a.txt"), "still under --max-attempts 3")
    }

    // MARK: 10. the Makefile recipe in smole.7, run by real make

    /// The Makefile recipe from smole.7, and two invoices listed in inputs.ndjson in `d`.
    static func makeRecipeFolder(_ d: TempDir) throws -> String {
        let recipe = try #require(
            ManPages.examples(try ManPages.text("smole.7")).map(\.command).first { $0.contains("make items.csv") })
        try d.write("docs/a.txt", Self.invoice(number: "A-1"))
        try d.write("docs/b.txt", Self.invoice(number: "B-2"))
        try d.write(
            "inputs.ndjson",
            #"{"path":"docs/a.txt","schema":"invoice"}"# + "\n" + #"{"path":"docs/b.txt","schema":"invoice"}"# + "\n")
        return recipe
    }

    @Test func theMakefileRecipeRedoesFailuresWithRealMake() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        let recipe = try Self.makeRecipeFolder(d)
        // A first run that ended with b failing (or interrupted): results is newer than the inputs.
        try d.write(
            "results.ndjson",
            Self.ok("docs/a.txt", number: "A-1") + "\n"
                + #"{"path":"docs/b.txt","schema":"invoice","status":"error","error":{"code":"cancelled","message":"interrupted","retryable":true},"attempts":1}"#
                + "\n")
        let r = try await Self.sh("touch -d '1 hour ago' inputs.ndjson && " + recipe, in: d)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(!r.stdout.contains("up to date"))
        let recs = try Self.objects(try String(contentsOfFile: d.file("results.ndjson"), encoding: .utf8))
        #expect(recs.count == 3, "only the failed document was redone: \(recs)")
        #expect(recs.last?["path"] == .string("docs/b.txt") && recs.last?["status"] == .string("ok"))
        #expect(try String(contentsOfFile: d.file("items.csv"), encoding: .utf8).contains("docs/b.txt"))
        // Everything done: make appends nothing and leaves the CSV alone.
        let before = try FileManager.default.attributesOfItem(atPath: d.file("items.csv"))[.modificationDate] as? Date
        let again = try await Self.sh("sleep 1.1; make items.csv", in: d)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.objects(try String(contentsOfFile: d.file("results.ndjson"), encoding: .utf8)).count == 3)
        #expect(
            try FileManager.default.attributesOfItem(atPath: d.file("items.csv"))[.modificationDate] as? Date == before)
    }

    @Test(.timeLimit(.minutes(2))) func theMakefileRecipeSurvivesCtrlCAndRedoesTheRest() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        let recipe = try Self.makeRecipeFolder(d)
        try d.write("results.ndjson", Self.ok("docs/a.txt", number: "A-1") + "\n")
        // A server that accepts connections and never answers keeps b in flight; Ctrl-C (SIGINT
        // to make's process group) then interrupts the run.
        try d.write(
            "hang.py",
            """
            import socket, sys
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
            open("port", "w").write(str(s.getsockname()[1])); held = []
            while True:
                c, _ = s.accept(); held.append(c)
            """)
        let writeMakefile = try #require(recipe.components(separatedBy: "&& make").first)
        let r = try await Self.sh(
            writeMakefile + """
                ; set -m; python3 hang.py & hang=$!; \
                for i in $(seq 100); do [ -s port ] && break; sleep 0.1; done; \
                SMOLE_API_URL=http://127.0.0.1:$(cat port)/api make results.ndjson > make1.log 2>&1 & job=$!; \
                sleep 2; kill -INT -- -$job; wait $job; echo "make after Ctrl-C: $?" >&2; kill $hang; \
                test -f results.ndjson && echo "results kept" >&2; \
                make items.csv
                """, in: d)
        #expect(r.stderr.contains("results kept"), "make must not delete the results when interrupted: \(r.stderr)")
        #expect(!r.stderr.contains("make after Ctrl-C: 0"), "the first make was interrupted: \(r.stderr)")
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        let recs = try Self.objects(try String(contentsOfFile: d.file("results.ndjson"), encoding: .utf8))
        #expect(
            recs.first?["path"] == .string("docs/a.txt") && recs.first?["status"] == .string("ok"),
            "the earlier result survives")
        #expect(
            recs.contains { $0["path"] == .string("docs/b.txt") && $0["error"]?["code"] == .string("cancelled") },
            "the interrupted document was written as cancelled: \(recs)")
        #expect(
            recs.last?["path"] == .string("docs/b.txt") && recs.last?["status"] == .string("ok"),
            "the rerun redid it: \(recs)")
        #expect(recs.filter { $0["path"] == .string("docs/a.txt") }.count == 1, "a was not redone")
        #expect(try String(contentsOfFile: d.file("items.csv"), encoding: .utf8).contains("docs/b.txt"))
    }

    // MARK: 12. CSV that other programs open

    @Test func csvColumnsAreStableAndExcelOptionsWork() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        let receipt =
            #"{"path":"r.pdf","schema":"receipt","status":"ok","data":{"merchant_name":"Café; Bar","total":9.10,"payment_method":"VISA"}}"#
        let invoice =
            #"{"path":"i.pdf","schema":"invoice","status":"ok","data":{"vendor_name":"ACME","invoice_number":"I-1","total":1.5}}"#
        try d.write("a.ndjson", receipt + "\n" + invoice + "\n")
        try d.write("b.ndjson", invoice + "\n" + receipt + "\n")
        let a = try await Self.sh("smole-csv a.ndjson", in: d)
        let b = try await Self.sh("smole-csv b.ndjson", in: d)
        let header = "path,schema,vendor_name,invoice_number,total,merchant_name,payment_method"
        #expect(a.stdout.hasPrefix(header + "\r\n") && b.stdout.hasPrefix(header + "\r\n"), "\(a.stdout)\n\(b.stdout)")
        let comma = try await Self.sh(
            "smole-csv --delimiter ';' --decimal-comma --fields path,total a.ndjson; smole-csv --decimal-comma --fields path,total a.ndjson",
            in: d)
        #expect(
            comma.stdout
                == "path;total\r\nr.pdf;9,10\r\ni.pdf;1,5\r\npath,total\r\nr.pdf,\"9,10\"\r\ni.pdf,\"1,5\"\r\n",
            "a decimal comma, quoted where the comma is the delimiter: \(comma.stdout)")
        let excel = try await Self.sh(
            "smole-csv --bom --delimiter ';' --fields path,merchant_name,total a.ndjson | od -An -c | head -1", in: d)
        #expect(
            excel.stdout.replacingOccurrences(of: " ", with: "").hasPrefix("357273277path;"),
            "a UTF-8 BOM first: \(excel.stdout)")
        let semi = try await Self.sh("smole-csv --delimiter ';' --fields path,merchant_name,total a.ndjson", in: d)
        #expect(
            semi.stdout == "path;merchant_name;total\r\nr.pdf;\"Café; Bar\";9.10\r\ni.pdf;;1.5\r\n", "\(semi.stdout)")
        let clash = try await Self.sh("smole-csv --tsv --delimiter ';' a.ndjson", in: d)
        #expect(clash.status == 64)
        // Another CSV reader agrees on the cells.
        let mlr = try await Self.sh(
            "smole-csv --delimiter ';' a.ndjson | mlr --icsv --ifs ';' --ojsonl cut -f path,merchant_name", in: d)
        #expect(mlr.stdout.contains(#""merchant_name": "Café; Bar""#), "\(mlr.stdout) \(mlr.stderr)")
    }

    // MARK: 13. smole-summary says what comes next

    @Test func summaryEndsWithTheNextStepAndNamesAnotherKindOfFile() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write(
            "results.ndjson",
            Self.ok("a.txt", number: "A") + "\n"
                + #"{"path":"b.txt","schema":"invoice","status":"error","error":{"code":"network","message":"refused","retryable":true},"attempts":1}"#
                + "\n")
        let text = try await Self.sh("smole-summary results.ndjson", in: d)
        #expect(
            text.stdout.contains("next: smole-retry results.ndjson | smole-extract >> results.ndjson"), "\(text.stdout)"
        )
        let json = try await Self.sh("smole-summary --json results.ndjson", in: d)
        #expect(
            try Self.json(json.stdout)["next"]
                == .string("smole-retry results.ndjson | smole-extract >> results.ndjson"))
        // failures sent to the API are retried against it, not silently on the local engine
        try d.write(
            "api.ndjson",
            #"{"path":"c.txt","schema":"invoice","status":"error","error":{"code":"network","message":"refused","retryable":true},"attempts":1,"backend":"http://127.0.0.1:8750/api"}"#
                + "\n")
        let api = try await Self.sh("smole-summary api.ndjson", in: d)
        #expect(
            api.stdout.contains(
                "next: smole-retry api.ndjson | smole-extract --api http://127.0.0.1:8750/api >> api.ndjson"),
            "\(api.stdout)")
        try d.write("done.ndjson", Self.ok("a.txt", number: "A") + "\n")
        let done = try await Self.sh("smole-summary done.ndjson", in: d)
        #expect(!done.stdout.contains("next:"))
        try d.write("paths.txt", "docs/a.pdf\ndocs/b.pdf\n")
        let wrong = try await Self.sh("smole-summary paths.txt", in: d)
        #expect(
            wrong.stderr.contains("no line of paths.txt is a JSON record: it looks like another kind of file"),
            "\(wrong.stderr)")
        // smole-ls records (inputs, not results): said so, and --fail-on-error does not call them all ok.
        try d.write("docs/a.txt", Self.invoice(number: "A-1"))
        let inputs = try await Self.sh("smole-ls docs | smole-summary --fail-on-error; echo \"exit $?\"", in: d)
        #expect(inputs.stderr.contains("these look like input records"), "\(inputs.stderr)")
        #expect(inputs.stdout.hasSuffix("exit 75\n"), "\(inputs.stdout)")
    }

    // MARK: 14. messages

    @Test func messagesSayWhatHappened() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("docs/a.txt", Self.invoice(number: "A-1"))
        // --journal with the local engine is accepted without a warning.
        let journal = try await Self.sh("smole-extract --schema invoice --journal jobs.journal docs/a.txt", in: d)
        #expect(journal.status == 0 && !journal.stderr.contains("warning"), "\(journal.stderr)")
        // One try is "1 try", and the message has no doubled parentheses.
        let port = try Self.closedPort()
        let one = try await Self.sh(
            "smole-extract --api http://127.0.0.1:\(port)/api --schema invoice --retries 0 docs/a.txt", in: d)
        let message = try Self.objects(one.stdout).first?["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("after 1 try in this run"), "\(message)")
        #expect(!message.contains(") ("), "\(message)")
        #expect(message.contains("connection refused"), "\(message)")
        // A host name with two addresses (localhost: ::1 and 127.0.0.1) says the same, once, without nesting.
        let named = try await Self.sh(
            "smole-extract --api http://localhost:\(port)/api --schema invoice --retries 0 docs/a.txt", in: d)
        let m2 = try Self.objects(named.stdout).first?["error"]?["message"]?.stringValue ?? ""
        #expect(
            m2.contains("connection refused") && !m2.contains(") (") && !m2.contains("))")
                && !m2.lowercased().contains("reset"), "\(m2)")
    }

    @Test(.timeLimit(.minutes(2))) func aBaseURLWithoutApiSaysSoAndServePrintsItsListeningLineOnce() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("docs/a.txt", "x")
        for n in ["b", "c", "e"] { try d.write("more/\(n).txt", Self.invoice(number: n.uppercased())) }
        // The real smole-serve; the client is pointed at its root instead of /api. Three documents already extracted
        // with the local engine are run again against it: the run stops at the first 404, says so once, writes one
        // record per document, and the earlier results stay.
        let r = try await Self.sh(
            """
            smole-extract --schema invoice more/*.txt > results.ndjson 2> /dev/null; \
            smole-serve --port 0 2> serve.log & pid=$!; \
            for i in $(seq 100); do grep -q 'listening on' serve.log && break; sleep 0.1; done; \
            base=$(grep -o 'listening on http://[0-9.:]*' serve.log | head -1 | cut -d' ' -f3); \
            smole-extract --api "$base" --schema invoice docs/a.txt; \
            smole-extract --api "$base" --schema invoice -j 1 more/*.txt >> results.ndjson 2> wrong.err; echo "wrong exit $?" >&2; \
            smole-extract --api "$base/api" --schema invoce docs/a.txt > typo.ndjson; echo "typo exit $?" >&2; \
            kill $pid; wait $pid; cat serve.log >&2
            """, in: d)
        let again = try Self.objects(try String(contentsOfFile: d.file("results.ndjson"), encoding: .utf8))
        #expect(again.count == 6, "one record per document per run")
        #expect(again.suffix(3).allSatisfy { $0["error"]?["code"] == .string("bad_response") }, "\(again)")
        let wrong = try String(contentsOfFile: d.file("wrong.err"), encoding: .utf8)
        #expect(wrong.components(separatedBy: "is not the Smole API").count - 1 == 1, "said once: \(wrong)")
        let summary = try await Self.sh("smole-summary --json results.ndjson", in: d)
        #expect(try Self.json(summary.stdout)["ok"] == .number("3"), "the earlier results stay: \(summary.stdout)")
        let rec = try Self.objects(r.stdout).first
        #expect(
            rec?["error"]?["code"] == JSONValue.string("bad_response"),
            "not not_found, which means a missing file: \(r.stdout) \(r.stderr)")
        #expect(rec?["error"]?["message"]?.stringValue?.contains("missing /api") == true, "\(r.stdout)")
        #expect(
            r.stderr.components(separatedBy: "listening").count - 1 == 1,
            "smole-serve says it is listening once: \(r.stderr)")
        // The server lists its schemas (GET /api/schemas): a typo is a usage error before any upload.
        #expect(r.stderr.contains("typo exit 64"), "\(r.stderr)")
        #expect(
            r.stderr.contains("wrong exit 69"),
            "the API is not at that URL: backend unavailable, not 77 (a refused key): \(r.stderr)")
        #expect(r.stderr.contains("the server does not know the schema \"invoce\""), "\(r.stderr)")
        #expect(try String(contentsOfFile: d.file("typo.ndjson"), encoding: .utf8).isEmpty)
        #expect(!r.stderr.contains("POST /api/pipeline/file"), "nothing was uploaded: \(r.stderr)")
    }

    @Test(.timeLimit(.minutes(1))) func aFractionalTimeoutIsPrintedAsGiven() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("docs/a.txt", "x")
        // A server that accepts connections and never answers.
        try d.write(
            "hang.py",
            """
            import socket
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
            open("port", "w").write(str(s.getsockname()[1])); held = []
            while True:
                c, _ = s.accept(); held.append(c)
            """)
        // Only smole-extract is timed (not python's start): the schema list alone would wait 5 s
        // if it ignored --timeout, so a run well under that shows both requests honoured it.
        let r = try await Self.sh(
            """
            python3 hang.py & hang=$!; for i in $(seq 100); do [ -s port ] && break; sleep 0.1; done; \
            t0=$(date +%s.%N); \
            smole-extract --api http://127.0.0.1:$(cat port)/api --schema invoice --timeout 0.5 docs/a.txt; \
            t1=$(date +%s.%N); awk -v a=$t0 -v b=$t1 'BEGIN { print "elapsed " b - a }' >&2; kill $hang
            """, in: d)
        let elapsed = r.stderr.components(separatedBy: "elapsed ").last.flatMap {
            Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(
            elapsed != nil && elapsed! < 4.5,
            "the schema list and the document both wait at most --timeout: \(r.stderr)")
        let message = try Self.objects(r.stdout).first?["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("--timeout 0.5 s"), "\(r.stdout) \(r.stderr)")
    }

    @Test func fractionalTimeoutIsPrintedAsGiven() {
        #expect(Orchestrator.seconds(.milliseconds(500)) == "0.5")
        #expect(Orchestrator.seconds(.seconds(600)) == "600")
        #expect(Orchestrator.seconds(.milliseconds(1250)) == "1.25")
    }

    // MARK: 11. pages past --max-pages

    @Test func pagesPastMaxPagesAreSaidOnStderrAndInTheRecord() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        // A text document of three pages (form feeds) and a PDF of three pages.
        try d.write("docs/long.txt", Self.invoice(number: "L-1") + "\u{0C}page two\n\u{0C}page three\n")
        var pdf = PDFWriter()
        for n in 1...3 { pdf.addPage(lines: [[(72, "Invoice Number: P-\(n)")], [(72, "Total: USD 1\(n).00")]]) }
        try d.write("docs/long.pdf", bytes: pdf.data())
        try d.write("docs/short.txt", Self.invoice(number: "S-1"))
        let r = try await Self.sh(
            "smole-extract --schema invoice --max-pages 2 --keep-order docs/long.txt docs/long.pdf docs/short.txt",
            in: d)
        #expect(r.status == 0, "\(r.stderr)")
        let recs = try Self.objects(r.stdout)
        #expect(recs.count == 3)
        let expected = JSONValue.object(JSONObject([("read", .number("2")), ("total", .number("3"))]))
        #expect(recs[0]["pages"] == expected, "\(recs[0])")
        #expect(recs[1]["pages"] == expected, "\(recs[1])")
        #expect(recs[2]["pages"] == nil, "a document within the limit has no pages note")
        #expect(
            r.stderr.contains("docs/long.txt: only the first 2 of its 3 pages were read (--max-pages 2)"), "\(r.stderr)"
        )
        #expect(r.stderr.contains("docs/long.pdf: only the first 2 of its 3 pages were read"), "\(r.stderr)")

        // The same through smole-serve and the API: the server sends extraction.pages.
        let api = try await Self.sh(
            """
            smole-serve --port 0 --max-pages 2 2> serve.log & pid=$!; \
            for i in $(seq 100); do grep -q 'listening on' serve.log && break; sleep 0.1; done; \
            base=$(grep -o 'listening on http://[0-9.:]*' serve.log | head -1 | cut -d' ' -f3); \
            smole-extract --api "$base/api" --schema invoice --keep-order --poll-initial 0.05 docs/long.txt docs/short.txt; \
            smole-extract --api "$base/api" --schema invoice --max-pages 9 docs/short.txt > /dev/null; \
            kill $pid; wait $pid
            """, in: d)
        let viaAPI = try Self.objects(api.stdout)
        #expect(viaAPI.count == 2, "\(api.stderr)")
        #expect(viaAPI.first?["pages"] == expected, "\(api.stdout)")
        #expect(viaAPI.last?["pages"] == nil)
        #expect(
            api.stderr.contains("docs/long.txt: only the first 2 of its 3 pages were read (the server's page limit)"),
            "\(api.stderr)")
        #expect(
            api.stderr.contains("--max-pages applies to the local engine only"), "not ignored silently: \(api.stderr)")
    }
}
