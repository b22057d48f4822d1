import Foundation
import Testing
import _SmoleTestSupport

@testable import SmoleRecords
@testable import SmoleTools

@Suite struct RecordLayerTests {
    func classify(_ s: String) -> InputItem? { RecordParser.classify(Array(s.utf8), source: "t", line: 1) }

    @Test func pathsRecordsAndBlanks() {
        guard case .path(let p) = classify("docs/a b.pdf") else { Issue.record("not a path"); return }
        #expect(p == "docs/a b.pdf")
        guard case .record(let r) = classify(#"{"path":"x.pdf","extra":[1,2.50]}"#) else {
            Issue.record("not a record"); return
        }
        #expect(r.path == "x.pdf")
        #expect(r["extra"] == .array([.number("1"), .number("2.50")]))
        #expect(classify("") == nil)
        #expect(classify("   ") == nil)
    }

    @Test func malformedObjectBecomesBadRecordKeepingRaw() {
        guard case .bad(let r) = classify(#"{"path": "x.pdf""#) else { Issue.record("not bad"); return }
        #expect(r.error?.code == .badRecord)
        #expect(r.error?.retryable == false)
        #expect(r["raw"]?.stringValue == #"{"path": "x.pdf""#)
        #expect(r.error?.message.contains("(at t:1)") == true)
        guard case .bad = classify(#"{"a":1} {"b":2}"#) else {
            Issue.record("two objects on a line must be bad"); return
        }
    }

    @Test func invalidUTF8PathIsCarriedAsBytesNotRepaired() {
        let bytes: [UInt8] = Array("docs/".utf8) + [0xC3, 0x28] + Array(".pdf".utf8)
        // A tool that reads documents: the path line is a path, kept as its very bytes.
        guard case .record(let r) = RecordParser.classify(bytes, source: "f", line: 3) else {
            Issue.record("not a record"); return
        }
        #expect(r["path"]?["bytes"] == .string(Data(bytes).base64EncodedString()))
        #expect(r.documentPath?.bytes == bytes)
        #expect(r.documentPath?.display == "docs/\\xC3(.pdf")
        // A tool that reads results: any line that is not JSON is a bad record.
        guard case .bad(let b) = RecordParser.classify(bytes, source: "f", line: 3, kind: .results) else {
            Issue.record("not bad"); return
        }
        #expect(b["line"] == .number("3"))
        // Invalid UTF-8 inside a JSON line is still malformed JSON.
        let json: [UInt8] = Array(#"{"path":"a"#.utf8) + [0xFF] + Array(#""}"#.utf8)
        guard case .bad(let m) = RecordParser.classify(json, source: "f", line: 4) else {
            Issue.record("not bad"); return
        }
        #expect(m.error?.message.contains("invalid UTF-8") == true)
    }

    @Test func lineReaderHandlesCRLFHugeLinesAndNoFinalNewline() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let huge = String(repeating: "x", count: 10 * 1024 * 1024)
        let p = try dir.write("in.ndjson", "a\r\n{\"path\":\"\(huge)\"}\n\nlast")
        let r = try LineReader(path: p)
        #expect(r.next() == Array("a".utf8))
        let big = try #require(r.next())
        #expect(big.count == huge.count + 11)
        #expect(r.next() == [])
        #expect(r.next() == Array("last".utf8))
        #expect(r.next() == nil)
        #expect(r.lineNumber == 4)
    }

    @Test func missingAndDirectoryInputs() throws {
        #expect(throws: RecordError.self) { try LineReader(path: "/nonexistent/x.ndjson") }
        let dir = try TempDir()
        defer { dir.cleanup() }
        do {
            _ = try LineReader(path: dir.path)
            Issue.record("a directory must not open")
        } catch {
            #expect(error.code == .unreadable)
        }
    }

    @Test func latestRecordPerPathWins() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let a = try dir.write(
            "a.ndjson",
            """
            {"path":"x","status":"error","attempts":1}
            {"path":"y","status":"ok"}
            {oops
            """)
        let b = try dir.write(
            "b.ndjson",
            """
            {"path":"x","status":"ok","attempts":2}
            z.pdf
            """)
        var seen: [String] = []
        let latest = try LatestRecords(inputs: InputSet(paths: [a, b, dir.file("missing.ndjson")]))
        #expect(latest.problems.missing.count == 1)
        latest.forEach { line in
            let r = line.item.record
            seen.append(
                "\(r.path ?? "-"):\(r.status ?? "-"):\(line.source.hasSuffix("a.ndjson") ? "a" : "b")\(line.line)")
        }
        #expect(seen == ["y:ok:a2", "-:error:a3", "x:ok:b1", "z.pdf:-:b2"])
    }

    @Test func errorJSONRoundTrip() {
        let e = RecordError(.rateLimited, "slow down", httpStatus: 429)
        #expect(e.retryable)
        let back = RecordError(json: e.json)
        #expect(back == e)
        #expect(
            JSON.serialize(e.json)
                == #"{"code":"rate_limited","message":"slow down","retryable":true,"http_status":429}"#)
    }
}
