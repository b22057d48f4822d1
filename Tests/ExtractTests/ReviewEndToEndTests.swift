import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

/// Issue 10 end to end: the built smole-extract writes `review` on every ok record, with the local engine (real
/// poppler and tesseract) and with the API (the fake server's data checked on the client); a document with nothing
/// found is the error nothing_extracted. Fixtures are inline text, the project's PDF writer and a rendered image.
@Suite("Review, end to end", .serialized)
struct ReviewEndToEndTests {
    static let cleanInvoice = """
        Acme Tools Ltd                                   INVOICE
        12 High Street                   Invoice No:     INV-7781
        Springfield                      Invoice Date:   18/03/2026
                                         Due Date:       17/04/2026

        Bill To:
        Globex Corporation

        Description              Qty     Unit Price     Amount
        Widget, large              2         150.00     300.00
        Consulting                 3         200.00     600.00
        Cable 5 m                 10           4.50      45.00

                                 Subtotal               £945.00
                                 VAT (20%)              £189.00
                                 Total                £1,134.00

        """

    static func local(_ args: [String], in dir: TempDir, stdin: String? = nil) async throws -> RunResult {
        try await runTool(
            "smole-extract", args, stdin: stdin, cwd: dir.path,
            env: ["SMOLE_API_KEY": "", "SMOLE_API_URL": "", "NO_COLOR": "1"])
    }

    static func codes(_ r: Record) -> [String] {
        (r["review"]?["reasons"]?.arrayValue ?? []).compactMap { $0["code"]?.stringValue }
    }
    static func fields(_ r: Record, _ code: String) -> [String] {
        (r["review"]?["reasons"]?.arrayValue ?? []).filter { $0["code"]?.stringValue == code }.compactMap {
            $0["field"]?.stringValue
        }
    }

    @Test func eachReasonFromADocumentThatEarnsItAndNoneFromACleanInvoice() async throws {
        let dir = try TempDir("smole-review"); defer { dir.cleanup() }
        _ = try dir.write("clean.txt", Self.cleanInvoice)
        // Line items that sum to 1,428 under a subtotal of 945 (each row's own product is right, so the engine's
        // own cross-checks have nothing to choose between).
        _ = try dir.write(
            "sums.txt", Self.cleanInvoice.replacingOccurrences(of: "200.00     600.00", with: "361.00    1083.00"))
        // No invoice number.
        _ = try dir.write(
            "nonumber.txt",
            Self.cleanInvoice.replacingOccurrences(of: "Invoice No:     INV-7781", with: "                        "))
        // Due a month before it was issued.
        _ = try dir.write("due.txt", Self.cleanInvoice.replacingOccurrences(of: "17/04/2026", with: "17/02/2026"))
        // A poem extracted as an invoice.
        _ = try dir.write(
            "poem.txt",
            "Shall I compare thee to a summer's day?\nThou art more lovely and more temperate:\nRough winds do shake the darling buds of May,\nAnd summer's lease hath all too short a date;\n"
        )
        let r = try await Self.local(
            ["--schema", "invoice", "clean.txt", "sums.txt", "nonumber.txt", "due.txt", "poem.txt"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let recs = byName(records(r))
        #expect(recs.count == 5)
        for (name, rec) in recs {
            #expect(rec.status == "ok", "\(name): \(rec.serialized())")
            #expect(
                rec["review"]?["needed"]?.boolValue == !Self.codes(rec).isEmpty,
                "needed says whether there are reasons: \(name)")
        }
        #expect(
            recs["clean.txt"]?["review"] == ["needed": false, "reasons": []], "\(recs["clean.txt"]?.serialized() ?? "")"
        )
        #expect(Self.codes(recs["sums.txt"]!).contains("arithmetic"))
        #expect(
            Self.fields(recs["sums.txt"]!, "arithmetic").contains("line_items"), "\(recs["sums.txt"]!.serialized())")
        #expect(
            Self.codes(recs["nonumber.txt"]!) == ["required_missing"]
                && Self.fields(recs["nonumber.txt"]!, "required_missing") == ["invoice_number"],
            "\(recs["nonumber.txt"]!.serialized())")
        #expect(
            Self.codes(recs["due.txt"]!) == ["invalid_value"]
                && Self.fields(recs["due.txt"]!, "invalid_value") == ["due_date"],
            "\(recs["due.txt"]!.serialized())")
        #expect(Self.codes(recs["poem.txt"]!).first == "schema_mismatch", "\(recs["poem.txt"]!.serialized())")
        #expect(Set(Self.fields(recs["poem.txt"]!, "required_missing")) == ["invoice_number", "date", "total"])
    }

    @Test func aPoemWithNothingToFindIsNothingExtracted() async throws {
        let dir = try TempDir("smole-review"); defer { dir.cleanup() }
        _ = try dir.write(
            "schemas/delivery.json",
            """
            {"type":"object","properties":{"note_number":{"type":"string","x-smole-labels":["Delivery Note No"]},
             "delivered_on":{"type":"string","format":"date","x-smole-labels":["Delivered on"]},
             "gross_weight":{"type":"number","x-smole-labels":["Gross weight"]}}}
            """)
        _ = try dir.write(
            "poem.txt",
            "The woods are lovely, dark and deep,\nBut I have promises to keep,\nAnd miles to go before I sleep.\n")
        let r = try await Self.local(["--schema", "schemas/delivery.json", "poem.txt"], in: dir)
        #expect(r.status == 1, "an error record makes the run's status 1: \(r.stderr)")
        let rec = try #require(records(r).first)
        #expect(rec.status == "error")
        #expect(rec.error?.code == .nothingExtracted && rec.error?.retryable == false, "\(rec.serialized())")
        #expect(rec["data"] == nil && rec["review"] == nil)
        // smole-retry leaves it alone: it is not retryable.
        let dirResults = try dir.write("results.ndjson", rec.serialized() + "\n")
        let retry = try await runTool("smole-retry", [dirResults], cwd: dir.path)
        #expect(retry.status == 0 && retry.stdout.isEmpty, "\(retry.stdout)")
    }

    @Test func pagesLeftUnreadAreFlagged() async throws {
        let dir = try TempDir("smole-review"); defer { dir.cleanup() }
        var w = PDFWriter()
        w.addPage(lines: [
            [(50, "Acme Tools Ltd"), (400, "INVOICE")], [(330, "Invoice No:"), (430, "INV-9")],
            [(330, "Invoice Date:"), (430, "18/03/2026")],
        ])
        w.addPage(lines: [[(50, "Terms and conditions, continued")]])
        w.addPage(lines: [[(330, "Total"), (480, "EUR 120.00")]])
        try w.write(to: dir.file("long.pdf"))
        let r = try await Self.local(["--schema", "invoice", "--max-pages", "2", "long.pdf"], in: dir)
        let rec = try #require(records(r).first)
        #expect(rec.status == "ok", "\(rec.serialized())")
        #expect(Self.codes(rec).contains("pages_truncated"), "\(rec.serialized())")
        #expect(
            Self.fields(rec, "required_missing") == ["total"], "the total is on the page not read: \(rec.serialized())")
        let all = try await Self.local(["--schema", "invoice", "long.pdf"], in: dir)
        let whole = try #require(records(all).first)
        #expect(
            !Self.codes(whole).contains("pages_truncated") && whole["data"]?["total"]?.doubleValue == 120,
            "\(whole.serialized())")
    }

    @Test func fieldsUnderMinConfidence() async throws {
        let dir = try TempDir("smole-review"); defer { dir.cleanup() }
        _ = try dir.write("clean.txt", Self.cleanInvoice)
        // The vendor is the name at the top of the page, with no label: evidence confidence 0.7.
        let strict = try await Self.local(
            ["--schema", "invoice", "--min-confidence", "0.75", "--evidence", "clean.txt"], in: dir)
        let rec = try #require(records(strict).first)
        let lowFields = Self.fields(rec, "low_confidence")
        #expect(!lowFields.isEmpty, "\(rec.serialized())")
        for f in lowFields {
            let c = try #require(
                rec["evidence"]?[f]?["confidence"]?.doubleValue, "review uses the evidence's confidences: \(f)")
            #expect(c < 0.75)
        }
        let off = try await Self.local(["--schema", "invoice", "--min-confidence", "0", "clean.txt"], in: dir)
        #expect(records(off).first?["review"]?["needed"] == .bool(false))
        #expect(records(off).first?["evidence"] == nil, "without --evidence the record has none, though review used it")
        let bad = try await Self.local(["--schema", "invoice", "--min-confidence", "2", "clean.txt"], in: dir)
        #expect(bad.status == 64)
    }

    /// A receipt of letter soup, rendered (Pillow, DejaVu Sans Mono) and read by the real tesseract.
    @Test func aScanThatReadsPoorlyIsFlagged() async throws {
        let dir = try TempDir("smole-review"); defer { dir.cleanup() }
        let lines = [
            "HARBOUR DELI LTD", "xQz7 kWp3r vTq9Lm", "Rr8vKq zXw4Jt", "pLk2Wq Tt4qQ9 hJkLm", "TOTAL    19.30",
            "bN5vCx qWe8Rt yUi3Op", "zXc6Vb nMq1Wk pRt7Ys", "Kj3hGf dSa9Lp qEr5Tz",
        ]
        let out = dir.file("soup.png")
        let script = """
            import sys
            from PIL import Image, ImageDraw, ImageFont
            lines = sys.argv[2:]
            font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 28)
            img = Image.new("L", (720, 60 + 40 * len(lines)), 255)
            d = ImageDraw.Draw(img)
            for i, t in enumerate(lines):
                d.text((30, 30 + 40 * i), t, font=font, fill=0)
            img.save(sys.argv[1])
            """
        let py = try await runTool("/usr/bin/python3", ["-c", script, out] + lines)
        try #require(py.status == 0, "\(py.stderr)")
        let r = try await Self.local(["--schema", "receipt", "soup.png"], in: dir)
        let rec = try #require(records(r).first)
        #expect(Self.codes(rec).contains("ocr_quality"), "\(rec.serialized())")
    }

    @Test func theAPIsDataIsCheckedOnTheClient() async throws {
        var config = FakeSmoleServer.Config()
        config.jobDuration = .milliseconds(10)
        config.extractions = [
            "sums.pdf": [
                "data": [
                    "vendor_name": "Acme", "invoice_number": "A-1", "date": "2026-03-01", "due_date": "2026-02-01",
                    "currency": "EUR",
                    "subtotal": .number("972.00"), "tax": .number("0"), "total": .number("972.00"),
                    "line_items": [
                        [
                            "description": "a", "quantity": 1, "unit_price": .number("1000.00"),
                            "amount": .number("1000.00"),
                        ],
                        [
                            "description": "b", "quantity": 2, "unit_price": .number("214.00"),
                            "amount": .number("428.00"),
                        ],
                    ],
                ]
            ],
            "nothing.pdf": ["data": ["vendor_name": .null, "invoice_number": .null, "total": .null, "line_items": []]],
            "fine.pdf": [
                "data": [
                    "vendor_name": "Acme", "invoice_number": "A-2", "date": "2026-03-01", "currency": "EUR",
                    "subtotal": .number("100.00"), "tax": .number("19.00"), "total": .number("119.00"),
                ], "evidence": ["vendor_name": ["confidence": .number("0.41")]],
            ],
        ]
        let f = try await Fixture.make(config)
        defer { Task { await f.close() } }
        for n in ["sums.pdf", "nothing.pdf", "fine.pdf"] { _ = try f.dir.write(n, "%PDF-1.4 \(n)\n") }
        let r = try await f.run(["--schema", "invoice", "sums.pdf", "nothing.pdf", "fine.pdf"])
        #expect(r.status == 1, "\(r.stderr)")
        let recs = byName(records(r))
        let sums = try #require(recs["sums.pdf"])
        #expect(sums.status == "ok" && sums["backend"]?.stringValue == f.server.baseURL)
        #expect(Set(Self.codes(sums)) == ["arithmetic", "invalid_value"], "\(sums.serialized())")
        #expect(Self.fields(sums, "arithmetic") == ["line_items"], "Σ 1,428 under a subtotal of 972")
        #expect(Self.fields(sums, "invalid_value") == ["due_date"])
        #expect(recs["nothing.pdf"]?.error?.code == .nothingExtracted, "\(recs["nothing.pdf"]?.serialized() ?? "")")
        let fine = try #require(recs["fine.pdf"])
        #expect(
            Self.codes(fine) == ["low_confidence"] && Self.fields(fine, "low_confidence") == ["vendor_name"],
            "the server's evidence confidence is used: \(fine.serialized())")
    }
}
