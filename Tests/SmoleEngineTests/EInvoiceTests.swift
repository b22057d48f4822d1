import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

enum EInvoiceFixture {
    static let cii = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
            xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
            xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
          <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
          <rsm:ExchangedDocument>
            <ram:ID>RE-2026-4711</ram:ID>
            <ram:TypeCode>380</ram:TypeCode>
            <ram:IssueDateTime><udt:DateTimeString format="102">20260315</udt:DateTimeString></ram:IssueDateTime>
          </rsm:ExchangedDocument>
          <rsm:SupplyChainTradeTransaction>
            <ram:IncludedSupplyChainTradeLineItem>
              <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
              <ram:SpecifiedTradeProduct><ram:Name>Schrauben M8 &amp; Muttern</ram:Name></ram:SpecifiedTradeProduct>
              <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>12.50</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
              <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="H87">4</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
              <ram:SpecifiedLineTradeSettlement><ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>50.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>
            </ram:IncludedSupplyChainTradeLineItem>
            <ram:IncludedSupplyChainTradeLineItem>
              <ram:SpecifiedTradeProduct><ram:Name>Montage</ram:Name></ram:SpecifiedTradeProduct>
              <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>75.00</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
              <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="HUR">2</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
              <ram:SpecifiedLineTradeSettlement><ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>150.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>
            </ram:IncludedSupplyChainTradeLineItem>
            <ram:ApplicableHeaderTradeAgreement>
              <ram:SellerTradeParty><ram:Name>Beispiel Handwerk GmbH</ram:Name></ram:SellerTradeParty>
              <ram:BuyerTradeParty><ram:Name>Kunde &amp; Söhne KG</ram:Name></ram:BuyerTradeParty>
            </ram:ApplicableHeaderTradeAgreement>
            <ram:ApplicableHeaderTradeSettlement>
              <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
              <ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">20260414</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
              <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
                <ram:LineTotalAmount>200.00</ram:LineTotalAmount>
                <ram:TaxBasisTotalAmount>200.00</ram:TaxBasisTotalAmount>
                <ram:TaxTotalAmount currencyID="EUR">38.00</ram:TaxTotalAmount>
                <ram:GrandTotalAmount>238.00</ram:GrandTotalAmount>
                <ram:DuePayableAmount>238.00</ram:DuePayableAmount>
              </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
            </ram:ApplicableHeaderTradeSettlement>
          </rsm:SupplyChainTradeTransaction>
        </rsm:CrossIndustryInvoice>
        """

    static let ubl = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
          xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
          xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
          <cbc:ID>XR-1001</cbc:ID>
          <cbc:IssueDate>2026-02-01</cbc:IssueDate>
          <cbc:DueDate>2026-03-03</cbc:DueDate>
          <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
          <cac:AccountingSupplierParty><cac:Party><cac:PartyLegalEntity><cbc:RegistrationName>Lieferant AG</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
          <cac:AccountingCustomerParty><cac:Party><cac:PartyName><cbc:Name>Stadtverwaltung Musterstadt</cbc:Name></cac:PartyName></cac:Party></cac:AccountingCustomerParty>
          <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">19.00</cbc:TaxAmount></cac:TaxTotal>
          <cac:LegalMonetaryTotal>
            <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
            <cbc:TaxExclusiveAmount currencyID="EUR">100.00</cbc:TaxExclusiveAmount>
            <cbc:TaxInclusiveAmount currencyID="EUR">119.00</cbc:TaxInclusiveAmount>
            <cbc:PayableAmount currencyID="EUR">119.00</cbc:PayableAmount>
          </cac:LegalMonetaryTotal>
          <cac:InvoiceLine>
            <cbc:ID>1</cbc:ID>
            <cbc:InvoicedQuantity unitCode="C62">10</cbc:InvoicedQuantity>
            <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
            <cac:Item><cbc:Name>Druckerpapier A4</cbc:Name></cac:Item>
            <cac:Price><cbc:PriceAmount currencyID="EUR">10.00</cbc:PriceAmount></cac:Price>
          </cac:InvoiceLine>
        </Invoice>
        """

    static func checkCII(_ o: JSONObject) {
        #expect(o["vendor_name"] == "Beispiel Handwerk GmbH")
        #expect(o["customer_name"] == "Kunde & Söhne KG")
        #expect(o["invoice_number"] == "RE-2026-4711")
        #expect(o["date"] == "2026-03-15")
        #expect(o["due_date"] == "2026-04-14")
        #expect(o["currency"] == "EUR")
        #expect(o["subtotal"]?.doubleValue == 200)
        #expect(o["tax"]?.doubleValue == 38)
        #expect(o["total"]?.doubleValue == 238)
        let items = o["line_items"]?.arrayValue ?? []
        #expect(items.count == 2)
        #expect(items.first?["description"] == "Schrauben M8 & Muttern")
        #expect(items.first?["quantity"]?.doubleValue == 4)
        #expect(items.first?["unit_price"]?.doubleValue == 12.5)
        #expect(items.first?["amount"]?.doubleValue == 50)
        #expect(items.last?["amount"]?.doubleValue == 150)
    }
}

@Suite struct EInvoices {
    @Test func ciiMapsExactlyOntoTheInvoiceFields() throws {
        let o = try #require(EInvoiceXML.mapInvoice(Array(EInvoiceFixture.cii.utf8)))
        EInvoiceFixture.checkCII(o)
    }

    @Test func ublMapsOntoTheInvoiceFields() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let p = try dir.write("xrechnung.xml", EInvoiceFixture.ubl)
        let o = try await Fixture.extract(p, "invoice")
        #expect(o["vendor_name"] == "Lieferant AG")
        #expect(o["customer_name"] == "Stadtverwaltung Musterstadt")
        #expect(o["invoice_number"] == "XR-1001")
        #expect(o["date"] == "2026-02-01")
        #expect(o["due_date"] == "2026-03-03")
        #expect(o["subtotal"]?.doubleValue == 100)
        #expect(o["tax"]?.doubleValue == 19)
        #expect(o["total"]?.doubleValue == 119)
        #expect(o["line_items"]?.arrayValue?.first?["quantity"]?.doubleValue == 10)
        #expect(o["line_items"]?.arrayValue?.first?["unit_price"]?.doubleValue == 10)
    }

    @Test func facturXPDFIsReadFromItsAttachmentNotItsText() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        var w = PDFWriter()
        // The visible text disagrees on purpose: the XML is the source of truth.
        w.addPage(lines: [[(50, "RECHNUNG")], [(50, "Rechnungsnummer: WRONG-1")], [(50, "Gesamtbetrag: 1,00 EUR")]])
        w.attach(name: "factur-x.xml", data: Array(EInvoiceFixture.cii.utf8))
        let pdf = dir.file("zugferd.pdf")
        try w.write(to: pdf)
        let list = try await runTool("pdfdetach", ["-list", pdf])
        #expect(list.stdout.contains("factur-x.xml"))
        let o = try await Fixture.extract(pdf, "invoice")
        EInvoiceFixture.checkCII(o)
        let c = try await Fixture.engine().classify(path: pdf)
        #expect(c?.schema == "invoice")
    }
}
