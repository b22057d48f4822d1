import Foundation
import SmoleRecords

// smole-sql: SQL text for sqlite3 or psql that creates a documents table if missing and
// upserts the latest record of every document, all in one transaction.

/// The SQL dialect smole-sql writes for: `sqlite` (the sqlite3 shell) or `postgres` (psql). The raw value is the
/// `--dialect` word.
public enum SQLDialect: String, Sendable, CaseIterable {
    case sqlite, postgres
}

/// Quoting and naming rules. Every identifier is double-quoted with inner quotes doubled;
/// every value is a single-quoted literal with inner quotes doubled (standard strings:
/// backslashes are literal, which PostgreSQL is told with `standard_conforming_strings`).
public enum SQL {
    /// PostgreSQL truncates identifiers to 63 bytes; names are kept within that for both dialects.
    public static let maxIdentifierBytes = 63

    /// `name` as a double-quoted identifier (a standard SQL delimited identifier, in both dialects), inner `"` doubled.
    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `s` as a single-quoted string literal in the PostgreSQL form (`'` doubled, backslashes literal, NUL dropped).
    public static func literal(_ s: String) -> String {
        var out: [UInt8] = []
        appendLiteral(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `s` as a single-quoted string literal in the PostgreSQL form to `out`.
    public static func appendLiteral(_ s: String, into out: inout [UInt8]) {
        appendLiteral(s, dialect: .postgres, into: &out)
    }

    /// `s` as a single-quoted string literal for `dialect` (`'` doubled, NUL dropped; for SQLite, CR as `char(13)`).
    public static func literal(_ s: String, dialect: SQLDialect) -> String {
        var out: [UInt8] = []
        appendLiteral(s, dialect: dialect, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The sqlite3 shell drops a carriage return that ends an input line, even inside a string
    /// literal, so for SQLite every CR is written as `char(13)` joined to the literal around it.
    public static func appendLiteral(_ s: String, dialect: SQLDialect, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "'"))
        for c in s.utf8 {
            if c == UInt8(ascii: "'") { out.append(c) }
            if c == 0 { continue }  // NUL cannot be stored; callers warn before it gets here
            if c == 0x0D && dialect == .sqlite {
                out.append(contentsOf: Array("' || char(13) || '".utf8))
                continue
            }
            out.append(c)
        }
        out.append(UInt8(ascii: "'"))
    }

    /// FNV-1a, 32 bits, of the UTF-8 bytes: stable across runs and machines.
    public static func stableHash(_ s: String) -> String {
        var h: UInt32 = 0x811C_9DC5
        for c in s.utf8 {
            h ^= UInt32(c)
            h = h &* 0x0100_0193
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// The column for a data key. A key that is already lowercase, at most 63 bytes, free of NUL
    /// and not one of the `reserved` names is used as it is. Any other key gets a name derived
    /// from the key alone — its lowercase letters, digits and `_`, cut short, then `_` and a
    /// hash of the exact key — so the same key maps to the same column on every run, and keys
    /// that differ only in case (SQLite compares names case-insensitively) never share one.
    public static func columnName(forKey key: String, reserved: Set<String>) -> String {
        if !key.isEmpty, key == key.lowercased(), key.utf8.count <= maxIdentifierBytes, !key.utf8.contains(0),
            !reserved.contains(key)
        {
            return key
        }
        var base: [UInt8] = []
        for c in key.lowercased().utf8 {
            let ok = (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
            if ok {
                base.append(c)
            } else if base.last != UInt8(ascii: "_") {
                base.append(UInt8(ascii: "_"))
            }
        }
        while base.first == UInt8(ascii: "_") { base.removeFirst() }
        while base.last == UInt8(ascii: "_") { base.removeLast() }
        if base.isEmpty { base = Array("field".utf8) }
        if base.count > maxIdentifierBytes - 9 { base = Array(base.prefix(maxIdentifierBytes - 9)) }
        return String(decoding: base, as: UTF8.self) + "_" + stableHash(key)
    }

    /// A table name derived from others (the `--rows` child table): as it is when short enough,
    /// else cut and suffixed with a stable hash.
    public static func derivedTableName(_ name: String) -> String {
        if name.utf8.count <= maxIdentifierBytes { return name }
        var cut = Substring(name)
        while cut.utf8.count > maxIdentifierBytes - 9 { cut = cut.dropLast() }
        return String(cut) + "_" + stableHash(name)
    }

    /// Whether `s` is a calendar date written YYYY-MM-DD.
    public static func isISODate(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return false }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), y >= 1, m >= 1, m <= 12, d >= 1 else {
            return false
        }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return d <= days
    }

    /// Whether `s` is an RFC 3339 timestamp (date, `T`, time, optional fraction, `Z` or offset).
    public static func isRFC3339(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count >= 20, isISODate(String(decoding: b[0..<10], as: UTF8.self)),
            b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t")
        else { return false }
        func digits(_ r: Range<Int>, max: Int) -> Bool {
            guard r.upperBound <= b.count else { return false }
            var v = 0
            for i in r {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return false }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v <= max
        }
        guard digits(11..<13, max: 23), b[13] == UInt8(ascii: ":"), digits(14..<16, max: 59),
            b[16] == UInt8(ascii: ":"),
            digits(17..<19, max: 60)
        else { return false }
        var i = 19
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
            if i == start { return false }
        }
        guard i < b.count else { return false }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") { return i + 1 == b.count }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), i + 6 == b.count else { return false }
        return digits((i + 1)..<(i + 3), max: 23) && b[i + 3] == UInt8(ascii: ":") && digits((i + 4)..<(i + 6), max: 59)
    }

    /// Removes NUL characters from every string and key. Returns whether anything changed.
    public static func stripNUL(_ v: inout JSONValue) -> Bool {
        switch v {
        case .string(let s):
            guard s.utf8.contains(0) else { return false }
            v = .string(String(s.unicodeScalars.filter { $0 != "\0" }.map(Character.init)))
            return true
        case .array(var a):
            var changed = false
            for i in a.indices where stripNUL(&a[i]) { changed = true }
            if changed { v = .array(a) }
            return changed
        case .object(var o):
            var changed = false
            for i in o.members.indices {
                if stripNUL(&o.members[i].value) { changed = true }
                if o.members[i].key.utf8.contains(0) {
                    o.members[i].key = String(o.members[i].key.unicodeScalars.filter { $0 != "\0" }.map(Character.init))
                    changed = true
                }
            }
            if changed { v = .object(o) }
            return changed
        default:
            return false
        }
    }
}

/// The type a typed column gets, from every value the run saw for it.
public enum SQLColumnType: Sendable, Equatable {
    case integer, real, boolean, date, text

    /// The column type's name in `d`: for SQLite a storage class (INTEGER, REAL, TEXT; booleans as INTEGER 0/1, dates
    /// as TEXT), for PostgreSQL NUMERIC, BOOLEAN, DATE or TEXT.
    ///
    /// Every number is NUMERIC in PostgreSQL, whole or not: a JSON number is a decimal of any length (RFC 8259 §6),
    /// NUMERIC holds each one exactly, and a column typed from one run's values must still hold the next run's (a
    /// first run of whole totals made BIGINT columns that rounded a later 930.75 to 931). SQLite needs no such rule:
    /// an INTEGER column keeps a non-whole value as REAL (its type affinity).
    public func name(_ d: SQLDialect) -> String {
        switch (self, d) {
        case (.integer, .sqlite): "INTEGER"
        case (.real, .sqlite): "REAL"
        case (.integer, .postgres), (.real, .postgres): "NUMERIC"
        case (.boolean, .sqlite): "INTEGER"
        case (.boolean, .postgres): "BOOLEAN"
        case (.date, .sqlite): "TEXT"
        case (.date, .postgres): "DATE"
        case (.text, _): "TEXT"
        }
    }
}

/// Gathers the kinds of value one key held.
struct TypeTally {
    var integers = false, reals = false, booleans = false, dates = false, texts = false, containers = false

    mutating func add(_ v: JSONValue) {
        switch v {
        case .null: break
        case .bool: booleans = true
        case .number(let n):
            if TypeTally.isInteger(n) { integers = true } else { reals = true }
        case .string(let s):
            if SQL.isISODate(s) { dates = true } else { texts = true }
        case .array, .object: containers = true
        }
    }

    static func isInteger(_ literal: String) -> Bool {
        !literal.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
            && Int64(literal) != nil
    }

    /// nil when the key ever held an object or array (those stay in the JSON column only).
    var type: SQLColumnType? {
        if containers { return nil }
        let numeric = integers || reals
        let kinds = (numeric ? 1 : 0) + (booleans ? 1 : 0) + ((dates || texts) ? 1 : 0)
        if kinds > 1 { return .text }
        if numeric { return reals ? .real : .integer }
        if booleans { return .boolean }
        if dates && !texts { return .date }
        return .text
    }
}

/// The typed columns of one table, keyed by data key, in first-seen order.
struct TypedColumns {
    var keys: [String] = []
    var tallies: [String: TypeTally] = [:]

    mutating func add(_ key: String, _ v: JSONValue) {
        if tallies[key] == nil { keys.append(key); tallies[key] = TypeTally() }
        tallies[key]!.add(v)
    }

    /// (key, column name, type) for the keys that get a column; warns about name clashes.
    func resolve(reserved: Set<String>, table: String) -> [(key: String, column: String, type: SQLColumnType)] {
        var out: [(String, String, SQLColumnType)] = []
        var used = Set(reserved.map { $0.lowercased() })
        for k in keys {
            guard let t = tallies[k]!.type else { continue }
            let c = SQL.columnName(forKey: k, reserved: reserved)
            if !used.insert(c.lowercased()).inserted {
                Diagnostics.warning(
                    "table \(table): key \(JSON.serialize(.string(k))) maps to column \(c), which is already taken; its values stay in the JSON column only"
                )
                continue
            }
            out.append((k, c, t))
        }
        return out
    }
}

/// What smole-sql is asked to write (its options).
public struct SQLOptions: Sendable {
    /// `--dialect`: SQLite by default.
    public var dialect = SQLDialect.sqlite
    /// `--table`: the documents table's name, `documents` by default; at most 63 bytes.
    public var table = "documents"
    /// `--rows`: a `data` field holding an array (a dotted path reaches into objects), whose items go to a child table
    /// `TABLE_FIELD` keyed by `path` and `idx`; nil for no child table.
    public var rows: String?
    /// SQLite only: the database file the SQL is for; its existing columns are read so that
    /// ALTER TABLE ADD COLUMN is emitted for exactly the missing ones.
    public var sqliteDB: String?
    /// The defaults: SQLite, table `documents`, no child table, no database file.
    public init() {}
}

/// What one smole-sql run wrote and met.
public struct SQLReport: Sendable {
    /// Documents written (one row each in the main table).
    public var documents = 0
    /// Rows written to the `--rows` child table.
    public var childRows = 0
    /// Input lines that were not valid records.
    public var badLines = 0
    /// Records left out because they have no usable `path`.
    public var skipped = 0
    /// Named inputs that could not be read.
    public var problems = InputProblems()

    /// 66 or 74 for an input that could not be read (sysexits.h), 1 when any line was bad or skipped, else 0.
    public var exitStatus: ExitStatus {
        if let s = problems.exitStatus { return s }
        return badLines + skipped > 0 ? .someErrors : .ok
    }
}

/// Writes the SQL for one run. Reads the stream twice from a spool (LatestRecords): once to
/// learn the columns and their types over the latest records, once to write the statements.
public final class SQLWriter {
    let options: SQLOptions
    let emit: ([UInt8]) -> Void
    /// The counts so far; complete once `run` returns.
    public private(set) var report = SQLReport()

    static let mainFixed = [
        "path", "name", "schema", "status", "sha256", "extracted_at", "error_code", "error_message", "data",
        "needs_review", "review",
    ]
    /// The review columns (issue 10), added to tables made before them: (name, type) per dialect.
    static func reviewColumns(_ d: SQLDialect) -> [(String, String)] {
        [("needs_review", SQLColumnType.boolean.name(d)), ("review", d == .postgres ? "JSONB" : "TEXT")]
    }
    static let childFixed = ["path", "idx", "item", "value"]

    /// A writer that hands each chunk of SQL text (UTF-8) to `emit`, in order.
    public init(options: SQLOptions, emit: @escaping ([UInt8]) -> Void) {
        self.options = options
        self.emit = emit
    }

    /// The usage message when `--table` or `--rows` cannot be used (empty, or a table name over 63 bytes), or nil.
    public static func validate(_ options: SQLOptions) -> String? {
        if options.table.isEmpty { return "--table needs a name" }
        if options.table.utf8.count > SQL.maxIdentifierBytes {
            return
                "--table \(options.table): longer than \(SQL.maxIdentifierBytes) bytes (PostgreSQL would cut it short)"
        }
        if let r = options.rows, r.isEmpty { return "--rows needs a field name" }
        return nil
    }

    func rowsValue(_ data: JSONValue?) -> [JSONValue]? {
        guard let field = options.rows, case .object(let o)? = data else { return nil }
        if let v = o[field] { return v.arrayValue ?? (v.isNull ? [] : [v]) }
        if field.contains(".") {
            var cur: JSONValue? = data
            for part in field.split(separator: ".", omittingEmptySubsequences: false) { cur = cur?[String(part)] }
            if let v = cur { return v.arrayValue ?? (v.isNull ? [] : [v]) }
        }
        return []
    }

    /// Writes the whole SQL script through `emit`: settings, `BEGIN`, `CREATE TABLE IF NOT EXISTS` (and the columns an
    /// older table lacks), one upsert per document's latest record, `COMMIT`.
    ///
    /// - Throws: `RecordError` `.unreadable` when the spool file cannot be made or `sqlite3` cannot read `--db`; with
    ///   `--db`, `.engineUnavailable` when `sqlite3` is not on `PATH`, `.timeout` after 120 s.
    /// - Returns: The run's counts, also in `report`.
    public func run(_ inputs: InputSet) throws -> SQLReport {
        let latest = try LatestRecords(inputs: inputs)
        report.problems = latest.problems
        let d = options.dialect
        var main = TypedColumns()
        var child = TypedColumns()
        var childScalars = TypeTally()

        // Pass one over the latest records: columns and types.
        latest.forEach { input in
            switch input.item {
            case .bad(let r):
                report.badLines += 1
                Diagnostics.badLine(r, source: input.source, line: input.line)
            case .path: break
            case .record(let r):
                guard r.documentPath != nil else {
                    if r.error?.code == .badRecord {
                        // A bad line, spooled and read back as the error record it became.
                        report.badLines += 1
                        Diagnostics.badLine(r, source: input.source, line: input.line)
                        return
                    }
                    report.skipped += 1
                    Diagnostics.error(
                        "record has no \"path\" (a string); it is left out", source: input.source, line: input.line)
                    return
                }
                var data = r.data ?? .null
                _ = SQL.stripNUL(&data)  // as pass two will store it
                if case .object(let o) = data {
                    for m in o.members where !(options.rows == m.key && m.value.arrayValue != nil) {
                        main.add(m.key, m.value)
                    }
                }
                if let items = rowsValue(data) {
                    for item in items {
                        if case .object(let io) = item {
                            for m in io.members { child.add(m.key, m.value) }
                        } else {
                            childScalars.add(item)
                        }
                    }
                }
            }
        }
        let table = options.table
        let mainCols = main.resolve(reserved: Set(SQLWriter.mainFixed), table: table)
        let childTable = options.rows.map { SQL.derivedTableName(table + "_" + $0) }
        let childCols = child.resolve(reserved: Set(SQLWriter.childFixed), table: childTable ?? "")
        let valueType = childScalars.type ?? .text
        var childAlters = ""

        // Header: settings, transaction, tables.
        let qt = SQL.quoteIdentifier(table)
        var head = "-- smole-sql \(Smole.version): \(d.rawValue) statements for table \(table)\n"
        if d == .postgres {
            head +=
                "SET standard_conforming_strings = on;\nSET client_encoding = 'UTF8';\nSET client_min_messages = warning;\n"
        }
        head += "BEGIN;\n"
        let json = d == .postgres ? "JSONB" : "TEXT"
        let stamp = d == .postgres ? "TIMESTAMPTZ" : "TEXT"
        var cols =
            [
                "\"path\" TEXT PRIMARY KEY", "\"name\" TEXT", "\"schema\" TEXT", "\"status\" TEXT", "\"sha256\" TEXT",
                "\"extracted_at\" \(stamp)", "\"error_code\" TEXT", "\"error_message\" TEXT", "\"data\" \(json)",
            ] + SQLWriter.reviewColumns(d).map { "\(SQL.quoteIdentifier($0.0)) \($0.1)" }
        for c in mainCols { cols.append("\(SQL.quoteIdentifier(c.column)) \(c.type.name(d))") }
        head += "CREATE TABLE IF NOT EXISTS \(qt) (\n  " + cols.joined(separator: ",\n  ") + "\n);\n"
        if d == .postgres {
            // tables made before the review columns get them
            for (c, t) in SQLWriter.reviewColumns(d) {
                head += "ALTER TABLE \(qt) ADD COLUMN IF NOT EXISTS \(SQL.quoteIdentifier(c)) \(t);\n"
            }
            for c in mainCols {
                head +=
                    "ALTER TABLE \(qt) ADD COLUMN IF NOT EXISTS \(SQL.quoteIdentifier(c.column)) \(c.type.name(d));\n"
            }
        }
        // SQLite with --db: add the columns an existing table lacks, and learn the typed columns of
        // earlier loads that this load does not write (a row this load replaces clears them).
        var staleColumns: [String] = []
        if d == .sqlite, let db = options.sqliteDB {
            let have = try SQLiteColumns.existing(db: db, table: table)
            let written = Set((SQLWriter.mainFixed + mainCols.map(\.column)).map(SQLiteColumns.asciiLower))
            staleColumns = have.filter { !written.contains($0) }.sorted()
            if !have.isEmpty {
                let fixedTypes = ["TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT"]
                let wanted =
                    zip(SQLWriter.mainFixed.dropFirst(), fixedTypes).map { ($0, $1) } + SQLWriter.reviewColumns(d)
                    + mainCols.map { ($0.column, $0.type.name(d)) }
                for (c, t) in wanted where !have.contains(SQLiteColumns.asciiLower(c)) {
                    head += "ALTER TABLE \(qt) ADD COLUMN \(SQL.quoteIdentifier(c)) \(t);\n"
                }
            }
            if let childTable {
                let haveChild = try SQLiteColumns.existing(db: db, table: childTable)
                if !haveChild.isEmpty {
                    let wanted =
                        [("item", "TEXT"), ("value", valueType.name(d))]
                        + childCols.map { ($0.column, $0.type.name(d)) }
                    for (c, t) in wanted where !haveChild.contains(SQLiteColumns.asciiLower(c)) {
                        childAlters +=
                            "ALTER TABLE \(SQL.quoteIdentifier(childTable)) ADD COLUMN \(SQL.quoteIdentifier(c)) \(t);\n"
                    }
                }
            }
        }
        if let childTable {
            let qc = SQL.quoteIdentifier(childTable)
            var ccols = [
                "\"path\" TEXT NOT NULL", "\"idx\" INTEGER NOT NULL", "\"item\" \(json)",
                "\"value\" \(valueType.name(d))",
            ]
            for c in childCols { ccols.append("\(SQL.quoteIdentifier(c.column)) \(c.type.name(d))") }
            ccols.append("PRIMARY KEY (\"path\", \"idx\")")
            head += "CREATE TABLE IF NOT EXISTS \(qc) (\n  " + ccols.joined(separator: ",\n  ") + "\n);\n"
            if d == .postgres {
                for c in childCols {
                    head +=
                        "ALTER TABLE \(qc) ADD COLUMN IF NOT EXISTS \(SQL.quoteIdentifier(c.column)) \(c.type.name(d));\n"
                }
            }
            head += childAlters
        }
        emit(Array(head.utf8))

        // The statement text that is the same for every document.
        let mainNames = SQLWriter.mainFixed + mainCols.map(\.column)
        let insertHead = Array(
            ("INSERT INTO \(qt) (" + mainNames.map(SQL.quoteIdentifier).joined(separator: ", ") + ") VALUES (").utf8)
        // The ResultFold rule holds across loads too: an ok result or an error about the document
        // replaces the row; an error that says nothing about the document (an outage, a timeout)
        // replaces it only when it is not ok; an input record (no result) only adds a missing row.
        let setAll =
            ") ON CONFLICT (\"path\") DO UPDATE SET "
            + mainNames.dropFirst().map { "\(SQL.quoteIdentifier($0)) = excluded.\(SQL.quoteIdentifier($0))" }.joined(
                separator: ", ")
        let notOK = d == .postgres ? "\(qt).\"status\" IS DISTINCT FROM 'ok'" : "\(qt).\"status\" IS NOT 'ok'"
        let upsertTail = Array((setAll + ";\n").utf8)
        let upsertUnlessOKTail = Array((setAll + " WHERE \(notOK);\n").utf8)
        let insertOnlyTail = Array(") ON CONFLICT (\"path\") DO NOTHING;\n".utf8)
        let notOKRow = Array(" AND NOT EXISTS (SELECT 1 FROM \(qt) WHERE \(qt).\"path\" = ".utf8)
        let childNames = ["path", "idx", "item", "value"] + childCols.map(\.column)
        let childInsertHead = childTable.map {
            Array(
                ("INSERT INTO \(SQL.quoteIdentifier($0)) ("
                    + childNames.map(SQL.quoteIdentifier).joined(separator: ", ") + ") VALUES (").utf8)
        }
        let childDeleteHead = childTable.map { Array("DELETE FROM \(SQL.quoteIdentifier($0)) WHERE \"path\" = ".utf8) }

        // Pass two: the statements.
        var out: [UInt8] = []
        var warnedNUL = 0
        latest.forEach { input in
            var r: Record
            switch input.item {
            case .bad: return
            case .path(let p): r = Record(path: p)
            case .record(let rec): r = rec
            }
            guard r.documentPath != nil else { return }
            var whole = JSONValue.object(r.object)
            if SQL.stripNUL(&whole) {
                warnedNUL += 1
                Diagnostics.warning(
                    "NUL characters removed: SQL text cannot hold them", source: input.source, line: input.line)
                if case .object(let o) = whole { r = Record(o) }
            }
            // The upsert key is the document's canonical key (DocumentKey), so the same file named
            // `./docs/x.pdf`, `docs//x.pdf` or `$PWD/docs/x.pdf` is one row, run after run.
            guard let path = r.key?.display else { return }
            report.documents += 1
            out.removeAll(keepingCapacity: true)
            out.append(contentsOf: insertHead)
            SQL.appendLiteral(path, dialect: options.dialect, into: &out)
            out.append(contentsOf: Array(", ".utf8))
            appendText(r["name"], &out)
            out.append(contentsOf: Array(", ".utf8))
            appendText(r["schema"], &out)
            out.append(contentsOf: Array(", ".utf8))
            appendText(r["status"], &out)
            out.append(contentsOf: Array(", ".utf8))
            appendText(r["sha256"], &out)
            out.append(contentsOf: Array(", ".utf8))
            if case .string(let f)? = r["finished_at"], d == .sqlite || SQL.isRFC3339(f) {
                SQL.appendLiteral(f, dialect: options.dialect, into: &out)
            } else {
                if let f = r["finished_at"], !f.isNull {
                    Diagnostics.warning(
                        "finished_at \(JSON.serialize(f)) is not an RFC 3339 time; extracted_at is left NULL",
                        source: input.source, line: input.line)
                }
                out.append(contentsOf: Array("NULL".utf8))
            }
            out.append(contentsOf: Array(", ".utf8))
            let err = r["error"]?.objectValue
            appendText(err?["code"], &out)
            out.append(contentsOf: Array(", ".utf8))
            appendText(err?["message"], &out)
            out.append(contentsOf: Array(", ".utf8))
            if let data = r.data, !data.isNull {
                SQL.appendLiteral(JSON.serialize(data), dialect: options.dialect, into: &out)
                if d == .postgres { out.append(contentsOf: Array("::jsonb".utf8)) }
            } else {
                out.append(contentsOf: Array("NULL".utf8))
            }
            // needs_review and review: NULL for a record without a review (errors, results from before reviews)
            out.append(contentsOf: Array(", ".utf8))
            if case .object(let rv)? = r["review"] {
                if let needed = Review.codes(of: .object(rv))?.needed {
                    out.append(
                        contentsOf: Array((d == .postgres ? (needed ? "TRUE" : "FALSE") : (needed ? "1" : "0")).utf8))
                } else {
                    out.append(contentsOf: Array("NULL".utf8))
                }
                out.append(contentsOf: Array(", ".utf8))
                SQL.appendLiteral(JSON.serialize(.object(rv)), dialect: options.dialect, into: &out)
                if d == .postgres { out.append(contentsOf: Array("::jsonb".utf8)) }
            } else {
                out.append(contentsOf: Array("NULL, NULL".utf8))
            }
            let dataObject = r.data?.objectValue
            for c in mainCols {
                out.append(contentsOf: Array(", ".utf8))
                appendTyped(dataObject?[c.key], c.type, input, &out)
            }
            let kept = ResultFold.Kept(r)
            let replacesOK = ResultFold.replaces(kept: .ok, next: r)
            out.append(contentsOf: kept == .input ? insertOnlyTail : replacesOK ? upsertTail : upsertUnlessOKTail)
            if kept != .input, replacesOK, !staleColumns.isEmpty {
                // No value of an earlier result stays beside this one (an error row has no data).
                out.append(
                    contentsOf: Array(
                        ("UPDATE \(qt) SET "
                            + staleColumns.map { "\(SQL.quoteIdentifier($0)) = NULL" }.joined(separator: ", ")
                            + " WHERE \"path\" = ").utf8))
                SQL.appendLiteral(path, dialect: options.dialect, into: &out)
                out.append(contentsOf: Array(";\n".utf8))
            }
            if kept != .input, let childDeleteHead, let childInsertHead {
                out.append(contentsOf: childDeleteHead)
                SQL.appendLiteral(path, dialect: options.dialect, into: &out)
                if !replacesOK {
                    // The row stayed ok: its items stay too.
                    out.append(contentsOf: notOKRow)
                    SQL.appendLiteral(path, dialect: options.dialect, into: &out)
                    out.append(contentsOf: Array(" AND \"status\" = 'ok')".utf8))
                }
                out.append(contentsOf: Array(";\n".utf8))
                for (i, item) in (rowsValue(r.data) ?? []).enumerated() {
                    out.append(contentsOf: childInsertHead)
                    SQL.appendLiteral(path, dialect: options.dialect, into: &out)
                    out.append(contentsOf: Array(", \(i), ".utf8))
                    SQL.appendLiteral(JSON.serialize(item), dialect: options.dialect, into: &out)
                    if d == .postgres { out.append(contentsOf: Array("::jsonb".utf8)) }
                    out.append(contentsOf: Array(", ".utf8))
                    let io = item.objectValue
                    appendTyped(io == nil ? item : nil, valueType, input, &out)
                    for c in childCols {
                        out.append(contentsOf: Array(", ".utf8))
                        appendTyped(io?[c.key], c.type, input, &out)
                    }
                    out.append(contentsOf: Array(");\n".utf8))
                    report.childRows += 1
                }
            }
            emit(out)
        }
        emit(Array("COMMIT;\n".utf8))
        return report
    }

    /// A text column: strings as literals, numbers and booleans as their text, NULL otherwise.
    private func appendText(_ v: JSONValue?, _ out: inout [UInt8]) {
        switch v {
        case .string(let s)?: SQL.appendLiteral(s, dialect: options.dialect, into: &out)
        case .number(let n)?: SQL.appendLiteral(n, dialect: options.dialect, into: &out)
        case .bool(let b)?: SQL.appendLiteral(b ? "true" : "false", dialect: options.dialect, into: &out)
        case .array?, .object?: SQL.appendLiteral(JSON.serialize(v!), dialect: options.dialect, into: &out)
        default: out.append(contentsOf: Array("NULL".utf8))
        }
    }

    private func appendTyped(_ v: JSONValue?, _ type: SQLColumnType, _ input: InputLine, _ out: inout [UInt8]) {
        guard let v, !v.isNull else { out.append(contentsOf: Array("NULL".utf8)); return }
        switch (type, v) {
        case (.integer, .number(let n)) where options.dialect == .postgres,
            (.real, .number(let n)) where options.dialect == .postgres:
            // A quoted literal is read by the column's own input function, so a value an existing column cannot
            // hold exactly (930.75 into a BIGINT column an earlier version made) fails the transaction instead of
            // being rounded by an assignment cast.
            SQL.appendLiteral(n, dialect: .postgres, into: &out)
        case (.integer, .number(let n)):
            out.append(contentsOf: Array(n.utf8))
        case (.real, .number(let n)):
            if let x = Double(n), x.isFinite {
                out.append(contentsOf: Array(n.utf8))
            } else {
                Diagnostics.warning(
                    "number \(n) is out of range for a floating-point column; stored as NULL",
                    source: input.source, line: input.line)
                out.append(contentsOf: Array("NULL".utf8))
            }
        case (.boolean, .bool(let b)):
            let s = options.dialect == .postgres ? (b ? "TRUE" : "FALSE") : (b ? "1" : "0")
            out.append(contentsOf: Array(s.utf8))
        case (.date, .string(let s)):
            SQL.appendLiteral(s, dialect: options.dialect, into: &out)
        default:
            appendText(v, &out)
        }
    }
}

// MARK: - SQLite: the columns a table already has

/// SQLite has no `ADD COLUMN IF NOT EXISTS`, and SQL text cannot ask the database which
/// columns exist. With `--db FILE` smole-sql asks it itself, read-only, by running
/// `sqlite3 -readonly FILE "SELECT hex(name) FROM pragma_table_info(...)"` (an argument array,
/// no shell), and emits ALTER TABLE ADD COLUMN only for the columns the table lacks.
public enum SQLiteColumns {
    /// The lowercased column names of `table` in `db`; empty when the file or the table does not exist yet.
    ///
    /// - Throws: `RecordError` `.unreadable` when sqlite3 fails on the file, `.engineUnavailable` when sqlite3 is
    ///   not on `PATH` or cannot start, `.timeout` after 120 s.
    public static func existing(db: String, table: String) throws(RecordError) -> Set<String> {
        var st = stat()
        if stat(db, &st) != 0 { return [] }
        let query = "SELECT hex(name) FROM pragma_table_info(\(SQL.literal(table)));"
        let (status, out, err) = try run(["sqlite3", "-readonly", "-batch", "-noheader", "-list", "-bail", db, query])
        guard status == 0 else {
            throw RecordError(
                .unreadable, "sqlite3 could not read \(db): \(err.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        var names = Set<String>()
        for line in out.split(separator: "\n") {
            var bytes: [UInt8] = []
            var it = line.utf8.makeIterator()
            while let h = it.next(), let l = it.next() {
                guard let hi = hexValue(h), let lo = hexValue(l) else { break }
                bytes.append(hi << 4 | lo)
            }
            names.insert(asciiLower(String(decoding: bytes, as: UTF8.self)))
        }
        return names
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    /// SQLite compares identifiers case-insensitively for ASCII letters only.
    public static func asciiLower(_ s: String) -> String {
        String(decoding: s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    /// Runs a program found on PATH through the shared `Spawn` runner (both pipes drained with
    /// poll, a deadline); returns (status, stdout, stderr).
    static func run(_ argv: [String]) throws(RecordError) -> (Int32, String, String) {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        let candidates: [String] = dirs.map { String($0) + "/" + argv[0] }
        guard let exe = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw RecordError(.engineUnavailable, "cannot run \(argv[0]): not found on PATH")
        }
        switch Spawn.runBlocking(
            exe, Array(argv.dropFirst()), timeout: .seconds(120), outputLimit: 256 << 20, handle: Spawn.Handle())
        {
        case .finished(let r): return (r.status, r.text, r.stderr)
        case .timedOut: throw RecordError(.timeout, "\(argv[0]) did not finish within 120 s")
        case .cancelled: throw RecordError(.cancelled, "\(argv[0]) was cancelled")
        case .failed(let why): throw RecordError(.engineUnavailable, "cannot run \(argv[0]): \(why)")
        }
    }
}
