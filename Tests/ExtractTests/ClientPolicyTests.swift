import Foundation
import SmoleBackend
import SmoleClient
import SmoleRecords
import Testing
import _SmoleTestSupport

@Suite struct ClientPolicyTests {
    @Test func retryDelaysGrowExponentiallyUnderTheCap() {
        let plain = Array(RetryDelays(base: .milliseconds(100), cap: .seconds(1), jitter: false).prefix(6))
        for (d, want) in zip(plain.map(\.seconds), [0.1, 0.2, 0.4, 0.8, 1, 1]) { #expect(abs(d - want) < 1e-9) }
        // Full jitter: every delay lies in [0, min(cap, base·2ⁿ)], and they are not all equal.
        for _ in 0..<20 {
            let j = Array(RetryDelays(base: .milliseconds(100), cap: .seconds(1)).prefix(6))
            for (d, ceiling) in zip(j, plain) {
                #expect(d >= .zero && d.seconds <= ceiling.seconds + 1e-9)
            }
        }
        let samples = Set(
            (0..<50).map { _ in
                var it = RetryDelays(base: .seconds(1), cap: .seconds(8)).makeIterator(); return it.next()!.seconds
            })
        #expect(samples.count > 10)
    }

    @Test func pollDelaysGrowBy1_5UpToTheCeilingWithJitter() {
        let d = Array(PollDelays(initial: .milliseconds(500), max: .seconds(10), jitter: 0).prefix(12)).map(\.seconds)
        #expect(abs(d[0] - 0.5) < 1e-9)
        #expect(abs(d[1] - 0.75) < 1e-9)
        #expect(abs(d[2] - 1.125) < 1e-9)
        #expect(d.last! == 10)
        #expect(d.allSatisfy { $0 <= 10 })
        let jittered = Array(PollDelays(initial: .seconds(1), max: .seconds(10), jitter: 0.1).prefix(3)).map(\.seconds)
        #expect(jittered[0] >= 0.9 && jittered[0] <= 1.1)
        #expect(jittered[1] >= 1.35 && jittered[1] <= 1.65)
    }

    @Test func retryAfterSecondsAndHTTPDate() {
        #expect(RetryAfter.parse("7") == .seconds(7))
        #expect(RetryAfter.parse(" 0 ") == .zero)
        #expect(RetryAfter.parse("soon") == nil)
        let now = 784_111_777.0  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == now)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == now)
        #expect(HTTPDate.parse("Sun Nov  6 08:49:37 1994") == now)
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:47 GMT", now: now) == .seconds(10))
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:00 GMT", now: now) == .zero)
        #expect(HTTPDate.format(now) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    @Test func timestampsRoundTrip() {
        let t = 1_795_930_801.123
        let s = Timestamp.format(t)
        #expect(s == "2026-11-29T05:40:01.123Z")
        #expect(abs(Timestamp.parse(s)! - t) < 0.001)
        #expect(Timestamp.parse("2026-11-29T06:40:01+01:00") == 1_795_930_801)
        #expect(Timestamp.parse("yesterday") == nil)
    }

    @Test func backendChoice() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        // Neither a key nor a URL: the local engine.
        if case .local = try BackendChoice.resolve(api: nil, keyFile: nil, allowInsecureHTTP: false, environment: [:]) {
        } else {
            Issue.record("expected local")
        }
        // A key alone: the default base.
        guard
            case .api(let url, let key) = try BackendChoice.resolve(
                api: nil, keyFile: nil, allowInsecureHTTP: false, environment: ["SMOLE_API_KEY": "k1"])
        else {
            Issue.record("expected api"); return
        }
        #expect(url == "https://api.smole.tech/api" && key == "k1")
        // SMOLE_API_URL overrides; a key file wins over the environment.
        let kf = try dir.write("key", "  filekey \n")
        guard
            case .api(let url2, let key2) = try BackendChoice.resolve(
                api: nil, keyFile: kf, allowInsecureHTTP: false,
                environment: ["SMOLE_API_KEY": "k1", "SMOLE_API_URL": "https://h.example/api"])
        else {
            Issue.record("expected api"); return
        }
        #expect(url2 == "https://h.example/api" && key2 == "filekey")
        // Plain http to a remote host with a key is refused, and the message does not hold the key.
        #expect(throws: RecordError.self) {
            try BackendChoice.resolve(
                api: "http://example.com/api", keyFile: nil, allowInsecureHTTP: false,
                environment: ["SMOLE_API_KEY": "sekrit"])
        }
        do {
            _ = try BackendChoice.resolve(
                api: "http://example.com/api", keyFile: nil, allowInsecureHTTP: false,
                environment: ["SMOLE_API_KEY": "sekrit"])
        } catch {
            #expect(!error.message.contains("sekrit"))
        }
        // ... unless allowed, or the host is loopback, or there is no key.
        _ = try BackendChoice.resolve(
            api: "http://example.com/api", keyFile: nil, allowInsecureHTTP: true, environment: ["SMOLE_API_KEY": "k"])
        _ = try BackendChoice.resolve(
            api: "http://127.0.0.1:9/api", keyFile: nil, allowInsecureHTTP: false, environment: ["SMOLE_API_KEY": "k"])
        _ = try BackendChoice.resolve(
            api: "http://example.com/api", keyFile: nil, allowInsecureHTTP: false, environment: [:])
        #expect(APIBackend.isSafe(url: "http://localhost:8080/api"))
        #expect(APIBackend.isSafe(url: "http://[::1]:8080/api"))
        #expect(!APIBackend.isSafe(url: "http://127.0.0.1.evil.com/api"))
        #expect(!APIBackend.isSafe(url: "http://user@example.com/api"))
        #expect(!APIBackend.isSafe(url: "http://localhost.example.com/api"))
    }

    @Test func byteSizes() {
        #expect(ByteSize.parse("1024") == 1024)
        #expect(ByteSize.parse("20M") == 20 << 20)
        #expect(ByteSize.parse("1.5k") == 1536)
        #expect(ByteSize.parse("2GiB") == 2 << 30)
        #expect(ByteSize.parse("lots") == nil)
    }

    @Test func journalSurvivesATornLastLine() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let p = dir.file("j.ndjson")
        do {
            let j = try Journal(path: p)
            j.append(.init(path: "a.pdf", sha256: "aa", schema: "invoice", job: "job-1", attempts: 1))
            j.append(.init(path: "b.pdf", sha256: "bb", schema: "invoice", job: "job-2", attempts: 2))
        }
        // A crash mid-write leaves half a line.
        let fh = try FileHandle(forWritingTo: URL(fileURLWithPath: p))
        fh.seekToEndOfFile()
        fh.write(Data(#"{"path":"c.pdf","sha256":"cc","sch"#.utf8))
        try fh.close()
        let j2 = try Journal(path: p)
        #expect(j2.skippedLines == 1)
        #expect(j2.lookup(sha256: "aa", schema: "invoice")?.job == "job-1")
        #expect(j2.lookup(sha256: "bb", schema: "invoice")?.attempts == 2)
        #expect(j2.lookup(sha256: "aa", schema: "receipt") == nil)
        j2.append(.init(path: "d.pdf", sha256: "dd", schema: "invoice", job: "job-4", attempts: 1))
        let j3 = try Journal(path: p)
        #expect(j3.lookup(sha256: "dd", schema: "invoice")?.job == "job-4")
        #expect(j3.count == 3)
    }

    @Test func multipartBodyStreamsTheFileInChunks() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var content = [UInt8](repeating: 0, count: 200_000)
        for i in content.indices { content[i] = UInt8(truncatingIfNeeded: i &* 31 &+ 7) }
        let p = try dir.write("odd \"name\".bin", bytes: content)
        let body = MultipartFileBody(path: p, fileSize: Int64(content.count), schema: "invoice")
        var all: [UInt8] = []
        var chunks = 0
        for try await var b in body {
            chunks += 1
            #expect(b.readableBytes <= 64 * 1024)
            all += b.readBytes(length: b.readableBytes)!
        }
        #expect(Int64(all.count) == body.length)
        #expect(chunks >= 4)
        let parsed = FakeSmoleServer.parseMultipart(all, contentType: body.contentType)
        #expect(parsed?.schema == "invoice")
        #expect(parsed?.name == "odd %22name%22.bin")
        #expect(parsed.map { Array($0.content) } == content)
    }

    @Test func multipartBodyNoticesAFileThatChanged() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let p = try dir.write("f.txt", "hello world")
        let body = MultipartFileBody(path: p, fileSize: 5, schema: "s")
        await #expect(throws: UploadError.self) {
            for try await _ in body {}
        }
    }

    @Test func pollBodies() {
        func parse(_ s: String) -> JobState {
            APIBackend.jobState(try! JSON.parse(s).objectValue!, job: "j", retryAfter: nil)
        }
        if case .running = parse(#"{"id":"j","status":"queued"}"#) {} else { Issue.record("queued is running") }
        if case .running = parse(#"{"id":"j","status":"weird-new-status"}"#) {
        } else {
            Issue.record("unknown is running")
        }
        if case .completed(let d, _, let dur, _) = parse(
            #"{"status":"completed","extraction":{"data":{"total":1}},"createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.300Z"}"#
        ) {
            #expect(d == ["total": 1])
            #expect(abs(dur!.seconds - 0.3) < 0.001)
        } else {
            Issue.record("completed")
        }
        if case .ended(let e) = parse(#"{"status":"failed","error":"bad scan","retryable":true}"#) {
            #expect(e.code == .jobFailed && e.retryable && e.message.contains("bad scan"))
        } else {
            Issue.record("failed")
        }
        if case .ended(let e) = parse(#"{"status":"failed","errorCode":"unsupported_type"}"#) {
            #expect(e.code == .unsupportedType && !e.retryable)
        } else {
            Issue.record("failed with code")
        }
        if case .ended(let e) = parse(#"{"status":"cancelled"}"#) {
            #expect(e.code == .cancelled && e.retryable)
        } else {
            Issue.record("cancelled")
        }
    }

    @Test func windowShrinksOn429AndGrowsBack() async throws {
        let w = Window(max: 8)
        #expect(await w.limit == 8)
        await w.throttled()
        #expect(await w.limit == 4)
        await w.throttled()  // within a second: counted once
        #expect(await w.limit == 4)
        for _ in 0..<40 { await w.succeeded() }
        #expect(await w.limit == 8)
        for _ in 0..<8 { try await w.acquire() }
        #expect(await w.inFlight == 8)
        let waiter = Task { try await w.acquire() }
        try await Task.sleep(for: .milliseconds(50))
        #expect(await w.inFlight == 8)
        await w.release()
        try await waiter.value
        #expect(await w.inFlight == 8)
        #expect(await w.peak == 8)
    }

    @Test func tokenBucketPacesRequests() async throws {
        let b = TokenBucket(rate: 20, burst: 1)
        let start = ContinuousClock.now
        for _ in 0..<11 { try await b.acquire() }
        let elapsed = (ContinuousClock.now - start).seconds
        // 11 tokens at 20/s with a burst of 1 need at least 0.5 s. No upper bound: under a
        // loaded parallel test run the wake-ups can be late, which says nothing about pacing.
        #expect(elapsed >= 0.45)
    }
}
