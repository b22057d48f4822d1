import SmoleBackend
import SmoleRecords

/// The local engine behind smole-extract's backend protocol: one document is one call to the
/// engine, run in the document's own task, so the orchestrator's concurrency, deadline, signals
/// and records work the same as with the API.
public final class LocalBackend: ExtractionBackend {
    /// The engine every document is extracted with (shared, thread-safe).
    public let engine: Engine

    /// - Throws: `no_schema` for a schema file in `options.schemaDirs` that does not load;
    ///   `engine_unavailable` when the engine cannot run here.
    public init(options: EngineOptions) throws(RecordError) {
        engine = try Engine(options: options)
    }

    /// `local`: the value of a result record's `backend`.
    public var name: String { "local" }
    /// The line smole-extract prints on stderr at start.
    public var banner: String { "backend: local engine (no API key or --api given)" }
    /// The option that limited the pages read, for a `pages_truncated` review message: `--max-pages N`.
    public func pageLimit(_ pages: PagesRead) -> String { "--max-pages \(pages.read)" }

    /// Extracts one document with the engine.
    ///
    /// - Throws: the engine's error for the document (`unreadable`, `unsupported_type`,
    ///   `engine_unavailable`, …); `cancelled` when the run stopped while it was read.
    public func extract(_ document: Document, _ context: DocumentContext) async throws(RecordError) -> Outcome {
        context.submitting()
        let out = try await engine.extract(path: document.path, schema: document.schema)
        // A run that stopped meanwhile writes the document as cancelled, as with the API.
        if Task.isCancelled { throw RecordError(.cancelled, "interrupted") }
        return Outcome(data: out.data, evidence: out.evidence, pages: out.pages, signals: out.signals)
    }
}
