import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import SmoleRecords

/// The Smole API backend: `POST {base}/pipeline/file` (multipart, streamed from disk) and
/// `GET {base}/pipeline/{id}`, per DESIGN.md's wire contract. The key travels only in the
/// `Authorization` header; it is never part of a message, a record or a log line.
public final class APIBackend: ExtractionBackend {
    public let base: String
    private let key: String?
    private let client: HTTPClient
    private let userAgent = "smole-extract/\(Smole.version)"

    public var name: String { base }
    public var banner: String { "backend: Smole API at \(base)" + (key == nil ? " (no API key)" : "") }
    public var wantsHash: Bool { true }
    public var pollBlocks: Bool { false }
    public var isRemote: Bool { true }

    /// `connections`: the pool's per-host limit (documents in flight plus polls).
    public init(base: String, key: String?, connections: Int) {
        var b = base
        while b.hasSuffix("/") { b.removeLast() }
        self.base = b
        self.key = key
        var config = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .seconds(120)))
        config.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, connections))
        config.httpVersion = .automatic
        // A refused or failed connection is answered at once (not retried inside the pool until
        // the connect timeout): the orchestrator's own back-off and circuit breaker handle it.
        config.connectionPool.retryConnectionEstablishment = false
        // TLS: the default configuration verifies certificates and host names; nothing here turns that off.
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: config)
    }

    /// Whether sending a key to this URL is allowed: https, or http to a loopback host.
    public static func isSafe(url: String) -> Bool {
        let lower = url.lowercased()
        if lower.hasPrefix("https://") { return true }
        guard lower.hasPrefix("http://") else { return false }
        var rest = lower.dropFirst("http://".count)
        if let at = rest.firstIndex(of: "@"), rest.firstIndex(of: "/").map({ at < $0 }) ?? true { rest = rest[rest.index(after: at)...] }
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
                RecordError(.badResponse, "submit: HTTP \(status) without a job id (\(Self.describe(bytes, headers)))", httpStatus: status),
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

    public func poll(job: String) async throws(BackendError) -> JobState {
        var req = HTTPClientRequest(url: base + "/pipeline/" + Self.pathEscape(job))
        req.method = .GET
        req.headers = headers()
        let (status, headers, bytes) = try await send(req, upload: nil)
        let retryAfter = headers.first(name: "Retry-After").flatMap { RetryAfter.parse($0) }
        guard (200..<300).contains(status) else {
            if status == 404 {
                throw BackendError(RecordError(.jobExpired, "job \(job): the server no longer knows it (HTTP 404)", httpStatus: 404), retryAfter: retryAfter)
            }
            throw Self.httpError(status: status, headers: headers, body: bytes, phase: .poll, retryAfter: retryAfter)
        }
        guard let o = (try? JSON.parse(bytes))?.objectValue else {
            throw BackendError(
                RecordError(.badResponse, "poll: HTTP \(status) with a body that is not a JSON object (\(Self.describe(bytes, headers)))", httpStatus: status),
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
                if let s = e.stringValue, !s.isEmpty { message += ": \(s)" }
                else if let eo = e.objectValue, let m = eo["message"]?.stringValue ?? eo["detail"]?.stringValue { message += ": \(m)" }
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

    public func cancel(job: String) async {
        // Not in the wire contract: best effort, failures ignored.
        var req = HTTPClientRequest(url: base + "/pipeline/" + Self.pathEscape(job) + "/cancel")
        req.method = .POST
        req.headers = headers()
        _ = try? await client.execute(req, timeout: .seconds(2))
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    enum Phase { case submit, poll }

    private func send(_ req: HTTPClientRequest, upload: String?) async throws(BackendError) -> (Int, HTTPHeaders, [UInt8]) {
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
    static func httpError(status: Int, headers: HTTPHeaders, body: [UInt8], phase: Phase, retryAfter: Duration?) -> BackendError {
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
            let hint = "the server has no POST …/pipeline/file here: is the base URL missing /api (--api https://host/api)?"
            return BackendError(RecordError(.badResponse, "\(message); \(hint)", retryable: false, httpStatus: status), retryAfter: retryAfter,
                                wrongEndpoint: true)
        default:
            if let sc = serverCode, let known = ErrorCode(rawValue: sc),
                ![.unauthorized, .forbidden, .quotaExhausted, .rateLimited, .serverError, .network, .cancelled].contains(known)
            {
                code = known
            } else if "\(serverCode ?? "") \(detail ?? "")".lowercased().contains("schema") {
                code = .noSchema
            } else {
                code = .badResponse
            }
            retryable = code == .jobExpired ? true : false
        }
        return BackendError(RecordError(code, message, retryable: retryable, httpStatus: status), retryAfter: retryAfter)
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
            if c.isASCII && (c.isLetter || c.isNumber || "-._~".contains(c)) { out.append(c) }
            else { out += "%" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true) }
        }
        return out
    }
}
