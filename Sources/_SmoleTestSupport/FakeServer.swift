import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import SmoleBackend
import SmoleRecords

/// A fake Smole API on a loopback port, implementing DESIGN.md's wire contract with faults on
/// demand: 429 with Retry-After, 503, resets mid-upload, slow answers, bodies that are not
/// JSON, failing jobs, vanishing jobs (404), 401 after N requests. It keeps a request log that
/// tests assert on. Base URL: `http://127.0.0.1:PORT/api`.
public final class FakeSmoleServer: @unchecked Sendable {
    /// How the fake server behaves; change it mid-test with `update(_:)`.
    public struct Config: Sendable {
        /// How long each job runs.
        public var jobDuration: Duration = .milliseconds(300)
        /// `Retry-After` seconds on a 202 submit reply, and on polls of a pending job.
        public var submitRetryAfter: Int? = nil
        /// `Retry-After` seconds on polls of a pending job; nil sends none.
        public var pollRetryAfter: Int? = nil
        /// The key the server expects as `Authorization: Bearer KEY` (nil: accept anything).
        public var key: String? = nil
        /// File names whose jobs fail.
        public var failDocuments: Set<String> = []
        /// File names whose first job vanishes (404 on its first poll).
        public var vanishOnce: Set<String> = []
        /// After this many requests, every request gets 401.
        public var unauthorizedAfter: Int? = nil
        /// Schemas the server rejects with 422 problem+json.
        public var rejectSchemas: Set<String> = []
        /// Whether a submit with a known `Idempotency-Key` gets the existing job back (true) or a new one.
        public var honourIdempotencyKey = true
        /// The `extraction` object a completed job returns, by file name (`{"data": {...}, "evidence": {...}}`);
        /// other documents get `{"data": {"document", "schema", "bytes"}}`.
        public var extractions: [String: JSONValue] = [:]
        /// Whether poll replies carry `createdAt` and `updatedAt`; false: a server whose replies
        /// tell nothing of how long a job took.
        public var sendsTimestamps = true
        /// The defaults: 300 ms jobs, no `Retry-After`, no key, no failing documents, idempotency honoured, timestamps sent.
        public init() {}
    }

    /// Which requests a fault applies to: submits (`POST .../pipeline/file`), polls, or any.
    public enum Target: Sendable { case submit, poll, any }

    /// What a fault does instead of (or before) the normal answer.
    public enum Action: Sendable {
        /// A reply with this status; `retryAfter` seconds, a body and its content type.
        case reply(status: Int, retryAfter: Int?, body: String, contentType: String)
        /// Close the connection without replying (mid-upload for a submit).
        case reset
        /// Handle normally, but answer only after this delay.
        case slow(Duration)

        /// A 429 problem+json reply (`rate_limited`) with `Retry-After: retryAfter` seconds.
        public static func tooMany(retryAfter: Int) -> Action {
            .reply(
                status: 429, retryAfter: retryAfter,
                body: #"{"type":"about:blank","title":"Too Many Requests","status":429,"code":"rate_limited"}"#,
                contentType: "application/problem+json")
        }
        /// A 503 problem+json reply (`server_error`) with `Retry-After: retryAfter` seconds.
        public static func unavailable(retryAfter: Int) -> Action {
            .reply(
                status: 503, retryAfter: retryAfter,
                body: #"{"title":"Service Unavailable","status":503,"code":"server_error"}"#,
                contentType: "application/problem+json")
        }
        /// A 200 whose body is HTML with control characters: not the API's JSON.
        public static let garbage = Action.reply(
            status: 200, retryAfter: nil, body: "<html><body>Bad gateway \u{1}\u{2}</body></html>",
            contentType: "text/html")
        /// A 502 with an HTML body, as a proxy in front of the API sends it.
        public static let htmlError = Action.reply(
            status: 502, retryAfter: nil, body: "<html><body>502 Bad Gateway</body></html>", contentType: "text/html")
        /// A 500 with an empty body.
        public static let emptyError = Action.reply(status: 500, retryAfter: nil, body: "", contentType: "text/plain")
    }

    /// A fault applied to the next `times` matching requests.
    public struct Fault: Sendable {
        /// Which requests it applies to.
        public var target: Target
        /// Only requests about this file name (the upload's, or the polled job's); nil for any.
        public var document: String?
        /// How many matching requests it applies to before it is used up.
        public var times: Int
        /// What it does.
        public var action: Action
        /// A fault on the next `times` requests matching `target` (and `document`, if given).
        public init(_ target: Target, document: String? = nil, times: Int = 1, _ action: Action) {
            self.target = target
            self.document = document
            self.times = times
            self.action = action
        }
    }

    /// One request as the server saw it.
    public struct Entry: Sendable {
        /// Seconds since the server started (monotonic), when the request head arrived.
        public var received: Double
        /// When the reply was sent (nil: connection reset).
        public var answered: Double?
        /// The HTTP method (`POST`, `GET`, `DELETE`).
        public var method: String
        /// The request path, e.g. `/api/pipeline/file`.
        public var path: String
        /// The `Idempotency-Key` header, if sent.
        public var idempotencyKey: String?
        /// The `Authorization` header as sent (tests check the key went only there).
        public var authorization: String?
        /// The document's file name (from the upload, or the job's).
        public var document: String?
        /// The `schemaId` form field of a submit; nil for other requests.
        public var schema: String?
        /// The HTTP status of the reply (nil when the connection was reset).
        public var status: Int?
        /// The job id the request created or asked about.
        public var job: String?
        /// `Retry-After` seconds given in the reply.
        public var retryAfter: Int?
        /// The job's status in a poll reply.
        public var jobStatus: String?
        /// Whether it is a submit: `POST .../pipeline/file`.
        public var isSubmit: Bool { method == "POST" && path.hasSuffix("/pipeline/file") }
        /// Whether it is a poll (any GET).
        public var isPoll: Bool { method == "GET" }
    }

    struct Job {
        var id: String
        var document: String
        var schema: String
        var created: Double
        var createdWall: Double
        var key: String?
        var bytes: Int
        var sha256: String
        var cancelled = false
    }

    struct State {
        var config: Config
        var faults: [Fault] = []
        var log: [Entry] = []
        var jobs: [String: Job] = [:]
        var byKey: [String: String] = [:]
        var vanished: Set<String> = []
        var nextJob = 0
        var requests = 0
    }

    let state: NIOLockedValueBox<State>
    let group: MultiThreadedEventLoopGroup
    var channel: Channel?
    let t0 = ContinuousClock.now
    /// The loopback port the server listens on, once `start()` returned.
    public private(set) var port = 0

    /// A server with `config`, not yet listening (call `start()`).
    public init(_ config: Config = Config()) {
        state = NIOLockedValueBox(State(config: config))
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// `http://127.0.0.1:PORT/api`: the base URL for `--api`.
    public var baseURL: String { "http://127.0.0.1:\(port)/api" }

    /// Binds 127.0.0.1 on a free port and starts serving.
    ///
    /// - Throws: NIO's error when the socket cannot be bound or the pipeline set up.
    public func start() async throws {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(server: self))
                }
            }
        let ch = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        channel = ch
        port = ch.localAddress?.port ?? 0
    }

    /// Closes the listening socket and shuts the event loop down.
    public func stop() async {
        try? await channel?.close()
        try? await group.shutdownGracefully()
    }

    /// Adds a fault after those already queued.
    public func addFault(_ f: Fault) { state.withLockedValue { $0.faults.append(f) } }
    /// Changes the configuration under the lock.
    public func update(_ body: @Sendable (inout Config) -> Void) { state.withLockedValue { body(&$0.config) } }
    /// Every request so far, in arrival order.
    public var log: [Entry] { state.withLockedValue { $0.log } }
    /// Jobs created so far, vanished ones included.
    public var jobCount: Int { state.withLockedValue { $0.jobs.count + $0.vanished.count } }

    func now() -> Double { (ContinuousClock.now - t0).seconds }

    // MARK: request handling (on the event loop)

    struct Reply {
        var status: Int
        var headers: [(String, String)] = []
        var body: [UInt8] = []
        var delay: Duration? = nil
        var reset = false
    }

    /// Decides a reply. `body` is nil while only the head has arrived (to allow mid-upload resets).
    func decideEarly(method: String, uri: String) -> Bool {
        // A reset fault on submits without a document filter fires as soon as the upload starts.
        state.withLockedValue { s in
            guard method == "POST", uri.hasSuffix("/pipeline/file") else { return false }
            if let i = s.faults.firstIndex(where: { f in
                if case .reset = f.action, f.document == nil, f.times > 0, f.target != .poll { return true }
                return false
            }) {
                s.faults[i].times -= 1
                if s.faults[i].times == 0 { s.faults.remove(at: i) }
                return true
            }
            return false
        }
    }

    func handle(method: String, uri: String, headers: HTTPHeaders, body: [UInt8], received: Double, earlyReset: Bool)
        -> (Reply, Int)
    {
        state.withLockedValue { s -> (Reply, Int) in
            s.requests += 1
            var entry = Entry(
                received: received, answered: nil, method: method, path: uri,
                idempotencyKey: headers.first(name: "Idempotency-Key"),
                authorization: headers.first(name: "Authorization"))
            let reply = route(
                &s, &entry, method: method, uri: uri, headers: headers, body: body, earlyReset: earlyReset)
            entry.status = reply.reset ? nil : reply.status
            entry.retryAfter = reply.headers.first(where: { $0.0 == "Retry-After" }).flatMap { Int($0.1) }
            s.log.append(entry)
            return (reply, s.log.count - 1)
        }
    }

    func markAnswered(_ index: Int) {
        let t = now()
        state.withLockedValue { $0.log[index].answered = t }
    }

    private func route(
        _ s: inout State, _ e: inout Entry, method: String, uri: String, headers: HTTPHeaders, body: [UInt8],
        earlyReset: Bool
    ) -> Reply {
        let path = uri.split(separator: "?").first.map(String.init) ?? uri
        var target: Target = .any
        var upload: (name: String, schema: String, content: ArraySlice<UInt8>)? = nil
        var jobID: String? = nil
        if method == "POST", path == "/api/pipeline/file" {
            target = .submit
            upload = Self.parseMultipart(body, contentType: headers.first(name: "Content-Type") ?? "")
            e.document = upload?.name
            e.schema = upload?.schema
        } else if path.hasPrefix("/api/pipeline/") {
            let rest = String(path.dropFirst("/api/pipeline/".count))
            if method == "GET" {
                target = .poll
                jobID = rest
            } else if method == "POST", rest.hasSuffix("/cancel") {
                jobID = String(rest.dropLast("/cancel".count))
            } else if method == "DELETE" {
                jobID = rest
            }
            e.job = jobID
            if let j = jobID, let job = s.jobs[j] { e.document = job.document }
        }
        if earlyReset { return Reply(status: 0, reset: true) }
        // Faults.
        var delay: Duration? = nil
        if let i = s.faults.firstIndex(where: { f in
            f.times > 0 && (f.target == .any || f.target == target) && (f.document == nil || f.document == e.document)
        }) {
            let f = s.faults[i]
            s.faults[i].times -= 1
            if s.faults[i].times == 0 { s.faults.remove(at: i) }
            switch f.action {
            case .reset: return Reply(status: 0, reset: true)
            case .slow(let d): delay = d
            case .reply(let status, let ra, let b, let ct):
                var r = Reply(status: status, body: Array(b.utf8))
                r.headers.append(("Content-Type", ct))
                if let ra { r.headers.append(("Retry-After", String(ra))) }
                return r
            }
        }
        var r = routeNormally(&s, &e, method: method, path: path, headers: headers, upload: upload, jobID: jobID)
        r.delay = delay
        return r
    }

    private func problem(_ status: Int, _ code: String, _ detail: String, retryAfter: Int? = nil) -> Reply {
        var o = JSONObject()
        o["type"] = .string("about:blank")
        o["title"] = .string(HTTPResponseStatus(statusCode: status).reasonPhrase)
        o["status"] = .number(String(status))
        o["code"] = .string(code)
        o["detail"] = .string(detail)
        var r = Reply(status: status, body: JSON.serializeBytes(.object(o)))
        r.headers.append(("Content-Type", "application/problem+json"))
        if let retryAfter { r.headers.append(("Retry-After", String(retryAfter))) }
        return r
    }

    private func json(_ status: Int, _ v: JSONValue) -> Reply {
        var r = Reply(status: status, body: JSON.serializeBytes(v))
        r.headers.append(("Content-Type", "application/json"))
        return r
    }

    private func routeNormally(
        _ s: inout State, _ e: inout Entry, method: String, path: String, headers: HTTPHeaders,
        upload: (name: String, schema: String, content: ArraySlice<UInt8>)?, jobID: String?
    ) -> Reply {
        if let n = s.config.unauthorizedAfter, s.requests > n {
            return problem(401, "unauthorized", "the API key is not valid")
        }
        if let key = s.config.key, headers.first(name: "Authorization") != "Bearer \(key)" {
            return problem(401, "unauthorized", "missing or wrong API key")
        }
        let t = now()
        if method == "POST", path == "/api/pipeline/file" {
            guard let upload else {
                return problem(400, "bad_request", "expected multipart/form-data with file and schemaId")
            }
            if s.config.rejectSchemas.contains(upload.schema) {
                return problem(422, "no_schema", "unknown schema '\(upload.schema)'")
            }
            let key = headers.first(name: "Idempotency-Key")
            if s.config.honourIdempotencyKey, let key, let existing = s.byKey[key], s.jobs[existing] != nil {
                e.job = existing
                var r = json(202, ["id": .string(existing), "status": .string(JobStatus.queued.rawValue)])
                r.headers.append(("Location", "/api/pipeline/\(existing)"))
                if let ra = s.config.submitRetryAfter { r.headers.append(("Retry-After", String(ra))) }
                return r
            }
            s.nextJob += 1
            let id = "job-\(s.nextJob)"
            s.jobs[id] = Job(
                id: id, document: upload.name, schema: upload.schema, created: t,
                createdWall: Date().timeIntervalSince1970,
                key: key, bytes: upload.content.count, sha256: "")
            if let key { s.byKey[key] = id }
            e.job = id
            var r = json(202, ["id": .string(id), "status": .string(JobStatus.queued.rawValue)])
            r.headers.append(("Location", "/api/pipeline/\(id)"))
            if let ra = s.config.submitRetryAfter { r.headers.append(("Retry-After", String(ra))) }
            return r
        }
        guard let jobID else { return problem(404, "not_found", "no such route") }
        guard var job = s.jobs[jobID] else { return problem(404, "job_expired", "no such job") }
        if method != "GET" {
            job.cancelled = true
            s.jobs[jobID] = job
            return json(200, ["id": .string(jobID), "status": .string(JobStatus.cancelled.rawValue)])
        }
        if s.config.vanishOnce.contains(job.document), !s.vanished.contains(job.document) {
            s.vanished.insert(job.document)
            s.jobs[jobID] = nil
            if let k = job.key { s.byKey[k] = nil }
            return problem(404, "job_expired", "no such job")
        }
        let durationS = s.config.jobDuration.seconds
        let status: JobStatus
        var extraction: JSONValue? = nil
        var error: RecordError? = nil
        if job.cancelled {
            status = .cancelled
        } else if t - job.created < durationS {
            status = .running
        } else if s.config.failDocuments.contains(job.document) {
            status = .failed
            error = RecordError(.jobFailed, "simulated failure of \(job.document)", retryable: false)
        } else {
            status = .completed
            extraction =
                s.config.extractions[job.document]
                ?? [
                    "data": [
                        "document": .string(job.document), "schema": .string(job.schema),
                        "bytes": .number(String(job.bytes)),
                    ]
                ]
        }
        let reply = JobReply(
            id: jobID, status: status, schemaId: job.schema, extraction: extraction, error: error,
            createdAt: job.createdWall,
            updatedAt: status == .running ? Date().timeIntervalSince1970 : job.createdWall + durationS)
        e.jobStatus = status.rawValue
        var body = reply.json
        if !s.config.sendsTimestamps, case .object(var o) = body {
            o["createdAt"] = nil
            o["updatedAt"] = nil
            body = .object(o)
        }
        var r = json(200, body)
        if status == .running, let ra = s.config.pollRetryAfter { r.headers.append(("Retry-After", String(ra))) }
        return r
    }

    /// The `file` part's name and content and the `schemaId` field of a multipart body.
    public static func parseMultipart(_ body: [UInt8], contentType: String) -> (
        name: String, schema: String, content: ArraySlice<UInt8>
    )? {
        guard let r = contentType.range(of: "boundary=") else { return nil }
        var boundary = String(contentType[r.upperBound...])
        if let semi = boundary.firstIndex(of: ";") { boundary = String(boundary[..<semi]) }
        boundary = boundary.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        let delim = Array("--\(boundary)".utf8)
        var parts: [ArraySlice<UInt8>] = []
        var starts: [Int] = []
        var i = 0
        while let p = find(delim, in: body, from: i) {
            starts.append(p)
            i = p + delim.count
        }
        guard starts.count >= 2 else { return nil }
        for k in 0..<(starts.count - 1) {
            var a = starts[k] + delim.count + 2  // CRLF after the delimiter
            var b = starts[k + 1] - 2  // CRLF before the next delimiter
            a = min(a, body.count)
            b = max(a, b)
            parts.append(body[a..<b])
        }
        var name: String?, schema: String?, content: ArraySlice<UInt8> = []
        for part in parts {
            guard let sep = find(Array("\r\n\r\n".utf8), in: Array(part), from: 0) else { continue }
            let headerText = String(decoding: part.prefix(sep), as: UTF8.self)
            let value = part.dropFirst(sep + 4)
            if headerText.contains("name=\"file\"") {
                if let fr = headerText.range(of: "filename=\"") {
                    let rest = headerText[fr.upperBound...]
                    name = String(rest.prefix { $0 != "\"" })
                }
                content = value
            } else if headerText.contains("name=\"schemaId\"") {
                schema = String(decoding: value, as: UTF8.self)
            }
        }
        guard let name, let schema else { return nil }
        return (name, schema, content)
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard needle.count > 0, hay.count >= needle.count, from <= hay.count - needle.count else { return nil }
        var i = from
        let first = needle[0]
        while i <= hay.count - needle.count {
            if hay[i] == first {
                var ok = true
                for j in 1..<needle.count where hay[i + j] != needle[j] { ok = false; break }
                if ok { return i }
            }
            i += 1
        }
        return nil
    }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: FakeSmoleServer
        var head: HTTPRequestHead?
        var body: [UInt8] = []
        var received = 0.0
        var resetting = false

        init(server: FakeSmoleServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
                body = []
                received = server.now()
                resetting = server.decideEarly(method: h.method.rawValue, uri: h.uri)
            case .body(var b):
                if resetting {
                    // Log it, then drop the connection mid-upload.
                    if let h = head {
                        _ = server.handle(
                            method: h.method.rawValue, uri: h.uri, headers: h.headers, body: [], received: received,
                            earlyReset: true)
                    }
                    head = nil
                    resetting = false
                    context.close(promise: nil)
                    return
                }
                if head != nil { body += b.readBytes(length: b.readableBytes) ?? [] }
            case .end:
                guard let h = head else { return }
                head = nil
                let (reply, index) = server.handle(
                    method: h.method.rawValue, uri: h.uri, headers: h.headers, body: body,
                    received: received, earlyReset: false)
                body = []
                if reply.reset {
                    context.close(promise: nil)
                    return
                }
                let keepAlive = h.isKeepAlive
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                let send: @Sendable () -> Void = { [server] in
                    let ctx = bound.value
                    var headers = HTTPHeaders()
                    for (k, v) in reply.headers { headers.add(name: k, value: v) }
                    headers.add(name: "Content-Length", value: String(reply.body.count))
                    if !keepAlive { headers.add(name: "Connection", value: "close") }
                    ctx.write(
                        NIOAny(
                            HTTPServerResponsePart.head(
                                HTTPResponseHead(
                                    version: h.version, status: HTTPResponseStatus(statusCode: reply.status),
                                    headers: headers))), promise: nil)
                    ctx.write(
                        NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: reply.body)))), promise: nil)
                    server.markAnswered(index)
                    ctx.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in
                        if !keepAlive { bound.value.close(promise: nil) }
                    }
                }
                if let d = reply.delay {
                    context.eventLoop.scheduleTask(in: .nanoseconds(Int64(d.seconds * 1e9))) { send() }
                } else {
                    send()
                }
            }
        }
    }
}

extension Duration {
    var secondsValue: Double {
        let (s, a) = components
        return Double(s) + Double(a) / 1e18
    }
}

/// A built tool started in the background with stdin/stdout/stderr on files, so a test can
/// signal it (SIGINT, SIGKILL) mid-run and then read what it wrote.
public final class SpawnedTool: @unchecked Sendable {
    /// The child's process id.
    public let pid: pid_t
    /// The file the child's stdout goes to.
    public let stdoutPath: String
    /// The file the child's stderr goes to.
    public let stderrPath: String

    /// Starts `tool` (a built binary name) with an argument array; `stdinPath` nil means /dev/null.
    ///
    /// - Throws: An `NSError` in domain `spawn` with posix_spawn's errno when the process cannot start.
    public init(
        _ tool: String, _ args: [String], stdinPath: String? = nil, outputDir: String, env: [String: String] = [:]
    ) throws {
        let exe = tool.contains("/") ? tool : Binaries.path(tool)
        stdoutPath = (outputDir as NSString).appendingPathComponent("\(tool)-\(UUID().uuidString).out")
        stderrPath = stdoutPath + ".err"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // the project's one spawner: argument array, this process's environment with `env` over it
        let (rc, p) = Spawn.spawnChild(exe, args, environment: env, actions: &actions)
        if rc != 0 {
            throw NSError(
                domain: "spawn", code: Int(rc), userInfo: [NSLocalizedDescriptionKey: "posix_spawn \(exe): \(rc)"])
        }
        pid = p
    }

    /// Sends `sig` to the child (kill(2)).
    public func signal(_ sig: Int32) { kill(pid, sig) }

    /// Waits for the process (polling, so the cooperative pool is not blocked) and returns its status (128+n for a signal).
    public func wait(timeout: Duration = .seconds(120)) async -> Int32 {
        let end = ContinuousClock.now + timeout
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if ContinuousClock.now > end {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                return -1
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let sig = status & 0x7f
        if sig == 0 { return (status >> 8) & 0xff }
        return 128 + sig
    }

    /// What the child wrote on stdout so far, as UTF-8 (empty if unreadable).
    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    /// What the child wrote on stderr so far, as UTF-8.
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    /// stdout split into lines, empty lines dropped.
    public var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
}
