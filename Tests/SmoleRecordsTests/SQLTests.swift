import Testing

@testable import SmoleRecords
@testable import SmoleTools

@Suite struct SQLEscapingTests {
    @Test func identifiersAreQuotedWithInnerQuotesDoubled() {
        #expect(SQL.quoteIdentifier("documents") == "\"documents\"")
        #expect(SQL.quoteIdentifier("a\"b") == "\"a\"\"b\"")
        #expect(SQL.quoteIdentifier("x\"; DROP TABLE y; --") == "\"x\"\"; DROP TABLE y; --\"")
    }

    @Test func literalsDoubleQuotesAndKeepBackslashesAndNewlines() {
        #expect(SQL.literal("O'Brien") == "'O''Brien'")
        #expect(SQL.literal("'; DROP TABLE documents; --") == "'''; DROP TABLE documents; --'")
        #expect(SQL.literal("C:\\path\\") == "'C:\\path\\'")
        #expect(SQL.literal("a\nb\r\nc") == "'a\nb\r\nc'")
        #expect(SQL.literal("") == "''")
    }

    @Test func sqliteLiteralsSpellCarriageReturnsAsChar13() {
        // The sqlite3 shell drops a CR that ends an input line, even inside a literal.
        #expect(SQL.literal("a\r\nb", dialect: .sqlite) == "'a' || char(13) || '\nb'")
        #expect(SQL.literal("a\r\nb", dialect: .postgres) == "'a\r\nb'")
        #expect(SQL.literal("it's\r", dialect: .sqlite) == "'it''s' || char(13) || ''")
    }

    @Test func literalsNeverCarryNUL() {
        #expect(SQL.literal("a\u{0}b") == "'ab'")
    }

    @Test func stripNULReachesKeysAndNestedValues() throws {
        var v = try JSON.parse(#"{"k\u0000":"a\u0000b","n":[{"x":"\u0000"}],"ok":1}"#)
        #expect(SQL.stripNUL(&v))
        #expect(JSON.serialize(v) == #"{"k":"ab","n":[{"x":""}],"ok":1}"#)
        var clean = try JSON.parse(#"{"a":"b"}"#)
        #expect(!SQL.stripNUL(&clean))
    }
}

@Suite struct SQLNamingTests {
    let reserved: Set<String> = ["path", "name", "data"]

    @Test func plainLowercaseKeysAreKept() {
        #expect(SQL.columnName(forKey: "invoice_number", reserved: reserved) == "invoice_number")
        #expect(SQL.columnName(forKey: "größe", reserved: reserved) == "größe")
        #expect(SQL.columnName(forKey: "due date", reserved: reserved) == "due date")
    }

    @Test func otherKeysGetAStableHashedName() {
        let a = SQL.columnName(forKey: "Total", reserved: reserved)
        let b = SQL.columnName(forKey: "total", reserved: reserved)
        let c = SQL.columnName(forKey: "TOTAL", reserved: reserved)
        #expect(a.hasPrefix("total_") && a.count == "total_".count + 8)
        #expect(b == "total")
        #expect(Set([a.lowercased(), b.lowercased(), c.lowercased()]).count == 3)
        #expect(a == SQL.columnName(forKey: "Total", reserved: reserved))
        #expect(SQL.stableHash("Total") == "\(a.dropFirst(6))")
    }

    @Test func reservedKeysAreRenamed() {
        let p = SQL.columnName(forKey: "path", reserved: reserved)
        #expect(p != "path" && p.hasPrefix("path_"))
        #expect(SQL.columnName(forKey: "Path", reserved: reserved) != p)
    }

    @Test func longKeysFitIn63BytesAndStayDistinct() {
        let base = String(repeating: "k", count: 80)
        let a = SQL.columnName(forKey: base + "a", reserved: reserved)
        let b = SQL.columnName(forKey: base + "b", reserved: reserved)
        #expect(a.utf8.count <= 63 && b.utf8.count <= 63)
        #expect(a != b)
        let multibyte = String(repeating: "é", count: 40)
        #expect(SQL.columnName(forKey: multibyte, reserved: reserved).utf8.count <= 63)
    }

    @Test func hostileKeysBecomeSafeNames() {
        let n = SQL.columnName(forKey: "x\"; DROP TABLE documents; --", reserved: reserved)
        #expect(n.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" })
        #expect(SQL.columnName(forKey: "a\u{0}b", reserved: reserved).utf8.contains(0) == false)
        #expect(SQL.columnName(forKey: "", reserved: reserved).hasPrefix("field_"))
    }

    @Test func derivedTableNamesAreCut() {
        #expect(SQL.derivedTableName("documents_line_items") == "documents_line_items")
        let long = SQL.derivedTableName(String(repeating: "t", count: 70) + "_items")
        #expect(long.utf8.count <= 63)
    }
}

@Suite struct SQLTypeTests {
    func type(_ values: [JSONValue]) -> SQLColumnType? {
        var t = TypeTally()
        for v in values { t.add(v) }
        return t.type
    }

    @Test func typesFollowTheValues() {
        #expect(type([1, 2, .null]) == .integer)
        #expect(type([1, .number("2.5")]) == .real)
        #expect(type([.number("1e3")]) == .real)
        #expect(type([.number("99999999999999999999")]) == .real)
        #expect(type([true, false]) == .boolean)
        #expect(type(["2024-02-29", .null]) == .date)
        #expect(type(["2023-02-29"]) == .text)
        #expect(type(["2024-01-01", "soon"]) == .text)
        #expect(type([1, "x"]) == .text)
        #expect(type([true, 1]) == .text)
        #expect(type([.null]) == .text)
        #expect(type([1, [1]]) == nil)
        #expect(type([["a": 1]]) == nil)
    }

    @Test func dialectTypeNames() {
        #expect(SQLColumnType.integer.name(.postgres) == "NUMERIC")
        #expect(SQLColumnType.real.name(.postgres) == "NUMERIC")
        #expect(SQLColumnType.real.name(.sqlite) == "REAL")
        #expect(SQLColumnType.boolean.name(.sqlite) == "INTEGER")
        #expect(SQLColumnType.date.name(.postgres) == "DATE")
    }

    @Test func datesAndTimestamps() {
        #expect(SQL.isISODate("2024-12-31"))
        #expect(!SQL.isISODate("2024-13-01"))
        #expect(!SQL.isISODate("2024-1-01"))
        #expect(!SQL.isISODate("0000-01-01"))
        #expect(SQL.isRFC3339("2026-01-02T03:04:05Z"))
        #expect(SQL.isRFC3339("2026-01-02T03:04:05.123+02:00"))
        #expect(!SQL.isRFC3339("2026-01-02 03:04:05"))
        #expect(!SQL.isRFC3339("2026-01-02T25:04:05Z"))
        #expect(!SQL.isRFC3339("yesterday"))
    }
}
