import AsyncHTTPClient
import Foundation
import NIOCore
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleServer

/// A gate jobs wait on until the test opens it; counts how many jobs started.
actor Gate {
    private var open = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private(set) var started = 0
    private(set) var cancelledSeen = 0
    func wait() async {
        started += 1
        if open { return }
        await withCheckedContinuation { waiting.append($0) }
    }
    func release() {
        open = true
        waiting.forEach { $0.resume() }
        waiting.removeAll()
    }
    func sawCancel() { cancelledSeen += 1 }
}

/// A runner derived from the uploaded file itself, so a test proves the bytes arrived whole:
/// size, FNV-1a fingerprint, first line, and the schema it was asked for.
let fingerprintRunner: ClosureBackend.Runner = { path, schema throws(RecordError) in
    guard let data = FileManager.default.contents(atPath: path) else {
        throw RecordError(.notFound, "no upload at \(path)")
    }
    let bytes = [UInt8](data)
    var o = JSONObject()
    o["schema"] = .string(schema)
    o["size"] = .number(String(bytes.count))
    o["fnv"] = .string(fnv1a(bytes))
    let firstLine =
        bytes.split(separator: 10, maxSplits: 1, omittingEmptySubsequences: false).first.map {
            String(decoding: $0, as: UTF8.self)
        } ?? ""
    o["first_line"] = .string(String(firstLine.prefix(80)))
    if firstLine.hasPrefix("FAIL ") {
        throw RecordError(.unreadable, String(firstLine.dropFirst(5)))
    }
    if firstLine.hasPrefix("RETRYABLE ") {
        throw RecordError(.engineFailed, String(firstLine.dropFirst(10)), retryable: true)
    }
    return .object(o)
}

let testSchemas: [String: JSONValue] = [
    "invoice": try! JSON.parse(#"{"type":"object","properties":{"total":{"type":"number"}}}"#),
    "receipt": try! JSON.parse(#"{"type":"object","properties":{"merchant_name":{"type":"string"}}}"#),
]

func withServer<R>(
    _ configure: (inout ServeConfig) -> Void = { _ in },
    backend: any JobRunner = ClosureBackend(schemas: testSchemas, runner: fingerprintRunner),
    _ body: (SmoleServe, String) async throws -> R
) async throws -> R {
    var config = ServeConfig()
    config.port = 0
    config.quiet = true
    config.workers = 2
    configure(&config)
    let server = try SmoleServe(config: config, backend: backend)
    let running = try await server.start()
    do {
        let r = try await body(server, running.baseURL)
        try await running.shutdown()
        #expect(!FileManager.default.fileExists(atPath: server.uploadDir), "the upload folder is removed at shutdown")
        return r
    } catch {
        try? await running.shutdown()
        throw error
    }
}

func uploadsLeft(_ server: SmoleServe) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: server.uploadDir)) ?? []
}

@Suite("smole-serve in-process, deterministic runner")
struct InProcessServerTests {
    @Test func submitPollCompleted() async throws {
        try await withServer { server, base in
            let doc = Array("INVOICE 2026-001\nTotal: 12.50 EUR\n".utf8)
            let r = try await HTTP.submit(base, file: doc, fileName: "inv.txt", schemaId: "invoice")
            #expect(r.status == 202)
            let id = try #require(r.json?["id"]?.stringValue)
            #expect(UUID(uuidString: id) != nil, "job ids are UUIDs")
            #expect(r.json?["status"]?.stringValue == "queued")
            #expect(r.header("Location") == "/api/pipeline/\(id)")
            #expect(Int(r.header("Retry-After") ?? "") ?? 0 >= 1)

            let done = try await HTTP.waitForJob(base, id)
            #expect(done.status == 200)
            let job = try #require(done.json)
            #expect(job["status"]?.stringValue == "completed")
            #expect(job["id"]?.stringValue == id)
            let data = try #require(job["extraction"]?.objectValue?["data"]?.objectValue)
            #expect(data["schema"]?.stringValue == "invoice")
            #expect(data["size"]?.intValue == doc.count)
            #expect(data["fnv"]?.stringValue == fnv1a(doc))
            #expect(data["first_line"]?.stringValue == "INVOICE 2026-001")
            #expect(job["error"] == .null)
            #expect(job["errorCode"] == .null)
            #expect(job["createdAt"]?.stringValue?.hasSuffix("Z") == true)
            #expect(job["updatedAt"]?.stringValue.map { $0 >= job["createdAt"]!.stringValue! } == true)
            #expect(done.header("Retry-After") == nil, "no Retry-After once a job is terminal")
            #expect(done.header("Content-Type") == "application/json")
            // The upload is deleted once the job finished.
            #expect(uploadsLeft(server).isEmpty)
        }
    }

    @Test func pendingJobCarriesRetryAfter() async throws {
        let gate = Gate()
        let backend = ClosureBackend(schemas: testSchemas) { path, schema throws(RecordError) in
            await gate.wait()
            return try await fingerprintRunner(path, schema)
        }
        try await withServer({ $0.workers = 1 }, backend: backend) { _, base in
            let r = try await HTTP.submit(base, file: Array("x\n".utf8), schemaId: "receipt")
            let id = try #require(r.json?["id"]?.stringValue)
            let p = try await HTTP.get(base + "/api/pipeline/\(id)")
            #expect(p.status == 200)
            #expect(["queued", "running"].contains(p.json?["status"]?.stringValue ?? ""))
            #expect(
                Int(p.header("Retry-After") ?? "") ?? -1 >= 1,
                "pending jobs carry Retry-After; with no job timed yet, a second")
            await gate.release()
            let done = try await HTTP.waitForJob(base, id)
            #expect(done.json?["status"]?.stringValue == "completed")
        }
    }

    /// Once the server has seen that its jobs take milliseconds, a running job's Retry-After is 0, not 1: the
    /// client treats the hint as a floor, and a floor of a second made every document take a second. The job
    /// times are given to the store as measured, so the test does not depend on how busy the machine is.
    @Test func fastJobsGetARetryAfterOfZero() async throws {
        let store = JobStore(workers: 1, queueLimit: 100, keep: .seconds(60))
        func run(_ seconds: Double) async throws -> String {
            let (snap, _) = try await store.submit(
                path: "/dev/null", schemaId: "receipt", fileName: nil, idempotencyKey: nil)
            let job = try #require(await store.nextJob())
            #expect(job.id == snap.id)
            await store.finish(job.id, .success((data: .null, pages: nil)), seconds: seconds)
            return snap.id
        }
        let (first, _) = try await store.submit(
            path: "/dev/null", schemaId: "receipt", fileName: nil, idempotencyKey: nil)
        #expect(await store.pollHint(for: first.id) >= 1, "nothing timed yet: a second")
        let started = try #require(await store.nextJob())
        await store.finish(started.id, .success((data: .null, pages: nil)), seconds: 0.002)
        for _ in 0..<8 { _ = try await run(0.002) }
        let (slow, _) = try await store.submit(
            path: "/dev/null", schemaId: "receipt", fileName: nil, idempotencyKey: nil)
        #expect(await store.pollHint(for: slow.id) == 0, "queued behind nothing, jobs take milliseconds")
        _ = await store.nextJob()
        #expect(await store.pollHint(for: slow.id) == 0, "running")
        // Jobs that take seconds get a hint of seconds again.
        await store.finish(slow.id, .success((data: .null, pages: nil)), seconds: 0.002)
        for _ in 0..<8 { _ = try await run(4) }
        let (later, _) = try await store.submit(
            path: "/dev/null", schemaId: "receipt", fileName: nil, idempotencyKey: nil)
        #expect(await store.pollHint(for: later.id) >= 3)
    }

    @Test func failedJobsCarryTheirErrorCode() async throws {
        try await withServer { _, base in
            let r = try await HTTP.submit(base, file: Array("FAIL page 3 is encrypted\n".utf8), schemaId: "invoice")
            let id = try #require(r.json?["id"]?.stringValue)
            let done = try await HTTP.waitForJob(base, id)
            let job = try #require(done.json)
            #expect(job["status"]?.stringValue == "failed")
            #expect(job["errorCode"]?.stringValue == "unreadable")
            #expect(job["error"]?.stringValue == "page 3 is encrypted")
            #expect(job["retryable"] == .bool(false))
            #expect(job["extraction"] == .null)
        }
    }

    @Test func idempotencyKeyReturnsTheSameJob() async throws {
        try await withServer { server, base in
            let doc = Array("same document\n".utf8)
            let a = try await HTTP.submit(base, file: doc, schemaId: "invoice", idempotencyKey: "sha256abc:invoice")
            #expect(a.status == 202)
            let id = try #require(a.json?["id"]?.stringValue)
            let b = try await HTTP.submit(base, file: doc, schemaId: "invoice", idempotencyKey: "sha256abc:invoice")
            #expect([200, 202].contains(b.status))
            #expect(b.json?["id"]?.stringValue == id, "the same key gets the same job back")
            #expect(b.header("Location") == "/api/pipeline/\(id)")
            let c = try await HTTP.submit(base, file: doc, schemaId: "invoice", idempotencyKey: "sha256abc:receipt")
            #expect(c.json?["id"]?.stringValue != id, "another key is another job")
            _ = try await HTTP.waitForJob(base, id)
            let cid = try #require(c.json?["id"]?.stringValue)
            _ = try await HTTP.waitForJob(base, cid)
            // After completion the key still maps to the finished job.
            let d = try await HTTP.submit(base, file: doc, schemaId: "invoice", idempotencyKey: "sha256abc:invoice")
            #expect(d.status == 200)
            #expect(d.json?["id"]?.stringValue == id)
            #expect(d.json?["status"]?.stringValue == "completed")
            #expect(uploadsLeft(server).isEmpty, "a replayed upload is not kept")
        }
    }

    @Test func retryableFailureReleasesItsKey() async throws {
        try await withServer { _, base in
            let doc = Array("RETRYABLE worker crashed\n".utf8)
            let a = try await HTTP.submit(base, file: doc, schemaId: "invoice", idempotencyKey: "k1")
            let id = try #require(a.json?["id"]?.stringValue)
            let done = try await HTTP.waitForJob(base, id)
            #expect(done.json?["status"]?.stringValue == "failed")
            #expect(done.json?["retryable"] == .bool(true))
            let b = try await HTTP.submit(base, file: doc, schemaId: "invoice", idempotencyKey: "k1")
            #expect(b.status == 202)
            #expect(b.json?["id"]?.stringValue != id, "a retryable failure does not pin the key")
        }
    }

    @Test func fullQueueSheds503WithRetryAfter() async throws {
        let gate = Gate()
        let backend = ClosureBackend(schemas: testSchemas) { path, schema throws(RecordError) in
            await gate.wait()
            return try await fingerprintRunner(path, schema)
        }
        try await withServer(
            {
                $0.workers = 1; $0.queueLimit = 1
            }, backend: backend
        ) { server, base in
            let first = try await HTTP.submit(base, file: Array("one\n".utf8), schemaId: "invoice")
            #expect(first.status == 202)
            // Wait until the only worker holds the first job, so the second one queues.
            while await gate.started < 1 { try await Task.sleep(for: .milliseconds(10)) }
            let second = try await HTTP.submit(base, file: Array("two\n".utf8), schemaId: "invoice")
            #expect(second.status == 202)
            let third = try await HTTP.submit(base, file: Array("three\n".utf8), schemaId: "invoice")
            #expect(third.status == 503)
            #expect(Int(third.header("Retry-After") ?? "") ?? 0 >= 1, "503 always carries Retry-After")
            #expect(third.header("Content-Type") == "application/problem+json")
            let p = try #require(third.json)
            #expect(p["status"]?.intValue == 503)
            #expect(p["code"]?.stringValue == "rate_limited")
            #expect(p["type"]?.stringValue?.isEmpty == false)
            #expect(p["title"]?.stringValue?.isEmpty == false)
            #expect(p["detail"]?.stringValue?.contains("queue") == true)
            await gate.release()
            for r in [first, second] {
                let done = try await HTTP.waitForJob(base, r.json!["id"]!.stringValue!)
                #expect(done.json?["status"]?.stringValue == "completed")
            }
            // Room again after the queue drained.
            let fourth = try await HTTP.submit(base, file: Array("four\n".utf8), schemaId: "invoice")
            #expect(fourth.status == 202)
            _ = try await HTTP.waitForJob(base, fourth.json!["id"]!.stringValue!)
            #expect(uploadsLeft(server).isEmpty, "no upload is left behind, not even the refused one")
        }
    }

    @Test func deleteCancelsQueuedAndRunningJobs() async throws {
        let gate = Gate()
        let backend = ClosureBackend(schemas: testSchemas) { path, schema throws(RecordError) in
            await gate.wait()
            if Task.isCancelled { await gate.sawCancel() }
            return try await fingerprintRunner(path, schema)
        }
        try await withServer(
            {
                $0.workers = 1; $0.queueLimit = 4
            }, backend: backend
        ) { server, base in
            let running = try await HTTP.submit(base, file: Array("a\n".utf8), schemaId: "invoice")
            while await gate.started < 1 { try await Task.sleep(for: .milliseconds(10)) }
            let queued = try await HTTP.submit(base, file: Array("b\n".utf8), schemaId: "invoice")
            let qid = try #require(queued.json?["id"]?.stringValue)
            let rid = try #require(running.json?["id"]?.stringValue)
            #expect(uploadsLeft(server).count == 2)

            let dq = try await HTTP.send(.DELETE, base + "/api/pipeline/\(qid)")
            #expect(dq.status == 200)
            #expect(dq.json?["status"]?.stringValue == "cancelled")
            #expect(dq.json?["errorCode"]?.stringValue == "cancelled")
            #expect(uploadsLeft(server).count == 1, "a cancelled queued job's upload is deleted at once")

            let dr = try await HTTP.send(.POST, base + "/api/pipeline/\(rid)/cancel")
            #expect(dr.status == 200)
            #expect(dr.json?["status"]?.stringValue == "cancelled")
            await gate.release()
            while await gate.cancelledSeen < 1 { try await Task.sleep(for: .milliseconds(10)) }
            // The runner's late result does not overwrite the cancellation.
            try await Task.sleep(for: .milliseconds(100))
            let after = try await HTTP.get(base + "/api/pipeline/\(rid)")
            #expect(after.json?["status"]?.stringValue == "cancelled")
            #expect(after.json?["extraction"] == .null)
            #expect(uploadsLeft(server).isEmpty)
            let missing = try await HTTP.send(.DELETE, base + "/api/pipeline/\(UUID().uuidString.lowercased())")
            #expect(missing.status == 404)
        }
    }

    @Test func finishedJobsAreEvictedAfterKeep() async throws {
        try await withServer({ $0.keep = .seconds(6) }) { _, base in
            let r = try await HTTP.submit(
                base, file: Array("short-lived\n".utf8), schemaId: "invoice", idempotencyKey: "evict-me")
            let id = try #require(r.json?["id"]?.stringValue)
            let done = try await HTTP.waitForJob(base, id)
            #expect(done.json?["status"]?.stringValue == "completed")
            try await Task.sleep(for: .seconds(7))
            let gone = try await HTTP.get(base + "/api/pipeline/\(id)")
            #expect(gone.status == 404)
            #expect(gone.header("Content-Type") == "application/problem+json")
            #expect(gone.json?["code"]?.stringValue == "job_expired")
            let again = try await HTTP.submit(
                base, file: Array("short-lived\n".utf8), schemaId: "invoice", idempotencyKey: "evict-me")
            #expect(again.status == 202)
            #expect(again.json?["id"]?.stringValue != id, "an evicted job's key is free again")
        }
    }

    @Test func badSubmissionsAreProblems() async throws {
        try await withServer { server, base in
            // No schemaId part.
            let noSchema = try await HTTP.submit(base, file: Array("x".utf8), schemaId: nil)
            #expect(noSchema.status == 400)
            #expect(noSchema.json?["code"]?.stringValue == "no_schema")
            // Unknown schema.
            let unknown = try await HTTP.submit(base, file: Array("x".utf8), schemaId: "passport")
            #expect(unknown.status == 422)
            #expect(unknown.json?["code"]?.stringValue == "no_schema")
            #expect(unknown.json?["detail"]?.stringValue?.contains("passport") == true)
            // No file part.
            let boundary = "b0undary"
            let onlyField = multipartBody(boundary: boundary, [.field("schemaId", "invoice")])
            let noFile = try await HTTP.send(
                .POST, base + "/api/pipeline/file",
                headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")],
                body: .bytes(ByteBuffer(bytes: onlyField)))
            #expect(noFile.status == 400)
            #expect(noFile.json?["code"]?.stringValue == "bad_record")
            #expect(noFile.json?["detail"]?.stringValue?.contains("file") == true)
            // Not multipart at all.
            let json = try await HTTP.send(
                .POST, base + "/api/pipeline/file", headers: [("Content-Type", "application/json")],
                body: .bytes(ByteBuffer(string: "{}")))
            #expect(json.status == 415)
            #expect(json.header("Content-Type") == "application/problem+json")
            // Truncated: no closing boundary.
            var truncated = multipartBody(
                boundary: boundary, [.field("schemaId", "invoice"), .file("file", "a.txt", Array("abc".utf8))])
            truncated.removeLast("--\(boundary)--\r\n".utf8.count)
            let trunc = try await HTTP.send(
                .POST, base + "/api/pipeline/file",
                headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")],
                body: .bytes(ByteBuffer(bytes: truncated)))
            #expect(trunc.status == 400)
            #expect(trunc.json?["detail"]?.stringValue?.contains("closing boundary") == true)
            // Unknown route and unknown job.
            let route = try await HTTP.get(base + "/api/nothing-here")
            #expect(route.status == 404)
            #expect(route.header("Content-Type") == "application/problem+json")
            let job = try await HTTP.get(base + "/api/pipeline/\(UUID().uuidString.lowercased())")
            #expect(job.status == 404)
            #expect(job.json?["code"]?.stringValue == "job_expired")
            #expect(uploadsLeft(server).isEmpty, "refused uploads are deleted")
        }
    }

    @Test func oversizeStreamedUploadIsRefusedWhileStreaming() async throws {
        try await withServer({ $0.maxUpload = 64 * 1024 }) { server, base in
            let boundary = "stream-boundary"
            let head = Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"schemaId\"\r\n\r\ninvoice\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\r\n"
                    .utf8)
            let chunk = noiseBytes(16 * 1024)
            // Chunked (no Content-Length): the limit can only be enforced while bytes arrive.
            let chunks: [ByteBuffer] =
                [ByteBuffer(bytes: head)] + (0..<64).map { _ in ByteBuffer(bytes: chunk) } + [
                    ByteBuffer(string: "\r\n--\(boundary)--\r\n")
                ]
            let r = try await HTTP.send(
                .POST, base + "/api/pipeline/file",
                headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")],
                body: .stream(ChunkSequence(items: chunks), length: .unknown))
            #expect(r.status == 413)
            #expect(r.json?["code"]?.stringValue == "too_large")
            #expect(r.json?["detail"]?.stringValue?.contains("64KB") == true)
            #expect(uploadsLeft(server).isEmpty, "the partial upload is deleted")
            // Just under the limit is fine.
            let ok = try await HTTP.submit(
                base, file: noiseBytes(64 * 1024 - 10), fileName: "fits.bin", schemaId: "invoice")
            #expect(ok.status == 202)
        }
    }

    @Test func severalMegabyteUploadsArriveIntact() async throws {
        try await withServer { _, base in
            let sizes = [3 * 1024 * 1024 + 17, 8 * 1024 * 1024]
            for (i, size) in sizes.enumerated() {
                let doc = noiseBytes(size, seed: UInt64(i + 1) &* 0x1234_5678_9abc)
                let r = try await HTTP.submit(base, file: doc, fileName: "scan\(i).pdf", schemaId: "invoice")
                #expect(r.status == 202)
                let done = try await HTTP.waitForJob(base, r.json!["id"]!.stringValue!)
                let data = try #require(done.json?["extraction"]?.objectValue?["data"]?.objectValue)
                #expect(data["size"]?.intValue == size)
                #expect(data["fnv"]?.stringValue == fnv1a(doc), "the stored file is byte-identical to the upload")
            }
        }
    }

    @Test func concurrentClientsEachGetTheirOwnResult() async throws {
        try await withServer({
            $0.workers = 3; $0.queueLimit = 64
        }) { server, base in
            let n = 24
            let results = try await withThrowingTaskGroup(of: (Int, HTTPReply).self) { group in
                for i in 0..<n {
                    group.addTask {
                        let doc = Array("document \(i)\n".utf8) + noiseBytes(1000 + i * 37, seed: UInt64(i + 7))
                        let r = try await HTTP.submit(base, file: doc, schemaId: i % 2 == 0 ? "invoice" : "receipt")
                        guard let id = r.json?["id"]?.stringValue else { return (i, r) }
                        return (i, try await HTTP.waitForJob(base, id))
                    }
                }
                var out: [Int: HTTPReply] = [:]
                for try await (i, r) in group { out[i] = r }
                return out
            }
            #expect(results.count == n)
            for i in 0..<n {
                let data = results[i]?.json?["extraction"]?.objectValue?["data"]?.objectValue
                #expect(results[i]?.json?["status"]?.stringValue == "completed")
                #expect(data?["first_line"]?.stringValue == "document \(i)")
                #expect(data?["schema"]?.stringValue == (i % 2 == 0 ? "invoice" : "receipt"))
            }
            #expect(uploadsLeft(server).isEmpty)
            let health = try await HTTP.get(base + "/healthz")
            #expect(health.json?["queued"]?.intValue == 0)
            #expect(health.json?["running"]?.intValue == 0)
        }
    }

    @Test func curlMultipartWithExpectContinue() async throws {
        // A third-party multipart encoder (curl -F), which also sends Expect: 100-continue
        // for large bodies: the server answers 100 at once and stores the file intact.
        let tmp = try TempDir("serve-curl")
        defer { tmp.cleanup() }
        let doc = noiseBytes(3 * 1024 * 1024, seed: 42)
        let path = try tmp.write("scan 1.pdf", bytes: doc)
        try await withServer { _, base in
            let r = try await runTool(
                "curl",
                [
                    "-sS", "-v", "-H", "Expect: 100-continue", "-F", "file=@\(path)", "-F", "schemaId=receipt",
                    base + "/api/pipeline/file",
                ])
            #expect(r.status == 0, "curl: \(r.stderr)")
            #expect(r.stderr.contains("100 Continue"), "the server answered Expect: 100-continue")
            let reply = try #require((try? JSON.parse(r.stdout))?.objectValue)
            let id = try #require(reply["id"]?.stringValue)
            let done = try await HTTP.waitForJob(base, id)
            let data = try #require(done.json?["extraction"]?.objectValue?["data"]?.objectValue)
            #expect(data["schema"]?.stringValue == "receipt")
            #expect(data["size"]?.intValue == doc.count)
            #expect(data["fnv"]?.stringValue == fnv1a(doc))
        }
    }

    @Test func apiOverheadUnderLoad() async throws {
        // 400 jobs from 16 concurrent clients, each submit + poll to completion, with an
        // instant runner: every job completes, none is lost or shed (queue 512), and the
        // rate (the API's own overhead per document) is printed for the README.
        let n = 400, clients = 16
        try await withServer({
            $0.workers = 4; $0.queueLimit = 512
        }) { server, base in
            let t0 = ContinuousClock.now
            let completed = try await withThrowingTaskGroup(of: Int.self) { group in
                for c in 0..<clients {
                    group.addTask {
                        var ok = 0
                        for i in stride(from: c, to: n, by: clients) {
                            let r = try await HTTP.submit(base, file: Array("doc \(i)\n".utf8), schemaId: "invoice")
                            guard let id = r.json?["id"]?.stringValue else { continue }
                            let done = try await HTTP.waitForJob(base, id)
                            if done.json?["extraction"]?.objectValue?["data"]?.objectValue?["first_line"]?.stringValue
                                == "doc \(i)"
                            {
                                ok += 1
                            }
                        }
                        return ok
                    }
                }
                return try await group.reduce(0, +)
            }
            let secs = (ContinuousClock.now - t0) / .seconds(1)
            #expect(completed == n)
            #expect(uploadsLeft(server).isEmpty)
            print(
                "smole-serve API overhead: \(n) jobs (submit+poll), \(clients) clients, 4 workers: \(String(format: "%.2f", secs)) s, \(Int(Double(n) / secs)) jobs/s"
            )
        }
    }

    @Test func schemasEndpoints() async throws {
        try await withServer { _, base in
            let list = try await HTTP.get(base + "/api/schemas")
            #expect(list.status == 200)
            #expect(list.json?["schemas"]?.arrayValue?.compactMap(\.stringValue) == ["invoice", "receipt"])
            let one = try await HTTP.get(base + "/api/schemas/receipt")
            #expect(one.status == 200)
            #expect(one.json?["properties"]?.objectValue?["merchant_name"] != nil)
            let none = try await HTTP.get(base + "/api/schemas/passport")
            #expect(none.status == 404)
            #expect(none.json?["code"]?.stringValue == "no_schema")
        }
    }

    @Test func bearerKeyIsRequiredWhenConfigured() async throws {
        try await withServer({ $0.apiKey = "s3cret-key" }) { _, base in
            let none = try await HTTP.get(base + "/api/schemas")
            #expect(none.status == 401)
            #expect(none.json?["code"]?.stringValue == "unauthorized")
            let wrong = try await HTTP.get(base + "/api/schemas", headers: [("Authorization", "Bearer s3cret-kez")])
            #expect(wrong.status == 401)
            let prefix = try await HTTP.get(base + "/api/schemas", headers: [("Authorization", "Bearer s3cret")])
            #expect(prefix.status == 401)
            let right = try await HTTP.get(base + "/api/schemas", headers: [("Authorization", "Bearer s3cret-key")])
            #expect(right.status == 200)
            let submit = try await HTTP.submit(base, file: Array("x\n".utf8), schemaId: "invoice", key: "s3cret-key")
            #expect(submit.status == 202)
            let health = try await HTTP.get(base + "/healthz")
            #expect(health.status == 200, "health checks need no key")
            for r in [none, wrong, prefix] { #expect(!r.text.contains("s3cret")) }
        }
    }
}
