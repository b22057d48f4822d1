import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import SmoleBackend
import SmoleRecords
import Synchronization

/// The Smole API backend: `POST {base}/pipeline/file` (multipart, streamed from disk) and
/// `GET {base}/pipeline/{id}`, per DESIGN.md's wire contract, behind one call, `extract`: it
/// hashes the file for the `Idempotency-Key`, resumes a job the journal knows, submits, appends
/// the job to the journal, and polls on a schedule that learns the server's job time
/// (`JobTimes`), every request under one token bucket (`--rate`). The key travels only in the
/// `Authorization` header; it is never part of a message, a record or a log line.
public final class APIBackend: ExtractionBackend {
    /// The API backend's own settings.
    public struct Options: Sendable {
        /// Requests per second, submits and polls together (`--rate`); nil: no limit.
        public var rate: Double?
        /// `--poll-initial`: the first poll's wait while no job time is known, and the longest
        /// first step after a poll at the learned job time.
        public var pollInitial: Duration = .milliseconds(500)
        /// `--poll-max`: the longest wait between polls.
        public var pollMax: Duration = .seconds(10)
        /// The connection pool's per-host limit (documents in flight plus polls).
        public var connections = 8
        /// The defaults: no rate limit, first poll after 500 ms, polls at most 10 s apart, 8 connections.
        public init() {}
    }

    /// The API base URL without trailing slashes, e.g. `http://127.0.0.1:8750/api`; paths are appended to it.
    public let base: String
    private let key: String?
    private let client: HTTPClient
    private let userAgent = "smole-extract/\(Smole.version)"
    let options: Options
    let bucket: TokenBucket
    private let journalSlot = Mutex<Journal?>(nil)
    /// What the run's polls have taught about the server's job time.
    public let jobTimes = JobTimes()

    /// The base URL: result records' `backend` field (the key is never part of it).
    public var name: String { base }
    /// `backend: Smole API at BASE`, noting when no API key is set.
    public var banner: String { "backend: Smole API at \(base)" + (key == nil ? " (no API key)" : "") }
    /// The server applies its own page limit; the client has none.
    public func pageLimit(_ pages: PagesRead) -> String { "the server's page limit" }

    /// A backend for the API at `base` (trailing slashes dropped), sending `key` as `Authorization: Bearer` when given.
    /// Redirects are refused; connects time out after 10 s and reads after 120 s.
    public init(base: String, key: String?, options: Options = Options()) {
        var b = base
        while b.hasSuffix("/") { b.removeLast() }
        self.base = b
        self.key = key
        self.options = options
        bucket = TokenBucket(rate: options.rate)
        var config = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .seconds(120)))
        config.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, options.connections))
        config.httpVersion = .automatic
        // A refused or failed connection is answered at once (not retried inside the pool until
        // the connect timeout): the orchestrator's own back-off and circuit breaker handle it.
        config.connectionPool.retryConnectionEstablishment = false
        // TLS: the default configuration verifies certificates and host names; nothing here turns that off.
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: config)
    }

    /// `--journal`: each job is appended before it is waited on, and a job the journal knows
    /// for a document is polled instead of uploading the document again.
    public func keepJournal(_ journal: Journal) { journalSlot.withLock { $0 = journal } }

    var journal: Journal? { journalSlot.withLock { $0 } }

    // MARK: one document

    /// Extracts one document through the API: hash, journal, submit, poll.
    ///
    /// Transient failures go to the context's retry policy, which says when to try again or
    /// gives up; a job the server no longer knows (404) is submitted again, up to `--retries`
    /// times; 401, 403, 402 and a base URL that is not the API stop the run.
    ///
    /// - Throws: the record error the document ends with.
    public func extract(_ document: Document, _ context: DocumentContext) async throws(RecordError) -> Outcome {
        let sha: String
        if let s = document.sha256 { sha = s } else { sha = try DocumentFile.sha256(document.path) }
        let journal = self.journal
        let submission = Submission(path: document.path, schema: document.schema, size: document.size, sha256: sha)
        if let journal, let e = journal.lookup(sha256: sha, schema: document.schema) {
            context.resumed(job: e.job, attempts: e.attempts)
        }
        var notBefore = ContinuousClock.now
        var submittedAt = ContinuousClock.now
        /// The job's poll schedule, planned at its first poll; a resumed job is polled at once.
        var schedule: PollSchedule? =
            context.job == nil ? nil : .resumed(initial: options.pollInitial, max: options.pollMax)
        var coldProbe = false
        defer { if coldProbe { jobTimes.releaseColdProbe() } }

        /// A failed request: the instant of the next try, or the error the document ends with.
        func failed(_ error: BackendError) async throws(RecordError) -> ContinuousClock.Instant {
            if error.error.code == .cancelled { throw error.error }
            if error.isFatal { throw context.fatal(error) }
            if error.isTransient { return try await context.transientFailure(error) }
            throw error.error
        }

        while true {
            if Task.isCancelled { throw RecordError(.cancelled, "interrupted") }
            guard let job = context.job else {
                try context.check(notBefore, path: document.path)
                try await sleep(until: notBefore)
                try await takeToken()
                context.submitting()
                do throws(BackendError) {
                    let accepted = try await submit(submission)
                    context.accepted(job: accepted.id)
                    submittedAt = .now
                    notBefore = .now + (accepted.retryAfter ?? .zero)
                    if let journal {
                        journal.append(
                            Journal.Entry(
                                path: document.shown, sha256: sha, schema: document.schema, job: accepted.id,
                                attempts: context.attempts))
                    }
                    await context.requestSucceeded()
                } catch {
                    notBefore = try await failed(error)
                }
                continue
            }
            if schedule == nil {
                var planned = jobTimes.schedule(initial: options.pollInitial, max: options.pollMax)
                if planned.kind == .waiting {
                    // No job time known yet and another job probes for it: wait for its answer, or --poll-initial.
                    let target = submittedAt + options.pollInitial
                    try context.check(target, path: document.path)
                    while ContinuousClock.now < target {
                        try await sleep(until: min(target, .now + .milliseconds(10)))
                        if jobTimes.estimate != nil {
                            planned = jobTimes.schedule(
                                initial: options.pollInitial, max: options.pollMax, probe: false)
                            break
                        }
                    }
                }
                coldProbe = planned.kind == .coldProbe
                schedule = planned
            }
            notBefore = max(notBefore, schedule!.next(submitted: submittedAt, now: .now))
            try context.check(notBefore, path: document.path)
            try await sleep(until: notBefore)
            try await takeToken()
            let sentAt = ContinuousClock.now - submittedAt
            let state: JobState
            do throws(BackendError) {
                state = try await poll(job: job)
            } catch {
                if error.isExpired {
                    try context.jobExpired(error)
                    journal?.forget(sha256: sha, schema: document.schema)
                    if let ra = error.retryAfter { notBefore = .now + ra }
                    schedule = nil
                    if coldProbe {
                        jobTimes.releaseColdProbe()
                        coldProbe = false
                    }
                } else {
                    notBefore = try await failed(error)
                }
                continue
            }
            await context.requestSucceeded()
            switch state {
            case .running(let retryAfter):
                schedule!.foundRunning(at: sentAt)
                if let retryAfter { notBefore = max(notBefore, .now + retryAfter) }
            case .completed(let data, let evidence, let serverDuration, let pages):
                if let serverDuration {
                    jobTimes.record(.server(serverDuration.seconds), fromServer: true)
                } else if let sample = schedule!.sample(doneAt: sentAt) {
                    jobTimes.record(sample)
                }
                coldProbe = false
                return Outcome(data: data, evidence: evidence, pages: pages)
            case .ended(let e):
                throw e
            }
        }
    }

    /// Waits until `instant` unless the task is cancelled.
    private func sleep(until instant: ContinuousClock.Instant) async throws(RecordError) {
        if instant <= .now { return }
        do { try await Task.sleep(until: instant, clock: .continuous) } catch {
            throw RecordError(.cancelled, "interrupted")
        }
    }

    private func takeToken() async throws(RecordError) {
        do { try await bucket.acquire() } catch { throw RecordError(.cancelled, "interrupted") }
    }

    // MARK: the wire

    /// Whether sending a key to this URL is allowed: https, or http to a loopback host.
    public static func isSafe(url: String) -> Bool {
        let lower = url.lowercased()
        if lower.hasPrefix("https://") { return true }
        guard lower.hasPrefix("http://") else { return false }
        var rest = lower.dropFirst("http://".count)
        if let at = rest.firstIndex(of: "@"), rest.firstIndex(of: "/").map({ at < $0 }) ?? true {
            rest = rest[rest.index(after: at)...]
        }
        let hostPort = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var host: Substring
        if hostPort.hasPrefix("[") {
            host = hostPort.dropFirst().prefix { $0 != "]" }
        } else {
            host = hostPort.prefix { $0 != ":" }
        }
        if host == "localhost" || host == "::1" || host.hasSuffix(".localhost") { return true }
        let octets = host.split(separator: ".")
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    private func headers() -> HTTPHeaders {
        var h = HTTPHeaders()
        h.add(name: "User-Agent", value: userAgent)
        h.add(name: "Accept", value: "application/json, application/problem+json")
        if let key { h.add(name: "Authorization", value: "Bearer \(key)") }
        return h
    }

    /// `POST {base}/pipeline/file`: one upload, streamed from disk.
    ///
    /// - Throws: the failure mapped to a record error, with the reply's `Retry-After`.
    public func submit(_ doc: Submission) async throws(BackendError) -> SubmittedJob {
        let body = MultipartFileBody(path: doc.path, fileSize: doc.size, schema: doc.schema)
        var req = HTTPClientRequest(url: base + "/pipeline/file")
        req.method = .POST
        req.headers = headers()
        req.headers.add(name: "Content-Type", value: body.contentType)
        if let k = doc.idempotencyKey { req.headers.add(name: "Idempotency-Key", value: k) }
        req.body = .stream(body, length: .known(body.length))
        let (status, headers, bytes) = try await send(req, upload: doc.path)
        let retryAfter = headers.first(name: "Retry-After").flatMap { RetryAfter.parse($0) }
        guard (200..<300).contains(status) else {
            throw Self.httpError(status: status, headers: headers, body: bytes, phase: .submit, retryAfter: retryAfter)
        }
        guard let o = (try? JSON.parse(bytes))?.objectValue, let id = Self.idString(o["id"]) else {
            throw BackendError(
                RecordError(
                    .badResponse, "submit: HTTP \(status) without a job id (\(Self.describe(bytes, headers)))",
                    httpStatus: status),
                retryAfter: retryAfter)
        }
        return SubmittedJob(id: id, retryAfter: retryAfter)
    }

    /// The schema ids the server lists at `GET {base}/schemas` (`{"schemas": ["invoice", ...]}`,
    /// as smole-serve answers), or nil when it does not list them (any failure, any other reply):
    /// then a schema id cannot be checked before the run. `timeout` bounds the wait.
    public func schemaIDs(timeout: Duration = .seconds(5)) async -> [String]? {
        var req = HTTPClientRequest(url: base + "/schemas")
        req.method = .GET
        req.headers = headers()
        let ms = Int64(max(0.05, timeout.seconds) * 1000)
        guard let resp = try? await client.execute(req, timeout: .milliseconds(ms)), resp.status == .ok,
            var buf = try? await resp.body.collect(upTo: 1 << 20),
            let bytes = buf.readBytes(length: buf.readableBytes),
            let list = (try? JSON.parse(bytes))?["schemas"]?.arrayValue
        else { return nil }
        let ids = list.compactMap(\.stringValue)
        return ids.count == list.count && !ids.isEmpty ? ids : nil
    }

    /// `GET {base}/pipeline/{id}`: the job's state.
    ///
    /// - Throws: the failure mapped to a record error (`job_expired` for a 404), with the reply's `Retry-After`.
    public func poll(job: String) async throws(BackendError) -> JobState {
        var req = HTTPClientRequest(url: base + "/pipeline/" + Self.pathEscape(job))
        req.method = .GET
        req.headers = headers()
        let (status, headers, bytes) = try await send(req, upload: nil)
        let retryAfter = headers.first(name: "Retry-After").flatMap { RetryAfter.parse($0) }
        guard (200..<300).contains(status) else {
            if status == 404 {
                throw BackendError(
                    RecordError(.jobExpired, "job \(job): the server no longer knows it (HTTP 404)", httpStatus: 404),
                    retryAfter: retryAfter)
            }
            throw Self.httpError(status: status, headers: headers, body: bytes, phase: .poll, retryAfter: retryAfter)
        }
        guard let o = (try? JSON.parse(bytes))?.objectValue else {
            throw BackendError(
                RecordError(
                    .badResponse,
                    "poll: HTTP \(status) with a body that is not a JSON object (\(Self.describe(bytes, headers)))",
                    httpStatus: status),
                retryAfter: retryAfter)
        }
        return Self.jobState(o, job: job, retryAfter: retryAfter)
    }

    /// Reads a poll body: terminal statuses are exactly completed, failed and cancelled.
    public static func jobState(_ o: JSONObject, job: String, retryAfter: Duration?) -> JobState {
        let status = (o["status"]?.stringValue ?? "").lowercased()
        switch status {
        case "completed":
            let extraction = o["extraction"]
            let data = extraction?.objectValue?["data"] ?? o["data"] ?? .null
            let evidence = extraction?.objectValue?["evidence"]
            let pagesObject = extraction?.objectValue?["pages"]?.objectValue
            let pages = pagesObject.flatMap { p in
                p["read"]?.intValue.flatMap { r in p["total"]?.intValue.map { PagesRead(read: r, total: $0) } }
            }
            var serverDuration: Duration?
            if let c = o["createdAt"]?.stringValue.flatMap(Timestamp.parse),
                let u = o["updatedAt"]?.stringValue.flatMap(Timestamp.parse), u >= c
            {
                serverDuration = .seconds(u - c)
            }
            return .completed(data: data, evidence: evidence, serverDuration: serverDuration, pages: pages)
        case "failed", "cancelled":
            var message = "job \(job) \(status)"
            if let e = o["error"] {
                if let s = e.stringValue, !s.isEmpty {
                    message += ": \(s)"
                } else if let eo = e.objectValue, let m = eo["message"]?.stringValue ?? eo["detail"]?.stringValue {
                    message += ": \(m)"
                }
            }
            let serverCode = o["errorCode"]?.stringValue ?? o["error"]?.objectValue?["code"]?.stringValue
            var code: ErrorCode = status == "failed" ? .jobFailed : .cancelled
            if status == "failed", let sc = serverCode, let known = ErrorCode(rawValue: sc),
                ![.unauthorized, .forbidden, .quotaExhausted, .badRecord].contains(known)
            {
                code = known
            }
            let retryable = o["retryable"]?.boolValue ?? (status == "cancelled")
            return .ended(RecordError(code, message, retryable: retryable))
        default:
            return .running(retryAfter: retryAfter)
        }
    }

    /// Asks the server to cancel the job (`POST {base}/pipeline/{id}/cancel`, waiting at most 2 s); failures are
    /// ignored.
    public func cancel(job: String) async {
        // Not in the wire contract: best effort, failures ignored.
        var req = HTTPClientRequest(url: base + "/pipeline/" + Self.pathEscape(job) + "/cancel")
        req.method = .POST
        req.headers = headers()
        _ = try? await client.execute(req, timeout: .seconds(2))
    }

    /// Shuts the HTTP client down, closing its connections.
    public func shutdown() async {
        try? await client.shutdown()
    }

    enum Phase { case submit, poll }

    private func send(_ req: HTTPClientRequest, upload: String?) async throws(BackendError) -> (
        Int, HTTPHeaders, [UInt8]
    ) {
        let what = upload == nil ? "poll" : "submit"
        do {
            let resp = try await client.execute(req, timeout: .seconds(upload == nil ? 120 : 3600))
            var buf = try await resp.body.collect(upTo: 4 * 1024 * 1024)
            let bytes = buf.readBytes(length: buf.readableBytes) ?? []
            return (Int(resp.status.code), resp.headers, bytes)
        } catch let e as UploadError {
            throw BackendError(RecordError(.unreadable, e.message))
        } catch is NIOTooManyBytesError {
            throw BackendError(RecordError(.badResponse, "\(what): the reply body is over 4 MiB"))
        } catch is CancellationError {
            throw BackendError(RecordError(.cancelled, "\(what) interrupted"))
        } catch {
            if Task.isCancelled { throw BackendError(RecordError(.cancelled, "\(what) interrupted")) }
            if let h = error as? HTTPClientError {
                if h == .cancelled { throw BackendError(RecordError(.cancelled, "\(what) interrupted")) }
                if h == .deadlineExceeded || h == .readTimeout || h == .connectTimeout {
                    throw BackendError(RecordError(.network, "\(what): the server did not answer in time (\(h))"))
                }
            }
            throw BackendError(RecordError(.network, "\(what): \(Self.networkMessage(error))"))
        }
    }

    /// A failed connection in words: `connection refused (errno 111)` for a system error
    /// (NIO's own description nests parentheses), else the error's description, clipped.
    static func networkMessage(_ error: any Error) -> String {
        if let io = error as? IOError {
            return "\(String(cString: strerror(io.errnoCode)).lowercased()) (errno \(io.errnoCode))"
        }
        // A host name with several addresses ("localhost": ::1 and 127.0.0.1): each try's own error, once each.
        if let c = error as? NIOConnectionError, !c.connectionErrors.isEmpty {
            var seen: [String] = []
            for f in c.connectionErrors {
                let m = networkMessage(f.error)
                if !seen.contains(m) { seen.append(m) }
            }
            return seen.joined(separator: "; ")
        }
        let s = String(describing: error)
        return s.count > 300 ? String(s.prefix(300)) + "…" : s
    }

    /// Maps a non-2xx reply to a record error, reading RFC 9457 problem+json when present.
    static func httpError(status: Int, headers: HTTPHeaders, body: [UInt8], phase: Phase, retryAfter: Duration?)
        -> BackendError
    {
        let problem = (try? JSON.parse(body))?.objectValue
        let detail = problem.flatMap { p in
            p["detail"]?.stringValue ?? p["title"]?.stringValue ?? p["message"]?.stringValue ?? p["error"]?.stringValue
        }
        let serverCode = problem?["code"]?.stringValue ?? problem?["errorCode"]?.stringValue
        var message = "\(phase == .submit ? "submit" : "poll"): HTTP \(status)"
        if let detail { message += ": \(detail)" } else if problem == nil { message += " (\(describe(body, headers)))" }
        let code: ErrorCode
        var retryable: Bool? = nil
        switch status {
        case 401: code = .unauthorized
        case 403: code = .forbidden
        case 402: code = .quotaExhausted
        case 429: code = .rateLimited
        case 408: code = .serverError; retryable = true
        case 500...599: code = .serverError
        case 413: code = .tooLarge
        case 415: code = .unsupportedType
        case 404 where phase == .submit:
            // Not the document (not_found means a missing file): the URL answers, but not as the API.
            let hint =
                "the server has no POST …/pipeline/file here: is the base URL missing /api (--api https://host/api)?"
            return BackendError(
                RecordError(.badResponse, "\(message); \(hint)", retryable: false, httpStatus: status),
                retryAfter: retryAfter,
                wrongEndpoint: true)
        default:
            if let sc = serverCode, let known = ErrorCode(rawValue: sc),
                ![.unauthorized, .forbidden, .quotaExhausted, .rateLimited, .serverError, .network, .cancelled]
                    .contains(known)
            {
                code = known
            } else if "\(serverCode ?? "") \(detail ?? "")".lowercased().contains("schema") {
                code = .noSchema
            } else {
                code = .badResponse
            }
            retryable = code == .jobExpired ? true : false
        }
        return BackendError(
            RecordError(code, message, retryable: retryable, httpStatus: status), retryAfter: retryAfter)
    }

    /// A short description of a body that is not what was expected, never its full contents.
    static func describe(_ body: [UInt8], _ headers: HTTPHeaders) -> String {
        let type = headers.first(name: "Content-Type") ?? "no content type"
        if body.isEmpty { return "empty body, \(type)" }
        return "\(body.count) bytes of \(type)"
    }

    static func idString(_ v: JSONValue?) -> String? {
        switch v {
        case .string(let s) where !s.isEmpty: return s
        case .number(let n): return n
        default: return nil
        }
    }

    static func pathEscape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            let c = Character(Unicode.Scalar(b))
            if c.isASCII && (c.isLetter || c.isNumber || "-._~".contains(c)) {
                out.append(c)
            } else {
                out += "%" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
            }
        }
        return out
    }
}

/// What is submitted for one document.
public struct Submission: Sendable {
    /// The file to upload.
    public var path: String
    /// The schema id sent as the `schemaId` form field.
    public var schema: String
    /// Size in bytes, checked before submitting.
    public var size: Int64
    /// Hex SHA-256 of the file.
    public var sha256: String?
    /// `<sha256>:<schema>`, sent as `Idempotency-Key`.
    public var idempotencyKey: String? {
        sha256.map { "\($0):\(schema)" }
    }
    /// A submission of the file at `path` (`size` in bytes, `sha256` as 64 hex digits if known) for `schema`.
    public init(path: String, schema: String, size: Int64, sha256: String?) {
        self.path = path
        self.schema = schema
        self.size = size
        self.sha256 = sha256
    }
}

/// The server's answer to a submit: a job id and how long it asks the client to wait.
public struct SubmittedJob: Sendable {
    /// The job id the server gave, for `GET {base}/pipeline/{id}`.
    public var id: String
    /// The server's `Retry-After` on the submit reply (RFC 9110 §10.2.3), if any.
    public var retryAfter: Duration?
    /// A submitted job with its id and the wait the server asked for.
    public init(id: String, retryAfter: Duration? = nil) {
        self.id = id
        self.retryAfter = retryAfter
    }
}

/// A job's state as a poll reports it.
public enum JobState: Sendable {
    /// Any status other than completed/failed/cancelled.
    case running(retryAfter: Duration?)
    /// `serverDuration`: how long the job took on the server (updatedAt − createdAt), if the server says.
    /// `pages`: set when pages past the server's page limit were not read.
    case completed(data: JSONValue, evidence: JSONValue?, serverDuration: Duration?, pages: PagesRead? = nil)
    /// The job ended as failed or cancelled on the server; the error says which.
    case ended(RecordError)
}
