import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// The German e-invoice variants, each written here the way its standard lays it out: XRechnung UBL
/// (Invoice, CreditNote) and CII, ZUGFeRD 1.0, ZUGFeRD 2.x / Factur-X profiles from MINIMUM to EXTENDED,
/// with their amount, date, party and encoding details.
enum Variant {
    static let ciiNS = """
        xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" \
        xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" \
        xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100" \
        xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
        """

    /// XRechnung 3.0 CII, in USD with VAT also stated in EUR (two TaxTotalAmount), a document-level allowance
    /// and charge, a prepayment (DuePayableAmount below GrandTotalAmount), a price per 100 pieces, and several
    /// payment terms of which the second carries the due date.
    static let xrechnungCII = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rsm:CrossIndustryInvoice \(ciiNS)>
          <rsm:ExchangedDocumentContext>
            <ram:BusinessProcessSpecifiedDocumentContextParameter><ram:ID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</ram:ID></ram:BusinessProcessSpecifiedDocumentContextParameter>
            <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
          </rsm:ExchangedDocumentContext>
          <rsm:ExchangedDocument>
            <ram:ID>XR-CII-2026-0815</ram:ID>
            <ram:TypeCode>380</ram:TypeCode>
            <ram:IssueDateTime><udt:DateTimeString format="102">20260502</udt:DateTimeString></ram:IssueDateTime>
            <ram:IncludedNote><ram:Content>Leistungszeitraum April 2026</ram:Content></ram:IncludedNote>
          </rsm:ExchangedDocument>
          <rsm:SupplyChainTradeTransaction>
            <ram:IncludedSupplyChainTradeLineItem>
              <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
              <ram:SpecifiedTradeProduct><ram:SellerAssignedID>KAB-100</ram:SellerAssignedID><ram:Name>Kabelbinder 200 mm</ram:Name></ram:SpecifiedTradeProduct>
              <ram:SpecifiedLineTradeAgreement>
                <ram:GrossPriceProductTradePrice><ram:ChargeAmount>14.00</ram:ChargeAmount><ram:BasisQuantity unitCode="H87">100</ram:BasisQuantity></ram:GrossPriceProductTradePrice>
                <ram:NetPriceProductTradePrice><ram:ChargeAmount>12.50</ram:ChargeAmount><ram:BasisQuantity unitCode="H87">100</ram:BasisQuantity></ram:NetPriceProductTradePrice>
              </ram:SpecifiedLineTradeAgreement>
              <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="H87">400</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
              <ram:SpecifiedLineTradeSettlement>
                <ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>19</ram:RateApplicablePercent></ram:ApplicableTradeTax>
                <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>50.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation>
              </ram:SpecifiedLineTradeSettlement>
            </ram:IncludedSupplyChainTradeLineItem>
            <ram:IncludedSupplyChainTradeLineItem>
              <ram:AssociatedDocumentLineDocument><ram:LineID>2</ram:LineID></ram:AssociatedDocumentLineDocument>
              <ram:SpecifiedTradeProduct><ram:Name>Wartung Serverraum</ram:Name><ram:Description>Quartalswartung</ram:Description></ram:SpecifiedTradeProduct>
              <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>75.00</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
              <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="HUR">2</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
              <ram:SpecifiedLineTradeSettlement><ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>150.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>
            </ram:IncludedSupplyChainTradeLineItem>
            <ram:ApplicableHeaderTradeAgreement>
              <ram:BuyerReference>04011000-12345-34</ram:BuyerReference>
              <ram:SellerTradeParty>
                <ram:Name>Nordlicht Technik GmbH</ram:Name>
                <ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">HRB 12345</ram:ID><ram:TradingBusinessName>Nordlicht</ram:TradingBusinessName></ram:SpecifiedLegalOrganization>
                <ram:PostalTradeAddress><ram:PostcodeCode>20095</ram:PostcodeCode><ram:LineOne>Mönckebergstraße 7</ram:LineOne><ram:CityName>Hamburg</ram:CityName><ram:CountryID>DE</ram:CountryID></ram:PostalTradeAddress>
                <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE123456789</ram:ID></ram:SpecifiedTaxRegistration>
              </ram:SellerTradeParty>
              <ram:BuyerTradeParty><ram:Name>Landesamt für Digitales</ram:Name></ram:BuyerTradeParty>
            </ram:ApplicableHeaderTradeAgreement>
            <ram:ApplicableHeaderTradeDelivery/>
            <ram:ApplicableHeaderTradeSettlement>
              <ram:TaxCurrencyCode>EUR</ram:TaxCurrencyCode>
              <ram:InvoiceCurrencyCode>USD</ram:InvoiceCurrencyCode>
              <ram:ApplicableTradeTax><ram:CalculatedAmount>34.20</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>180.00</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>19</ram:RateApplicablePercent></ram:ApplicableTradeTax>
              <ram:SpecifiedTradeAllowanceCharge>
                <ram:ChargeIndicator><udt:Indicator>false</udt:Indicator></ram:ChargeIndicator>
                <ram:ActualAmount>30.00</ram:ActualAmount><ram:Reason>Treuerabatt</ram:Reason>
              </ram:SpecifiedTradeAllowanceCharge>
              <ram:SpecifiedTradeAllowanceCharge>
                <ram:ChargeIndicator><udt:Indicator>true</udt:Indicator></ram:ChargeIndicator>
                <ram:ActualAmount>10.00</ram:ActualAmount><ram:Reason>Versand</ram:Reason>
              </ram:SpecifiedTradeAllowanceCharge>
              <ram:SpecifiedTradePaymentTerms><ram:Description>2 % Skonto bei Zahlung binnen 10 Tagen</ram:Description></ram:SpecifiedTradePaymentTerms>
              <ram:SpecifiedTradePaymentTerms><ram:Description>Zahlbar ohne Abzug</ram:Description><ram:DueDateDateTime><udt:DateTimeString format="102">20260601</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
              <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
                <ram:LineTotalAmount>200.00</ram:LineTotalAmount>
                <ram:ChargeTotalAmount>10.00</ram:ChargeTotalAmount>
                <ram:AllowanceTotalAmount>30.00</ram:AllowanceTotalAmount>
                <ram:TaxBasisTotalAmount>180.00</ram:TaxBasisTotalAmount>
                <ram:TaxTotalAmount currencyID="EUR">31.45</ram:TaxTotalAmount>
                <ram:TaxTotalAmount currencyID="USD">34.20</ram:TaxTotalAmount>
                <ram:GrandTotalAmount>214.20</ram:GrandTotalAmount>
                <ram:TotalPrepaidAmount>14.20</ram:TotalPrepaidAmount>
                <ram:DuePayableAmount>200.00</ram:DuePayableAmount>
              </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
            </ram:ApplicableHeaderTradeSettlement>
          </rsm:SupplyChainTradeTransaction>
        </rsm:CrossIndustryInvoice>
        """

    static func checkXRechnungCII(_ o: JSONObject) {
        #expect(o["vendor_name"] == "Nordlicht Technik GmbH")
        #expect(o["customer_name"] == "Landesamt für Digitales")
        #expect(o["invoice_number"] == "XR-CII-2026-0815")
        #expect(o["date"] == "2026-05-02")
        #expect(o["due_date"] == "2026-06-01")
        #expect(o["currency"] == "USD")
        #expect(o["subtotal"]?.doubleValue == 180)  // the tax basis: lines − allowance + charge
        #expect(o["tax"]?.doubleValue == 34.2)  // the invoice currency's, not the EUR one
        #expect(o["total"]?.doubleValue == 214.2)  // grand total, not the amount still due
        let items = o["line_items"]?.arrayValue ?? []
        #expect(items.count == 2)
        #expect(items.first?["description"] == "Kabelbinder 200 mm")
        #expect(items.first?["quantity"]?.doubleValue == 400)
        #expect(items.first?["unit_price"]?.doubleValue == 0.125)  // 12.50 per 100
        #expect(items.first?["amount"]?.doubleValue == 50)
        #expect(items.last?["description"] == "Wartung Serverraum")
        #expect(items.last?["unit_price"]?.doubleValue == 75)
        #expect(items.last?["amount"]?.doubleValue == 150)
    }

    /// Factur-X / ZUGFeRD 2.x in one of its profiles. MINIMUM and BASIC WL carry no lines; MINIMUM no due date.
    static func facturX(profile: String, prefixes: (rsm: String, ram: String, udt: String) = ("rsm", "ram", "udt"))
        -> String
    {
        let (r, a, u) = prefixes
        let guideline: String
        switch profile {
        case "MINIMUM": guideline = "urn:factur-x.eu:1p0:minimum"
        case "BASIC WL": guideline = "urn:factur-x.eu:1p0:basicwl"
        case "BASIC": guideline = "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic"
        case "EN16931": guideline = "urn:cen.eu:en16931:2017"
        default: guideline = "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended"
        }
        let hasLines = profile != "MINIMUM" && profile != "BASIC WL"
        let lines =
            !hasLines
            ? ""
            : """
                <\(a):IncludedSupplyChainTradeLineItem>
                  <\(a):AssociatedDocumentLineDocument><\(a):LineID>1</\(a):LineID></\(a):AssociatedDocumentLineDocument>
                  <\(a):SpecifiedTradeProduct><\(a):Name>Beratung Datenschutz</\(a):Name></\(a):SpecifiedTradeProduct>
                  <\(a):SpecifiedLineTradeAgreement><\(a):NetPriceProductTradePrice><\(a):ChargeAmount>95.0000</\(a):ChargeAmount></\(a):NetPriceProductTradePrice></\(a):SpecifiedLineTradeAgreement>
                  <\(a):SpecifiedLineTradeDelivery><\(a):BilledQuantity unitCode="HUR">8.0000</\(a):BilledQuantity></\(a):SpecifiedLineTradeDelivery>
                  <\(a):SpecifiedLineTradeSettlement><\(a):SpecifiedTradeSettlementLineMonetarySummation><\(a):LineTotalAmount>760.00</\(a):LineTotalAmount></\(a):SpecifiedTradeSettlementLineMonetarySummation></\(a):SpecifiedLineTradeSettlement>
                </\(a):IncludedSupplyChainTradeLineItem>
                <\(a):IncludedSupplyChainTradeLineItem>
                  <\(a):AssociatedDocumentLineDocument><\(a):LineID>2</\(a):LineID></\(a):AssociatedDocumentLineDocument>
                  <\(a):SpecifiedTradeProduct><\(a):Name>Schulung Mitarbeiter</\(a):Name></\(a):SpecifiedTradeProduct>
                  <\(a):SpecifiedLineTradeAgreement><\(a):NetPriceProductTradePrice><\(a):ChargeAmount>240.00</\(a):ChargeAmount></\(a):NetPriceProductTradePrice></\(a):SpecifiedLineTradeAgreement>
                  <\(a):SpecifiedLineTradeDelivery><\(a):BilledQuantity unitCode="C62">1</\(a):BilledQuantity></\(a):SpecifiedLineTradeDelivery>
                  <\(a):SpecifiedLineTradeSettlement><\(a):SpecifiedTradeSettlementLineMonetarySummation><\(a):LineTotalAmount>240.00</\(a):LineTotalAmount></\(a):SpecifiedTradeSettlementLineMonetarySummation></\(a):SpecifiedLineTradeSettlement>
                </\(a):IncludedSupplyChainTradeLineItem>
            """
        let due =
            profile == "MINIMUM"
            ? ""
            : """
                  <\(a):SpecifiedTradePaymentTerms><\(a):DueDateDateTime><\(u):DateTimeString format="102">20260131</\(u):DateTimeString></\(a):DueDateDateTime></\(a):SpecifiedTradePaymentTerms>
            """
        let lineTotal = profile == "MINIMUM" ? "" : "<\(a):LineTotalAmount>1000.00</\(a):LineTotalAmount>"
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <\(r):CrossIndustryInvoice xmlns:\(r)="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:\(a)="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:\(u)="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
              <\(r):ExchangedDocumentContext><\(a):GuidelineSpecifiedDocumentContextParameter><\(a):ID>\(guideline)</\(a):ID></\(a):GuidelineSpecifiedDocumentContextParameter></\(r):ExchangedDocumentContext>
              <\(r):ExchangedDocument>
                <\(a):ID>FX-2026-001</\(a):ID>
                <\(a):TypeCode>380</\(a):TypeCode>
                <\(a):IssueDateTime><\(u):DateTimeString format="102">20260102</\(u):DateTimeString></\(a):IssueDateTime>
              </\(r):ExchangedDocument>
              <\(r):SupplyChainTradeTransaction>
            \(lines)
                <\(a):ApplicableHeaderTradeAgreement>
                  <\(a):SellerTradeParty><\(a):Name>Datenwerk Beratung GmbH</\(a):Name></\(a):SellerTradeParty>
                  <\(a):BuyerTradeParty><\(a):Name>Bäckerei Krümel OHG</\(a):Name></\(a):BuyerTradeParty>
                </\(a):ApplicableHeaderTradeAgreement>
                <\(a):ApplicableHeaderTradeDelivery/>
                <\(a):ApplicableHeaderTradeSettlement>
                  <\(a):InvoiceCurrencyCode>EUR</\(a):InvoiceCurrencyCode>
            \(due)
                  <\(a):SpecifiedTradeSettlementHeaderMonetarySummation>
                    \(lineTotal)
                    <\(a):TaxBasisTotalAmount>1000.00</\(a):TaxBasisTotalAmount>
                    <\(a):TaxTotalAmount currencyID="EUR">190.00</\(a):TaxTotalAmount>
                    <\(a):GrandTotalAmount>1190.00</\(a):GrandTotalAmount>
                    <\(a):DuePayableAmount>1190.00</\(a):DuePayableAmount>
                  </\(a):SpecifiedTradeSettlementHeaderMonetarySummation>
                </\(a):ApplicableHeaderTradeSettlement>
              </\(r):SupplyChainTradeTransaction>
            </\(r):CrossIndustryInvoice>
            """
    }

    static func checkFacturXHeader(_ o: JSONObject) {
        #expect(o["vendor_name"] == "Datenwerk Beratung GmbH")
        #expect(o["customer_name"] == "Bäckerei Krümel OHG")
        #expect(o["invoice_number"] == "FX-2026-001")
        #expect(o["date"] == "2026-01-02")
        #expect(o["currency"] == "EUR")
        #expect(o["subtotal"]?.doubleValue == 1000)
        #expect(o["tax"]?.doubleValue == 190)
        #expect(o["total"]?.doubleValue == 1190)
    }

    /// The PDF face of the Factur-X invoice above: what a reader sees, with its table of lines.
    static let facturXPage: [[(Double, String)]] = [
        [(50, "Datenwerk Beratung GmbH"), (400, "RECHNUNG")],
        [(330, "Rechnungsnummer:"), (450, "FX-2026-001")],
        [(330, "Rechnungsdatum:"), (450, "02.01.2026")],
        [(330, "Fällig am:"), (450, "31.01.2026")],
        [],
        [(50, "Rechnungsempfänger:")],
        [(50, "Bäckerei Krümel OHG")],
        [],
        [(50, "Beschreibung"), (300, "Menge"), (380, "Einzelpreis"), (480, "Betrag")],
        [(50, "Beratung Datenschutz"), (305, "8"), (385, "95,00"), (485, "760,00")],
        [(50, "Schulung Mitarbeiter"), (305, "1"), (385, "240,00"), (485, "240,00")],
        [],
        [(330, "Summe Positionen"), (480, "1.000,00 EUR")],
        [(330, "Nettobetrag"), (480, "1.000,00 EUR")],
        [(330, "MwSt. 19 %"), (480, "190,00 EUR")],
        [(330, "Gesamtbetrag"), (480, "1.190,00 EUR")],
    ]

    static func checkFacturXLines(_ o: JSONObject) {
        let items = o["line_items"]?.arrayValue ?? []
        #expect(items.count == 2)
        #expect(items.first?["description"] == "Beratung Datenschutz")
        #expect(items.first?["quantity"]?.doubleValue == 8)
        #expect(items.first?["unit_price"]?.doubleValue == 95)
        #expect(items.first?["amount"]?.doubleValue == 760)
        #expect(items.last?["description"] == "Schulung Mitarbeiter")
        #expect(items.last?["amount"]?.doubleValue == 240)
    }

    /// ZUGFeRD 1.0 (COMFORT): CrossIndustryDocument, HeaderExchangedDocument, the "SupplyChain" element names,
    /// the line items after the settlement, and a gross price with an allowance beside the net price.
    static let zugferd1 = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rsm:CrossIndustryDocument xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
          <rsm:SpecifiedExchangedDocumentContext>
            <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:ferd:CrossIndustryDocument:invoice:1p0:comfort</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
          </rsm:SpecifiedExchangedDocumentContext>
          <rsm:HeaderExchangedDocument>
            <ram:ID>RE1337</ram:ID>
            <ram:Name>RECHNUNG</ram:Name>
            <ram:TypeCode>380</ram:TypeCode>
            <ram:IssueDateTime><udt:DateTimeString format="102">20130305</udt:DateTimeString></ram:IssueDateTime>
          </rsm:HeaderExchangedDocument>
          <rsm:SpecifiedSupplyChainTradeTransaction>
            <ram:ApplicableSupplyChainTradeAgreement>
              <ram:SellerTradeParty><ram:Name>Lieferant GmbH</ram:Name><ram:PostalTradeAddress><ram:CityName>München</ram:CityName></ram:PostalTradeAddress></ram:SellerTradeParty>
              <ram:BuyerTradeParty><ram:Name>Kunden AG Mitte</ram:Name></ram:BuyerTradeParty>
            </ram:ApplicableSupplyChainTradeAgreement>
            <ram:ApplicableSupplyChainTradeSettlement>
              <ram:PaymentReference>2013-471102</ram:PaymentReference>
              <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
              <ram:ApplicableTradeTax><ram:CalculatedAmount currencyID="EUR">37.62</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount currencyID="EUR">198.00</ram:BasisAmount><ram:ApplicablePercent>19.00</ram:ApplicablePercent></ram:ApplicableTradeTax>
              <ram:SpecifiedTradePaymentTerms>
                <ram:Description>Zahlbar innerhalb 30 Tagen netto bis 04.04.2013</ram:Description>
                <ram:DueDateDateTime><udt:DateTimeString format="102">20130404</udt:DateTimeString></ram:DueDateDateTime>
              </ram:SpecifiedTradePaymentTerms>
              <ram:SpecifiedTradeSettlementMonetarySummation>
                <ram:LineTotalAmount currencyID="EUR">198.00</ram:LineTotalAmount>
                <ram:ChargeTotalAmount currencyID="EUR">0.00</ram:ChargeTotalAmount>
                <ram:AllowanceTotalAmount currencyID="EUR">0.00</ram:AllowanceTotalAmount>
                <ram:TaxBasisTotalAmount currencyID="EUR">198.00</ram:TaxBasisTotalAmount>
                <ram:TaxTotalAmount currencyID="EUR">37.62</ram:TaxTotalAmount>
                <ram:GrandTotalAmount currencyID="EUR">235.62</ram:GrandTotalAmount>
                <ram:DuePayableAmount currencyID="EUR">235.62</ram:DuePayableAmount>
              </ram:SpecifiedTradeSettlementMonetarySummation>
            </ram:ApplicableSupplyChainTradeSettlement>
            <ram:IncludedSupplyChainTradeLineItem>
              <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
              <ram:SpecifiedSupplyChainTradeAgreement>
                <ram:GrossPriceProductTradePrice>
                  <ram:ChargeAmount currencyID="EUR">11.7000</ram:ChargeAmount>
                  <ram:AppliedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>false</udt:Indicator></ram:ChargeIndicator><ram:ActualAmount currencyID="EUR">1.8000</ram:ActualAmount></ram:AppliedTradeAllowanceCharge>
                </ram:GrossPriceProductTradePrice>
                <ram:NetPriceProductTradePrice><ram:ChargeAmount currencyID="EUR">9.9000</ram:ChargeAmount></ram:NetPriceProductTradePrice>
              </ram:SpecifiedSupplyChainTradeAgreement>
              <ram:SpecifiedSupplyChainTradeDelivery><ram:BilledQuantity unitCode="C62">20.0000</ram:BilledQuantity></ram:SpecifiedSupplyChainTradeDelivery>
              <ram:SpecifiedSupplyChainTradeSettlement>
                <ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:ApplicablePercent>19.00</ram:ApplicablePercent></ram:ApplicableTradeTax>
                <ram:SpecifiedTradeSettlementMonetarySummation><ram:LineTotalAmount currencyID="EUR">198.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementMonetarySummation>
              </ram:SpecifiedSupplyChainTradeSettlement>
              <ram:SpecifiedTradeProduct><ram:SellerAssignedID>TB100A4</ram:SellerAssignedID><ram:Name>Trennblätter A4</ram:Name></ram:SpecifiedTradeProduct>
            </ram:IncludedSupplyChainTradeLineItem>
          </rsm:SpecifiedSupplyChainTradeTransaction>
        </rsm:CrossIndustryDocument>
        """

    static func checkZUGFeRD1(_ o: JSONObject) {
        #expect(o["vendor_name"] == "Lieferant GmbH")
        #expect(o["customer_name"] == "Kunden AG Mitte")
        #expect(o["invoice_number"] == "RE1337")
        #expect(o["date"] == "2013-03-05")
        #expect(o["due_date"] == "2013-04-04")
        #expect(o["currency"] == "EUR")
        #expect(o["subtotal"]?.doubleValue == 198)
        #expect(o["tax"]?.doubleValue == 37.62)
        #expect(o["total"]?.doubleValue == 235.62)
        let items = o["line_items"]?.arrayValue ?? []
        #expect(items.count == 1)
        #expect(items.first?["description"] == "Trennblätter A4")
        #expect(items.first?["quantity"]?.doubleValue == 20)
        #expect(items.first?["unit_price"]?.doubleValue == 9.9)  // the net price, not the gross 11.70
        #expect(items.first?["amount"]?.doubleValue == 198)
    }

    /// XRechnung UBL with a given root prefix ("ubl", "" for a default namespace, "ns0"): both the legal name and
    /// a different trading name, a document-level allowance, VAT in EUR beside a CHF invoice, a price per 10,
    /// an issue date with a zone, and the due date only in PaymentMeans (the UBL 2.1 place before cbc:DueDate).
    static func xrechnungUBL(rootPrefix p: String) -> String {
        let q = p.isEmpty ? "" : p + ":"
        let ns = p.isEmpty ? "xmlns" : "xmlns:\(p)"
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <\(q)Invoice \(ns)="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
              <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</cbc:CustomizationID>
              <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
              <cbc:ID>UBL-4711-\(p.isEmpty ? "default" : p)</cbc:ID>
              <cbc:IssueDate>2026-07-15Z</cbc:IssueDate>
              <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
              <cbc:DocumentCurrencyCode>CHF</cbc:DocumentCurrencyCode>
              <cbc:TaxCurrencyCode>EUR</cbc:TaxCurrencyCode>
              <cbc:BuyerReference>991-12345-67</cbc:BuyerReference>
              <cac:AccountingSupplierParty><cac:Party>
                <cac:PartyName><cbc:Name>Alpenblick Druck</cbc:Name></cac:PartyName>
                <cac:PostalAddress><cbc:CityName>Konstanz</cbc:CityName><cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
                <cac:PartyTaxScheme><cbc:CompanyID>DE987654321</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
                <cac:PartyLegalEntity><cbc:RegistrationName>Alpenblick Druck GmbH &amp; Co. KG</cbc:RegistrationName></cac:PartyLegalEntity>
              </cac:Party></cac:AccountingSupplierParty>
              <cac:AccountingCustomerParty><cac:Party>
                <cac:PartyName><cbc:Name>Gemeinde Seeblick</cbc:Name></cac:PartyName>
                <cac:PartyLegalEntity><cbc:RegistrationName>Gemeindeverwaltung Seeblick</cbc:RegistrationName></cac:PartyLegalEntity>
              </cac:Party></cac:AccountingCustomerParty>
              <cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode><cbc:PaymentDueDate>2026-08-14</cbc:PaymentDueDate></cac:PaymentMeans>
              <cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:Amount currencyID="CHF">20.00</cbc:Amount></cac:AllowanceCharge>
              <cac:TaxTotal>
                <cbc:TaxAmount currencyID="CHF">57.00</cbc:TaxAmount>
                <cac:TaxSubtotal><cbc:TaxableAmount currencyID="CHF">300.00</cbc:TaxableAmount><cbc:TaxAmount currencyID="CHF">57.00</cbc:TaxAmount></cac:TaxSubtotal>
              </cac:TaxTotal>
              <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">60.15</cbc:TaxAmount></cac:TaxTotal>
              <cac:LegalMonetaryTotal>
                <cbc:LineExtensionAmount currencyID="CHF">320.00</cbc:LineExtensionAmount>
                <cbc:TaxExclusiveAmount currencyID="CHF">300.00</cbc:TaxExclusiveAmount>
                <cbc:TaxInclusiveAmount currencyID="CHF">357.00</cbc:TaxInclusiveAmount>
                <cbc:AllowanceTotalAmount currencyID="CHF">20.00</cbc:AllowanceTotalAmount>
                <cbc:PrepaidAmount currencyID="CHF">100.00</cbc:PrepaidAmount>
                <cbc:PayableAmount currencyID="CHF">257.00</cbc:PayableAmount>
              </cac:LegalMonetaryTotal>
              <cac:InvoiceLine>
                <cbc:ID>1</cbc:ID>
                <cbc:InvoicedQuantity unitCode="H87">500</cbc:InvoicedQuantity>
                <cbc:LineExtensionAmount currencyID="CHF">200.00</cbc:LineExtensionAmount>
                <cac:Item><cbc:Description>Faltblatt, vierfarbig</cbc:Description><cbc:Name>Flyer A5</cbc:Name></cac:Item>
                <cac:Price><cbc:PriceAmount currencyID="CHF">4.00</cbc:PriceAmount><cbc:BaseQuantity unitCode="H87">10</cbc:BaseQuantity></cac:Price>
              </cac:InvoiceLine>
              <cac:InvoiceLine>
                <cbc:ID>2</cbc:ID>
                <cbc:InvoicedQuantity unitCode="HUR">1.5</cbc:InvoicedQuantity>
                <cbc:LineExtensionAmount currencyID="CHF">120.00</cbc:LineExtensionAmount>
                <cac:Item><cbc:Name>Satz und Gestaltung</cbc:Name></cac:Item>
                <cac:Price><cbc:PriceAmount currencyID="CHF">80.00</cbc:PriceAmount></cac:Price>
              </cac:InvoiceLine>
            </\(q)Invoice>
            """
    }

    static func checkXRechnungUBL(_ o: JSONObject, id: String) {
        #expect(o["vendor_name"] == "Alpenblick Druck GmbH & Co. KG")  // BT-27, as CII's Name
        #expect(o["customer_name"] == "Gemeindeverwaltung Seeblick")
        #expect(o["invoice_number"] == .string(id))
        #expect(o["date"] == "2026-07-15")
        #expect(o["due_date"] == "2026-08-14")
        #expect(o["currency"] == "CHF")
        #expect(o["subtotal"]?.doubleValue == 300)
        #expect(o["tax"]?.doubleValue == 57)
        #expect(o["total"]?.doubleValue == 357)
        let items = o["line_items"]?.arrayValue ?? []
        #expect(items.count == 2)
        #expect(items.first?["description"] == "Flyer A5")
        #expect(items.first?["quantity"]?.doubleValue == 500)
        #expect(items.first?["unit_price"]?.doubleValue == 0.4)  // 4.00 per 10
        #expect(items.first?["amount"]?.doubleValue == 200)
        #expect(items.last?["quantity"]?.doubleValue == 1.5)
        #expect(items.last?["unit_price"]?.doubleValue == 80)
    }

    /// An XRechnung UBL credit note: CreditNote root, CreditNoteLine / CreditedQuantity, one line negative
    /// (a returned item), only PartyName for the supplier, the due date in PaymentMeans.
    static let creditNote = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ubl:CreditNote xmlns:ubl="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
          <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</cbc:CustomizationID>
          <cbc:ID>GS-2026-007</cbc:ID>
          <cbc:IssueDate>2026-03-20</cbc:IssueDate>
          <cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>
          <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
          <cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>RE-2026-0099</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>
          <cac:AccountingSupplierParty><cac:Party><cac:PartyName><cbc:Name>Elektro Öztürk</cbc:Name></cac:PartyName></cac:Party></cac:AccountingSupplierParty>
          <cac:AccountingCustomerParty><cac:Party><cac:PartyLegalEntity><cbc:RegistrationName>Hausverwaltung Großmann</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>
          <cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cbc:PaymentDueDate>2026-04-03</cbc:PaymentDueDate></cac:PaymentMeans>
          <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">-9.50</cbc:TaxAmount></cac:TaxTotal>
          <cac:LegalMonetaryTotal>
            <cbc:LineExtensionAmount currencyID="EUR">-50.00</cbc:LineExtensionAmount>
            <cbc:TaxExclusiveAmount currencyID="EUR">-50.00</cbc:TaxExclusiveAmount>
            <cbc:TaxInclusiveAmount currencyID="EUR">-59.50</cbc:TaxInclusiveAmount>
            <cbc:PayableAmount currencyID="EUR">-59.50</cbc:PayableAmount>
          </cac:LegalMonetaryTotal>
          <cac:CreditNoteLine>
            <cbc:ID>1</cbc:ID>
            <cbc:CreditedQuantity unitCode="H87">-2</cbc:CreditedQuantity>
            <cbc:LineExtensionAmount currencyID="EUR">-50.00</cbc:LineExtensionAmount>
            <cac:Item><cbc:Name>LED-Leuchte, zurückgenommen</cbc:Name></cac:Item>
            <cac:Price><cbc:PriceAmount currencyID="EUR">25.00</cbc:PriceAmount></cac:Price>
          </cac:CreditNoteLine>
        </ubl:CreditNote>
        """
}

@Suite struct EInvoiceVariants {
    /// The price per unit is the net price over its base quantity (EN 16931 BT-146/BT-149), unless the line's own
    /// net amount (BT-131) contradicts that and agrees with the price as written (a producer that repeats the
    /// quantity as the base quantity).
    @Test func unitPriceOverBaseQuantityUnlessTheLineAmountSaysOtherwise() {
        #expect(EInvoiceXML.unitPrice(4, base: 10, quantity: 500, amount: 200) == 0.4)
        #expect(EInvoiceXML.unitPrice(10, base: 15, quantity: 15, amount: 150) == 10)
        #expect(abs((EInvoiceXML.unitPrice(10, base: 15, quantity: 15, amount: nil) ?? 0) - 10.0 / 15) < 1e-9)
        #expect(EInvoiceXML.unitPrice(80, base: nil, quantity: 1.5, amount: 120) == 80)
        #expect(EInvoiceXML.unitPrice(nil, base: 10, quantity: 1, amount: 1) == nil)
    }

    @Test func xrechnungCIIWithForeignCurrencyAllowancesAndPrepayment() throws {
        let o = try #require(EInvoiceXML.mapInvoice(Array(Variant.xrechnungCII.utf8)))
        Variant.checkXRechnungCII(o)
    }

    @Test(arguments: ["ubl", "", "ns0"])
    func xrechnungUBLWhateverThePrefix(prefix: String) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let p = try dir.write("rechnung-\(prefix).xml", Variant.xrechnungUBL(rootPrefix: prefix))
        let o = try await Fixture.extract(p, "invoice")
        Variant.checkXRechnungUBL(o, id: "UBL-4711-\(prefix.isEmpty ? "default" : prefix)")
    }

    @Test func ciiWithOtherPrefixesMapsTheSame() throws {
        for prefixes in [("rsm", "ram", "udt"), ("ns0", "ns1", "ns2"), ("a", "b", "c")] {
            let o = try #require(
                EInvoiceXML.mapInvoice(Array(Variant.facturX(profile: "EN16931", prefixes: prefixes).utf8)))
            Variant.checkFacturXHeader(o)
            Variant.checkFacturXLines(o)
        }
    }

    @Test func ublCreditNoteKeepsItsSignsAndReadsCreditNoteLines() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let p = try dir.write("gutschrift.xml", Variant.creditNote)
        let o = try await Fixture.extract(p, "invoice")
        #expect(o["vendor_name"] == "Elektro Öztürk")
        #expect(o["customer_name"] == "Hausverwaltung Großmann")
        #expect(o["invoice_number"] == "GS-2026-007")
        #expect(o["date"] == "2026-03-20")
        #expect(o["due_date"] == "2026-04-03")
        #expect(o["subtotal"]?.doubleValue == -50)
        #expect(o["tax"]?.doubleValue == -9.5)
        #expect(o["total"]?.doubleValue == -59.5)
        let item = try #require(o["line_items"]?.arrayValue?.first)
        #expect(item["description"] == "LED-Leuchte, zurückgenommen")
        #expect(item["quantity"]?.doubleValue == -2)
        #expect(item["unit_price"]?.doubleValue == 25)
        #expect(item["amount"]?.doubleValue == -50)
    }

    /// The profiles with lines map them; in a bare XML file, MINIMUM and BASIC WL have no lines (`[]`),
    /// and MINIMUM no due date (`null`): nothing is guessed from the XML's own text.
    @Test(arguments: ["MINIMUM", "BASIC WL", "BASIC", "EN16931", "EXTENDED"])
    func facturXProfilesAsStandaloneXML(profile: String) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let p = try dir.write("factur-x.xml", Variant.facturX(profile: profile))
        let o = try await Fixture.extract(p, "invoice")
        Variant.checkFacturXHeader(o)
        #expect(o["due_date"] == (profile == "MINIMUM" ? .null : "2026-01-31"))
        switch profile {
        case "MINIMUM", "BASIC WL": #expect(o["line_items"] == .array([]))
        default: Variant.checkFacturXLines(o)
        }
    }

    /// In a PDF, what a MINIMUM or BASIC WL attachment leaves out (lines, the due date) is read from the page;
    /// the attachment's values still win where it has them. Each profile under one of its usual file names.
    @Test(arguments: [
        ("MINIMUM", "factur-x.xml"), ("BASIC WL", "zugferd-invoice.xml"), ("BASIC", "factur-x.xml"),
        ("EN16931", "zugferd-invoice.xml"), ("EXTENDED", "xrechnung.xml"),
    ])
    func facturXProfilesInsideAPDF(profile: String, attachment: String) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        var w = PDFWriter()
        var page = Variant.facturXPage
        page[1] = [(330, "Rechnungsnummer:"), (450, "ON-THE-PAGE-1")]  // the XML's number must win
        w.addPage(lines: page)
        w.attach(name: attachment, data: Array(Variant.facturX(profile: profile).utf8))
        let pdf = dir.file("rechnung.pdf")
        try w.write(to: pdf)
        let o = try await Fixture.extract(pdf, "invoice")
        Variant.checkFacturXHeader(o)
        #expect(o["due_date"] == "2026-01-31")
        Variant.checkFacturXLines(o)
        let c = try await Fixture.engine().classify(path: pdf)
        #expect(c?.schema == "invoice")
    }

    /// xs:decimal as the standards write it, and the slips some producers make.
    @Test func decimals() {
        #expect(EInvoiceXML.decimal("235.62") == 235.62)
        #expect(EInvoiceXML.decimal(" -59.50\n") == -59.5)
        #expect(EInvoiceXML.decimal("20.0000") == 20)
        #expect(EInvoiceXML.decimal("1234,56") == 1234.56)
        #expect(EInvoiceXML.decimal("1.234,56") == 1234.56)
        #expect(EInvoiceXML.decimal("1,234.56") == 1234.56)
        #expect(EInvoiceXML.decimal("EUR 99.90") == 99.9)
        #expect(EInvoiceXML.decimal("") == nil)
        #expect(EInvoiceXML.decimal("n/a") == nil)
    }

    /// Rows read from a page stop where their amounts reach the XML's line total.
    @Test func pageRowsAreCutAtTheXMLLineTotal() {
        let rows: [JSONValue] = [
            ["description": "A", "amount": 760], ["description": "B", "amount": 240],
            ["description": "Summe Positionen", "amount": 1000], ["description": "Versand", "amount": 4.9],
        ]
        #expect(EInvoiceXML.rowsUpTo(1000, rows).count == 2)
        #expect(EInvoiceXML.rowsUpTo(999, rows).count == 4)  // nothing adds up: left as read
        #expect(EInvoiceXML.rowsUpTo(1004.9, Array(rows.prefix(2)) + [rows[3]]).count == 3)
    }

    @Test func zugferd1InsideAPDF() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        var w = PDFWriter()
        w.addPage(lines: [[(50, "Lieferant GmbH"), (400, "RECHNUNG")], [(50, "Rechnung RE1337 vom 05.03.2013")]])
        w.attach(name: "ZUGFeRD-invoice.xml", data: Array(Variant.zugferd1.utf8))
        let pdf = dir.file("zugferd1.pdf")
        try w.write(to: pdf)
        let list = try await runTool("pdfdetach", ["-list", pdf])
        #expect(list.stdout.contains("ZUGFeRD-invoice.xml"))
        Variant.checkZUGFeRD1(try await Fixture.extract(pdf, "invoice"))
    }

    @Test func encodingsBOMLatin1AndUTF16() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let utf8 = Variant.facturX(profile: "EN16931")
        // UTF-8 with a byte-order mark.
        let bom = try dir.write("bom.xml", bytes: [0xEF, 0xBB, 0xBF] + Array(utf8.utf8))
        // ISO-8859-1, declared: the umlauts are single bytes.
        let latin1Text = utf8.replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"ISO-8859-1\"")
        let latin1Bytes = try #require(latin1Text.data(using: .isoLatin1))
        #expect(!latin1Bytes.elementsEqual(Array(latin1Text.utf8)))
        let latin1 = try dir.write("latin1.xml", bytes: [UInt8](latin1Bytes))
        // UTF-16 little-endian with its byte-order mark.
        let utf16Text = utf8.replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"UTF-16\"")
        let utf16 = try dir.write(
            "utf16.xml", bytes: [0xFF, 0xFE] + [UInt8](try #require(utf16Text.data(using: .utf16LittleEndian))))
        for p in [bom, latin1, utf16] {
            let o = try await Fixture.extract(p, "invoice")
            Variant.checkFacturXHeader(o)  // "Bäckerei Krümel OHG" intact in each
            Variant.checkFacturXLines(o)
        }
        // The text a user schema's unmapped fields would be read from is decoded too.
        let doc = try await TextSource.read(path: latin1, options: EngineOptions())
        #expect(doc.pages.joined().contains("Bäckerei Krümel OHG"))
    }

    @Test func aPDFWithABrokenAttachmentFallsBackToItsText() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        // The attachment names another number and total, so a value from it would show.
        let xml = Variant.facturX(profile: "EN16931").replacingOccurrences(of: "FX-2026-001", with: "XML-ONLY-9")
            .replacingOccurrences(of: "1190.00", with: "9999.00")
        let truncated = String(xml.prefix(xml.count - 60))
        let mismatched = xml.replacingOccurrences(of: "</ram:SellerTradeParty>", with: "</ram:SellerParty>")
        #expect(EInvoiceXML.mapInvoice(Array(xml.utf8)) != nil)
        for (n, broken) in [truncated, mismatched].enumerated() {
            #expect(EInvoiceXML.mapInvoice(Array(broken.utf8)) == nil)
            var w = PDFWriter()
            w.addPage(lines: Variant.facturXPage)
            w.attach(name: "factur-x.xml", data: Array(broken.utf8))
            let pdf = dir.file("kaputt-\(n).pdf")
            try w.write(to: pdf)
            let o = try await Fixture.extract(pdf, "invoice")
            // The page's own values, read as for any PDF.
            #expect(o["invoice_number"] == "FX-2026-001")
            #expect(o["total"]?.doubleValue == 1190)
            #expect(o["date"] == "2026-01-02")
            // Through the tool: exactly one record, ok.
            let r = try await runTool(
                "smole-extract", ["--schema", "invoice", pdf], unset: ["SMOLE_API_KEY", "SMOLE_API_URL"])
            #expect(r.status == 0)
            #expect(r.stdoutLines.count == 1)
            #expect(r.stdoutLines.first?.contains("\"status\":\"ok\"") == true)
            #expect(r.stdoutLines.first?.contains("FX-2026-001") == true)
        }
    }

    /// XML that merely has an Invoice root, in no e-invoice namespace, is not mapped as one.
    @Test func anInvoiceRootOutsideTheUBLNamespaceIsNotMapped() throws {
        let plain = "<?xml version=\"1.0\"?><Invoice><ID>1</ID><Total>5.00</Total></Invoice>"
        #expect(EInvoiceXML.mapInvoice(Array(plain.utf8)) == nil)
        #expect(!EInvoiceXML.recognizes(Array(plain.utf8)))
        let wrongNS = Variant.xrechnungUBL(rootPrefix: "ubl").replacingOccurrences(
            of: "xsd:Invoice-2", with: "xsd:Order-2")
        #expect(EInvoiceXML.mapInvoice(Array(wrongNS.utf8)) == nil)
    }

    /// A Peppol envelope (StandardBusinessDocument) around the UBL invoice.
    @Test func anInvoiceInsideAnEnvelope() throws {
        let inner = Variant.xrechnungUBL(rootPrefix: "ubl").replacingOccurrences(
            of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "")
        let sbd = """
            <?xml version="1.0" encoding="UTF-8"?>
            <StandardBusinessDocument xmlns="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader">
              <StandardBusinessDocumentHeader><HeaderVersion>1.0</HeaderVersion></StandardBusinessDocumentHeader>
              \(inner)
            </StandardBusinessDocument>
            """
        let o = try #require(EInvoiceXML.mapInvoice(Array(sbd.utf8)))
        Variant.checkXRechnungUBL(o, id: "UBL-4711-ubl")
    }

    /// `smole-route --classify` routes a standalone XRechnung to invoice, and smole-extract reads it directly.
    @Test func routeAndExtractAStandaloneXRechnung() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let ubl = try dir.write("xr-ubl.xml", Variant.xrechnungUBL(rootPrefix: "ubl"))
        let cii = try dir.write("xr-cii.xml", Variant.xrechnungCII)
        let route = try await runTool("smole-route", ["--classify", ubl, cii])
        #expect(route.status == 0)
        let routed = route.stdoutLines.compactMap { try? JSON.parse($0) }
        #expect(routed.count == 2)
        #expect(routed.allSatisfy { $0["schema"] == "invoice" })
        let r = try await runTool("smole-extract", [], stdin: route.stdout, unset: ["SMOLE_API_KEY", "SMOLE_API_URL"])
        #expect(r.status == 0)
        let records = r.stdoutLines.compactMap { try? JSON.parse($0) }
        #expect(records.count == 2)
        var byName: [String: JSONValue] = [:]
        for rec in records { byName[((rec["path"]?.stringValue ?? "") as NSString).lastPathComponent] = rec }
        let ublData = try #require(byName["xr-ubl.xml"]?["data"]?.objectValue)
        Variant.checkXRechnungUBL(ublData, id: "UBL-4711-ubl")
        let ciiData = try #require(byName["xr-cii.xml"]?["data"]?.objectValue)
        Variant.checkXRechnungCII(ciiData)
    }
}
