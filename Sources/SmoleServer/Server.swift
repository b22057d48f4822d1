import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SmoleBackend
import SmoleRecords
import Synchronization
import UnixSignals

/// smole-serve: the local engine (or any `JobRunner`) behind the Smole HTTP API.
///
/// Build one with a config and a backend, then either `run()` it as the process's main loop
/// (signals, exit status) or `start()` it in-process (tests) and `shutdown()` it.
public final class SmoleServe: Sendable {
    /// The settings the server runs with.
    public let config: ServeConfig
    /// What runs the jobs: the engine, or a closure in tests.
    public let backend: any JobRunner
    /// The jobs and their queue.
    public let store: JobStore
    /// The private folder uploads stream into (mode 0700, removed at shutdown).
    public let uploadDir: String
    let logger: Logger
    /// The logger Hummingbird's application gets (warnings and errors only).
    let frameworkLogger: Logger

    /// A server over `backend`, with its private upload folder (mode 0700) made under `config.tempRoot`, `$TMPDIR` or
    /// `/tmp`.
    ///
    /// - Throws: `Problem` (500, `unreadable`) when the upload folder cannot be made.
    public init(config: ServeConfig, backend: any JobRunner) throws(Problem) {
        self.config = config
        self.backend = backend
        self.store = JobStore(
            workers: config.workers, queueLimit: config.queueLimit, keep: config.keep, nodeID: config.nodeID)
        var logger = Logger(label: "smole-serve") { _ in StderrLogHandler() }
        logger.logLevel = config.quiet ? .warning : .info
        self.logger = logger
        var framework = logger
        framework.logLevel = .warning
        frameworkLogger = framework
        let root =
            config.tempRoot ?? ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(root)/smole-serve-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Problem(
                .internalServerError, .unreadable,
                "cannot make a private upload folder under \(root): \(String(cString: strerror(errno)))")
        }
        uploadDir = String(cString: made)
        chmod(uploadDir, 0o700)
    }

    /// Removes the upload folder and whatever is left in it.
    public func removeUploadDir() {
        try? FileManager.default.removeItem(atPath: uploadDir)
    }

    // MARK: running

    /// A server started in-process.
    public final class Running: Sendable {
        /// The address the server is bound to.
        public let host: String
        /// The TCP port the server is bound to (the one the system picked for port 0).
        public let port: Int
        let group: ServiceGroup
        let task: Task<Void, any Error>
        init(host: String, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
            self.host = host
            self.port = port
            self.group = group
            self.task = task
        }
        /// `http://HOST:PORT` (an IPv6 host in brackets), without the `/api` prefix.
        public var baseURL: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
        /// Graceful shutdown: stop accepting, finish requests, cancel jobs, remove uploads.
        ///
        /// - Throws: Whatever error ended the server's service group, if it failed rather than stopped.
        public func shutdown() async throws {
            await group.triggerGracefulShutdown()
            try await task.value
        }
    }

    private struct StartupError: Error { var message: String }

    /// Starts serving in the background; returns once the socket is bound.
    ///
    /// - Throws: The error that stopped the server before it listened (for example the address is in use), or an
    ///   error saying it stopped before listening.
    public func start() async throws -> Running {
        let (stream, cont) = AsyncStream<Result<(String, Int), any Error>>.makeStream()
        let group = makeGroup { host, port in cont.yield(.success((host, port))) }
        let task = Task {
            do {
                try await group.run()
                cont.yield(.failure(StartupError(message: "the server stopped before it was listening")))
            } catch {
                cont.yield(.failure(error))
                throw error
            }
            self.removeUploadDir()
        }
        for await r in stream {
            switch r {
            case .success(let (h, p)): return Running(host: h, port: p, group: group, task: task)
            case .failure(let e): throw e
            }
        }
        throw StartupError(message: "the server did not start")
    }

    /// Serves until SIGTERM or SIGINT, then shuts down gracefully; a second signal ends the
    /// process at once. Prints `smole-serve: listening on http://HOST:PORT` on stderr.
    public func run() async -> ExitStatus {
        let group = makeGroup { host, port in
            let h = host.contains(":") ? "[\(host)]" : host
            LineWriter.stderr.writeLine("smole-serve: listening on http://\(h):\(port)")
        }
        let received = SignalBox()
        let uploadDir = self.uploadDir
        let signals = Task {
            for await sig in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                let status: ExitStatus = sig == .sigint ? .sigint : .sigterm
                if received.set(status) {
                    Diagnostics.note(
                        "\(sig == .sigint ? "SIGINT" : "SIGTERM"): shutting down (send it again to stop at once)")
                    await group.triggerGracefulShutdown()
                } else {
                    try? FileManager.default.removeItem(atPath: uploadDir)
                    _exit(status.rawValue)
                }
            }
        }
        defer { signals.cancel() }
        do {
            try await group.run()
        } catch {
            removeUploadDir()
            Diagnostics.error("\(describe(error))")
            return .unavailable
        }
        removeUploadDir()
        if let s = received.status {
            Diagnostics.note("stopped")
            return s
        }
        return .ok
    }

    private func describe(_ error: any Error) -> String {
        if let e = error as? IOError { return "cannot listen on \(config.host):\(config.port): \(e.description)" }
        if let e = error as? SocketAddressError { return "cannot resolve \(config.host): \(e)" }
        return "\(error)"
    }

    private func makeGroup(onListening: @escaping @Sendable (String, Int) -> Void) -> ServiceGroup {
        let host = config.host
        let app = Application(
            router: makeRouter(),
            server: .http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()])),
            configuration: .init(address: .hostname(host, port: config.port), serverName: "smole-serve"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let ip = channel.localAddress?.ipAddress ?? host
                onListening(ip, port)
            },
            // Hummingbird's own start-up line repeats the one `run()` prints: its logger speaks
            // only from warnings up, so the listening line appears once.
            logger: frameworkLogger
        )
        let pool = WorkerPool(store: store, backend: backend, uploadDir: uploadDir, logger: logger)
        return ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: pool),
                    .init(
                        service: app, successTerminationBehavior: .gracefullyShutdownGroup,
                        failureTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [],
                logger: logger
            )
        )
    }

    // MARK: routes

    func makeRouter() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        router.add(middleware: RequestLogMiddleware(logger: logger))
        router.add(middleware: ProblemMiddleware())
        router.get("/healthz") { _, _ -> Response in
            let c = await self.store.counts
            var o = JSONObject()
            o["status"] = .string("ok")
            if let node = self.config.nodeID { o["node"] = .string(node) }
            o["workers"] = .number(String(self.store.workers))
            o["queued"] = .number(String(c.queued))
            o["running"] = .number(String(c.running))
            o["queueLimit"] = .number(String(self.store.queueLimit))
            return jsonResponse(.object(o))
        }
        let api = router.group("/api")
        if let key = config.apiKey { api.add(middleware: BearerAuthMiddleware(key: key)) }
        api.post("/pipeline/file") { request, context in try await self.submit(request, context: context) }
        api.get("/pipeline/:id") { _, context in try await self.poll(context.parameters.require("id")) }
        api.delete("/pipeline/:id") { _, context in try await self.cancel(context.parameters.require("id")) }
        api.post("/pipeline/:id/cancel") { _, context in try await self.cancel(context.parameters.require("id")) }
        api.get("/schemas") { _, _ -> Response in
            var o = JSONObject()
            o["schemas"] = .array(self.backend.schemaIDs.map { .string($0) })
            return jsonResponse(.object(o))
        }
        api.get("/schemas/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            guard let s = self.backend.schemaJSON(id) else {
                throw Problem(.notFound, .noSchema, "no schema \"\(id)\"; GET /api/schemas lists the known ids")
            }
            return jsonResponse(s)
        }
        return router
    }

    /// Room for boundaries, part headers and small fields on top of `--max-upload`.
    static let multipartOverhead = 64 * 1024

    static let idempotencyHeader = HTTPField.Name("Idempotency-Key")!

    func jobHeaders(_ snap: JobSnapshot) async -> HTTPFields {
        var h = HTTPFields()
        h[.location] = "/api/pipeline/\(snap.id)"
        if !snap.status.isTerminal { h[.retryAfter] = String(await store.pollHint(for: snap.id)) }
        return h
    }

    func submit(_ request: Request, context: BasicRequestContext) async throws -> Response {
        guard let ct = request.headers[.contentType], let boundary = MultipartParser.boundary(contentType: ct) else {
            throw Problem(
                .unsupportedMediaType, .badRecord,
                "the body must be multipart/form-data with the parts \"file\" and \"schemaId\"")
        }
        let overhead = Self.multipartOverhead
        if let cl = request.headers[.contentLength].flatMap({ Int($0) }), cl > config.maxUpload + overhead {
            throw Problem(
                .contentTooLarge, .tooLarge,
                "the upload is \(cl) bytes; this server takes files up to \(ByteSize.format(config.maxUpload))")
        }
        let key = request.headers[Self.idempotencyHeader]
        if let key, key.utf8.count > 512 {
            throw Problem(.badRequest, .badRecord, "the Idempotency-Key header is over 512 bytes")
        }
        if let key, let existing = await store.job(forKey: key) {
            return jsonResponse(existing.json, status: .ok, headers: await jobHeaders(existing))
        }
        let c = await store.counts
        if c.queued >= store.queueLimit, c.running >= store.workers {
            throw Problem(
                .serviceUnavailable, .rateLimited,
                "the job queue is full (\(store.queueLimit) waiting); try again later",
                retryAfter: await store.sheddingHint())
        }
        let upload = try await receiveUpload(request.body, boundary: boundary)
        do {
            guard let schemaId = upload.schemaId else {
                throw Problem(.badRequest, .noSchema, "the multipart body has no \"schemaId\" part")
            }
            guard let path = upload.path else {
                throw Problem(.badRequest, .badRecord, "the multipart body has no \"file\" part")
            }
            let (snap, created) = try await store.submit(
                path: path, schemaId: schemaId, fileName: upload.fileName, idempotencyKey: key)
            if !created { unlink(path) }
            logger.info(
                "job \(snap.id) \(created ? "queued" : "found by Idempotency-Key"): \(upload.size) bytes, schema \(schemaId)"
            )
            var body = JSONObject()
            body["id"] = .string(snap.id)
            body["status"] = .string(snap.status.rawValue)
            return jsonResponse(
                created ? .object(body) : snap.json, status: created ? .accepted : .ok, headers: await jobHeaders(snap))
        } catch {
            if let p = upload.path { unlink(p) }
            switch error {
            case let p as Problem: throw p
            case SubmitRefusal.queueFull(let ra):
                throw Problem(
                    .serviceUnavailable, .rateLimited,
                    "the job queue is full (\(store.queueLimit) waiting); try again later", retryAfter: ra)
            case SubmitRefusal.shuttingDown:
                throw Problem(.serviceUnavailable, .serverError, "the server is shutting down", retryAfter: 5)
            default: throw error
            }
        }
    }

    func poll(_ id: String) async throws -> Response {
        guard let snap = await store.snapshot(id) else {
            throw Problem(
                .notFound, .jobExpired,
                "no job \(id): it never existed or its result was evicted after \(DurationText.format(config.keep))")
        }
        return jsonResponse(snap.json, headers: await jobHeaders(snap))
    }

    func cancel(_ id: String) async throws -> Response {
        guard let snap = await store.cancel(id) else {
            throw Problem(.notFound, .jobExpired, "no job \(id): it never existed or its result was evicted")
        }
        return jsonResponse(snap.json, headers: await jobHeaders(snap))
    }

    // MARK: upload

    struct Upload {
        var path: String?
        var fileName: String?
        var schemaId: String?
        var size = 0
    }

    /// Streams the multipart body: the `file` part goes straight to a private temp file,
    /// small fields are kept in memory; the size limit is enforced while bytes arrive.
    func receiveUpload(_ body: RequestBody, boundary: String) async throws -> Upload {
        var parser: MultipartParser
        do { parser = try MultipartParser(boundary: boundary) } catch {
            throw Problem(.badRequest, .badRecord, error.message)
        }
        var up = Upload()
        var sink = PartSink(maxUpload: config.maxUpload, dir: uploadDir, backend: backend)
        var total = 0
        let totalLimit = config.maxUpload + Self.multipartOverhead
        do {
            for try await chunk in body {
                total += chunk.readableBytes
                if total > totalLimit {
                    throw Problem(
                        .contentTooLarge, .tooLarge,
                        "the upload is over this server's limit of \(ByteSize.format(config.maxUpload))")
                }
                try chunk.withUnsafeReadableBytes { raw in
                    try parser.feed(raw) { event in try sink.handle(event) }
                }
            }
            do { try parser.finish() } catch { throw Problem(.badRequest, .badRecord, error.message) }
        } catch {
            sink.abandon()
            if let e = error as? MultipartError { throw Problem(.badRequest, .badRecord, e.message) }
            throw error
        }
        up.path = sink.filePath
        up.fileName = sink.fileName
        up.schemaId = sink.schemaId
        up.size = sink.fileBytes
        return up
    }
}

/// Receives multipart events for one upload.
struct PartSink {
    let maxUpload: Int
    let dir: String
    let backend: any JobRunner
    var filePath: String?
    var fileName: String?
    var schemaId: String?
    var fileBytes = 0
    private var fd: Int32 = -1
    private var current: String?
    private var field: [UInt8] = []

    init(maxUpload: Int, dir: String, backend: any JobRunner) {
        self.maxUpload = maxUpload
        self.dir = dir
        self.backend = backend
    }

    mutating func handle(_ event: MultipartEvent) throws {
        switch event {
        case .partStart(let head):
            current = head.name
            field.removeAll()
            if head.name == "file" {
                guard filePath == nil else {
                    throw Problem(.badRequest, .badRecord, "the multipart body has more than one \"file\" part")
                }
                fileName = head.filename
                let path = "\(dir)/\(UUID().uuidString.lowercased())\(Self.safeExtension(head.filename))"
                fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
                guard fd >= 0 else {
                    throw Problem(
                        .internalServerError, .serverError,
                        "cannot store the upload: \(String(cString: strerror(errno)))")
                }
                filePath = path
            }
        case .partData(let bytes):
            if current == "file" {
                fileBytes += bytes.count
                if fileBytes > maxUpload {
                    throw Problem(
                        .contentTooLarge, .tooLarge,
                        "the file is over this server's limit of \(ByteSize.format(maxUpload))")
                }
                var off = 0
                while off < bytes.count {
                    let n = write(fd, bytes.baseAddress! + off, bytes.count - off)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw Problem(
                            .internalServerError, .serverError,
                            "cannot store the upload: \(String(cString: strerror(errno)))")
                    }
                    off += n
                }
            } else {
                field.append(contentsOf: bytes)
                if field.count > 64 * 1024 {
                    throw Problem(.badRequest, .badRecord, "the form field \"\(current ?? "")\" is over 64KB")
                }
            }
        case .partEnd:
            if current == "file" {
                close(fd)
                fd = -1
            } else if current == "schemaId" {
                let id = String(decoding: field, as: UTF8.self).smTrim(" \t\r\n")
                guard !id.isEmpty else { throw Problem(.badRequest, .noSchema, "the \"schemaId\" part is empty") }
                // Reject an unknown schema before the rest of the upload is stored.
                guard backend.schemaJSON(id) != nil else {
                    throw Problem(
                        .unprocessableContent, .noSchema, "no schema \"\(id)\"; GET /api/schemas lists the known ids")
                }
                schemaId = id
            }
            current = nil
        }
    }

    /// Closes and deletes a partial upload.
    mutating func abandon() {
        if fd >= 0 { close(fd) }
        fd = -1
        if let p = filePath { unlink(p) }
        filePath = nil
    }

    /// `.pdf`, `.png`, ... from the client's file name, if short and plain; else nothing.
    static func safeExtension(_ name: String?) -> String {
        guard let name, let dot = name.lastIndex(of: ".") else { return "" }
        let ext = name[name.index(after: dot)...]
        guard (1...8).contains(ext.count), ext.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return ""
        }
        return "." + ext.lowercased()
    }
}

/// Runs queued jobs on `store.workers` workers until graceful shutdown, evicting old results.
struct WorkerPool: Service {
    let store: JobStore
    let backend: any JobRunner
    let uploadDir: String
    let logger: Logger

    func run() async throws {
        let store = self.store
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for _ in 0..<store.workers { group.addTask { await self.work() } }
                group.addTask {
                    var ticks = 0
                    while await !store.closed {
                        try? await Task.sleep(for: .milliseconds(250))
                        ticks += 1
                        if ticks % 4 == 0 { await store.evictExpired() }
                    }
                }
            }
        } onGracefulShutdown: {
            Task { await store.close() }
        }
        try? FileManager.default.removeItem(atPath: uploadDir)
    }

    func work() async {
        let clock = ContinuousClock()
        while let job = await store.nextJob() {
            let t0 = clock.now
            let backend = self.backend
            let task = Task { () -> Result<(data: JSONValue, pages: PagesRead?), RecordError> in
                do throws(RecordError) {
                    return .success(try await backend.extractNotingPages(path: job.path, schema: job.schemaId))
                } catch {
                    return .failure(error)
                }
            }
            await store.attachCancel(job.id) { task.cancel() }
            let result = await task.value
            let elapsed = (clock.now - t0).seconds
            await store.finish(job.id, result, seconds: elapsed)
            unlink(job.path)
            switch result {
            case .success: logger.info("job \(job.id) completed in \(Int(elapsed * 1000))ms")
            case .failure(let e):
                logger.info("job \(job.id) failed in \(Int(elapsed * 1000))ms: \(e.code.rawValue): \(e.message)")
            }
        }
    }
}

/// One line per request on stderr: method, path (no query), status, time. No headers, so no key.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let t0 = ContinuousClock.now
        func line(_ status: Int) {
            let ms = (ContinuousClock.now - t0).seconds * 1000
            logger.info("\(request.method.rawValue) \(request.uri.path) \(status) \(String(format: "%.1f", ms))ms")
        }
        do {
            let r = try await next(request, context)
            line(r.status.code)
            return r
        } catch {
            line(Problem.from(error).status.code)
            throw error
        }
    }
}

/// Turns every error into an RFC 9457 problem reply.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            return Problem.from(error).response
        }
    }
}

/// Requires `Authorization: Bearer KEY`, compared in constant time.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: [UInt8]
    init(key: String) { self.key = Array(key.utf8) }
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let presented = request.headers[.authorization].flatMap { v -> String? in
            let parts = v.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
            return parts[1].smTrim(" \t")
        }
        guard let presented else {
            throw Problem(
                .unauthorized, .unauthorized, "this server requires an API key: send Authorization: Bearer KEY")
        }
        guard constantTimeEquals(Array(presented.utf8), key) else {
            throw Problem(.unauthorized, .unauthorized, "the API key was not accepted")
        }
        return try await next(request, context)
    }
}

/// Which signal arrived first.
final class SignalBox: Sendable {
    private let value = Mutex<ExitStatus?>(nil)
    /// Records the first status; false if one was already recorded.
    func set(_ s: ExitStatus) -> Bool {
        value.withLock { v in
            if v != nil { return false }
            v = s
            return true
        }
    }
    var status: ExitStatus? { value.withLock { $0 } }
}

/// swift-log to stderr in the tools' message style: `smole-serve: ...`.
struct StderrLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        var s = "smole-serve: "
        if event.level >= .warning { s += "\(event.level): " }
        s += event.message.description
        if let m = event.metadata, !m.isEmpty {
            s += " " + m.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        LineWriter.stderr.writeLine(s)
    }
}

extension DurationText {
    /// A duration in the largest whole unit that divides it: `2d`, `24h`, `30m`, `90s`, else whole milliseconds
    /// (`1500ms`; finer fractions are dropped).
    public static func format(_ d: Duration) -> String {
        let (whole, atto) = d.components
        if atto != 0 { return "\(whole * 1000 + atto / 1_000_000_000_000_000)ms" }
        let s = Int(whole)
        if s % 86400 == 0, s > 0 { return "\(s / 86400)d" }
        if s % 3600 == 0, s > 0 { return "\(s / 3600)h" }
        if s % 60 == 0, s > 0 { return "\(s / 60)m" }
        return "\(s)s"
    }
}
