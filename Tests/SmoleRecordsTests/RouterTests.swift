import Testing

@testable import SmoleRecords
@testable import SmoleTools

@Suite struct RouterTests {
    func rules(_ specs: String...) throws -> [RouteRule] {
        try specs.map { try RouteRule.parse(option: $0) }
    }

    @Test func firstMatchWinsAndKinds() throws {
        let r = Router(
            rules: try rules(
                "receipt=*receipt*", "contract=path:**/contracts/**", "invoice=re:INV-[0-9]+", "other=scans/*.png"))
        #expect(r.firstMatch(path: "x/2024-RECEIPT.pdf") == 0)
        #expect(r.firstMatch(path: "a/contracts/b/lease.pdf") == 1)
        #expect(r.firstMatch(path: "contracts/lease.pdf") == 1)
        #expect(r.firstMatch(path: "a/INV-0042.pdf") == 2)
        #expect(r.firstMatch(path: "a/inv-0042.pdf") == nil)  // regexes are case-sensitive
        #expect(r.firstMatch(path: "./scans/a.PNG") == 3)  // a glob with / is a path glob
        #expect(r.firstMatch(path: "x/scans/a.png") == nil)
        #expect(r.firstMatch(path: "receipts/contracts/INV-1.pdf") == 1)  // name glob sees the base name only
    }

    @Test func routeLabelsAndPrecedence() async throws {
        let r = Router(rules: try rules("receipt=*receipt*"), defaultSchema: "invoice")
        let (a, oa) = await r.route(Record(path: "d/receipt1.pdf"), source: nil, line: nil)
        #expect(a.schema == "receipt" && a["route"] == .string("rule 1: *receipt*") && oa == .routed)
        let (b, _) = await r.route(Record(path: "d/other.pdf"), source: nil, line: nil)
        #expect(b.schema == "invoice" && b["route"] == .string("default"))

        var pre = Record(path: "d/receipt1.pdf")
        pre["schema"] = .string("contract")
        pre["extra"] = .number("1.50")
        let (c, oc) = await r.route(pre, source: nil, line: nil)
        #expect(c == pre && oc == .kept)
        r.override = true
        let (d, _) = await r.route(pre, source: nil, line: nil)
        #expect(d.schema == "receipt" && d["extra"] == .number("1.50"))
        #expect(d.object.keys == ["path", "schema", "extra", "route"])
    }

    @Test func overrideWithoutAMatchKeepsTheSchema() async throws {
        let r = Router(rules: try rules("receipt=*receipt*"))
        r.override = true
        var pre = Record(path: "d/nda.pdf")
        pre["schema"] = .string("contract")
        pre["route"] = .string("rule 3: *nda*")
        let (a, o) = await r.route(pre, source: nil, line: nil)
        #expect(a == pre && o == .kept)
        pre["path"] = .string("d/receipt.pdf")
        let (b, _) = await r.route(pre, source: nil, line: nil)
        #expect(b.schema == "receipt" && b["route"] == .string("rule 1: *receipt*"))
    }

    @Test func unroutedGetsNulls() async throws {
        let r = Router(rules: try rules("receipt=*receipt*"))
        let (a, o) = await r.route(Record(path: "x.pdf"), source: "<stdin>", line: 3)
        #expect(a["schema"] == .null && a["route"] == .null && o == .unrouted)
    }

    @Test func errorRecordsPassUntouched() async throws {
        let r = Router(rules: [], defaultSchema: "invoice")
        var e = Record(path: "gone.pdf")
        e.setError(RecordError(.notFound, "gone"))
        let (out, o) = await r.route(e, source: nil, line: nil)
        #expect(out == e && o == .error)
    }

    @Test func classifierThenDefault() async throws {
        let r = Router(rules: [], defaultSchema: "invoice")
        r.minConfidence = 0.6
        r.classifier = { path in
            if path.hasSuffix("r.pdf") { return (schema: "receipt", confidence: 0.914) }
            if path.hasSuffix("weak.pdf") { return (schema: "contract", confidence: 0.3) }
            if path.hasSuffix("boom.pdf") { throw RecordError(.notFound, "\(path): no such file") }
            return nil
        }
        let (a, _) = await r.route(Record(path: "r.pdf"), source: nil, line: nil)
        #expect(a.schema == "receipt" && a["route"] == .string("content: receipt 0.91"))
        for p in ["weak.pdf", "boom.pdf", "none.pdf"] {
            let (b, o) = await r.route(Record(path: p), source: nil, line: nil)
            #expect(b.schema == "invoice" && b["route"] == .string("default") && o == .routed, "\(p)")
        }
    }

    @Test(arguments: ["noequals", "=*.pdf", "invoice=", "invoice=re:([", "invoice=re:", "in voice=*.pdf", "x=path:"])
    func badRuleOptions(_ spec: String) {
        #expect(throws: RouteRuleError.self) { try RouteRule.parse(option: spec) }
    }

    @Test func badRegexNamesTheRule() {
        do {
            _ = try RouteRule.parse(option: "invoice=re:([")
            Issue.record("no error")
        } catch {
            #expect(error.message.contains("--rule 'invoice=re:(['"))
            #expect(error.message.contains("invalid regular expression"))
        }
    }

    @Test func rulesFile() throws {
        let text = """
            # schema  patterns...
            receipt  *receipt*  *bon*   # inline comment
            \r
            contract "path:**/signed contracts/**" 're:#\\d+'
            invoice re:^in/
            """
        let rs = try RouteRule.parse(file: text, name: "rules.txt")
        #expect(rs.map(\.schema) == ["receipt", "receipt", "contract", "contract", "invoice"])
        #expect(rs.map(\.pattern) == ["*receipt*", "*bon*", "path:**/signed contracts/**", "re:#\\d+", "re:^in/"])
        #expect(rs[2].origin == "rules.txt:4")
        let r = Router(rules: rs)
        #expect(r.firstMatch(path: "x/Signed Contracts/a.pdf") == 2)
        #expect(r.firstMatch(path: "x/doc#12.pdf") == 3)
    }

    @Test(arguments: [
        ("invoice\n", "rules.txt:1"), ("ok *.pdf\nbad 're:(('\n", "rules.txt:2"),
        ("a *.pdf\n\nb 'open\n", "rules.txt:3"),
        ("a *.pdf\r\n# c\r\nb re:((\r\n", "rules.txt:3"),
    ])
    func rulesFileErrorsNameTheLine(_ text: String, _ place: String) {
        do {
            _ = try RouteRule.parse(file: text, name: "rules.txt")
            Issue.record("no error for \(text)")
        } catch {
            #expect(error.message.hasPrefix(place + ":"), "\(error.message)")
        }
    }
}
