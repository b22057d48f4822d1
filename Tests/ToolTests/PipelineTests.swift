import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

/// The tools of the record stream together, in real shell pipes.
@Suite struct PipelineTests {
    /// smole-ls | smole-route | smole-csv: file records get schemas, and a hand-made result
    /// stream built from them (with jq, as a user would) flattens into CSV with every document once.
    @Test func lsRouteCsvInOnePipe() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("docs/Receipt-7.txt", "CORNER CAFE\nTOTAL 5.00\n")
        try d.write("docs/contracts/nda.txt", "MUTUAL NON-DISCLOSURE AGREEMENT\n")
        try d.write("docs/inv-001.txt", "INVOICE\n")
        try d.write("docs/.hidden.txt", "skip me\n")
        let bin = Binaries.directory.path
        let script = """
            set -euo pipefail
            export PATH="\(bin):$PATH"
            smole-ls docs \\
              | smole-route --rule 'receipt=*receipt*' --rule 'contract=path:**/contracts/**' --default invoice \\
              | tee routed.ndjson \\
              | jq -c '. + {status: "ok", data: {total: (.size), note: ("=cmd|" + .name)}}' \\
              | smole-csv --fields path,schema,total,note
            """
        let r = try await runTool("bash", ["-c", script], cwd: d.path)
        #expect(r.status == 0, "\(r.stderr)")
        let routed = try String(contentsOfFile: d.file("routed.ndjson"), encoding: .utf8)
            .split(separator: "\n").map { try JSON.parse(String($0)) }
        #expect(
            routed.map { $0["path"]?.stringValue } == [
                "docs/Receipt-7.txt", "docs/contracts/nda.txt", "docs/inv-001.txt",
            ])
        #expect(routed.map { $0["schema"]?.stringValue } == ["receipt", "contract", "invoice"])
        #expect(routed.allSatisfy { $0["sha256"]?.stringValue?.count == 64 && $0["type"]?.stringValue == "text/plain" })
        let lines = r.stdout.split(separator: "\r\n", omittingEmptySubsequences: true).map(String.init)
        #expect(lines.first == "path,schema,total,note")
        #expect(lines.count == 4)
        // The size came through as a number; the formula-like text cell is escaped.
        #expect(lines[1] == "docs/Receipt-7.txt,receipt,23,'=cmd|Receipt-7.txt")
    }

    /// smole-ls | smole-route | smole-sql | sqlite3: one row per document, queryable.
    @Test func lsRouteSqlIntoSqlite() async throws {
        let d = try TempDir()
        defer { d.cleanup() }
        try d.write("docs/a-receipt.txt", "x\n")
        try d.write("docs/b.txt", "y\n")
        let bin = Binaries.directory.path
        let script = """
            set -euo pipefail
            export PATH="\(bin):$PATH"
            smole-ls docs | smole-route --rule 'receipt=*receipt*' --default invoice \\
              | jq -c '. + {status: "ok", data: {total: 12.5}}' \\
              | smole-sql --table docs | sqlite3 -bail t.db
            sqlite3 t.db "select path || '|' || schema || '|' || total from docs order by path"
            """
        let r = try await runTool("bash", ["-c", script], cwd: d.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdoutLines == ["docs/a-receipt.txt|receipt|12.5", "docs/b.txt|invoice|12.5"])
    }
}
