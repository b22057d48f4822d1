import SmoleRecords
import SmoleClient

/// The local engine behind smole-extract's backend protocol. A submit starts the extraction
/// as a task and returns its id; a poll waits for that task, so the orchestrator's
/// concurrency, deadlines, progress and records work the same as with the API.
public final class LocalBackend: ExtractionBackend {
    public let engine: Engine
    private let jobs = JobTable()

    public init(options: EngineOptions) throws(RecordError) {
        engine = try Engine(options: options)
    }

    public var name: String { "local" }
    public var banner: String { "backend: local engine (no API key or --api given)" }
    public var wantsHash: Bool { false }
    public var pollBlocks: Bool { true }
    public var isRemote: Bool { false }

    public func submit(_ doc: Submission) async throws(BackendError) -> SubmittedJob {
        let engine = self.engine
        let task = Task { () -> Result<ExtractionOutput, RecordError> in
            do throws(RecordError) {
                return .success(try await engine.extract(path: doc.path, schema: doc.schema))
            } catch {
                return .failure(error)
            }
        }
        let id = jobs.add(task)
        return SubmittedJob(id: id)
    }

    public func poll(job: String) async throws(BackendError) -> JobState {
        guard let task = jobs.get(job) else {
            throw BackendError(RecordError(.jobExpired, "local job \(job) is unknown"))
        }
        let result = await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        if Task.isCancelled { throw BackendError(RecordError(.cancelled, "interrupted")) }
        jobs.remove(job)
        switch result {
        case .success(let out):
            return .completed(data: out.data, evidence: out.evidence, serverDuration: nil, pages: out.pages, signals: out.signals)
        case .failure(let e):
            return .ended(e)
        }
    }

    public func cancel(job: String) async {
        jobs.get(job)?.cancel()
        jobs.remove(job)
    }

    public func shutdown() async {}
}

private final class JobTable: @unchecked Sendable {
    private var next = 0
    private var tasks: [String: Task<Result<ExtractionOutput, RecordError>, Never>] = [:]
    private let lock = Mutex()

    func add(_ t: Task<Result<ExtractionOutput, RecordError>, Never>) -> String {
        lock.with {
            next += 1
            let id = "local-\(next)"
            tasks[id] = t
            return id
        }
    }
    func get(_ id: String) -> Task<Result<ExtractionOutput, RecordError>, Never>? { lock.with { tasks[id] } }
    func remove(_ id: String) { lock.with { _ = tasks.removeValue(forKey: id) } }
}


private final class Mutex: @unchecked Sendable {
    private var m = pthread_mutex_t()
    init() { pthread_mutex_init(&m, nil) }
    func with<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&m)
        defer { pthread_mutex_unlock(&m) }
        return body()
    }
}
