import SmoleRecords
import SmoleTools
import Synchronization

/// A backend is one call: `extract(document, context)` turns one document into an `Outcome` or
/// throws the `RecordError` its record carries. The Smole API backend (`APIBackend`) hides
/// submit, poll, journal, idempotency keys, the poll schedule and the request budget behind it;
/// the local engine is a plain async call. The orchestrator around it bounds concurrency, retries
/// transient failures (through the `DocumentContext` it hands the backend), draws progress,
/// handles signals and writes the records.
public protocol ExtractionBackend: Sendable {
    /// `backend` field of result records ("local" or the API base URL; never the key).
    var name: String { get }
    /// One line for stderr at start-up.
    var banner: String { get }

    /// Extracts one document.
    ///
    /// - Parameters:
    ///   - document: the file (present, within `--max-size`) and the schema id.
    ///   - context: the orchestrator's side of this document: its deadline, the retry policy for
    ///     transient failures, and the job id and counts its record reports.
    /// - Returns: the extracted data (a JSON object shaped by the schema), with evidence, pages
    ///   read and review signals where the backend knows them.
    /// - Throws: the record error the document ends with (`timeout`, `rate_limited` after
    ///   `--retries`, `job_failed`, `unauthorized` for a run the backend stopped, …).
    func extract(_ document: Document, _ context: DocumentContext) async throws(RecordError) -> Outcome

    /// Words for the page limit that left pages unread ("--max-pages 50", "the server's page limit").
    func pageLimit(_ pages: PagesRead) -> String

    /// Best-effort: asks the server to drop a job the run abandons on a signal; failures are ignored.
    func cancel(job: String) async

    /// Releases connections and workers at the end of the run.
    func shutdown() async
}

extension ExtractionBackend {
    /// By default there is nothing to cancel: the local engine's work ends with its task.
    public func cancel(job: String) async {}
    /// By default there is nothing to release.
    public func shutdown() async {}
}

/// One document as the orchestrator hands it to a backend: a file that exists and is within
/// `--max-size`, and the schema to extract it with.
public struct Document: Sendable {
    /// The path to open (a stand-in link for a name that is not UTF-8).
    public var path: String
    /// The path as messages and the journal show it.
    public var shown: String
    /// The schema id (or a schema file's path, for the local engine).
    public var schema: String
    /// Size in bytes.
    public var size: Int64
    /// Hex SHA-256 of the file (64 lowercase hex digits) from the input record, when it had a valid one.
    public var sha256: String?

    /// A document from its opened path, its display text, schema, size in bytes and the input record's SHA-256 (64 hex
    /// digits), if any.
    public init(path: String, shown: String, schema: String, size: Int64, sha256: String?) {
        self.path = path
        self.shown = shown
        self.schema = schema
        self.size = size
        self.sha256 = sha256
    }
}

/// What a backend returns for one document.
public struct Outcome: Sendable {
    /// The extracted data: a JSON object with the schema's fields (null where not found).
    public var data: JSONValue
    /// Per-field evidence (page, line, confidence), when asked for and known.
    public var evidence: JSONValue?
    /// Set when pages past the page limit were not read.
    public var pages: PagesRead?
    /// What the local engine knows beyond the data (per-field confidence, OCR quality, schema
    /// fit), for the review checks; nil from the API.
    public var signals: DocumentSignals?

    /// An outcome with the data and whatever else the backend knows.
    public init(data: JSONValue, evidence: JSONValue? = nil, pages: PagesRead? = nil, signals: DocumentSignals? = nil) {
        self.data = data
        self.evidence = evidence
        self.pages = pages
        self.signals = signals
    }
}

/// Pages of a document that were read, when a page limit left some unread.
public struct PagesRead: Sendable, Equatable {
    /// Pages read (the limit).
    public var read: Int
    /// Pages the document has.
    public var total: Int
    /// Pages read out of the document's total.
    public init(read: Int, total: Int) {
        self.read = read
        self.total = total
    }
    /// The record's `pages` field: `{"read": 50, "total": 72}`.
    public var json: JSONValue { .object(JSONObject([("read", JSONValue(read)), ("total", JSONValue(total))])) }
}

/// The orchestrator's side of one document's extraction, handed to the backend: the deadline,
/// the retry policy for transient failures (`--retries`, full-jitter back-off with `Retry-After`
/// as a floor, the circuit breaker and the window's AIMD), and what the record reports: the job
/// id, `attempts` (runs that tried the document) and `tries` (submissions in this run).
///
/// One document's task uses it; its state sits behind a mutex only so that it may cross into the
/// child task that races the backend call against the deadline.
public final class DocumentContext: Sendable {
    /// When the document fails with `timeout`: its start plus `--timeout`.
    public let deadline: ContinuousClock.Instant
    /// `--timeout` in seconds as a person writes it, for messages.
    let timeoutText: String
    let policy: any RunPolicy
    let state: Mutex<State>

    struct State {
        var job: String?
        /// `attempts` of the input record.
        var priorAttempts: Int
        /// The attempts a journal entry recorded for a job this run resumes.
        var journalAttempts = 0
        /// Submissions in this run.
        var tries = 0
        var resumed = false
        /// Transient failures since the last request that worked.
        var failures = 0
        /// Jobs the server forgot (404) in this run.
        var expirations = 0
        var backoff: RetryDelays.Iterator
    }

    package init(deadline: ContinuousClock.Instant, timeoutText: String, priorAttempts: Int, policy: any RunPolicy) {
        self.deadline = deadline
        self.timeoutText = timeoutText
        self.policy = policy
        state = Mutex(State(priorAttempts: priorAttempts, backoff: policy.backoff.makeIterator()))
    }

    /// The job id the record reports, once there is one.
    public var job: String? { state.withLock { $0.job } }

    /// Submissions in this run (the record's `tries`).
    public var tries: Int { state.withLock { $0.tries } }

    /// The record's `attempts`: runs that have tried the document, this one included once it
    /// submitted or resumed a journaled job (DESIGN.md). However many times this run submitted
    /// it, it counts once, so `smole-retry --max-attempts` bounds runs, not network hiccups.
    public var attempts: Int {
        state.withLock { s in s.tries > 0 || s.resumed ? max(s.priorAttempts + 1, s.journalAttempts) : s.priorAttempts }
    }

    /// Counts a submission (or the one local call) in this run.
    public func submitting() { state.withLock { $0.tries += 1 } }

    /// The server accepted the document as job `id`.
    public func accepted(job id: String) { state.withLock { $0.job = id } }

    /// This run resumes job `id`, which a journal entry recorded with `attempts`.
    public func resumed(job id: String, attempts: Int) {
        state.withLock { s in
            s.job = id
            s.resumed = true
            s.journalAttempts = attempts
        }
    }

    /// A request for this document worked: the failure count starts again, the circuit breaker
    /// closes, and the window of documents in flight widens.
    public func requestSucceeded() async {
        state.withLock { $0.failures = 0 }
        await policy.requestSucceeded()
    }

    /// A transient failure (network, 408, 429, 5xx, an unreadable body): counts it towards
    /// `--retries` and the circuit breaker, halves the window on 429, and says when the next try
    /// may come: after the full-jitter back-off, and never before the server's `Retry-After`.
    ///
    /// - Throws: the error itself (its message saying how many tries) once `--retries` are
    ///   spent; `cancelled` when the run stopped meanwhile.
    public func transientFailure(_ e: BackendError) async throws(RecordError) -> ContinuousClock.Instant {
        try await policy.transientFailure(e)
        let (failures, delay) = state.withLock { s in
            s.failures += 1
            return (s.failures, s.backoff.next() ?? policy.backoff.cap)
        }
        if failures > policy.retries {
            var err = e.error
            err.message += "; after \(failures) \(failures == 1 ? "try" : "tries") in this run"
            throw err
        }
        var wait = delay
        if let ra = e.retryAfter, ra > wait { wait = ra }
        return .now + wait
    }

    /// The server no longer knows the job (404): it may be submitted again, up to `--retries` times.
    ///
    /// - Throws: the `job_expired` error once that is spent.
    public func jobExpired(_ e: BackendError) throws(RecordError) {
        let n = state.withLock { s in
            s.expirations += 1
            s.job = nil
            return s.expirations
        }
        if n > policy.retries { throw e.error }
    }

    /// A failure that stops the whole run (401, 403, 402, a base URL that is not the API): says
    /// so once on stderr, stops the run, and gives this document's error.
    public func fatal(_ e: BackendError) -> RecordError { policy.fatal(e) }

    /// Throws `timeout` if the deadline has passed, or if `instant` (the next try) lies past it.
    ///
    /// - Throws: `RecordError(.timeout)` naming `path` and `--timeout`.
    public func check(_ instant: ContinuousClock.Instant, path: String) throws(RecordError) {
        let now = ContinuousClock.now
        let limit = "--timeout \(timeoutText) s"
        if now >= deadline { throw RecordError(.timeout, "\(path): no result within \(limit)") }
        if instant > deadline {
            // Said as it is: the next try may not come before the deadline (the server's Retry-After is a floor).
            throw RecordError(
                .timeout,
                "\(path): no result within \(limit): the next try could not come before "
                    + "\(SecondsText.format(instant - now)) s from now (the server's Retry-After or the back-off)")
        }
    }
}

/// What a `DocumentContext` asks the run: the orchestrator's retry policy, shared by its documents.
package protocol RunPolicy: Sendable {
    var retries: Int { get }
    var backoff: RetryDelays { get }
    /// A request worked: close the breaker, widen the window.
    func requestSucceeded() async
    /// Counts a transient failure (breaker, window); throws `cancelled` if the run has stopped.
    func transientFailure(_ e: BackendError) async throws(RecordError)
    func fatal(_ e: BackendError) -> RecordError
}

/// A failed request to a backend: the record error it maps to, and the server's `Retry-After`, if any.
public struct BackendError: Error, Sendable, CustomStringConvertible {
    /// The record error the failure maps to.
    public var error: RecordError
    /// How long the server asked the client to wait (`Retry-After`, RFC 9110 §10.2.3), if it said.
    public var retryAfter: Duration?
    /// The URL answers, but not as the API (a 404 for `POST …/pipeline/file`: the base URL lacks `/api`).
    public var wrongEndpoint = false
    /// A failed request mapped to `error`.
    public init(_ error: RecordError, retryAfter: Duration? = nil, wrongEndpoint: Bool = false) {
        self.error = error
        self.retryAfter = retryAfter
        self.wrongEndpoint = wrongEndpoint
    }
    /// The record error's `code: message`.
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
    /// A 429: the window of documents in flight halves (AIMD).
    public var isThrottle: Bool { error.code == .rateLimited }
}

/// A duration in seconds as a person writes it: `600`, `0.5`, `1.25` (at most three decimals), for messages.
public enum SecondsText {
    /// `d` in seconds, without trailing zeros.
    public static func format(_ d: Duration) -> String {
        let s = d.seconds
        if s == s.rounded(), abs(s) < 1e15 { return String(Int64(s)) }
        var t = String(format: "%.3f", s)
        while t.hasSuffix("0") { t.removeLast() }
        return t
    }
}
