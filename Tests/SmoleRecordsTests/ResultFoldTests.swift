import Foundation
import SmoleRecords
import Testing

/// `ResultFold.Latest`, the one fold smole-summary, smole-csv, smole-sql and smole-retry read a results stream by.
@Suite struct ResultFoldTests {
    func record(_ json: String) throws -> Record {
        Record(try #require(try JSON.parse(json).objectValue))
    }

    @Test func theLatestRecordDescribesTheDocumentUnlessItSaysNothingAboutIt() throws {
        var fold = ResultFold.Latest<String, String>()
        #expect(fold.offer(try record(#"{"path":"a"}"#), key: "a") { "input" })
        #expect(
            fold.offer(
                try record(
                    #"{"path":"a","status":"error","error":{"code":"network","message":"down","retryable":true}}"#),
                key: "a"
            ) { "network" })
        #expect(fold.offer(try record(#"{"path":"a","status":"ok"}"#), key: "a") { "ok" })
        // An outage, an input record and a bare path line after an ok result leave it in place.
        #expect(
            !fold.offer(
                try record(
                    #"{"path":"a","status":"error","error":{"code":"timeout","message":"slow","retryable":true}}"#),
                key: "a"
            ) { "timeout" })
        #expect(!fold.offer(try record(#"{"path":"a","schema":"invoice"}"#), key: "a") { "input again" })
        #expect(!fold.offer(nil, key: "a") { "bare path" })
        #expect(fold["a"] == "ok")
        // A permanent error about the document itself replaces it.
        #expect(
            fold.offer(
                try record(
                    #"{"path":"a","status":"error","error":{"code":"not_found","message":"gone","retryable":false}}"#),
                key: "a"
            ) { "gone" })
        #expect(fold["a"] == "gone")
    }

    @Test func aBarePathCountsAsAnInputAndKeysKeepTheirFirstOrder() throws {
        var fold = ResultFold.Latest<String, Int>()
        fold.offer(nil, key: "b") { 1 }
        fold.offer(try record(#"{"path":"a","status":"ok"}"#), key: "a") { 2 }
        #expect(fold.offer(nil, key: "b") { 3 }, "a bare path replaces an input")
        #expect(fold.offer(try record(#"{"path":"b","status":"ok"}"#), key: "b") { 4 })
        #expect(fold.keys == ["b", "a"])
        #expect(fold.values == [4, 2])
        #expect(fold.count == 2)
        #expect(fold["c"] == nil)
    }

    @Test func theValueIsMadeOnlyWhenItIsKept() throws {
        var fold = ResultFold.Latest<String, Int>()
        var made = 0
        fold.offer(try record(#"{"path":"a","status":"ok"}"#), key: "a") {
            made += 1; return 1
        }
        fold.offer(try record(#"{"path":"a"}"#), key: "a") {
            made += 1; return 2
        }
        #expect(made == 1)
        #expect(fold["a"] == 1)
    }
}
