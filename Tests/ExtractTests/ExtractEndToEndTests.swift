import Foundation
import SmoleBackend
import SmoleClient
import SmoleRecords
import Testing
import _SmoleTestSupport

/// smole-extract, the built binary, against the fault-injecting fake server on loopback.
@Suite(.serialized) struct ExtractEndToEndTests {
    @Test func extractsEveryDocumentWithinTheJobLimit() async throws {
        var c = FakeSmoleServer.Config()
        c.jobDuration = .milliseconds(200)
        c.key = "test-key-1"
        let f = try await Fixture.make(c)
        defer { Task { await f.close() } }
        let docs = try f.docs(12)
        let r = try await f.run(
            ["--schema", "invoice", "-j", "3", "--poll-initial", "0.1"] + docs, env: ["SMOLE_API_KEY": "test-key-1"])
        #expect(r.status == 0, "\(r.stderr)")
        let recs = records(r)
        #expect(recs.count == 12)
        #expect(Set(recs.compactMap(\.path)) == Set(docs))
        for rec in recs {
            #expect(rec.status == "ok")
            #expect(rec["data"]?.objectValue?["document"]?.stringValue == (rec.path! as NSString).lastPathComponent)
            #expect(rec["data"]?.objectValue?["schema"]?.stringValue == "invoice")
            #expect(rec["job"]?.stringValue?.hasPrefix("job-") == true)
            #expect(rec.attempts == 1)
            #expect(rec["backend"]?.stringValue == f.server.baseURL)
            #expect(Timestamp.parse(rec["started_at"]?.stringValue ?? "") != nil)
            #expect(Timestamp.parse(rec["finished_at"]?.stringValue ?? "") != nil)
            #expect((rec["elapsed_ms"]?.intValue ?? -1) >= 150)
            #expect(rec["error"] == nil)
        }
        let log = f.server.log
        let posts = log.filter(\.isSubmit)
        #expect(posts.count == 12)
        #expect(log.allSatisfy { $0.authorization == "Bearer test-key-1" })
        #expect(log.maxDocumentsInFlight() <= 3)
        #expect(log.maxDocumentsInFlight() >= 2)
        // Idempotency-Key is <sha256>:<schema>, hashed from the file.
        for p in docs {
            let name = (p as NSString).lastPathComponent
            let key = try await sha256sum(p) + ":invoice"
            #expect(log.forDocument(name).filter(\.isSubmit).map(\.idempotencyKey) == [key])
        }
        #expect(r.stderr.components(separatedBy: "backend: Smole API at \(f.server.baseURL)").count == 2)
    }

    @Test func inputRecordsPassThroughAndEachLineGetsOneRecord() async throws {
        var c = FakeSmoleServer.Config()
        c.jobDuration = .milliseconds(50)
        let f = try await Fixture.make(c)
        defer { Task { await f.close() } }
        let docs = try f.docs(3)
        try f.dir.write("empty.pdf", "")
        try FileManager.default.createDirectory(atPath: f.dir.file("folder"), withIntermediateDirectories: true)
        let big = try f.dir.write("big.txt", String(repeating: "x", count: 5000))
        let input =
            [
                #"{"path":"\#(docs[0])","schema":"invoice","batch":"b7","attempts":2}"#,
                docs[1],  // bare path, no schema
                #"{"path":"\#(docs[2])","schema":"receipt"}"#,
                "",
                #"{"path": "broken"#,
                #"{"path":"missing.pdf","schema":"invoice"}"#,
                #"{"path":"folder","schema":"invoice"}"#,
                #"{"path":"empty.pdf","schema":"invoice"}"#,
                #"{"path":"\#(big)","schema":"invoice"}"#,
                #"{"schema":"invoice"}"#,
            ].joined(separator: "\n") + "\n"
        let r = try await f.run(["--max-size", "4K", "--poll-initial", "0.05"], stdin: input)
        #expect(r.status == 1, "\(r.stderr)")
        let recs = records(r)
        #expect(recs.count == 9)
        let m = byName(recs)
        #expect(m["doc-001.txt"]?.status == "ok")
        #expect(m["doc-001.txt"]?["batch"] == "b7")
        #expect(m["doc-001.txt"]?.attempts == 3)
        #expect(m["doc-002.txt"]?.error?.code == .noSchema)
        #expect(m["doc-003.txt"]?["data"]?.objectValue?["schema"] == "receipt")
        #expect(m["missing.pdf"]?.error?.code == .notFound)
        #expect(m["folder"]?.error?.code == .unreadable)
        #expect(m["empty.pdf"]?.error?.code == .unreadable)
        #expect(m["big.txt"]?.error?.code == .tooLarge)
        #expect(m["big.txt"]?.error?.retryable == false)
        let bad = recs.filter { $0.error?.code == .badRecord }
        #expect(bad.count == 2)
        #expect(bad.contains { $0["raw"]?.stringValue == #"{"path": "broken"# })
        #expect(f.server.log.filter(\.isSubmit).count == 2)
    }

    @Test func retryAfterIsAFloorOnEveryWait() async throws {
        var c = FakeSmoleServer.Config()
        c.jobDuration = .milliseconds(300)
        c.submitRetryAfter = 1
        c.pollRetryAfter = 1
        let f = try await Fixture.make(c)
        defer { Task { await f.close() } }
        let docs = try f.docs(6)
        f.server.addFault(.init(.submit, document: "doc-001.txt", .tooMany(retryAfter: 2)))
        f.server.addFault(.init(.poll, document: "doc-002.txt", .unavailable(retryAfter: 2)))
        f.server.addFault(.init(.any, document: "doc-003.txt", times: 2, .tooMany(retryAfter: 1)))
        let r = try await f.run(["--schema", "invoice", "-j", "6", "--poll-initial", "0.05"] + docs)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(records(r).allSatisfy { $0.isOK })
        let log = f.server.log
        #expect(log.retryAfterViolations() == [])
        // The hinted waits were honoured, and used: about 2 requests per document otherwise.
        #expect(log.forDocument("doc-001.txt").count == 3)
        #expect(log.forDocument("doc-005.txt").count == 2)
        #expect(Double(log.count) / 6 <= 4)
    }

    @Test func transientFaultsAreRetriedWithTheSameIdempotencyKey() async throws {
        var c = FakeSmoleServer.Config()
        c.jobDuration = .milliseconds(100)
        let f = try await Fixture.make(c)
        defer { Task { await f.close() } }
        let docs = try f.docs(8)
        f.server.addFault(.init(.submit, times: 2, .reset))  // connection reset mid-upload
        f.server.addFault(.init(.submit, document: "doc-003.txt", .garbage))  // 200 with HTML
        f.server.addFault(.init(.poll, document: "doc-004.txt", .htmlError))  // 502 HTML
        f.server.addFault(.init(.poll, document: "doc-005.txt", .emptyError))  // 500 empty body
        f.server.addFault(.init(.submit, document: "doc-006.txt", .slow(.milliseconds(800))))
        f.server.addFault(.init(.submit, document: "doc-007.txt", .unavailable(retryAfter: 1)))
        let r = try await f.run(["--schema", "invoice", "-j", "2", "--poll-initial", "0.05"] + docs)
        #expect(r.status == 0, "\(r.stderr)")
        let m = byName(records(r))
        #expect(m.count == 8)
        #expect(m.values.allSatisfy { $0.isOK })
        // attempts counts runs; the run's own tries are reported beside it.
        #expect((m["doc-003.txt"]?.attempts ?? 0) == 1 && m["doc-003.txt"]?["tries"] == .number("2"))
        #expect((m["doc-007.txt"]?.attempts ?? 0) == 1 && m["doc-007.txt"]?["tries"] == .number("2"))
        let log = f.server.log
        // Every POST for a document carries the same key; the server made one job per document.
        for p in docs {
            let keys = Set(
                log.filter { $0.isSubmit && ($0.document == (p as NSString).lastPathComponent) }.compactMap(
                    \.idempotencyKey))
            #expect(keys.count == 1)
        }
        #expect(log.filter { $0.isSubmit && $0.status == nil }.count == 2)  // the two resets
        #expect(f.server.jobCount == 8)
        #expect(log.retryAfterViolations() == [])
    }

    @Test func failedAndVanishedJobs() async throws {
        var c = FakeSmoleServer.Config()
        c.jobDuration = .milliseconds(100)
        c.failDocuments = ["doc-001.txt"]
        c.vanishOnce = ["doc-002.txt"]
        let f = try await Fixture.make(c)
        defer { Task { await f.close() } }
        let docs = try f.docs(3)
        let r = try await f.run(["--schema", "invoice", "--poll-initial", "0.05"] + docs)
        #expect(r.status == 1)
        let m = byName(records(r))
        #expect(m["doc-001.txt"]?.error?.code == .jobFailed)
        #expect(m["doc-001.txt"]?.error?.retryable == false)
        #expect(m["doc-001.txt"]?["job"] != nil)
        #expect(m["doc-002.txt"]?.isOK == true)
        #expect(m["doc-002.txt"]?.attempts == 1 && m["doc-002.txt"]?["tries"] == .number("2"))
        #expect(m["doc-003.txt"]?.isOK == true)
        let posts2 = f.server.log.forDocument("doc-002.txt").filter(\.isSubmit)
        #expect(posts2.count == 2)
        #expect(Set(posts2.compactMap(\.idempotencyKey)).count == 1)
    }

    @Test func deadlinesAndExhaustedRetriesAreRetryable() async throws {
        var c = FakeSmoleServer.Config()
        c.jobDuration = .seconds(30)
        let f = try await Fixture.make(c)
        defer { Task { await f.close() } }
        let docs = try f.docs(2)
        let r = try await f.run(["--schema", "invoice", "--timeout", "1", "--poll-initial", "0.1"] + docs)
        #expect(r.status == 75)
        #expect(records(r).allSatisfy { $0.error?.code == .timeout && $0.error?.retryable == true })

        f.server.update { $0.jobDuration = .milliseconds(50) }
        let more = try f.docs(1, prefix: "down")
        f.server.addFault(.init(.submit, document: "down-001.txt", times: 100, .unavailable(retryAfter: 0)))
        let r2 = try await f.run(["--schema", "invoice", "--retries", "2"] + more)
        #expect(r2.status == 75)
        let rec = records(r2).first
        #expect(rec?.error?.code == .serverError)
        #expect(rec?.error?.httpStatus == 503)
        #expect(rec?.attempts == 1 && rec?["tries"] == .number("3"))
        #expect(f.server.log.forDocument("down-001.txt").count == 3)

        // A server that answers too slowly still ends at the deadline.
        let slow = try f.docs(1, prefix: "slow")
        f.server.addFault(.init(.submit, document: "slow-001.txt", .slow(.seconds(12))))
        let t0 = ContinuousClock.now
        let r3 = try await f.run(["--schema", "invoice", "--timeout", "1"] + slow)
        #expect(ContinuousClock.now - t0 < .seconds(9), "ends at its deadline, not when the 12 s answer arrives")
        #expect(r3.status == 75)
        #expect(records(r3).first?.error?.code == .timeout)
    }

    @Test func unauthorizedStopsSubmittingAtOnce() async throws {
        var c = FakeSmoleServer.Config()
        c.jobDuration = .milliseconds(100)
        c.unauthorizedAfter = 6
        let f = try await Fixture.make(c)
        defer { Task { await f.close() } }
        let docs = try f.docs(30)
        let r = try await f.run(
            ["--schema", "invoice", "-j", "3", "--poll-initial", "0.05"], stdin: docs.joined(separator: "\n") + "\n")
        #expect(r.status == 77)
        let recs = records(r)
        #expect(recs.count == 30)
        #expect(Set(recs.compactMap(\.path)).count == 30)
        let failed = recs.filter { !$0.isOK }
        #expect(failed.count >= 27)
        #expect(failed.allSatisfy { $0.error?.code == .unauthorized && $0.error?.retryable == false })
        #expect(r.stderr.components(separatedBy: "HTTP 401").count == 2, "\(r.stderr)")
        let log = f.server.log
        let first401 = log.filter { $0.status == 401 }.compactMap(\.answered).min()!
        #expect(log.filter { $0.isSubmit && $0.received > first401 + 0.05 }.isEmpty)
        #expect(log.count <= 10)
    }

    @Test func quotaExhaustedStopsLikeAuth() async throws {
        let f = try await Fixture.make()
        defer { Task { await f.close() } }
        let docs = try f.docs(5)
        f.server.addFault(
            .init(
                .submit, times: 100,
                .reply(
                    status: 402, retryAfter: nil,
                    body: #"{"title":"Payment Required","code":"quota_exhausted","detail":"monthly quota used"}"#,
                    contentType: "application/problem+json")))
        let r = try await f.run(["--schema", "invoice", "-j", "1"] + docs)
        #expect(r.status == 77)
        let recs = records(r)
        #expect(recs.count == 5)
        #expect(recs.allSatisfy { $0.error?.code == .quotaExhausted && $0.error?.retryable == false })
        // One submit, besides the schema list asked for before the run (to check --schema).
        #expect(f.server.log.filter { !$0.path.hasSuffix("/schemas") }.count == 1)
    }

    @Test func aSchemaTheServerRejectsIsAnErrorRecord() async throws {
        var c = FakeSmoleServer.Config()
        c.jobDuration = .milliseconds(50)
        c.rejectSchemas = ["bogus"]
        let f = try await Fixture.make(c)
        defer { Task { await f.close() } }
        let docs = try f.docs(2)
        let input =
            #"{"path":"\#(docs[0])","schema":"bogus"}"# + "\n" + #"{"path":"\#(docs[1])","schema":"invoice"}"# + "\n"
        let r = try await f.run(["--poll-initial", "0.05"], stdin: input)
        #expect(r.status == 1)
        let m = byName(records(r))
        #expect(m["doc-001.txt"]?.error?.code == .noSchema)
        #expect(m["doc-001.txt"]?.error?.httpStatus == 422)
        #expect(m["doc-001.txt"]?.error?.message.contains("unknown schema 'bogus'") == true)
        #expect(m["doc-002.txt"]?.isOK == true)
    }

    @Test func theKeyNeverLeaks() async throws {
        let key = "sk-test-\(UUID().uuidString)"
        var c = FakeSmoleServer.Config()
        c.jobDuration = .milliseconds(100)
        c.key = key
        c.failDocuments = ["doc-002.txt"]
        let f = try await Fixture.make(c)
        defer { Task { await f.close() } }
        let docs = try f.docs(4)
        f.server.addFault(.init(.submit, document: "doc-003.txt", .unavailable(retryAfter: 0)))
        let journal = f.dir.file("jobs.journal")
        let r1 = try await f.run(
            ["--schema", "invoice", "--journal", journal, "--progress", "--poll-initial", "0.05"] + docs,
            env: ["SMOLE_API_KEY": key])
        #expect(r1.status == 1)
        // --progress draws even though stderr is a pipe here, and ends with the final counts.
        #expect(r1.stderr.contains("4/4 done"), "progress on stderr: \(r1.stderr)")
        let keyFile = try f.dir.write("api.key", key + "\n")
        let r2 = try await f.run(
            ["--schema", "invoice", "--api-key-file", keyFile, "--poll-initial", "0.05", "missing.pdf"] + docs)
        #expect(records(r2).count == 5)
        // A refused insecure URL says why without the key.
        let r3 = try await f.run(
            ["--schema", "invoice", "--api", "http://smole.invalid/api"] + docs, env: ["SMOLE_API_KEY": key], api: false
        )
        #expect(r3.status == 64)
        #expect(r3.stderr.contains("refusing to send the API key over plain http://"))
        let everything = [
            r1.stdout, r1.stderr, r2.stdout, r2.stderr, r3.stdout, r3.stderr,
            try String(contentsOfFile: journal, encoding: .utf8),
        ]
        for text in everything { #expect(!text.contains(key)) }
        #expect(!everything[0].isEmpty && !everything[6].isEmpty)
        #expect(f.server.log.allSatisfy { $0.authorization == "Bearer \(key)" })
    }

    @Test func keepOrderWritesInInputOrder() async throws {
        var c = FakeSmoleServer.Config()
        c.jobDuration = .milliseconds(50)
        let f = try await Fixture.make(c)
        defer { Task { await f.close() } }
        let docs = try f.docs(5)
        f.server.addFault(.init(.submit, document: "doc-001.txt", .slow(.milliseconds(1000))))
        let r = try await f.run(["--schema", "invoice", "--poll-initial", "0.05"] + docs)
        #expect(records(r).last?.path == docs[0])
        f.server.addFault(.init(.submit, document: "doc-001.txt", .slow(.milliseconds(1000))))
        let r2 = try await f.run(["--schema", "invoice", "--keep-order", "--poll-initial", "0.05"] + docs)
        #expect(records(r2).map { $0.path! } == docs)
    }

    @Test func aRerunWithTheJournalPollsInsteadOfUploading() async throws {
        var c = FakeSmoleServer.Config()
        c.jobDuration = .milliseconds(100)
        let f = try await Fixture.make(c)
        defer { Task { await f.close() } }
        let docs = try f.docs(6)
        let journal = f.dir.file("jobs.journal")
        let r1 = try await f.run(["--schema", "invoice", "--journal", journal, "--poll-initial", "0.05"] + docs)
        #expect(r1.status == 0)
        #expect(f.server.log.filter(\.isSubmit).count == 6)
        // A torn line at the end, as a crash would leave.
        let fh = try FileHandle(forWritingTo: URL(fileURLWithPath: journal))
        fh.seekToEndOfFile()
        fh.write(Data(#"{"path":"x","sha2"#.utf8))
        try fh.close()
        let r2 = try await f.run(["--schema", "invoice", "--journal", journal, "--poll-initial", "0.05"] + docs)
        #expect(r2.status == 0, "\(r2.stderr)")
        let recs = records(r2)
        #expect(recs.count == 6 && recs.allSatisfy { $0.isOK && $0.attempts == 1 })
        #expect(f.server.log.filter(\.isSubmit).count == 6)
        #expect(
            Set(recs.compactMap { $0["job"]?.stringValue }) == Set(records(r1).compactMap { $0["job"]?.stringValue }))
    }

    @Test func sigintWritesCancelledRecordsAndLosesNothing() async throws {
        var c = FakeSmoleServer.Config()
        c.jobDuration = .seconds(3)
        let f = try await Fixture.make(c)
        defer { Task { await f.close() } }
        let docs = try f.docs(20)
        let tool = try f.spawn(["--schema", "invoice", "-j", "4", "--poll-initial", "0.2"] + docs)
        let deadline = ContinuousClock.now + .seconds(20)
        while f.server.log.filter(\.isSubmit).count < 4, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(300))
        tool.signal(SIGINT)
        let status = await tool.wait()
        #expect(status == 130, "\(tool.stderr)")
        let recs = records(tool.stdoutLines)
        #expect(recs.count == 20)
        #expect(Set(recs.compactMap(\.path)) == Set(docs))
        #expect(recs.allSatisfy { $0.error?.code == .cancelled && $0.error?.retryable == true })
        let withJob = recs.filter { $0["job"] != nil }
        #expect(withJob.count == 4)
        // In-flight jobs were cancelled on the server (best effort).
        let cancels = f.server.log.filter { $0.method == "POST" && $0.path.hasSuffix("/cancel") }
        #expect(cancels.count == 4)
    }

    @Test func sigtermExits143() async throws {
        var c = FakeSmoleServer.Config()
        c.jobDuration = .seconds(5)
        let f = try await Fixture.make(c)
        defer { Task { await f.close() } }
        let docs = try f.docs(3)
        let list = try f.dir.write("list.txt", docs.joined(separator: "\n") + "\n")
        let tool = try f.spawn(["--schema", "invoice"], stdinPath: list)
        let deadline = ContinuousClock.now + .seconds(20)
        while f.server.log.filter(\.isSubmit).count < 3, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        tool.signal(SIGTERM)
        #expect(await tool.wait() == 143)
        let recs = records(tool.stdoutLines)
        #expect(recs.count == 3)
        #expect(recs.allSatisfy { $0.error?.code == .cancelled })
        #expect(tool.stderr.contains("SIGTERM") || recs.first?.error?.message.contains("SIGTERM") == true)
    }

    @Test func oneRequestBudgetCoversSubmitsAndPolls() async throws {
        var c = FakeSmoleServer.Config()
        c.jobDuration = .milliseconds(50)
        let f = try await Fixture.make(c)
        defer { Task { await f.close() } }
        let docs = try f.docs(6)
        let r = try await f.run(["--schema", "invoice", "-j", "6", "--rate", "4", "--poll-initial", "0.05"] + docs)
        #expect(r.status == 0)
        // Submits and polls (the schema list asked for once before the run is not part of the budget).
        let times = f.server.log.filter { !$0.path.hasSuffix("/schemas") }.map(\.received).sorted()
        #expect(times.count >= 12)
        // A bucket of 4 tokens refilled at 4/s: n requests need at least (n - 4) / 4 seconds.
        #expect(times.last! - times.first! >= Double(times.count - 4) / 4 - 0.1)
    }

    @Test func badOptionsAreUsageErrors() async throws {
        let f = try await Fixture.make()
        defer { Task { await f.close() } }
        let r = try await f.run(["--jobs", "0", "x.pdf"])
        #expect(r.status == 64)
        #expect(r.stdout.isEmpty)
        let r2 = try await f.run(["--max-size", "lots", "x.pdf"])
        #expect(r2.status == 64)
    }

    @Test func withNeitherKeyNorURLItUsesTheLocalEngine() async throws {
        let f = try await Fixture.make()
        defer { Task { await f.close() } }
        let docs = try f.docs(2)
        let r = try await f.run(["--schema", "invoice"] + docs, api: false)
        #expect(r.stderr.contains("backend: local engine"))
        let recs = records(r)
        #expect(recs.count == 2)
        #expect(recs.allSatisfy { $0["backend"] == "local" })
        #expect(
            recs.allSatisfy {
                $0.isOK || [.engineUnavailable, .engineFailed, .unsupportedType].contains($0.error?.code)
            })
        #expect(f.server.log.isEmpty)
    }
}
