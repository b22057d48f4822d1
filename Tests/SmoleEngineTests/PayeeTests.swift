import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// With no seller label, the payee named in the payment instructions is the vendor, not the first name-looking
/// cell at the top (which is often the buyer's address window).
@Suite struct PayeeTests {
    static func invoice(top: [[(Double, String)]], footer: [[(Double, String)]]) -> [[(Double, String)]] {
        top + [
            [],
            [(330, "Invoice No:"), (430, "77-1024")],
            [(330, "Date:"), (430, "12/02/2026")],
            [],
            [(50, "Description"), (330, "Qty"), (400, "Price"), (480, "Amount")],
            [(50, "Consulting hours"), (330, "4"), (400, "95.00"), (480, "380.00")],
            [],
            [(400, "Total"), (480, "380.00")],
            [],
        ] + footer
    }

    @Test(arguments: [
        ("Account holder: Brightline Studio Ltd", "Brightline Studio Ltd"),
        (
            "Bank transfer to IBAN GB33 BUKB 2020 1555 5555 55, account name: Brightline Studio Ltd",
            "Brightline Studio Ltd"
        ),
        ("Kontoinhaber: Brightline Studio GmbH", "Brightline Studio GmbH"),
        ("Virement BRED – Titulaire du compte : BRIGHTLINE SARL", "BRIGHTLINE SARL"),
        ("Please make cheques payable to Brightline Studio Ltd (sort code 20-00-00)", "Brightline Studio Ltd"),
    ])
    func payeeIsTheVendorWhenNoSellerIsLabelled(footer: String, vendor: String) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        // The block at the top is the buyer's address, with no label.
        let pdf = try Fixture.pdf(
            dir, "payee.pdf",
            Self.invoice(
                top: [[(330, "Harbour Foods Co")], [(330, "4 Quay Road")], [(330, "Bristol BS1 4QA")]],
                footer: [[(50, footer)]]))
        let o = try await Fixture.extract(pdf, "invoice")
        #expect(o["vendor_name"] == .string(vendor))
        #expect(o["invoice_number"] == "77-1024")
    }

    @Test func aLabelledSellerStillWins() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let pdf = try Fixture.pdf(
            dir, "seller.pdf",
            Self.invoice(
                top: [
                    [(50, "From:"), (120, "Northwind Traders Ltd")], [(50, "Bill To:"), (120, "Harbour Foods Co")],
                ],
                footer: [[(50, "Account holder: Northwind Payments Ltd")]]))
        let o = try await Fixture.extract(pdf, "invoice")
        #expect(o["vendor_name"] == "Northwind Traders Ltd")
        #expect(o["customer_name"] == "Harbour Foods Co")
    }

    @Test func theBuyerNamedAsPayerIsNotThePayee() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        // "Account holder" here names the labelled customer (a direct-debit mandate): not the vendor.
        let pdf = try Fixture.pdf(
            dir, "mandate.pdf",
            Self.invoice(
                top: [[(50, "Copperleaf Design")], [(50, "Bill To:"), (120, "Harbour Foods Co")]],
                footer: [[(50, "Direct debit from account holder: Harbour Foods Co")]]))
        let o = try await Fixture.extract(pdf, "invoice")
        #expect(o["vendor_name"] == "Copperleaf Design")
    }

    @Test(arguments: ["Bill From:", "Billed By:", "Remit To:", "Leistungserbringer:", "Prestataire :"])
    func sellerLabelWordings(label: String) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        // The seller's block sits under its label; the buyer's address window is at the top right.
        let pdf = try Fixture.pdf(
            dir, "wording.pdf",
            Self.invoice(
                top: [
                    [(330, "Harbour Foods Co")], [(330, "4 Quay Road")], [(50, label)], [(50, "Lakeside Print Works")],
                    [(50, "9 Mill Lane")],
                ],
                footer: []))
        let o = try await Fixture.extract(pdf, "invoice")
        #expect(o["vendor_name"] == "Lakeside Print Works", "\(label)")
    }

    @Test func aNoteInParenthesesIsNotAName() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let pdf = try Fixture.pdf(
            dir, "note.pdf",
            Self.invoice(
                top: [[(50, "Orbit Cloud Services")]],
                footer: [
                    [(330, "Service Provider:")], [(330, "(Not to be used for payment remittance)")],
                    [(330, "Orbit Cloud Services, Inc.")],
                ]))
        let o = try await Fixture.extract(pdf, "invoice")
        #expect(o["vendor_name"] == "Orbit Cloud Services")
    }
}
