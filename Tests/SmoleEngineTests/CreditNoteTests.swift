import Foundation
import SmoleRecords
import SmoleTools
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// E-invoice fixtures for credit notes and allowances/charges, written here (EN 16931 CII D16B and UBL 2.1).
enum CreditFixture {
    /// A CII document of type `code` for 2 × 60.00 + 1 × 100.00 (a line allowance of 20.00 makes the second line
    /// 80.00) = 200.00, a document-level charge of 25.00 (BT-99) and an allowance of 5.00 (BT-92): tax basis 220.00,
    /// VAT 44.00, total 264.00.
    static func cii(typeCode code: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
            xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
            xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
          <rsm:ExchangedDocument>
            <ram:ID>GS-2026-0042</ram:ID>
            <ram:TypeCode>\(code)</ram:TypeCode>
            <ram:IssueDateTime><udt:DateTimeString format="102">20260310</udt:DateTimeString></ram:IssueDateTime>
          </rsm:ExchangedDocument>
          <rsm:SupplyChainTradeTransaction>
            <ram:IncludedSupplyChainTradeLineItem>
              <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
              <ram:SpecifiedTradeProduct><ram:Name>Returned pump</ram:Name></ram:SpecifiedTradeProduct>
              <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>60.00</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
              <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="H87">2</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
              <ram:SpecifiedLineTradeSettlement><ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>120.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>
            </ram:IncludedSupplyChainTradeLineItem>
            <ram:IncludedSupplyChainTradeLineItem>
              <ram:AssociatedDocumentLineDocument><ram:LineID>2</ram:LineID></ram:AssociatedDocumentLineDocument>
              <ram:SpecifiedTradeProduct><ram:Name>Service visit</ram:Name></ram:SpecifiedTradeProduct>
              <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>100.00</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
              <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="H87">1</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
              <ram:SpecifiedLineTradeSettlement>
                <ram:SpecifiedTradeAllowanceCharge>
                  <ram:ChargeIndicator><udt:Indicator>false</udt:Indicator></ram:ChargeIndicator>
                  <ram:ActualAmount>20.00</ram:ActualAmount>
                  <ram:Reason>Goodwill</ram:Reason>
                </ram:SpecifiedTradeAllowanceCharge>
                <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>80.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation>
              </ram:SpecifiedLineTradeSettlement>
            </ram:IncludedSupplyChainTradeLineItem>
            <ram:ApplicableHeaderTradeAgreement>
              <ram:SellerTradeParty><ram:Name>Pumpenbau Nord GmbH</ram:Name></ram:SellerTradeParty>
              <ram:BuyerTradeParty><ram:Name>Stadtwerke Beispiel</ram:Name></ram:BuyerTradeParty>
            </ram:ApplicableHeaderTradeAgreement>
            <ram:ApplicableHeaderTradeSettlement>
              <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
              <ram:SpecifiedTradeAllowanceCharge>
                <ram:ChargeIndicator><udt:Indicator>true</udt:Indicator></ram:ChargeIndicator>
                <ram:ActualAmount>25.00</ram:ActualAmount>
                <ram:Reason>Freight</ram:Reason>
              </ram:SpecifiedTradeAllowanceCharge>
              <ram:SpecifiedTradeAllowanceCharge>
                <ram:ChargeIndicator><udt:Indicator>false</udt:Indicator></ram:ChargeIndicator>
                <ram:ActualAmount>5.00</ram:ActualAmount>
                <ram:Reason>Loyalty</ram:Reason>
              </ram:SpecifiedTradeAllowanceCharge>
              <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
                <ram:LineTotalAmount>200.00</ram:LineTotalAmount>
                <ram:ChargeTotalAmount>25.00</ram:ChargeTotalAmount>
                <ram:AllowanceTotalAmount>5.00</ram:AllowanceTotalAmount>
                <ram:TaxBasisTotalAmount>220.00</ram:TaxBasisTotalAmount>
                <ram:TaxTotalAmount currencyID="EUR">44.00</ram:TaxTotalAmount>
                <ram:GrandTotalAmount>264.00</ram:GrandTotalAmount>
                <ram:DuePayableAmount>264.00</ram:DuePayableAmount>
              </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
            </ram:ApplicableHeaderTradeSettlement>
          </rsm:SupplyChainTradeTransaction>
        </rsm:CrossIndustryInvoice>
        """
    }

    /// A UBL document (`root` CreditNote or Invoice) with the same amounts; its charge and allowance are stated only
    /// as `AllowanceCharge` elements (no ChargeTotalAmount/AllowanceTotalAmount), a line's allowance on the line.
    static func ubl(root: String) -> String {
        let credit = root == "CreditNote"
        let line = credit ? "CreditNoteLine" : "InvoiceLine"
        let qty = credit ? "CreditedQuantity" : "InvoicedQuantity"
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <\(root) xmlns="urn:oasis:names:specification:ubl:schema:xsd:\(root)-2"
              xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
              xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
              <cbc:ID>CN-77</cbc:ID>
              <cbc:IssueDate>2026-03-10</cbc:IssueDate>
              <cbc:\(root)TypeCode>\(credit ? "381" : "380")</cbc:\(root)TypeCode>
              <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
              <cac:AccountingSupplierParty><cac:Party><cac:PartyLegalEntity><cbc:RegistrationName>Pumpenbau Nord GmbH</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
              <cac:AccountingCustomerParty><cac:Party><cac:PartyLegalEntity><cbc:RegistrationName>Stadtwerke Beispiel</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>
              <cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator><cbc:AllowanceChargeReason>Freight</cbc:AllowanceChargeReason><cbc:Amount currencyID="EUR">25.00</cbc:Amount></cac:AllowanceCharge>
              <cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:AllowanceChargeReason>Loyalty</cbc:AllowanceChargeReason><cbc:Amount currencyID="EUR">5.00</cbc:Amount></cac:AllowanceCharge>
              <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">44.00</cbc:TaxAmount></cac:TaxTotal>
              <cac:LegalMonetaryTotal>
                <cbc:LineExtensionAmount currencyID="EUR">200.00</cbc:LineExtensionAmount>
                <cbc:TaxExclusiveAmount currencyID="EUR">220.00</cbc:TaxExclusiveAmount>
                <cbc:TaxInclusiveAmount currencyID="EUR">264.00</cbc:TaxInclusiveAmount>
                <cbc:PayableAmount currencyID="EUR">264.00</cbc:PayableAmount>
              </cac:LegalMonetaryTotal>
              <cac:\(line)>
                <cbc:ID>1</cbc:ID>
                <cbc:\(qty) unitCode="C62">2</cbc:\(qty)>
                <cbc:LineExtensionAmount currencyID="EUR">120.00</cbc:LineExtensionAmount>
                <cac:Item><cbc:Name>Returned pump</cbc:Name></cac:Item>
                <cac:Price><cbc:PriceAmount currencyID="EUR">60.00</cbc:PriceAmount></cac:Price>
              </cac:\(line)>
              <cac:\(line)>
                <cbc:ID>2</cbc:ID>
                <cbc:\(qty) unitCode="C62">1</cbc:\(qty)>
                <cbc:LineExtensionAmount currencyID="EUR">80.00</cbc:LineExtensionAmount>
                <cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:AllowanceChargeReason>Goodwill</cbc:AllowanceChargeReason><cbc:Amount currencyID="EUR">20.00</cbc:Amount></cac:AllowanceCharge>
                <cac:Item><cbc:Name>Service visit</cbc:Name></cac:Item>
                <cac:Price><cbc:PriceAmount currencyID="EUR">100.00</cbc:PriceAmount></cac:Price>
              </cac:\(line)>
            </\(root)>
            """
    }
}

@Suite struct CreditNoteTests {
    static let engine = try! Fixture.engine()

    /// Extracts `text` written to a file named `name` and reviews the result as smole-extract does.
    static func run(_ dir: TempDir, _ name: String, _ text: String) async throws -> (data: JSONObject, review: Review) {
        let path = try dir.write(name, text)
        let out = try await engine.extract(path: path, schema: "invoice")
        let review = ReviewChecks(engine: engine).review(
            schema: "invoice", data: out.data, evidence: out.evidence, pages: nil, signals: out.signals)
        return (out.data.objectValue ?? JSONObject(), review)
    }

    static func totals(_ o: JSONObject) -> [Double?] { ["subtotal", "tax", "total"].map { o[$0]?.doubleValue } }
    static func lines(_ o: JSONObject) -> [[Double?]] {
        (o["line_items"]?.arrayValue ?? []).map { r in ["quantity", "unit_price", "amount"].map { r[$0]?.doubleValue } }
    }

    /// FINDING-02: an e-invoice credit note (CII TypeCode 381 and the other credit codes of UNTDID 1001, a UBL
    /// CreditNote) states positive amounts credited; the record gives them negative, as a printed "(x)" credit memo's
    /// come out. The same XML as an invoice (380, 384) stays positive.
    @Test(arguments: ["381", "81", "261", "396", "380", "384"])
    func ciiCreditNotesAreNegative(code: String) async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let (o, review) = try await Self.run(dir, "gs-\(code).xml", CreditFixture.cii(typeCode: code))
        let sign = EInvoiceXML.creditNoteTypeCodes.contains(code) ? -1.0 : 1.0
        #expect(["381", "81", "261", "396"].contains(code) == (sign < 0))
        #expect(Self.totals(o) == [220, 44, 264].map { sign * $0 })
        #expect(Self.lines(o) == [[2, sign * 60, sign * 120], [1, sign * 100, sign * 80]])
        #expect(!review.needed, "\(review.reasons)")
    }

    @Test(arguments: ["CreditNote", "Invoice"])
    func ublCreditNotesAreNegative(root: String) async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let (o, review) = try await Self.run(dir, "\(root).xml", CreditFixture.ubl(root: root))
        let sign = root == "CreditNote" ? -1.0 : 1.0
        #expect(Self.totals(o) == [220, 44, 264].map { sign * $0 })
        #expect(Self.lines(o) == [[2, sign * 60, sign * 120], [1, sign * 100, sign * 80]])
        #expect(o["invoice_number"] == "CN-77")
        #expect(!review.needed, "\(review.reasons)")
    }

    /// FINDING-13: the lines add up to 200.00, the subtotal (tax basis) is 220.00 with a 25.00 charge and a 5.00
    /// allowance at document level, and a line's own 20.00 allowance makes it 80.00, not 1 × 100.00: the XML is
    /// consistent, so the review has no `arithmetic` reason. Lines that do not add up even so are still flagged.
    @Test func allowancesAndChargesExplainTheSums() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        for xml in [CreditFixture.cii(typeCode: "380"), CreditFixture.ubl(root: "Invoice")] {
            let (_, review) = try await Self.run(dir, "ac.xml", xml)
            #expect(!review.reasons.contains { $0.code == .arithmetic }, "\(review.reasons)")
            let off = xml.replacingOccurrences(of: ">80.00<", with: ">85.00<")
            let (_, flagged) = try await Self.run(dir, "ac-off.xml", off)
            #expect(
                Set(flagged.reasons.filter { $0.code == .arithmetic }.compactMap(\.field))
                    == ["line_items[1].amount", "line_items"], "\(flagged.reasons)")
        }
    }

    /// A printed credit note: titled "CREDIT NOTE" with unsigned amounts, it comes out negative like one that prints
    /// its amounts "(170.00)"; with an en dash before its amounts ("–170.00", FINDING-04) the same. An invoice with the
    /// same amounts, and one that only mentions a credit note, stay positive.
    @Test func printedCreditNotes() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        func page(title: String, _ amount: (String) -> String, note: String = "") -> String {
            """
            \(title)

            Kiwi Garden Supplies Ltd
            14 Ponsonby Rd, Auckland 1011

            To: Harbour View Landscaping Ltd

            \(title.isEmpty ? "Invoice" : title.capitalized) Number: CN-0042
            Date: 12 Mar 2024
            \(note)

            Description                       Quantity   Unit Price    Amount NZD
            Returned irrigation timer               2   \(amount("85.00"))   \(amount("170.00"))

                                                    Subtotal      \(amount("170.00"))
                                               TOTAL GST 15%       \(amount("25.50"))
                                                       TOTAL NZD      \(amount("195.50"))
            """
        }
        let credit: [Double?] = [-170, -25.5, -195.5]
        let creditLines: [[Double?]] = [[2, -85, -170]]
        for (name, text) in [
            ("unsigned.txt", page(title: "CREDIT NOTE", { "  \($0)" })),
            ("memo.txt", page(title: "Credit Memo", { "  \($0)" })),
            ("parens.txt", page(title: "CREDIT NOTE", { "(\($0))" })),
            ("en-dash.txt", page(title: "CREDIT NOTE", { " –\($0)" })),
            ("en-dash-untitled.txt", page(title: "TAX INVOICE", { " –\($0)" })),
        ] {
            let (o, review) = try await Self.run(dir, name, text)
            #expect(Self.totals(o) == credit, "\(name)")
            #expect(Self.lines(o) == creditLines, "\(name)")
            #expect(!review.reasons.contains { $0.code == .arithmetic }, "\(name): \(review.reasons)")
        }
        for (name, text) in [
            ("invoice.txt", page(title: "TAX INVOICE", { "  \($0)" })),
            (
                "mentions.txt",
                page(title: "INVOICE", { "  \($0)" }, note: "Credit note applied: see CN-0041 for the refund")
            ),
            // an invoice that names a credit note as a reference in its head
            ("reference.txt", page(title: "TAX INVOICE", { "  \($0)" }, note: "Credit Note:   CN-0041")),
            // a spaced en dash is a separator, not a minus
            ("separator.txt", page(title: "TAX INVOICE", { " – \($0)" })),
        ] {
            let (o, _) = try await Self.run(dir, name, text)
            #expect(Self.totals(o) == [170, 25.5, 195.5], "\(name)")
        }
    }

    /// The en dash as a minus sign, in the number grammar itself: touching the amount or its currency sign; not after
    /// a digit or a letter (a range "10–20", "Q1–Q2"), not spaced ("10 – 20").
    @Test func enDashMinus() {
        func values(_ s: String) -> [Double] { Parse.numbers(in: s).map(\.value) }
        #expect(values("Refund –240.00") == [-240])
        #expect(values("Refund –$240.00") == [-240])
        #expect(values("Refund −240.00") == [-240])
        #expect(values("Pages 10–20") == [10, 20])
        #expect(values("Consulting – 240.00") == [240])
        #expect(!values("Q1–2024 fee 240.00").contains { $0 < 0 })
    }
}
