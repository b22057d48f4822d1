import Foundation
import SmoleRecords
import SmoleTools
import Testing
import _SmoleTestSupport

/// The review queue through the built tools in real pipes (issue 10): smole-extract writes `review`, smole-summary
/// counts and ranks it, smole-csv gives it columns and `--ok-only`, smole-sql gives it columns in a real sqlite3
/// database (one made before the review columns gets them), smole-retry leaves review alone.
@Suite("Review queue, tools", .serialized)
struct ReviewToolTests {
    static func sh(_ script: String, in dir: TempDir) async throws -> RunResult {
        try await runPipeline(script, in: dir.path)
    }

    static let invoice = """
        Acme Tools Ltd                                   INVOICE
        12 High Street                   Invoice No:     INV-7781
        Springfield                      Invoice Date:   18/03/2026
                                         Due Date:       17/04/2026

        Bill To:
        Globex Corporation

        Description              Qty     Unit Price     Amount
        Widget, large              2         150.00     300.00
        Consulting                 3         200.00     600.00

                                 Subtotal               £900.00
                                 VAT (20%)              £180.00
                                 Total                £1,080.00

        """

    /// docs/good.txt (clean), docs/sums.txt (items that do not add up), docs/poem.txt (not an invoice), extracted.
    static func extracted(_ dir: TempDir) async throws {
        _ = try dir.write("docs/good.txt", invoice)
        _ = try dir.write(
            "docs/sums.txt", invoice.replacingOccurrences(of: "200.00     600.00", with: "250.00     750.00"))
        _ = try dir.write(
            "docs/poem.txt", "Shall I compare thee to a summer's day?\nThou art more lovely and more temperate.\n")
        let r = try await sh("smole-ls docs | smole-extract --schema invoice > results.ndjson", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func summaryCountsRanksAndGates() async throws {
        let dir = try TempDir("smole-review-tools"); defer { dir.cleanup() }
        try await Self.extracted(dir)
        let j = try await Self.sh("smole-summary --json results.ndjson", in: dir)
        #expect(j.status == 0)
        let s = try JSON.parse(j.stdout)
        #expect(s["ok"] == 3 && s["reviewed"] == 3 && s["needs_review"] == 2, "\(j.stdout)")
        #expect(s["review_rate"]?.doubleValue.map { abs($0 - 2.0 / 3.0) < 0.001 } == true)
        #expect(s["by_review_reason"]?["arithmetic"]?["documents"] == 1, "\(j.stdout)")
        #expect(s["by_review_reason"]?["schema_mismatch"]?["documents"] == 1)
        // The poem first: schema_mismatch is the most serious reason.
        let queue = (s["to_review"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
        #expect(queue == ["docs/poem.txt", "docs/sums.txt"], "\(queue)")
        let text = try await Self.sh("smole-summary results.ndjson", in: dir)
        #expect(
            text.stdout.contains("needs review") && text.stdout.contains("to review first")
                && text.stdout.contains("arithmetic:line_items"),
            "\(text.stdout)")
        let gate = try await Self.sh("smole-summary --fail-on-review results.ndjson > /dev/null", in: dir)
        #expect(gate.status == 1)
        let okGate = try await Self.sh(
            "grep good.txt results.ndjson | smole-summary --fail-on-review > /dev/null", in: dir)
        #expect(okGate.status == 0, "a clean invoice passes the gate")
        let noGate = try await Self.sh("smole-summary results.ndjson > /dev/null", in: dir)
        #expect(noGate.status == 0)
    }

    @Test func csvColumnsAndOkOnly() async throws {
        let dir = try TempDir("smole-review-tools"); defer { dir.cleanup() }
        try await Self.extracted(dir)
        let all = try await Self.sh("smole-csv results.ndjson", in: dir)
        let lines = all.stdout.split(separator: "\r\n").map(String.init)
        #expect(
            lines.first?.hasPrefix("path,schema,review.needed,review.reasons,vendor_name") == true,
            "\(lines.first ?? "")")
        #expect(lines.contains { $0.hasPrefix("docs/good.txt,invoice,false,,") }, "\(all.stdout)")
        #expect(
            lines.contains { $0.hasPrefix("docs/sums.txt,invoice,true,") && $0.contains("arithmetic:line_items") },
            "\(all.stdout)")
        let okOnly = try await Self.sh("smole-csv --ok-only results.ndjson", in: dir)
        #expect(okOnly.status == 0)
        let kept = okOnly.stdout.split(separator: "\r\n").dropFirst().map { String($0.prefix(while: { $0 != "," })) }
        #expect(kept == ["docs/good.txt"], "\(okOnly.stdout)")
        #expect(okOnly.stderr.contains("2 ok document(s) that need review"), "\(okOnly.stderr)")
        // The queue as a CSV of what to check, with the reasons.
        let queue = try await Self.sh(
            "jq -c 'select(.review.needed)' results.ndjson | smole-csv --fields path,review.reasons", in: dir)
        let q = queue.stdout.split(separator: "\r\n").map(String.init)
        #expect(q.first == "path,review.reasons" && q.count == 3, "\(queue.stdout)")
        let both = try await Self.sh("smole-csv --ok-only --all results.ndjson", in: dir)
        #expect(both.status == 64)
    }

    @Test func sqlColumnsInSqliteAndAddedToAnOldTable() async throws {
        let dir = try TempDir("smole-review-tools"); defer { dir.cleanup() }
        try await Self.extracted(dir)
        // A table as smole-sql made it before the review columns existed.
        let old = try await Self.sh(
            """
            sqlite3 docs.db 'CREATE TABLE "documents" ("path" TEXT PRIMARY KEY, "name" TEXT, "schema" TEXT, "status" TEXT, "sha256" TEXT, \
            "extracted_at" TEXT, "error_code" TEXT, "error_message" TEXT, "data" TEXT); INSERT INTO documents (path, status) VALUES ('"'"'docs/old.txt'"'"', '"'"'ok'"'"')'
            """, in: dir)
        try #require(old.status == 0, "\(old.stderr)")
        let load = try await Self.sh("smole-sql --db docs.db results.ndjson | sqlite3 -bail docs.db", in: dir)
        #expect(load.status == 0, "\(load.stderr)")
        let q = try await Self.sh(
            "sqlite3 -separator '|' docs.db \"SELECT path, needs_review, json_extract(review, '$.reasons[0].code') FROM documents ORDER BY path\"",
            in: dir)
        #expect(
            q.stdout
                == "docs/good.txt|0|\ndocs/old.txt||\ndocs/poem.txt|1|schema_mismatch\ndocs/sums.txt|1|arithmetic\n",
            "\(q.stdout) \(q.stderr)")
        // Loading again is idempotent (no column added twice).
        let again = try await Self.sh(
            "smole-sql --db docs.db results.ndjson | sqlite3 -bail docs.db && sqlite3 docs.db 'SELECT count(*) FROM documents WHERE needs_review'",
            in: dir)
        #expect(again.status == 0 && again.stdout == "2\n", "\(again.stdout) \(again.stderr)")
    }

    @Test func retryLeavesReviewAlone() async throws {
        let dir = try TempDir("smole-review-tools"); defer { dir.cleanup() }
        try await Self.extracted(dir)
        let r = try await Self.sh("smole-retry results.ndjson", in: dir)
        #expect(r.status == 0 && r.stdout.isEmpty, "results that need review are not retried: \(r.stdout)")
        let all = try await Self.sh("smole-retry --all results.ndjson | wc -l", in: dir)
        #expect(all.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }
}
