import Foundation
import SmoleBackend
import SmoleRecords
import SmoleTools
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// The market a page's addresses put it in decides what the page leaves open: the order of 04/02/2024 when no date
/// on the page settles it, and the currency of a bare "$".
@Suite struct MarketCues {
    @Test func addressesAndRegistrationsNameTheMarket() {
        func country(_ lines: [String]) -> String? { Market.of(lines: lines)?.country }
        #expect(country(["1517 Shattuck Ave", "Oakland, CA 94612"]) == "US")
        #expect(country(["Denver, Colorado 80202-1234"]) == "US")
        #expect(country(["Toronto, ON M5V 2T6"]) == "CA")
        #expect(country(["Vancouver, BC V6B 1A1"]) == "CA")
        #expect(country(["GST 5%  PST 7%"]) == "CA")
        #expect(country(["Sydney NSW 2000"]) == "AU")
        #expect(country(["ABN 51 824 753 556"]) == "AU")
        #expect(country(["Perth WA 6000"]) == "AU", "four digits: Western Australia, not Washington")
        #expect(country(["Seattle, WA 98101"]) == "US")
        #expect(country(["Singapore 048583"]) == "SG")
        #expect(country(["KEDAI RUNCIT SENTOSA SDN BHD"]) == "MY")
        // no cue, and a tie, are no answer
        #expect(country(["Invoice 10234", "Total 12.50"]) == nil)
        #expect(country(["Oakland, CA 94612", "Sydney NSW 2000"]) == nil)
        // an amount or an invoice number after a two-letter word is not a ZIP code
        #expect(country(["PA 12345.50"]) == nil)
    }

    /// A US receipt or invoice that prints no "$": its address says month first.
    @Test func aUSAddressReadsNumericDatesMonthFirst() async throws {
        let slip = try await TextDoc.extract(
            """
            THE BLUE DOOR BISTRO
            2210 Larimer St, Denver, CO 80205
            10/03/25   8:17 PM
            Burger                 18.00
            Subtotal               18.00
            Tax                     1.56
            Total                  19.56
            VISA                   19.56
            """, "receipt")
        #expect(slip["date"] == "2025-10-03")
        #expect(slip["currency"] == .null, "no sign, no code: unknown")
        // the same slip from a Sydney café is day first
        let au = try await TextDoc.extract(
            """
            HARBOUR BEANS CAFE
            12 George St, Sydney NSW 2000
            10/03/25   8:17 PM
            Flat white              5.00
            Total                   5.00
            """, "receipt")
        #expect(au["date"] == "2025-03-10")
        // a date that settles the order beats the address
        let settled = try await TextDoc.extract(
            """
            Granite Peak Surveying LLC
            401 Main St, Boulder, CO 80302
            INVOICE
            Invoice Number: GP-17
            Invoice Date: 04/02/2026
            Due Date: 28/02/2026
            Total 120.00
            """, "invoice")
        #expect(settled["date"] == "2026-02-04")
    }

    /// When the address and the currency point different ways and no date settles the order, a date such as
    /// 03/04/2026 is flagged `low_confidence`; with the market's own currency, or a date that settles it, it is not.
    @Test func aDateWhoseOrderIsInDoubtIsFlagged() throws {
        let engine = try Fixture.engine()
        func review(_ amounts: String, due: String = "03/05/2026") throws -> (JSONValue, [ReviewReason]) {
            let text = """
                Granite Peak Surveying LLC
                401 Main St, Boulder, CO 80302
                INVOICE
                Invoice Number: GP-17
                Invoice Date: 03/04/2026
                Due Date: \(due)
                Total \(amounts)
                """
            let out = engine.extract(
                text: DocumentText(pages: [text], kind: .text), schema: try engine.resolve("invoice"))
            let r = ReviewChecks(engine: engine, minConfidence: ReviewChecks.defaultMinConfidence)
                .review(schema: "invoice", data: out.data, evidence: out.evidence, pages: nil, signals: out.signals)
            return (out.data, r.reasons)
        }
        let (euro, euroReasons) = try review("1.200,00 €")
        #expect(euro["currency"] == "EUR")
        #expect(Set(euroReasons.filter { $0.code == .lowConfidence }.compactMap(\.field)) == ["date", "due_date"])
        let (_, dollarReasons) = try review("$1,200.00")
        #expect(!dollarReasons.contains { $0.field == "date" }, "\(dollarReasons)")
        let (_, settledReasons) = try review("1.200,00 €", due: "30/04/2026")
        #expect(!settledReasons.contains { $0.field == "date" }, "\(settledReasons)")
    }

    /// A bare "$" is the dollar of the market the page is in; with no market it stays US dollars, and a code the page
    /// states wins over both.
    @Test func aBareDollarIsTheMarketsDollar() async throws {
        func currency(_ address: String, _ total: String = "Total   $13.62") async throws -> JSONValue? {
            try await TextDoc.extract(
                "MOONBEAN COFFEE\n\(address)\nNov 21, 2025 2:37 PM\nLatte   $13.62\n\(total)\n", "receipt")[
                    "currency"]
        }
        #expect(try await currency("Vancouver, BC V6B 1A1") == "CAD")
        #expect(try await currency("Toronto, ON M5V 2T6") == "CAD")
        #expect(try await currency("Sydney NSW 2000") == "AUD")
        #expect(try await currency("Auckland 1010, New Zealand") == "NZD")
        #expect(try await currency("Singapore 048583") == "SGD")
        #expect(try await currency("Portland, OR 97205") == "USD")
        #expect(try await currency("Main Street") == "USD", "no market: the dollar sign's own currency")
        #expect(try await currency("Vancouver, BC V6B 1A1", "Total USD 13.62") == "USD", "a stated code wins")
    }
}
