import ArgumentParser
import SmoleRecords
import SmoleTools

extension SQLDialect: ExpressibleByArgument {}

@main
struct SmoleSql: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smole-sql",
        abstract: "Turn extraction results (NDJSON) into SQL for sqlite3 or psql.",
        discussion: """
            Reads result records from the named NDJSON files, or stdin when none are named ("-" is \
            stdin), and writes SQL on stdout: create the table if missing, then upsert the latest \
            record of every document by path, all in one transaction. Columns: path (primary key), \
            name, schema, status, sha256, extracted_at, error_code, error_message, data (JSON), \
            needs_review (boolean) and review (JSON), and one typed column per top-level scalar field of data. \
            A table made before the review columns gets them (PostgreSQL: ADD COLUMN IF NOT EXISTS; \
            SQLite: with --db).

            EXAMPLES
              smole-sql results.ndjson | sqlite3 -bail docs.db
              smole-sql --rows line_items results.ndjson | sqlite3 -bail docs.db
              smole-sql --db docs.db results.ndjson | sqlite3 -bail docs.db
              sqlite3 docs.db "SELECT path, review FROM documents WHERE needs_review"
              smole-sql --dialect postgres results.ndjson | psql -v ON_ERROR_STOP=1 mydb
            """,
        version: Smole.version
    )

    @Option(name: .long, help: ArgumentHelp("SQL dialect: sqlite or postgres.", valueName: "sqlite|postgres"))
    var dialect: SQLDialect = .sqlite

    @Option(name: .long, help: ArgumentHelp("Table name.", valueName: "NAME"))
    var table = "documents"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Also write this data array to a child table TABLE_FIELD (path, idx, item columns).", valueName: "FIELD"))
    var rows: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "SQLite only: the database the SQL is for; its existing columns are read (read-only) so columns a table lacks are added with ALTER TABLE.",
            valueName: "FILE"))
    var db: String?

    @Argument(help: ArgumentHelp("NDJSON result files (\"-\" is stdin; stdin when none).", valueName: "FILE"))
    var files: [String] = []

    func run() throws {
        ToolRuntime.start("smole-sql")
        var options = SQLOptions()
        options.dialect = dialect
        options.table = table
        options.rows = rows
        options.sqliteDB = db
        if db != nil && dialect != .sqlite {
            Diagnostics.error("--db only applies to --dialect sqlite (PostgreSQL output uses ADD COLUMN IF NOT EXISTS)")
            ToolRuntime.exit(.usage)
        }
        if let problem = SQLWriter.validate(options) {
            Diagnostics.error(problem)
            ToolRuntime.exit(.usage)
        }
        let inputs = InputSet(args: files, kind: .results, usage: SmoleSql.helpMessage())
        LineWriter.stdout.bufferLimit = 1 << 16
        let writer = SQLWriter(options: options) { LineWriter.stdout.writeLine($0) }
        let report: SQLReport
        do {
            report = try writer.run(inputs)
        } catch let e as RecordError {
            Diagnostics.error(e.message)
            ToolRuntime.exit(e.code == .engineUnavailable ? .unavailable : .ioError)
        }
        LineWriter.stdout.flush()
        ToolRuntime.exit(report.exitStatus)
    }
}
