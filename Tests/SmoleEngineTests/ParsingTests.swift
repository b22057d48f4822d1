import Testing

@testable import SmoleEngine

@Suite struct AmountParsing {
    func amount(_ s: String, hint: Character? = nil) -> Double? { Parse.amount(in: s, decimalHint: hint)?.value }

    @Test func decimalPointWithThousandsCommas() {
        #expect(amount("1,362.50") == 1362.50)
        #expect(amount("$24,855.95") == 24855.95)
        #expect(amount("USD 1,234,567.89") == 1234567.89)
        #expect(amount("66.07") == 66.07)
    }

    @Test func decimalCommaWithThousandsDotsOrSpaces() {
        #expect(amount("5.044,40 €") == 5044.40)
        #expect(amount("EUR 1 912,20") == 1912.20)
        #expect(amount("24.788,17") == 24788.17)
        #expect(amount("16 691,43 €") == 16691.43)
        #expect(amount("0,75 €") == 0.75)
    }

    @Test func currencyIsReadFromSymbolOrCode() {
        let a = Parse.numbers(in: Array("£9,590.43"))
        #expect(a.first?.currency == "GBP")
        let b = Parse.numbers(in: Array("EUR 573,81"))
        #expect(b.first?.currency == "EUR")
        let c = Parse.numbers(in: Array("12,00 CHF"))
        #expect(c.first?.currency == "CHF")
        #expect(c.first?.value == 12)
    }

    @Test func percentagesAndWordDigitsAreNotAmounts() {
        // "VAT (19%) 1,822.18": the amount is the last number that is not a percentage
        #expect(amount("VAT (19%)      £1,822.18") == 1822.18)
        // digits glued to letters belong to words
        #expect(Parse.numbers(in: Array("Steel brackets M8 Cat6 4PK")).isEmpty)
        #expect(Parse.numbers(in: Array("Screws 4x40")).isEmpty)
    }

    @Test func ambiguousThreeDigitGroupFollowsTheDocumentHint() {
        #expect(amount("1.500") == 1500)  // a thousands dot without other cues
        #expect(amount("1,500") == 1500)
        #expect(amount("-12.50") == -12.50)
    }
}

@Suite struct DateParsing {
    func d(_ s: String, dayFirst: Bool = true) -> String? { Parse.date(s, dayFirst: dayFirst) }

    @Test func isoAndNumericForms() {
        #expect(d("2026-02-12") == "2026-02-12")
        #expect(d("09.06.2026") == "2026-06-09")  // dots are day-first
        #expect(d("20/06/2026") == "2026-06-20")  // day > 12 settles it
        #expect(d("09/18/2025") == "2025-09-18")
        #expect(d("04/08/2026", dayFirst: true) == "2026-08-04")
        #expect(d("04/08/2026", dayFirst: false) == "2026-04-08")
    }

    @Test func writtenFormsInFourLanguages() {
        #expect(d("4 July 2026") == "2026-07-04")
        #expect(d("July 4, 2026") == "2026-07-04")
        #expect(d("August 3 , 2014") == "2014-08-03")
        #expect(d("31-Oct-2026") == "2026-10-31")
        #expect(d("4th of July 2026") == "2026-07-04")
        #expect(d("7. Mai 2014") == "2014-05-07")
        #expect(d("1er janvier 2025") == "2025-01-01")
        #expect(d("19 april 2014") == "2014-04-19")
        #expect(d("15. März 2026") == "2026-03-15")
        #expect(d("02 Juillet 2015") == "2015-07-02")
    }

    @Test func dayFirstCueComesFromTheDocument() {
        // another date on the page with a first part > 12 → day-first
        #expect(
            Parse.dayFirstCue(lines: ["Date: 04/08/2026", "Due: 18/08/2026"], currency: "USD", english: true) == true)
        // a second part > 12 → month-first
        #expect(
            Parse.dayFirstCue(lines: ["Date: 04/08/2026", "Due: 04/18/2026"], currency: "EUR", english: false) == false)
        // no numeric cue: dollars in English read month-first, others day-first
        #expect(Parse.dayFirstCue(lines: ["Date: 04/08/2026"], currency: "USD", english: true) == false)
        #expect(Parse.dayFirstCue(lines: ["Date: 04/08/2026"], currency: "EUR", english: true) == true)
    }

    @Test func invalidDatesAreNotDates() {
        #expect(d("31/02/2026") == nil)
        #expect(d("IBAN DE25 6428 1028") == nil)
        #expect(d("Tel. +1 555 903 3231") == nil)
    }

    @Test func times() {
        #expect(Parse.time(in: "09.06.2026      13:10")?.0 == "13:10")
        #expect(Parse.time(in: "1:05 PM")?.0 == "13:05")
        #expect(Parse.time(in: "21:33:08")?.0 == "21:33")
        #expect(Parse.time(in: "no time here 2026") == nil)
    }

    @Test func ocrRepairsSplitMonths() {
        #expect(OCRText.normalize("INVOICE DATE: 24] uly 2025").contains("24 July 2025"))
        #expect(OCRText.normalize("Payment Due: 18 J uly 2026").contains("18 July 2026"))
        #expect(OCRText.normalize("S ubtotal   200.00") == "Subtotal   200.00")
        #expect(OCRText.normalize("A pple and I went") == "A pple and I went")
    }
}

@Suite struct TermParsing {
    @Test func wordsDigitsAndYears() {
        #expect(Parse.termMonths(in: "for a period of twelve (12) months")?.0 == 12)
        #expect(Parse.termMonths(in: "continues for twenty-four (24) months unless")?.0 == 24)
        #expect(Parse.termMonths(in: "an initial term of 3 years")?.0 == 36)
        #expect(Parse.termMonths(in: "a term of two (2) years")?.0 == 24)
        #expect(Parse.termMonths(in: "eighteen months")?.0 == 18)
        #expect(Parse.termMonths(in: "eine Laufzeit von 2 Jahren")?.0 == 24)
        #expect(Parse.termMonths(in: "within 30 days") == nil)
    }
}

@Suite struct ContractDates {
    @Test func dayOfMonthForm() {
        #expect(Parse.date("entered into this 15th day of March, 2011", dayFirst: true) == "2011-03-15")
    }
}
