import Foundation
import SmoleRecords
import SmoleTools
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// Till slips as shops in Europe, the UK, Singapore, Malaysia and North America print them: tax lines and tax summary
/// tables, quantity lines, payment words, return-by dates, service charges and tips. Every slip here is made up for
/// the test.
@Suite struct ReceiptKinds {
    /// Extracts `text` (a text file) with the built-in receipt schema: the data and the review's reason codes.
    static func read(_ text: String) async throws -> (data: JSONObject, review: [ReviewReason]) {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write("slip.txt", text)
        let engine = try Fixture.engine()
        let out = try await engine.extract(path: path, schema: "receipt")
        let review = ReviewChecks(engine: engine, minConfidence: ReviewChecks.defaultMinConfidence)
            .review(schema: "receipt", data: out.data, evidence: nil, pages: nil, signals: out.signals)
        return (out.data.objectValue ?? JSONObject(), review.reasons)
    }

    static func items(_ o: JSONObject) -> [(String?, Double?, Double?, Double?)] {
        (o["line_items"]?.arrayValue ?? []).map {
            (
                $0["description"]?.stringValue, $0["quantity"]?.doubleValue, $0["unit_price"]?.doubleValue,
                $0["amount"]?.doubleValue
            )
        }
    }

    /// Tax lines in the words slips use: a rate after the tax word ("SST 6%"), the tax said to be in the total
    /// ("dont TVA", "of which VAT", "VAT included in total", "GST included in total"), several rates summed; a bare
    /// VAT registration number at the head ("VAT 524 0367 52") is no tax line.
    @Test func taxLineKinds() async throws {
        let sst = try await Self.read(
            """
            KEDAI MAKAN SERI INDAH SDN BHD
            Date: 05-09-2019 Time: 22:41
            MEE GORENG                  8.00
            TEH ICE                     3.50
            Sub Total                  11.50
            Service Charge 10%          1.15
            SST 6%                      0.69
            Grand Total             RM 13.34
            VISA                       13.34
            """)
        #expect(sst.data["tax"]?.doubleValue == 0.69)
        #expect(!sst.review.contains { $0.code == .arithmetic }, "\(sst.review)")

        let dont = try await Self.read(
            """
            CAFE DES ARTS
            12 rue Verte 69002 LYON
            2 x Plat du jour             30,00
            1 x Vin rouge                12,00
            TOTAL TTC                    42,00 €
            dont TVA 10%                  2,73 €
            dont TVA 20%                  2,00 €
            TOTAL HT                     37,27 €
            Réglé CB                     42,00 €
            18/04/2025 13:47
            """)
        #expect(dont.data["tax"]?.doubleValue == 4.73)
        #expect(dont.data["total"]?.doubleValue == 42)
        #expect(dont.data["payment_method"] == "CARD")

        let ofWhich = try await Self.read(
            """
            City Car Parks Ltd
            VAT Reg 111 2222 33
            Entry 10/02/2025 08:11
            Parking Tariff                    £12.00
            Amount Paid                       £12.00
            of which VAT 20%                   £2.00
            Paid by                      CONTACTLESS
            """)
        #expect(ofWhich.data["tax"]?.doubleValue == 2)
        #expect(ofWhich.data["payment_method"] == "CARD")

        let registration = try await Self.read(
            """
            Crust & Crumb
            Crust and Crumb Bakeries Ltd
            Kiosk 4 Waterloo Station
            VAT 524 0367 52

            Latte                           £3.20
            Cheese Scone                    £2.80
            Eat In Total                    £6.00
            VAT 20%                         £1.00
            Debit Card                      £6.00
            08 Jan 2025                     08:12
            """)
        #expect(registration.data["tax"]?.doubleValue == 1)
        #expect(registration.data["payment_method"] == "DEBIT")
        #expect(Self.items(registration.data).map(\.3) == [3.2, 2.8], "the registration line ends no item list")

        let included = try await Self.read(
            """
            Harbour Kitchen
            17/05/2025  21:36
            Lamb Curry                      £18.00
            Naan                             £4.00
            Subtotal                        £22.00
            Service charge 12.5%             £2.75
            Total                           £24.75
            VAT included in total            £4.13
            AMEX                            £24.75
            """)
        #expect(included.data["tax"]?.doubleValue == 4.13)
        #expect(!included.review.contains { $0.code == .arithmetic }, "\(included.review)")
    }

    /// A German till's VAT summary table: the tax is its tax column's sum, the subtotal its net sum; its rows (the 7 %
    /// row's net) are never the subtotal. The quantity line above an item, the tax class after the amount, "Geg. BAR"
    /// as cash.
    @Test func germanTaxSummaryTable() async throws {
        let r = try await Self.read(
            """
                      Backhaus Lindner
                   Lindenstraße 4, 79098 Freiburg
            Vollmilch 3,5% 1L                 1,19 A
            Bio Bananen                       1,79 A
            2 x 0,89
            Joghurt Natur                     1,78 A
            Spülmittel                        1,45 B
            ----------------------------------------
            SUMME                           EUR 6,21
            Geg. BAR                        EUR 10,00
            Rückgeld                        EUR 3,79

            Steuer   %    Netto   Steuer   Brutto
            A     7,0%    4,45     0,31     4,76
            B    19,0%    1,22     0,23     1,45
            Gesamtbetrag  5,67     0,54     6,21

            12.06.2025 09:14                Bon 4412
            """)
        #expect(r.data["tax"]?.doubleValue == 0.54)
        #expect(r.data["subtotal"]?.doubleValue == 5.67)
        #expect(r.data["total"]?.doubleValue == 6.21)
        #expect(r.data["payment_method"] == "CASH")
        let items = Self.items(r.data)
        #expect(items.count == 4, "\(items)")
        #expect(items.first?.0 == "Vollmilch 3,5% 1L")
        #expect(items.count == 4 && items[2].0 == "Joghurt Natur" && items[2].1 == 2 && items[2].2 == 0.89)
        #expect(!r.review.contains { $0.code == .arithmetic }, "\(r.review)")
    }

    /// A slip that prints its date and time at the foot still has its items (the date does not end the head there).
    @Test func dateAtTheFootKeepsTheItems() async throws {
        let r = try await Self.read(
            """
            CORNER SHOP
            High St
            SEMI SKIMMED MILK 2L      1.65
            WHITE TOASTIE LOAF        1.45
            CRISPS MULTIPACK          2.25
            TOTAL TO PAY              5.35
            CASH                     10.00
            CHANGE DUE                4.65
            03/12/25 19:02
            """)
        #expect(Self.items(r.data).map(\.3) == [1.65, 1.45, 2.25])
        #expect(r.data["total"]?.doubleValue == 5.35)
    }

    /// A return-by or returns-through date is not the slip's date: the sale's date at the foot is.
    @Test func returnByDateIsNotTheReceiptDate() async throws {
        let r = try await Self.read(
            """
            HOMEGOODS STORE 212
            RETURN BY 01/08/26
            TOWELS                    12.99
            TOTAL                     12.99
            DEBIT                     12.99
            RETURNS W/ RECEIPT THRU 01/14/26
            10/09/25 18:44:07
            """)
        #expect(r.data["date"] == "2025-10-09" || r.data["date"] == "2025-09-10", "the sale's date, in either order")
        #expect(r.data["date"] != "2026-08-01" && r.data["date"] != "2026-01-08" && r.data["date"] != "2026-01-14")
    }

    /// Payment words: CB, NETS, EFTPOS, Interac, Contactless, a scheme named below a bare card word.
    @Test func paymentWords() async throws {
        func pay(_ line: String) async throws -> String? {
            let r = try await Self.read(
                """
                MINI MART
                01/02/2025 10:00
                BREAD                      2.50
                TOTAL                      2.50
                \(line)
                """)
            return r.data["payment_method"]?.stringValue
        }
        #expect(try await pay("CB SANS CONTACT            2.50") == "CARD")
        #expect(try await pay("NETS                       2.50") == "NETS")
        #expect(try await pay("EFTPOS                     2.50") == "EFTPOS")
        #expect(try await pay("Interac                    2.50") == "INTERAC")
        #expect(try await pay("CONTACTLESS                2.50") == "CARD")
        #expect(try await pay("Paid by Card               2.50") == "CARD")
        #expect(try await pay("Paid by CONTACTLESS\nCard MASTERCARD ****7710") == "MASTERCARD")
    }

    /// Quantity rules: a leading count ("2 House Red Glass  28.00"), a quantity line above the item ("2 @ 3.49") or
    /// below it ("3 Stk x 0,69"), and a prescription number that is no quantity ("RX #6612843").
    @Test func quantityLineKinds() async throws {
        let bistro = try await Self.read(
            """
            THE GREEN DOOR BISTRO
            Server: Kayla      Table 12
            10/03/25  8:17 PM
            2 House Red Glass           28.00
            1 Steak Frites              32.00
            Subtotal                    60.00
            Tax                          5.10
            Total                       65.10
            VISA                        65.10
            """)
        let b = Self.items(bistro.data)
        #expect(b.count == 2 && b[0].0 == "House Red Glass" && b[0].1 == 2 && b[0].2 == 14 && b[0].3 == 28, "\(b)")

        let grocer = try await Self.read(
            """
            FRESH FIELDS MARKET
            2 @ 3.49
            BANANAS ORGANIC                 6.98
            GALA APPLES 2.13 1b @ 1.99      4.24
            2 @ 2.50  GREEK YOGURT          5.00
            SPARKLING WATER                 5.97
              3 Stk x 1.99
            RX #6612843 AMOXICILLIN        10.00
            SUBTOTAL                       32.19
            TAX                             0.00
            TOTAL                          32.19
            VISA                           32.19
            03-18-2024  18:05
            """)
        let g = Self.items(grocer.data)
        #expect(g.count == 5, "\(g)")
        #expect(g.count == 5 && g[0].1 == 2 && g[0].2 == 3.49, "\(g)")
        #expect(g.count == 5 && g[1].1 == 2.13 && g[1].2 == 1.99, "a weight, its 'lb' read as '1b': \(g)")
        #expect(g.count == 5 && g[2].0 == "GREEK YOGURT" && g[2].1 == 2 && g[2].2 == 2.5, "\(g)")
        #expect(g.count == 5 && g[3].1 == 3 && g[3].2 == 1.99, "\(g)")
        #expect(g.count == 5 && g[4].1 == 1 && g[4].2 == 10, "\(g)")
        #expect(!grocer.review.contains { $0.code == .arithmetic }, "\(grocer.review)")
    }

    /// The subtotal + tax = total check counts the slip's own extra lines: a filled-in tip with its second total, a
    /// service charge, a tax said to be included beside a cash rounding.
    @Test func noFalseArithmeticFlags() async throws {
        let tip = try await Self.read(
            """
            MEL'S DINER
            04/19/25    1:12 PM
            Cheeseburger               14.50
            Milkshake                  14.20
            Subtotal                   28.70
            Tax                         2.51
            Total                      31.21
            Tip                         6.00
            Total                      37.21
            MASTERCARD                 37.21
            """)
        #expect(tip.data["total"]?.doubleValue == 37.21)
        #expect(!tip.review.contains { $0.code == .arithmetic }, "\(tip.review)")

        let service = try await Self.read(
            """
            DUMPLING HOUSE
            Date: 28/06/2025  Time: 19:05
            Xiao Long Bao              13.80
            Fried Rice                 14.50
            Hot Tea                     3.60
            Subtotal                   31.90
            Svc Chg 10%                 3.19
            GST 9%                      3.16
            Total                    S$38.25
            NETS                       38.25
            """)
        #expect(service.data["tax"]?.doubleValue == 3.16)
        #expect(service.data["payment_method"] == "NETS")
        #expect(!service.review.contains { $0.code == .arithmetic }, "\(service.review)")

        let inclusive = try await Self.read(
            """
            CORNER CONVENIENCE
            WATER                     S$1.20
            CHOC STICKS               S$1.95
            COFFEE                    S$2.30
            BEER                      S$3.80
            SUBTOTAL                  S$9.25
            Rounding Adj             -S$0.05
            TOTAL                     S$9.20
            CASH                     S$10.00
            CHANGE                    S$0.80
            GST 9% incl.              S$0.76
            02/01/2025  07:58:11
            """)
        #expect(inclusive.data["tax"]?.doubleValue == 0.76)
        #expect(inclusive.data["total"]?.doubleValue == 9.2)
        #expect(!inclusive.review.contains { $0.code == .arithmetic }, "\(inclusive.review)")
    }

    /// The merchant as OCR prints it: a legal form after a period with the space lost ("Sdn.Bhd"), a returns notice
    /// above it ("Goods Sold Are Not Returnable") that is no name, parentheses with the spaces around them lost; a
    /// name whose words OCR ran together is flagged (`hasGluedWords`).
    @Test func merchantAsOCRPrintsIt() async throws {
        let glued = try await Self.read(
            """
                 Thank You. Please come again.
                 Goods Sold.Are Not Returnable.
                   Harmoni Cash & Carry Sdn.Bhd
                          (317041-W)
                    GST Reg. No. : 001951645696
            Invoice No : 47735
            Date : 04 Jan 2017 01:15pm
            RICE 5KG                    17.41
            Total Incl. GST:RM          17.41
            Cash:RM                     20.00
            Change:RM                    2.59
            """)
        #expect(glued.data["merchant_name"] == "Harmoni Cash & Carry Sdn.Bhd")
        let parens = try await Self.read(
            """
            MAWAR BAKERIES(KL)SDN BHD
            Lot 6, Jalan Sungai Besi
            Date: 18/09/2017
            BREAD                        5.90
            TOTAL                        5.90
            """)
        #expect(parens.data["merchant_name"] == "MAWAR BAKERIES (KL) SDN BHD")
        #expect(ReviewChecks.hasGluedWords("SANYUSTATIONERYSHOP"))
        #expect(!ReviewChecks.hasGluedWords("SANYU STATIONERY SHOP"))
        #expect(!ReviewChecks.hasGluedWords("Bäckereifachgeschäft Lindner"), "a compound in lower case is a word")
    }

    /// A German pharmacy slip ("Summe EUR", "EC-Karte", "Zeit:") routes to receipt.
    @Test func germanTillWordsRouteToReceipt() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let engine = try Fixture.engine()
        let slip = try dir.write(
            "apo.txt",
            """
                         Stern-Apotheke
                   Inh. Dr. Anna Roth e.K.
                 Marktplatz 3, 69117 Heidelberg

            Nasenspray                        4,95 B
            Wundsalbe                         7,49 B
            ----------------------------------------
            Summe EUR                        12,44
            EC-Karte                         12,44

            Datum: 28.10.2025            Zeit: 11:08
                        Gute Besserung!
            """)
        #expect(try await engine.classify(path: slip)?.schema == "receipt")
    }
}
