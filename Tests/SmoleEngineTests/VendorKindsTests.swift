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

    /// Blocks side by side: under "Bill To" the buyer, under "Job Site" another address; the seller's heading on the
    /// right of the "BILL TO" line. A bare party label's value is the name under it, not the far cell beside it.
    @Test func sideBySideBlocksUnderTheirHeadings() async throws {
        let jobSite = try await TextDoc.extract(
            """
            COASTAL SPARKY ELECTRICAL PTY LTD                               TAX INVOICE
            ABN 51 824 753 556                                  Invoice No.          00892
            9/31 Tweed Coast Rd, Bogangar NSW 2488              Invoice Date     28/02/2026

            Bill To                                         Job Site
            Banksia Cafe                                    2/5 Marine Pde, Kingscliff NSW 2487
            2/5 Marine Pde, Kingscliff NSW 2487

            Description                           Qty      Price      Amount
            Switchboard upgrade                     1     900.00      900.00
                                                Subtotal              900.00
                                                GST                    90.00
                                                Total                 990.00
            """, "invoice")
        #expect(jobSite["customer_name"] == "Banksia Cafe")
        #expect(jobSite["vendor_name"] == "COASTAL SPARKY ELECTRICAL PTY LTD")
        let sellerRight = try await TextDoc.extract(
            """
            BILL TO                                                              Redwood Coast Landscaping
            Pacific Heights HOA                                                              PO Box 2231
            c/o Summit Property Mgmt                                                  Daly City, CA 94017
            1900 Van Ness Ave                                                          (650) 555-0184
            San Francisco, CA 94109

                                             INVOICE
            Invoice No.               Date                 Terms
            RCL-2026-118              06/30/2026         Due on receipt

            Service                                   Visits          Rate        Amount
            Garden maintenance                             4         95.00        380.00
                                                                 Total            380.00
            """, "invoice")
        #expect(sellerRight["customer_name"] == "Pacific Heights HOA")
        #expect(sellerRight["vendor_name"] == "Redwood Coast Landscaping")
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

/// An item table whose first column is an article code under a heading that can also name the description ("Item",
/// "Item #", "Artigo"): the description is under the heading that names it best ("Description", "Descrição"), and the
/// code column is not the description.
@Suite struct CodeColumnBeforeTheDescription {
    @Test(arguments: [
        ("Item         Description                   Qty      Unit Price       Amount", "SVC-01       "),
        ("Item #       Description                   Qty      Unit Price       Amount", "CRS-1000     "),
        ("Artigo       Descrição                     Qtd.     Preço Unit.       Valor", "AZ2020       "),
        ("Item #       Item Description              Qty      Unit Price       Amount", "CRS-1000     "),
    ])
    func theDescriptionIsUnderItsOwnHeading(_ header: String, _ code: String) async throws {
        let o = try await TextDoc.extract(
            """
            Harbor Supply Co.
            INVOICE
            Invoice No: HS-2231
            Date: 2026-03-15

            \(header)
            \(code)Consulting hours                10          120.00       1,200.00
            \(code.replacingOccurrences(of: "1", with: "2"))Travel expenses                  1           85.00          85.00

                                                       Total                1,285.00
            """, "invoice")
        let items = o["line_items"]?.arrayValue ?? []
        #expect(items.count == 2, "\(header)")
        #expect(items.first?["description"] == "Consulting hours", "\(header): \(items)")
        #expect(items.first?["quantity"]?.doubleValue == 10, "\(header)")
        #expect(items.last?["description"] == "Travel expenses", "\(header)")
    }
}
