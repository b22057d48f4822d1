import SmoleRecords
import SmoleTools

/// The backend protocol smole-extract's orchestration drives: the Smole API client and the
/// local engine adapter both implement it, so they share concurrency, retries, progress and records.

/// What is submitted for one document.
public struct Submission: Sendable {
    public var path: String
    public var schema: String
    /// Size in bytes, checked before submitting.
    public var size: Int64
    /// Hex SHA-256 of the file (from the record, or hashed from disk), when the backend wants one.
    public var sha256: String?
    /// `<sha256>:<schema>`, sent as `Idempotency-Key`.
    public var idempotencyKey: String? {
        sha256.map { "\($0):\(schema)" }
    }
    public init(path: String, schema: String, size: Int64, sha256: String?) {
        self.path = path
        self.schema = schema
        self.size = size
        self.sha256 = sha256
    }
}

/// The server's answer to a submit: a job id and how long it asks the client to wait.
public struct SubmittedJob: Sendable {
    public var id: String
    public var retryAfter: Duration?
    public init(id: String, retryAfter: Duration? = nil) {
        self.id = id
        self.retryAfter = retryAfter
    }
}

/// Pages of a document that were read, when `--max-pages` left some unread.
public struct PagesRead: Sendable, Equatable {
    /// Pages read (the limit).
    public var read: Int
    /// Pages the document has.
    public var total: Int
    public init(read: Int, total: Int) {
        self.read = read
        self.total = total
    }
    /// The record's `pages` field: `{"read": 50, "total": 72}`.
    public var json: JSONValue { .object(JSONObject([("read", JSONValue(read)), ("total", JSONValue(total))])) }
}

/// A job's state as a poll reports it.
public enum JobState: Sendable {
    /// Any status other than completed/failed/cancelled. `serverDuration` is unknown while running.
    case running(retryAfter: Duration?)
    /// `serverDuration`: how long the job took on the server (updatedAt − createdAt), if the server says.
    /// `pages`: set when pages past `--max-pages` were not read. `signals`: what the local engine knows beyond the
    /// data (per-field confidence, OCR reading quality, schema fit), for the review checks; nil from the API.
    case completed(data: JSONValue, evidence: JSONValue?, serverDuration: Duration?, pages: PagesRead? = nil, signals: DocumentSignals? = nil)
    /// The job ended as failed or cancelled on the server; the error says which.
    case ended(RecordError)
}

/// A failed backend call: the record error it maps to, and the server's `Retry-After`, if any.
public struct BackendError: Error, Sendable, CustomStringConvertible {
    public var error: RecordError
    public var retryAfter: Duration?
    /// The URL answers, but not as the API (a 404 for `POST …/pipeline/file`: the base URL lacks `/api`).
    public var wrongEndpoint = false
    public init(_ error: RecordError, retryAfter: Duration? = nil, wrongEndpoint: Bool = false) {
        self.error = error
        self.retryAfter = retryAfter
        self.wrongEndpoint = wrongEndpoint
    }
    public var description: String { error.description }

    /// 401, 403 and 402, or a base URL that is not the API: stop the whole run (every document would fail alike).
    public var isFatal: Bool {
        [.unauthorized, .forbidden, .quotaExhausted].contains(error.code) || wrongEndpoint
    }
    /// Network errors, resets, 408, 429, 5xx and unreadable bodies: worth another try in-run.
    public var isTransient: Bool {
        [.network, .rateLimited, .serverError, .badResponse, .timeout].contains(error.code) && error.retryable
    }
    /// 404 on a job seen before: submit again.
    public var isExpired: Bool { error.code == .jobExpired }
    public var isThrottle: Bool { error.code == .rateLimited }
}

public protocol ExtractionBackend: Sendable {
    /// `backend` field of result records ("local" or the API base URL; never the key).
    var name: String { get }
    /// One line for stderr at start-up.
    var banner: String { get }
    /// Whether submits carry `Idempotency-Key` (so the file is hashed first when the record has no sha256).
    var wantsHash: Bool { get }
    /// Whether a poll waits for the job itself (the local engine): the orchestrator polls at once.
    var pollBlocks: Bool { get }
    /// Whether requests go over the network (the rate budget and journal apply).
    var isRemote: Bool { get }

    func submit(_ doc: Submission) async throws(BackendError) -> SubmittedJob
    func poll(job: String) async throws(BackendError) -> JobState
    /// Best-effort: asks the server to drop the job; failures are ignored.
    func cancel(job: String) async
    func shutdown() async
}
