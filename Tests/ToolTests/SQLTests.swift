import Foundation
import SmoleRecords
import SmoleTools
import Testing
import _SmoleTestSupport

/// The PostgreSQL server `scripts/test` starts (a psql conninfo string), if any.
fileprivate let testPG = ProcessInfo.processInfo.environment["SMOLE_TEST_PG"].flatMap { $0.isEmpty ? nil : $0 }

/// Rows from `sqlite3 -json`, as objects.
fileprivate func sqliteRows(_ db: String, _ query: String) async throws -> [JSONObject] {
    let r = try await runTool("sqlite3", ["-json", "-bail", db, query])
    guard r.status == 0 else { throw TestFailure("sqlite3 failed: \(r.stderr)") }
    if r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return [] }
    return (try JSON.parse(r.stdout).arrayValue ?? []).compactMap(\.objectValue)
}

/// Pipes smole-sql's output into sqlite3 (two real processes, no shell).
fileprivate func loadSQLite(_ db: String, _ args: [String], stdin: String? = nil, bail: Bool = true) async throws -> (
    RunResult, RunResult
) {
    let gen = try await runTool("smole-sql", args, stdin: stdin)
    let load = try await runTool("sqlite3", (bail ? ["-bail"] : []) + [db], stdin: gen.stdout)
    return (gen, load)
}

fileprivate func psql(_ args: [String], stdin: String? = nil) async throws -> RunResult {
    try await runTool("psql", [testPG ?? "", "-X", "-q", "-v", "ON_ERROR_STOP=1"] + args, stdin: stdin)
}

/// Rows of a PostgreSQL query as JSON objects.
fileprivate func pgRows(_ query: String) async throws -> [JSONObject] {
    let r = try await psql(["-At", "-c", "SELECT coalesce(json_agg(smole_q), '[]') FROM (\(query)) smole_q"])
    guard r.status == 0 else { throw TestFailure("psql failed: \(r.stderr)") }
    return (try JSON.parse(r.stdout).arrayValue ?? []).compactMap(\.objectValue)
}

/// A numeric cell as a Double (sqlite3 -json prints 99.0 as 98.999999999999999996).
fileprivate func num(_ v: JSONValue?) -> Double? { v?.doubleValue }
fileprivate func near(_ v: JSONValue?, _ x: Double) -> Bool { num(v).map { abs($0 - x) < 1e-9 } ?? false }

/// Sorts object keys recursively (PostgreSQL's jsonb does not keep key order).
fileprivate func normalized(_ v: JSONValue) -> JSONValue {
    switch v {
    case .object(let o):
        var seen: [String: JSONValue] = [:]
        for m in o.members { seen[m.key] = normalized(m.value) }
        return .object(JSONObject(seen.keys.sorted().map { ($0, seen[$0]!) }))
    case .array(let a): return .array(a.map(normalized))
    case .number(let n): return .number(Double(n).map { String($0) } ?? n)
    default: return v
    }
}

fileprivate let firstRun =
    [
        #"{"path":"docs/a.pdf","name":"a.pdf","sha256":"aa","schema":"invoice","status":"ok","finished_at":"2026-01-02T03:04:05Z","data":{"vendor_name":"ACME","total":120.5,"count":3,"date":"2024-03-01","paid":true,"line_items":[{"description":"Widget","quantity":2,"amount":100},{"description":"Gadget","quantity":1,"amount":20.5}]}}"#,
        #"{"path":"docs/b.pdf","name":"b.pdf","schema":"receipt","status":"ok","data":{"merchant_name":"Shop","total":3,"count":1,"line_items":[{"description":"Tea","quantity":1,"amount":3}]}}"#,
        #"{"path":"docs/c.pdf","name":"c.pdf","schema":"invoice","status":"error","error":{"code":"timeout","message":"deadline passed","retryable":true}}"#,
    ].joined(separator: "\n") + "\n"

fileprivate let secondRun =
    [
        #"{"path":"docs/a.pdf","name":"a.pdf","sha256":"aa","schema":"invoice","status":"ok","finished_at":"2026-01-03T00:00:00Z","data":{"vendor_name":"ACME Corp","total":99,"count":4,"date":"2024-03-02","paid":false,"line_items":[{"description":"Widget v2","quantity":1,"amount":99}]}}"#,
        #"{"path":"docs/b.pdf","name":"b.pdf","schema":"receipt","status":"error","error":{"code":"not_found","message":"gone","retryable":false}}"#,
        #"{"path":"docs/c.pdf","name":"c.pdf","schema":"invoice","status":"ok","data":{"vendor_name":"Late","total":7,"count":1,"line_items":[]}}"#,
    ].joined(separator: "\n") + "\n"

/// Keys and values chosen to break naive SQL generation.
fileprivate let hostileKeys: [String] = [
    "quote'key", "dq\"key", "back\\slash", "nl\nkey", "semi; DROP TABLE documents; --", "Total", "total", "TOTAL",
    "path", "Path", String(repeating: "k", count: 70) + "a", String(repeating: "k", count: 70) + "b", "", "nul\u{0}key",
]
fileprivate let hostileValues: [String] = [
    "it's \"quoted\"", "C:\\dir\\sub\\", "line1\nline2\r\nline3", "'); DROP TABLE documents; --",
    "\\q\n\\! echo hacked", "\n.shell echo hacked\n", "$$ dollar $$", "ünï ☃ 😀", "a\u{0}b", "E'\\x41'", "--", "",
]

fileprivate func hostileRecord(path: String) -> (line: String, data: JSONObject) {
    var data = JSONObject()
    for (i, k) in hostileKeys.enumerated() { data[k] = .string(hostileValues[i % hostileValues.count]) }
    data["Total"] = .number("1")
    data["total"] = .number("2")
    data["TOTAL"] = .number("3")
    var items: [JSONValue] = []
    for v in hostileValues.prefix(4) {
        items.append(.object(JSONObject([("desc'\"", .string(v)), ("Desc", .number("1"))])))
    }
    data["line_items"] = .array(items)
    var rec = JSONObject()
    rec["path"] = .string(path)
    rec["status"] = "ok"
    rec["data"] = .object(data)
    return (JSON.serialize(.object(rec)), data)
}

fileprivate func withoutNUL(_ o: JSONObject) -> JSONValue {
    var v = JSONValue.object(o)
    _ = SQL.stripNUL(&v)
    return v
}

fileprivate struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Two runs of the same table: the first has only whole amounts (a column typed from it alone would be whole), the
/// second has cents, a line with a fractional quantity and a number no double holds exactly.
fileprivate let wholeThenCents = (
    [
        #"{"path":"w/a.txt","status":"ok","data":{"subtotal":560,"tax":112,"total":672,"line_items":[{"quantity":2,"amount":560}]}}"#
    ].joined(separator: "\n") + "\n",
    [
        #"{"path":"w/b.txt","status":"ok","data":{"subtotal":850,"tax":80.75,"total":930.75,"line_items":[{"quantity":1.5,"amount":850}]}}"#,
        #"{"path":"w/c.txt","status":"ok","data":{"subtotal":12845.50,"tax":2440.65,"total":15286.15,"line_items":[]}}"#,
        #"{"path":"w/d.txt","status":"ok","data":{"subtotal":0.1,"tax":0,"total":12345678901234567.89,"line_items":[]}}"#,
    ].joined(separator: "\n") + "\n"
)

@Suite struct SQLiteToolTests {
    /// SQLite keeps a later run's cents in a column the first run typed INTEGER (type affinity stores them as REAL).
    @Test func centsAfterAWholeFirstRunAreKept() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let db = dir.file("docs.db")
        for (i, run) in [wholeThenCents.0, wholeThenCents.1].enumerated() {
            let (g, l) = try await loadSQLite(db, ["--db", db, "--rows", "line_items"], stdin: run)
            #expect(g.status == 0 && l.status == 0, "run \(i + 1): \(g.stderr) \(l.stderr)")
        }
        // sqlite3 -json prints a REAL with all its digits (930.74999999999999998): compare the doubles
        let rows = try await sqliteRows(
            db, "SELECT path, tax, total, typeof(total) AS kind FROM documents ORDER BY path")
        #expect(rows.map { $0["total"]?.doubleValue } == [672, 930.75, 15286.15, 12345678901234567.89])
        #expect(rows.map { $0["tax"]?.doubleValue } == [112, 80.75, 2440.65, 0])
        // a REAL that is whole (the double nearest 12345678901234567.89) is kept as an integer by INTEGER affinity
        #expect(rows.map { $0["kind"] } == ["integer", "real", "real", "integer"])
        #expect(
            try await sqliteRows(db, "SELECT quantity FROM documents_line_items ORDER BY path").map { $0["quantity"] }
                == [2, 1.5])
    }

    @Test func upsertTwiceUpdatesRowsAndReplacesChildRows() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let db = dir.file("docs.db")
        let (g1, l1) = try await loadSQLite(db, ["--rows", "line_items"], stdin: firstRun)
        #expect(g1.status == 0 && l1.status == 0, "\(g1.stderr) \(l1.stderr)")
        var docs = try await sqliteRows(
            db,
            "SELECT path, name, sha256, schema, status, extracted_at, error_code, vendor_name, total, count, date, paid, typeof(total) AS tt, typeof(count) AS tc FROM documents ORDER BY path"
        )
        #expect(docs.count == 3)
        #expect(docs[0]["vendor_name"] == "ACME" && near(docs[0]["total"], 120.5) && docs[0]["paid"] == 1)
        #expect(docs[0]["tt"] == "real" && docs[0]["tc"] == "integer")
        #expect(
            docs[0]["extracted_at"] == "2026-01-02T03:04:05Z" && docs[0]["sha256"] == "aa" && docs[0]["name"] == "a.pdf"
        )
        #expect(docs[2]["status"] == "error" && docs[2]["error_code"] == "timeout" && docs[2]["total"] == .null)
        var items = try await sqliteRows(
            db, "SELECT path, idx, description, amount FROM documents_line_items ORDER BY path, idx")
        #expect(items.count == 3)
        #expect(items[1]["description"] == "Gadget" && items[1]["idx"] == 1)

        // Second run: a changes, b becomes an error, c succeeds with no items.
        let (g2, l2) = try await loadSQLite(db, ["--rows", "line_items"], stdin: secondRun)
        #expect(g2.status == 0 && l2.status == 0, "\(g2.stderr) \(l2.stderr)")
        docs = try await sqliteRows(
            db, "SELECT path, status, vendor_name, total, count, paid, error_code, data FROM documents ORDER BY path")
        #expect(docs.count == 3)
        #expect(docs[0]["vendor_name"] == "ACME Corp" && near(docs[0]["total"], 99) && docs[0]["paid"] == 0)
        #expect(docs[1]["status"] == "error" && docs[1]["error_code"] == "not_found" && docs[1]["vendor_name"] == .null)
        #expect(docs[1]["data"] == .null)
        #expect(docs[2]["status"] == "ok" && docs[2]["vendor_name"] == "Late")
        let data = try JSON.parse(docs[0]["data"]?.stringValue ?? "")
        #expect(data["line_items"]?.arrayValue?.count == 1)
        items = try await sqliteRows(db, "SELECT path, idx, description FROM documents_line_items ORDER BY path, idx")
        #expect(items.count == 1)
        #expect(items.first?["description"] == "Widget v2")
    }

    @Test func latestRecordInTheStreamWins() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let db = dir.file("docs.db")
        let (g, l) = try await loadSQLite(db, ["-"], stdin: firstRun + secondRun)
        #expect(g.status == 0 && l.status == 0)
        let docs = try await sqliteRows(db, "SELECT path, status, total FROM documents ORDER BY path")
        #expect(docs.map { $0["status"] } == ["ok", "error", "ok"])
        #expect(docs[0]["total"] == 99)
        #expect(g.stdout.components(separatedBy: "INSERT INTO").count == 4)
    }

    @Test func newFieldsOnALaterRunNeedDbAndFailCleanlyWithout() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let db = dir.file("docs.db")
        _ = try await loadSQLite(db, [], stdin: firstRun)
        let later =
            #"{"path":"docs/a.pdf","status":"ok","data":{"total":5,"new_field":"n","NewCase":1,"line_items":[{"sku":"x"}]}}"#
            + "\n"
        // Without --db the insert names a column the table lacks: sqlite3 -bail stops and nothing is committed.
        let (_, failed) = try await loadSQLite(db, [], stdin: later)
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("no column named new_field"))
        #expect(
            near(
                try await sqliteRows(db, "SELECT total FROM documents WHERE path = 'docs/a.pdf'").first?["total"], 120.5
            ))
        // With --db smole-sql reads the table's columns and adds the missing ones.
        let (g, ok) = try await loadSQLite(db, ["--db", db, "--rows", "line_items"], stdin: later)
        #expect(g.status == 0 && ok.status == 0, "\(g.stderr) \(ok.stderr)")
        #expect(g.stdout.contains("ALTER TABLE \"documents\" ADD COLUMN \"new_field\" TEXT;"))
        #expect(!g.stdout.contains("ADD COLUMN \"total\""))
        let nc = SQL.columnName(forKey: "NewCase", reserved: [])
        let row = try await sqliteRows(
            db, "SELECT total, new_field, \"\(nc)\" AS nc FROM documents WHERE path = 'docs/a.pdf'")
        #expect(row.first?["total"]?.doubleValue == 5 && row.first?["new_field"] == "n" && row.first?["nc"] == 1)
        // Running again with --db adds nothing and changes nothing.
        let (again, ok2) = try await loadSQLite(db, ["--db", db, "--rows", "line_items"], stdin: later)
        #expect(!again.stdout.contains("ALTER TABLE") && ok2.status == 0)
    }

    @Test func hostileKeysAndValuesRoundTrip() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let db = dir.file("docs.db")
        // A bystander table that must survive.
        _ = try await runTool("sqlite3", [db, "CREATE TABLE x(v); INSERT INTO x VALUES (42);"])
        let path = "h'1\"; DROP TABLE x; --\n.pdf"
        let (line, data) = hostileRecord(path: path)
        let table = "docs\"; DROP TABLE x; --"
        let (g, l) = try await loadSQLite(db, ["--table", table, "--rows", "line_items"], stdin: line + "\n")
        #expect(g.status == 0 && l.status == 0, "\(g.stderr) \(l.stderr)")
        #expect(g.stderr.contains("NUL characters removed"))
        #expect(try await sqliteRows(db, "SELECT v FROM x").first?["v"] == 42)
        let qt = SQL.quoteIdentifier(table)
        let rows = try await sqliteRows(db, "SELECT * FROM \(qt)")
        #expect(rows.count == 1)
        let row = rows[0]
        #expect(row["path"] == .string(path))
        #expect(try JSON.parse(row["data"]?.stringValue ?? "") == withoutNUL(data))
        let reserved = Set([
            "path", "name", "schema", "status", "sha256", "extracted_at", "error_code", "error_message", "data",
        ])
        for (i, k) in hostileKeys.enumerated() where !["Total", "total", "TOTAL"].contains(k) {
            let col = SQL.columnName(forKey: k.replacingOccurrences(of: "\u{0}", with: ""), reserved: reserved)
            #expect(
                row[col] == .string(hostileValues[i % hostileValues.count].replacingOccurrences(of: "\u{0}", with: "")),
                "key \(k)")
        }
        #expect(row["total"] == 2)
        #expect(row[SQL.columnName(forKey: "Total", reserved: reserved)] == 1)
        #expect(row[SQL.columnName(forKey: "TOTAL", reserved: reserved)] == 3)
        let child = SQL.quoteIdentifier(table + "_line_items")
        let items = try await sqliteRows(db, "SELECT * FROM \(child) ORDER BY idx")
        #expect(items.count == 4)
        #expect(items[3]["desc'\""] == "'); DROP TABLE documents; --")
        #expect(items[0][SQL.columnName(forKey: "Desc", reserved: [])] == 1)
        // Again: upsert, same single row, child rows replaced not doubled.
        let (_, l2) = try await loadSQLite(db, ["--table", table, "--rows", "line_items"], stdin: line + "\n")
        #expect(l2.status == 0)
        #expect(try await sqliteRows(db, "SELECT count(*) AS n FROM \(child)").first?["n"] == 4)
        #expect(try await sqliteRows(db, "SELECT count(*) AS n FROM \(qt)").first?["n"] == 1)
    }

    @Test func badLinesAreReportedAndTheRestIsLoaded() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let db = dir.file("docs.db")
        let f = try dir.write("results.ndjson", "{broken\n" + firstRun + #"{"status":"ok","data":{}}"# + "\n")
        let gen = try await runTool("smole-sql", [f])
        #expect(gen.status == 1)
        #expect(gen.stderr.contains("smole-sql: error (at \(f):1): malformed JSON"))
        #expect(gen.stderr.contains("smole-sql: error (at \(f):5): record has no \"path\""))
        let load = try await runTool("sqlite3", ["-bail", db], stdin: gen.stdout)
        #expect(load.status == 0)
        #expect(try await sqliteRows(db, "SELECT count(*) AS n FROM documents").first?["n"] == 3)
    }

    @Test func optionsAreChecked() async throws {
        #expect(try await runTool("smole-sql", ["--dialect", "mysql"], stdin: "").status == 64)
        #expect(try await runTool("smole-sql", ["--table", String(repeating: "t", count: 64)], stdin: "").status == 64)
        #expect(try await runTool("smole-sql", ["--dialect", "postgres", "--db", "x.db"], stdin: "").status == 64)
        let missing = try await runTool("smole-sql", ["/nonexistent/results.ndjson"])
        #expect(missing.status == 66)
    }

    @Test(arguments: ["smole-sql", "smole-csv"])
    func nothingIsLeftInTMPDIRWhenTheReaderStopsEarly(_ tool: String) async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let tmp = dir.file("tmp")
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        var lines = ""
        for i in 0..<4000 {
            lines +=
                #"{"path":"f\#(i).pdf","status":"ok","data":{"n":\#(i),"s":"\#(String(repeating: "v", count: 400))"}}"#
                + "\n"
        }
        try dir.write("r.ndjson", lines)
        // head stops reading after 10 bytes; the tool's next write fails with EPIPE and it ends at once.
        let r = try await runTool(
            "bash",
            ["-c", #""$TOOL" r.ndjson | head -c 10 > /dev/null; echo "status ${PIPESTATUS[0]}"; ls -A "$TMPDIR""#],
            cwd: dir.path, env: ["TOOL": Binaries.path(tool), "TMPDIR": tmp])
        #expect(r.stdoutLines == ["status 0"], "spool files left behind: \(r.stdout)")
    }

    @Test func aThousandDocumentsInOneTransaction() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let db = dir.file("docs.db")
        var lines = ""
        for i in 0..<1000 { lines += #"{"path":"f\#(i).pdf","status":"ok","data":{"n":\#(i),"s":"v\#(i)"}}"# + "\n" }
        let (g, l) = try await loadSQLite(db, [], stdin: lines)
        #expect(g.status == 0 && l.status == 0)
        #expect(g.stdout.components(separatedBy: "BEGIN;").count == 2 && g.stdout.hasSuffix("COMMIT;\n"))
        #expect(
            try await sqliteRows(db, "SELECT count(*) AS n, sum(n) AS s FROM documents").first.map(JSONValue.object)
                == ["n": 1000, "s": 499500])
    }
}

@Suite(.enabled(if: testPG != nil, "SMOLE_TEST_PG is not set (scripts/test starts a PostgreSQL server and sets it)"))
struct PostgresToolTests {
    func uniqueTable(_ base: String) -> String {
        base + "_" + UUID().uuidString.prefix(8).lowercased()
    }

    func load(_ args: [String], _ stdin: String) async throws -> (RunResult, RunResult) {
        let gen = try await runTool("smole-sql", ["--dialect", "postgres"] + args, stdin: stdin)
        let load = try await psql([], stdin: gen.stdout)
        return (gen, load)
    }

    @Test func upsertTwiceWithTypedColumnsAndChildReplacement() async throws {
        let t = uniqueTable("docs")
        let (g1, l1) = try await load(["--table", t, "--rows", "line_items"], firstRun)
        #expect(g1.status == 0 && l1.status == 0, "\(g1.stderr) \(l1.stderr)")
        let types = try await pgRows(
            "SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_name = '\(t)' ORDER BY ordinal_position"
        )
        let typeOf = Dictionary(uniqueKeysWithValues: types.map { ($0["c"]!.stringValue!, $0["t"]!.stringValue!) })
        #expect(typeOf["total"] == "numeric" && typeOf["count"] == "numeric" && typeOf["paid"] == "boolean")
        #expect(
            typeOf["date"] == "date" && typeOf["data"] == "jsonb"
                && typeOf["extracted_at"] == "timestamp with time zone")
        var docs = try await pgRows(
            "SELECT path, status, vendor_name, total, count, paid, date, extracted_at AT TIME ZONE 'UTC' AS at FROM \"\(t)\" ORDER BY path"
        )
        #expect(docs.count == 3)
        #expect(docs[0]["vendor_name"] == "ACME" && docs[0]["paid"] == true && docs[0]["date"] == "2024-03-01")
        #expect(docs[0]["at"] == "2026-01-02T03:04:05")
        let (g2, l2) = try await load(["--table", t, "--rows", "line_items"], secondRun)
        #expect(g2.status == 0 && l2.status == 0, "\(g2.stderr) \(l2.stderr)")
        docs = try await pgRows(
            "SELECT path, status, vendor_name, total, error_code, data->'line_items' AS li FROM \"\(t)\" ORDER BY path")
        #expect(docs.map { $0["status"] } == ["ok", "error", "ok"])
        #expect(docs[0]["vendor_name"] == "ACME Corp" && docs[0]["total"] == 99)
        #expect(docs[1]["error_code"] == "not_found" && docs[1]["vendor_name"] == .null)
        let items = try await pgRows("SELECT path, idx, description FROM \"\(t)_line_items\" ORDER BY path, idx")
        #expect(items.count == 1 && items.first?["description"] == "Widget v2")
    }

    /// Columns typed from a first run of whole amounts hold a later run's cents exactly (FINDING-08: they were BIGINT
    /// and 930.75 became 931 with exit 0).
    @Test func centsAfterAWholeFirstRunAreExact() async throws {
        let t = uniqueTable("money")
        for (i, run) in [wholeThenCents.0, wholeThenCents.1].enumerated() {
            let (g, l) = try await load(["--table", t, "--rows", "line_items"], run)
            #expect(g.status == 0 && l.status == 0, "run \(i + 1): \(g.stderr) \(l.stderr)")
        }
        let rows = try await pgRows("SELECT subtotal, tax, total FROM \"\(t)\" ORDER BY path")
        #expect(rows.map { $0["total"] } == [672, 930.75, 15286.15, .number("12345678901234567.89")])
        #expect(rows.map { $0["tax"] } == [112, 80.75, 2440.65, 0])
        #expect(rows.map { $0["subtotal"] } == [560, 850, .number("12845.50"), 0.1])
        #expect(
            try await pgRows("SELECT quantity FROM \"\(t)_line_items\" ORDER BY path").map { $0["quantity"] } == [
                2, 1.5,
            ])
    }

    /// A table an older smole-sql made with a BIGINT money column: a value it cannot hold fails the whole transaction,
    /// as the man page says, instead of being rounded.
    @Test func aValueAnOlderColumnCannotHoldFailsTheTransaction() async throws {
        let t = uniqueTable("legacy")
        let made = try await psql([
            "-c",
            "CREATE TABLE \"\(t)\" (path TEXT PRIMARY KEY, name TEXT, schema TEXT, status TEXT, sha256 TEXT, extracted_at TIMESTAMPTZ, error_code TEXT, error_message TEXT, data JSONB, needs_review BOOLEAN, review JSONB, subtotal BIGINT, tax BIGINT, total BIGINT)",
        ])
        #expect(made.status == 0, "\(made.stderr)")
        let (g1, l1) = try await load(["--table", t], wholeThenCents.0)
        #expect(g1.status == 0 && l1.status == 0, "\(g1.stderr) \(l1.stderr)")
        let (g2, l2) = try await load(["--table", t], wholeThenCents.1)
        #expect(g2.status == 0)
        #expect(l2.status != 0 && l2.stderr.contains("bigint"), "\(l2.stderr)")
        #expect(
            try await pgRows("SELECT path, total FROM \"\(t)\"").map(JSONValue.object) == [
                ["path": "w/a.txt", "total": 672]
            ])
    }

    @Test func newColumnsAreAddedIfMissing() async throws {
        let t = uniqueTable("docs")
        _ = try await load(["--table", t], firstRun)
        let later = #"{"path":"docs/a.pdf","status":"ok","data":{"total":5,"new_field":"n"}}"# + "\n"
        let (g, l) = try await load(["--table", t], later)
        #expect(g.status == 0 && l.status == 0, "\(l.stderr)")
        #expect(
            try await pgRows("SELECT new_field, total FROM \"\(t)\" WHERE path = 'docs/a.pdf'").first.map(
                JSONValue.object) == ["new_field": "n", "total": 5])
    }

    @Test func hostileKeysAndValuesRoundTrip() async throws {
        let sentinel = uniqueTable("keep")
        _ = try await psql(["-c", "CREATE TABLE \(sentinel) (v int); INSERT INTO \(sentinel) VALUES (42);"])
        let t = uniqueTable("h\"; DROP TABLE \(sentinel); --")
        let path = "h'1\"; DROP TABLE \(sentinel); --\n.pdf"
        let (line, data) = hostileRecord(path: path)
        for _ in 0..<2 {
            let (g, l) = try await load(["--table", t, "--rows", "line_items"], line + "\n")
            #expect(g.status == 0 && l.status == 0, "\(g.stderr) \(l.stderr)")
        }
        #expect(try await pgRows("SELECT v FROM \(sentinel)").first?["v"] == 42)
        let qt = SQL.quoteIdentifier(t)
        let rows = try await pgRows("SELECT * FROM \(qt)")
        #expect(rows.count == 1)
        let row = rows[0]
        #expect(row["path"] == .string(path))
        #expect(normalized(row["data"] ?? .null) == normalized(withoutNUL(data)))
        let reserved = Set([
            "path", "name", "schema", "status", "sha256", "extracted_at", "error_code", "error_message", "data",
        ])
        for (i, k) in hostileKeys.enumerated() where !["Total", "total", "TOTAL"].contains(k) {
            let col = SQL.columnName(forKey: k.replacingOccurrences(of: "\u{0}", with: ""), reserved: reserved)
            #expect(col.utf8.count <= 63)
            #expect(
                row[col] == .string(hostileValues[i % hostileValues.count].replacingOccurrences(of: "\u{0}", with: "")),
                "key \(k)")
        }
        #expect(row["total"] == 2)
        #expect(row[SQL.columnName(forKey: "Total", reserved: reserved)] == 1)
        #expect(row[SQL.columnName(forKey: "TOTAL", reserved: reserved)] == 3)
        let child = SQL.quoteIdentifier(SQL.derivedTableName(t + "_line_items"))
        let items = try await pgRows("SELECT * FROM \(child) ORDER BY idx")
        #expect(items.count == 4)
        #expect(items[2]["desc'\""] == "line1\nline2\r\nline3")
        _ = try await psql(["-c", "DROP TABLE \(sentinel)"])
    }
}
