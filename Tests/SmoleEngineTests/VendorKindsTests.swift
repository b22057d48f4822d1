import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// The seller when a payment label names an address, not a name: "Remit To" followed by a post-office box or a
/// lockbox, or "Remit To" beside "Bill To" over the buyer's name. The letterhead names the seller.
@Suite struct VendorKinds {
    @Test func aRemitToAddressIsNotTheSeller() async throws {
        let oracle = try await TextDoc.extract(
            """
            MERIDIAN INDUSTRIAL COATINGS CORP                               INVOICE NO: MIC-0045512
            REMIT TO: P.O. BOX 74210, CHICAGO IL 60674-0210                 INVOICE DATE: 07-MAR-2026

            SOLD TO:
            GREAT LAKES FABRICATION INC
            2200 INDUSTRIAL PKWY
            TOLEDO OH 43612

            LINE   DESCRIPTION                     QTY    UNIT PRICE     EXT AMOUNT
            1      EPOXY PRIMER GRAY 5GAL           12        214.75       2,577.00
                                                  SUBTOTAL              2,577.00 USD
                                                  TAX                       0.00 USD
                                                  INVOICE TOTAL         2,577.00 USD
            """, "invoice")
        #expect(oracle["vendor_name"] == "MERIDIAN INDUSTRIAL COATINGS CORP")
        let lockbox = try await TextDoc.extract(
            """
            Granite Peak Surveying LLC                                    INVOICE
            77 Summit Rd
            Boulder, CO 80302
                                                  Invoice Number              GP-5521
                                                  Invoice Date              03/20/2026
            Bill To                      Remit To
            Aspen Row Builders           Lockbox 4410
            410 Pearl St                 Denver, CO 80291
            Boulder, CO 80302

            Description                                     Qty      Unit Price       Amount
            Consulting hours                                10           120.00     1,200.00
                                                  Subtotal                    1,200.00
                                                  Sales Tax (8%)                 96.00
                                                  Total                       1,296.00
            """, "invoice")
        #expect(lockbox["vendor_name"] == "Granite Peak Surveying LLC")
        #expect(lockbox["customer_name"] == "Aspen Row Builders")
        #expect(lockbox["date"] == "2026-03-20")
    }

    @Test func boxesAndCityLinesAreNotNames() throws {
        let schema = try SchemaRegistry.load(dirs: []).schemas["invoice"]!
        let x = Extractor(layout: Layout(pages: ["x"]), schema: schema)
        for address in [
            "P.O. BOX 74210", "PO Box 2231", "Lockbox 4410", "Postfach 10 20 30", "Denver, CO 80291",
            "Toronto, ON M5V 2T6",
        ] {
            #expect(!x.looksLikeName(address), "\(address)")
        }
        for name in ["Box Hill Cafe Pty Ltd", "Boxwood Partners LLC", "Colorado Springs Utilities"] {
            #expect(x.looksLikeName(name), "\(name)")
        }
    }
}
