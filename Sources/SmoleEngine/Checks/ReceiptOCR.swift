import Foundation
import SmoleRecords

// Stage 6, checks (see `Arithmetic.swift`): totals repaired under OCR noise.

/// Totals under OCR noise: a label misread ("TOTAI", "T0TAL", a bold "TOTAL" read as "iG") leaves an amount
/// unlabelled, and a dropped decimal mark ("44,50" read "4450") makes a tax larger than what it is levied on.
extension Extractor {
    /// Whether `value` is printed as a money amount (two decimals) on a line outside the item rows.
    func isPrintedAmount(_ value: Double) -> Bool {
        layout.lines.contains { l in
            !l.isBlank && !tableLines.contains(l.index)
                && Parse.numbers(in: l, decimalHint: decimalHint).contains {
                    !$0.isPercent && $0.decimals == 2 && abs($0.value - value) < 0.005
                }
        }
    }

    /// Runs after the label candidates failed to give subtotal + tax = total. A tax that is negative, larger than the
    /// subtotal or not below the total is a misread and is dropped (the difference of the other two replaces it when
    /// printed). With two of the three known, the missing one is their sum or difference when that amount is printed.
    func repairTotals(_ out: inout JSONObject) {
        guard let subF = schema.field(.subtotal), subF.isNumeric, let taxF = schema.field(.tax), taxF.isNumeric,
            let totF = schema.field(.total), totF.isNumeric
        else { return }
        let (sub, tax, tot) = (subF.name, taxF.name, totF.name)
        let s = out[sub]?.doubleValue, g = out[tot]?.doubleValue
        // (A credit note's amounts are all negative: these sanity rules are for a sale.)
        if (s ?? 1) > 0, (g ?? 1) > 0, let t = out[tax]?.doubleValue,
            t < 0 || (s.map { t > $0 } ?? false) || (g.map { t >= $0 } ?? false)
        {
            out[tax] = .null
        }
        let t = out[tax]?.doubleValue
        if let s, let t, g == nil {
            let sum = ((s + t) * 100).rounded() / 100
            if isPrintedAmount(sum) { out[tot] = JSONValue(sum) }
        } else if let g, let t, t > 0, s == nil {
            let diff = ((g - t) * 100).rounded() / 100
            if diff > 0, isPrintedAmount(diff) { out[sub] = JSONValue(diff) }
        }
    }
}
