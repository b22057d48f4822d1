import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// Layouts and wordings unlike the development corpus: the engine must read them from general rules.
@Suite struct Generalization {
    /// An SEC-filed NDA preamble: capitals, ", a Delaware corporation", defined names in quotes.
    @Test func secStyleConfidentialityAgreement() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Fixture.pdf(
            dir, "sec.pdf",
            [
                [(200, "CONFIDENTIALITY AGREEMENT")],
                [],
                [
                    (
                        50,
                        "This CONFIDENTIALITY AGREEMENT (this \"Agreement\") is entered into as of January 5, 2021, by and"
                    )
                ],
                [
                    (
                        50,
                        "between ACME HOLDINGS, INC., a Delaware corporation (\"Acme\"), and Beta Capital LLC (\"Recipient\")."
                    )
                ],
                [],
                [(50, "1. Term. The obligations under this Agreement shall continue for a period of two (2) years")],
                [(50, "from the date hereof.")],
                [],
                [
                    (
                        50,
                        "2. Governing Law. This Agreement shall be governed by and construed in accordance with the laws of"
                    )
                ],
                [(50, "the State of Delaware, without giving effect to its principles of conflicts of law.")],
            ])
        let o = try await Fixture.extract(path, "contract")
        #expect(o["parties"] == .array(["ACME HOLDINGS, INC.", "Beta Capital LLC"]))
        #expect(o["effective_date"] == "2021-01-05")
        #expect(o["term_months"]?.intValue == 24)
        #expect(o["governing_law"] == "Delaware")
        #expect(o["title"]?.stringValue?.lowercased() == "confidentiality agreement")
    }

    /// Label wordings: "Invoice #", "Sold to" beside "Ship to", "Balance due" as the total.
    @Test func invoiceHashSoldToShipToAndBalanceDue() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Fixture.pdf(
            dir, "inv.pdf",
            [
                [(50, "Riverbend Supply Co."), (400, "Invoice #"), (470, "77-1042")],
                [(50, "400 Mill Road, Dayton OH"), (400, "Date"), (470, "March 9, 2026")],
                [],
                [(50, "Sold to"), (300, "Ship to")],
                [(50, "Lakeside Dental Group"), (300, "Lakeside Dental Warehouse")],
                [(50, "18 Shore Drive"), (300, "2 Dock Street")],
                [],
                [(50, "Description"), (300, "Qty"), (380, "Price"), (480, "Amount")],
                [(50, "Nitrile gloves, box"), (305, "12"), (385, "8.50"), (485, "102.00")],
                [(50, "Sterile wipes"), (305, "4"), (385, "6.25"), (485, "25.00")],
                [],
                [(380, "Subtotal"), (480, "$127.00")],
                [(380, "Sales tax"), (480, "$8.89")],
                [(380, "Balance due"), (480, "$135.89")],
            ])
        let o = try await Fixture.extract(path, "invoice")
        #expect(o["vendor_name"] == "Riverbend Supply Co.")
        #expect(o["customer_name"] == "Lakeside Dental Group")
        #expect(o["invoice_number"] == "77-1042")
        #expect(o["date"] == "2026-03-09")
        #expect(o["currency"] == "USD")
        #expect(o["subtotal"]?.doubleValue == 127)
        #expect(o["tax"]?.doubleValue == 8.89)
        #expect(o["total"]?.doubleValue == 135.89)
        #expect(o["line_items"]?.arrayValue?.count == 2)
    }

    /// Values below their labels in a two-column header block, "Inv. No." and "Amount due".
    @Test func valuesBelowLabelsAndAmountDue() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "below.txt",
            """
            Copperline Electrical Ltd
            9 Foundry Lane, Leeds LS2 7AB

            Inv. No.            Invoice Date         Due Date
            CL-5520             02/02/2026           04/03/2026

            Bill to
            Harrowgate Schools Trust

            Description                         Qty      Unit Price        Amount
            Emergency lighting test               1          180.00        180.00
            LED panel replacement                 6           42.50        255.00

                                                      Net               £435.00
                                                      VAT 20%            £87.00
                                                      Amount due        £522.00
            """)
        let o = try await Fixture.extract(path, "invoice")
        #expect(o["invoice_number"] == "CL-5520")
        #expect(o["date"] == "2026-02-02")
        #expect(o["due_date"] == "2026-03-04")
        #expect(o["customer_name"] == "Harrowgate Schools Trust")
        #expect(o["total"]?.doubleValue == 522)
        #expect(o["tax"]?.doubleValue == 87)
        #expect(o["currency"] == "GBP")
    }

    /// Totals in German, French and Dutch wordings.
    @Test(arguments: [
        ("Rechnungsbetrag", "1.190,00 €", 1190.0, "EUR"),
        ("Montant TTC", "1 190,00 €", 1190.0, "EUR"),
        ("Totaal incl. BTW", "€ 1.190,00", 1190.0, "EUR"),
        ("Grand total", "$1,190.00", 1190.0, "USD"),
        ("Total due", "$1,190.00", 1190.0, "USD"),
    ])
    func totalWordings(label: String, value: String, expected: Double, currency: String) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "t.txt",
            """
            Example Vendor
            Invoice

            Invoice Number: X-1

            \(label.padding(toLength: 24, withPad: " ", startingAt: 0))\(value)
            """)
        let o = try await Fixture.extract(path, "invoice")
        #expect(o["total"]?.doubleValue == expected, "\(label)")
        #expect(o["currency"]?.stringValue == currency, "\(label)")
    }

    /// German: a position column before the description, "zzgl. 19 % USt.", "Rechnungsbetrag".
    @Test func germanPositionColumnAndRechnungsbetrag() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "de.txt",
            """
            Fenwick Bau GmbH · Ringstraße 4 · 80331 München

            Rechnung

            Kunde                     Rechnungs-Nr.          Datum
            Holzer & Söhne OHG        2026-118               07.04.2026

            Pos.  Bezeichnung                    Menge   Einzelpreis      Gesamt
            1     Gerüstmiete April                  1      1.250,00    1.250,00
            2     Transport                          2        180,00      360,00

            Nettobetrag                                                 1.610,00 €
            zzgl. 19 % USt.                                               305,90 €
            Rechnungsbetrag                                             1.915,90 €
            """)
        let o = try await Fixture.extract(path, "invoice")
        #expect(o["invoice_number"] == "2026-118")
        #expect(o["date"] == "2026-04-07")
        #expect(o["subtotal"]?.doubleValue == 1610)
        #expect(o["tax"]?.doubleValue == 305.9)
        #expect(o["total"]?.doubleValue == 1915.9)
        let items = try #require(o["line_items"]?.arrayValue)
        #expect(items.count == 2)
        #expect(items.first?["description"] == "Gerüstmiete April")
        #expect(items.last?["description"] == "Transport")
        #expect(items.last?["quantity"]?.doubleValue == 2)
        #expect(items.last?["unit_price"]?.doubleValue == 180)
    }

    /// French: "Qté", "P.U. HT", "Total HT", "Montant TTC".
    @Test func frenchHTColumnsAndMontantTTC() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "fr.txt",
            """
            Boulangerie Martin SARL
            12 rue des Lilas, 69002 Lyon

            FACTURE N° F-2026-0311
            Date : 14/05/2026
            Client : Café du Parc

            Désignation                 Qté     P.U. HT      Total HT
            Baguettes                    40        1,10         44,00
            Croissants                   60        1,30         78,00

            Total HT                                          122,00 €
            TVA 5,5 %                                           6,71 €
            Montant TTC                                       128,71 €
            """)
        let o = try await Fixture.extract(path, "invoice")
        #expect(o["vendor_name"] == "Boulangerie Martin SARL")
        #expect(o["customer_name"] == "Café du Parc")
        #expect(o["invoice_number"] == "F-2026-0311")
        #expect(o["total"]?.doubleValue == 128.71)
        let items = try #require(o["line_items"]?.arrayValue)
        #expect(items.count == 2)
        #expect(items.first?["quantity"]?.doubleValue == 40)
        #expect(items.first?["unit_price"]?.doubleValue == 1.1)
        #expect(items.first?["amount"]?.doubleValue == 44)
    }

    @Test func ocrLanguagesAreTheInstalledOnesOfEnglishGermanFrenchDutch() async throws {
        #expect(OCRLanguages.choose(installed: ["eng", "deu", "osd"]) == "eng+deu")
        #expect(OCRLanguages.choose(installed: ["osd"]) == nil)
        // the real tesseract on this machine: its list decides
        let real = try await OCRLanguages.argument(options: EngineOptions())
        let listed = try await ExternalTool.run("tesseract", ["--list-langs"], options: EngineOptions())
        let langs = Set((listed.text + "\n" + listed.stderr).split(whereSeparator: \.isNewline).map(String.init))
        #expect(real == OCRLanguages.choose(installed: langs))
        #expect(real?.hasPrefix("eng") == true)
    }
}
