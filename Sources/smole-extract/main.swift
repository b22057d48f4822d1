import ArgumentParser
import Foundation
import SmoleBackend
import SmoleClient
import SmoleEngine
import SmoleRecords

@main
struct SmoleExtract: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smole-extract",
        abstract: "Extract schema-shaped JSON from documents, one result record per input.",
        discussion: """
            Documents named as arguments are extracted with --schema, which they then need; a missing or unknown schema is a usage error (64) before any work. With no arguments, input records (NDJSON with "path" and "schema", or bare path lines) are read from stdin. One result record is written per input line, as soon as it is known; it records the schema it was extracted with.

            The Smole API is used when SMOLE_API_KEY is set or --api is given; otherwise the embedded local engine. See smole-extract(1).

            EXAMPLES:
              smole-extract --schema invoice a.pdf b.pdf > results.ndjson
              smole-ls docs/ | smole-route --default invoice | smole-extract -j 8 > results.ndjson
              smole-retry results.ndjson | smole-extract --journal jobs.journal >> results.ndjson
              smole-extract --schema invoice docs/*.pdf | jq -c 'select(.review.needed) | {path, reasons: [.review.reasons[].code]}'
            """,
        version: Smole.version
    )

    @Argument(help: "Documents to extract (default: input records from stdin; - also means stdin).")
    var documents: [String] = []

    @Option(name: .long, help: ArgumentHelp("Schema for documents whose record has none.", valueName: "ID"))
    var schema: String?

    @Option(
        name: [.short, .customLong("jobs")],
        help: "Documents in flight at once (default: 5 with the API, one per CPU core with the local engine).")
    var jobs: Int?

    @Option(
        name: .long,
        help: ArgumentHelp("Requests per second, submits and polls together (default: no limit).", valueName: "R"))
    var rate: Double?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Smole API base URL (default: SMOLE_API_URL, or https://api.smole.tech/api when a key is set).",
            valueName: "URL"))
    var api: String?

    @Option(name: .long, help: ArgumentHelp("Read the API key from FILE instead of SMOLE_API_KEY.", valueName: "FILE"))
    var apiKeyFile: String?

    @Flag(name: .long, help: "Allow sending the API key over plain http:// to a host that is not loopback.")
    var allowInsecureHttp = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "First poll interval in seconds, until the run has learned the job time.", valueName: "SECONDS"))
    var pollInitial: Double = 0.5

    @Option(name: .long, help: ArgumentHelp("Longest poll interval in seconds.", valueName: "SECONDS"))
    var pollMax: Double = 10

    @Option(name: .long, help: ArgumentHelp("Deadline per document in seconds.", valueName: "SECONDS"))
    var timeout: Double = 600

    @Option(name: .long, help: "Tries after a transient failure (network, 408, 429, 5xx, bad body).")
    var retries: Int = 3

    @Option(
        name: .long, help: ArgumentHelp("Largest document to submit, in bytes (suffixes K, M, G).", valueName: "SIZE"))
    var maxSize: String?

    @Flag(name: .long, help: "Write results in input order instead of completion order.")
    var keepOrder = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Append each job id to FILE; a rerun polls those jobs instead of uploading again.", valueName: "FILE"))
    var journal: String?

    @Flag(name: .long, help: "Show progress on stderr even when it is not a terminal.")
    var progress = false

    @Option(name: .long, help: "Number of documents expected, for progress and ETA.")
    var total: Int?

    @Option(
        name: .long, help: ArgumentHelp("Folder of extra schemas for the local engine (repeatable).", valueName: "DIR"))
    var schemas: [String] = []

    @Option(
        name: .long,
        help: "Pages read per document by the local engine (default 50); with --api the server's limit applies.")
    var maxPages: Int?

    @Flag(name: .long, help: "Local engine: add per-field evidence (page, line, confidence) to results.")
    var evidence = false

    @Flag(
        name: .long, help: "Local engine: read every document afresh, without the text cache ($XDG_CACHE_HOME/smole).")
    var noCache = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A field whose evidence confidence is under C makes the record need review (low_confidence; default \(ReviewChecks.defaultMinConfidence)).",
            valueName: "C"))
    var minConfidence: Double = ReviewChecks.defaultMinConfidence

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Local engine: the OCR for scans and photos: auto (tesseract, and RapidOCR too where its numbers do not agree), tesseract or rapidocr.",
            valueName: "BACKEND"))
    var ocr = "auto"

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let rate, !(rate > 0) { throw ValidationError("--rate must be above 0") }
        if !(pollInitial > 0) || !(pollMax >= pollInitial) {
            throw ValidationError("need 0 < --poll-initial <= --poll-max")
        }
        if !(timeout > 0) { throw ValidationError("--timeout must be above 0") }
        if retries < 0 { throw ValidationError("--retries must be 0 or more") }
        if let maxSize, ByteSize.parse(maxSize) == nil {
            throw ValidationError("--max-size: '\(maxSize)' is not a size (e.g. 20M)")
        }
        if let total, total < 0 { throw ValidationError("--total must be 0 or more") }
        if let maxPages, maxPages < 1 { throw ValidationError("--max-pages must be at least 1") }
        if !(minConfidence >= 0 && minConfidence <= 1) {
            throw ValidationError("--min-confidence must be between 0 and 1")
        }
        if OCRChoice(rawValue: ocr) == nil {
            throw ValidationError("--ocr takes auto, tesseract or rapidocr, not \"\(ocr)\"")
        }
    }

    func run() async throws {
        ToolRuntime.start("smole-extract")
        var opts = ExtractOptions()
        opts.timeout = .seconds(timeout)
        opts.retries = retries
        opts.schema = schema
        opts.maxSize = maxSize.flatMap(ByteSize.parse).map(Int64.init)
        opts.keepOrder = keepOrder
        opts.total = total
        opts.progress = progress || Terminal.progressAllowed

        let choice: BackendChoice
        do throws(RecordError) {
            choice = try BackendChoice.resolve(api: api, keyFile: apiKeyFile, allowInsecureHTTP: allowInsecureHttp)
        } catch {
            Diagnostics.error(error.message)
            ToolRuntime.exit(error.code == .unreadable ? .noInput : .usage)
        }
        let backend: any ExtractionBackend
        switch choice {
        case .api(let url, let key):
            opts.jobs = jobs ?? 5
            if maxPages != nil {
                Diagnostics.warning(
                    "--max-pages applies to the local engine only; with --api the server's page limit applies (smole-serve --max-pages)"
                )
            }
            var api = APIBackend.Options()
            api.rate = rate
            api.pollInitial = .seconds(pollInitial)
            api.pollMax = .seconds(pollMax)
            api.connections = opts.jobs * 2 + 2
            backend = APIBackend(base: url, key: key, options: api)
        case .local:
            // The engine's work is CPU (pdftotext, tesseract, extraction): one document per core keeps every core busy.
            opts.jobs = jobs ?? max(1, ProcessInfo.processInfo.activeProcessorCount)
            var eo = EngineOptions()
            eo.maxPages = maxPages ?? 50
            eo.schemaDirs = schemas
            eo.evidence = evidence
            eo.textCache = noCache ? nil : TextCache.standard()
            eo.ocr = OCRChoice(rawValue: ocr) ?? .auto
            do throws(RecordError) {
                backend = try LocalBackend(options: eo)
            } catch {
                // A schema file in --schemas that does not load is the user's input (64, like --schema FILE);
                // an engine that cannot run here is 69.
                if error.code == .noSchema {
                    Diagnostics.error("--schemas: \(error.message)")
                    ToolRuntime.exit(.usage)
                }
                Diagnostics.error("local engine: \(error.message)")
                ToolRuntime.exit(.unavailable)
            }
        }
        // Every ok result gets its `review`, whichever backend produced it: the checks run here, on the data. Schemas
        // are resolved as the local engine resolves them (built-ins, --schemas, files); an API schema id the engine
        // does not know is checked by what its data shows (smole-extract(1), REVIEW).
        if let local = backend as? LocalBackend {
            opts.reviewer = ReviewChecks(engine: local.engine, minConfidence: minConfidence)
        } else {
            var eo = EngineOptions()
            eo.schemaDirs = schemas
            if let engine = try? Engine(options: eo) {
                opts.reviewer = ReviewChecks(engine: engine, minConfidence: minConfidence)
            }
        }
        // A schema the run cannot use is a usage error before any work starts, so a typo
        // (`--schema invoce`) or a forgotten --schema never appends one error per document
        // to a results file.
        let namesDocuments = !(documents.isEmpty || documents == ["-"])
        if namesDocuments, schema == nil {
            Diagnostics.error(
                "documents named as arguments need --schema ID (records on stdin may carry their own \"schema\")\(knownSchemas(backend))"
            )
            ToolRuntime.exit(.usage)
        }
        if let schema, let local = backend as? LocalBackend {
            do throws(RecordError) {
                try local.engine.validateSchema(schema)
            } catch {
                Diagnostics.error("--schema: \(error.message)")
                ToolRuntime.exit(.usage)
            }
        } else if let schema, let api = backend as? APIBackend,
            let ids = await api.schemaIDs(timeout: .seconds(min(5, timeout))),
            !ids.contains(schema)
        {
            Diagnostics.error(
                "--schema: the server does not know the schema \"\(schema)\" (it lists: \(ids.joined(separator: ", ")))"
            )
            ToolRuntime.exit(.usage)
        }

        // The journal is opened once the run is sure to start. With the local engine there are no
        // paid-for jobs to resume: --journal is accepted and has nothing to record, so a recipe
        // works with either backend.
        if let journal, let api = backend as? APIBackend {
            do throws(RecordError) {
                api.keepJournal(try Journal(path: journal))
            } catch {
                Diagnostics.error("--journal: \(error.message)")
                ToolRuntime.exit(.ioError)
            }
        }

        let feed: InputFeed
        if documents.isEmpty || documents == ["-"] {
            if documents.isEmpty && Terminal.stdinIsTTY {
                LineWriter.stderr.writeLine(SmoleExtract.helpMessage())
                ToolRuntime.exit(.usage)
            }
            feed = InputFeed(recordFiles: ["-"])
        } else {
            // The names as the shell passed them: a name that is not UTF-8 is kept as bytes.
            feed = InputFeed(documentPaths: ArgumentBytes.documents(documents))
        }
        Diagnostics.note(backend.banner)
        let orchestrator = Orchestrator(backend: backend, options: opts)
        Signals.install { sig in orchestrator.stop(.signal(sig)) }
        let status = await orchestrator.run(feed)
        ToolRuntime.exit(status)
    }

    /// " (known: a, b, c)" for the local engine; empty for the API.
    func knownSchemas(_ backend: any ExtractionBackend) -> String {
        guard let local = backend as? LocalBackend else { return "" }
        return " (known: \(local.engine.schemaIDs.joined(separator: ", ")))"
    }
}
