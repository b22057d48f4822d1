import Foundation
import SmoleRecords

/// Receipt rules: the merchant at the head of a till slip and the amount it was paid with.
///
/// Input: the layout of a document extracted with a receipt schema (one with a `merchant_name` field), usually OCR text
/// of a scanned or photographed till slip. Output: a `Found` merchant name or total, or nil to let the general
/// resolvers decide.
///
/// Order of evidence, merchant: a labelled merchant ("Store: ...") first (the general resolver); then the head of the
/// slip, above its title ("TAX INVOICE", "RECEIPT") and its first date: the first line with a legal form
/// ("SDN BHD", "BHD", "S/B", "LTD", "GMBH", ...) is the registered business (the trade name above it is a brand);
/// else the first line that reads as a name — not an address, a registration or phone line, a greeting or OCR specks.
///
/// Order of evidence, total: the labelled totals of the slip ("TOTAL", "NETT TOTAL", "TOTAL INCL. GST",
/// "ROUNDED TOTAL", "AMOUNT DUE", OCR-mangled "T0TAL"/"TOTA1"), never a qualified one ("TOTAL QTY", "TOTAL EXCL GST",
/// "TOTAL GST", "SUB-TOTAL", "TOTAL SAVINGS") nor one under a tax summary ("GST SUMMARY"); the rounded total outranks
/// the total before rounding (Malaysia and others round cash totals to 5 sen); cash tendered minus change confirms a
/// candidate, and stands in for the total when no total line could be read; so does the sum of the sub-total, tax and
/// rounding when that sum is printed below them.
extension Extractor {
    /// Whether the schema is a receipt's (its merchant field is the slip's business).
    var isReceiptSchema: Bool { schema.id == "receipt" || schema.field("merchant_name") != nil }

    // MARK: merchant

    /// Words of a registered business's legal form. The short ones (`shortLegalForms`) count only as a name's last word.
    static let legalForms: Set<String> = Lexicon.wordSet("legal_forms")
    static let shortLegalForms: Set<String> = Lexicon.wordSet("short_legal_forms")

    /// A slip's title or document word: the line holding one is a heading, not the merchant.
    static let receiptHeadingWords: Set<String> = Lexicon.wordSet("receipt_headings")
    /// Registration, tax and contact words: "GST ID", "Co. Reg", "BRN", "Tel".
    static let registrationWords: Set<String> = Lexicon.wordSet("registration_words")
    /// Street and building words of an address line.
    static let addressWords: Set<String> = Lexicon.wordSet("address_words")
    /// Greetings and slogans at the head or foot of a slip.
    static let greetingWords: Set<String> = Lexicon.wordSet("greetings")

    /// A line's words, lowercased, with the marks around them dropped ("(KUCHAI)" → "kuchai", "CO." → "co").
    static func receiptWords(_ s: String) -> [String] {
        s.lowercased().split(whereSeparator: { $0 == " " || $0 == "," || $0 == ":" || $0 == ";" }).map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: "().[]{}'\"“”‘’|*#-"))
        }.filter { !$0.isEmpty }
    }

    /// Whether `name` ends in (or holds) a legal form: "IKANO HANDEL SDN BHD", "AEON CO. (M) BHD", "Acme GmbH".
    static func hasLegalForm(_ name: String) -> Bool {
        // OCR drops the space after a period: "Sdn.Bhd" is "Sdn. Bhd"
        let words = receiptWords(name).flatMap { $0.split(separator: ".").map(String.init) }
        guard let last = words.last else { return false }
        if legalForms.contains(last) { return true }
        return words.contains { legalForms.contains($0) && !shortLegalForms.contains($0) && $0 != "company" }
    }

    nonisolated(unsafe) static let mangledSdnBhd = try! NSRegularExpression(
        pattern: #"\b[S5][DO0L1I][N:;.,]?\.?\s*[BE8]H[DO0]\b\.?"#)
    nonisolated(unsafe) static let mangledSB = try! NSRegularExpression(pattern: #"(?<![A-Za-z0-9])[S5]/[B80]$"#)

    /// OCR slips in a Malaysian legal form, read back: "SON BHD", "SDN EHD", "SDN BHO", "SL: BHD" → "SDN BHD";
    /// "5/8", "5/0" → "S/B".
    static func repairLegalForm(_ name: String) -> String {
        let ns = NSMutableString(string: name)
        for m in mangledSdnBhd.matches(in: name, range: NSRange(location: 0, length: ns.length)).reversed() {
            let found = ns.substring(with: m.range)
            if found.filter({ $0.isLetter }) != "SDNBHD" { ns.replaceCharacters(in: m.range, with: "SDN BHD") }
        }
        let s = String(ns)
        let r = NSRange(location: 0, length: (s as NSString).length)
        if let m = mangledSB.firstMatch(in: s, range: r), (s as NSString).substring(with: m.range) != "S/B" {
            return (s as NSString).replacingCharacters(in: m.range, with: "S/B")
        }
        return s
    }

    /// A cell of the slip's head as a name: marks and specks around it dropped, a registration number in parentheses
    /// after it ("AEON CO. (M) BHD (126926-H)") dropped. Nil when the cell is a label ("Cashier:") or has no letters.
    static func receiptNameText(_ raw: String) -> String? {
        var t = raw.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix(":") { return nil }
        while let f = t.first, !(f.isLetter || f.isNumber || f == "(") { t.removeFirst() }
        while let l = t.last, !(l.isLetter || l.isNumber || l == ")" || l == ".") { t.removeLast() }
        // a trailing registration number in parentheses (its closing one lost to OCR or not: "(682288-V"), or a
        // speck left after the name
        if let open = t.lastIndex(of: "("), open > t.startIndex, t.hasSuffix(")") || !t[open...].contains(")"),
            t[open...].filter(\.isNumber).count >= 4
        {
            t = String(t[..<open])
        }
        // OCR drops the spaces around parentheses: "BAKERIES(KL)SDN BHD" is "BAKERIES (KL) SDN BHD"
        t = t.replacingOccurrences(of: #"(?<=[\p{L}.])\("#, with: " (", options: .regularExpression)
            .replacingOccurrences(of: #"\)(?=\p{L})"#, with: ") ", options: .regularExpression)
        t = t.split(separator: " ").joined(separator: " ")
        while let l = t.last, !(l.isLetter || l.isNumber || l == ")" || l == ".") { t.removeLast() }
        return t.contains(where: \.isLetter) ? t : nil
    }

    /// Whether a cleaned head cell reads as a business name, not a heading, address, registration, greeting or OCR noise.
    static func readsAsReceiptName(_ t: String) -> Bool {
        let letters = t.filter(\.isLetter).count
        guard letters >= 3 else { return false }
        let nonSpace = t.filter { !$0.isWhitespace }.count
        guard letters * 10 >= nonSpace * 6 else { return false }  // mostly letters
        if t.hasPrefix("("), !hasLegalForm(t) { return false }  // a note in parentheses, unless a wrapped name's end
        let words = receiptWords(t)
        if words.contains(where: {
            receiptHeadingWords.contains($0) || registrationWords.contains($0) || addressWords.contains($0)
                || greetingWords.contains($0)
        }) {
            return false
        }
        let lower = t.lowercased()
        if lower.contains("company no") || lower.contains("co. no") || lower.contains("co no") { return false }
        // postcodes, phone and registration numbers: four digits or more in a row
        var run = 0
        for c in t { run = c.isNumber ? run + 1 : 0; if run >= 4 { return false } }
        // the first word with letters starts with (or holds) a capital: names are capitalised, specks often are not
        let tokens = t.split(separator: " ")
        guard let firstWord = tokens.first(where: { $0.contains(where: \.isLetter) }),
            firstWord.contains(where: \.isUppercase)
        else { return false }
        // OCR specks: mostly one- and two-letter words ("SAR u HN AM"), or one short word ("DER")
        let lettered = tokens.filter { $0.contains(where: \.isLetter) }
        let short = lettered.filter {
            $0.filter(\.isLetter).count <= 2 && !legalForms.contains(receiptWords(String($0)).first ?? "")
        }.count
        if short * 2 > lettered.count { return false }
        if lettered.count == 1, letters < 4 { return false }
        // a word of lowercase letters only, up to three ("218 ote", "eT"), beside no capitalised word
        if lettered.allSatisfy({ $0.allSatisfy { !$0.isUppercase } || $0.count <= 2 }) { return false }
        return true
    }

    /// The merchant at the head of a till slip (see the type's order of evidence), or nil.
    func receiptMerchant() -> Found? {
        var names: [(text: String, line: Line)] = []
        var seen = 0
        for l in layout.lines where !l.isBlank {
            seen += 1
            if seen > 18 { break }
            let words = Self.receiptWords(l.text)
            let heading = words.contains { Self.receiptHeadingWords.contains($0) }
            let dated = !Parse.dates(in: l.text, dayFirst: dayFirst).isEmpty
            if heading || dated {
                if names.isEmpty { continue }
                break
            }
            for cell in l.cells {
                guard let t = Self.receiptNameText(cell.text), Self.readsAsReceiptName(t) else { continue }
                names.append((t, l))
                break
            }
        }
        guard !names.isEmpty else { return nil }
        if let k = names.firstIndex(where: { Self.hasLegalForm($0.text) }) {
            var name = names[k].text
            // a name wrapped before its legal form: "AIK HUAT HARDWARE ENTERPRISE" / "(SETIA ALAM) SDN BHD"
            let ownWords = Self.receiptWords(
                name.replacingOccurrences(of: #"\([^)]*\)"#, with: " ", options: .regularExpression))
            if k > 0, names[k - 1].line.index == names[k].line.index - 1,
                ownWords.allSatisfy({ Self.legalForms.contains($0) })
            {
                name = names[k - 1].text + " " + name
            }
            return Found(value: .string(Self.repairLegalForm(name)), line: names[k].line, confidence: 0.8)
        }
        // A company number ("(519537-X)") printed above the name picked: the merchant's own line is most likely that
        // one, unreadable, and the name picked is what follows it (a street, a town). Said with low confidence, so the
        // record is flagged for a look.
        let first = names[0].line.index
        if layout.lines.prefix(first).contains(where: {
            Self.companyNumber.firstMatch(in: $0.text, range: NSRange($0.text.startIndex..., in: $0.text)) != nil
        }) {
            return Found(value: .string(Self.repairLegalForm(names[0].text)), line: names[0].line, confidence: 0.5)
        }
        return Found(value: .string(Self.repairLegalForm(names[0].text)), line: names[0].line, confidence: 0.75)
    }

    /// A company registration number in parentheses, as slips print it after the name: "(519537-X)", "(126926-H)",
    /// "(682288-V", "(1234567-T)".
    nonisolated(unsafe) static let companyNumber = try! NSRegularExpression(
        pattern: #"\(\s*\d{5,8}\s*-?\s*[A-Z](?![A-Za-z])"#)

    // MARK: total

    /// A total amount on a slip, with the strength of its label (higher wins).
    struct ReceiptAmount {
        var value: Double
        var line: Line
        var rank: Int
    }

    /// Whether a word reads as "total" under OCR slips: one letter changed, added or dropped ("TOTAI", "TCTAL", "jotal",
    /// "TOTA"), or digits for letters ("T0TAL", "TOTA1").
    static func isTotalWord(_ w: String) -> Bool {
        let mapped = String(
            w.map { c -> Character in
                switch c {
                case "0": return "o";
                case "1": return "l";
                case "7": return "t";
                case "|": return "l";
                default: return c
                }
            })
        guard mapped.count >= 4, mapped.count <= 6 else { return false }
        return editDistance(Array(mapped), Array("total")) <= 1
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var prev = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return a.isEmpty ? b.count : prev[b.count]
    }

    /// Words that make a "total" label some other sum: a count, a part before tax, the tax itself, a saving.
    static let totalQualifiers: Set<String> = Lexicon.wordSet("total_qualifiers")
    /// Tax words: "TOTAL GST" is the tax, unless the label says the total includes it ("TOTAL INCL. GST").
    static let taxWords: Set<String> = Lexicon.wordSet("tax_words")
    static let inclusiveWords: Set<String> = Lexicon.wordSet("inclusive_words")
    /// Labels of the final amount: rounded, due, payable.
    static let finalWords: Set<String> = Lexicon.wordSet("final_amount_words")
    /// Headings under which totals belong to a tax summary, not to the slip.
    static let summaryWords: Set<String> = Lexicon.wordSet("summary_words")
    static let itemTableWords: Set<String> = Lexicon.wordSet("item_table_words")
    static let exclusiveWords: Set<String> = Lexicon.wordSet("exclusive_words")
    static let cashWords: Set<String> = Lexicon.wordSet("tendered_words")
    static let changeWords: Set<String> = Lexicon.wordSet("change_words")

    nonisolated(unsafe) static let gluedPrefix = try! NSRegularExpression(
        pattern: #"(?<![A-Za-z])[A-Za-z]{1,2}(?=\d{1,6}[.,]\d\d\b)"#)

    /// Whether a line's words head a tax summary: "GST SUMMARY" (or OCR's "GSTSUMMARY", "GST SUMMAR"), or a table
    /// header "Tax Code  %  Amount  Tax" that is not the item table's ("Tax Qty Code/Desc UnitPrice Total").
    static func isTaxSummaryHeading(_ words: [String]) -> Bool {
        if words.contains(where: { w in
            summaryWords.contains(w) || summaryWords.contains { w.hasSuffix($0) && w.count > $0.count }
        }) {
            return true
        }
        guard let k = words.firstIndex(of: "tax"), k + 1 < words.count, words[k + 1] == "code" else { return false }
        return words.allSatisfy { !itemTableWords.contains($0) }
    }

    /// Money amounts on a line: numbers with one or two decimals, not percentages. A currency mark OCR glued to an
    /// amount and misread ("RM12.50" as "M12.50", "RH41.95") is read past.
    func receiptAmounts(_ l: Line) -> [NumberToken] {
        func money(_ n: NumberToken) -> Bool { !n.isPercent && (n.decimals == 2 || n.decimals == 1) }
        var found = Parse.numbers(in: l, decimalHint: decimalHint).filter(money)
        // OCR reads some decimal points as commas ("9,31"), which can tip the document's decimal mark to the comma;
        // a till slip's "164.80" is still 164.80
        if found.isEmpty, decimalHint != nil { found = Parse.numbers(in: l, decimalHint: nil).filter(money) }
        guard found.isEmpty, l.ascii != nil else { return found }
        let ns = NSMutableString(string: l.text)
        let matches = Self.gluedPrefix.matches(in: l.text, range: NSRange(location: 0, length: ns.length))
        guard !matches.isEmpty else { return found }
        for m in matches.reversed() {
            ns.replaceCharacters(in: m.range, with: String(repeating: " ", count: m.range.length))
        }
        let again = Parse.numbers(in: String(ns), decimalHint: decimalHint).filter(money)
        return again.isEmpty && decimalHint != nil
            ? Parse.numbers(in: String(ns), decimalHint: nil).filter(money) : again
    }

    /// The label words of a line: the letters before its first amount.
    func receiptLabelWords(_ l: Line, before: Int?) -> [String] {
        let text = before.map { l.substring(0, $0) } ?? l.text
        return Self.receiptWords(text.replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "/", with: " "))
            .flatMap { w in
                w.split(whereSeparator: { $0 == "." || $0 == "@" || $0 == "(" || $0 == ")" }).map(String.init)
            }
    }

    /// The rank of a total label (0: not a total label). "TOTAL INCL. GST" 4, "ROUNDED TOTAL" / "GRAND TOTAL" 5,
    /// "TOTAL" 3, "NETT TOTAL" 3, "AMOUNT DUE" 4.
    static func totalRank(_ words: [String]) -> Int {
        let hasTotal =
            words.contains(where: isTotalWord) || words.contains("jumlah") || words.contains("totaal")
            || words.contains("summe")
        let due =
            (words.contains("amount") || words.contains("balance"))
            && (words.contains("due") || words.contains("payable"))
        guard hasTotal || due else { return 0 }
        let set = Set(words)
        let final = !set.isDisjoint(with: finalWords)
        if set.contains("nett") || set.contains("net") {
            // "NETT TOTAL" / "NET TOTAL" is the amount to pay on Asian slips, the weakest total label; "Total net" (before
            // VAT, in Europe) is not a total at all
            guard let n = words.firstIndex(where: { $0 == "net" || $0 == "nett" }),
                let t = words.firstIndex(where: isTotalWord), n < t
            else { return 0 }
            return set.contains("nett") ? 3 : 2
        }
        if !set.isDisjoint(with: ["rounding", "adj", "adjustment"]) && !set.contains("after")
            && !set.contains("rounded")
        {
            return 0
        }
        if !set.isDisjoint(with: totalQualifiers) { return 0 }
        if !set.isDisjoint(with: cashWords.subtracting(["payment", "paid"])) || !set.isDisjoint(with: changeWords) {
            return 0
        }
        let inclusive = !set.isDisjoint(with: inclusiveWords)
        if !set.isDisjoint(with: taxWords) && !inclusive && !final { return 0 }
        if final { return 5 }
        if due { return 4 }
        if inclusive || set.contains("amount") { return 4 }
        return 3
    }

    /// The total when its own line is unreadable but its parts are not: the sub-total before tax, the tax and any
    /// rounding ("SUB-TOTAL (EX) 26.00", "TOTAL TAX 1.56", "ROUNDING -0.01") add up to an amount printed below them.
    func totalFromParts() -> Found? {
        var sub: Double? = nil, tax: Double? = nil, rounding = 0.0
        var last = 0
        for l in layout.lines where !l.isBlank {
            let amounts = receiptAmounts(l)
            let words = receiptLabelWords(l, before: amounts.first?.start)
            if amounts.isEmpty, Self.isTaxSummaryHeading(words) { break }
            guard let v = amounts.last?.value else { continue }
            let set = Set(words)
            if sub == nil,
                set.contains("sub") || set.contains("subtotal")
                    || (set.contains(where: Self.isTotalWord)
                        && !set.isDisjoint(with: Self.exclusiveWords))
            {
                sub = v; last = l.index
            } else if sub != nil, tax == nil, !set.isDisjoint(with: Self.taxWords),
                set.isDisjoint(with: Self.inclusiveWords)
            {
                tax = v; last = l.index
            } else if sub != nil, !set.isDisjoint(with: ["rounding", "adj", "adjustment"]) {
                rounding = v; last = l.index
            }
        }
        guard let s = sub, let t = tax else { return nil }
        let want = ((s + t + rounding) * 100).rounded() / 100
        for l in layout.lines where l.index > last && !l.isBlank {
            if receiptAmounts(l).contains(where: { abs($0.value - want) < 0.005 }) {
                return Found(value: JSONValue(want), line: l, confidence: 0.6)
            }
        }
        return nil
    }

    /// Whether a line's label is a qualified total ("TOTAL QTY", "TOTAL GST", "SUB-TOTAL"): a "total" word that
    /// `totalRank` does not accept. The general label candidates of a receipt skip such lines.
    func isQualifiedTotalLine(_ l: Line) -> Bool {
        let words = receiptLabelWords(l, before: receiptAmounts(l).first?.start)
        return words.contains(where: Self.isTotalWord) && Self.totalRank(words) == 0
    }

    /// The slip's total (see the type's order of evidence), or nil.
    func receiptTotal() -> Found? {
        var found: [ReceiptAmount] = []
        var cash: Double? = nil, change: Double? = nil
        var inSummary = false
        let lines = layout.lines.filter { !$0.isBlank }
        for (k, l) in lines.enumerated() {
            let amounts = receiptAmounts(l)
            let words = receiptLabelWords(l, before: amounts.first?.start)
            if amounts.isEmpty, Self.isTaxSummaryHeading(words) { inSummary = true }
            if inSummary { continue }
            var value = amounts.last?.value
            // a label whose amount is on the next line ("TOTAL AMOUNT PAYABLE" / "RM 41.95")
            if value == nil, k + 1 < lines.count, !l.text.contains(where: \.isNumber) {
                let next = lines[k + 1]
                let na = receiptAmounts(next)
                if na.count == 1, receiptLabelWords(next, before: na[0].start).allSatisfy({ $0.count <= 3 }) {
                    value = na[0].value
                }
            }
            guard let v = value else { continue }
            let set = Set(words)
            if change == nil, !set.isDisjoint(with: Self.changeWords) { change = v; continue }
            if cash == nil, !set.isDisjoint(with: Self.cashWords), Self.totalRank(words) == 0 { cash = v; continue }
            let rank = Self.totalRank(words)
            if rank > 0, v > 0 { found.append(ReceiptAmount(value: (v * 100).rounded() / 100, line: l, rank: rank)) }
        }
        let tendered: Double? = cash.flatMap { c in
            guard let ch = change else { return nil }
            let d = ((c - ch) * 100).rounded() / 100
            return d > 0 ? d : nil
        }
        // Paid in cash with change given, the total is at most the cash tendered: a larger "total" is a misread
        // ("1 190.80" read as 1190.80, a dropped decimal mark).
        if let c = cash, change != nil { found.removeAll { $0.value > c + 0.005 } }
        if let d = tendered, let hit = found.filter({ abs($0.value - d) < 0.005 }).max(by: { $0.rank < $1.rank }) {
            return Found(value: JSONValue(hit.value), line: hit.line, confidence: 0.9)
        }
        if let top = found.max(by: { $0.rank < $1.rank || ($0.rank == $1.rank && $0.line.index < $1.line.index) }) {
            return Found(value: JSONValue(top.value), line: top.line, confidence: 0.85)
        }
        if let d = tendered { return Found(value: JSONValue(d), line: layout.lines.first!, confidence: 0.6) }
        if let parts = totalFromParts() { return parts }
        // Paid exactly, no change printed: the payment is the total.
        if let c = cash, change == nil || change == 0, c > 0 {
            return Found(value: JSONValue(c), line: layout.lines.first!, confidence: 0.55)
        }
        return nil
    }
}

// MARK: date

extension Extractor {
    /// Words of a line whose date is not the slip's: a card's or points' expiry, a validity, a due date.
    static let otherDateWords: Set<String> = Lexicon.wordSet("other_date_words")

    /// The slip's date when no labelled date reads: the first date printed on it (receipts print it without a label, at
    /// the head or the foot), skipping expiry and validity lines.
    func receiptDate() -> Found? {
        for l in layout.lines where !l.isBlank && l.text.contains(where: \.isNumber) {
            if !Set(Self.receiptWords(l.text)).isDisjoint(with: Self.otherDateWords) { continue }
            if let d = Parse.dates(in: l.text, dayFirst: dayFirst).first {
                return Found(value: .string(d.iso), line: l, confidence: 0.7)
            }
        }
        return nil
    }
}

// MARK: routing

/// A cash register's layout, for routing by content: a till slip headed "TAX INVOICE" (as GST-market slips are) is
/// still a receipt. Input: a page's text. Output: how many kinds of till line it has, and the routing bonus they give
/// the `receipt` schema.
///
/// The kinds: cash tendered, change given, a rounding line, a tax summary by tax code, the till's staff or station
/// (cashier, counter, POS, table), a card payment (a scheme, "EC-Karte", "CB sans contact", "EFTPOS"), the time of day of the sale ("18:26", "12:16:25 PM"; invoices
/// carry a date without one), items sold as "2 x 3.50" or an item count, a closing greeting ("thank you",
/// "come again"), a returns notice ("goods sold are not returnable"). One kind alone proves nothing (an invoice can
/// say "thank you"); from two on, each kind adds to the receipt's score.
enum TillLayout {
    /// A cheap test on a page's lowercased UTF-8 bytes that every match of a pattern passes, so the pattern is skipped
    /// on a page that fails it; kept in step with the pattern.
    enum Precheck: Sendable {
        /// The page holds one of these lowercase words.
        case anyWord([[UInt8]])
        /// The page has a clock's shape (`hasClockShape`).
        case clock
        /// The page has a count's shape (`hasCountShape`) or one of these words.
        case countOr([[UInt8]])

        func mayMatch(_ page: [UInt8]) -> Bool {
            switch self {
            case .anyWord(let words): return words.contains { ByteSearch.contains($0, in: page) }
            case .clock: return TillLayout.hasClockShape(page)
            case .countOr(let words):
                return TillLayout.hasCountShape(page) || words.contains { ByteSearch.contains($0, in: page) }
            }
        }
    }

    /// A precheck: the page holds one of these lowercase words.
    static func anyWord(_ words: [String]) -> Precheck { .anyWord(words.map { Array($0.utf8) }) }

    /// Each kind of till line: its pattern, and the precheck that skips it on a page no match can be in.
    static let kinds: [(name: String, pattern: NSRegularExpression, precheck: Precheck)] =
        ([
            (
                "cash",
                #"(?m)^\W*(rm\s*)?(cash|tunai|tendered|cash tendered|bar|espèces|especes|contant)\b[^\d\n]{0,80}\d"#,
                anyWord(["cash", "tunai", "tendered", "bar", "espèces", "especes", "contant"])
            ),
            (
                "change", #"(?m)^\W*(change|change due|baki|rückgeld|rendu|wisselgeld)\b[^\d\n]{0,80}\d"#,
                anyWord(["change", "baki", "rückgeld", "rendu", "wisselgeld"])
            ),
            ("rounding", #"(?m)\b(rounding|rounded|round(ing)? adj)"#, anyWord(["round"])),
            ("tax summary", #"(?m)\b(gst|sst|vat|tax)\s*summary|\btax\s*code\b"#, anyWord(["summary", "code"])),
            (
                "staff",
                #"(?m)\b(cashier|counter|pos|terminal|till|operator|served by|salesperson|staff|table|kasse|caisse|kassa)\b"#,
                anyWord([
                    "cashier", "counter", "pos", "terminal", "till", "operator", "served by", "salesperson", "staff",
                    "table", "kasse", "caisse", "kassa",
                ])
            ),
            (
                "card",
                #"(?m)\b(visa|master|mastercard|amex|edc|card no|card number|debit card|credit card|app\.? code|approval code|ec-karte|girocard|kartenzahlung|carte bancaire|cb sans contact|eftpos|interac|contactless)\b"#,
                anyWord([
                    "visa", "master", "amex", "edc", "card", "app", "approval code", "ec-karte", "girocard",
                    "kartenzahlung", "carte bancaire", "cb sans contact", "eftpos", "interac", "contactless",
                ])
            ),
            ("clock", #"(?<![\d:])([01]?\d|2[0-3]):[0-5]\d(?!\d)"#, .clock),
            (
                "items",
                #"(?m)\b\d+\s*[xX@]\s*(rm|\$)?\s*\d+[.,]\d\d\b|\b(item\(s\)|items? count|no\.? of items?|total qty|tot qty|qty\(s\))"#,
                Precheck.countOr([Array("item".utf8), Array("qty".utf8)])
            ),
            (
                "greeting", #"(?m)\b(thank you|thankyou|come again|terima kasih|vielen dank|merci|bedankt)\b"#,
                anyWord(["thank", "come again", "terima kasih", "vielen dank", "merci", "bedankt"])
            ),
            (
                "returns", #"(?m)\b(not returnable|non[- ]refundable|no refund|not refundable|exchange)\b"#,
                anyWord(["returnable", "refund", "exchange"])
            ),
        ] as [(String, String, Precheck)]).map {
            ($0.0, try! NSRegularExpression(pattern: $0.1, options: [.caseInsensitive]), $0.2)
        }

    /// The kinds of till line found in `text`.
    static func kindsFound(in text: String) -> [String] {
        let lower = Array(text.lowercased().utf8)
        let candidates = kinds.filter { $0.precheck.mayMatch(lower) }
        guard !candidates.isEmpty else { return [] }
        let r = NSRange(location: 0, length: text.utf16.count)
        return candidates.filter { $0.pattern.firstMatch(in: text, range: r) != nil }.map(\.name)
    }

    /// Whether `bytes` hold a digit, ":", a digit 0–5 and a digit: what every clock match contains.
    static func hasClockShape(_ bytes: [UInt8]) -> Bool {
        func digit(_ k: Int) -> Bool { k >= 0 && k < bytes.count && bytes[k] >= 0x30 && bytes[k] <= 0x39 }
        var i = 1
        while i + 2 < bytes.count {
            if bytes[i] == 0x3A, digit(i - 1), bytes[i + 1] >= 0x30, bytes[i + 1] <= 0x35, digit(i + 2) { return true }
            i += 1
        }
        return false
    }

    /// Whether `bytes` hold a digit, then spaces, then "x", "X" or "@": what every counted-item match ("2 x 3.50",
    /// "3@1.20") starts with.
    static func hasCountShape(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count {
            guard bytes[i] >= 0x30 && bytes[i] <= 0x39 else {
                i += 1
                continue
            }
            var j = i + 1
            // white space as the pattern's \s: ASCII white space and the no-break space
            while j < bytes.count {
                if bytes[j] == 0x20 || (bytes[j] >= 0x09 && bytes[j] <= 0x0D) {
                    j += 1
                } else if bytes[j] == 0xC2, j + 1 < bytes.count, bytes[j + 1] == 0xA0 {
                    j += 2
                } else {
                    break
                }
            }
            if j < bytes.count, bytes[j] == 0x78 || bytes[j] == 0x58 || bytes[j] == 0x40 { return true }
            i += 1
        }
        return false
    }

    /// The routing bonus for the receipt schema: 3 per kind of till line from two kinds on, else 0.
    static func bonus(text: String) -> Double {
        let n = kindsFound(in: text).count
        return n >= 2 ? 3 * Double(n) : 0
    }
}

// MARK: tax

/// A slip's tax as read by the receipt rules: the amount, the line it was read from, whether the slip says the tax is
/// already in its total ("of which VAT 20%", "dont TVA 10%", "GST 9% incl.", "davon MwSt"), and, from a tax summary
/// table, the net amount the tax was charged on and the table's lines.
struct ReceiptTax {
    var tax: Double
    var line: Line
    var included: Bool
    /// The net amount of a tax summary table (Σ of its net column), when the tax came from one.
    var net: Double?
    /// Lines of the tax summary table (its heading and rows): never the subtotal's or the tax's label lines.
    var tableLines: Set<Int>
}

extension Extractor {
    static let includedTaxWords: Set<String> = Lexicon.wordSet("included_tax_words")
    static let taxTableNetWords: Set<String> = Lexicon.wordSet("tax_table_net_words")
    static let taxTableGrossWords: Set<String> = Lexicon.wordSet("tax_table_gross_words")
    /// Words after a tax word that make its line no tax amount ("VAT No", "GST Reg", "Tax Code", "MwSt-Satz"): the
    /// tax role's `not_followed_by` words, less those saying the tax is included ("included", "incluido").
    static let taxLineStops: Set<String> = (Lexicon.stopWords[.tax] ?? []).subtracting(includedTaxWords)
        .subtracting(["included", "incluido", "inclusa", "incluído"])

    /// The slip's tax, read once (`receiptTaxReading`).
    func receiptTax() -> ReceiptTax? {
        if let cached = receiptTaxCache { return cached }
        let t = receiptTaxReading()
        receiptTaxCache = .some(t)
        return t
    }

    /// The slip's tax: a tax summary table's tax column ("Steuer % Netto Steuer Brutto", "TVA HT TVA TTC", "VAT
    /// Summary Net VAT Gross"), read row by row (net + tax = gross on each) and summed, or its sum row; else the tax
    /// lines below the items ("SST 6%  1.38", "Tax 9%  $5.65", "dont TVA 10%  3,76", "of which VAT 20%  £3.00",
    /// "VAT included in total  £9.92"): a "total tax" line when there is one, else the sum of the different tax lines
    /// (CGST and SGST; 10 % and 20 % TVA). Never a registration line ("VAT 524 0367 52", "GST Reg No"), a total that
    /// includes the tax ("Total incl. GST") or a net amount ("Sub Total (Excl GST)"). Nil when the slip prints none,
    /// or when what was read is half the total or more (no tax is that high: a misreading).
    func receiptTaxReading() -> ReceiptTax? {
        let total = receiptTotal()?.value.doubleValue
        func plausible(_ t: Double) -> Bool { t >= 0 && (total.map { t < $0 / 2 } ?? true) }
        if let table = receiptTaxTable(total: total), plausible(table.tax) { return table }
        let itemsEnd = tableLines.max() ?? -1
        var found: [(key: String, value: Double, line: Line, isTotal: Bool, included: Bool)] = []
        for l in layout.lines where !l.isBlank && l.index > itemsEnd {
            let amounts = receiptAmounts(l)
            let words = receiptLabelWords(l, before: amounts.first?.start)
            if amounts.isEmpty, Self.isTaxSummaryHeading(words) { break }
            guard let v = amounts.last?.value else { continue }
            let lettered = words.filter { $0.contains(where: \.isLetter) }
            guard lettered.count <= 6, let ti = lettered.firstIndex(where: { Self.taxWords.contains($0) }) else {
                continue
            }
            if !Set(lettered).isDisjoint(with: Self.taxLineStops) { continue }
            if Self.totalRank(words) > 0 { continue }  // "Total incl. GST", "Grand Total"
            // a net amount named before its tax: "Sub Total (Excl GST)", "Amount before tax"
            if lettered[..<ti].contains(where: { Self.totalQualifiers.contains($0) || Self.exclusiveWords.contains($0) }
            ) {
                continue
            }
            let included = !Set(lettered).isDisjoint(with: Self.includedTaxWords.union(Self.inclusiveWords))
            found.append(
                (
                    lettered.joined(separator: " ") + " " + words.filter { $0.contains("%") }.joined(), v, l,
                    lettered.contains(where: Self.isTotalWord), included
                ))
        }
        guard !found.isEmpty else { return nil }
        if let t = found.last(where: \.isTotal) {
            return plausible(t.value)
                ? ReceiptTax(tax: t.value, line: t.line, included: t.included, net: nil, tableLines: []) : nil
        }
        var seen = Set<String>()
        let distinct = found.filter { seen.insert($0.key + "|" + String($0.value)).inserted }
        let sum = (distinct.map(\.value).reduce(0, +) * 100).rounded() / 100
        guard plausible(sum) else { return nil }
        return ReceiptTax(
            tax: sum, line: distinct[0].line, included: distinct.allSatisfy(\.included), net: nil, tableLines: [])
    }

    /// Whether a line of a slip belongs to its totals block by its label, though no field label leads it: a total
    /// ("TOTAL TO PAY"), a tax line ("of which VAT 20%  £3.00", "dont TVA 10%"), money paid or given back ("Amount
    /// Paid", "Change due"). The item rows end there.
    func isReceiptTotalsLabel(_ l: Line) -> Bool {
        let amounts = receiptAmounts(l)
        guard let first = amounts.first else { return false }
        let words = receiptLabelWords(l, before: first.start)
        let lettered = words.filter { $0.contains(where: \.isLetter) }
        guard !lettered.isEmpty, lettered.count <= 6 else { return false }
        let set = Set(lettered)
        if Self.totalRank(words) > 0 { return true }
        if !set.isDisjoint(with: Self.taxWords), set.isDisjoint(with: Self.taxLineStops) { return true }
        return !set.isDisjoint(with: Self.changeWords.union(["paid", "tendered"]))
    }

    /// The sum of `values` to the cent.
    static func cents(_ values: [Double]) -> Double { (values.reduce(0, +) * 100).rounded() / 100 }

    /// A tax summary table under the slip's totals: a heading naming a tax column and a net or gross one ("Steuer %
    /// Netto Steuer Brutto", "TVA HT TVA TTC", "GST Summary Amount Tax"), then rows of two or three amounts that fill
    /// its last columns in order (a rate and a tax code before them are not amounts), each with net + tax = gross.
    /// A row that repeats the column sums of the rows above is the table's sum row. Its gross must be the slip's
    /// total (within a cash rounding) when the total is known.
    func receiptTaxTable(total: Double?) -> ReceiptTax? {
        let lines = layout.lines.filter { !$0.isBlank }
        for (k, head) in lines.enumerated() where receiptAmounts(head).isEmpty {
            // 0: net, 1: tax, 2: gross
            let headText = head.text.replacingOccurrences(of: "/", with: " ").replacingOccurrences(of: "(", with: " ")
                .replacingOccurrences(of: ")", with: " ")
            let headWords = Self.receiptWords(headText)
            // the item table's header ("Item Qty Price Tax Total") is no tax summary
            if headWords.contains(where: { Self.itemTableWords.contains($0) }) { continue }
            let kinds: [Int] = headWords.compactMap { w in
                let w = w.trimmingCharacters(in: CharacterSet(charactersIn: "%=:"))
                if Self.taxWords.contains(w) { return 1 }
                if Self.taxTableNetWords.contains(w) { return 0 }
                if Self.taxTableGrossWords.contains(w) { return 2 }
                return nil
            }
            guard kinds.contains(1), kinds.contains(0) || kinds.contains(2) else { continue }
            var rows: [[Double]] = []  // net, tax, gross
            var sumRow: [Double]? = nil
            var used: Set<Int> = [head.index]
            var j = k + 1
            rowLoop: while j < lines.count {
                let l = lines[j]
                let vals = receiptAmounts(l).map(\.value)
                guard vals.count >= 2, vals.count <= kinds.count else { break }
                var row: [Double?] = [nil, nil, nil]
                for (kind, v) in zip(kinds.suffix(vals.count), vals) {
                    if row[kind] != nil { break rowLoop }
                    row[kind] = v
                }
                guard let tax = row[1] else { break }
                let net = row[0] ?? row[2].map { $0 - tax }, gross = row[2] ?? row[0].map { $0 + tax }
                guard let n = net, let g = gross, abs(n + tax - g) < 0.015 else { break }
                let r: [Double] = [n, tax, g].map { (x: Double) -> Double in (x * 100).rounded() / 100 }
                used.insert(l.index)
                j += 1
                if !rows.isEmpty,
                    (0..<3).allSatisfy({ (c: Int) -> Bool in abs(Self.cents(rows.map { $0[c] }) - r[c]) < 0.015 })
                {
                    sumRow = r
                    break
                }
                rows.append(r)
            }
            guard !rows.isEmpty else { continue }
            let sums: [Double] = sumRow ?? (0..<3).map { c in Self.cents(rows.map { $0[c] }) }
            if let t = total, abs(sums[2] - t) > 0.05 { continue }
            return ReceiptTax(tax: sums[1], line: head, included: true, net: sums[0], tableLines: used)
        }
        return nil
    }
}
