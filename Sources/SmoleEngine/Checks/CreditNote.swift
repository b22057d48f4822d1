import Foundation
import SmoleRecords

/// Credit notes and their sign. The convention of every record the engine writes: a credit's amounts are negative
/// (subtotal, tax, total, and each line's unit price and amount; the quantity keeps its own sign), as a printed
/// credit memo writes them "(228.00)", "-$228.00" or "228.00 CR". A credit note that states them as positive numbers
/// credited (an e-invoice credit note, EN 16931; a printed "CREDIT NOTE" with unsigned amounts) is given the same sign,
/// so a credit never reads as an invoice of the same amount.
enum CreditNote {
    /// The key `EInvoiceXML.mapInvoice` marks a credit note's mapping with (never part of a record).
    static let key = "_credit_note"

    /// `x` negated, without writing a negative zero.
    static func negate(_ v: JSONValue?) -> JSONValue? {
        guard let v, let x = v.doubleValue else { return v }
        return x == 0 ? v : JSONValue(-x)
    }

    /// An e-invoice credit note's mapping with its amounts negated (each line's whatever its sign: a correction's
    /// line may be negative, EN 16931 BT-131), and marked with `key`. The keys are the mapping's
    /// (`subtotal`, `tax`, `total`, `line_items[].unit_price/amount`, and the line total and adjustments kept for the
    /// review).
    static func negated(_ mapped: JSONObject) -> JSONObject {
        var o = mapped
        for k in ["subtotal", "tax", "total", EInvoiceXML.lineTotalKey, EInvoiceXML.itemsAdjustmentKey] {
            if let v = o[k] { o[k] = negate(v) }
        }
        if let rows = o["line_items"]?.arrayValue {
            o["line_items"] = .array(rows.map { negatedRow($0, amountKey: "amount", priceKey: "unit_price") })
        }
        if let adj = o[EInvoiceXML.itemAdjustmentsKey]?.arrayValue {
            o[EInvoiceXML.itemAdjustmentsKey] = .array(adj.map { negate($0) ?? .null })
        }
        o[key] = .bool(true)
        return o
    }

    static func negatedRow(_ row: JSONValue, amountKey: String, priceKey: String?) -> JSONValue {
        guard case .object(var r) = row else { return row }
        if let a = r[amountKey] { r[amountKey] = negate(a) }
        if let priceKey, let p = r[priceKey] { r[priceKey] = negate(p) }
        return .object(r)
    }

    /// Lines of a credit note read from its page: negated when they were printed unsigned (no amount negative, some
    /// positive); unchanged when the page gives them a sign of its own.
    static func negatedRows(_ rows: [JSONValue], amountKey: String, priceKey: String?) -> [JSONValue] {
        let amounts = rows.compactMap { $0[amountKey]?.doubleValue }
        guard !amounts.contains(where: { $0 < 0 }), amounts.contains(where: { $0 > 0 }) else { return rows }
        return rows.map { negatedRow($0, amountKey: amountKey, priceKey: priceKey) }
    }

    // MARK: printed credit notes

    /// Titles of a credit note, lowercased, from every language file (`"credit_note_title"` phrases: "Credit Note",
    /// "Credit Memo", "Avoir", "Creditnota", "Nota di credito"). German "Gutschrift" is not one: under §14 UStG it also
    /// names a self-billed invoice, which is paid, not credited.
    static let titles: [String] = Lexicon.phrases("credit_note_title")

    /// How many lines of the first page the title may come after (a letterhead's name and address lines first).
    static let titleLines = 15

    /// Titles of an invoice, lowercased, from every language file (`"invoice_title"` phrases: "Invoice", "Tax
    /// Invoice", "Rechnung", "Facture"). A page that carries one of them alone as a cell is an invoice whatever else
    /// its head mentions ("Credit Note: CN-0041" as a reference).
    static let invoiceTitles: [String] = Lexicon.phrases("invoice_title")

    /// Whether the first page is titled as a credit note: among its first `titleLines` lines that are not blank, a
    /// cell (text between runs of two or more spaces) that is one of `titles`, alone or before a number
    /// ("CREDIT NOTE", "Credit Note: CN-0042", "Tax Credit Note #17"), and no cell that is an invoice's title alone
    /// (`invoiceTitles`). A mention inside a sentence or a longer label ("Credit note applied") does not count.
    static func isTitled(_ pages: [String]) -> Bool {
        guard let first = pages.first, !titles.isEmpty, mayBeTitled(first) else { return false }
        let head = first.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }.prefix(titleLines)
            .flatMap { cells($0).map { $0.lowercased().split(separator: " ").joined(separator: " ") } }
        if head.contains(where: { invoiceTitles.contains($0) }) { return false }
        return head.contains { cell in titles.contains { titles(cell, $0) } }
    }

    /// The word stems every title holds, as lowercased UTF-8 ("crédit" with É or é; "avoir"; "abono").
    private static let stems: [[UInt8]] = ["credit", "cr\u{E9}dit", "cr\u{C9}dit", "avoir", "abono"].map {
        Array($0.utf8)
    }

    /// A quick look at the head of the page (its first 4,000 bytes, ASCII letters lowercased) for a title's stem,
    /// before the cells are cut (most pages hold none).
    static func mayBeTitled(_ page: String) -> Bool {
        let head = page.utf8.prefix(4000).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        return stems.contains { ByteSearch.contains($0, in: head) }
    }

    /// Whether `cell` (lowercased, single-spaced) is the title `t` alone or before a number, after a label's "No.",
    /// ":" or "#" ("credit note no: cn-0042").
    static func titles(_ cell: String, _ t: String) -> Bool {
        guard cell.hasPrefix(t) else { return false }
        let rest = cell.dropFirst(t.count)
        if let c = rest.first, c.isLetter || c.isNumber { return false }  // "credit notes", "avoirs"
        var tokens = rest.split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ":#.")) }
            .filter { !$0.isEmpty }
        if let f = tokens.first, numberWords.contains(f) { tokens.removeFirst() }
        return tokens.isEmpty || (tokens.count == 1 && tokens[0].contains(where: \.isNumber))
    }

    /// The "No." of a numbered title, lowercased without its period.
    static let numberWords: Set<String> = ["no", "nr", "n°", "number", "num", "nummer", "numéro", "numero", "nº"]

    static func cells(_ line: Substring) -> [String] {
        var out: [String] = []
        var cur = ""
        var spaces = 0
        for c in line {
            if c == " " || c == "\t" {
                spaces += c == "\t" ? 2 : 1
                continue
            }
            if spaces >= 2, !cur.isEmpty { out.append(cur); cur = "" } else if spaces > 0, !cur.isEmpty { cur += " " }
            spaces = 0
            cur.append(c)
        }
        if !cur.isEmpty { out.append(cur) }
        return out.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// A printed document's data with a credit note's sign: when the first page is titled as a credit note
    /// (`isTitled`) and none of its amounts is negative, the totals (fields by role: subtotal, tax, total) and each
    /// line's unit price and amount are negated. Nil when nothing changes: not a credit note, no positive amount, or
    /// a page that already writes the credit's sign ("(228.00)", "–240.00": then its own signs stand).
    static func signedPrinted(_ data: JSONObject, schema: Schema, pages: [String]) -> JSONObject? {
        let totals = [Role.subtotal, .tax, .total].compactMap { schema.field($0)?.name }
        guard !totals.isEmpty else { return nil }
        let itemsName = schema.field(.lineItems)?.name
        let amountKey = Sums.itemAmountKey(schema), priceKey = Sums.itemKey(schema, .itemUnitPrice)
        let rows = itemsName.flatMap { data[$0]?.arrayValue } ?? []
        var amounts = totals.compactMap { data[$0]?.doubleValue }
        amounts += rows.compactMap { $0[amountKey]?.doubleValue }
        amounts += priceKey.map { k in rows.compactMap { $0[k]?.doubleValue } } ?? []
        guard !amounts.contains(where: { $0 < 0 }), amounts.contains(where: { $0 > 0 }), isTitled(pages) else {
            return nil
        }
        var o = data
        for name in totals { if let v = o[name] { o[name] = negate(v) } }
        if let itemsName, !rows.isEmpty {
            o[itemsName] = .array(rows.map { negatedRow($0, amountKey: amountKey, priceKey: priceKey) })
        }
        return o
    }
}
