import SmoleCore

// The engine's public surface. smole-extract's local backend, smole-serve and
// smole-route --classify call only this. (Placeholder bodies until the engine lands.)

public struct EngineOptions: Sendable {
    /// Pages read per document at most (`--max-pages`).
    public var maxPages: Int = 50
    /// Wall-clock limit per text-source subprocess.
    public var timeout: Duration = .seconds(120)
    /// Folders of user schemas (`--schemas DIR`), in addition to the built-ins.
    public var schemaDirs: [String] = []
    /// Whether results carry evidence (page, line, confidence) per field.
    public var evidence: Bool = false
    public init() {}
}

public struct ExtractionOutput: Sendable {
    /// The extracted object: exactly the schema's fields, `null` where not found.
    public var data: JSONValue
    /// With `evidence`: `{field: {"page": n, "line": "...", "confidence": 0.93}}`.
    public var evidence: JSONValue?
    public init(data: JSONValue, evidence: JSONValue? = nil) {
        self.data = data
        self.evidence = evidence
    }
}

public struct Classification: Sendable, Equatable {
    public var schema: String
    /// 0...1
    public var confidence: Double
    public init(schema: String, confidence: Double) {
        self.schema = schema
        self.confidence = confidence
    }
}

public final class Engine: Sendable {
    public let options: EngineOptions

    /// Loads the built-in schemas and those in `options.schemaDirs`. An invalid schema throws once, clearly.
    public init(options: EngineOptions = EngineOptions()) throws(RecordError) {
        self.options = options
    }

    /// Schema ids known to the engine (built-in and user), sorted.
    public var schemaIDs: [String] { [] }

    /// The schema document for an id or a path to a schema file, if it resolves.
    public func schemaJSON(_ idOrPath: String) -> JSONValue? { nil }

    /// Extracts `schema` (an id or a path to a schema file) from the document at `path`.
    /// Errors carry the record error codes: not_found, unreadable, unsupported_type,
    /// engine_unavailable, engine_failed, no_schema.
    public func extract(path: String, schema: String) async throws(RecordError) -> ExtractionOutput {
        throw RecordError(.engineUnavailable, "the local engine is not built yet")
    }

    /// Scores each known schema's keywords against the first page's text; the best one, or nil.
    public func classify(path: String) async throws(RecordError) -> Classification? {
        nil
    }
}
