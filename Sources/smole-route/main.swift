import ArgumentParser
import Foundation
import SmoleEngine
import SmoleRecords
import SmoleTools

@main
struct SmoleRoute: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smole-route",
        abstract: "Assign a schema to each document record: rules, then content, then a default.",
        discussion: """
            Each DOCUMENT argument is a path; with none (or '-') records and bare path lines are \
            read from stdin. Sets 'schema' and 'route'; every other field passes through. Rules \
            are tried in order: --rule options first, then the lines of each --rules file; the \
            first match wins, then --classify, then --default. Streams. --classify reads \
            several documents at once (-j) and writes the records in input order; the text it \
            reads (OCR included) is kept in the text cache, so smole-extract does not read it again.

            EXAMPLES:
              smole-ls docs | smole-route --rule 'receipt=*receipt*' --rule 'contract=path:**/contracts/**' --default invoice
              smole-route --rules rules.txt --default invoice docs/a.pdf docs/b.pdf
              smole-ls docs | smole-route --classify --min-confidence 0.6 --default invoice
              smole-ls scans | smole-route --classify -j 2 --default receipt | smole-extract > results.ndjson
              find docs -name '*.pdf' | smole-route --rule 'invoice=re:INV-[0-9]+' | jq -r .route
            """,
        version: Smole.version
    )

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A rule SCHEMA=GLOB, SCHEMA=path:GLOB or SCHEMA=re:REGEX (repeatable; tried first, in order).",
            valueName: "SCHEMA=PATTERN"))
    var rule: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A rules file: one 'SCHEMA PATTERN...' a line, '#' comments (repeatable; after --rule).",
            valueName: "FILE"))
    var rules: [String] = []

    @Option(name: .long, help: ArgumentHelp("The schema for records that nothing else routes.", valueName: "SCHEMA"))
    var `default`: String?

    @Flag(name: .long, help: "Replace a schema the record already has.")
    var override = false

    @Flag(name: .long, help: "When no rule matches, classify the document by its content (local engine).")
    var classify = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The lowest classification confidence accepted, 0 to 1 (default 0.5).", valueName: "X"))
    var minConfidence: Double = 0.5

    @Option(
        name: [.short, .customLong("jobs")],
        help: ArgumentHelp(
            "Documents classified at once with --classify (default: one per CPU core); output keeps input order.",
            valueName: "N"))
    var jobs: Int?

    @Flag(
        name: .long,
        help: "With --classify: read every document afresh, without the text cache ($XDG_CACHE_HOME/smole).")
    var noCache = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A folder of user schemas: schema names are checked against them, and --classify uses them (repeatable).",
            valueName: "DIR"))
    var schemas: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "--classify: the OCR for scans and photos: auto (tesseract, and RapidOCR too where its numbers do not agree), tesseract or rapidocr.",
            valueName: "BACKEND"))
    var ocr = "auto"

    @Argument(
        help: ArgumentHelp("Document paths to route; '-' or none reads records from stdin.", valueName: "DOCUMENT"))
    var documents: [String] = []

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if !(0...1).contains(minConfidence) { throw ValidationError("--min-confidence must be between 0 and 1") }
        if OCRChoice(rawValue: ocr) == nil {
            throw ValidationError("--ocr takes auto, tesseract or rapidocr, not \"\(ocr)\"")
        }
        if let d = `default`, d.isEmpty || d.contains(where: { $0.isWhitespace }) {
            throw ValidationError("--default needs a schema name without white space")
        }
    }

    func run() async throws {
        ToolRuntime.start("smole-route")
        var all: [RouteRule] = []
        do {
            for r in rule { all.append(try RouteRule.parse(option: r)) }
        } catch {
            Diagnostics.error(error.message)
            ToolRuntime.exit(.usage)
        }
        for file in rules {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                let missing = !FileManager.default.fileExists(atPath: file)
                Diagnostics.error(
                    missing
                        ? "\(file): no such rules file"
                        : "\(file): cannot read the rules file (\(error.localizedDescription))")
                ToolRuntime.exit(missing ? .noInput : .usage)
            }
            do {
                all.append(contentsOf: try RouteRule.parse(file: text, name: file))
            } catch {
                Diagnostics.error(error.message)
                ToolRuntime.exit(.usage)
            }
        }
        if documents.isEmpty, Terminal.stdinIsTTY {
            LineWriter.stderr.writeLine(SmoleRoute.helpMessage())
            ToolRuntime.exit(.usage)
        }

        let router = Router(rules: all, defaultSchema: `default`)
        router.override = override
        router.minConfidence = minConfidence
        router.jobs = jobs ?? max(1, ProcessInfo.processInfo.activeProcessorCount)
        for dir in schemas {
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) || !isDir.boolValue {
                Diagnostics.error("\(dir): no such schema folder")
                ToolRuntime.exit(.noInput)
            }
        }
        // Schema names are checked against the local engine's schemas (built-in and --schemas),
        // unless the extraction will use the API (SMOLE_API_KEY or SMOLE_API_URL is set), whose ids
        // are the server's.
        let apiConfigured = ["SMOLE_API_KEY", "SMOLE_API_URL"].contains {
            !(ProcessInfo.processInfo.environment[$0] ?? "").isEmpty
        }
        var engine: Engine? = nil
        if classify || !apiConfigured {
            var options = EngineOptions()
            options.schemaDirs = schemas
            options.textCache = noCache ? nil : TextCache.standard()
            options.ocr = OCRChoice(rawValue: ocr) ?? .auto
            do {
                engine = try Engine(options: options)
            } catch {
                Diagnostics.error(
                    "the local engine cannot \(classify ? "classify" : "load its schemas"): \(error.message)")
                ToolRuntime.exit(error.code == .notFound ? .noInput : .usage)
            }
        }
        if !apiConfigured, let engine {
            let problems = SchemaNameCheck.problems(rules: all, defaultSchema: `default`, known: engine.schemaIDs) {
                name in
                (try? engine.validateSchema(name)) != nil
            }
            if !problems.isEmpty {
                for p in problems { Diagnostics.error(p) }
                ToolRuntime.exit(.usage)
            }
        }
        if classify, let engine {
            router.classifier = { path in
                try await engine.classify(path: path).map { (schema: $0.schema, confidence: $0.confidence) }
            }
        }
        let summary = await router.run(documents: documents) { LineWriter.stdout.write(record: $0) }
        ToolRuntime.exit(summary.exitStatus)
    }
}
