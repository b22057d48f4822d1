import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// Till slips as GST-market shops print them and as OCR reads them back: the merchant at the head, the total among
/// qualified totals and a tax summary, dates in the slips' own forms, and routing by the cash-register layout.
/// Every slip here is made up for the test.
@Suite struct Receipts {
    /// Writes `text` as a text file and extracts it with the built-in receipt schema.
    static func extract(_ text: String) async throws -> JSONObject {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write("slip.txt", text)
        return try await Fixture.extract(path, "receipt")
    }

    static let gstSlip = """
        ee, nr aT        eos     A RE
        KOPI KEDAI HARMONI
        SELERA MURNI TRADING SDN BHD (771234-K)
        NO. 12, JALAN MAWAR 3/2,
        TAMAN SRI MUDA, 40400 SHAH ALAM
        TEL: 03-5511 2233  FAX: 03-5511 2234
        GST ID : 001234567890
        SIMPLIFIED TAX INVOICE
        BESTARI SUPPLY SDN BHD
        Receipt #: CS00012345        Date: 14/03/2018
        Cashier: ANIS                Time: 12:05:11
        Item              Qty   Price   Amount
        NASI LEMAK         2    4.50     9.00
        TEH TARIK          1    2.17     2.17
        TOTAL QTY: 3                    11.17
        Sub Total (Excluding GST) :     10.54
        Total GST :                      0.63
        Total (Inclusive of GST) :      11.17
        Rounding Adj :                  -0.02
        ROUNDED TOTAL (RM):             11.15
        CASH :                          20.00
        CHANGE :                         8.85
        GST SUMMARY
        Tax Code    %    Amt (RM)   Tax (RM)
        SR          6      10.54      0.63
        Total:             10.54      0.63
        THANK YOU. PLEASE COME AGAIN
        """

    /// The merchant is the registered business at the head (its legal form outranks the brand above it), not the OCR
    /// specks, the registration number after it, the heading or the customer named under the heading.
    @Test func merchantIsTheRegisteredBusinessAtTheHead() async throws {
        let o = try await Self.extract(Self.gstSlip)
        #expect(o["merchant_name"] == "SELERA MURNI TRADING SDN BHD")
    }

    /// The rounded total, not "TOTAL QTY", the total before tax, "Total GST", the total before rounding or the tax
    /// summary's "Total:"; cash minus change agrees with it.
    @Test func roundedTotalAmongQualifiedTotals() async throws {
        let o = try await Self.extract(Self.gstSlip)
        #expect(o["total"]?.doubleValue == 11.15)
        #expect(o["date"] == "2018-03-14")
    }

    /// A slip with no heading name line but a brand in title case, an address and no legal form: the first line that
    /// reads as a name; greetings and registration lines above it are skipped.
    @Test func firstNameLineWithoutLegalForm() async throws {
        let o = try await Self.extract(
            """
            Thank You. Please come again.
            Sig, |
            Warung Pak Long Corner
            Lot 7, Jalan Kenari 2
            47100 Puchong
            GST Reg No : 000112233445
            Invoice No : 88120
            30 DEC 17 19:42
            Mee Goreng            1 x 6.50        6.50
            Total Incl. GST:RM       6.50
            Cash:RM     10.00
            Change:RM     3.50
            """)
        #expect(o["merchant_name"] == "Warung Pak Long Corner")
        #expect(o["date"] == "2017-12-30")
        #expect(o["total"]?.doubleValue == 6.5)
    }

    /// A name wrapped before its legal form joins its first line; OCR slips in the legal form ("SDN EHD") read back.
    @Test func wrappedAndMisreadLegalForm() async throws {
        let wrapped = try await Self.extract(
            """
            LIM BROTHERS TRADING
            (KEPONG) SDN BHD
            (554433-P)
            No 3, Jalan Ipoh Kecil
            TAX INVOICE
            Date: 02/JAN/2017
            TOTAL          12.00
            """)
        #expect(wrapped["merchant_name"] == "LIM BROTHERS TRADING (KEPONG) SDN BHD")
        #expect(wrapped["date"] == "2017-01-02")
        let misread = try await Self.extract(
            """
               MAJU JAYA HARDWARE SDN EHD (123456-A)
            21, JLN PERAK 4
            TAX INVOICE
            20180428 10:12
            TOTA1 (RM)          RM23.40
            """)
        #expect(misread["merchant_name"] == "MAJU JAYA HARDWARE SDN BHD")
        #expect(misread["date"] == "2018-04-28")
        #expect(misread["total"]?.doubleValue == 23.4)
    }

    /// OCR-mangled totals: a label read "T0TAL" and an amount with the ringgit mark misread and glued ("M7.80");
    /// the tax summary's totals below do not count.
    @Test func mangledTotalLabelAndGluedCurrency() async throws {
        let o = try await Self.extract(
            """
            SINAR PARKING SDN BHD
            TAX INVOICE
            Entry Time 30/04/2017 20:22
            Parking Fee                 7.36
            GST (Included) 6.00 %       0.44
            T0TAL                M7.80
            GST Summary    Amount    Tax
            Total          7.36      0.44
            """)
        #expect(o["total"]?.doubleValue == 7.8)
    }

    /// No total line readable (OCR lost it): cash tendered minus change is the total; paid exactly with no change
    /// printed, the payment is.
    @Test func totalFromCashAndChange() async throws {
        let o = try await Self.extract(
            """
            MEDAN SELERA CAFE
            TABLE 4
            FRIED RICE                  8.50
            ICED TEA                    4.30
            CASH                       50.00
            CHANGE                     37.20
            INC 6% GST                  0.72
            THANK YOU
            """)
        #expect(o["total"]?.doubleValue == 12.8)
        let exact = try await Self.extract(
            """
            PETROL STATION TEN
            PREPAY CHIT
            PPF   1.000   50   50.00
            TOTAL AMOUNT
            CASH            RM 50.00
            """)
        #expect(exact["total"]?.doubleValue == 50)
    }

    /// The total's own line unreadable: the sub-total, tax and rounding add up to the amount printed below them.
    @Test func totalFromItsParts() async throws {
        let o = try await Self.extract(
            """
            PUSTAKA CAHAYA BOOKS
            SIMPLIFIED TAX INVOICE
            Receipt No.: CS10001 Date: 17/01/2018
            LAMINATING POUCH A4      1  26.00
            SUB-TOTAL (EX)      :   26.00
            TOTAL TAX           :    1.56
            ROUNDING            :   -0.01
            ~~ ea: ;l  wm           27.55
            CASH  ~~ ~
            """)
        #expect(o["total"]?.doubleValue == 27.55)
    }

    /// An item table headed "Tax Qty Code/Desc UnitPrice Total" is not a tax summary (the totals below it count), and
    /// OCR commas that tip the document's decimal mark to the comma do not hide "RM 48.80".
    @Test func itemHeaderIsNotATaxSummaryAndCommasDoNotHideTheTotal() async throws {
        let o = try await Self.extract(
            """
            GRILL HOUSE KITCHEN
            Date: 26/05/2018 8:53:27 PM
            Tax Qty Code/Desc  UnitPrice Total RM
            SR 2   LAMB CHOP     21,40     42,80
            SR 1   ICED TEA       3,20      3,20
            GST 6%                 2,78
            Total Amount:          48, 78
            TOTAL:              RM 48.80
            CASH                    50.00
            CHANGE                   1.20
            """)
        #expect(o["total"]?.doubleValue == 48.8)
    }

    /// Paid in cash with change, a "total" above the cash tendered is a misread (a decimal mark lost): cash minus
    /// change stands in.
    @Test func totalAboveCashTenderedIsAMisread() async throws {
        let o = try await Self.extract(
            """
            BATU BATA TRADING
            Date: 17/04/2018
            TOTAL                   754.0
            Total Sales (Excluding GST) :  71.13
            Total GST :              4.27
            CASH :                  75.40
            Change :                 0.00
            """)
        #expect(o["total"]?.doubleValue == 75.4)
    }

    /// "NETT TOTAL" is a total on a slip; "Total net" (before VAT) is not preferred over the gross total.
    @Test func nettTotalAndTotalNet() async throws {
        let nett = try await Self.extract(
            """
            THREE LITTLE PIGS BISTRO
            SUB TOTAL            150.00
            SERVICE CHARGE 10%    15.00
            NETT TOTAL           174.90
            """)
        #expect(nett["total"]?.doubleValue == 174.9)
        let european = try await Self.extract(
            """
            Bäckerei Sonnenschein
            Total net             10.00
            TVA 20%                2.00
            Total TTC             12.00
            """)
        #expect(european["total"]?.doubleValue == 12)
    }

    /// Day first on a slip priced in dollars when GST says the market writes dates day first.
    @Test func dayFirstFromGSTDespiteDollarSign() async throws {
        let o = try await Self.extract(
            """
            KEDAI RUNCIT SENTOSA
            GST REG #000656195584
            04/06/16 09:28
            Chicken rice      $6.60
            Total Amount:     $6.60
            """)
        #expect(o["date"] == "2016-06-04")
        let us = Parse.dayFirstCue(lines: ["Total $6.60", "04/06/16"], currency: "USD", english: true)
        #expect(us == false, "a US slip with no day-first cue stays month first")
        #expect(
            Parse.dayFirstCue(lines: ["GST 5%  HST 8%", "04/06/16"], currency: "USD", english: true) == false,
            "Canada's GST with HST")
    }

    /// A merchant line read by OCR: a legal form's slips read back, a registration number whose closing parenthesis
    /// OCR lost dropped, and the line then reads as a name.
    @Test func ocrSlipsInAMerchantLine() {
        #expect(Extractor.repairLegalForm("AMANO MALAYSIA SON BHD") == "AMANO MALAYSIA SDN BHD")
        #expect(Extractor.repairLegalForm("RAPID RAIL SL: BHD") == "RAPID RAIL SDN BHD")
        #expect(Extractor.repairLegalForm("KEDAI SDN BHD") == "KEDAI SDN BHD")
        #expect(Extractor.repairLegalForm("SOLO BHD") == "SOLO BHD", "a word before BHD is not a slip")
        #expect(Extractor.receiptNameText("AMANO MALAYSIA SON BHD (682288-V") == "AMANO MALAYSIA SON BHD")
        #expect(Extractor.receiptNameText("AEON CO. (M) BHD (126926-H)") == "AEON CO. (M) BHD")
        #expect(Extractor.readsAsReceiptName(Extractor.receiptNameText("AMANO MALAYSIA SON BHD (682288-V") ?? ""))
    }

    /// A company number printed above the name picked means the merchant's own line was unreadable: the name picked
    /// (a street, a town) is said with low confidence, so the record is flagged for a look.
    @Test func aMerchantPickedBelowTheCompanyNumberIsUnsure() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let engine = try Fixture.engine()
        func merchant(_ text: String) async throws -> (String?, Double?) {
            let path = try dir.write("slip-\(text.count).txt", text)
            let out = try await engine.extract(path: path, schema: "receipt")
            return (out.data["merchant_name"]?.stringValue, out.signals.fieldConfidence["merchant_name"])
        }
        let tail = """
            GST ID NO: 000181747712
            10-05-17 14:31
            CRISPY ROLL               6.85
            Total Sales (Incl GST)  RM 11.50
            CASH                    RM 52.00
            CHANGE                  RM 40.50
            """
        let (lost, unsure) = try await merchant(
            "99SPEEDN9R75/B (519537-X)\nLOT P.T. 2811, JALAN ANGSA\nTAMAN BERKELEY\n41150 KLANG\n" + tail)
        #expect(lost != nil)
        #expect(
            (unsure ?? 1) < ReviewChecks.defaultMinConfidence + 0.1,
            "\(String(describing: lost)) at \(String(describing: unsure))")
        let (name, sure) = try await merchant("HARBOUR GROCER\n(519537-X)\nLOT 2811, JALAN ANGSA\n41150 KLANG\n" + tail)
        #expect(name == "HARBOUR GROCER")
        #expect((sure ?? 0) >= 0.7)
    }

    /// Dates in till-slip forms, on their own.
    @Test func tillSlipDateForms() {
        func d(_ s: String) -> String? { Parse.dates(in: s, dayFirst: true).first?.iso }
        #expect(d("30 DEC 17") == "2017-12-30")
        #expect(d("02/JAN/2017") == "2017-01-02")
        #expect(d("20180428 13:05") == "2018-04-28")
        #expect(d("12-02-18") == "2018-02-12")
        #expect(d("2018/02/12") == "2018-02-12")
        #expect(d("Date: 12/02/2018 11:34") == "2018-02-12")
        #expect(d("15 Mar 10:30") == nil, "a time is not a two-digit year")
        #expect(d("Ref 20180428") == nil, "eight digits with no time are a number")
    }

    /// A slip headed "TAX INVOICE" with a cash-register layout routes to receipt; an invoice that says "thank you" and
    /// mentions a card still routes to invoice.
    @Test func routingByTillLayout() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let engine = try Fixture.engine()
        let slip = try dir.write("slip.txt", Self.gstSlip)
        #expect(try await engine.classify(path: slip)?.schema == "receipt")
        let family = try dir.write(
            "mart.txt",
            """
            Welcome to the Family
            Bintang Mart Sdn Bhd (383322-D)
            Tax Invoice
            20/04/2018 19:15         #1000000163
            POS: 02
            Mineral Water 1.5l      3.70
            TOTAL               3.70
            Cash                    10.00
            CHANGE                    6.30
            THANK YOU & PLEASE COME AGAIN
            """)
        let routed = try #require(try await engine.classify(path: family))
        #expect(routed.schema == "receipt")
        #expect(routed.confidence >= 0.5, "confident enough for smole-route's default threshold")
        let invoice = try dir.write(
            "invoice.txt",
            """
            Northwind Consulting Ltd                         TAX INVOICE
            12 Harbour Road, Leeds                           Invoice No: NW-2291
                                                             Invoice Date: 12/03/2026
            Bill To: Fabrikam Ltd                            Due Date: 11/04/2026
            Description                 Qty    Unit Price    Amount
            Advisory services            10       120.00   1200.00
            Subtotal                                        1200.00
            VAT 20%                                          240.00
            Total                                           1440.00
            Payment by credit card or bank transfer. Thank you for your business.
            """)
        #expect(try await engine.classify(path: invoice)?.schema == "invoice")
        #expect(TillLayout.kindsFound(in: Self.gstSlip).count >= 6)
    }

    /// The cheap byte tests that let the till-line patterns skip a page never skip one the pattern matches: over lines
    /// with and without clocks and counted items, whenever the pattern matches, the test says it may.
    @Test func tillLinePrechecksNeverSkipAMatch() throws {
        let lines = [
            "12:30", "7:05 PM", "25:30", "23:59:59", "Tel 03-1234 5678", "Time: 9:5", "ratio 1:2", "no digits here",
            "2 x 3.50", "3@1.20", "10 X RM 2.50", "2\u{00A0}x 1.00", "2\nx 4.00", "Box of 12", "Item(s): 4",
            "TOTAL QTY 3", "max 5", "x 3.50",
        ]
        let clock = try #require(TillLayout.kinds.first { $0.name == "clock" }).pattern
        let items = try #require(TillLayout.kinds.first { $0.name == "items" }).pattern
        for line in lines {
            let lower = Array(line.lowercased().utf8)
            let r = NSRange(location: 0, length: line.utf16.count)
            if clock.firstMatch(in: line, range: r) != nil { #expect(TillLayout.hasClockShape(lower), "\(line)") }
            if items.firstMatch(in: line, range: r) != nil {
                #expect(
                    TillLayout.hasCountShape(lower) || ["item", "qty"].contains { line.lowercased().contains($0) },
                    "\(line)")
            }
        }
        #expect(TillLayout.hasClockShape(Array("12:30".utf8)) && !TillLayout.hasClockShape(Array("1:2".utf8)))
        #expect(TillLayout.hasCountShape(Array("2 x 3.50".utf8)) && !TillLayout.hasCountShape(Array("max 5".utf8)))
        #expect(TillLayout.kindsFound(in: "Time 12:30\n2 x 3.50\n").sorted() == ["clock", "items"])
    }

    /// A cash invoice (a sale paid on the spot, headed "TAX INVOICE" as GST law asks) routes to receipt; the heading
    /// counts once, not also as "invoice"; an invoice with a time stamp and a cash line still routes to invoice.
    @Test func cashInvoicesAndTaxInvoiceHeadings() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let engine = try Fixture.engine()
        let cashInvoice = try dir.write(
            "bakery.txt",
            """
            KENANGA BAKERIES (M) SDN BHD (223344-K)
            Lot 5, Jalan Perusahaan 2, 40300 Shah Alam
            GST ID: 000111222333
            TAX INVOICE / ADJUSTMENT NOTE
            Cash Inv No.: 8812F715            Date: 14/05/2017
            WARUNG MAJU ENTERPRISE
            DD: 14/05/2017 10:42
            Description         U.P   Qty   Amt
            WHITE BREAD        2.40     4   9.60
            Total Payable:               9.60
            Received above goods in good order condition.
            CUSTOMER'S COPY
            """)
        let routed = try #require(try await engine.classify(path: cashInvoice))
        #expect(routed.schema == "receipt")
        #expect(routed.confidence >= 0.5, "confident enough for smole-route's default threshold")
        let receipt = try Fixture.engine().registry.schemas["receipt"]!
        let invoice = try Fixture.engine().registry.schemas["invoice"]!
        func score(_ text: String, _ id: String) -> Double {
            Classifier.scores(text: text, schemas: [receipt, invoice]).first { $0.0 == id }!.1
        }
        #expect(score("CUSTOMER'S COPY", "invoice") == 0, "the receipt's longer keyword claims \"customer\"")
        #expect(score("cash invoice", "invoice") == 0 && score("cash invoice", "receipt") > 0)
        #expect(
            score("TAX INVOICE", "invoice") < score("INVOICE", "invoice") + 1,
            "the GST heading weighs little more than \"invoice\"")
        #expect(score("Invoice Number", "invoice") > score("Invoice", "invoice"), "within a schema keywords add up")
        let stamped = try dir.write(
            "stamped.txt",
            """
            Acme Tooling GmbH                               Invoice No: AT-5521
            Printed 14/05/2026 10:42                        Invoice Date: 14/05/2026
            Bill To: Northwind Ltd                          Due Date: 13/06/2026
            Description                 Qty    Unit Price    Amount
            Calibration                   2       150.00    300.00
            Total                                           300.00
            Cash discount 2% if paid within 10 days. Thank you.
            """)
        #expect(try await engine.classify(path: stamped)?.schema == "invoice")
    }
}
