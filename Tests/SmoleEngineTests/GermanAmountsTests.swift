import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// Three-decimal unit prices and "Summe Positionen" in German invoices.
@Suite struct GermanAmountsTests {
    @Test func aThreeDecimalPriceFollowsTheDocumentsDecimalMark() {
        #expect(Parse.numbers(in: "66,509", decimalHint: ",").first?.value == 66.509)
        #expect(Parse.numbers(in: "1.234", decimalHint: ".").first?.value == 1.234)
        // with no cue, or the other mark, a lone group of three is thousands
        #expect(Parse.numbers(in: "66,509", decimalHint: nil).first?.value == 66509)
        #expect(Parse.numbers(in: "66,509", decimalHint: ".").first?.value == 66509)
        #expect(Parse.numbers(in: "6.650,90", decimalHint: ",").first?.value == 6650.9)
    }

    @Test func pricePerUnitWithThreeDecimalsAndSummePositionen() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let pdf = try Fixture.pdf(
            dir, "rechnung.pdf",
            [
                [(50, "Holzbau Kettler GmbH"), (400, "RECHNUNG")],
                [(330, "Rechnungsnummer:"), (440, "R-2026-118")],
                [(330, "Datum:"), (440, "04.03.2026")],
                [],
                [(50, "Bezeichnung"), (300, "Menge"), (370, "Einzelpreis"), (470, "Betrag")],
                [(50, "Schrauben 4x40"), (300, "100"), (370, "66,509"), (470, "6.650,90")],
                [(50, "Dübel 8 mm"), (300, "20"), (370, "1,25"), (470, "25,00")],
                [],
                [(300, "Summe Positionen"), (470, "6.675,90")],
                [(300, "Versand"), (470, "24,10")],
                [(300, "MwSt. 19 %"), (470, "1.273,00")],
                [(300, "Gesamtbetrag"), (470, "7.973,00")],
            ])
        let o = try await Fixture.extract(pdf, "invoice")
        let items = o["line_items"]?.arrayValue ?? []
        #expect(items.count == 2)
        #expect(items.first?["unit_price"]?.doubleValue == 66.509)
        #expect(items.first?["amount"]?.doubleValue == 6650.9)
        #expect(items.last?["amount"]?.doubleValue == 25)
        #expect(o["subtotal"]?.doubleValue == 6675.9)
        #expect(o["total"]?.doubleValue == 7973)
    }
}
