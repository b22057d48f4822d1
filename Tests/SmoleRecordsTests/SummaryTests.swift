import Testing

@testable import SmoleRecords
@testable import SmoleTools

private func rec(_ json: String) -> Record {
    guard case .object(let o) = try! JSON.parse(json) else { fatalError("not an object: \(json)") }
    return Record(o)
}

private func line(_ text: String, _ n: Int, source: String = "r.ndjson") -> InputLine {
    InputLine(source: source, line: n, item: RecordParser.classify(Array(text.utf8), source: source, line: n)!)
}

private func summarize(_ lines: [String], maxAttempts: Int = 3) -> SummaryStats {
    var s = Summary()
    s.emitWarnings = false
    for (i, l) in lines.enumerated() where !l.isEmpty { s.add(line(l, i + 1)) }
    return s.stats(maxAttempts: maxAttempts)
}

@Suite struct ResultInfoTests {
    @Test func okAndErrorRecords() {
        let ok = ResultInfo(
            rec(#"{"path":"a","status":"ok","data":{},"attempts":2,"elapsed_ms":12.5,"schema":"invoice"}"#))
        #expect(ok.outcome == .ok)
        #expect(ok.attempts == 2)
        #expect(ok.elapsedMs == 12.5)
        #expect(ok.schema == "invoice")
        #expect(ok.problems.isEmpty)

        let e = ResultInfo(rec(#"{"path":"a","status":"error","error":{"code":"timeout","message":"late"}}"#))
        #expect(e.outcome == .failed)
        #expect(e.code == "timeout")
        #expect(e.message == "late")
        #expect(e.retryable == true, "absent retryable takes the code's default")

        let flagged = ResultInfo(rec(#"{"path":"a","status":"error","error":{"code":"timeout","retryable":false}}"#))
        #expect(flagged.retryable == false, "an explicit flag wins over the default")
    }

    @Test func missingStatusDecidedByErrorField() {
        #expect(ResultInfo(rec(#"{"path":"a","error":{"code":"not_found"}}"#)).outcome == .failed)
        #expect(ResultInfo(rec(#"{"path":"a","error":null}"#)).outcome == .pending)
        #expect(ResultInfo(rec(#"{"path":"a","schema":"invoice"}"#)).outcome == .pending)
    }

    @Test func oddFieldsAreNotedNotFatal() {
        let unknown = ResultInfo(rec(#"{"path":"a","status":"done"}"#))
        #expect(unknown.outcome == .pending)
        #expect(unknown.problems.first?.contains("unknown status \"done\"") == true)

        let numeric = ResultInfo(rec(#"{"path":"a","status":3}"#))
        #expect(numeric.outcome == .pending)
        #expect(!numeric.problems.isEmpty)

        let stringError = ResultInfo(rec(#"{"path":"a","status":"error","error":"boom"}"#))
        #expect(stringError.outcome == .failed)
        #expect(stringError.code == nil)
        #expect(stringError.message == "boom")
        #expect(stringError.retryable == false)
        #expect(stringError.problems.contains { $0.contains("error is not an object") })

        let noCode = ResultInfo(rec(#"{"path":"a","status":"error","error":{"message":"x"}}"#))
        #expect(noCode.problems.contains("the error has no code"))

        let weird = ResultInfo(rec(#"{"path":"a","status":"ok","attempts":"two","elapsed_ms":-4}"#))
        #expect(weird.attempts == nil)
        #expect(weird.elapsedMs == nil)
        #expect(weird.problems.count == 2)

        let badRetryable = ResultInfo(
            rec(#"{"path":"a","status":"error","error":{"code":"network","retryable":"yes"}}"#))
        #expect(badRetryable.retryable == true)
        #expect(badRetryable.problems.contains { $0.contains("retryable is not a boolean") })

        let unknownCode = ResultInfo(rec(#"{"path":"a","status":"error","error":{"code":"exploded"}}"#))
        #expect(unknownCode.code == "exploded")
        #expect(unknownCode.retryable == false)
        #expect(unknownCode.problems.contains("unknown error code \"exploded\""))
    }
}

@Suite struct SummaryCoreTests {
    static let stream = [
        #"{"path":"a.pdf","schema":"invoice","status":"error","error":{"code":"rate_limited","message":"429"},"attempts":1,"elapsed_ms":100}"#,
        #"{"path":"b.pdf","schema":"invoice","status":"ok","data":{},"attempts":1,"elapsed_ms":300}"#,
        #"{"path":"a.pdf","schema":"invoice","status":"ok","data":{},"attempts":2,"elapsed_ms":200}"#,
        #"{"path":"c.pdf","schema":"receipt","status":"error","error":{"code":"timeout","message":"late","retryable":true},"attempts":1,"elapsed_ms":900}"#,
        #"{"path":"d.pdf","schema":"receipt","status":"error","error":{"code":"unsupported_type","message":"no text","retryable":false},"attempts":1}"#,
        #"{"path":"e.pdf","schema":"receipt"}"#,
        "f.pdf",
    ]

    @Test func latestRecordPerPathCounts() {
        let s = summarize(Self.stream)
        #expect(s.documents == 6)
        #expect(s.ok == 2)
        #expect(s.failed == 2)
        #expect(s.noResult == 2)
        #expect(s.successRate == 2.0 / 6.0)
        #expect(!s.failures.contains { $0.path == "a.pdf" }, "a.pdf's later ok result replaces its error")
    }

    @Test func perSchemaAndPerErrorTables() {
        let s = summarize(Self.stream)
        #expect(
            s.schemas == [
                SummaryStats.SchemaRow(schema: "receipt", documents: 3, ok: 0, failed: 2, noResult: 1),
                SummaryStats.SchemaRow(schema: "invoice", documents: 2, ok: 2, failed: 0, noResult: 0),
                SummaryStats.SchemaRow(schema: "(none)", documents: 1, ok: 0, failed: 0, noResult: 1),
            ])
        #expect(
            s.errors == [
                SummaryStats.ErrorRow(code: "timeout", count: 1, retryable: 1),
                SummaryStats.ErrorRow(code: "unsupported_type", count: 1, retryable: 0),
            ])
        #expect(s.failures.map(\.path) == ["c.pdf", "d.pdf"])
        #expect(s.failures.map(\.code) == ["timeout", "unsupported_type"])
        #expect(s.retryable == 1)
    }

    @Test func latencyAndAttempts() {
        let s = summarize(Self.stream)
        #expect(s.latencyCount == 3)  // a (200), b (300), c (900)
        #expect(s.p50 == 300)
        #expect(s.p95 == 900)
        #expect(s.latencyMax == 900)
        #expect(s.attemptsCount == 4)
        #expect(s.attemptsMax == 2)
        #expect(s.attemptsMean == 5.0 / 4.0)
        #expect(s.attemptsMoreThanOne == 1)
    }

    @Test func nearestRankPercentiles() {
        let values = (1...100).map(Double.init)
        #expect(SummaryStats.percentile(values, 0.5) == 50)
        #expect(SummaryStats.percentile(values, 0.95) == 95)
        #expect(SummaryStats.percentile([7], 0.95) == 7)
        #expect(SummaryStats.percentile([], 0.5) == nil)
    }

    @Test func noLatencyIsNA() {
        let s = summarize([#"{"path":"a","status":"ok"}"#])
        #expect(s.p50 == nil)
        #expect(s.text().contains("latency: n/a"))
        #expect(s.text().contains("attempts: n/a"))
        let j = s.json
        #expect(j["latency_ms"]?["p50"] == .null)
        #expect(j["attempts"]?["mean"] == .null)
    }

    @Test func emptyInput() {
        let s = summarize([])
        #expect(s.documents == 0)
        #expect(s.successRate == nil)
        #expect(s.json["success_rate"] == .null)
        #expect(s.text().contains("n/a"))
        #expect(s.exitStatus(failOnError: true) == .ok)
    }

    @Test func badLinesAndRecordsWithoutPath() {
        let s = summarize([
            #"{"path":"a","status":"ok"}"#,
            #"{"path": broken"#,
            #"{"status":"error","error":{"code":"bad_record","message":"malformed JSON (at in.ndjson:3)"},"raw":"{x"}"#,
            #"{"path":17,"status":"ok"}"#,
        ])
        #expect(s.documents == 1)
        #expect(s.badLines.map(\.line) == [2, 4])
        #expect(!s.badLines[0].message.contains("(at "), "the place is shown apart, not repeated in the message")
        #expect(s.withoutPath.count == 1)
        #expect(s.withoutPath[0].code == "bad_record")
        #expect(s.failedWithoutPath == 1)
        #expect(s.exitStatus(failOnError: false) == .someErrors)
    }

    @Test func exitStatusPolicy() {
        let ok = summarize([#"{"path":"a","status":"ok"}"#])
        #expect(ok.exitStatus(failOnError: true) == .ok)

        let retryable = summarize([#"{"path":"a","status":"error","error":{"code":"timeout"},"attempts":1}"#])
        #expect(retryable.exitStatus(failOnError: false) == .ok)
        #expect(retryable.exitStatus(failOnError: true) == .retryable)

        let exhausted = summarize([#"{"path":"a","status":"error","error":{"code":"timeout"},"attempts":3}"#])
        #expect(exhausted.exhausted == 1)
        #expect(exhausted.exitStatus(failOnError: true) == .someErrors)
        let higherLimit = summarize(
            [#"{"path":"a","status":"error","error":{"code":"timeout"},"attempts":3}"#], maxAttempts: 5)
        #expect(higherLimit.exitStatus(failOnError: true) == .retryable)

        let mixed = summarize([
            #"{"path":"a","status":"error","error":{"code":"timeout"}}"#,
            #"{"path":"b","status":"error","error":{"code":"not_found"}}"#,
        ])
        #expect(mixed.exitStatus(failOnError: true) == .someErrors)

        let pathless = summarize([#"{"status":"error","error":{"code":"bad_record","message":"x"}}"#])
        #expect(pathless.exitStatus(failOnError: false) == .ok)
        #expect(pathless.exitStatus(failOnError: true) == .someErrors)
    }

    @Test func jsonHasTheDocumentedKeys() {
        let j = summarize(Self.stream).json
        #expect(
            j.objectValue?.keys == [
                "documents", "ok", "failed", "no_result", "success_rate", "retryable", "exhausted", "max_attempts",
                "bad_lines", "records_without_path", "by_schema", "by_error", "reviewed", "needs_review", "review_rate",
                "by_review_reason", "to_review", "latency_ms", "attempts", "failures", "without_path", "bad",
            ])
        #expect(j["reviewed"] == 0 && j["review_rate"] == .null, "records without a review are not counted as reviewed")
        #expect(j["success_rate"] == .number("0.3333"))
        #expect(j["by_error"]?["timeout"]?["retryable"] == .number("1"))
        #expect(j["by_schema"]?["receipt"]?["failed"] == .number("2"))
        #expect(j["failures"]?.arrayValue?.first?["source"] == .string("r.ndjson"))
        #expect(j["failures"]?.arrayValue?.first?["line"] == .number("4"))
    }

    @Test func textReportIsAligned() {
        let text = summarize(Self.stream).text()
        let lines = text.split(separator: "\n").map(String.init)
        let header = lines.first { $0.hasPrefix("schema") }!
        let rows = lines.filter { $0.hasPrefix("receipt ") || $0.hasPrefix("invoice ") || $0.hasPrefix("(none) ") }
        #expect(rows.count == 3)
        let end = header.range(of: "documents")!.upperBound
        let col = header.distance(from: header.startIndex, to: end)
        for r in rows {
            // right-aligned numbers end under the header's last letter
            let idx = r.index(r.startIndex, offsetBy: col - 1)
            #expect(r[idx].isNumber, "\(r)")
            #expect(r.count > col && r[r.index(after: idx)] == " ", "\(r)")
        }
        #expect(!text.contains("\u{1B}"), "no colour unless asked")
        #expect(summarize(Self.stream).text(color: true).contains("\u{1B}[31m"))
        #expect(text.contains("c.pdf"))
        #expect(text.contains("unsupported_type"))
        #expect(text.contains("p50 300 ms, p95 900 ms, max 900 ms"))
    }

    @Test func failureMessagesStayOnOneLine() {
        let s = summarize([
            #"{"path":"a","status":"error","error":{"code":"engine_failed","message":"line one\nline two\tend"}}"#
        ])
        let text = s.text()
        #expect(text.contains("line one line two end"))
        #expect(
            s.json["failures"]?.arrayValue?.first?["message"] == .string("line one\nline two\tend"),
            "JSON keeps the message whole")
    }
}
