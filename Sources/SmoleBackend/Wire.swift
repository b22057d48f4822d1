import SmoleRecords

/// A job's status on the wire (DESIGN.md, "Wire contract"): a submit replies `queued`, a poll of a job not yet
/// done says `queued` or `running`, and the terminal statuses are exactly `completed`, `failed` and `cancelled`.
/// A client takes any status it does not know for one still running.
public enum JobStatus: String, Sendable, CaseIterable {
    case queued, running, completed, failed, cancelled

    /// Whether the job has ended: completed, failed or cancelled.
    public var isTerminal: Bool { self == .completed || self == .failed || self == .cancelled }
}

/// The body of `GET {base}/pipeline/{id}`, as smole-serve and the test suite's fake server write it:
/// `{"id","status","schemaId","extraction":{"data","evidence","pages"},"error","errorCode","retryable",
/// "createdAt","updatedAt"}` (DESIGN.md, "Wire contract"). `APIBackend.jobState` reads it back.
public struct JobReply: Sendable {
    /// The job id (a UUID, or `NODE.UUID` behind a cluster).
    public var id: String
    /// Where the job is (`queued` to `completed`/`failed`/`cancelled`).
    public var status: JobStatus
    /// The schema id the job was submitted with, when the server says.
    public var schemaId: String?
    /// `{"data": {...}, "evidence": {...}, "pages": {"read","total"}}` of a completed job; nil otherwise.
    public var extraction: JSONValue?
    /// Why a job failed or was cancelled: `error` carries its message, `errorCode` its code, `retryable` whether
    /// another try may succeed.
    public var error: RecordError?
    /// Epoch seconds, written as RFC 3339 (`Timestamp`); `updatedAt − createdAt` of a finished job is how long it
    /// took on the server.
    public var createdAt: Double
    /// Epoch seconds of the job's last status change, written as RFC 3339.
    public var updatedAt: Double

    /// A reply from its parts; times are epoch seconds.
    public init(
        id: String, status: JobStatus, schemaId: String? = nil, extraction: JSONValue? = nil, error: RecordError? = nil,
        createdAt: Double, updatedAt: Double
    ) {
        self.id = id
        self.status = status
        self.schemaId = schemaId
        self.extraction = extraction
        self.error = error
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The `extraction` object of a completed job: its data, and the pages read when `--max-pages` left some unread.
    public static func extraction(data: JSONValue, evidence: JSONValue? = nil, pages: PagesRead? = nil) -> JSONValue {
        var ex = JSONObject()
        ex["data"] = data
        if let evidence { ex["evidence"] = evidence }
        if let pages { ex["pages"] = pages.json }
        return .object(ex)
    }

    /// The reply body.
    public var json: JSONValue {
        var o = JSONObject()
        o["id"] = .string(id)
        o["status"] = .string(status.rawValue)
        o["schemaId"] = schemaId.map { .string($0) } ?? .null
        o["extraction"] = extraction ?? .null
        o["error"] = error.map { .string($0.message) } ?? .null
        o["errorCode"] = error.map { .string($0.code.rawValue) } ?? .null
        o["retryable"] = error.map { .bool($0.retryable) } ?? .null
        o["createdAt"] = .string(Timestamp.format(createdAt))
        o["updatedAt"] = .string(Timestamp.format(updatedAt))
        return .object(o)
    }
}
