import Foundation
import SmoleBackend
import SmoleRecords
import SmoleTools
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// "Total" followed by a word that makes it the amount before tax (Belgium's HTVA, Portugal's Ilíquido, "ex GST",
/// Switzerland's "exkl. MWST") is the subtotal, and the grand total is the tax-inclusive line after it (TVAC, "inc GST",
/// "inkl. MWST"). When a net total is still read as the total (a label the lexicon does not know), the review says so:
/// lines that add up to the total while a tax is printed and no subtotal is.
@Suite struct NetTotalLabels {
    static func invoice(_ totals: String) -> String {
        """
        Atelier Verbruggen BV
        INVOICE
        Invoice No: 2026-0412
        Date: 2026-03-15
        Description                 Qty     Price      Amount
        Consulting day                2    400.00      800.00
        Travel flat fee               1    200.00      200.00
        \(totals)
        """
    }

    @Test(arguments: [
        (
            "Total HTVA              1.000,00\nTVA 21%                   210,00\nTotal TVAC              1.210,00",
            1000.0, 210.0, 1210.0
        ),
        (
            "Total Ilíquido          1.000,00\nIVA 23%                   230,00\nTotal                   1.230,00",
            1000, 230, 1230
        ),
        (
            "Total ex GST            1,000.00\nGST                       100.00\nTotal inc GST           1,100.00",
            1000, 100, 1100
        ),
        (
            "Total exkl. MWST        1'000.00\nMWST 8.1%                  81.00\nTotal inkl. MWST        1'081.00",
            1000, 81, 1081
        ),
    ])
    func netAndGrossTotalLabels(_ totals: String, _ subtotal: Double, _ tax: Double, _ total: Double) async throws {
        let o = try await TextDoc.extract(Self.invoice(totals), "invoice")
        #expect(o["subtotal"]?.doubleValue == subtotal, "\(totals)")
        #expect(o["tax"]?.doubleValue == tax, "\(totals)")
        #expect(o["total"]?.doubleValue == total, "\(totals)")
    }

    /// In a text layer an unlabelled amount between subtotal and total is a charge, not a tax (the difference is taken
    /// as the tax only in an OCR reading, where a tax label may be misread).
    @Test func anUnlabelledChargeInATextLayerIsNotTheTax() async throws {
        let o = try await TextDoc.extract(
            Self.invoice(
                "Subtotal                1,000.00\nCosts advanced             62.40\nTotal this invoice      1,062.40"),
            "invoice")
        #expect(o["subtotal"]?.doubleValue == 1000)
        #expect(o["total"]?.doubleValue == 1062.4)
        #expect(o["tax"] == .null)
    }

    /// An invoice priced with tax (Australian and New Zealand B2C): the tax is the line that says it is included,
    /// the subtotal the amount before it, and the record is not flagged; a total that includes the tax is no tax line.
    @Test(arguments: [
        "Total inc GST                  $1,100.00\nGST included in total            $100.00",
        "Total                          $1,100.00\nTotal includes GST of            $100.00",
        "Total (GST inclusive)          $1,100.00\nof which GST                     $100.00",
    ])
    func aTaxIncludedInTheTotal(_ totals: String) async throws {
        let text = """
            Bondi Catering Pty Ltd
            ABN 51 824 753 556
            TAX INVOICE
            Invoice No: 00981
            Date: 22/03/2024
            Item                              Qty     Price      Amount
            Catering platter                    5    $200.00   $1,000.00
            Coffee (large)                     20      $5.00     $100.00
            \(totals)
            """
        let engine = try Fixture.engine()
        let out = engine.extract(text: DocumentText(pages: [text], kind: .text), schema: try engine.resolve("invoice"))
        #expect(out.data["total"]?.doubleValue == 1100, "\(totals)")
        #expect(out.data["tax"]?.doubleValue == 100, "\(totals)")
        #expect(out.data["subtotal"]?.doubleValue == 1000, "\(totals)")
        let review = ReviewChecks(engine: engine, minConfidence: ReviewChecks.defaultMinConfidence)
            .review(schema: "invoice", data: out.data, evidence: out.evidence, pages: nil, signals: out.signals)
        #expect(!review.reasons.contains { $0.code == .arithmetic }, "\(totals): \(review.reasons)")
    }

    @Test func aTotalIncludingTheTaxIsNoTaxLine() async throws {
        let o = try await TextDoc.extract(Self.invoice("Total inc GST                  1,000.00"), "invoice")
        #expect(o["total"]?.doubleValue == 1000)
        #expect(o["tax"] == .null)
    }

    @Test func linesThatAddUpToTheTotalWhileATaxIsPrintedAreFlagged() throws {
        let engine = try Fixture.engine()
        let checks = ReviewChecks(engine: engine, minConfidence: ReviewChecks.defaultMinConfidence)
        let items =
            #"[{"description":"A","quantity":2,"unit_price":400,"amount":800},"#
            + #"{"description":"B","quantity":1,"unit_price":200,"amount":200}]"#
        func review(_ schema: String, _ fields: String) throws -> Review {
            checks.review(
                schema: schema,
                data: try JSON.parse(
                    "{\(fields),\"line_items\":\(items),\"vendor_name\":\"Atelier Verbruggen BV\","
                        + "\"merchant_name\":\"Atelier Verbruggen BV\",\"invoice_number\":\"2026-0412\","
                        + "\"date\":\"2026-03-15\"}"), evidence: nil,
                pages: nil, signals: nil)
        }
        let net = try review("invoice", #""subtotal":null,"tax":210,"total":1000"#)
        #expect(net.reasons.map(\.code) == [.arithmetic], "\(net.reasons)")
        #expect(net.reasons.first?.field == "total")
        // the same with its subtotal, or with a total that includes the tax, is right
        #expect(!(try review("invoice", #""subtotal":1000,"tax":210,"total":1210"#)).needed)
        #expect(!(try review("invoice", #""subtotal":null,"tax":210,"total":1210"#)).needed)
        // no tax printed: lines that add up to the total are right
        #expect(!(try review("invoice", #""subtotal":null,"tax":null,"total":1000"#)).needed)
        // a till slip's prices include tax: not flagged there
        let slip = try review("receipt", #""subtotal":null,"tax":210,"total":1000"#)
        #expect(!slip.reasons.contains { $0.code == .arithmetic }, "\(slip.reasons)")
    }
}
