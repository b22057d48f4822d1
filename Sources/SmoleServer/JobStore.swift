import Foundation
import SmoleBackend
import SmoleRecords

/// A copy of a job's state, safe to render outside the store.
public struct JobSnapshot: Sendable {
    /// The job id: a lower-case UUID, or `NODE.UUID` with `--node-id`.
    public var id: String
    /// Where the job is: queued, running, completed, failed or cancelled.
    public var status: JobStatus
    /// The schema id the job extracts with.
    public var schemaId: String
    /// The uploaded part's file name, as the client sent it.
    public var fileName: String?
    /// The `data` object, once the job completed.
    public var data: JSONValue?
    /// Set when `--max-pages` left pages of the document unread.
    public var pages: PagesRead?
    /// Why the job failed or was cancelled.
    public var error: RecordError?
    /// When the job was submitted (sent as RFC 3339 UTC text).
    public var createdAt: Date
    /// When its status last changed (sent as RFC 3339 UTC text).
    public var updatedAt: Date

    /// The wire shape of `GET /api/pipeline/{id}` (`JobReply`).
    public var json: JSONValue {
        JobReply(
            id: id, status: status, schemaId: schemaId,
            extraction: data.map { JobReply.extraction(data: $0, pages: pages) },
            error: error, createdAt: createdAt.timeIntervalSince1970, updatedAt: updatedAt.timeIntervalSince1970
        ).json
    }
}

/// The work a worker takes from the queue.
public struct QueuedJob: Sendable {
    /// The job's id.
    public var id: String
    /// The uploaded file in the private upload folder.
    public var path: String
    /// The schema id to extract with.
    public var schemaId: String
}

/// Why `JobStore.submit` turned a job away; the server answers 503 with `Retry-After` (RFC 9110 §15.6.4).
public enum SubmitRefusal: Error, Sendable {
    /// The queue is at its limit; try again after this many seconds.
    case queueFull(retryAfter: Int)
    case shuttingDown
}

/// Jobs, their idempotency keys, and the bounded queue the workers draw from.
public actor JobStore {
    private struct Job {
        var snap: JobSnapshot
        var path: String
        var idempotencyKey: String?
        var finishedAt: ContinuousClock.Instant?
        var cancelRunning: (@Sendable () -> Void)?
    }

    private var jobs: [String: Job] = [:]
    private var byKey: [String: String] = [:]
    private var pending: [String] = []
    private var pendingHead = 0
    private var waiters: [CheckedContinuation<QueuedJob?, Never>] = []
    private var running = 0
    /// Finished jobs in the order they finished, so eviction looks only at the oldest.
    private var finishedOrder: [(ContinuousClock.Instant, String)] = []
    private var finishedHead = 0
    private(set) var closed = false
    /// Jobs run at once (at least 1).
    public let workers: Int
    /// Jobs that may wait for a worker (at least 0); a submission beyond it is refused with `queueFull`.
    public let queueLimit: Int
    /// How long a finished job stays readable before it is evicted (404 afterwards).
    public let keep: Duration
    /// Put with a dot before every job id (`ID.UUID`), when set.
    public let nodeID: String?
    /// Exponentially weighted mean job duration in seconds, for Retry-After hints.
    private var meanJobSeconds = 1.0
    private let clock = ContinuousClock()

    /// A store with `workers` workers (at least 1), a queue of `queueLimit` (at least 0), finished jobs kept for
    /// `keep`, and job ids prefixed with `nodeID.` when set.
    public init(workers: Int, queueLimit: Int, keep: Duration, nodeID: String? = nil) {
        self.workers = max(1, workers)
        self.queueLimit = max(0, queueLimit)
        self.keep = keep
        self.nodeID = nodeID
    }

    /// How many jobs the store holds, for `/healthz`.
    public struct Counts: Sendable {
        public var queued: Int, running: Int, jobs: Int
    }

    /// Queued jobs, running jobs, and all jobs held (finished ones not yet evicted included).
    public var counts: Counts { Counts(queued: pending.count - pendingHead, running: running, jobs: jobs.count) }

    /// Seconds a client should wait before asking again about a pending job.
    public func pollHint(for id: String) -> Int {
        guard let j = jobs[id] else { return 1 }
        if j.snap.status == .queued {
            let ahead = pending[pendingHead...].firstIndex(of: id).map { $0 - pendingHead } ?? 0
            return pollHint(seconds: meanJobSeconds * Double(ahead / workers + 1))
        }
        return pollHint(seconds: meanJobSeconds / 2)
    }

    /// A poll hint in whole seconds (Retry-After is delay-seconds, RFC 9110 §10.2.3), rounded to the
    /// nearest: 0 when the job should be done in under half a second, so a client that treats the hint as
    /// a floor polls at once instead of waiting a second for a two-millisecond job.
    private func pollHint(seconds s: Double) -> Int { Int(min(30, max(0, s.rounded(.toNearestOrAwayFromZero)))) }

    /// Seconds a refused client should wait: about the time the backlog takes to drain.
    public func sheddingHint() -> Int {
        clampHint(meanJobSeconds * Double(pending.count - pendingHead + running) / Double(workers))
    }

    private func clampHint(_ s: Double) -> Int { Int(min(30, max(1, s.rounded(.up)))) }

    /// The live job an idempotency key names, if any. A cancelled job, or one that failed
    /// in a way worth retrying, no longer holds its key.
    public func job(forKey key: String) -> JobSnapshot? {
        evictExpired()
        guard let id = byKey[key], let j = jobs[id] else { return nil }
        if j.snap.status == .cancelled || (j.snap.status == .failed && j.snap.error?.retryable == true) { return nil }
        return j.snap
    }

    /// Queues a new job for the uploaded file, or returns the job that already holds the key
    /// (`created` false). The caller deletes its upload when `created` is false.
    ///
    /// - Throws: `SubmitRefusal.queueFull` with a wait in seconds when no worker is idle and the queue is at
    ///   `queueLimit`; `.shuttingDown` once the store is closed.
    public func submit(path: String, schemaId: String, fileName: String?, idempotencyKey: String?)
        throws(SubmitRefusal) -> (JobSnapshot, created: Bool)
    {
        if let key = idempotencyKey, let existing = job(forKey: key) { return (existing, false) }
        if closed { throw .shuttingDown }
        let hasIdleWorker = !waiters.isEmpty
        if !hasIdleWorker, pending.count - pendingHead >= queueLimit {
            throw .queueFull(retryAfter: sheddingHint())
        }
        let now = Date()
        let uuid = UUID().uuidString.lowercased()
        let id = nodeID.map { "\($0).\(uuid)" } ?? uuid
        let snap = JobSnapshot(
            id: id, status: .queued, schemaId: schemaId, fileName: fileName, data: nil, error: nil, createdAt: now,
            updatedAt: now)
        jobs[id] = Job(snap: snap, path: path, idempotencyKey: idempotencyKey)
        if let key = idempotencyKey { byKey[key] = id }
        if hasIdleWorker {
            let w = waiters.removeFirst()
            w.resume(returning: start(id))
            return (snap, true)  // the reply says "queued", as the wire contract has it
        }
        pending.append(id)
        return (snap, true)
    }

    /// The job's current state, or nil for an unknown or evicted id; evicts expired jobs first.
    public func snapshot(_ id: String) -> JobSnapshot? {
        evictExpired()
        return jobs[id]?.snap
    }

    /// Cancels a queued or running job; a finished job is returned unchanged.
    public func cancel(_ id: String) -> JobSnapshot? {
        evictExpired()
        guard var j = jobs[id] else { return nil }
        switch j.snap.status {
        case .queued:
            if let i = pending[pendingHead...].firstIndex(of: id) { pending.remove(at: i) }
            try? FileManager.default.removeItem(atPath: j.path)
        case .running:
            j.cancelRunning?()
            j.cancelRunning = nil
        case .completed, .failed, .cancelled:
            return j.snap
        }
        j.snap.status = .cancelled
        j.snap.error = RecordError(.cancelled, "the job was cancelled")
        j.snap.updatedAt = Date()
        j.finishedAt = clock.now
        finishedOrder.append((j.finishedAt!, id))
        jobs[id] = j
        return j.snap
    }

    // MARK: workers

    /// The next job to run, marked running; nil once the store is closed.
    func nextJob() async -> QueuedJob? {
        if closed { return nil }
        if pendingHead < pending.count {
            let id = pending[pendingHead]
            pendingHead += 1
            if pendingHead > 1024, pendingHead * 2 > pending.count {
                pending.removeFirst(pendingHead)
                pendingHead = 0
            }
            return start(id)
        }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func start(_ id: String) -> QueuedJob {
        running += 1
        jobs[id]!.snap.status = .running
        jobs[id]!.snap.updatedAt = Date()
        let j = jobs[id]!
        return QueuedJob(id: id, path: j.path, schemaId: j.snap.schemaId)
    }

    func attachCancel(_ id: String, _ cancel: @escaping @Sendable () -> Void) {
        if jobs[id]?.snap.status == .running { jobs[id]!.cancelRunning = cancel } else { cancel() }
    }

    func finish(_ id: String, _ result: Result<(data: JSONValue, pages: PagesRead?), RecordError>, seconds: Double) {
        running -= 1
        meanJobSeconds = meanJobSeconds * 0.8 + seconds * 0.2
        guard var j = jobs[id], j.snap.status == .running else { return }  // cancelled meanwhile
        switch result {
        case .success(let out):
            j.snap.status = .completed
            j.snap.data = out.data
            j.snap.pages = out.pages
        case .failure(let e):
            j.snap.status = e.code == .cancelled ? .cancelled : .failed
            j.snap.error = e
        }
        j.snap.updatedAt = Date()
        j.finishedAt = clock.now
        finishedOrder.append((j.finishedAt!, id))
        j.cancelRunning = nil
        jobs[id] = j
    }

    /// Stops taking work: queued and running jobs become cancelled, idle workers are released.
    func close() {
        if closed { return }
        closed = true
        for id in pending[pendingHead...] { _ = cancel(id) }
        pending.removeAll()
        pendingHead = 0
        for (id, j) in jobs where j.snap.status == .running { _ = cancel(id) }
        for w in waiters { w.resume(returning: nil) }
        waiters.removeAll()
    }

    /// Drops finished jobs older than `keep`.
    public func evictExpired() {
        let now = clock.now
        while finishedHead < finishedOrder.count, now - finishedOrder[finishedHead].0 >= keep {
            let id = finishedOrder[finishedHead].1
            finishedHead += 1
            if let j = jobs[id] {
                jobs[id] = nil
                if let k = j.idempotencyKey, byKey[k] == id { byKey[k] = nil }
            }
        }
        if finishedHead > 1024, finishedHead * 2 > finishedOrder.count {
            finishedOrder.removeFirst(finishedHead)
            finishedHead = 0
        }
    }
}
