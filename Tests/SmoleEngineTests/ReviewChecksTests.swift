import Foundation
import SmoleBackend
import SmoleClient
import SmoleRecords
import SmoleTools
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// The review checks (`Checks/Review.swift`) over data, as they run for either backend: each reason code from data
/// that earns it, and none from data that is right.
@Suite struct ReviewChecksTests {
    static let engine = try! Fixture.engine()

    static func review(
        _ schema: String, _ json: String, evidence: String? = nil, pages: PagesRead? = nil,
        signals: DocumentSignals? = nil, min: Double = ReviewChecks.defaultMinConfidence
    ) throws -> Review {
        ReviewChecks(engine: engine, minConfidence: min)
            .review(
                schema: schema, data: try JSON.parse(json), evidence: try evidence.map { try JSON.parse($0) },
                pages: pages, signals: signals)
    }

    static let cleanInvoice = """
        {"vendor_name":"Acme Tools Ltd","customer_name":"Globex","invoice_number":"INV-7781","date":"2026-03-18",
         "due_date":"2026-04-17","currency":"GBP","subtotal":945.00,"tax":189.00,"total":1134.00,
         "line_items":[{"description":"Widget","quantity":2,"unit_price":150.00,"amount":300.00},
                       {"description":"Consulting","quantity":3,"unit_price":200.00,"amount":600.00},
                       {"description":"Cable 5 m","quantity":10,"unit_price":4.50,"amount":45.00}]}
        """

    @Test func aCleanInvoiceNeedsNoReview() throws {
        let r = try Self.review("invoice", Self.cleanInvoice)
        #expect(!r.needed, "\(r.reasons)")
        #expect(r.json == ["needed": false, "reasons": []])
    }

    @Test func itemsThatDoNotAddUpToTheSubtotal() throws {
        let data = Self.cleanInvoice.replacingOccurrences(of: #""amount":600.00"#, with: #""amount":1083.00"#)
        let r = try Self.review("invoice", data)
        #expect(r.reasons.map(\.code) == [.arithmetic, .arithmetic], "\(r.reasons)")
        #expect(r.reasons.map(\.field) == ["line_items[1].amount", "line_items"])
        #expect(r.reasons[1].message.contains("1428.00"), "\(r.reasons[1].message)")
    }

    @Test func subtotalPlusTaxIsNotTheTotal() throws {
        let r = try Self.review(
            "invoice", Self.cleanInvoice.replacingOccurrences(of: #""total":1134.00"#, with: #""total":1143.00"#))
        #expect(r.reasons.map(\.code) == [.arithmetic])
        #expect(r.reasons.first?.field == "total")
    }

    /// A totals block with a discount, a shipping charge or a cash rounding between subtotal + tax and the total: the
    /// total these explain is not an arithmetic fault ("Discount $100.00-", "Rabatt 50,00" printed without its sign,
    /// "Versandkosten"); a total they do not explain still is. "Delivery date" is not a charge.
    @Test func discountsChargesAndRoundingInTheTotalsBlockExplainTheTotal() throws {
        func reviewed(_ totals: String) throws -> (review: Review, adjustment: Double?) {
            let text = """
                Harbor Freight Logistics Inc.
                Invoice Number: HF-99812
                Date: March 3, 2024

                Description                 Qty     Rate       Amount
                Container handling            2    450.00     900.00
                Storage (days)               10     12.50     125.00

                \(totals)
                """
            let out = Self.engine.extract(
                text: DocumentText(pages: [text], kind: .text), schema: try Self.engine.resolve("invoice"))
            let review = ReviewChecks(engine: Self.engine).review(
                schema: "invoice", data: out.data, evidence: out.evidence, pages: nil, signals: out.signals)
            return (review, out.signals.totalsAdjustment)
        }
        let usd = """
            Subtotal                                   1,025.00
            Discount                                    100.00-
            Shipping & Handling                          25.00
            Sales Tax 8.25%                              76.31
            Total Due                                 1,026.31
            """
        var (r, adjustment) = try reviewed(usd)
        #expect(!r.reasons.contains { $0.code == .arithmetic }, "\(r.reasons)")
        #expect(adjustment.map { abs($0 - -75) < 0.001 } == true, "\(String(describing: adjustment))")
        let de = """
            Zwischensumme                               1.025,00
            Rabatt                                         50,00
            Versandkosten                                  12,00
            Rundung                                         0,01
            MwSt. 19 %                                    194,75
            Gesamtbetrag                                1.181,76
            """
        (r, adjustment) = try reviewed(de)
        #expect(!r.reasons.contains { $0.code == .arithmetic }, "\(r.reasons)")
        #expect(adjustment.map { abs($0 - -37.99) < 0.001 } == true, "\(String(describing: adjustment))")
        (r, _) = try reviewed(usd.replacingOccurrences(of: "1,026.31", with: "1,036.31"))
        #expect(r.reasons.contains { $0.code == .arithmetic && $0.field == "total" }, "\(r.reasons)")
        // a note after the phrase: a code in parentheses or in capitals, a carrier; an amount pushed onto the next line
        (r, adjustment) = try reviewed(
            """
            Subtotal                                   1,025.00
            Discount (SPRING15)                          100.00-
            Coupon WELCOME10                              10.00
            Shipping (USPS Ground Advantage)
                                                          35.00
            Sales Tax 8.25%                              76.31
            Total Due                                 1,026.31
            """)
        #expect(!r.reasons.contains { $0.code == .arithmetic }, "\(r.reasons)")
        #expect(adjustment.map { abs($0 - -75) < 0.001 } == true, "\(String(describing: adjustment))")
        // more words after the phrase are another line ("Discount on your next order")
        #expect(ReviewChecksTests.noteAfterPhrase(" on your next order 10.00") == false)
        (r, adjustment) = try reviewed(
            """
            Subtotal                                   1,025.00
            Delivery date                            03.04.2024
            Sales Tax 8.25%                              84.56
            Total Due                                 1,109.56
            """)
        #expect(adjustment == nil)
        #expect(!r.reasons.contains { $0.code == .arithmetic }, "\(r.reasons)")
    }

    static func noteAfterPhrase(_ rest: String) -> Bool { Extractor.onlyANote(rest) }

    /// A line whose printed amount is not quantity × unit price ("4 × 30.00" beside "100.00"): from a text layer the
    /// amount stands as printed and the review says the product and the sum are off; from an OCR reading the engine
    /// uses the product (the amount may be a misreading) and the review names the amount as read. Either way the record
    /// is flagged, and no number the page does not print passes unremarked.
    @Test func aLineAmountThatIsNotQuantityTimesPriceIsKeptOrNamed() throws {
        let text = """
            Acme Widgets Ltd
            Invoice No: INV-2024-0117
            Invoice Date: 15 March 2024

            Description                 Qty    Unit Price     Amount
            Blue widget                   10        12.50     125.00
            Red gadget                     4        30.00     100.00
            Installation service           1        55.00      55.00

            Subtotal                                          300.00
            VAT 20%                                            60.00
            Total (GBP)                                       360.00
            """
        func reviewed(ocr: Bool) throws -> (amounts: [Double], review: Review) {
            let out = Self.engine.extract(
                text: DocumentText(pages: [text], kind: ocr ? .image : .text, ocr: ocr),
                schema: try Self.engine.resolve("invoice"))
            let review = ReviewChecks(engine: Self.engine).review(
                schema: "invoice", data: out.data, evidence: out.evidence, pages: nil, signals: out.signals)
            let amounts = (out.data["line_items"]?.arrayValue ?? []).compactMap { $0["amount"]?.doubleValue }
            return (amounts, review)
        }
        let (printed, flagged) = try reviewed(ocr: false)
        #expect(printed == [125, 100, 55])
        #expect(flagged.reasons.contains { $0.code == .arithmetic && $0.field == "line_items[1].amount" })
        #expect(flagged.reasons.contains { $0.code == .arithmetic && $0.field == "line_items" })
        let (recomputed, named) = try reviewed(ocr: true)
        #expect(recomputed == [125, 120, 55])
        #expect(
            named.reasons.contains {
                $0.code == .arithmetic && $0.field == "line_items[1].amount" && $0.message.contains("100.00")
            }, "\(named.reasons)")
    }

    @Test func theToleranceIsTheCurrencysMinorUnit() throws {
        // JPY has no minor unit: a yen apart is rounding; 0.02 apart in EUR is not; KWD has three decimals.
        let jpy =
            #"{"vendor_name":"A","invoice_number":"1","date":"2026-01-01","currency":"JPY","subtotal":1000,"tax":100,"total":1101}"#
        #expect(try !Self.review("invoice", jpy).reasons.contains { $0.code == .arithmetic })
        let eur = jpy.replacingOccurrences(of: "JPY", with: "EUR").replacingOccurrences(of: "1101", with: "1100.02")
        #expect(try Self.review("invoice", eur).reasons.map(\.code) == [.arithmetic])
        let kwd =
            #"{"vendor_name":"A","invoice_number":"1","date":"2026-01-01","currency":"KWD","subtotal":12.500,"tax":0.625,"total":13.126}"#
        #expect(try !Self.review("invoice", kwd).reasons.contains { $0.code == .arithmetic })
        let kwdOff = kwd.replacingOccurrences(of: "13.126", with: "13.135")
        #expect(try Self.review("invoice", kwdOff).reasons.map(\.code) == [.arithmetic])
    }

    @Test func aUnitPriceKeepsTheDecimalsItWasPrintedWith() throws {
        // 1000 × 0.1235 = 123.50: exact; 1000 × 0.12 = 120.00 is not 123.50
        let ok =
            #"{"vendor_name":"A","invoice_number":"1","date":"2026-01-01","total":123.5,"line_items":[{"description":"Screws","quantity":1000,"unit_price":0.1235,"amount":123.50}]}"#
        #expect(try !Self.review("invoice", ok).needed)
        // printed as 0.12, the price may be 0.1249...: 120 to 125 is rounding, 110 is not
        #expect(try !Self.review("invoice", ok.replacingOccurrences(of: "0.1235", with: "0.12")).needed)
        let bad = ok.replacingOccurrences(of: "0.1235", with: "0.11")
        #expect(try Self.review("invoice", bad).reasons.map(\.field) == ["line_items[0].amount"])
    }

    @Test func requiredFieldsThatAreNull() throws {
        let data = Self.cleanInvoice.replacingOccurrences(
            of: #""invoice_number":"INV-7781""#, with: #""invoice_number":null"#
        )
        .replacingOccurrences(of: #""vendor_name":"Acme Tools Ltd""#, with: #""vendor_name":"  ""#)
        let r = try Self.review("invoice", data)
        #expect(r.reasons.map(\.code) == [.requiredMissing, .requiredMissing])
        #expect(r.reasons.map(\.field) == ["vendor_name", "invoice_number"])
    }

    @Test func aDueDateBeforeTheIssueDateAndADayThatDoesNotExist() throws {
        let before = Self.cleanInvoice.replacingOccurrences(of: "2026-04-17", with: "2026-02-17")
        let r = try Self.review("invoice", before)
        #expect(r.reasons.map(\.code) == [.invalidValue] && r.reasons.first?.field == "due_date", "\(r.reasons)")
        let feb30 = Self.cleanInvoice.replacingOccurrences(of: "2026-03-18", with: "2026-02-30")
        let r2 = try Self.review("invoice", feb30)
        #expect(
            r2.reasons.contains { $0.code == .invalidValue && $0.field == "date" && $0.message.contains("2026-02-30") },
            "\(r2.reasons)")
    }

    @Test func aUserSchemasEnumMinimumAndMaximum() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "delivery.json",
            """
            {"type":"object","required":["note_number"],"properties":{
              "note_number":{"type":"string"},
              "carrier":{"type":"string","enum":["DHL","UPS"]},
              "parcels":{"type":"integer","minimum":1,"maximum":50},
              "weight":{"type":"number","exclusiveMinimum":0}}}
            """)
        let r = try Self.review(path, #"{"note_number":"DN-1","carrier":"FedEx","parcels":51,"weight":0}"#)
        #expect(r.reasons.map(\.code) == [.invalidValue, .invalidValue, .invalidValue], "\(r.reasons)")
        #expect(r.reasons.map(\.field) == ["carrier", "parcels", "weight"])
        let fine = try Self.review(path, #"{"note_number":"DN-1","carrier":"UPS","parcels":3,"weight":2.5}"#)
        #expect(!fine.needed, "\(fine.reasons)")
        let missing = try Self.review(path, #"{"note_number":null,"carrier":"UPS","parcels":3,"weight":2.5}"#)
        #expect(missing.reasons.map(\.code) == [.requiredMissing])
    }

    @Test func aRequiredNameThatIsNoPropertyIsAnInvalidSchema() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(
            "typo.json", #"{"type":"object","required":["totl"],"properties":{"total":{"type":"number"}}}"#)
        #expect(throws: RecordError.self) { try Self.engine.validateSchema(path) }
        #expect(
            SchemaRegistry.builtinIDs.allSatisfy { id in
                ((try? Self.engine.resolve(id))?.document["required"]?.arrayValue?.count ?? 0) >= 1
            }, "every built-in schema declares its required fields")
    }

    @Test func pagesLeftUnreadAndLowConfidence() throws {
        var sig = DocumentSignals()
        sig.fieldConfidence = ["vendor_name": 0.3, "total": 0.95]
        let r = try Self.review("invoice", Self.cleanInvoice, pages: PagesRead(read: 2, total: 60), signals: sig)
        #expect(r.reasons.map(\.code) == [.pagesTruncated, .lowConfidence], "\(r.reasons)")
        #expect(r.reasons.last?.field == "vendor_name")
        // The API's evidence counts the same way; --min-confidence 0 turns the check off.
        let ev = #"{"total":{"confidence":0.3}}"#
        #expect(try Self.review("invoice", Self.cleanInvoice, evidence: ev).reasons.map(\.field) == ["total"])
        #expect(try !Self.review("invoice", Self.cleanInvoice, evidence: ev, min: 0).needed)
    }

    @Test func contentThatIsNotTheSchema() throws {
        var sig = DocumentSignals()
        sig.noSchemaKeyword = true
        #expect(try Self.review("invoice", Self.cleanInvoice, signals: sig).reasons.map(\.code) == [.schemaMismatch])
        sig = DocumentSignals()
        sig.classifiedAs = ("contract", 0.9)
        #expect(try Self.review("invoice", Self.cleanInvoice, signals: sig).reasons.map(\.code) == [.schemaMismatch])
        sig.classifiedAs = ("contract", 0.5)
        #expect(try !Self.review("invoice", Self.cleanInvoice, signals: sig).needed)
        // One field of ten, whichever backend: a poem read as an invoice.
        let poem =
            #"{"vendor_name":"Shall I compare thee to a summer's day?","customer_name":null,"invoice_number":null,"date":null,"due_date":null,"currency":null,"subtotal":null,"tax":null,"total":null,"line_items":[]}"#
        let r = try Self.review("invoice", poem)
        #expect(r.reasons.first?.code == .schemaMismatch, "\(r.reasons)")
        #expect(Set(r.reasons.dropFirst().map(\.code)) == [.requiredMissing])
    }

    @Test func poorOCRText() throws {
        var sig = DocumentSignals()
        sig.ocrWordQuality = ReviewChecks.ocrWordQuality([
            "Ao! ONADDAADDM rnVvx 7k1Lq0 ;:WxY|z Tt4qQ9 hjKLmn ¢§ a8B7c6 QwRtY"
        ])
        #expect((sig.ocrWordQuality ?? 1) < ReviewChecks.ocrQualityFloor, "\(String(describing: sig.ocrWordQuality))")
        #expect(try Self.review("invoice", Self.cleanInvoice, signals: sig).reasons.map(\.code) == [.ocrQuality])
        let clean = ReviewChecks.ocrWordQuality([
            "HARBOUR DELI LTD", "Receipt 2231  14.03.2025 12:41", "Sourdough loaf 4.20", "TOTAL EUR 19.30",
            "INV-2025-8314 Thank you!",
        ])
        #expect((clean ?? 0) > 0.9, "\(String(describing: clean))")
        #expect(ReviewChecks.ocrWordQuality(["", "  "]) == nil)
    }

    /// A receipt read by OCR whose merchant has a word of letters and digits ("MART5", "99SFEED": letters misread as
    /// digits), or a word the page spells with one other letter, is flagged on that field; the same receipt with the
    /// name read right is not. Through the engine's own
    /// signals, as smole-extract reviews a local extraction.
    @Test func anOCRNameWithLettersAndDigitsInOneWordIsLookedAt() throws {
        func receipt(_ merchant: String, _ second: String) -> String {
            """
            \(merchant)
            NO 12, JALAN MERDEKA, 47000 SUNGAI BULOH
            GST ID No: 531760640
            TAX INVOICE
            \(second)
            Date: 12/02/2018  10:41      Cashier: 01
            Item                      Qty    Amount
            Sugar 1kg                   1      3.20
            Bread                       2      5.00
            Total                              8.20
            Cash                              10.00
            Change                             1.80
            Thank you, please come again
            """
        }
        func reviewed(_ merchant: String, _ second: String = "Tel: 03-6156 7788") throws -> (String?, Review) {
            let out = Self.engine.extract(
                text: DocumentText(pages: [receipt(merchant, second)], kind: .image, ocr: true),
                schema: try Self.engine.resolve("receipt"))
            let review = ReviewChecks(engine: Self.engine).review(
                schema: "receipt", data: out.data, evidence: out.evidence, pages: nil, signals: out.signals)
            return (out.data["merchant_name"]?.stringValue, review)
        }
        let (misread, flagged) = try reviewed("99SFEED MART5/9 SDN BHD")
        #expect(misread == "99SFEED MART5/9 SDN BHD")
        #expect(
            flagged.reasons.contains { $0.code == .lowConfidence && $0.field == "merchant_name" }, "\(flagged.reasons)")
        let (right, clean) = try reviewed("99 SPEED MART SDN BHD")
        #expect(right == "99 SPEED MART SDN BHD")
        #expect(!clean.reasons.contains { $0.field == "merchant_name" }, "\(clean.reasons)")
        #expect(ReviewChecks.hasMixedWord("N9R7 S/B") && !ReviewChecks.hasMixedWord("7-ELEVEN MALAYSIA"))
        // The name's word spelt with one other letter further down the head: one of the two readings is wrong.
        let (twoWays, looked) = try reviewed("SANYO STATIONERY SHOP", "SANYU SUPPLY SDN BHD (1135772-K)")
        #expect(twoWays == "SANYO STATIONERY SHOP")
        #expect(
            looked.reasons.contains { $0.code == .lowConfidence && $0.field == "merchant_name" }, "\(looked.reasons)")
        let (same, fine) = try reviewed("SANYU STATIONERY SHOP", "SANYU SUPPLY SDN BHD (1135772-K)")
        #expect(same == "SANYU STATIONERY SHOP")
        #expect(!fine.reasons.contains { $0.field == "merchant_name" }, "\(fine.reasons)")
    }

    /// An agreement whose signature part dates the signing, none of its dates the effective date the engine chose (a
    /// letter dated one day and accepted another), has that date looked at; signed on the day it names, it does not.
    @Test func anEffectiveDateTheSignaturesDoNotRepeatIsLookedAt() throws {
        func agreement(signed: String) -> String {
            var lines = [
                "MUTUAL NONDISCLOSURE AGREEMENT", "",
                "This Agreement is made this 6th day of February, 2021 by and between Harbor Analytics, Inc., a Delaware",
                "corporation (\"Harbor\"), and Quill Metals LLC, a Nevada limited liability company (\"Quill\").", "",
            ]
            for k in 1...12 {
                lines.append(
                    "\(k). Each party shall hold the other's Confidential Information in confidence and use it only to "
                        + "evaluate the proposed transaction between the parties.")
            }
            lines += [
                "This Agreement is governed by the laws of the State of Delaware.", "",
                "IN WITNESS WHEREOF, the parties have executed this Agreement.", "",
                "HARBOR ANALYTICS, INC.                QUILL METALS LLC",
                "By: /s/ Dana Whitfield                By: /s/ Omar Castell",
                "Date: \(signed)                       Date: \(signed)",
            ]
            return lines.joined(separator: "\n")
        }
        func reviewed(signed: String) throws -> (String?, Review) {
            let out = Self.engine.extract(
                text: DocumentText(pages: [agreement(signed: signed)], kind: .text),
                schema: try Self.engine.resolve("contract"))
            let review = ReviewChecks(engine: Self.engine).review(
                schema: "contract", data: out.data, evidence: out.evidence, pages: nil, signals: out.signals)
            return (out.data["effective_date"]?.stringValue, review)
        }
        let (date, looked) = try reviewed(signed: "February 9, 2021")
        #expect(date == "2021-02-06")
        #expect(
            looked.reasons.contains { $0.code == .lowConfidence && $0.field == "effective_date" }, "\(looked.reasons)")
        let (same, fine) = try reviewed(signed: "2/6/2021")
        #expect(same == "2021-02-06")
        #expect(!fine.reasons.contains { $0.field == "effective_date" }, "\(fine.reasons)")
    }

    @Test func anAPISchemaTheEngineDoesNotKnowIsCheckedByWhatItsDataShows() throws {
        let data =
            #"{"seller":"Acme","subtotal":100.00,"tax":20.00,"total":130.00,"due_date":"2026-01-01","date":"2026-02-01","note":null}"#
        let r = try Self.review("acme-invoices-v2", data)
        #expect(Set(r.reasons.map(\.code)) == [.arithmetic, .invalidValue], "\(r.reasons)")
    }

    @Test func nothingAtAllIsAnEmptyExtraction() throws {
        #expect(Review.isEmptyExtraction(try JSON.parse(#"{"a":null,"b":"","c":[],"d":{"e":null},"f":[{"g":null}]}"#)))
        #expect(!Review.isEmptyExtraction(try JSON.parse(#"{"a":null,"b":0}"#)))
        #expect(!Review.isEmptyExtraction(try JSON.parse(#"{"a":false}"#)))
    }
}
