import ArgumentParser
import SmoleRecords
import SmoleTools

@main
struct SmoleCsv: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smole-csv",
        abstract: "Turn extraction results (NDJSON) into CSV or TSV for spreadsheets.",
        discussion: """
            Reads result records from the named NDJSON files, or stdin when none are named ("-" is \
            stdin). The latest record for each document describes it. Columns are path, \
            schema, review.needed and review.reasons (when the records carry a review), then the data \
            fields flattened with "." (arrays of scalars joined with "; "). \
            Without --fields the columns are each schema's fields in the order its records carry them, \
            schemas in name order, so the header is the same on every run; rows are spooled to a \
            temporary file. With --fields the tool streams.

            EXAMPLES
              smole-csv results.ndjson > results.csv
              smole-csv --rows line_items results.ndjson > items.csv
              smole-csv --fields path,total,currency results.ndjson
              smole-csv --all --tsv results.ndjson
              smole-csv --bom --delimiter ';' --decimal-comma results.ndjson > for-excel.csv
              smole-csv --ok-only results.ndjson > trusted.csv
              jq -c 'select(.review.needed)' results.ndjson | smole-csv --fields path,review.reasons > to-check.csv
            """,
        version: Smole.version
    )

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write only these columns, in this order (comma-separated); the tool then streams.", valueName: "a,b,c"))
    var fields: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Explode this data array into one row per item (item keys as FIELD.key).", valueName: "FIELD"))
    var rows: String?

    @Flag(name: .long, help: "Write tab-separated values (backslash escapes for tab, newline, CR, backslash).")
    var tsv = false

    @Flag(name: .customLong("no-header"), help: "Leave out the header line.")
    var noHeader = false

    @Flag(name: .long, help: "Include records that are not ok, with status, error.code and error.message columns.")
    var all = false

    @Flag(
        name: .customLong("ok-only"),
        help: "Keep only records that are ok and need no review (review.needed is not true).")
    var okOnly = false

    @Flag(name: .long, help: "Do not escape text cells that start with =, +, -, @, TAB or CR.")
    var raw = false

    @Flag(name: .long, help: "With --fields: still keep only the latest record per path (spools instead of streaming).")
    var latest = false

    @Flag(
        name: .long, help: "Begin the output with a UTF-8 byte-order mark, which Excel needs to read the file as UTF-8."
    )
    var bom = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The field separator, one ASCII character (default ','; ';' for locales whose decimal mark is a comma).",
            valueName: "C"))
    var delimiter: String?

    @Flag(
        name: .long,
        help:
            "Write numbers with a decimal comma (12,5), as spreadsheets in those locales read them; use with --delimiter ';'."
    )
    var decimalComma = false

    @Argument(help: ArgumentHelp("NDJSON result files (\"-\" is stdin; stdin when none).", valueName: "FILE"))
    var files: [String] = []

    func validate() throws {
        if let fields, fields.split(separator: ",").isEmpty {
            throw ValidationError("--fields needs at least one column name")
        }
        if let rows, rows.isEmpty { throw ValidationError("--rows needs a field name") }
        if okOnly && all { throw ValidationError("--ok-only and --all exclude each other") }
        if latest && fields == nil {
            throw ValidationError("--latest only applies with --fields (without it the latest record always wins)")
        }
        if let delimiter {
            if tsv {
                throw ValidationError(
                    "--delimiter and --tsv exclude each other (--tsv is --delimiter with a tab and no quoting)")
            }
            guard delimiter.utf8.count == 1, let b = delimiter.utf8.first, b < 0x80, b != UInt8(ascii: "\""), b != 0x0A,
                b != 0x0D
            else {
                throw ValidationError("--delimiter must be one ASCII character other than a double quote, CR or LF")
            }
        }
    }

    func run() throws {
        ToolRuntime.start("smole-csv")
        var options = CSVOptions()
        options.format = CSVFormat(
            tsv: tsv, raw: raw, delimiter: delimiter?.utf8.first ?? UInt8(ascii: ","), decimalComma: decimalComma)
        options.header = !noHeader
        options.all = all
        options.okOnly = okOnly
        options.rows = rows
        options.latest = latest
        options.fields = fields.map { $0.split(separator: ",", omittingEmptySubsequences: true).map(String.init) }
        let inputs = InputSet(args: files, kind: .results, usage: SmoleCsv.helpMessage())
        // Bulk output goes out in 64 KiB writes; a streaming run fed by a pipe writes each row
        // as soon as it is made, so `tail -f results.ndjson | smole-csv --fields ...` shows rows live.
        let streamingFromPipe = options.fields != nil && !latest && inputs.paths.contains("-")
        LineWriter.stdout.bufferLimit = streamingFromPipe ? 0 : 1 << 16
        if bom { LineWriter.stdout.writeLine([0xEF, 0xBB, 0xBF]) }
        let writer = CSVWriter(options: options) { LineWriter.stdout.writeLine($0) }
        let report: CSVReport
        do {
            report = try writer.run(inputs)
        } catch let e as RecordError {
            Diagnostics.error(e.message)
            ToolRuntime.exit(.ioError)
        }
        LineWriter.stdout.flush()
        if report.rows > 0 {
            for f in report.unmatchedFields { Diagnostics.warning("--fields: no record has a column named \(f)") }
        }
        if report.skippedNotOK > 0 {
            Diagnostics.note(
                "left out \(report.skippedNotOK) document(s) whose latest record is not ok (--all includes them)")
        }
        if report.skippedNeedsReview > 0 {
            Diagnostics.note("left out \(report.skippedNeedsReview) ok document(s) that need review (--ok-only)")
        }
        if report.duplicatePaths > 0 {
            Diagnostics.warning(
                "\(report.duplicatePaths) record(s) repeated an earlier path; each was written as read (--latest keeps only the latest)"
            )
        }
        ToolRuntime.exit(report.exitStatus)
    }
}
