import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// The number grammar of real invoices: digit groups other than threes, group marks, minor units, negatives.
@Suite struct NumberGrammar {
    func value(_ s: String, hint: Character? = nil) -> Double? { Parse.amount(in: s, decimalHint: hint)?.value }

    @Test func indianLakhAndCroreGrouping() {
        #expect(value("2,82,660.00") == 282660)
        #expect(value("₹ 1,74,000.00") == 174000)
        #expect(value("1,23,45,678.50") == 12345678.5)
        #expect(value("12,34,567") == 1234567)
        // two-digit groups that are not Indian grouping are not one number
        #expect(value("1,23,4") != 1234)
    }

    @Test func apostropheThinAndNoBreakSpaceGroupMarks() {
        #expect(value("CHF 1'234.50") == 1234.5)
        #expect(value("1’234’567.05") == 1234567.05)
        #expect(value("1\u{2009}234,50 €") == 1234.5)
        #expect(value("1\u{00A0}234,50 €") == 1234.5)
        #expect(value("12\u{202F}345,00") == 12345)
    }

    @Test func accountingNegatives() {
        #expect(value("($228.00)") == -228)
        #expect(value("(228.00)") == -228)
        #expect(value("-$228.00") == -228)
        #expect(value("$228.00-") == -228)
        #expect(value("228.00 CR") == -228)
        #expect(value("228.00CR") == -228)
        #expect(value("-228,00 €") == -228)
        // a count in parentheses is not a negative amount; a range is not a trailing minus
        #expect(value("(12)") == 12)
        #expect(Parse.numbers(in: "10.00-20.00").map(\.value) == [10, 20])
        #expect(value("Schrauben (100 St.)") == 100)
    }

    @Test func unitPricesKeepTheirDecimals() {
        #expect(value("18.500000") == 18.5)
        #expect(value("0.715000") == 0.715)
        #expect(value("0.123456") == 0.123456)
    }

    @Test func currencyTouchingTheAmount() {
        func cur(_ s: String) -> String? { Parse.numbers(in: s).first?.currency }
        #expect(cur("RM12.50") == "MYR")
        #expect(cur("RM 12.50") == "MYR")
        #expect(cur("R$ 1.234,56") == "BRL")
        #expect(cur("HK$88.00") == "HKD")
        #expect(cur("Rp 150.000") == "IDR")
        #expect(cur("12,50 zł") == "PLN")
        #expect(cur("499 Kč") == "CZK")
        #expect(cur("₺45,90") == "TRY")
        #expect(cur("₹ 500.00") == "INR")
        #expect(cur("KWD 12.500") == "KWD")
        #expect(cur("12.50EUR") == "EUR")
        // a code that is also a word names a currency only in capitals beside an amount with decimals
        #expect(cur("PEN 2") == nil)
        #expect(cur("Pen 2.50") == nil)
        #expect(cur("PEN 12.50") == "PEN")
        // letters glued to digits are a word, unless they are a currency before money
        #expect(Parse.numbers(in: "M8 Cat6 BD12").isEmpty)
    }

    @Test func iso4217MinorUnits() {
        #expect(Currency.minorUnits(of: "JPY") == 0)
        #expect(Currency.minorUnits(of: "KWD") == 3)
        #expect(Currency.minorUnits(of: "BHD") == 3)
        #expect(Currency.minorUnits(of: "EUR") == 2)
        #expect(Currency.minorUnits(of: "CLF") == 4)
        #expect(Currency.isCode("MYR") && Currency.isCode("INR") && Currency.isCode("VND"))
        #expect(!Currency.isCode("XYZ") && !Currency.isCode("usd"))
        #expect(Currency.minorUnits.count > 150)
    }
}

/// Documents as text files: the engine reads them directly, so signs outside WinAnsi (₹, zł) can be tested.
enum TextDoc {
    static func extract(_ text: String, _ schema: String, name: String = "doc.txt") async throws -> JSONObject {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = dir.file(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try await Fixture.extract(path, schema)
    }
}

/// Currency: stated or clearly implied by the document, never guessed from a tax word.
@Suite struct CurrencyEvidence {
    @Test func threeDecimalCurrencyReadsItsOwnDecimals() async throws {
        let o = try await TextDoc.extract(
            """
            Gulf Office Supplies W.L.L.                         INVOICE
            Invoice No: GOS-5512                                 Date: 12/03/2025
            Bill To: Al Noor Trading

            Description                  Qty      Unit Price        Amount
            Printer paper A4             10       1.250             12.500
            Toner cartridge              2        18.750            37.500

                                                  Subtotal          50.000
                                                  VAT 5%            2.500
                                                  Total KWD         52.500
            """, "invoice")
        #expect(o["currency"] == "KWD")
        #expect(o["subtotal"]?.doubleValue == 50)
        #expect(o["tax"]?.doubleValue == 2.5)
        #expect(o["total"]?.doubleValue == 52.5)
        let items = o["line_items"]?.arrayValue ?? []
        #expect(items.first?["unit_price"]?.doubleValue == 1.25)
        #expect(items.first?["amount"]?.doubleValue == 12.5)
    }

    @Test func aTaxWordIsNotACurrency() async throws {
        // VAT, a decimal comma and no sign or code anywhere: nothing says which currency.
        let o = try await TextDoc.extract(
            """
            Minimarket Kask OU
            Receipt 4411                 21.08.2025 16:05
            Rye bread 500g                       1,49
            Kefir 1L                             1,76
            Total excl. VAT                      2,66
            VAT 22%                              0,59
            Total                                3,25
            """, "receipt")
        #expect(o["currency"] == .null)
        #expect(o["total"]?.doubleValue == 3.25)
    }

    @Test func aBareDollarSignYieldsToTheCodeThePageStates() async throws {
        let o = try await TextDoc.extract(
            """
            Harbour Web Studio Pty Ltd                    TAX INVOICE
            All amounts in AUD
            Invoice Number: HW-2291        Invoice Date: 14/02/2025
            Bill To: Coral Bay Cafe

            Description                        Qty     Price        Amount
            Website maintenance                3       $120.00      $360.00

                                               Subtotal            $360.00
                                               GST                 $36.00
                                               Total               $396.00
            """, "invoice")
        #expect(o["currency"] == "AUD")
        #expect(o["total"]?.doubleValue == 396)
    }

    /// Words that are also ISO codes or Gulf abbreviations are not currencies: "SDN BHD" (Berhad), "SR" (a
    /// standard-rated tax code), "SVC" (service); the "RM" before the amounts is.
    @Test func companyFormsAndTaxCodesAreNotCurrencies() async throws {
        let o = try await TextDoc.extract(
            """
            KEDAI MAJU JAYA SDN BHD
            (123456-K)
            TAX INVOICE
            Date: 12/02/2018 11:34
            SR  2     6.10      12.20
            SVC CHARGE 10%       1.22
            TOTAL              RM 13.42
            CASH               RM 20.00
            CHANGE             RM 6.58
            """, "receipt")
        #expect(o["currency"] == "MYR")
        #expect(o["total"]?.doubleValue == 13.42)
    }

    @Test func localFormsOfCurrencies() async throws {
        let pl = try await TextDoc.extract(
            """
            Sklep Zielony sp. z o.o.
            Faktura nr FV/2025/118       Data: 03.04.2025
            Razem do zapłaty: 1 234,50 zł
            Total: 1 234,50 zł
            """, "invoice")
        #expect(pl["currency"] == "PLN")
        #expect(pl["total"]?.doubleValue == 1234.5)
    }

    /// A credit note's returned line prints its amount negative beside a positive quantity and price: the printed
    /// sign stands (not "repaired" to quantity × price), the items add up to the negative total, nothing is flagged,
    /// and "Credit Memo" routes to the invoice schema (EN 16931 type 381 is an invoice document).
    @Test func aCreditLineKeepsItsPrintedSign() async throws {
        for (amount, total) in [("(228.00)", "(208.00)"), ("228.00-", "208.00-"), ("228.00 CR", "208.00 CR")] {
            let text = """
                Acme Supplies Ltd
                Credit Memo # CM-77812
                Date: 2026-04-02

                Item              Qty   Price     Amount
                Returned widgets  2     114.00    \(amount)
                Restocking fee    1      20.00      20.00

                Total                            \(total)
                """
            let o = try await TextDoc.extract(text, "invoice")
            let items = o["line_items"]?.arrayValue ?? []
            #expect(items.first?["amount"]?.doubleValue == -228, "\(amount): \(items)")
            #expect(items.first?["quantity"]?.doubleValue == 2 && items.first?["unit_price"]?.doubleValue == 114)
            #expect(o["total"]?.doubleValue == -208, "\(total)")
            let review = ReviewChecks(engine: try Fixture.engine()).review(
                schema: "invoice", data: .object(o), evidence: nil, pages: nil, signals: nil)
            #expect(!review.reasons.contains { $0.code == .arithmetic }, "\(review.reasons)")
            let engine = try Fixture.engine()
            #expect(
                Classifier.classify(text: text, schemas: Array(engine.registry.schemas.values))?.schema == "invoice")
        }
    }

    /// In OCR text a currency sign that is a misread speck ("£  cx  4 geet", "€.36") is not a currency the document
    /// states; a sign beside a well-formed amount is, and the same specks in a text layer still count as written.
    @Test func aStrayOCRSignIsNotACurrency() throws {
        let engine = try Fixture.engine()
        func currency(_ lines: [String], ocr: Bool) throws -> JSONValue? {
            let page =
                (["KEDAI RUNCIT MAJU", "30 DEC 17   14:02"] + lines + ["TOTAL            18.90", "CASH   20.00"])
                .joined(separator: "\n")
            let out = engine.extract(
                text: DocumentText(pages: [page], kind: ocr ? .image : .text, ocr: ocr),
                schema: try engine.resolve("receipt"))
            return out.data["currency"]
        }
        #expect(try currency(["£  cx  4 geet", "MILO 1KG   1   18.90"], ocr: true)?.isNull == true)
        #expect(try currency(["MILO 1KG   1   €.36   18.90"], ocr: true)?.isNull == true)
        #expect(try currency(["MILO 1KG   1   € 18.90"], ocr: true) == "EUR")
        #expect(try currency(["Amount in £", "MILO 1KG   1   18.90"], ocr: false) == "GBP")
    }

    /// A local form standing in the label or a column of its own, away from the amount ("TOTAL (RM)   18.90",
    /// "Amount RM" over a column): the document names its currency. Without an amount on the line, a word such as
    /// "RM" (a room, an address) names none, and a page with no sign stays null.
    @Test func aLocalFormInTheLabelNamesTheCurrency() async throws {
        for total in ["TOTAL (RM)        18.90", "TOTAL RM          18.90", "Total Amount (Rp)   18.90"] {
            let o = try await TextDoc.extract(
                """
                KEDAI RUNCIT MAJU SDN BHD
                (126926-H)
                30 DEC 17   14:02
                MILO 1KG        1      18.90
                \(total)
                CASH                   20.00
                CHANGE                  1.10
                """, "receipt")
            #expect(o["currency"] == (total.contains("Rp") ? "IDR" : "MYR"), "\(total)")
            #expect(o["total"]?.doubleValue == 18.9, "\(total)")
        }
        let none = try await TextDoc.extract(
            """
            KEDAI RUNCIT MAJU SDN BHD
            RM 12, JALAN MERDEKA
            MILO 1KG        1      18.90
            TOTAL                  18.90
            """, "receipt")
        #expect(none["currency"]?.isNull == true)
    }
}

/// Totals and labels: the label's qualifier counts; the total and the customer in seven languages.
@Suite struct LabelKinds {
    @Test func qualifiersChangeWhatATotalLabelMeans() async throws {
        let o = try await TextDoc.extract(
            """
            Sunrise Traders                                   INVOICE
            Invoice No: ST-9001                    Date: 2025-05-02
            GST Reg No: 001234567890
            Bill To: Orchid Florist

            Description               Qty     Unit Price     Amount
            Flower pots               4       12.50          50.00
            Potting soil              2       15.00          30.00

            Total Qty                 6
            Total Excl. GST                                  80.00
            GST 9%                                           7.20
            Total Incl. GST                                  87.20
            """, "invoice")
        #expect(o["subtotal"]?.doubleValue == 80)
        #expect(o["tax"]?.doubleValue == 7.2)
        #expect(o["total"]?.doubleValue == 87.2)
        #expect(o["line_items"]?.arrayValue?.count == 2)
    }

    @Test func taxInvoiceHeadingAndRegistrationNumbersAreNotTheTax() async throws {
        let o = try await TextDoc.extract(
            """
            Apex Hardware Sdn Bhd                        TAX INVOICE
            VAT No: 556677889
            Invoice No: AH-100                Date: 01/03/2025

            Description          Qty    Price     Amount
            Hammer               1      25.00     25.00

            Subtotal                              25.00
            Tax                                   1.50
            Total                                 26.50
            """, "invoice")
        #expect(o["tax"]?.doubleValue == 1.5)
        #expect(o["total"]?.doubleValue == 26.5)
    }

    @Test func totalLabelsInSevenLanguages() async throws {
        let cases: [(String, String, String)] = [
            ("Zahlbetrag", "Rechnung an", "de"), ("Te betalen", "Factuur aan", "nl"),
            ("Montant TTC", "Facturé à", "fr"),
            ("Importe total", "Facturar a", "es"), ("Totale documento", "Spett.le", "it"),
            ("Total a pagar", "Faturar a", "pt"),
            ("Amount payable", "Bill To", "en"),
        ]
        for (totalLabel, buyerLabel, lang) in cases {
            let o = try await TextDoc.extract(
                """
                Norte Servicios Lda

                \(buyerLabel):  Ana Lopes Rocha

                Consulting                                     3        100,00        300,00

                \(totalLabel):                                                        300,00
                """, "invoice", name: "\(lang).txt")
            #expect(o["total"]?.doubleValue == 300, "total label '\(totalLabel)' (\(lang))")
            #expect(o["customer_name"] == "Ana Lopes Rocha", "customer label '\(buyerLabel)' (\(lang))")
        }
    }

    /// Routing by content in all seven languages of the lexicon: a Spanish, Italian or Portuguese invoice, receipt or
    /// contract routes to its schema (the built-in schemas' x-smole-keywords had no words of these three languages,
    /// so such an invoice routed nowhere and was flagged `schema_mismatch`). Also the Japanese "Consumption tax" line
    /// is the tax, and a Spanish receipt's "EFECTIVO" the payment method.
    @Test func routingAndWordsInSpanishItalianAndPortuguese() async throws {
        let engine = try Fixture.engine()
        let schemas = Array(engine.registry.schemas.values)
        let documents: [(String, String)] = [
            (
                "FACTURA\nNº de factura: A-2024/77\nFecha: 21/10/2024\nCliente: Sol S.A.\nBase imponible  175,20\nIVA 21%  36,79\nImporte total  211,99 €",
                "invoice"
            ),
            (
                "FATTURA N. 2024/315\nData fattura: 11/11/2024\nImponibile  121,90\nIVA 22%  26,82\nTotale documento  148,72",
                "invoice"
            ),
            ("FATURA Nº 88\nData: 02/12/2024\nTotal sem IVA  54,00\nIVA 23%  12,42\nTotal a pagar  66,42 €", "invoice"),
            (
                "SUPERMERCADO EL SOL\nTICKET DE CAJA\nPan  0,80\nTOTAL  5,05\nEFECTIVO  10,00\nCAMBIO  4,95\nGracias por su compra",
                "receipt"
            ),
            (
                "ALIMENTARI ROSSI\nSCONTRINO\nPane  1,20\nTOTALE  4,50\nCONTANTI  5,00\nRESTO  0,50\nGrazie e arrivederci",
                "receipt"
            ),
            (
                "CONTRATO DE CONFIDENCIALIDAD\nLas partes acuerdan que la información confidencial no será divulgada. Ley aplicable: España.",
                "contract"
            ),
            ("ACCORDO DI RISERVATEZZA\nLe parti convengono quanto segue. Legge applicabile: Italia.", "contract"),
        ]
        for (text, schema) in documents {
            #expect(Classifier.classify(text: text, schemas: schemas)?.schema == schema, "\(text.prefix(30))")
        }
        let jp = try await TextDoc.extract(
            """
            Kobayashi Shoji K.K.
            Invoice Number: KS-5531

            Subtotal                                        ¥5,300
            Consumption tax 10%                               ¥530
            Total                                           ¥5,830
            """, "invoice")
        #expect(jp["tax"]?.doubleValue == 530)
        let es = try await TextDoc.extract(
            """
            SUPERMERCADO EL SOL
            Pan barra                             0,80
            TOTAL                                 0,80
            EFECTIVO                              1,00
            """, "receipt")
        #expect(es["payment_method"] == "CASH")
    }

    /// Position, date, article-number and tax-code columns are columns, not part of the description: "A-100" under
    /// "Art.-No" and "S1" under "Tax" stay out of it; a wrapped description line under the description stays in.
    @Test func codeColumnsAreNotTheDescription() async throws {
        let o = try await TextDoc.extract(
            """
            Sunrise Catering Pte Ltd                                Invoice #: 10457

            Pos  Date        Art.-No   Description               Qty   Unit Price   Tax   Amount
            1    01.08.2024  A-100     Buffet lunch (per pax)     40      18.50     S1     740.00
            2    02.08.2024  B-220     Coffee & tea service       40       3.20     S1     128.00
                                       (incl. setup and
                                       clearing)

            Subtotal                                                                       868.00
            """, "invoice")
        let items = try #require(o["line_items"]?.arrayValue)
        #expect(
            items.map { $0["description"]?.stringValue } == [
                "Buffet lunch (per pax)", "Coffee & tea service (incl. setup and clearing)",
            ])
        #expect(items.map { $0["amount"]?.doubleValue } == [740, 128])
    }

    /// A text layer whose columns stand one space apart: the header "Qty Unit Price Amount" is one cell, a row's price
    /// and amount read "12.50 125.00", and a Dutch row's quantity and price "1 120,00" (a space may group digits). The
    /// header splits at its labels, the two amounts are two numbers, and "1 120,00" across the quantity and price
    /// columns is 1 and 120,00 (it was quantity 1120 and a price of 0.11 made by division).
    @Test func columnsOneSpaceApartInATextLayer() async throws {
        let en = try await TextDoc.extract(
            """
            Acme Widgets Ltd
            Invoice No: INV-2024-0117

            Description            Qty Unit Price Amount
            Blue widget             10    12.50 125.00
            Red gadget               4    30.00 120.00
            Installation service      1    55.00  55.00

            Subtotal                          300.00
            """, "invoice")
        let items = try #require(en["line_items"]?.arrayValue)
        #expect(items.map { $0["description"]?.stringValue } == ["Blue widget", "Red gadget", "Installation service"])
        #expect(items.map { $0["unit_price"]?.doubleValue } == [12.5, 30, 55])
        #expect(items.map { $0["amount"]?.doubleValue } == [125, 120, 55])
        let nl = try await TextDoc.extract(
            """
            Van Dijk Techniek B.V.
            Factuurnummer: 2024-1123

            Omschrijving          Aantal Prijs  Bedrag
            Onderhoud cv-ketel         1 120,00   120,00
            Thermostaat              1 80,00    80,00

            Subtotaal                         200,00
            """, "invoice", name: "nl.txt")
        let rows = try #require(nl["line_items"]?.arrayValue)
        #expect(rows.map { $0["quantity"]?.doubleValue } == [1, 1])
        #expect(rows.map { $0["unit_price"]?.doubleValue } == [120, 80])
        #expect(rows.map { $0["amount"]?.doubleValue } == [120, 80])
        // an amount grouped by a space under one wide column stays one number
        let wide = try await TextDoc.extract(
            """
            Van Dijk Techniek B.V.
            Factuurnummer: 2024-1124

            Omschrijving                    Aantal        Prijs        Bedrag
            Warmtepomp installatie              1      2 450,00      2 450,00

            Subtotaal                                                 2 450,00
            """, "invoice", name: "nl-wide.txt")
        #expect(wide["line_items"]?.arrayValue?.first?["unit_price"]?.doubleValue == 2450)
    }

    /// A document series printed before the number is part of it ("FT 2024/88", a Portuguese invoice's series; "A
    /// 2024/77", a Spanish serie; "INV 1234"); a word for "number" is not ("NO 1234").
    @Test func aSeriesBeforeTheNumberIsPartOfIt() async throws {
        for (line, want) in [
            ("Fatura Nº FT 2024/88", "FT 2024/88"), ("Factura nº: A 2024/77", "A 2024/77"),
            ("Invoice No: INV 1234", "INV 1234"), ("Invoice No: NO 1234", "1234"), ("Invoice No: 1234 Date", "1234"),
        ] {
            let o = try await TextDoc.extract(
                """
                Papelaria Lisboa Lda.
                \(line)
                Data: 02/12/2024
                Total a pagar                  66,42 €
                """, "invoice")
            #expect(o["invoice_number"]?.stringValue == want, "\(line)")
        }
    }

    /// A position column one space before the description in a text layer: the header reads "Pos. Beschreibung" as
    /// one cell, and each row's position number is not part of its description; under "Item Description" a leading
    /// number is the item's own ("10 kg rice").
    @Test func aPositionColumnOneSpaceBeforeTheDescription() async throws {
        let de = try await TextDoc.extract(
            """
            Schmidt Bau AG
            Rechnungsnummer: R-2024-88

            Pos. Beschreibung        Menge Einzelpreis   Betrag
            1 Schrauben M8           100    0,25     25,00
            2 Bohrmaschine            2   149,00    298,00

            Nettobetrag                       323,00
            """, "invoice", name: "de.txt")
        #expect(
            de["line_items"]?.arrayValue?.map { $0["description"]?.stringValue } == ["Schrauben M8", "Bohrmaschine"])
        let en = try await TextDoc.extract(
            """
            Harbor Foods Ltd
            Invoice Number: HF-1

            Item Description          Qty    Price    Amount
            10 kg rice bag              2    15.00     30.00

            Subtotal                                   30.00
            """, "invoice", name: "en.txt")
        #expect(en["line_items"]?.arrayValue?.first?["description"] == "10 kg rice bag")
    }

    /// A block heading beside a label ("Bill to      Details") is not the customer: the name is below the label; a
    /// title in the top corner ("Tax Invoice") is not the vendor, not even cut to "Tax".
    @Test func headingsAndTitlesAreNotNames() async throws {
        let o = try await TextDoc.extract(
            """
                                                                               Tax Invoice
            Northgate Hosting SARL                                   Invoice Number:  NH-2025-0042
            12 Rue du Port, Luxembourg                               Invoice Date:    November 2, 2025

            Bill to                                       Details
            Brightline Studio Ltd                         Billing period: Oct 1 - Oct 31, 2025
            14 Canal Street, Manchester

            Subtotal                                                                  138.00
            VAT (20%)                                                                  27.60
            Total in GBP                                                              165.60
            """, "invoice")
        #expect(o["vendor_name"] == "Northgate Hosting SARL")
        #expect(o["customer_name"] == "Brightline Studio Ltd")
        #expect(o["total"]?.doubleValue == 165.6)
        #expect(o["currency"] == "GBP")
    }

    @Test func creditMemoNumberAndNegativeTotals() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        for (form, name) in [("($228.00)", "paren"), ("-$228.00", "minus"), ("$228.00-", "trailing")] {
            let path = try Fixture.pdf(
                dir, "\(name).pdf",
                [
                    [(50, "Northwind Cloud Inc."), (380, "CREDIT MEMO")],
                    [(50, "12 Harbor Way, Portland OR")],
                    [],
                    [(50, "Bill To:"), (300, "Credit Memo #:"), (400, "CM-7731")],
                    [(50, "Pine Street Legal"), (300, "Date:"), (400, "Mar 4, 2025")],
                    [],
                    [(50, "Description"), (250, "Qty"), (300, "Unit Price"), (420, "Amount")],
                    [(50, "Refund, unused seat"), (250, "1"), (300, form), (420, form)],
                    [],
                    [(300, "Subtotal"), (420, form)],
                    [(300, "Tax"), (420, "$0.00")],
                    [(300, "Total Credit"), (420, form)],
                ])
            let o = try await Fixture.extract(path, "invoice")
            #expect(o["invoice_number"] == "CM-7731", "\(form)")
            #expect(o["subtotal"]?.doubleValue == -228, "\(form)")
            #expect(o["tax"]?.doubleValue == 0, "\(form)")
            #expect(o["total"]?.doubleValue == -228, "\(form)")
            let items = o["line_items"]?.arrayValue ?? []
            #expect(items.count == 1)
            #expect(items.first?["amount"]?.doubleValue == -228, "\(form)")
            #expect(items.first?["unit_price"]?.doubleValue == -228, "\(form)")
        }
    }

    @Test func severalTaxLinesAddUp() async throws {
        let o = try await TextDoc.extract(
            """
            Deccan Tools Pvt. Ltd.                            TAX INVOICE
            Invoice No: DT/25/0042              Invoice Date: 05/06/2025
            Bill To: Kaveri Engineering

            Description               Qty      Rate         Amount
            Drill bits set            10       1,200.00     12,000.00

                                      Taxable Value         12,000.00
                                      CGST @ 9%             1,080.00
                                      SGST @ 9%             1,080.00
                                      Grand Total           ₹ 14,160.00
            """, "invoice")
        #expect(o["currency"] == "INR")
        #expect(o["subtotal"]?.doubleValue == 12000)
        #expect(o["tax"]?.doubleValue == 2160)
        #expect(o["total"]?.doubleValue == 14160)
    }

    @Test func aTotalRowWithAnUnknownLabelIsNotAnItem() async throws {
        let o = try await TextDoc.extract(
            """
            Atelier Blanc                                      FACTURE
            Facture N°: AB-77                       Date: 02/05/2025

            Désignation                  Qté      Prix         Montant
            Reliure cuir                 2        40,00        80,00
            Dorure titre                 2        15,00        30,00
            Somme finale                                       110,00
            """, "invoice")
        let items = o["line_items"]?.arrayValue ?? []
        #expect(items.count == 2)
        #expect(items.map { $0["amount"]?.doubleValue } == [80, 30])
    }
}

/// Tables across pages and lines.
@Suite struct TableKinds {
    /// A tax column in the item table ("Tax(%)", "Tax", "IGST"): its numbers are not the quantity, price or amount;
    /// the line's amount is its gross (quantity × price + tax), and the review knows it.
    @Test(arguments: ["Tax", "IGST", "VAT"])
    func taxColumnsInTheItemTable(_ tax: String) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let lines: [[(Double, String)]] = [
            [(50, "Sold By: Orbit Retail Pvt. Ltd."), (420, "Invoice No: ORB-2291")],
            [(50, "Invoice Date: 20-10-2025")],
            [],
            [(50, "Product"), (250, "Qty"), (290, "Price"), (360, "\(tax)(%)"), (430, tax), (500, "Total")],
            [(50, "Memory card 16 GB"), (255, "1"), (290, "278.61"), (360, "14.50%"), (430, "40.39"), (500, "319.00")],
            [(50, "Card reader"), (255, "2"), (295, "50.00"), (360, "18.00%"), (430, "18.00"), (500, "118.00")],
            [],
            [(400, "Grand Total"), (500, "437.00")],
        ]
        let path = try Fixture.pdf(dir, "taxcol.pdf", lines)
        let engine = try Fixture.engine()
        let out = try await engine.extract(path: path, schema: "invoice")
        let items = out.data["line_items"]?.arrayValue ?? []
        #expect(items.count == 2, "\(tax): \(items)")
        #expect(items.first?["quantity"]?.doubleValue == 1, "\(tax)")
        #expect(items.first?["unit_price"]?.doubleValue == 278.61, "\(tax)")
        #expect(items.first?["amount"]?.doubleValue == 319, "\(tax)")
        #expect(items.last?["quantity"]?.doubleValue == 2, "\(tax)")
        #expect(items.last?["amount"]?.doubleValue == 118, "\(tax)")
        #expect(out.signals.itemsWithTax == [0, 1], "\(tax)")
        let review = ReviewChecks(engine: engine, minConfidence: ReviewChecks.defaultMinConfidence)
            .review(schema: "invoice", data: out.data, evidence: nil, pages: nil, signals: out.signals)
        #expect(!review.reasons.contains { $0.code == .arithmetic }, "\(tax): \(review.reasons)")
    }

    /// Items with detail lines under them ("Notes: ...", "Tax: 0.2%"): a rate alone on a line is the item's tax code,
    /// not the totals block, so the table goes on to the next item.
    @Test func itemDetailLinesWithARateDoNotEndTheTable() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let lines: [[(Double, String)]] = [
            [(50, "Maple Repairs"), (450, "INVOICE")],
            [(400, "# MR-1207")],
            [(350, "Date: Jan 1, 2025")],
            [],
            [(50, "Item"), (330, "Quantity"), (420, "Rate"), (500, "Amount")],
            [(50, "Service A"), (340, "12"), (420, "$10.00"), (500, "$120.00")],
            [(50, "Notes: Replaced capacitor")],
            [(50, "Tax: 0.2%")],
            [],
            [(50, "Service B"), (340, "5"), (425, "$1.50"), (505, "$7.50")],
            [(50, "Notes: Removed debris")],
            [(50, "Tax: 0.4%")],
            [],
            [(380, "Subtotal:"), (500, "$127.50")],
            [(380, "Total:"), (500, "$127.50")],
        ]
        let path = try Fixture.pdf(dir, "details.pdf", lines)
        let o = try await Fixture.extract(path, "invoice")
        let items = o["line_items"]?.arrayValue ?? []
        #expect(items.count == 2, "\(items)")
        #expect(items.last?["amount"]?.doubleValue == 7.5)
        #expect(o["subtotal"]?.doubleValue == 127.5)
        #expect(o["total"]?.doubleValue == 127.5)
    }

    /// A rate column printed without its % sign ("Disc.%" over "10.00") holds rates: never the price or amount. With a
    /// discount, the price per unit is the net one (EN 16931 BT-146), so quantity × price = amount holds.
    @Test(arguments: ["Disc.%", "Rabatt %", "Remise"])
    func rateColumnsWithoutPercentSigns(_ heading: String) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let lines: [[(Double, String)]] = [
            [(50, "Global Wholesale Inc."), (420, "INVOICE")],
            [(50, "Invoice INV/2025/0042"), (350, "Date: 03/20/2025")],
            [],
            [(50, "Description"), (250, "Quantity"), (330, "Unit Price"), (410, heading), (500, "Amount")],
            [(50, "Olive Oil"), (255, "1.00 L"), (350, "1.00"), (415, "10.00"), (500, "$ 0.90")],
            [(50, "Luxury Truffles"), (255, "15.00 g"), (345, "10.00"), (420, "0.00"), (495, "$ 150.00")],
            [],
            [(400, "Total"), (495, "$ 150.90")],
        ]
        let path = try Fixture.pdf(dir, "rates.pdf", lines)
        let o = try await Fixture.extract(path, "invoice")
        let items = o["line_items"]?.arrayValue ?? []
        #expect(items.count == 2, "\(heading): \(items)")
        #expect(items.first?["unit_price"]?.doubleValue == 0.9, "\(heading): 1.00 less 10%")
        #expect(items.first?["amount"]?.doubleValue == 0.9, "\(heading)")
        #expect(items.last?["quantity"]?.doubleValue == 15, "\(heading)")
        #expect(items.last?["unit_price"]?.doubleValue == 10, "\(heading)")
        #expect(items.last?["amount"]?.doubleValue == 150, "\(heading)")
    }

    /// An indented sub-line naming a part already in the item's price ("Incl. copying levy") is that item's detail,
    /// not an item; a quantity printed "1" beside prices printed "399,00" is the quantity, though 399 is whole too.
    @Test(arguments: [
        ("Incl.", "Factuur", "Aantal", "Prijs per stuk", "Prijs incl. BTW", "Totaal"),
        ("inkl.", "Rechnung", "Menge", "Einzelpreis", "Preis inkl. MwSt.", "Gesamtbetrag"),
    ])
    func partsIncludedInAnItemAndWholePrices(_ words: (String, String, String, String, String, String)) async throws {
        let (incl, title, qty, price, amount, total) = words
        let dir = try TempDir(); defer { dir.cleanup() }
        let lines: [[(Double, String)]] = [
            [(50, "Beeldscherm Handel B.V."), (420, title.uppercased())],
            [(50, "\(title)nummer: 77120"), (350, "19-04-2024")],
            [],
            [(50, "Artikel"), (300, qty), (350, price), (430, "BTW"), (470, amount)],
            [(50, "Tablet Air 64 GB"), (310, "1"), (360, "€ 399,00"), (430, "21%"), (500, "€ 399,00")],
            [(58, "\(incl) copying levy €3.50"), (310, "1"), (430, "21%"), (505, "€ 4,24")],
            [(50, "Leather cover"), (310, "2"), (365, "€ 35,00"), (430, "21%"), (505, "€ 70,00")],
            [],
            [(360, total), (500, "€ 469,00")],
        ]
        let path = try Fixture.pdf(dir, "levy.pdf", lines)
        let o = try await Fixture.extract(path, "invoice")
        let items = o["line_items"]?.arrayValue ?? []
        #expect(items.count == 2, "\(items)")
        #expect(items.first?["quantity"]?.doubleValue == 1)
        #expect(items.first?["unit_price"]?.doubleValue == 399)
        #expect(items.first?["amount"]?.doubleValue == 399)
        let firstDescription = items.first?["description"]?.stringValue ?? ""
        #expect(firstDescription.contains("copying levy"), "the levy stays with its item")
        #expect(items.compactMap { $0["amount"]?.doubleValue }.reduce(0, +) == 469)
        #expect(o["total"]?.doubleValue == 469)
    }

    @Test func tableContinuesOnTheNextPageUnderARepeatedHeaderWithCarriedForwardRows() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let header: [(Double, String)] = [
            (50, "Pos."), (90, "Artikel"), (330, "Menge"), (400, "Einzelpreis"), (500, "Gesamt"),
        ]
        var page1: [[(Double, String)]] = [
            [(50, "Holzhandel Berg GmbH"), (420, "RECHNUNG")],
            [],
            [(50, "Kunde:"), (350, "Rechnungsnr.:"), (440, "HB-2025-88")],
            [(50, "Schreinerei Lind"), (350, "Rechnungsdatum:"), (440, "03.06.2025")],
            [],
            header,
        ]
        var sum = 0.0
        for i in 1...6 {
            page1.append([(50, "\(i)"), (90, "Brett Eiche \(i)0 cm"), (340, "2"), (410, "5,00"), (505, "10,00")])
            sum += 10
        }
        page1 += [[], [(330, "Übertrag"), (505, "60,00")], [], [(250, "Seite 1 von 2")]]
        let page2: [[(Double, String)]] = [
            [(50, "Holzhandel Berg GmbH"), (300, "Rechnung HB-2025-88, Seite 2 von 2")],
            [],
            header,
            [(330, "Übertrag"), (505, "60,00")],
            [(50, "7"), (90, "Leim 500 g"), (340, "3"), (410, "4,00"), (505, "12,00")],
            [(50, "8"), (90, "Schleifpapier K120"), (340, "1"), (410, "8,00"), (505, "8,00")],
            [],
            [(330, "Nettobetrag"), (505, "80,00")],
            [(330, "zzgl. 19 % USt."), (505, "15,20")],
            [(330, "Rechnungsbetrag EUR"), (505, "95,20")],
        ]
        let path = try Fixture.pdf(dir, "zwei-seiten.pdf", page1, pages: [page2])
        let o = try await Fixture.extract(path, "invoice")
        let items = o["line_items"]?.arrayValue ?? []
        #expect(items.count == 8)
        #expect(items.first?["description"] == "Brett Eiche 10 cm")
        #expect(items.last?["description"] == "Schleifpapier K120")
        #expect(!items.contains { ($0["description"]?.stringValue ?? "").contains("Übertrag") })
        #expect(!items.contains { ($0["description"]?.stringValue ?? "").contains("Seite") })
        #expect(items.compactMap { $0["amount"]?.doubleValue }.reduce(0, +) == 80)
        #expect(o["subtotal"]?.doubleValue == 80)
        #expect(o["tax"]?.doubleValue == 15.2)
        #expect(o["total"]?.doubleValue == 95.2)
    }

    /// A two-line header ("VK-Preis" over "ohne MwSt."), a company footer at the foot of page 1, and the table going
    /// on under the header repeated below the address block of page 2: every row, and no tax read from the header.
    @Test func headerSecondLinesFootersAndTheNextPage() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let header: [[(Double, String)]] = [
            [(40, "Pos."), (80, "Menge"), (130, "Beschreibung"), (400, "VK-Preis"), (480, "Zeilenbetrag")],
            [(400, "ohne"), (480, "ohne MwSt.")],
            [(400, "MwSt.")],
        ]
        func row(_ n: Int, _ price: String) -> [[(Double, String)]] {
            [
                [(45, "\(n)"), (90, "1"), (130, "Hosting Paket \(n)"), (405, price), (485, price)],
                [(130, "Grundgebühr pro Einheit")],
            ]
        }
        var page1: [[(Double, String)]] =
            [
                [(40, "Serverhaus Nord AG - Kai 7 - 20457 Hamburg")], [], [(40, "Rechnung")],
                [(40, "Rechnungsnr."), (160, "88120045")], [(40, "Rechnungsdatum"), (160, "7. Mai 2025")], [],
            ] + header
        for n in 1...4 { page1 += row(n, "5,00") }
        page1 += [
            [], [(40, "Serverhaus Nord AG"), (250, "Vorstand: Ina Berg"), (420, "Bankverbindung")],
            [
                (40, "Kai 7, 20457 Hamburg"), (250, "Registergericht Hamburg"),
                (420, "IBAN DE02 1203 0000 0000 2020 51"),
            ],
        ]
        var page2: [[(Double, String)]] =
            [
                [(40, "Serverhaus Nord AG - Kai 7 - 20457 Hamburg")], [], [(40, "Nordlicht Media Ltd.")],
                [(40, "Hong Kong")], [],
                [(40, "Rechnung"), (420, "Seite 2")], [],
            ] + header
        page2 += row(5, "7,00")
        page2 += [[], [(400, "Total EUR"), (485, "27,00")]]
        let path = try Fixture.pdf(dir, "seiten.pdf", page1, pages: [page2])
        let o = try await Fixture.extract(path, "invoice")
        let items = o["line_items"]?.arrayValue ?? []
        #expect(items.count == 5)
        #expect(items.compactMap { $0["amount"]?.doubleValue }.reduce(0, +) == 27)
        #expect(o["tax"] == .null)
        #expect(o["total"]?.doubleValue == 27)
        #expect(o["subtotal"]?.doubleValue == 27)
    }

    @Test func descriptionsWrapWithNumbersOnAnyLine() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Fixture.pdf(
            dir, "wrap.pdf",
            [
                [(50, "Ningbo Harbor Export Co., Ltd."), (400, "COMMERCIAL INVOICE")],
                [],
                [(50, "Buyer:"), (350, "Invoice No.:"), (440, "NH-0311")],
                [(50, "Lindqvist Toys AB"), (350, "Invoice Date:"), (440, "2025-03-11")],
                [],
                [(50, "Description"), (300, "Quantity"), (380, "Unit Price"), (480, "Amount")],
                [(50, "Wooden train set with 24 pieces,")],
                [(50, "painted, in gift box"), (305, "50.00"), (385, "12.400000"), (485, "620.00")],
                [(50, "natural beech finish")],
                [(50, "Stacking rings for toddlers,")],
                [(50, "rainbow colours"), (305, "100.00"), (385, "3.125000"), (485, "312.50")],
                [(50, "Puzzle cube, 3x3"), (305, "20.00"), (385, "1.875000"), (485, "37.50")],
                [],
                [(380, "Total Amount"), (480, "970.00")],
            ])
        let o = try await Fixture.extract(path, "invoice")
        let items = o["line_items"]?.arrayValue ?? []
        #expect(items.count == 3)
        #expect(
            items.map { $0["description"]?.stringValue } == [
                "Wooden train set with 24 pieces, painted, in gift box natural beech finish",
                "Stacking rings for toddlers, rainbow colours",
                "Puzzle cube, 3x3",
            ])
        #expect(items.map { $0["unit_price"]?.doubleValue } == [12.4, 3.125, 1.875])
        #expect(o["total"]?.doubleValue == 970)
    }

    @Test func dateAndCodeColumnsAreNotTheDescription() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Fixture.pdf(
            dir, "arzt.pdf",
            [
                [(50, "Dr. med. Jonas Weber"), (380, "Facharzt für Innere Medizin")],
                [],
                [(50, "Frau"), (350, "Rechnungs-Nr.:"), (440, "2025-0815")],
                [(50, "Erika Muster"), (350, "Datum:"), (440, "15.08.2025")],
                [(350, "Zahlungsziel:"), (440, "14.09.2025")],
                [],
                [(50, "Datum"), (110, "GOÄ-Nr."), (170, "Leistung"), (390, "Faktor"), (470, "Betrag EUR")],
                [(50, "01.08.25"), (110, "1"), (170, "Beratung"), (390, "2,30"), (480, "10,72")],
                [(50, "01.08.25"), (110, "250"), (170, "Blutentnahme"), (390, "1,80"), (480, "4,66")],
                [],
                [(330, "Zahlbetrag"), (480, "15,38")],
            ])
        let o = try await Fixture.extract(path, "invoice")
        let items = o["line_items"]?.arrayValue ?? []
        #expect(items.map { $0["description"]?.stringValue } == ["Beratung", "Blutentnahme"])
        #expect(items.map { $0["amount"]?.doubleValue } == [10.72, 4.66])
        #expect(o["total"]?.doubleValue == 15.38)
        #expect(o["due_date"] == "2025-09-14")
        #expect(o["currency"] == "EUR")
    }
}

/// Item tables: a rate column ("21%", "15.00%") is never a quantity, price or amount, a quantity may carry its
/// unit of measure ("1.00 kg", "3 Stk").
@Suite struct ItemTableColumns {
    @Test func ratesUnitsAndUnnamedColumns() async throws {
        let o = try await TextDoc.extract(
            """
            Coolhaven B.V.
            Factuurnummer: 99-1
            Factuurdatum: 19 april 2014

            Artikel                                      Aantal     Prijs per stuk        BTW     Prijs incl. BTW
            Tablet Air 16 GB                                  1          € 399,95        21%         € 399,95
            Slim Cover                                        2           € 34,99        21%          € 69,98

                                                                         Totaal         € 469,93
            """, "invoice")
        let items = o["line_items"]?.arrayValue ?? []
        #expect(items.count == 2, "\(o)")
        #expect(
            items.first?["quantity"]?.doubleValue == 1 && items.first?["unit_price"]?.doubleValue == 399.95
                && items.first?["amount"]?.doubleValue == 399.95, "\(items)")
        #expect(
            items.dropFirst().first?["quantity"]?.doubleValue == 2
                && items.dropFirst().first?["amount"]?.doubleValue == 69.98, "\(items)")
        #expect(!items.contains { $0["quantity"]?.doubleValue == 21 }, "the BTW rate is not a quantity: \(items)")
    }

    /// A GST-market item table: an HSN code column between the description and the quantity, and the line's amount
    /// under "Taxable Value" (with tax columns after it, or alone): the code is not a number of the line, and the
    /// amount is the taxable value, which the items add up to.
    @Test func aTaxableValueColumnBesideAnHSNCode() async throws {
        for (header, rows) in [
            (
                "Item        HSN    Qty   Rate      Taxable Value",
                ["Rice 25kg   1006   2     1,200.00  2,400.00", "Dal 5kg     0713   1     500.00    500.00"]
            ),
            (
                "Item        HSN    Qty   Rate      Taxable Value   CGST     SGST     Total",
                [
                    "Rice 25kg   1006   2     1,200.00  2,400.00        60.00    60.00    2,520.00",
                    "Dal 5kg     0713   1     500.00    500.00          12.50    12.50    525.00",
                ]
            ),
        ] {
            let o = try await TextDoc.extract(
                ([
                    "Sharma Traders Pvt. Ltd.", "TAX INVOICE", "Invoice No: ST-88", "Date: 05-06-2025",
                    "Bill To: Mehta Stores", "", header,
                ] + rows + [
                    "", "Taxable Value                      2,900.00", "CGST                                  72.50",
                    "SGST                                  72.50", "Total Invoice Value               ₹ 3,045.00",
                ]).joined(separator: "\n"), "invoice")
            let items = o["line_items"]?.arrayValue ?? []
            #expect(items.count == 2, "\(header): \(items)")
            #expect(
                items.first?["quantity"]?.doubleValue == 2 && items.first?["unit_price"]?.doubleValue == 1200
                    && items.first?["amount"]?.doubleValue == 2400, "\(header): \(items)")
            #expect(items.last?["amount"]?.doubleValue == 500, "\(header): \(items)")
            #expect(o["subtotal"]?.doubleValue == 2900 && o["total"]?.doubleValue == 3045, "\(o)")
        }
    }

    @Test func aQuantityWithItsUnitAndATaxRateColumn() async throws {
        let o = try await TextDoc.extract(
            """
            Larkspur Goods
            Invoice No: LG-7
            Invoice Date: 2025-03-20

            Description                  Quantity        Unit Price     Taxes          Amount
            Beeswax XL                    1.00 kg             42.00     15.00%         $ 42.00
            Office Chair                  3.00 Units          70.00     15.00%         $ 210.00

                                                                        Total                $ 252.00
            """, "invoice")
        let items = o["line_items"]?.arrayValue ?? []
        #expect(items.map { $0["description"]?.stringValue ?? "" } == ["Beeswax XL", "Office Chair"], "\(items)")
        #expect(items.map { $0["quantity"]?.doubleValue ?? -1 } == [1, 3], "\(items)")
        #expect(items.map { $0["unit_price"]?.doubleValue ?? -1 } == [42, 70], "\(items)")
        #expect(items.map { $0["amount"]?.doubleValue ?? -1 } == [42, 210], "\(items)")
    }
}

/// The lexicon: data files per language; every entry reachable; roles from the schema.
@Suite struct LexiconData {
    @Test func everyLanguageFileIsListedAndParses() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/SmoleEngine/Lexicon/labels").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
            .map { String($0.dropLast(5)) }.sorted()
        #expect(files == Lexicon.files.map(\.language).sorted())
        #expect(Set(Lexicon.languages.map(\.language)) == ["en", "de", "fr", "nl", "es", "it", "pt", "ms"])
        for lang in Lexicon.languages {
            for role in lang.roles.keys {
                #expect(Role(rawValue: role) != nil, "unknown role \(role) in \(lang.language)")
            }
        }
    }

    /// Every kind of cue word in a file is one the engine documents (`Lexicon.wordKinds`) and reads (its name is
    /// in the engine's sources), and every documented kind has words; every language's months are twelve.
    @Test func everyWordKindIsDocumentedAndRead() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../Sources/SmoleEngine"
        ).standardized
        var sources = ""
        for f in FileManager.default.enumerator(atPath: root.path)?.compactMap({ $0 as? String }) ?? []
        where f.hasSuffix(".swift") && !f.hasPrefix("Lexicon/") {
            sources += try String(contentsOf: root.appendingPathComponent(f), encoding: .utf8)
        }
        #expect(sources.count > 100_000, "the engine's sources were found under \(root.path)")
        var inFiles = Set<String>()
        for lang in Lexicon.languages {
            for (kind, words) in lang.words ?? [:] {
                inFiles.insert(kind)
                #expect(Lexicon.wordKinds[kind] != nil, "\(lang.language).json has undocumented kind \(kind)")
                #expect(
                    !words.isEmpty && words.allSatisfy { $0 == $0.lowercased() && !$0.isEmpty },
                    "\(lang.language) \(kind): lowercased words")
            }
            if let months = lang.months {
                #expect(months.count == 12 && months.allSatisfy { !$0.isEmpty }, "\(lang.language) months")
            }
        }
        for kind in Lexicon.wordKinds.keys {
            #expect(inFiles.contains(kind), "\(kind) has no words in any language file")
            #expect(sources.contains("\"\(kind)\""), "\(kind) is not read by the engine")
        }
    }

    /// Month names of every language with months read as dates: "15. März 2025", "15 marzo 2025", "15 de março de 2025".
    @Test func monthNamesOfEveryLanguageAreDates() {
        for lang in Lexicon.languages {
            for (i, names) in (lang.months ?? []).enumerated() {
                let name = names[0]
                let found = Parse.dates(in: "Fecha 15 \(name) 2025", dayFirst: true).map(\.iso)
                #expect(found.contains(String(format: "2025-%02d-15", i + 1)), "\(lang.language) \(name): \(found)")
            }
        }
        #expect(Parse.dates(in: "Lisboa, 15 de março de 2025", dayFirst: true).map(\.iso) == ["2025-03-15"])
        #expect(Parse.dates(in: "Madrid, 3 de diciembre de 2024", dayFirst: true).map(\.iso) == ["2024-12-03"])
    }

    /// Each label of each role, written as "LABEL: value" on a line of its own, is found as that role's label.
    @Test func everyLabelIsReachable() throws {
        let schema = try SchemaRegistry.load(dirs: []).schemas["invoice"]!
        for role in [Role.seller, .buyer, .documentNumber, .issueDate, .dueDate, .subtotal, .tax, .total, .currency] {
            guard let field = schema.field(role) else { Issue.record("no invoice field for \(role)"); continue }
            for (label, _) in Lexicon.rankedLabels[role] ?? [] {
                let layout = Layout(pages: ["\(label):   X-42"])
                let ex = Extractor(layout: layout, schema: schema)
                let found = (ex.hits[0] ?? []).contains { $0.field == field.name && $0.start == 0 }
                #expect(found, "'\(label)' is not found as a \(role.rawValue) label")
            }
        }
    }

    @Test func aUserSchemaGetsResolversAndLabelsByRole() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let schemaPath = dir.file("payable.json")
        try #"""
        {"type": "object", "properties": {
          "seller": {"type": "string"},
          "amount_payable": {"type": "number"},
          "reference": {"type": "string", "x-smole-role": "document_number"}
        }}
        """#.write(toFile: schemaPath, atomically: true, encoding: .utf8)
        let doc = dir.file("f.txt")
        try """
        Verkäufer: Brunnen Apotheke KG
        Rechnungsnummer: BA-4410
        Zu zahlen:                      42,80 EUR
        """.write(toFile: doc, atomically: true, encoding: .utf8)
        let o = try await Fixture.extract(doc, schemaPath)
        #expect(o["seller"] == "Brunnen Apotheke KG")
        #expect(o["amount_payable"]?.doubleValue == 42.8)
        #expect(o["reference"] == "BA-4410")
    }

    @Test func anUnknownRoleIsASchemaError() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let schemaPath = dir.file("bad.json")
        try #"{"type": "object", "properties": {"x": {"type": "string", "x-smole-role": "sellr"}}}"#
            .write(toFile: schemaPath, atomically: true, encoding: .utf8)
        #expect(throws: RecordError.self) { _ = try SchemaRegistry.loadFile(schemaPath) }
    }
}

/// A seller named only in a picture (a logo or a letterhead image over a text layer that never names it): the
/// pictures of page 1 are OCRed and the seller their text names fills the field; the legal name with its legal form
/// wins over a brand. The picture is rendered at test time (Pillow, DejaVu Sans) and read by the real tesseract.
@Suite struct SellerInPictures {
    static func letterhead(_ dir: TempDir, _ lines: [String]) async throws -> (gray: [UInt8], width: Int, height: Int) {
        let out = dir.file("letterhead.raw")
        let (w, h) = (1200, 60 + 46 * lines.count)
        let script = """
            import sys
            from PIL import Image, ImageDraw, ImageFont
            w, h = int(sys.argv[2]), int(sys.argv[3])
            font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 30)
            img = Image.new("L", (w, h), 255)
            d = ImageDraw.Draw(img)
            for i, t in enumerate(sys.argv[4:]):
                d.text((20, 20 + 46 * i), t, font=font, fill=0)
            open(sys.argv[1], "wb").write(img.tobytes())
            """
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
        let r = try await runTool(python, ["-c", script, out, String(w), String(h)] + lines)
        try #require(r.status == 0, "rendering failed: \(r.stderr)")
        return ([UInt8](try Data(contentsOf: URL(fileURLWithPath: out))), w, h)
    }

    @Test func aSellerNamedOnlyInALetterheadPicture() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let pic = try await Self.letterhead(
            dir, ["Kestrel Tooling B.V. namens KT Brands", "Havenweg 12, 3011 AB Rotterdam"])
        var pdf = PDFWriter()
        pdf.addPage(
            lines: [
                [(50, "Factuuradres"), (330, "Afleveradres")],
                [(50, "Strategic Corp"), (330, "Strategic Corp")],
                [],
                [(50, "Factuur"), (200, "Factuurdatum"), (350, "Vervaldatum")],
                [(50, "VF1005193039"), (200, "8-9-2025"), (350, "22-9-2025")],
                [],
                [(50, "Omschrijving"), (380, "Aantal"), (480, "Bedrag")],
                [(50, "Onderhoudsset"), (390, "1"), (485, "49,99")],
                [],
                [(330, "Factuur totaal EUR"), (485, "49,99")],
            ], picture: pic.gray, width: pic.width, height: pic.height, x: 40, y: 560, drawWidth: 420, top: 80)
        let path = dir.file("letterhead.pdf")
        try pdf.write(to: path)
        let o = try await Fixture.extract(path, "invoice")
        #expect(o["vendor_name"] == "Kestrel Tooling B.V.")
        #expect(o["invoice_number"] == "VF1005193039", "the text layer stays the source of the rest")
        #expect(o["total"]?.doubleValue == 49.99)
    }
}

/// A department after the seller's name in a letterhead is not part of the name.
@Suite struct SellerDepartments {
    @Test(arguments: [
        ("Fibre Libre Service Abonné", "Fibre Libre", "Facture", "Montant total"),
        ("Harbor Lights Catering Customer Service", "Harbor Lights Catering", "Invoice", "Total"),
        ("Nordlicht Energie GmbH Kundenservice", "Nordlicht Energie GmbH", "Rechnung", "Gesamtbetrag"),
    ])
    func aDepartmentAfterTheNameIsDropped(_ c: (String, String, String, String)) async throws {
        let (head, name, title, total) = c
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try Fixture.pdf(
            dir, "dept.pdf",
            [
                [(50, head)],
                [(50, "75371 Paris"), (400, title.uppercased())],
                [],
                [(330, "\(title) No: F-2291")],
                [(330, "Date: 12/03/2025")],
                [],
                [(330, total), (480, "29.99")],
            ])
        let o = try await Fixture.extract(path, "invoice")
        #expect(o["vendor_name"] == .string(name), "\(head)")
    }
}
