import SmoleClient
import SmoleEngine
import SmoleRecords

/// What the server runs jobs with: the local engine in production, a deterministic
/// runner in tests.
public protocol JobRunner: Sendable {
    /// Schema ids a submission may name.
    var schemaIDs: [String] { get }
    /// The schema document for an id in `schemaIDs`.
    func schemaJSON(_ id: String) -> JSONValue?
    /// Extracts `schema` from the uploaded document at `path`; the result is the `data` object.
    func extract(path: String, schema: String) async throws(RecordError) -> JSONValue
    /// `extract`, with the pages read when `--max-pages` left some unread (sent to the client
    /// as `extraction.pages`). The default reports none.
    func extractNotingPages(path: String, schema: String) async throws(RecordError) -> (
        data: JSONValue, pages: PagesRead?
    )
}

extension JobRunner {
    public func extractNotingPages(path: String, schema: String) async throws(RecordError) -> (
        data: JSONValue, pages: PagesRead?
    ) {
        (try await extract(path: path, schema: schema), nil)
    }
}

/// The embedded engine behind the API.
public struct EngineBackend: JobRunner {
    public let engine: Engine
    public init(engine: Engine) { self.engine = engine }
    public var schemaIDs: [String] { engine.schemaIDs }
    public func schemaJSON(_ id: String) -> JSONValue? {
        // Only known ids: a client must not make the server open arbitrary schema paths.
        engine.schemaIDs.contains(id) ? engine.schemaJSON(id) : nil
    }
    public func extract(path: String, schema: String) async throws(RecordError) -> JSONValue {
        try await engine.extract(path: path, schema: schema).data
    }
    public func extractNotingPages(path: String, schema: String) async throws(RecordError) -> (
        data: JSONValue, pages: PagesRead?
    ) {
        let out = try await engine.extract(path: path, schema: schema)
        return (out.data, out.pages)
    }
}

/// A backend from a closure and a fixed schema table (tests, demos).
public struct ClosureBackend: JobRunner {
    public typealias Runner = @Sendable (_ path: String, _ schema: String) async throws(RecordError) -> JSONValue
    public let schemas: [String: JSONValue]
    public let runner: Runner
    public init(schemas: [String: JSONValue], runner: @escaping Runner) {
        self.schemas = schemas
        self.runner = runner
    }
    public var schemaIDs: [String] { schemas.keys.sorted() }
    public func schemaJSON(_ id: String) -> JSONValue? { schemas[id] }
    public func extract(path: String, schema: String) async throws(RecordError) -> JSONValue {
        try await runner(path, schema)
    }
}
