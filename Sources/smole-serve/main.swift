import ArgumentParser
import Foundation
import SmoleEngine
import SmoleRecords
import SmoleServer

@main
struct SmoleServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smole-serve",
        abstract: "Serve the local extraction engine over the Smole HTTP API.",
        discussion: """
            Endpoints: POST /api/pipeline/file (multipart: file, schemaId), GET and DELETE
            /api/pipeline/{id}, GET /api/schemas, GET /api/schemas/{id}, GET /healthz.
            Errors are application/problem+json. The key, if any, comes from --api-key-file
            or SMOLE_SERVE_API_KEY, never from the command line.

            EXAMPLES:
              smole-serve
              smole-serve --port 0 --workers 4 --queue 128 --max-upload 20MB --keep 2h
              SMOLE_SERVE_API_KEY=secret smole-serve --host 0.0.0.0
              smole-serve --host 10.0.0.11 --node-id n1     # a node behind nginx
              smole-extract --api http://127.0.0.1:8750/api --schema invoice docs/*.pdf
            """,
        version: Smole.version
    )

    @Option(help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(help: "Port to bind; 0 picks a free one (the bound address is printed on stderr).")
    var port = SmoleServerInfo.defaultPort

    @Option(help: "Jobs run at once (default: the number of cores).")
    var workers: Int?

    @Option(help: "Jobs that may wait for a worker; beyond it submissions get 503 with Retry-After.")
    var queue = 64

    @Option(name: .customLong("max-upload"), help: "Largest accepted file, e.g. 100MB, 512KB (binary multiples).")
    var maxUpload = "100MB"

    @Option(
        name: .customLong("api-key-file"),
        help: "File holding the API key clients must send as Authorization: Bearer KEY.")
    var apiKeyFile: String?

    @Option(help: "How long finished jobs are kept, e.g. 30m, 24h, 7d.")
    var keep = "24h"

    @Option(help: "Folder of user schemas, in addition to the built-in ones (repeatable).")
    var schemas: [String] = []

    @Option(name: .customLong("max-pages"), help: "Pages read per document at most.")
    var maxPages = 50

    @Flag(
        name: .customLong("no-cache"),
        help: "Read every document afresh, without the text cache ($XDG_CACHE_HOME/smole).")
    var noCache = false

    @Option(
        help: ArgumentHelp(
            "The OCR for scans and photos: auto (tesseract, and RapidOCR too where its numbers do not agree), tesseract or rapidocr.",
            valueName: "BACKEND"))
    var ocr = "auto"

    @Option(
        name: .customLong("node-id"),
        help: ArgumentHelp(
            "This node's name behind a proxy: job ids become ID.UUID and /healthz says it (letters, digits, - and _; no dot).",
            valueName: "ID"))
    var nodeID: String?

    @Flag(help: "No request log on stderr (errors and the listening line still appear).")
    var quiet = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        guard queue >= 0 else { throw ValidationError("--queue must be 0 or more") }
        guard let n = ByteSize.parse(maxUpload), n > 0 else {
            throw ValidationError("--max-upload takes a size like 100MB or 512KB, not \"\(maxUpload)\"")
        }
        guard DurationText.parse(keep) != nil else {
            throw ValidationError("--keep takes a duration like 30m, 24h or 7d, not \"\(keep)\"")
        }
        guard maxPages >= 1 else { throw ValidationError("--max-pages must be at least 1") }
        if let nodeID, let why = NodeID.problem(nodeID) {
            throw ValidationError("--node-id \"\(nodeID)\" cannot be a node id: \(why)")
        }
        if OCRChoice(rawValue: ocr) == nil {
            throw ValidationError("--ocr takes auto, tesseract or rapidocr, not \"\(ocr)\"")
        }
    }

    func run() async throws {
        ToolRuntime.start("smole-serve")
        var config = ServeConfig()
        config.host = host
        config.port = port
        if let workers { config.workers = workers }
        config.queueLimit = queue
        config.maxUpload = ByteSize.parse(maxUpload)!
        config.keep = DurationText.parse(keep)!
        config.quiet = quiet
        config.nodeID = nodeID
        switch ServeKey.load(file: apiKeyFile, environment: ProcessInfo.processInfo.environment) {
        case .success(let key): config.apiKey = key
        case .failure(let failure):
            Diagnostics.error(failure.message)
            ToolRuntime.exit(failure.status)
        }
        var options = EngineOptions()
        options.schemaDirs = schemas
        options.maxPages = maxPages
        options.textCache = noCache ? nil : TextCache.standard()
        options.ocr = OCRChoice(rawValue: ocr) ?? .auto
        let engine: Engine
        do {
            engine = try Engine(options: options)
        } catch {
            Diagnostics.error("cannot load the schemas: \(error.message)")
            ToolRuntime.exit(.dataError)
        }
        let server: SmoleServe
        do {
            server = try SmoleServe(config: config, backend: EngineBackend(engine: engine))
        } catch {
            Diagnostics.error(error.detail)
            ToolRuntime.exit(.ioError)
        }
        ToolRuntime.exit(await server.run())
    }
}
