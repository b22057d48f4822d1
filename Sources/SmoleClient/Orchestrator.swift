import Foundation
import SmoleBackend
import SmoleRecords
import SmoleTools
import Synchronization

/// smole-extract's settings that the orchestration uses (the command line, parsed); the API
/// backend's own (`--rate`, poll schedule, `--journal`) are `APIBackend.Options`.
public struct ExtractOptions: Sendable {
    /// `--jobs`: documents in flight at once (5 by default); the window the AIMD control moves within.
    public var jobs = 5
    /// `--timeout`: each document's deadline from its start, retries and polls included (600 s by default).
    public var timeout: Duration = .seconds(600)
    /// `--retries`: transient failures of one document retried in this run (3 by default), and resubmissions of a job
    /// the server forgot.
    public var retries = 3
    /// `--schema`: the schema id for records that carry none (an empty `schema` counts as none).
    public var schema: String?
    /// `--max-size` in bytes: larger files are `too_large` without being sent; nil for no limit.
    public var maxSize: Int64?
    /// `--keep-order`: write records in input order rather than as they finish.
    public var keepOrder = false
    /// Draw the progress line on stderr: on a terminal by default, anywhere with `--progress`.
    public var progress = false
    /// `--total`: the number of documents expected, for the progress line and its ETA; nil: known once the input ends.
    public var total: Int?
    /// Consecutive connection failures (across documents, with no successful request between
    /// them) after which the run stops submitting: the circuit breaker.
    public var breakerThreshold = 8
    /// Base of the full-jitter exponential back-off between retries.
    public var backoffBase: Duration = .milliseconds(500)
    /// The largest back-off between retries (30 s by default).
    public var backoffCap: Duration = .seconds(30)
    /// Fills each ok record's `review` (the checks of `SmoleEngine.ReviewChecks`); nil leaves results unreviewed.
    public var reviewer: (any ResultReviewer)?
    /// The defaults: 5 jobs, 600 s timeout, 3 retries, no schema, no size limit, records as they finish, no progress,
    /// breaker at 8, back-off from 500 ms to 30 s, no review.
    public init() {}
}

/// Why a run stopped early.
public enum HaltReason: Sendable {
    /// SIGINT or SIGTERM (the signal number): in-flight documents end `cancelled`, retryable.
    case signal(Int32)
    /// The backend refused the run (401, 403, 402, or a base URL that is not the API): in-flight documents end with
    /// that error, not retryable.
    case fatal(RecordError)
    /// The circuit breaker opened: the backend could not be reached, try after try.
    case unavailable(RecordError)

    var recordError: RecordError {
        switch self {
        case .unavailable(let e):
            RecordError(
                .network,
                "the run stopped sending documents: the backend could not be reached; last error: \(e.message)",
                retryable: true)
        case .signal(let s):
            RecordError(
                .cancelled, "interrupted by \(s == SIGTERM ? "SIGTERM" : "SIGINT") while in flight", retryable: true)
        case .fatal(let e):
            RecordError(e.code, e.message, retryable: false, httpStatus: e.httpStatus)
        }
    }
}

/// Drives one run: reads inputs, keeps at most `jobs` documents in flight, hands each to the
/// backend's one call, retries transient failures (the `DocumentContext` policy), and writes
/// exactly one result record per input. Each document is a child task of one discarding task
/// group; a halt (a signal, a refused key, the circuit breaker) cancels the group's children.
public final class Orchestrator: Sendable {
    /// The backend every document is sent to.
    public let backend: any ExtractionBackend
    /// The run's settings.
    public let options: ExtractOptions
    /// The run's live counts (done, ok, failed), for the progress line and the exit status.
    public let counters: RunCounters
    let output: ResultWriter
    let window: Window
    private let state = Mutex(State())

    private struct State {
        var halt: HaltReason?
        var feed: InputFeed?
        /// The run's event stream while it runs: a halt is sent there so the loop cancels the documents.
        var events: AsyncStream<Event>.Continuation?
        var fatalAnnounced = false
        var connectionFailures = 0
    }

    /// What the run's loop waits for.
    private enum Event: Sendable {
        case line(InputLine)
        case inputEnded
        /// A document's record is written.
        case finished
        case halt
    }

    /// An orchestrator over `backend`, writing result records (NDJSON) to `writer`.
    public init(backend: any ExtractionBackend, options: ExtractOptions, writer: LineWriter = .stdout) {
        self.backend = backend
        self.options = options
        counters = RunCounters(total: options.total)
        output = ResultWriter(writer: writer, keepOrder: options.keepOrder)
        window = Window(max: options.jobs)
    }

    /// Why the run stopped early, if it did.
    public var haltReason: HaltReason? { state.withLock { $0.halt } }

    /// Stops the run: no new submissions; in-flight documents end with the halt's error.
    public func stop(_ reason: HaltReason) {
        let (first, feed, events) = state.withLock { s -> (Bool, InputFeed?, AsyncStream<Event>.Continuation?) in
            guard s.halt == nil else { return (false, nil, nil) }
            s.halt = reason
            return (true, s.feed, s.events)
        }
        guard first else { return }
        if case .signal = reason { feed?.stop() }
        events?.yield(.halt)
        let window = self.window
        Task { await window.close() }
    }

    /// Runs until the input ends and every document has its record; returns the exit status.
    public func run(_ feed: InputFeed) async -> ExitStatus {
        let (events, sink) = AsyncStream<Event>.makeStream()
        let halted = state.withLock { s in
            s.feed = feed
            s.events = sink
            return s.halt != nil
        }
        if halted { sink.yield(.halt) }
        let progress: ProgressDisplay? =
            options.progress ? ProgressDisplay(counters: counters, tty: Terminal.stderrIsTTY) : nil
        progress?.start()
        var seq = 0
        await withDiscardingTaskGroup { input in
            // The input is read by its own child, so that a halt, which cancels the documents, does not end it:
            // every line read after a refused key or an open breaker still gets its record.
            input.addTask {
                for await line in feed.stream { sink.yield(.line(line)) }
                sink.yield(.inputEnded)
            }
            await withDiscardingTaskGroup { documents in
                var inFlight = 0
                var inputEnded = false
                for await event in events {
                    switch event {
                    case .halt:
                        documents.cancelAll()
                    case .finished:
                        inFlight -= 1
                    case .inputEnded:
                        inputEnded = true
                    case .line(let line):
                        feed.consumed()
                        seq += 1
                        let n = seq
                        if await admit(n, line) {
                            inFlight += 1
                            documents.addTask {
                                await self.process(n, line)
                                await self.window.release()
                                sink.yield(.finished)
                            }
                        }
                    }
                    if inputEnded && inFlight == 0 { break }
                }
            }
        }
        sink.finish()
        state.withLock { $0.events = nil }
        if options.total == nil { counters.setTotal(seq) }
        output.finish()
        progress?.finish()
        await backend.shutdown()
        return exitStatus(feed.problems)
    }

    /// Takes a place in the window for line `n`, or writes its record at once (a bad line, a run
    /// that has stopped); true when the document is to be extracted.
    private func admit(_ n: Int, _ line: InputLine) async -> Bool {
        if case .bad(let r) = line.item {
            emit(n, r)
            return false
        }
        if let h = haltReason {
            emit(n, finished(inputRecord(line), error: h.recordError, started: nil))
            return false
        }
        do {
            try await window.acquire()
        } catch {
            emit(n, finished(inputRecord(line), error: (haltReason ?? .signal(SIGINT)).recordError, started: nil))
            return false
        }
        if let h = haltReason {
            await window.release()
            emit(n, finished(inputRecord(line), error: h.recordError, started: nil))
            return false
        }
        return true
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

    private func emit(_ n: Int, _ r: Record) {
        counters.count(r)
        output.write(n, r)
    }

    // MARK: one document

    /// The record a line stands for, with the schema it is extracted with: a record without
    /// one takes `--schema`, so every result records the schema it was extracted with.
    func inputRecord(_ line: InputLine) -> Record {
        var rec = line.item.record
        if rec.schema == nil || rec.schema == "", let s = options.schema, !s.isEmpty { rec["schema"] = .string(s) }
        return rec
    }

    private func process(_ n: Int, _ line: InputLine) async {
        let started = currentEpochSeconds()
        var rec = inputRecord(line)
        let context = DocumentContext(
            deadline: .now + options.timeout, timeoutText: Self.seconds(options.timeout),
            priorAttempts: max(0, rec.attempts), policy: self)
        var result: Result<Outcome, RecordError>
        do throws(RecordError) {
            result = .success(try await extract(rec, context))
        } catch {
            result = .failure(error)
        }
        if case .failure(let e) = result, let h = haltReason, e.code == .cancelled || Task.isCancelled {
            result = .failure(h.recordError)
            if case .signal = h, let job = context.job {
                // Not cancelled with the document: the request must go out.
                let backend = self.backend
                await Task.detached { await backend.cancel(job: job) }.value
            }
        }
        if let job = context.job { rec["job"] = .string(job) }
        rec["attempts"] = .number(String(context.attempts))
        rec["tries"] = .number(String(context.tries))
        // A document with no field found at all is not a success: it cannot pass as ok (issue 10).
        if case .success(let o) = result, Review.isEmptyExtraction(o.data) {
            let what = o.pages.map { " in the \($0.read) pages read of \($0.total)" } ?? ""
            result = .failure(
                RecordError(
                    .nothingExtracted, "no field of the schema \(rec.schema ?? "") was found in the document\(what)",
                    retryable: false))
        }
        switch result {
        case .success(let o):
            rec["status"] = .string("ok")
            rec["data"] = o.data
            rec["error"] = nil
            if let ev = o.evidence { rec["evidence"] = ev }
            if let reviewer = options.reviewer {
                rec["review"] =
                    reviewer.review(
                        schema: rec.schema ?? "", data: o.data, evidence: o.evidence, pages: o.pages, signals: o.signals
                    ).json
            }
            if let p = o.pages {
                // Pages past the page limit are not extracted: said in the record and on stderr.
                rec["pages"] = p.json
                Diagnostics.warning(
                    "\(rec.documentPath?.display ?? "a document"): only the first \(p.read) of its \(p.total) pages were read (\(backend.pageLimit(p)))"
                )
            }
            emit(n, stamped(rec, started: started))
        case .failure(let e):
            emit(n, finished(rec, error: e, started: started))
        }
    }

    /// Checks the record's path, schema and file, then makes the backend's one call, which ends
    /// at the document's deadline.
    private func extract(_ rec: Record, _ context: DocumentContext) async throws(RecordError) -> Outcome {
        guard let documentPath = rec.documentPath else {
            if rec.hasPathField {
                throw RecordError(.badRecord, "\"path\" is not a non-empty string or {\"bytes\": base64}")
            }
            throw RecordError(.badRecord, "the record has no \"path\"")
        }
        guard let schema = rec.schema ?? options.schema, !schema.isEmpty else {
            // smole-route could not read the document to classify it and said why: that reason, not "no schema"
            if let upstream = RecordError(json: rec["error"]), upstream.code.isDocumentFault {
                throw upstream
            }
            throw RecordError(
                .noSchema, "\(documentPath.display): no schema: give the record a \"schema\" or use --schema ID")
        }
        // A name that is not UTF-8 is opened by its very bytes, through a stand-in link.
        let opened = try documentPath.openable()
        defer { opened.release() }
        do throws(RecordError) {
            let size = try DocumentFile.check(opened.path, maxSize: options.maxSize)
            let sha = rec.sha256.flatMap { s in s.count == 64 && s.allSatisfy(\.isHexDigit) ? s.lowercased() : nil }
            let document = Document(
                path: opened.path, shown: documentPath.display, schema: schema, size: size, sha256: sha)
            let late = RecordError(
                .timeout, "\(opened.path): no result within --timeout \(Self.seconds(options.timeout)) s")
            return try await withDeadline(context.deadline, else: late) { [backend] () async throws(RecordError) in
                try await backend.extract(document, context)
            }
        } catch {
            guard opened.isLink else { throw error }
            var e = error
            e.message = e.message.replacingOccurrences(of: opened.path, with: documentPath.display)
            throw e
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

    package func fatal(_ e: BackendError) -> RecordError {
        let first = state.withLock { s in
            if s.fatalAnnounced { return false }
            s.fatalAnnounced = true
            return true
        }
        if first {
            let what: String
            switch e.error.code {
            case .unauthorized: what = "the API key was rejected (HTTP 401); check SMOLE_API_KEY or --api-key-file"
            case .forbidden: what = "the API key may not do this (HTTP 403)"
            case .quotaExhausted: what = "the account's quota is used up (HTTP 402)"
            default:
                what =
                    "the server at \(backend.name) is not the Smole API (HTTP 404 for POST …/pipeline/file): is the base URL missing /api?"
            }
            Diagnostics.error("\(what); stopping: every unfinished document is written as \(e.error.code.rawValue)")
        }
        stop(.fatal(e.error))
        return HaltReason.fatal(e.error).recordError
    }

    /// A duration in seconds as a person writes it: `600`, `0.5`, `1.25`.
    public static func seconds(_ d: Duration) -> String { SecondsText.format(d) }

    // MARK: the retry policy the documents' contexts ask

    package var retries: Int { options.retries }
    package var backoff: RetryDelays { RetryDelays(base: options.backoffBase, cap: options.backoffCap) }

    package func requestSucceeded() async {
        state.withLock { $0.connectionFailures = 0 }
        await window.succeeded()
    }

    /// Counts a failed connection; at `breakerThreshold` in a row the run stops submitting, says
    /// so once, and every remaining document is written as a retryable `network` error. A 429
    /// halves the window.
    package func transientFailure(_ e: BackendError) async throws(RecordError) {
        if e.error.code == .network {
            let trip = state.withLock { s in
                s.connectionFailures += 1
                return s.connectionFailures == options.breakerThreshold && s.halt == nil
            }
            if trip {
                Diagnostics.error(
                    "the backend \(backend.name) could not be reached \(options.breakerThreshold) times in a row, last: \(e.error.message); "
                        + "stopping: every remaining document is written as a retryable network error (smole-retry re-feeds them)"
                )
                stop(.unavailable(e.error))
            }
        }
        if case .unavailable? = haltReason { throw RecordError(.cancelled, "interrupted") }
        if e.isThrottle { await window.throttled() }
    }
}

extension Orchestrator: RunPolicy {}

/// Runs a backend's call, giving up at the document's deadline: the call is cancelled and
/// `timeout` is thrown.
func withDeadline<T: Sendable>(
    _ deadline: ContinuousClock.Instant, else timeout: RecordError,
    _ op: @escaping @Sendable () async throws(RecordError) -> T
) async throws(RecordError) -> T {
    let first: Result<T, RecordError>? = await withTaskGroup(of: Result<T, RecordError>?.self) { g in
        g.addTask {
            do throws(RecordError) { return .success(try await op()) } catch { return .failure(error) }
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
        if Task.isCancelled { throw RecordError(.cancelled, "interrupted") }
        throw timeout
    }
}

/// Writes result records as they complete, or in input order with `--keep-order`.
final class ResultWriter: Sendable {
    let writer: LineWriter
    let keepOrder: Bool
    /// The next input number to write, and the lines that finished before it (`--keep-order`).
    private let order = Mutex<(next: Int, held: [Int: [UInt8]])>((1, [:]))

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
        order.withLock { o in
            o.held[n] = bytes
            while let b = o.held.removeValue(forKey: o.next) {
                writer.writeLine(b)
                o.next += 1
            }
        }
    }

    func finish() {
        order.withLock { o in
            for k in o.held.keys.sorted() { writer.writeLine(o.held[k]!) }
            o.held.removeAll()
        }
        writer.flush()
    }
}
