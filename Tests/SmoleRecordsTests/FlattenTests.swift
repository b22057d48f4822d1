import Testing

@testable import SmoleRecords
@testable import SmoleTools

@Suite struct FlattenTests {
    func rows(_ json: String, rows field: String? = nil) throws -> [[(String, String)]] {
        try Flatten.rows(JSON.parse(json), rows: field)
    }

    func names(_ row: [(String, String)]) -> [String] { row.map(\.0) }
    func cell(_ row: [(String, String)], _ name: String) -> String? { row.first { $0.0 == name }?.1 }

    @Test func nestedKeysJoinWithDots() throws {
        let r = try rows(#"{"a":{"b":{"c":1},"d":"x"},"e":true}"#)
        #expect(r.count == 1)
        #expect(names(r[0]) == ["a.b.c", "a.d", "e"])
        #expect(cell(r[0], "a.b.c") == "1")
        #expect(cell(r[0], "e") == "true")
    }

    @Test func scalarsNullsAndNumberLiterals() throws {
        let r = try rows(#"{"n":null,"f":1.50,"big":12345678901234567890,"neg":-0.0,"s":"-5"}"#)[0]
        #expect(cell(r, "n") == "")
        #expect(cell(r, "f") == "1.50")
        #expect(cell(r, "big") == "12345678901234567890")
        #expect(cell(r, "neg") == "-0.0")
        #expect(cell(r, "s") == "-5")
    }

    @Test func arraysOfScalarsJoinWithSemicolons() throws {
        let r = try rows(#"{"parties":["ACME","Bob; Co",null,3,false],"empty":[]}"#)[0]
        #expect(cell(r, "parties") == "ACME; Bob; Co; ; 3; false")
        #expect(cell(r, "empty") == "")
    }

    @Test func arraysOfObjectsBecomeJSONText() throws {
        let r = try rows(#"{"line_items":[{"d":"a","q":1},{"d":"b\n","q":2}],"mixed":[1,[2]]}"#)[0]
        #expect(cell(r, "line_items") == #"[{"d":"a","q":1},{"d":"b\n","q":2}]"#)
        #expect(cell(r, "mixed") == "[1,[2]]")
    }

    @Test func emptyObjectGivesNoColumn() throws {
        let r = try rows(#"{"a":{},"b":1}"#)[0]
        #expect(names(r) == ["b"])
    }

    @Test func topLevelKeysThatCollideWithRecordColumnsArePrefixed() throws {
        let r = try rows(#"{"path":"p","schema":"s","status":"x","error":{"code":"c"},"error.message":"m","pathx":1}"#)[
            0]
        #expect(
            names(r) == ["data.path", "data.schema", "data.status", "data.error.code", "data.error.message", "pathx"])
    }

    @Test func sameDottedNameSharesOneColumn() throws {
        let tree = ColumnTree()
        let f = Flattener(tree: tree, rows: nil)
        var cols: [Int32] = []
        f.walk(try JSON.parse(#"{"a.b":1,"a":{"b":2}}"#), leaf: { c, _ in cols.append(c) }, explode: { _, _ in })
        #expect(cols.count == 2)
        #expect(cols[0] == cols[1])
        #expect(tree.names[Int(cols[0])] == "a.b")
    }

    @Test func rowsExplodeKeepsPositionAndRepeatsDocumentFields() throws {
        let r = try rows(#"{"v":"ACME","items":[{"d":"a","q":1},{"d":"b","x":{"y":2}}],"total":3}"#, rows: "items")
        #expect(r.count == 2)
        #expect(names(r[0]) == ["v", "items.d", "items.q", "total"])
        #expect(names(r[1]) == ["v", "items.d", "items.x.y", "total"])
        #expect(cell(r[1], "items.x.y") == "2")
        #expect(cell(r[0], "total") == "3" && cell(r[1], "total") == "3")
        #expect(cell(r[0], "v") == "ACME" && cell(r[1], "v") == "ACME")
    }

    @Test func rowsWithEmptyOrMissingArrayGiveOneRow() throws {
        #expect(try rows(#"{"v":1,"items":[]}"#, rows: "items").count == 1)
        #expect(try rows(#"{"v":1}"#, rows: "items").count == 1)
        #expect(try rows(#"{"v":1,"items":null}"#, rows: "items")[0].map(\.0) == ["v", "items"])
    }

    @Test func rowsOfScalarsUseTheFieldColumn() throws {
        let r = try rows(#"{"parties":["A","B"]}"#, rows: "parties")
        #expect(r.map { cell($0, "parties") } == ["A", "B"])
    }

    @Test func rowsFieldMayBeNested() throws {
        let r = try rows(#"{"order":{"lines":[{"n":1},{"n":2}],"id":7}}"#, rows: "order.lines")
        #expect(r.count == 2)
        #expect(names(r[0]) == ["order.lines.n", "order.id"])
        #expect(r.map { cell($0, "order.lines.n") } == ["1", "2"])
    }

    @Test func nestedArraysInsideItemsStayJSON() throws {
        let r = try rows(#"{"items":[{"sub":[{"a":1}]}]}"#, rows: "items")
        #expect(cell(r[0], "items.sub") == #"[{"a":1}]"#)
    }
}
