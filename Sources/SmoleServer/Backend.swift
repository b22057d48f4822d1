import SmoleBackend
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
    /// The default: `extract`, with no pages reported.
    ///
    /// - Throws: `RecordError`, whatever `extract` throws.
    public func extractNotingPages(path: String, schema: String) async throws(RecordError) -> (
        data: JSONValue, pages: PagesRead?
    ) {
        (try await extract(path: path, schema: schema), nil)
    }
}

/// The embedded engine behind the API.
public struct EngineBackend: JobRunner {
    /// The engine jobs run on.
    public let engine: Engine
    /// A backend over `engine`.
    public init(engine: Engine) { self.engine = engine }
    /// The engine's schema ids (built-in and `--schemas` folders), sorted.
    public var schemaIDs: [String] { engine.schemaIDs }
    /// The schema document for a known id; nil for anything else, paths included, so a client cannot make the server
    /// open files.
    public func schemaJSON(_ id: String) -> JSONValue? {
        // Only known ids: a client must not make the server open arbitrary schema paths.
        engine.schemaIDs.contains(id) ? engine.schemaJSON(id) : nil
    }
    /// Extracts with the engine and returns its `data` object.
    ///
    /// - Throws: `RecordError` with the engine's codes: `not_found`, `unreadable`, `unsupported_type`,
    ///   `engine_unavailable`, `engine_failed`, `timeout`, `cancelled`, `no_schema`.
    public func extract(path: String, schema: String) async throws(RecordError) -> JSONValue {
        try await engine.extract(path: path, schema: schema).data
    }
    /// Extracts with the engine; `pages` is set when `--max-pages` left pages unread.
    ///
    /// - Throws: `RecordError` with the engine's codes, as `extract` does.
    public func extractNotingPages(path: String, schema: String) async throws(RecordError) -> (
        data: JSONValue, pages: PagesRead?
    ) {
        let out = try await engine.extract(path: path, schema: schema)
        return (out.data, out.pages)
    }
}

/// A backend from a closure and a fixed schema table (tests, demos).
public struct ClosureBackend: JobRunner {
    /// Runs one job: the uploaded file's path and the schema id in, the `data` object out.
    public typealias Runner = @Sendable (_ path: String, _ schema: String) async throws(RecordError) -> JSONValue
    /// The schema documents by id, served by `GET /api/schemas`.
    public let schemas: [String: JSONValue]
    /// The closure each job runs.
    public let runner: Runner
    /// A backend serving `schemas` and running every job with `runner`.
    public init(schemas: [String: JSONValue], runner: @escaping Runner) {
        self.schemas = schemas
        self.runner = runner
    }
    /// The ids of `schemas`, sorted.
    public var schemaIDs: [String] { schemas.keys.sorted() }
    /// The schema document for `id`, if the table has it.
    public func schemaJSON(_ id: String) -> JSONValue? { schemas[id] }
    /// Runs `runner` on the job.
    ///
    /// - Throws: `RecordError`, whatever `runner` throws.
    public func extract(path: String, schema: String) async throws(RecordError) -> JSONValue {
        try await runner(path, schema)
    }
}
