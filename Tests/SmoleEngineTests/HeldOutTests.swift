import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// Regressions from documents the engine had never seen (real PDFs through pdftotext).
@Suite struct HeldOutRegressions {
    /// "2 x CAPPUCCINO   $7.60" where $7.60 is the line total: the subtotal 10.20 = 7.60 + 2.60 proves it.
    @Test func quantityPrefixRowsWhoseMoneyIsTheLineTotal() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Fixture.pdf(
            dir, "cafe.pdf",
            [
                [(200, "CORNER CAFE")],
                [(200, "Store 0042  Tel 555-0100")],
                [],
                [(150, "Date: 2026-07-21   Time: 08:42")],
                [],
                [(150, "2 x CAPPUCCINO"), (400, "$7.60")],
                [(150, "1 x CROISSANT"), (400, "$2.60")],
                [],
                [(150, "SUBTOTAL"), (400, "$10.20")],
                [(150, "TAX"), (400, "$1.02")],
                [(150, "TOTAL"), (400, "$11.22")],
                [(150, "Paid by CASH")],
            ])
        let o = try await Fixture.extract(path, "receipt")
        let items = try #require(o["line_items"]?.arrayValue)
        #expect(items.count == 2)
        #expect(items[0]["description"] == "CAPPUCCINO")
        #expect(items[0]["quantity"]?.doubleValue == 2)
        #expect(items[0]["unit_price"]?.doubleValue == 3.8)
        #expect(items[0]["amount"]?.doubleValue == 7.6)
        #expect(items[1]["description"] == "CROISSANT")
        #expect(items[1]["amount"]?.doubleValue == 2.6)
        #expect(o["subtotal"]?.doubleValue == 10.2)
        #expect(o["total"]?.doubleValue == 11.22)
    }

    /// The same layout where the money is the unit price: Σ (qty × price) = subtotal decides the other way.
    @Test func quantityPrefixRowsWhoseMoneyIsTheUnitPrice() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Fixture.pdf(
            dir, "shop.pdf",
            [
                [(200, "HILLTOP HARDWARE")],
                [(150, "Date: 2026-03-02   Time: 17:05")],
                [],
                [(150, "3 x WOOD SCREWS 4X40"), (400, "$2.50")],
                [(150, "2 x HINGE BRASS"), (400, "$4.00")],
                [],
                [(150, "SUBTOTAL"), (400, "$15.50")],
                [(150, "TOTAL"), (400, "$15.50")],
            ])
        let o = try await Fixture.extract(path, "receipt")
        let items = try #require(o["line_items"]?.arrayValue)
        #expect(items.count == 2)
        #expect(items[0]["description"] == "WOOD SCREWS 4X40")
        #expect(items[0]["quantity"]?.doubleValue == 3)
        #expect(items[0]["unit_price"]?.doubleValue == 2.5)
        #expect(items[0]["amount"]?.doubleValue == 7.5)
        #expect(items[1]["description"] == "HINGE BRASS")
        #expect(items[1]["amount"]?.doubleValue == 8)
    }

    @Test func quantityPrefixIsNeverPartOfTheDescription() {
        #expect(Extractor.stripQuantityPrefix("2 x CAPPUCCINO") == "CAPPUCCINO")
        #expect(Extractor.stripQuantityPrefix("2x Latte") == "Latte")
        #expect(Extractor.stripQuantityPrefix("10 @ Eggs") == "Eggs")
        #expect(Extractor.stripQuantityPrefix("Croissant x") == "Croissant")
        // a number that is the product's own is kept
        #expect(Extractor.stripQuantityPrefix("4 PACK BATTERIES") == "4 PACK BATTERIES")
        #expect(Extractor.stripQuantityPrefix("7UP 330ml") == "7UP 330ml")
    }

    /// OCR glues the quantity to the price ("3x6,11"); a product size ("4x40") is not a quantity.
    @Test func gluedQuantityAndPriceAreSplit() {
        #expect(Extractor.splitGluedQuantity("3x6,11                     18,33") == "3 x 6,11                   18,33")
        #expect(Extractor.splitGluedQuantity("  2X1.45   2.90") == "  2 x 1.45   2.90")
        #expect(Extractor.splitGluedQuantity("Screws 4x40 (100)   6,66") == nil)
        #expect(Extractor.splitGluedQuantity("4x40 screws") == nil)
        #expect(Extractor.splitGluedQuantity("2 x 5,24      10,48") == nil)
    }

    /// The glued form in a receipt read through the engine: the row is kept with its pending description.
    @Test func gluedQuantityRowsInAReceipt() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "ocr.txt",
            """
            QuickStop Market
            2025-11-25 11:11
            Croissant
            3x6,11                     18,33
            Paper towels                0,66
            SUBTOTAL                   18,99
            TOTAL                      18,99
            """)
        let o = try await Fixture.extract(path, "receipt")
        let items = try #require(o["line_items"]?.arrayValue)
        #expect(items.count == 2)
        #expect(items.first?["description"] == "Croissant")
        #expect(items.first?["quantity"]?.doubleValue == 3)
        #expect(items.first?["unit_price"]?.doubleValue == 6.11)
        #expect(items.first?["amount"]?.doubleValue == 18.33)
    }

    /// "... by and between Northwind Traders Ltd. and Contoso Analytics Inc." then a blank line and "1. Term.":
    /// the second party must not swallow the clause number.
    @Test func aPartyNameStopsBeforeTheNextClauseNumber() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Fixture.pdf(
            dir, "nda.pdf",
            [
                [(160, "MUTUAL NON-DISCLOSURE AGREEMENT")],
                [],
                [(50, "This Mutual Non-Disclosure Agreement (the \"Agreement\") is entered into as of March 1, 2026")],
                [(50, "(the \"Effective Date\") by and between Northwind Traders Ltd. and Contoso Analytics Inc.")],
                [],
                [
                    (
                        50,
                        "1. Term. This Agreement shall remain in effect for twenty-four (24) months from the Effective Date."
                    )
                ],
                [],
                [(50, "2. Governing Law. This Agreement shall be governed by the laws of the State of New York.")],
            ])
        let o = try await Fixture.extract(path, "contract")
        #expect(o["parties"] == .array(["Northwind Traders Ltd.", "Contoso Analytics Inc."]))
        #expect(o["effective_date"] == "2026-03-01")
        #expect(o["term_months"]?.intValue == 24)
    }

    /// The same preamble with the clause on the very next line (no blank line between).
    @Test func aPartyNameStopsBeforeAClauseNumberOnTheNextLine() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "nda.txt",
            """
            NON-DISCLOSURE AGREEMENT
            This Agreement is made by and between Alpine Data Co. and Harbor Freight Partners Ltd.
            1. Purpose. The parties wish to explore a business opportunity.
            """)
        let o = try await Fixture.extract(path, "contract")
        #expect(o["parties"] == .array(["Alpine Data Co.", "Harbor Freight Partners Ltd."]))
    }
}

@Suite struct ArithmeticRepairs {
    /// An OCR-garbled tax label ("MuSt.") still yields the tax: total − subtotal, printed on its own line.
    @Test func taxFromTheDifferenceWhenItsLabelIsUnreadable() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "r.txt",
            """
            HARDWARE DEPOT
            2026-03-15 15:54

            Green tea                         34,78
            Orange juice                      38,28
            SUBTOTAL                          73,06
            MuSt. 20%                         14,61
            TOTAL EUR                         87,67
            """)
        let o = try await Fixture.extract(path, "receipt")
        #expect(o["subtotal"]?.doubleValue == 73.06)
        #expect(o["total"]?.doubleValue == 87.67)
        #expect(o["tax"]?.doubleValue == 14.61)
    }

    /// Without the difference printed anywhere, no tax is invented.
    @Test func noTaxIsInventedWhenTheDifferenceIsNotPrinted() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "r.txt",
            """
            HARDWARE DEPOT
            2026-03-15 15:54

            Green tea                         34,78
            Orange juice                      38,28
            SUBTOTAL                          73,06
            Tip                                5,00
            Rounding                           0,01
            TOTAL EUR                         78,07
            """)
        let o = try await Fixture.extract(path, "receipt")
        #expect(o["tax"] == .null)
    }
}

@Suite struct SubtotalWithoutALine {
    /// Tax printed as zero, no subtotal line: the total before tax is the total.
    @Test func zeroTaxMakesTheSubtotalTheTotal() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "z.txt",
            """
            Northbeam Cloud Services
            Invoice Number: 88120
            Invoice Date: 2026-02-03

            Charges                                   $12.40
            Tax                                        $0.00
            Total for this invoice                    $12.40
            """)
        let o = try await Fixture.extract(path, "invoice")
        #expect(o["tax"]?.doubleValue == 0)
        #expect(o["total"]?.doubleValue == 12.4)
        #expect(o["subtotal"]?.doubleValue == 12.4)
    }

    /// A real tax and no subtotal line: no subtotal is made up from the total.
    @Test func aNonZeroTaxLeavesTheSubtotalToTheArithmetic() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "t.txt",
            """
            Northbeam Cloud Services
            Invoice Number: 88121
            Invoice Date: 2026-02-03

            Tax                                        $2.00
            Total                                     $12.40
            """)
        let o = try await Fixture.extract(path, "invoice")
        #expect(o["subtotal"]?.doubleValue != 12.4)
    }
}
