import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// The field mapping on details real producers write (EN 16931 terms): due dates in the payment terms, VAT in a
/// second currency only, EXTENDED sub-lines, names wrapped over lines, UBL credit notes with a byte-order mark.
@Suite struct EInvoiceMappingTests {
    static let ns = """
        xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" \
        xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" \
        xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
        """

    static func cii(
        terms: String, sums: String, lines: String = "", currency: String = "EUR", taxCurrency: String? = nil,
        seller: String = "<ram:Name>Stahlwerk Nord AG</ram:Name>"
    ) -> [UInt8] {
        Array(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <rsm:CrossIndustryInvoice \(ns)>
              <rsm:ExchangedDocument><ram:ID>EXT-77</ram:ID><ram:TypeCode>380</ram:TypeCode>
                <ram:IssueDateTime><udt:DateTimeString format="102">20250310</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
              <rsm:SupplyChainTradeTransaction>
                \(lines)
                <ram:ApplicableHeaderTradeAgreement>
                  <ram:SellerTradeParty>\(seller)</ram:SellerTradeParty>
                  <ram:BuyerTradeParty><ram:Name>Metallbau
                        Süd GmbH &amp; Co. KG</ram:Name></ram:BuyerTradeParty>
                </ram:ApplicableHeaderTradeAgreement>
                <ram:ApplicableHeaderTradeSettlement>
                  \(taxCurrency.map { "<ram:TaxCurrencyCode>\($0)</ram:TaxCurrencyCode>" } ?? "")
                  <ram:InvoiceCurrencyCode>\(currency)</ram:InvoiceCurrencyCode>
                  <ram:ApplicableTradeTax><ram:CalculatedAmount>57.00</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>300.00</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>19</ram:RateApplicablePercent></ram:ApplicableTradeTax>
                  <ram:ApplicableTradeTax><ram:CalculatedAmount>14.00</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>200.00</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>7</ram:RateApplicablePercent></ram:ApplicableTradeTax>
                  \(terms)
                  <ram:SpecifiedTradeSettlementHeaderMonetarySummation>\(sums)</ram:SpecifiedTradeSettlementHeaderMonetarySummation>
                </ram:ApplicableHeaderTradeSettlement>
              </rsm:SupplyChainTradeTransaction>
            </rsm:CrossIndustryInvoice>
            """.utf8)
    }

    static func date(_ d: String) -> String { "<udt:DateTimeString format=\"102\">\(d)</udt:DateTimeString>" }
    static let plainSums =
        "<ram:LineTotalAmount>500.00</ram:LineTotalAmount><ram:TaxBasisTotalAmount>500.00</ram:TaxBasisTotalAmount><ram:TaxTotalAmount currencyID=\"EUR\">71.00</ram:TaxTotalAmount><ram:GrandTotalAmount>571.00</ram:GrandTotalAmount><ram:DuePayableAmount>571.00</ram:DuePayableAmount>"

    /// BT-9 in one of several payment terms, a cash discount's date beside it in either order: the net due date
    /// (the latest). No BT-9 at all: the latest date the terms' text states, never one before the issue date.
    @Test func dueDateFromSeveralTermsOrFromTheirText() throws {
        for (first, second) in [("20250410", "20250320"), ("20250320", "20250410")] {
            let terms = """
                <ram:SpecifiedTradePaymentTerms><ram:Description>Zahlbar</ram:Description><ram:DueDateDateTime>\(Self.date(first))</ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
                <ram:SpecifiedTradePaymentTerms><ram:Description>Skonto</ram:Description><ram:DueDateDateTime>\(Self.date(second))</ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
                """
            let o = try #require(EInvoiceXML.mapInvoice(Self.cii(terms: terms, sums: Self.plainSums)))
            #expect(o["due_date"] == "2025-04-10")
        }
        let text =
            "<ram:SpecifiedTradePaymentTerms><ram:Description>Bezogen auf Rechnung vom 01.02.2025: zahlbar innerhalb 30 Tagen netto bis 09.04.2025, 3% Skonto innerhalb 10 Tagen bis 20.03.2025</ram:Description></ram:SpecifiedTradePaymentTerms>"
        let o = try #require(EInvoiceXML.mapInvoice(Self.cii(terms: text, sums: Self.plainSums)))
        #expect(o["due_date"] == "2025-04-09")
        let none = try #require(
            EInvoiceXML.mapInvoice(
                Self.cii(
                    terms:
                        "<ram:SpecifiedTradePaymentTerms><ram:Description>Zahlbar sofort ohne Abzug</ram:Description></ram:SpecifiedTradePaymentTerms>",
                    sums: Self.plainSums)))
        #expect(none["due_date"] == .null)
        #expect(EInvoiceXML.dueDate(inTerms: ["Skonto bis 01.01.2020"], issued: "2025-03-10") == nil)
        // XRechnung's coded cash discount states days and percentages, no date
        #expect(
            EInvoiceXML.dueDate(
                inTerms: ["#SKONTO#TAGE=14#PROZENT=2.00#BASISBETRAG=1190.00#\n", "#SKONTO#TAGE=7#PROZENT=3.00#"],
                issued: "2025-03-10") == nil)
        #expect(
            EInvoiceXML.dueDate(
                inTerms: ["Payment within 30 days, i.e. by 2025-04-09; 2% discount until 2025-03-20"],
                issued: "2025-03-10") == "2025-04-09")
    }

    /// Several VAT rates; the tax total in the invoice currency when the VAT accounting currency (BT-6) is stated too,
    /// and — when the only header tax total is in that other currency — the sum of the breakdown, never the other
    /// currency's amount. Party names wrapped over lines come out on one line.
    @Test func taxInTheInvoiceCurrencyOnly() throws {
        let both = Self.plainSums.replacingOccurrences(
            of: "<ram:TaxTotalAmount currencyID=\"EUR\">71.00</ram:TaxTotalAmount>",
            with:
                "<ram:TaxTotalAmount currencyID=\"EUR\">80.44</ram:TaxTotalAmount><ram:TaxTotalAmount currencyID=\"GBP\">71.00</ram:TaxTotalAmount>"
        )
        let a = try #require(
            EInvoiceXML.mapInvoice(Self.cii(terms: "", sums: both, currency: "GBP", taxCurrency: "EUR")))
        #expect(a["currency"] == "GBP")
        #expect(a["tax"]?.doubleValue == 71)
        #expect(a["customer_name"] == "Metallbau Süd GmbH & Co. KG")
        let onlyOther = Self.plainSums.replacingOccurrences(
            of: "currencyID=\"EUR\">71.00", with: "currencyID=\"EUR\">80.44")
        let b = try #require(
            EInvoiceXML.mapInvoice(Self.cii(terms: "", sums: onlyOther, currency: "GBP", taxCurrency: "EUR")))
        #expect(b["tax"]?.doubleValue == 71)  // 57.00 + 14.00 from the breakdown
        #expect(b["total"]?.doubleValue == 571)
        // a header total without currencyID is the invoice currency's
        let bare = Self.plainSums.replacingOccurrences(of: " currencyID=\"EUR\"", with: "")
        #expect(try #require(EInvoiceXML.mapInvoice(Self.cii(terms: "", sums: bare)))["tax"]?.doubleValue == 71)
    }

    /// A seller given only by its trading name (BT-28) still has a name.
    @Test func sellerByTradingNameOnly() throws {
        let seller =
            "<ram:SpecifiedLegalOrganization><ram:ID schemeID=\"0002\">HRB 4711</ram:ID><ram:TradingBusinessName>Stahlwerk Nord</ram:TradingBusinessName></ram:SpecifiedLegalOrganization>"
        let o = try #require(EInvoiceXML.mapInvoice(Self.cii(terms: "", sums: Self.plainSums, seller: seller)))
        #expect(o["vendor_name"] == "Stahlwerk Nord")
    }

    /// EXTENDED sub-lines (written after or before their group line, as producers do): a group line is the
    /// subtotal of its detail lines, so the details are the items and the group is not one more; an
    /// information-only line is no item; the items add up to the line total.
    @Test func extendedSubLinesAreNotExtraItems() throws {
        func line(
            _ id: String, _ name: String, _ qty: String, _ price: String, _ amount: String, parent: String? = nil,
            status: String? = nil
        ) -> String {
            """
            <ram:IncludedSupplyChainTradeLineItem>
              <ram:AssociatedDocumentLineDocument><ram:LineID>\(id)</ram:LineID>\(parent.map { "<ram:ParentLineID>\($0)</ram:ParentLineID>" } ?? "")\(status.map { "<ram:LineStatusReasonCode>\($0)</ram:LineStatusReasonCode>" } ?? "")</ram:AssociatedDocumentLineDocument>
              <ram:SpecifiedTradeProduct><ram:Name>\(name)</ram:Name></ram:SpecifiedTradeProduct>
              <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>\(price)</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
              <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="H87">\(qty)</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
              <ram:SpecifiedLineTradeSettlement><ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>\(amount)</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>
            </ram:IncludedSupplyChainTradeLineItem>
            """
        }
        let lines = [
            line("0101", "Schreibtisch", "1", "200.00", "200.00", parent: "01", status: "DETAIL"),
            line("0102", "Stuhl", "2", "50.00", "100.00", parent: "01", status: "DETAIL"),
            line("01", "Summe Arbeitsplatz", "1", "300.00", "300.00", status: "GROUP"),
            line("02", "Lampe", "4", "50.00", "200.00"),
            line("03", "Montagehinweis", "1", "0.00", "0.00", status: "INFORMATION"),
            line("0301", "Hinweis Teil", "1", "0.00", "0.00", parent: "03", status: "INFORMATION"),
        ].joined()
        let o = try #require(EInvoiceXML.mapInvoice(Self.cii(terms: "", sums: Self.plainSums, lines: lines)))
        let items = o["line_items"]?.arrayValue ?? []
        #expect(items.map { $0["description"]?.stringValue ?? "" } == ["Schreibtisch", "Stuhl", "Lampe"])
        #expect(items.compactMap { $0["amount"]?.doubleValue }.reduce(0, +) == 500)
        #expect(items.dropFirst().first?["quantity"]?.doubleValue == 2)
        // a group whose only parts are information lines is billed itself
        let informed = [
            line("01", "Wartungspaket", "1", "500.00", "500.00", status: "GROUP"),
            line("0101", "enthält Prüfung", "1", "0.00", "0.00", parent: "01", status: "INFORMATION"),
        ].joined()
        let p = try #require(EInvoiceXML.mapInvoice(Self.cii(terms: "", sums: Self.plainSums, lines: informed)))
        #expect(p["line_items"]?.arrayValue?.map { $0["description"]?.stringValue ?? "" } == ["Wartungspaket"])
        // without any ParentLineID every billed line is an item
        let flat = [line("1", "Schreibtisch", "1", "300.00", "300.00"), line("2", "Lampe", "4", "50.00", "200.00")]
            .joined()
        #expect(
            try #require(EInvoiceXML.mapInvoice(Self.cii(terms: "", sums: Self.plainSums, lines: flat)))["line_items"]?
                .arrayValue?.count == 2)
    }

    /// A UBL credit note as Peppol writers send it: byte-order mark, a comment before the root, the legal name
    /// (BT-27) beside a longer trading name, VAT exempt (tax 0, not null), CreditedQuantity, and no due date but
    /// payment terms text that states one.
    /// A section heading or a note written as a line (quantity 0, amount 0: what Odoo writes for "--- Food ---"
    /// and for a remark under an item) is not an item, in UBL and in CII; a free item (quantity 1, amount 0) is.
    @Test func sectionAndNoteLinesAreNotItems() async throws {
        func ublLine(_ id: Int, _ name: String, qty: String, amount: String) -> String {
            """
            <cac:InvoiceLine><cbc:ID>\(id)</cbc:ID><cbc:InvoicedQuantity>\(qty)</cbc:InvoicedQuantity>
              <cbc:LineExtensionAmount currencyID="USD">\(amount)</cbc:LineExtensionAmount>
              <cac:Item><cbc:Name>\(name)</cbc:Name></cac:Item><cac:Price><cbc:PriceAmount currencyID="USD">\(amount)</cbc:PriceAmount></cac:Price></cac:InvoiceLine>
            """
        }
        let ubl = """
            <Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
                xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
                xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
              <cbc:ID>S-1</cbc:ID><cbc:IssueDate>2025-06-02</cbc:IssueDate><cbc:DocumentCurrencyCode>USD</cbc:DocumentCurrencyCode>
              <cac:AccountingSupplierParty><cac:Party><cac:PartyName><cbc:Name>Larkspur Goods</cbc:Name></cac:PartyName></cac:Party></cac:AccountingSupplierParty>
              <cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID="USD">42.00</cbc:LineExtensionAmount><cbc:PayableAmount currencyID="USD">42.00</cbc:PayableAmount></cac:LegalMonetaryTotal>
              \(ublLine(1, "--- Non Food ---", qty: "0.00", amount: "0.00"))
              \(ublLine(2, "Beeswax", qty: "1.00", amount: "42.00"))
              \(ublLine(3, "Delivered in a re-usable jar", qty: "0.00", amount: "0.00"))
              \(ublLine(4, "Sample sachet", qty: "1.00", amount: "0.00"))
            </Invoice>
            """
        let dir = try TempDir(); defer { dir.cleanup() }
        let o = try await Fixture.extract(try dir.write("ubl.xml", ubl), "invoice")
        #expect(
            o["line_items"]?.arrayValue?.compactMap { $0["description"]?.stringValue } == ["Beeswax", "Sample sachet"],
            "\(o)")

        func ciiLine(_ id: Int, _ name: String, qty: String, amount: String) -> String {
            """
            <ram:IncludedSupplyChainTradeLineItem>
              <ram:AssociatedDocumentLineDocument><ram:LineID>\(id)</ram:LineID></ram:AssociatedDocumentLineDocument>
              <ram:SpecifiedTradeProduct><ram:Name>\(name)</ram:Name></ram:SpecifiedTradeProduct>
              <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>\(amount)</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
              <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="C62">\(qty)</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
              <ram:SpecifiedLineTradeSettlement><ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>\(amount)</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>
            </ram:IncludedSupplyChainTradeLineItem>
            """
        }
        let cii = """
            <rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
                xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
                xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
              <rsm:ExchangedDocument><ram:ID>S-2</ram:ID><ram:TypeCode>380</ram:TypeCode>
                <ram:IssueDateTime><udt:DateTimeString format="102">20250602</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
              <rsm:SupplyChainTradeTransaction>
                \(ciiLine(1, "--- Food ---", qty: "0", amount: "0.00"))
                \(ciiLine(2, "Olive oil", qty: "2", amount: "9.00"))
                <ram:ApplicableHeaderTradeAgreement><ram:SellerTradeParty><ram:Name>Larkspur Goods</ram:Name></ram:SellerTradeParty></ram:ApplicableHeaderTradeAgreement>
                <ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
                  <ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:LineTotalAmount>9.00</ram:LineTotalAmount><ram:GrandTotalAmount>9.00</ram:GrandTotalAmount><ram:DuePayableAmount>9.00</ram:DuePayableAmount></ram:SpecifiedTradeSettlementHeaderMonetarySummation>
                </ram:ApplicableHeaderTradeSettlement>
              </rsm:SupplyChainTradeTransaction>
            </rsm:CrossIndustryInvoice>
            """
        let c = try await Fixture.extract(try dir.write("cii.xml", cii), "invoice")
        #expect(c["line_items"]?.arrayValue?.compactMap { $0["description"]?.stringValue } == ["Olive oil"], "\(c)")
    }

    @Test func ublCreditNoteWithBOMCommentAndTermsText() async throws {
        let xml = """
            <?xml version='1.0' encoding='UTF-8' standalone='no'?>
            <!--
                Written by an accounting package; licensed to the customer.
            -->
            <CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
                xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
                xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
              <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
              <cbc:ID>GS 2025 / 0042</cbc:ID>
              <cbc:IssueDate>2025-06-02</cbc:IssueDate>
              <cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>
              <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
              <cbc:BuyerReference>0042</cbc:BuyerReference>
              <cac:AccountingSupplierParty><cac:Party>
                <cac:PartyName><cbc:Name>Havenstad Diensten B.V.</cbc:Name></cac:PartyName>
                <cac:PartyLegalEntity><cbc:RegistrationName>Havenstad Diensten</cbc:RegistrationName><cbc:CompanyID>12345678</cbc:CompanyID></cac:PartyLegalEntity>
              </cac:Party></cac:AccountingSupplierParty>
              <cac:AccountingCustomerParty><cac:Party>
                <cac:PartyName><cbc:Name>Klant &amp; Co</cbc:Name></cac:PartyName>
              </cac:Party></cac:AccountingCustomerParty>
              <cac:PaymentTerms><cbc:Note>Verrekening met de volgende factuur, uiterlijk 30.06.2025</cbc:Note></cac:PaymentTerms>
              <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">0.00</cbc:TaxAmount>
                <cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">80.50</cbc:TaxableAmount><cbc:TaxAmount currencyID="EUR">0.00</cbc:TaxAmount>
                  <cac:TaxCategory><cbc:ID>E</cbc:ID><cbc:Percent>0</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal>
              <cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID="EUR">80.50</cbc:LineExtensionAmount><cbc:TaxExclusiveAmount currencyID="EUR">80.50</cbc:TaxExclusiveAmount><cbc:TaxInclusiveAmount currencyID="EUR">80.50</cbc:TaxInclusiveAmount><cbc:PayableAmount currencyID="EUR">80.50</cbc:PayableAmount></cac:LegalMonetaryTotal>
              <cac:CreditNoteLine><cbc:ID>1</cbc:ID><cbc:CreditedQuantity unitCode="C62">7.00</cbc:CreditedQuantity><cbc:LineExtensionAmount currencyID="EUR">80.50</cbc:LineExtensionAmount>
                <cac:Item><cbc:Description>Retour</cbc:Description><cbc:Name>Vrijstelling bijdrage</cbc:Name></cac:Item>
                <cac:Price><cbc:PriceAmount currencyID="EUR">11.50</cbc:PriceAmount></cac:Price></cac:CreditNoteLine>
            </CreditNote>
            """
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write("gutschrift.xml", bytes: [0xEF, 0xBB, 0xBF] + Array(xml.utf8))
        let o = try await Fixture.extract(path, "invoice")
        #expect(o["vendor_name"] == "Havenstad Diensten")
        #expect(o["customer_name"] == "Klant & Co")
        #expect(o["invoice_number"] == "GS 2025 / 0042")
        #expect(o["date"] == "2025-06-02")
        #expect(o["due_date"] == "2025-06-30")
        // a credit note's amounts, stated as credited, come out negative (CreditNote)
        #expect(o["tax"]?.doubleValue == 0)
        #expect(o["subtotal"]?.doubleValue == -80.5)
        #expect(o["total"]?.doubleValue == -80.5)
        let item = o["line_items"]?.arrayValue?.first
        #expect(item?["description"] == "Vrijstelling bijdrage")
        #expect(item?["quantity"]?.doubleValue == 7)
        #expect(item?["unit_price"]?.doubleValue == -11.5)
        #expect(item?["amount"]?.doubleValue == -80.5)
    }
}
