import Foundation
import Testing
import _SmoleTestSupport

@testable import SmoleRecords
@testable import SmoleTools

private func rec(_ json: String) -> Record {
    guard case .object(let o) = try! JSON.parse(json) else { fatalError("not an object: \(json)") }
    return Record(o)
}

@Suite struct RetryPolicyTests {
    @Test func inputRecordDropsResultFieldsAndKeepsTheRest() {
        let r = rec(
            #"{"path":"a.pdf","name":"a.pdf","sha256":"ab","schema":"invoice","route":"default","status":"error","data":null,"error":{"code":"timeout"},"job":"j1","attempts":2,"backend":"api","started_at":"t0","finished_at":"t1","elapsed_ms":5,"evidence":{},"user":{"batch":7}}"#
        )
        let out = Retry.inputRecord(from: r)
        #expect(
            out.serialized()
                == #"{"path":"a.pdf","name":"a.pdf","sha256":"ab","schema":"invoice","route":"default","attempts":2,"user":{"batch":7}}"#
        )
    }

    @Test func verdicts() {
        let p = RetryPolicy()
        func v(_ json: String, _ policy: RetryPolicy = RetryPolicy()) -> RetryPolicy.Verdict {
            policy.verdict(ResultInfo(rec(json)))
        }
        #expect(v(#"{"path":"a","status":"ok"}"#) == .ok)
        #expect(v(#"{"path":"a"}"#) == .noResult)
        #expect(v(#"{"path":"a","status":"error","error":{"code":"timeout"},"attempts":2}"#) == .retry)
        #expect(v(#"{"path":"a","status":"error","error":{"code":"timeout"}}"#) == .retry, "no attempts counts as 0")
        #expect(v(#"{"path":"a","status":"error","error":{"code":"timeout"},"attempts":3}"#) == .exhausted)
        #expect(v(#"{"path":"a","status":"error","error":{"code":"not_found"},"attempts":1}"#) == .notRetryable)
        #expect(v(#"{"path":"a","status":"error","error":{"code":"not_found","retryable":true}}"#) == .retry)
        #expect(
            v(#"{"path":"a","status":"error","error":{"code":"timeout"},"attempts":"9"}"#) == .retry,
            "a string is not a count")
        #expect(p.maxAttempts == 3)

        let all = RetryPolicy(maxAttemptsOption: nil, all: true)
        #expect(all.maxAttempts == nil)
        #expect(v(#"{"path":"a","status":"error","error":{"code":"not_found"},"attempts":10}"#, all) == .retry)
        let allLimited = RetryPolicy(maxAttemptsOption: 4, all: true)
        #expect(
            v(#"{"path":"a","status":"error","error":{"code":"not_found"},"attempts":4}"#, allLimited) == .exhausted)
        #expect(v(#"{"path":"a","status":"error","error":{"code":"not_found"},"attempts":3}"#, allLimited) == .retry)
        #expect(RetryPolicy(maxAttemptsOption: nil, all: false).maxAttempts == 3)
    }
}

@Suite struct BoundedLineReaderTests {
    @Test func readsOnlyWhatWasThereAtOpen() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let p = try dir.write("r.ndjson", "one\ntwo\r\n\nthree\n")
        let reader = try BoundedLineReader(path: p)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: p))
        h.seekToEndOfFile()
        h.write("appended later\n".data(using: .utf8)!)
        try h.close()
        var lines: [String] = []
        while let (b, complete) = reader.next() {
            #expect(complete)
            lines.append(String(decoding: b, as: UTF8.self))
        }
        #expect(lines == ["one", "two", "", "three"])
        #expect(reader.lineNumber == 4)
    }

    @Test func flagsALastLineWithoutNewline() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let p = try dir.write("r.ndjson", "a\n{\"path\":\"tor")
        let reader = try BoundedLineReader(path: p)
        #expect(reader.next().map { $0.1 } == true)
        let last = reader.next()
        #expect(last?.1 == false)
        #expect(last.map { String(decoding: $0.0, as: UTF8.self) } == "{\"path\":\"tor")
        #expect(reader.next() == nil)
    }

    @Test func longLinesAcrossChunks() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let big = String(repeating: "x", count: 10 * 1024 * 1024 + 17)
        let p = try dir.write("r.ndjson", "first\n\(big)\nlast\n")
        let reader = try BoundedLineReader(path: p)
        #expect(reader.next()?.0.count == 5)
        #expect(reader.next()?.0.count == big.utf8.count)
        #expect(reader.next().map { String(decoding: $0.0, as: UTF8.self) } == "last")
        #expect(reader.next() == nil)
    }

    @Test func missingAndDirectory() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        #expect(throws: RecordError.self) { try BoundedLineReader(path: dir.file("nope")) }
        do {
            _ = try BoundedLineReader(path: dir.path)
            Issue.record("a directory must not open")
        } catch {
            #expect(error.code == .unreadable)
        }
    }
}

@Suite struct PendingTests {
    static let results =
        [
            #"{"path":"ok.pdf","status":"error","error":{"code":"timeout"},"attempts":1}"#,
            #"{"path":"ok.pdf","status":"ok","data":{},"attempts":2}"#,
            #"{"path":"retry.pdf","status":"error","error":{"code":"network"},"attempts":2}"#,
            #"{"path":"final.pdf","status":"error","error":{"code":"not_found"},"attempts":1}"#,
            #"{"path":"spent.pdf","status":"error","error":{"code":"timeout"},"attempts":3}"#,
        ].joined(separator: "\n") + "\n"

    func run(_ stdin: String, results: String = PendingTests.results, policy: RetryPolicy = RetryPolicy()) throws -> (
        [Record], RetryCounts
    ) {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let r = try dir.write("results.ndjson", results)
        let i = try dir.write("in.ndjson", stdin)
        var counts = RetryCounts()
        let known = try Retry.loadResults([r, dir.file("missing.ndjson")], policy: policy, counts: &counts)
        var out: [Record] = []
        Retry.pending(stdin: try LineReader(path: i), known: known, counts: &counts) { out.append($0) }
        return (out, counts)
    }

    @Test func emitsUndoneAndRetryableOnceEach() throws {
        let stdin =
            [
                #"{"path":"ok.pdf","schema":"invoice"}"#,
                #"{"path":"retry.pdf","schema":"invoice","mine":1}"#,
                #"{"path":"final.pdf","schema":"invoice"}"#,
                #"{"path":"spent.pdf","schema":"invoice"}"#,
                #"{"path":"new.pdf","schema":"receipt"}"#,
                "bare.pdf",
                #"{"path":"new.pdf","schema":"other"}"#,
            ].joined(separator: "\n") + "\n"
        let (out, counts) = try run(stdin)
        #expect(
            out.map { $0.serialized() } == [
                #"{"path":"retry.pdf","schema":"invoice","mine":1,"attempts":2}"#,
                #"{"path":"new.pdf","schema":"receipt"}"#,
                #"{"path":"bare.pdf"}"#,
            ])
        #expect(counts.ok == 1)
        #expect(counts.notRetryable == 1)
        #expect(counts.exhausted == 1)
        #expect(counts.duplicates == 1)
        #expect(counts.noResult == 2)
        #expect(counts.emitted == 1)
    }

    @Test func allIncludesFinalErrors() throws {
        let (out, _) = try run(
            #"{"path":"final.pdf"}"# + "\n" + #"{"path":"spent.pdf"}"# + "\n",
            policy: RetryPolicy(maxAttemptsOption: nil, all: true))
        #expect(out.compactMap(\.path) == ["final.pdf", "spent.pdf"])
    }

    @Test func stdinResultFieldsAreStrippedAndHigherAttemptsKept() throws {
        let (out, _) = try run(
            #"{"path":"retry.pdf","status":"error","error":{"code":"network"},"attempts":5}"# + "\n",
            policy: RetryPolicy(maxAttemptsOption: 9, all: false))
        #expect(out.map { $0.serialized() } == [#"{"path":"retry.pdf","attempts":5}"#])
    }

    @Test func tornLastLineIsIgnoredNotFatal() throws {
        var counts = RetryCounts()
        let dir = try TempDir()
        defer { dir.cleanup() }
        let r = try dir.write("results.ndjson", #"{"path":"a","status":"ok"}"# + "\n" + #"{"path":"b","sta"#)
        let known = try Retry.loadResults([r], policy: RetryPolicy(), counts: &counts)
        #expect(known[DocumentKey(path: "a")]?.verdict == .ok)
        #expect(known[DocumentKey(path: "b")] == nil)
        #expect(counts.badLines == 0)
    }

    @Test func malformedLineInTheMiddleCounts() throws {
        var counts = RetryCounts()
        let dir = try TempDir()
        defer { dir.cleanup() }
        let r = try dir.write("results.ndjson", "{oops\n" + #"{"path":"a","status":"ok"}"# + "\n")
        let known = try Retry.loadResults([r], policy: RetryPolicy(), counts: &counts)
        #expect(known[DocumentKey(path: "a")]?.verdict == .ok)
        #expect(counts.badLines == 1)
    }

    @Test func unreadableResultsThrow() throws {
        var counts = RetryCounts()
        let dir = try TempDir()
        defer { dir.cleanup() }
        #expect(throws: RecordError.self) { try Retry.loadResults([dir.path], policy: RetryPolicy(), counts: &counts) }
    }
}
