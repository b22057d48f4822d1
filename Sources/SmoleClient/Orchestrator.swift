import Foundation
import SmoleRecords
import SmoleTools

/// smole-extract's settings (the command line, parsed).
public struct ExtractOptions: Sendable {
    public var jobs = 5
    public var rate: Double?
    public var pollInitial: Duration = .milliseconds(500)
    public var pollMax: Duration = .seconds(10)
    public var timeout: Duration = .seconds(600)
    public var retries = 3
    public var schema: String?
    public var maxSize: Int64?
    public var keepOrder = false
    public var journal: Journal?
    public var progress = false
    public var total: Int?
    /// Consecutive connection failures (across documents, with no successful request between
    /// them) after which the run stops submitting: the circuit breaker.
    public var breakerThreshold = 8
    /// Base of the full-jitter exponential back-off between retries.
    public var backoffBase: Duration = .milliseconds(500)
    public var backoffCap: Duration = .seconds(30)
    /// Fills each ok record's `review` (the checks of `SmoleEngine.ReviewChecks`); nil leaves results unreviewed.
    public var reviewer: (any ResultReviewer)?
    public init() {}
}

/// Why a run stopped early.
public enum HaltReason: Sendable {
    case signal(Int32)
    case fatal(RecordError)
    /// The circuit breaker opened: the backend could not be reached, try after try.
    case unavailable(RecordError)

    var recordError: RecordError {
        switch self {
        case .unavailable(let e):
            RecordError(.network, "the run stopped sending documents: the backend could not be reached; last error: \(e.message)", retryable: true)
        case .signal(let s):
            RecordError(.cancelled, "interrupted by \(s == SIGTERM ? "SIGTERM" : "SIGINT") while in flight", retryable: true)
        case .fatal(let e):
            RecordError(e.code, e.message, retryable: false, httpStatus: e.httpStatus)
        }
    }
}

/// The server's typical job duration, learned from completed jobs' createdAt/updatedAt, so the
/// first poll can land just after a job usually finishes instead of on a fixed schedule.
final class JobTiming: @unchecked Sendable {
    private let lock = NSLockish()
    private var recent: [Double] = []
    private var next = 0

    func observe(_ d: Duration) {
        let s = d.seconds
        guard s.isFinite, s >= 0 else { return }
        lock.with {
            if recent.count < 31 { recent.append(s) } else { recent[next] = s; next = (next + 1) % 31 }
        }
    }

    private var probing = false

    /// Claims the one probe (fast polling while no job time is known); false if taken or not needed.
    func claimProbe() -> Bool {
        lock.with {
            if !recent.isEmpty || probing { return false }
            probing = true
            return true
        }
    }

    func releaseProbe() { lock.with { probing = false } }

    /// The median of recent durations (the latest 31), once one is known.
    var estimate: Duration? {
        lock.with {
            guard !recent.isEmpty else { return nil }
            let sorted = recent.sorted()
            return .seconds(sorted[sorted.count / 2])
        }
    }
}

/// Drives one run: reads inputs, keeps at most `jobs` documents in flight under one request
/// budget, retries transient failures, and writes exactly one result record per input.
public final class Orchestrator: @unchecked Sendable {
    public let backend: any ExtractionBackend
    public let options: ExtractOptions
    public let counters: RunCounters
    let output: ResultWriter
    let window: Window
    let bucket: TokenBucket
    let timing = JobTiming()
    let lock = NSLockish()
    private var halt: HaltReason?
    private var tasks: [Int: Task<Void, Never>] = [:]
    private var emptyWaiter: CheckedContinuation<Void, Never>?
    private var feed: InputFeed?
    private var fatalAnnounced = false
    private var connectionFailures = 0

    public init(backend: any ExtractionBackend, options: ExtractOptions, writer: LineWriter = .stdout) {
        self.backend = backend
        self.options = options
        counters = RunCounters(total: options.total)
        output = ResultWriter(writer: writer, keepOrder: options.keepOrder)
        window = Window(max: options.jobs)
        bucket = TokenBucket(rate: backend.isRemote ? options.rate : nil)
    }

    public var haltReason: HaltReason? { lock.with { halt } }

    /// Stops the run: no new submissions; in-flight documents end with the halt's error.
    public func stop(_ reason: HaltReason) {
        let toCancel: [Task<Void, Never>] = lock.with {
            guard halt == nil else { return [] }
            halt = reason
            return Array(tasks.values)
        }
        if case .signal = reason { feed?.stop() }
        for t in toCancel { t.cancel() }
        Task { await window.cancelWaiters() }
    }

    /// Runs until the input ends and every document has its record; returns the exit status.
    public func run(_ feed: InputFeed) async -> ExitStatus {
        lock.with { self.feed = feed }
        let progress: ProgressDisplay? = options.progress ? ProgressDisplay(counters: counters, tty: Terminal.stderrIsTTY) : nil
        progress?.start()
        var seq = 0
        for await line in feed.stream {
            feed.consumed()
            seq += 1
            let n = seq
            if case .bad(let r) = line.item {
                emit(n, r)
                continue
            }
            if let h = haltReason {
                emit(n, finished(inputRecord(line), error: h.recordError, started: nil))
                continue
            }
            do {
                try await window.acquire()
            } catch {
                emit(n, finished(inputRecord(line), error: (haltReason ?? .signal(SIGINT)).recordError, started: nil))
                continue
            }
            if let h = haltReason {
                await window.release()
                emit(n, finished(inputRecord(line), error: h.recordError, started: nil))
                continue
            }
            start(n, line)
        }
        if options.total == nil { counters.setTotal(seq) }
        await waitForTasks()
        output.finish()
        progress?.finish()
        await backend.shutdown()
        return exitStatus(feed.problems)
    }

    func exitStatus(_ problems: InputProblems) -> ExitStatus {
        switch haltReason {
        case .signal(let s): return s == SIGTERM ? .sigterm : .sigint
        // A base URL that is not the API (404 for its routes) is a backend that is not there (69);
        // a refused key is 77.
        case .fatal(let e): return e.code == .badResponse ? .unavailable : .unauthorized
        case .unavailable: return .unavailable
        case nil: break
        }
        if let p = problems.exitStatus { return p }
        let s = counters.snapshot
        if s.failed == 0 { return .ok }
        let unavailable = s.codes.keys.allSatisfy { $0 == .network || $0 == .engineUnavailable }
        if s.ok == 0 && unavailable { return .unavailable }
        if s.retryable == s.failed { return .retryable }
        return .someErrors
    }

    private func start(_ n: Int, _ line: InputLine) {
        lock.with {
            let t = Task {
                await self.process(n, line)
                await self.window.release()
                self.taskDone(n)
            }
            tasks[n] = t
            if halt != nil { t.cancel() }
        }
    }

    private func taskDone(_ n: Int) {
        let w: CheckedContinuation<Void, Never>? = lock.with {
            tasks[n] = nil
            if tasks.isEmpty, let w = emptyWaiter {
                emptyWaiter = nil
                return w
            }
            return nil
        }
        w?.resume()
    }

    private func waitForTasks() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now: Bool = lock.with {
                if tasks.isEmpty { return true }
                emptyWaiter = c
                return false
            }
            if now { c.resume() }
        }
    }

    private func emit(_ n: Int, _ r: Record) {
        counters.count(r)
        output.write(n, r)
    }

    // MARK: one document

    struct Outcome {
        var data: JSONValue
        var evidence: JSONValue?
        var pages: PagesRead? = nil
        var signals: DocumentSignals? = nil
    }

    /// Mutable facts about a document as it goes.
    ///
    /// `attempts` counts runs that tried the document (DESIGN.md): the input's count plus one
    /// for this run once it submits (or resumes a journaled job), however many times this run
    /// submitted it; those in-run submissions are `tries`. So a run that retried a document
    /// through an outage leaves it at one more attempt, and `smole-retry --max-attempts` bounds
    /// runs, not network hiccups.
    struct DocState {
        var job: String?
        /// `attempts` of the input record.
        var priorAttempts: Int
        /// The attempts a journal entry recorded for a job this run resumes.
        var journalAttempts = 0
        /// Submissions in this run.
        var tries = 0
        var resumed = false
        init(job: String?, attempts: Int) {
            self.job = job
            priorAttempts = attempts
        }
        /// The record's `attempts`: runs that have tried the document so far.
        var attempts: Int {
            tries > 0 || resumed ? max(priorAttempts + 1, journalAttempts) : priorAttempts
        }
    }

    /// The record a line stands for, with the schema it is extracted with: a record without
    /// one takes `--schema`, so every result records the schema it was extracted with.
    func inputRecord(_ line: InputLine) -> Record {
        var rec = line.item.record
        if rec.schema == nil || rec.schema == "", let s = options.schema, !s.isEmpty { rec["schema"] = .string(s) }
        return rec
    }

    private func process(_ n: Int, _ line: InputLine) async {
        let started = currentEpochSeconds()
        let clockStart = ContinuousClock.now
        var rec = inputRecord(line)
        var st = DocState(job: nil, attempts: max(0, rec.attempts))
        var result: Result<Outcome, RecordError>
        do throws(RecordError) {
            result = .success(try await extract(&rec, &st, deadline: clockStart + options.timeout))
        } catch {
            result = .failure(error)
        }
        if case .failure(let e) = result, let h = haltReason, e.code == .cancelled || Task.isCancelled {
            result = .failure(h.recordError)
            if case .signal = h, let job = st.job {
                let backend = self.backend
                await Task.detached { await backend.cancel(job: job) }.value
            }
        }
        if let job = st.job { rec["job"] = .string(job) }
        rec["attempts"] = .number(String(st.attempts))
        rec["tries"] = .number(String(st.tries))
        // A document with no field found at all is not a success: it cannot pass as ok (issue 10).
        if case .success(let o) = result, Review.isEmptyExtraction(o.data) {
            let what = o.pages.map { " in the \($0.read) pages read of \($0.total)" } ?? ""
            result = .failure(RecordError(.nothingExtracted, "no field of the schema \(rec.schema ?? "") was found in the document\(what)", retryable: false))
        }
        switch result {
        case .success(let o):
            rec["status"] = .string("ok")
            rec["data"] = o.data
            rec["error"] = nil
            if let ev = o.evidence { rec["evidence"] = ev }
            if let reviewer = options.reviewer {
                rec["review"] = reviewer.review(schema: rec.schema ?? "", data: o.data, evidence: o.evidence, pages: o.pages, signals: o.signals).json
            }
            if let p = o.pages {
                // Pages past --max-pages are not extracted: said in the record and on stderr.
                rec["pages"] = p.json
                Diagnostics.warning("\(rec.documentPath?.display ?? "a document"): only the first \(p.read) of its \(p.total) pages were read (\(backend.isRemote ? "the server's page limit" : "--max-pages \(p.read)"))")
            }
            emit(n, stamped(rec, started: started))
        case .failure(let e):
            emit(n, finished(rec, error: e, started: started))
        }
    }

    private func stamped(_ r: Record, started: Double?) -> Record {
        var rec = r
        let now = currentEpochSeconds()
        let s = started ?? now
        rec["backend"] = .string(backend.name)
        rec["started_at"] = .string(Timestamp.format(s))
        rec["finished_at"] = .string(Timestamp.format(now))
        rec["elapsed_ms"] = .number(String(Int(((now - s) * 1000).rounded())))
        return rec
    }

    private func finished(_ r: Record, error: RecordError, started: Double?) -> Record {
        var rec = r
        rec.setError(error)
        rec["data"] = nil
        rec["evidence"] = nil
        rec["review"] = nil
        if rec["attempts"] == nil { rec["attempts"] = .number(String(max(0, r.attempts))) }
        return stamped(rec, started: started)
    }

    private func fatal(_ e: BackendError) -> RecordError {
        let first: Bool = lock.with {
            if fatalAnnounced { return false }
            fatalAnnounced = true
            return true
        }
        if first {
            let what: String
            switch e.error.code {
            case .unauthorized: what = "the API key was rejected (HTTP 401); check SMOLE_API_KEY or --api-key-file"
            case .forbidden: what = "the API key may not do this (HTTP 403)"
            case .quotaExhausted: what = "the account's quota is used up (HTTP 402)"
            default: what = "the server at \(backend.name) is not the Smole API (HTTP 404 for POST …/pipeline/file): is the base URL missing /api?"
            }
            Diagnostics.error("\(what); stopping: every unfinished document is written as \(e.error.code.rawValue)")
        }
        stop(.fatal(e.error))
        return HaltReason.fatal(e.error).recordError
    }

    /// A duration in seconds as a person writes it: `600`, `0.5`, `1.25`.
    public static func seconds(_ d: Duration) -> String {
        let s = d.seconds
        if s == s.rounded(), abs(s) < 1e15 { return String(Int64(s)) }
        var t = String(format: "%.3f", s)
        while t.hasSuffix("0") { t.removeLast() }
        return t
    }

    /// Counts a failed connection; at `breakerThreshold` in a row the run stops submitting, says
    /// so once, and every remaining document is written as a retryable `network` error.
    private func connectionFailed(_ e: BackendError) {
        guard e.error.code == .network else { return }
        let trip: Bool = lock.with {
            connectionFailures += 1
            return connectionFailures == options.breakerThreshold && halt == nil
        }
        guard trip else { return }
        Diagnostics.error(
            "the backend \(backend.name) could not be reached \(options.breakerThreshold) times in a row, last: \(e.error.message); "
                + "stopping: every remaining document is written as a retryable network error (smole-retry re-feeds them)")
        stop(.unavailable(e.error))
    }

    private func connectionWorked() { lock.with { connectionFailures = 0 } }

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

    private func extract(_ rec: inout Record, _ st: inout DocState, deadline: ContinuousClock.Instant) async throws(RecordError) -> Outcome {
        guard let documentPath = rec.documentPath else {
            if rec.hasPathField { throw RecordError(.badRecord, "\"path\" is not a non-empty string or {\"bytes\": base64}") }
            throw RecordError(.badRecord, "the record has no \"path\"")
        }
        guard let schema = rec.schema ?? options.schema, !schema.isEmpty else {
            throw RecordError(.noSchema, "\(documentPath.display): no schema: give the record a \"schema\" or use --schema ID")
        }
        // A name that is not UTF-8 is opened by its very bytes, through a stand-in link.
        let opened = try documentPath.openable()
        defer { opened.release() }
        do throws(RecordError) {
            return try await extract(&rec, &st, path: opened.path, shown: documentPath.display, schema: schema, deadline: deadline)
        } catch {
            guard opened.isLink else { throw error }
            var e = error
            e.message = e.message.replacingOccurrences(of: opened.path, with: documentPath.display)
            throw e
        }
    }

    private func extract(
        _ rec: inout Record, _ st: inout DocState, path: String, shown: String, schema: String, deadline: ContinuousClock.Instant
    ) async throws(RecordError) -> Outcome {
        let size = try DocumentFile.check(path, maxSize: options.maxSize)
        var sha: String? = nil
        if backend.wantsHash {
            if let s = rec.sha256, s.count == 64, s.allSatisfy(\.isHexDigit) {
                sha = s.lowercased()
            } else {
                sha = try DocumentFile.sha256(path)
            }
        }
        let submission = Submission(path: path, schema: schema, size: size, sha256: sha)
        let journal = backend.isRemote ? options.journal : nil
        if let journal, let sha, let e = journal.lookup(sha256: sha, schema: schema) {
            st.job = e.job
            st.resumed = true
            st.journalAttempts = e.attempts
        }
        var notBefore = ContinuousClock.now
        var failures = 0
        var expirations = 0
        var backoff = RetryDelays(base: options.backoffBase, cap: options.backoffCap).makeIterator()
        var polls = PollDelays(initial: options.pollInitial, max: options.pollMax).makeIterator()
        var firstPoll = true
        var submittedAt = ContinuousClock.now
        var isProbe = false
        defer { if isProbe { timing.releaseProbe() } }

        func check(_ instant: ContinuousClock.Instant) throws(RecordError) {
            let now = ContinuousClock.now
            let limit = "--timeout \(Orchestrator.seconds(options.timeout)) s"
            if now >= deadline { throw RecordError(.timeout, "\(path): no result within \(limit)") }
            if instant > deadline {
                // Said as it is: the next try may not come before the deadline (the server's Retry-After is a floor).
                throw RecordError(.timeout, "\(path): no result within \(limit): the next try could not come before "
                    + "\(Orchestrator.seconds(instant - now)) s from now (the server's Retry-After or the back-off)")
            }
        }

        /// A transient failure: wait per back-off (at least Retry-After), or give up after --retries.
        func transient(_ e: BackendError) async throws(RecordError) {
            failures += 1
            connectionFailed(e)
            if case .unavailable? = haltReason { throw RecordError(.cancelled, "interrupted") }
            if e.isThrottle { await window.throttled() }
            if failures > options.retries {
                var err = e.error
                err.message += "; after \(failures) \(failures == 1 ? "try" : "tries") in this run"
                throw err
            }
            var delay = backoff.next() ?? options.backoffCap
            if let ra = e.retryAfter, ra > delay { delay = ra }
            notBefore = .now + delay
        }

        while true {
            if Task.isCancelled { throw RecordError(.cancelled, "interrupted") }
            if st.job == nil {
                try check(notBefore)
                try await sleep(until: notBefore)
                try await takeToken()
                do throws(BackendError) {
                    st.tries += 1
                    let job = try await withDeadline(deadline) { [backend] () async throws(BackendError) in
                        try await backend.submit(submission)
                    }
                    st.job = job.id
                    connectionWorked()
                    submittedAt = .now
                    failures = 0
                    firstPoll = true
                    if !isProbe { polls = PollDelays(initial: options.pollInitial, max: options.pollMax).makeIterator() }
                    notBefore = .now + (job.retryAfter ?? .zero)
                    if let journal, let sha {
                        journal.append(Journal.Entry(path: shown, sha256: sha, schema: schema, job: job.id, attempts: st.attempts))
                    }
                    await window.succeeded()
                } catch {
                    if error.error.code == .cancelled { throw error.error }
                    if error.isFatal { throw fatal(error) }
                    if error.isTransient {
                        try await transient(error)
                        continue
                    }
                    throw error.error
                }
            }
            guard let job = st.job else { continue }
            // Poll: never before the server's hint; the first poll lands at the learned job time.
            // Until a job time is known, one document probes on a fast schedule; the others
            // wait for poll-initial, or for the probe's answer if it comes sooner.
            if backend.pollBlocks {
                notBefore = max(notBefore, .now)
            } else if firstPoll, let est = timing.estimate {
                notBefore = max(notBefore, submittedAt + min(est + .milliseconds(5), options.pollMax))
            } else if firstPoll, !isProbe, timing.claimProbe() {
                isProbe = true
                polls = PollDelays(initial: min(.milliseconds(50), options.pollInitial), max: options.pollMax, factor: 1.2).makeIterator()
                notBefore = max(notBefore, .now + (polls.next() ?? options.pollInitial))
            } else if firstPoll {
                var target = ContinuousClock.now + options.pollInitial
                try check(target)
                while ContinuousClock.now < target {
                    try await sleep(until: min(target, .now + .milliseconds(25)))
                    if let est = timing.estimate {
                        target = min(target, submittedAt + est + .milliseconds(5))
                    }
                }
                notBefore = max(notBefore, target)
            } else {
                notBefore = max(notBefore, .now + (polls.next() ?? options.pollMax))
            }
            firstPoll = false
            try check(notBefore)
            try await sleep(until: notBefore)
            try await takeToken()
            do {
                let state = try await withDeadline(deadline) { [backend] () async throws(BackendError) in
                    try await backend.poll(job: job)
                }
                failures = 0
                connectionWorked()
                await window.succeeded()
                switch state {
                case .running(let ra):
                    if let ra { notBefore = max(notBefore, .now + ra) }
                case .completed(let data, let evidence, let serverDuration, let pages, let signals):
                    if let serverDuration { timing.observe(serverDuration) }
                    return Outcome(data: data, evidence: evidence, pages: pages, signals: signals)
                case .ended(let e):
                    throw e
                }
            } catch let error as BackendError {
                if error.error.code == .cancelled { throw error.error }
                if error.isFatal { throw fatal(error) }
                if error.isExpired {
                    expirations += 1
                    if expirations > options.retries { throw error.error }
                    if let journal, let sha { journal.forget(sha256: sha, schema: schema) }
                    st.job = nil
                    if let ra = error.retryAfter { notBefore = .now + ra }
                    continue
                }
                if error.isTransient {
                    try await transient(error)
                    continue
                }
                throw error.error
            } catch let e as RecordError {
                throw e
            } catch {
                throw RecordError(.badResponse, "\(error)")
            }
        }
    }
}

/// Runs one backend call, giving up at the document's deadline (the call is cancelled; a
/// `timeout` error results).
func withDeadline<T: Sendable>(
    _ deadline: ContinuousClock.Instant, _ op: @escaping @Sendable () async throws(BackendError) -> T
) async throws(BackendError) -> T {
    let first: Result<T, BackendError>? = await withTaskGroup(of: Result<T, BackendError>?.self) { g in
        g.addTask {
            do throws(BackendError) { return .success(try await op()) } catch { return .failure(error) }
        }
        g.addTask {
            try? await Task.sleep(until: deadline, clock: .continuous)
            return nil
        }
        let r = await g.next() ?? nil
        g.cancelAll()
        return r
    }
    switch first {
    case .success(let v): return v
    case .failure(let e): throw e
    case nil:
        if Task.isCancelled { throw BackendError(RecordError(.cancelled, "interrupted")) }
        throw BackendError(RecordError(.timeout, "the document's deadline (--timeout) passed while waiting for the server"))
    }
}

/// Writes result records as they complete, or in input order with `--keep-order`.
final class ResultWriter: @unchecked Sendable {
    let writer: LineWriter
    let keepOrder: Bool
    private let lock = NSLockish()
    private var next = 1
    private var held: [Int: [UInt8]] = [:]

    init(writer: LineWriter, keepOrder: Bool) {
        self.writer = writer
        self.keepOrder = keepOrder
    }

    func write(_ n: Int, _ r: Record) {
        let bytes = r.serializedLine()
        guard keepOrder else {
            writer.writeLine(bytes)
            return
        }
        lock.with {
            held[n] = bytes
            while let b = held.removeValue(forKey: next) {
                writer.writeLine(b)
                next += 1
            }
        }
    }

    func finish() {
        lock.with {
            for k in held.keys.sorted() { writer.writeLine(held[k]!) }
            held.removeAll()
        }
        writer.flush()
    }
}
