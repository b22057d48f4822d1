import Foundation
import SmoleRecords
import SmoleTools

/// Checks: the numbers of a document must agree with each other.
///
/// Input: the fields as resolved and every labelled candidate for the totals. Output: subtotal, tax and total chosen
/// so that subtotal + tax (+ a cash rounding) = total, several tax lines summed, a missing one derived when its value
/// is printed; Σ line amounts = subtotal confirms the items. Runs after the resolvers (`Resolvers/Resolve.swift`).
/// The sums both the engine's choice of candidates and the review checks (`Checks/Review.swift`) rely on, in one place.
enum Sums {
    /// Whether subtotal + tax (+ a cash rounding) = total within `tolerance`. With a rounding line, the sum without
    /// it does not count.
    static func closes(_ subtotal: Double, _ tax: Double, _ total: Double, rounding: Double?, tolerance: Double) -> Bool
    {
        abs(subtotal + tax + (rounding ?? 0) - total) < tolerance
            || (rounding == nil && abs(subtotal + tax - total) < tolerance)
    }

    /// The name of the line items' amount field in `schema` (role `item_amount`), "amount" when it has none.
    static func itemAmountKey(_ schema: Schema) -> String {
        itemKey(schema, .itemAmount) ?? "amount"
    }

    /// The name of a line item's field with `role` in `schema`, if there is one.
    static func itemKey(_ schema: Schema, _ role: Role) -> String? {
        schema.field(.lineItems).flatMap { f -> String? in
            if case .array(let item) = f.kind, case .object(let sub) = item.kind {
                return sub.first { $0.role == role }?.name
            }
            return nil
        }
    }

    /// Σ of the items' amounts (items without a numeric amount add nothing).
    static func itemsTotal(_ items: [JSONValue], amountKey: String) -> Double {
        items.compactMap { $0[amountKey]?.doubleValue }.reduce(0, +)
    }
}

extension Extractor {

    /// The amount of a cash rounding line ("Rounding Adj  -0.02"), when the document has one.
    func roundingAdjustment() -> Double? {
        // it stands in the totals block, below the items
        let from = tableLines.max().map { $0 + 1 } ?? 0
        for l in layout.lines[min(from, layout.lines.count)...] where !l.isBlank {
            guard
                Lexicon.rounding.contains(where: { phrase in
                    LabelMatch.find(phrase, in: l).contains { at in l.cell(at: at)?.start == at }
                })
            else { continue }
            if let n = Parse.numbers(in: l, decimalHint: decimalHint).last(where: { !$0.isPercent && $0.decimals > 0 }),
                abs(n.value) < 1
            {
                return n.value
            }
        }
        return nil
    }

    /// The signed sum of the totals block's adjustments between subtotal + tax and the total: discounts ("Discount
    /// $100.00-", "Rabatt 10,00": taken off), charges ("Shipping 12.50", "Versandkosten": added) and a cash rounding
    /// ("Rounding Adj -0.02", as printed). A line counts when its first cell is one of those labels alone (followed by
    /// at most a rate or punctuation: "Discount (10%):", not "Delivery date") and it carries an amount with decimals.
    /// A receipt's tax printed as already in its total ("of which VAT 20%", "GST 9% incl.") is taken off.
    /// Nil when the block has none.
    /// What may follow a discount or charge phrase in its label: nothing but marks and figures, a note in
    /// parentheses ("Discount (SPRING15)", "Shipping (USPS Ground Advantage)"), or one code word in capitals or with
    /// a digit ("Coupon WELCOME10"); not more words ("Discount on next order").
    static func onlyANote(_ rest: String) -> Bool {
        var outside = ""
        var depth = 0
        for c in rest {
            if c == "(" || c == "[" {
                depth += 1
            } else if c == ")" || c == "]" {
                depth = max(0, depth - 1)
            } else if depth == 0 {
                outside.append(c)
            }
        }
        let words = outside.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "-" })
            .filter { $0.contains(where: \.isLetter) }
        if words.isEmpty { return true }
        guard words.count == 1, let w = words.first else { return false }
        return w.count >= 3 && (w.contains(where: \.isNumber) || w.allSatisfy { !$0.isLetter || $0.isUppercase })
    }

    /// A phrase's label keys (`LabelMatch.keys`), made once.
    struct PhraseKeys {
        let keys: [UInt32]
        let lastIsWord: Bool
        init(_ phrase: [Character]) {
            keys = LabelMatch.keys(phrase)
            lastIsWord = phrase.last?.isWordChar ?? false
        }
    }
    static let discountKeys = Lexicon.discounts.map(PhraseKeys.init)
    static let chargeKeys = Lexicon.charges.map(PhraseKeys.init)
    static let roundingKeys = Lexicon.rounding.map(PhraseKeys.init)

    /// The tax a line below the items states as included in the total: its label names the tax, and a word that
    /// says it is included ("GST included in total", "of which VAT", "Total includes GST of", "davon MwSt"), not a
    /// total that includes it ("Total inc GST  330.00": over half the total, no tax is that high).
    /// - Returns: the amount, or nil when no such line is printed.
    func includedTax(total: Double) -> Double? {
        let itemsEnd = tableLines.max() ?? -1
        func includes(_ w: String) -> Bool {
            Self.includedTaxWords.contains(w) || w.hasPrefix("includ") || w.hasPrefix("inkl") || w == "davon"
        }
        for l in layout.lines where !l.isBlank && l.index > itemsEnd {
            let amounts = receiptAmounts(l)
            guard let v = amounts.last?.value, v > 0, v < total / 2 else { continue }
            let words = receiptLabelWords(l, before: amounts.first?.start).map { $0.lowercased() }
                .filter { $0.contains(where: \.isLetter) }
            guard words.count <= 7, let ti = words.firstIndex(where: { Self.taxWords.contains($0) }),
                let ii = words.firstIndex(where: includes), Set(words).isDisjoint(with: Self.taxLineStops)
            else { continue }
            // a total word first is a total line, unless "includes" follows it ("Total includes GST of")
            if let tw = words.firstIndex(where: Self.isTotalWord), tw < ti, ii != tw + 1 { continue }
            return v
        }
        return nil
    }

    func totalsAdjustment() -> Double? {
        let from = tableLines.max().map { $0 + 1 } ?? 0
        var sum: Double? = nil
        for l in layout.lines[min(from, layout.lines.count)...] where !l.isBlank {
            guard let first = l.cells.first else { continue }
            func labelled(_ phrases: [PhraseKeys]) -> Bool {
                phrases.contains { phrase in
                    LabelMatch.find(phrase.keys, lastIsWord: phrase.lastIsWord, in: l).contains { at in
                        guard at == first.start else { return false }
                        return Self.onlyANote(l.substring(at + phrase.keys.count, first.end))
                    }
                }
            }
            let sign: Double
            if labelled(Self.discountKeys) {
                sign = -1
            } else if labelled(Self.chargeKeys) || labelled(Self.roundingKeys) {
                sign = 1
            } else {
                continue
            }
            // the amount on the label's line, or alone on the next line when a long label pushed it there
            // ("Shipping (USPS Ground Advantage)" ⏎ "72.58")
            func amount(_ line: Line) -> NumberToken? {
                Parse.numbers(in: line, decimalHint: decimalHint).last(where: { !$0.isPercent && $0.decimals > 0 })
            }
            var found = amount(l)
            if found == nil, l.index + 1 < layout.lines.count {
                let next = layout.lines[l.index + 1]
                if next.cells.count == 1, !next.text.contains(where: \.isLetter) { found = amount(next) }
            }
            guard let n = found else { continue }
            // a discount printed without its minus sign is still taken off
            let value = sign < 0 ? -abs(n.value) : n.value
            sum = (sum ?? 0) + value
        }
        // A receipt's tax printed as already in its total ("of which VAT 20%", "GST 9% incl."): subtotal + tax
        // overshoots the total by it.
        if isReceiptSchema, let t = receiptTax(), t.included, t.tax > 0 { sum = (sum ?? 0) - t.tax }
        return sum
    }

    /// subtotal + tax = total chooses among candidates; Σ amounts = subtotal confirms items.
    func applyArithmetic(_ out: inout JSONObject) {
        guard schema.field(.subtotal) != nil || schema.field(.total) != nil else { return }
        // The fields by role, whatever the schema calls them (a missing one gets a name no field has).
        let sub = schema.field(.subtotal)?.name ?? "\u{0}subtotal", tax = schema.field(.tax)?.name ?? "\u{0}tax"
        let tot = schema.field(.total)?.name ?? "\u{0}total", items = schema.field(.lineItems)?.name ?? "\u{0}items"
        let amountKey = Sums.itemAmountKey(schema)
        // Every labelled amount of a field (read once; the tax lines are needed again below).
        func found(_ name: String) -> [Found] {
            guard let f = schema.field(name), f.isNumeric else { return [] }
            return candidates(name, wholeLine: true, parse: parseAmount)
        }
        func cands(_ name: String, _ found: [Found]) -> [Double] {
            var vals = found.compactMap { $0.value.doubleValue }
            if let cur = out[name]?.doubleValue { vals.insert(cur, at: 0) }
            var seen = Set<Double>()
            return vals.filter { seen.insert($0).inserted }
        }
        let taxFound = found(tax)
        let s = cands(sub, found(sub)), t = cands(tax, taxFound)
        // A till slip's total was chosen by its own rules (Receipts.swift): the sums may fill in subtotal and tax, not replace it.
        let receiptTotal = isReceiptSchema ? out[tot]?.doubleValue : nil
        let g = receiptTotal.map { [$0] } ?? cands(tot, found(tot))
        // A cash rounding line ("Rounding Adj -0.02", "Rundung", "Arrondi"): what is paid is subtotal + tax + rounding.
        let rounding = roundingAdjustment()
        func closes(_ sv: Double, _ tv: Double, _ gv: Double) -> Bool {
            Sums.closes(sv, tv, gv, rounding: rounding, tolerance: 0.015)
        }
        if let cs = out[sub]?.doubleValue, let ct = out[tax]?.doubleValue, let cg = out[tot]?.doubleValue,
            closes(cs, ct, cg)
        {
            return
        }
        for sv in s {
            for tv in t {
                for gv in g where closes(sv, tv, gv) {
                    out[sub] = JSONValue(sv); out[tax] = JSONValue(tv); out[tot] = JSONValue(gv); return
                }
            }
        }
        // Several tax lines (CGST and SGST; 7 % and 19 % VAT): the tax is their sum when it closes the equation.
        do {
            var byLine: [Int: Double] = [:]
            for c in taxFound where byLine[c.line.index] == nil {
                if let v = c.value.doubleValue, v != 0 { byLine[c.line.index] = v }
            }
            let sum = (byLine.values.reduce(0, +) * 1000).rounded() / 1000
            if byLine.count >= 2 {
                for sv in s {
                    for gv in g where abs(sv + sum - gv) < 0.015 {
                        out[sub] = JSONValue(sv); out[tax] = JSONValue(Currency.round(sum, currency: currency));
                        out[tot] = JSONValue(gv); return
                    }
                }
            }
        }
        repairTotals(&out)
        // A tax printed as zero and no subtotal line: the total is the total before tax.
        if schema.field(.subtotal)?.isNumeric == true, out[sub] == nil || out[sub] == .null, s.isEmpty,
            out[tax]?.doubleValue == 0, let gv = out[tot]?.doubleValue
        {
            out[sub] = JSONValue(gv)
        }
        // A tax stated as included in the total ("GST included in total  $30.00", "Total includes GST of $30.00",
        // "davon MwSt. 1,25") and no other tax read: that is the tax, and the amount before it the subtotal (an
        // invoice priced with tax, as in Australian and New Zealand B2C invoices; till slips have their own reader).
        if !isReceiptSchema, schema.field(.tax)?.isNumeric == true, out[tax] == nil || out[tax] == .null,
            let gv = out[tot]?.doubleValue, let t = includedTax(total: gv)
        {
            out[tax] = JSONValue(t)
            if schema.field(.subtotal)?.isNumeric == true,
                out[sub] == nil || out[sub] == .null || out[sub]?.doubleValue.map({ abs($0 - gv) < 0.005 }) == true
            {
                out[sub] = JSONValue(Currency.round(gv - t, currency: currency))
            }
        }
        // No tax label read ("MuSt." for "MwSt." in an OCR reading, "zzgl. 19 % USt."), but subtotal and total are
        // known: the tax is their difference when that amount is printed on a line of its own below the items, with
        // a rate on that line unless the text is an OCR reading (a line with no rate is a charge: "Costs advanced
        // 62.40").
        if schema.field(.tax)?.isNumeric == true, out[tax] == nil || out[tax] == .null,
            let sv = out[sub]?.doubleValue, let gv = out[tot]?.doubleValue, gv - sv > 0.004
        {
            let diff = ((gv - sv) * 100).rounded() / 100
            let printed = layout.lines.contains { l in
                guard !l.isBlank, !tableLines.contains(l.index) else { return false }
                let numbers = Parse.numbers(in: l, decimalHint: decimalHint)
                return numbers.contains { !$0.isPercent && $0.decimals == 2 && abs($0.value - diff) < 0.005 }
                    && (ocr || numbers.contains(where: \.isPercent))
            }
            if printed { out[tax] = JSONValue(diff) }
        }
        // Σ line amounts = subtotal
        if let items = out[items]?.arrayValue, !items.isEmpty {
            let sum = Sums.itemsTotal(items, amountKey: amountKey)
            // No subtotal line and no tax: the items add up to the total, so the total before tax is the total.
            if schema.field(.subtotal)?.isNumeric == true, out[sub] == nil || out[sub] == .null, s.isEmpty,
                (out[tax]?.doubleValue ?? 0) == 0, let gv = out[tot]?.doubleValue, abs(sum - gv) < 0.015
            {
                out[sub] = JSONValue(gv)
            }
            if out[sub] == nil || out[sub] == .null, s.isEmpty, let tv = out[tax]?.doubleValue,
                let gv = out[tot]?.doubleValue,
                abs(sum + tv - gv) < 0.015, schema.field(.subtotal) != nil
            {
                out[sub] = JSONValue((sum * 100).rounded() / 100)
            }
        }
    }
}
