import Testing

@testable import SmoleRecords

@Suite struct JSONTests {
    @Test func roundTripKeepsOrderAndNumberLiterals() throws {
        let text = #"{"z":1.10,"a":[1,2e3,-0.5],"s":"é\n\"q\"","n":null,"b":true,"big":12345678901234567890}"#
        let v = try JSON.parse(text)
        #expect(JSON.serialize(v) == text)
        #expect(v["z"] == .number("1.10"))
        #expect(v.objectValue?.keys == ["z", "a", "s", "n", "b", "big"])
    }

    @Test func escapesAndSurrogates() throws {
        let v = try JSON.parse(#"{"k":"\u00e9\ud83d\ude00\t\u0001"}"#)
        #expect(v["k"]?.stringValue == "é😀\t\u{01}")
        #expect(JSON.serialize(v) == #"{"k":"é😀\t\u0001"}"#)
    }

    @Test(arguments: [
        "{", #"{"a":}"#, #"{"a":1,}"#, "[1,2", #"{"a":"x"} trailing"#, #"{"a":01}"#, #"{"a":"\ud800"}"#,
        #"{"a":tru}"#, "{\"a\":\"\u{01}\"}",
    ])
    func rejectsMalformed(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSON.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        let bytes: [UInt8] = Array(#"{"a":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8)
        #expect(throws: JSONParseError.self) { try JSON.parse(bytes) }
    }

    @Test func objectSubscriptReplacesAndRemoves() {
        var o = JSONObject([("a", 1), ("b", 2), ("a", 3)])
        #expect(o["a"] == 3)
        o["a"] = "x"
        #expect(o.keys == ["a", "b"])
        o["b"] = nil
        #expect(o.keys == ["a"])
    }

    @Test func doublesFormatCleanly() {
        #expect(JSONValue(12.0) == .number("12"))
        #expect(JSONValue(12.5) == .number("12.5"))
        #expect(JSONValue(Double.nan) == .null)
    }
}
