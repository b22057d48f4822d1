import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

@Suite struct InvoiceExtraction {
    @Test func englishInvoiceWithMultiLineDescriptionsFromARealPDF() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Fixture.pdf(dir, "a.pdf", Fixture.englishInvoice)
        let o = try await Fixture.extract(path, "invoice")
        #expect(
            o.keys == [
                "vendor_name", "customer_name", "invoice_number", "date", "due_date", "currency", "subtotal", "tax",
                "total", "line_items",
            ])
        #expect(o["vendor_name"] == "Acme Tools Ltd")
        #expect(o["customer_name"] == "Globex Corporation")
        #expect(o["invoice_number"] == "INV-7781")
        #expect(o["date"] == "2026-03-18")
        #expect(o["due_date"] == "2026-04-17")
        #expect(o["currency"] == "GBP")
        #expect(o["subtotal"]?.doubleValue == 945)
        #expect(o["tax"]?.doubleValue == 189)
        #expect(o["total"]?.doubleValue == 1134)
        let items = try #require(o["line_items"]?.arrayValue)
        #expect(items.count == 3)
        #expect(items[0]["description"] == "Widget, large")
        #expect(items[1]["description"] == "Consulting services for the spring rollout")
        #expect(items[1]["quantity"]?.doubleValue == 3)
        #expect(items[1]["unit_price"]?.doubleValue == 200)
        #expect(items[1]["amount"]?.doubleValue == 600)
        #expect(items[2]["description"] == "Cable 5 m")
        #expect(items[2]["quantity"]?.doubleValue == 10)
    }

    @Test func germanLabelsAndDecimalComma() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Fixture.pdf(
            dir, "de.pdf",
            [
                [(50, "Verkäufer: Müller Maschinenbau GmbH")],
                [(50, "Hauptstraße 5, 10115 Berlin")],
                [],
                [(50, "Rechnungsempfänger:"), (330, "Rechnungsnummer:"), (450, "RE-2026-0042")],
                [(50, "Schulz & Partner KG"), (330, "Rechnungsdatum:"), (450, "15. März 2026")],
                [(330, "Fällig am:"), (450, "14.04.2026")],
                [],
                [(50, "Bezeichnung"), (300, "Menge"), (380, "Einzelpreis"), (480, "Betrag")],
                [(50, "Wartungsvertrag"), (305, "1"), (385, "1.200,00 €"), (485, "1.200,00 €")],
                [(50, "Ersatzteile"), (305, "4"), (385, "25,50 €"), (485, "102,00 €")],
                [],
                [(330, "Nettobetrag"), (480, "1.302,00 €")],
                [(330, "MwSt. 19%"), (480, "247,38 €")],
                [(330, "Gesamtbetrag"), (480, "1.549,38 €")],
            ])
        let o = try await Fixture.extract(path, "invoice")
        #expect(o["vendor_name"] == "Müller Maschinenbau GmbH")
        #expect(o["customer_name"] == "Schulz & Partner KG")
        #expect(o["invoice_number"] == "RE-2026-0042")
        #expect(o["date"] == "2026-03-15")
        #expect(o["due_date"] == "2026-04-14")
        #expect(o["currency"] == "EUR")
        #expect(o["subtotal"]?.doubleValue == 1302)
        #expect(o["tax"]?.doubleValue == 247.38)
        #expect(o["total"]?.doubleValue == 1549.38)
        let items = try #require(o["line_items"]?.arrayValue)
        #expect(items.count == 2)
        #expect(items[0]["unit_price"]?.doubleValue == 1200)
        #expect(items[1]["amount"]?.doubleValue == 102)
    }

    @Test func frenchLabels() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Fixture.pdf(
            dir, "fr.pdf",
            [
                [(50, "Fournisseur : Boulangerie Dupont SARL")],
                [],
                [(50, "Facturé à :"), (330, "Facture n° 2026-117")],
                [(50, "Café du Commerce"), (330, "Date de facture : 3 février 2026")],
                [(330, "Date d'échéance : 5 mars 2026")],
                [],
                [(50, "Désignation"), (300, "Quantité"), (380, "Prix unitaire"), (480, "Montant")],
                [(50, "Baguettes"), (305, "100"), (385, "1,10"), (485, "110,00")],
                [],
                [(330, "Total HT"), (480, "110,00 €")],
                [(330, "TVA 5,5 %"), (480, "6,05 €")],
                [(330, "Total TTC"), (480, "116,05 €")],
            ])
        let o = try await Fixture.extract(path, "invoice")
        #expect(o["vendor_name"] == "Boulangerie Dupont SARL")
        #expect(o["customer_name"] == "Café du Commerce")
        #expect(o["invoice_number"] == "2026-117")
        #expect(o["date"] == "2026-02-03")
        #expect(o["due_date"] == "2026-03-05")
        #expect(o["subtotal"]?.doubleValue == 110)
        #expect(o["tax"]?.doubleValue == 6.05)
        #expect(o["total"]?.doubleValue == 116.05)
        #expect(o["line_items"]?.arrayValue?.first?["quantity"]?.doubleValue == 100)
    }

    @Test func dutchLabelsInAHeaderValueRow() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Fixture.pdf(
            dir, "nl.pdf",
            [
                [(50, "Leverancier: Bakkerij de Vries B.V.")],
                [],
                [(50, "Klant"), (200, "Factuurnummer"), (330, "Factuurdatum"), (460, "Vervaldatum")],
                [(50, "Jansen Transport"), (200, "F-88120"), (330, "8-9-2022"), (460, "22-9-2022")],
                [],
                [(50, "Omschrijving"), (300, "Aantal"), (380, "Prijs"), (480, "Bedrag")],
                [(50, "Taart"), (305, "2"), (385, "12,50"), (485, "25,00")],
                [],
                [(330, "Subtotaal"), (480, "€ 25,00")],
                [(330, "BTW 9%"), (480, "€ 2,25")],
                [(330, "Totaal"), (480, "€ 27,25")],
            ])
        let o = try await Fixture.extract(path, "invoice")
        #expect(o["vendor_name"] == "Bakkerij de Vries B.V.")
        #expect(o["customer_name"] == "Jansen Transport")
        #expect(o["invoice_number"] == "F-88120")
        #expect(o["date"] == "2022-09-08")
        #expect(o["due_date"] == "2022-09-22")
        #expect(o["total"]?.doubleValue == 27.25)
        #expect(o["tax"]?.doubleValue == 2.25)
    }

    @Test func arithmeticChoosesTheTotalThatAddsUp() async throws {
        // "Amount due" outranks "Total" as a label, but only 100 + 10 = 110 adds up.
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "a.txt",
            """
            Invoice No: 5512
            Amount due incl. previous balance    999.00

            Subtotal      100.00
            Tax            10.00
            Total         110.00
            """)
        let o = try await Fixture.extract(path, "invoice")
        #expect(o["subtotal"]?.doubleValue == 100)
        #expect(o["tax"]?.doubleValue == 10)
        #expect(o["total"]?.doubleValue == 110)
    }

    @Test func quantityTimesPriceRepairsAMisreadAmount() async throws {
        // An OCR slip: 10 × 777.99 read as 7,179.90; the line sums only agree with qty × price. In an OCR reading the
        // product is used (and the review names the amount as read); from a text layer the printed amount stands.
        let text = """
            Description            Qty       Price        Amount
            Office chairs           10      777.99      7,179.90
            Desk                     1      100.00        100.00

            Subtotal                                    7,879.90
            """
        let engine = try Fixture.engine()
        for ocr in [true, false] {
            let out = engine.extract(
                text: DocumentText(pages: [text], kind: ocr ? .image : .text, ocr: ocr),
                schema: try engine.resolve("invoice"))
            let items = try #require(out.data["line_items"]?.arrayValue)
            #expect(items.first?["amount"]?.doubleValue == (ocr ? 7779.90 : 7179.90), "ocr: \(ocr)")
        }
    }

    @Test func fieldsNotFoundAreNull() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write("bare.txt", "Invoice No: 42\nThank you.\n")
        let o = try await Fixture.extract(path, "invoice")
        #expect(o["invoice_number"] == "42")
        #expect(o["date"] == .null)
        #expect(o["total"] == .null)
        #expect(o["vendor_name"] == .null || o["vendor_name"]?.stringValue != nil)
        #expect(o["line_items"] == .array([]))
        #expect(o.count == 10)
    }

    @Test func evidenceNamesPageLineAndConfidence() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Fixture.pdf(dir, "a.pdf", Fixture.englishInvoice)
        let e = try Fixture.engine { $0.evidence = true }
        let out = try await e.extract(path: path, schema: "invoice")
        let ev = try #require(out.evidence?.objectValue)
        let num = try #require(ev["invoice_number"]?.objectValue)
        #expect(num["page"]?.intValue == 1)
        #expect(num["line"]?.stringValue?.contains("INV-7781") == true)
        let c = try #require(num["confidence"]?.doubleValue)
        #expect(c > 0 && c <= 1)
        #expect(ev["due_date"] != nil)
    }
}

@Suite struct ReceiptAndContract {
    @Test func receiptWithQuantityTimesPriceLines() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Fixture.pdf(
            dir, "r.pdf",
            [
                [(50, "Corner Bakery")],
                [(50, "1 Main Street")],
                [],
                [(50, "14.02.2026"), (150, "08:45")],
                [],
                [(50, "Rye bread 750g"), (250, "4,20")],
                [(50, "Croissant")],
                [(60, "3 x 1,30"), (250, "3,90")],
                [],
                [(50, "SUBTOTAL"), (250, "8,10")],
                [(50, "MwSt. 7%"), (250, "0,53")],
                [(50, "TOTAL"), (250, "8,63")],
                [(50, "VISA ****1234")],
            ])
        let o = try await Fixture.extract(path, "receipt")
        #expect(o["merchant_name"] == "Corner Bakery")
        #expect(o["date"] == "2026-02-14")
        #expect(o["time"] == "08:45")
        // "MwSt." and a decimal comma do not say which currency (Switzerland writes both): unknown, not a guess.
        #expect(o["currency"] == .null)
        #expect(o["total"]?.doubleValue == 8.63)
        #expect(o["payment_method"] == "VISA")
        let items = try #require(o["line_items"]?.arrayValue)
        #expect(items.count == 2)
        #expect(items[0]["description"] == "Rye bread 750g")
        #expect(items[0]["quantity"]?.doubleValue == 1)
        #expect(items[1]["description"] == "Croissant")
        #expect(items[1]["quantity"]?.doubleValue == 3)
        #expect(items[1]["unit_price"]?.doubleValue == 1.30)
    }

    @Test func contractPreambleTermLawAndValue() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "c.txt",
            """
                                    MUTUAL NON-DISCLOSURE AGREEMENT

            This Mutual Non-Disclosure Agreement (the "Agreement") is entered into as of March 3, 2025 by
            and between Northwind Traders, Inc., a Delaware corporation ("Northwind"), and Fabrikam Ltd.
            ("Fabrikam").

            1. Term. This Agreement shall remain in effect for a period of three (3) years from the
            Effective Date.

            2. Fees. Northwind shall pay a total fee of $12,500.00 for the review.

            3. Governing Law. This Agreement shall be governed by and construed in accordance with the laws
            of the State of Delaware, without regard to its conflict of laws principles.
            """)
        let o = try await Fixture.extract(path, "contract")
        #expect(o["title"]?.stringValue?.lowercased() == "mutual non-disclosure agreement")
        #expect(o["parties"] == .array(["Northwind Traders, Inc.", "Fabrikam Ltd."]))
        #expect(o["effective_date"] == "2025-03-03")
        #expect(o["term_months"]?.intValue == 36)
        #expect(o["governing_law"] == "Delaware")
        #expect(o["total_value"]?.doubleValue == 12500)
        #expect(o["currency"] == "USD")
    }

    @Test func htmlIsReadAsText() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "r.html",
            """
            <!DOCTYPE html><html><head><style>p{}</style></head><body>
            <h1>Invoice</h1><p>Invoice Number: H-77</p><p>Date: 2026-01-05</p>
            <table><tr><td>Total</td><td>&euro; 12,50</td></tr></table></body></html>
            """)
        let o = try await Fixture.extract(path, "invoice")
        #expect(o["invoice_number"] == "H-77")
        #expect(o["date"] == "2026-01-05")
        #expect(o["total"]?.doubleValue == 12.5)
        #expect(o["currency"] == "EUR")
    }
}

@Suite struct TableVariants {
    @Test func headingPhrasesAndArithmeticSettleTheColumns() async throws {
        // "Item Description", "Hours", "Rate/hr", "Line Total": no heading is exactly a label, and only
        // qty × price = amount tells which number is which.
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "v.txt",
            """
            Item Description                          Hours      Rate/hr       Line Total
            Social media campaign setup                 12        $95.00        $1,140.00
            Monthly analytics report                     4       $120.00          $480.00
              (February period)

                                                     Subtotal                  $1,620.00
            """)
        let o = try await Fixture.extract(path, "invoice")
        let items = try #require(o["line_items"]?.arrayValue)
        #expect(items.count == 2)
        #expect(items[0]["quantity"]?.doubleValue == 12)
        #expect(items[0]["unit_price"]?.doubleValue == 95)
        #expect(items[0]["amount"]?.doubleValue == 1140)
        #expect(items[1]["description"] == "Monthly analytics report (February period)")
    }

    @Test func receiptQuantityFirstRows() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "r.txt",
            """
            SUNRISE SUPERMARKET
            Date: 12/28/2025   Time: 6:45 PM

            2 @ 1.99   Bananas                3.98
            Whole milk 1 gal                  4.29

            Subtotal                          8.27
            Total                             8.27
            Paid by: Credit Card (Visa)
            """)
        let o = try await Fixture.extract(path, "receipt")
        #expect(o["time"] == "18:45")
        #expect(o["date"] == "2025-12-28")
        #expect(o["payment_method"] == "VISA")
        let items = try #require(o["line_items"]?.arrayValue)
        #expect(items.count == 2)
        #expect(items[0]["description"] == "Bananas")
        #expect(items[0]["quantity"]?.doubleValue == 2)
        #expect(items[1]["amount"]?.doubleValue == 4.29)
    }
}

@Suite struct HeaderBlocks {
    @Test func aBuyerBlockAtTheTopIsNotTheSellerAndHeaderRowsReadBelow() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "nl.txt",
            """
                       Factuuradres                                          Afleveradres
                       Strategic Corp                                        Depot Noord
                       Fakestreet 46                                         Havenweg 2

             Klant                        Order                    Factuur datum                 Factuur
             SCONL0303006280999           SCONL000000444                8-9-2022         VF1005193039
            """)
        let o = try await Fixture.extract(path, "invoice")
        #expect(o["customer_name"] == "Strategic Corp")
        #expect(o["vendor_name"] == .null)  // not the buyer, not the delivery block
        #expect(o["invoice_number"] == "VF1005193039")
        #expect(o["date"] == "2022-09-08")
    }
}
