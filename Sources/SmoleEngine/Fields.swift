import Foundation
import SmoleCore

extension Extractor {
    /// Runs the extraction: every schema field, in schema order, `null` when not found.
    func run() -> JSONObject {
        var out = JSONObject()
        // Tables first, so their lines are not read as label/value pairs.
        var arrays: [String: JSONValue] = [:]
        for f in schema.fields {
            if case .array(let item) = f.kind, case .object = item.kind {
                arrays[f.name] = extractItems(f).map { .array($0) } ?? .array([])
            }
        }
        for f in schema.fields {
            if let a = arrays[f.name] { out[f.name] = a; continue }
            let found = extract(f)
            if let found {
                out[f.name] = found.value
                evidence[f.name] = found
            } else {
                out[f.name] = .null
            }
        }
        applyArithmetic(&out)
        applyContractRules(&out)
        // The schema's exact fields, in order (assigning null removes a key in JSONObject, so rebuild).
        var ordered = JSONObject(members: [])
        for f in schema.fields { ordered.members.append(.init(key: f.name, value: out[f.name] ?? .null)) }
        return ordered
    }

    func extract(_ f: Field) -> Found? {
        switch f.name {
        case "vendor_name", "seller_name", "supplier_name", "merchant_name", "issuer_name", "company_name":
            return partyName(f, fallbackHeader: true)
        case "customer_name", "buyer_name", "client_name", "bill_to":
            return partyName(f, fallbackHeader: false)
        case "currency":
            if let c = best(candidates(f.name, parse: { s in Parse.currencyCode(in: s).map { .string($0) } })) { return c }
            if let c = currency { return Found(value: .string(c), line: currencyLine ?? layout.lines.first!, confidence: currencyLine == nil ? 0.5 : 0.8) }
            return nil
        case "time":
            if let c = best(candidates(f.name, parse: { s in Parse.time(in: s).map { .string($0.0) } })) { return c }
            for l in layout.lines.prefix(60) where !l.isBlank {
                if let t = Parse.time(in: l.text) { return Found(value: .string(t.0), line: l, confidence: 0.8) }
            }
            return nil
        case "payment_method":
            return paymentMethod(f)
        case "title":
            return contractTitle()
        case "parties":
            return contractParties()
        case "term_months":
            return contractTerm(f)
        case "governing_law":
            return governingLaw(f)
        case "effective_date":
            if let c = contractEffectiveDate(f) { return c }
        case "total_value":
            if let c = contractValue(f) { return c }
        default:
            break
        }
        switch f.kind {
        case .object(let sub):
            var o = JSONObject(members: [])
            var any = false
            for s in sub {
                let v = (Extractor(layout: layout, schema: Schema(id: schema.id, source: schema.source, fields: sub, keywords: [], document: .null)).extract(s))
                o.members.append(.init(key: s.name, value: v?.value ?? .null))
                if v != nil { any = true }
            }
            return any ? Found(value: .object(o), line: layout.lines.first!, confidence: 0.6) : nil
        case .array(let item):
            // list of strings: the value after a label, split on commas / "and"
            if case .string = item.kind, let c = best(candidates(f.name, wholeLine: true, parse: parseString)), let s = c.value.stringValue {
                let parts = s.replacingOccurrences(of: " and ", with: ",").replacingOccurrences(of: ";", with: ",").split(separator: ",")
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                return Found(value: .array(parts.map { .string($0) }), line: c.line, confidence: c.confidence * 0.9)
            }
            return nil
        default:
            break
        }
        let numeric = f.isNumeric
        // A till slip's total: its own label rules, checked against cash and change (Receipts.swift).
        let receiptTotal = f.name == "total" && numeric && isReceiptSchema
        if receiptTotal, let r = self.receiptTotal() { return r }
        var c = candidates(f.name, wholeLine: numeric, parse: parser(for: f))
        if receiptTotal { c.removeAll { isQualifiedTotalLine($0.line) } }
        if numeric, ["total", "subtotal", "tax", "amount_due", "grand_total"].contains(f.name) {
            // Totals sit below the table; among equals prefer the later line.
            c = c.map { x in var y = x; if let t = firstTableLine, x.line.index > t { y.confidence += 0.02 }; return y }
        }
        if let b = best(c) { return b }
        if f.name == "date", f.isDate, isReceiptSchema { return receiptDate() }
        if f.name == "date", f.isDate, !hits.values.contains(where: { $0.contains { $0.field == f.name } }) {
            // An unlabelled date near the top (receipts print the date without a label).
            for l in layout.lines.prefix(40) where !l.isBlank {
                if let d = Parse.dates(in: l.text, dayFirst: dayFirst).first {
                    return Found(value: .string(d.iso), line: l, confidence: 0.7)
                }
            }
        }
        return nil
    }

    // MARK: names

    static let titleWords: Set<String> = ["invoice", "tax invoice", "rechnung", "facture", "factuur", "receipt", "quittung", "kassenbon",
                                          "reçu", "kassabon", "bill", "credit note", "gutschrift", "proforma invoice", "commercial invoice",
                                          "sales receipt", "ticket", "bon", "avoir", "original", "copy", "page 1", "invoice original"]

    func looksLikeName(_ s: String) -> Bool {
        let t = s.trimmingCharacters(in: .whitespaces)
        guard t.count >= 2, t.contains(where: \.isLetter) else { return false }
        if Self.titleWords.contains(t.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: " :#"))) { return false }
        if let f = t.first, f.isNumber { return false }
        // a note in parentheses ("(Not to be used for payment remittance)") is not a name
        if t.hasPrefix("("), t.hasSuffix(")") { return false }
        if !Parse.dates(in: t, dayFirst: dayFirst).isEmpty { return false }
        let lower = t.lowercased()
        for w in ["tel", "phone", "fax", "email", "e-mail", "www.", "http", "iban", "vat", "page "] where lower.hasPrefix(w) { return false }
        if t.contains("@") { return false }
        // "Receipt #25259", "Ticket #91937": the slip's number (the name above it lost to OCR), not a name
        if t.contains("#"), let first = lower.split(separator: " ").first, Self.titleWords.contains(String(first)) { return false }
        // a customer or account number, not a name
        if !t.contains(" "), t.filter(\.isNumber).count >= 3 { return false }
        return true
    }

    func cleanName(_ s: String) -> String {
        var t = s.trimmingCharacters(in: CharacterSet(charactersIn: " :,;-–|"))
        t = t.split(separator: " ").joined(separator: " ")
        return t
    }

    func parseName(_ s: String) -> JSONValue? {
        let t = cleanName(s)
        if Self.addressHeadings.contains(t.lowercased()) { return nil }
        return looksLikeName(t) ? .string(t) : nil
    }

    func partyName(_ f: Field, fallbackHeader: Bool) -> Found? {
        let c = candidates(f.name, parse: parseName)
        if let b = best(c) { return b }
        guard fallbackHeader else { return nil }
        // Payment instructions name the payee ("Account holder: NETPRESSE", "Payment received by OYO"): stronger
        // evidence of the seller than the first name-looking cell at the top, which may be the buyer's address.
        if let p = payeeName() { return p }
        // A till slip's merchant: the business at its head (Receipts.swift).
        if f.name == "merchant_name", let r = receiptMerchant() { return r }
        // The buyer's block can sit at the top too: a heading cell that is the labelled customer is not the seller.
        let customer = schema.fields.first { ["customer_name", "buyer_name", "client_name"].contains($0.name) }.flatMap { cf in
            best(candidates(cf.name, parse: parseName))?.value.stringValue?.lowercased()
        }
        // The heading: the first cell near the top that is a name, not a title, address heading or label.
        // Cells under an address heading or a customer label belong to that block.
        var blocked: [(Int, Int)] = []
        let customerFields: Set<String> = ["customer_name", "buyer_name", "client_name"]
        for l in layout.lines.prefix(15) where !l.isBlank {
            if tableLines.contains(l.index) { break }
            for cell in l.cells {
                if blocked.contains(where: { cell.start < $0.1 && cell.end > $0.0 }) { continue }
                if (hits[l.index] ?? []).contains(where: { customerFields.contains($0.field) && $0.start >= cell.start && $0.start <= cell.start + 1 }) {
                    blocked.append((cell.start - 2, cell.end + 8)); continue
                }
                if isLabelCell(l, cell) || cell.text.hasSuffix(":") { continue }
                let t = headerName(cell.text)
                if Self.addressHeadings.contains(t.lowercased()) { blocked.append((cell.start - 2, cell.end + 8)); continue }
                if Self.titleWords.contains(t.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: " .:#"))) { continue }
                if let customer, t.lowercased() == customer { continue }
                if looksLikeName(t) { return Found(value: .string(t), line: l, confidence: 0.7) }
            }
        }
        return nil
    }

    /// Phrases after which payment instructions name the payee, in the four languages. ("Empfänger" alone is not
    /// one: "Rechnungsempfänger" is the buyer.)
    static let payeePhrases: [String] = [
        "account holder", "account name", "payable to", "make checks payable to", "make cheques payable to", "payment received by",
        "beneficiary", "kontoinhaber", "zahlungsempfänger", "begünstigter", "titulaire du compte", "titulaire", "bénéficiaire",
        "rekeninghouder", "ten name van", "t.n.v.", "begunstigde",
    ]

    /// The payee phrases as label keys, prepared once.
    static let payeeKeys: [(keys: [UInt32], count: Int, lastIsWord: Bool)] = payeePhrases.map { p in
        let chars = LabelMatch.normalize(p)
        return (LabelMatch.keys(chars), chars.count, chars.last?.isWordChar ?? false)
    }

    /// The payee named in payment instructions, when it reads as a name and is not the labelled customer.
    func payeeName() -> Found? {
        var customer: String?? = nil   // looked up only once a payee phrase is found
        for l in layout.lines where l.keys.count > 6 {
            for phrase in Self.payeeKeys {
                guard let at = LabelMatch.find(phrase.keys, lastIsWord: phrase.lastIsWord, in: l).first, let cell = l.cell(at: at) else { continue }
                var rest = l.substring(at + phrase.count, cell.end)
                if rest.trimmingCharacters(in: CharacterSet(charactersIn: " :")).isEmpty,
                   let next = l.cells.first(where: { $0.start >= cell.end }) { rest = next.text }
                // up to the end of the name: a comma, an opening parenthesis or a second label ends it
                if let cut = rest.firstIndex(where: { $0 == "(" || $0 == "," || $0 == ";" }) { rest = String(rest[..<cut]) }
                guard case .string(let name)? = parseName(rest), name.count <= 60 else { continue }
                if customer == nil {
                    customer = .some(schema.fields.first { ["customer_name", "buyer_name", "client_name"].contains($0.name) }.flatMap { cf in
                        best(candidates(cf.name, parse: parseName))?.value.stringValue?.lowercased()
                    })
                }
                if let c = customer ?? nil, name.lowercased() == c { continue }
                if name.lowercased().hasPrefix("iban") || name.lowercased().hasPrefix("bic") { continue }
                return Found(value: .string(name), line: l, confidence: 0.75)
            }
        }
        return nil
    }

    static let addressHeadings: Set<String> = ["ship to", "deliver to", "delivery address", "shipping address", "billing address", "lieferadresse",
                                               "lieferanschrift", "rechnungsadresse", "afleveradres", "factuuradres", "adresse de livraison",
                                               "adresse de facturation", "bezorgadres", "kopie factuur", "copy", "duplicate", "original"]

    /// A heading cell as a name: "Amazon Web Services Invoice" → "Amazon Web Services";
    /// "QualityHosting AG - Uferweg 40-42 - D-63571 Gelnhausen" → "QualityHosting AG".
    func headerName(_ s: String) -> String {
        var t = cleanName(s)
        for sep in [" - ", " · ", " | ", " • ", ", "] {
            if let r = t.range(of: sep), t[r.upperBound...].contains(where: \.isNumber) { t = String(t[..<r.lowerBound]) }
        }
        let lower = t.lowercased()
        for w in Self.titleWords.sorted(by: { $0.count > $1.count }) where lower.hasSuffix(" " + w) {
            t = String(t.dropLast(w.count + 1)); break
        }
        return cleanName(t)
    }

    func paymentMethod(_ f: Field) -> Found? {
        let known: [(String, String)] = [
            ("american express", "AMEX"), ("amex", "AMEX"), ("mastercard", "MASTERCARD"), ("master card", "MASTERCARD"), ("visa", "VISA"),
            ("maestro", "MAESTRO"), ("girocard", "DEBIT"), ("ec-karte", "DEBIT"), ("debit", "DEBIT"), ("credit card", "CREDIT"),
            ("paypal", "PAYPAL"), ("apple pay", "APPLE PAY"), ("google pay", "GOOGLE PAY"), ("cash", "CASH"), ("bar", "CASH"),
            ("espèces", "CASH"), ("especes", "CASH"), ("contant", "CASH"), ("pin", "DEBIT"), ("carte bancaire", "CARD"), ("card", "CARD"),
        ]
        let start = tableLines.max() ?? 0
        let ordered = layout.lines.filter { $0.index > start && !$0.isBlank } + layout.lines.filter { $0.index <= start && !$0.isBlank }
        for l in ordered {
            for (w, canon) in known where !LabelMatch.find(Array(w), in: l).isEmpty {
                if w == "bar" || w == "pin" || w == "card" {
                    // Short words only count when they stand on their own line or after a payment label.
                    let trimmed = l.text.trimmingCharacters(in: .whitespaces).lowercased()
                    if !(trimmed.hasPrefix(w)) { continue }
                }
                return Found(value: .string(canon), line: l, confidence: 0.85)
            }
        }
        return best(candidates(f.name, parse: parseString))
    }

    // MARK: arithmetic

    /// subtotal + tax = total chooses among candidates; Σ amounts = subtotal confirms items.
    func applyArithmetic(_ out: inout JSONObject) {
        guard schema.field("subtotal") != nil || schema.field("total") != nil else { return }
        func cands(_ name: String) -> [Double] {
            guard let f = schema.field(name), f.isNumeric else { return [] }
            var vals = candidates(name, wholeLine: true, parse: parseAmount).compactMap { $0.value.doubleValue }
            if let cur = out[name]?.doubleValue { vals.insert(cur, at: 0) }
            var seen = Set<Double>()
            return vals.filter { seen.insert($0).inserted }
        }
        let s = cands("subtotal"), t = cands("tax")
        // A till slip's total was chosen by its own rules (Receipts.swift): the sums may fill in subtotal and tax, not replace it.
        let receiptTotal = isReceiptSchema ? out["total"]?.doubleValue : nil
        let g = receiptTotal.map { [$0] } ?? cands("total")
        if let cs = out["subtotal"]?.doubleValue, let ct = out["tax"]?.doubleValue, let cg = out["total"]?.doubleValue, abs(cs + ct - cg) < 0.015 { return }
        for sv in s { for tv in t { for gv in g where abs(sv + tv - gv) < 0.015 {
            out["subtotal"] = JSONValue(sv); out["tax"] = JSONValue(tv); out["total"] = JSONValue(gv); return
        } } }
        repairTotals(&out)
        // A tax printed as zero and no subtotal line: the total is the total before tax.
        if schema.field("subtotal")?.isNumeric == true, out["subtotal"] == nil || out["subtotal"] == .null, s.isEmpty,
           out["tax"]?.doubleValue == 0, let gv = out["total"]?.doubleValue {
            out["subtotal"] = JSONValue(gv)
        }
        // No tax label read (an OCR slip: "MuSt." for "MwSt."), but subtotal and total are known: the tax is their
        // difference when that amount is printed on a line of its own below the items.
        if schema.field("tax")?.isNumeric == true, out["tax"] == nil || out["tax"] == .null,
           let sv = out["subtotal"]?.doubleValue, let gv = out["total"]?.doubleValue, gv - sv > 0.004 {
            let diff = ((gv - sv) * 100).rounded() / 100
            let printed = layout.lines.contains { l in
                !l.isBlank && !tableLines.contains(l.index)
                    && Parse.numbers(in: l, decimalHint: decimalHint).contains { !$0.isPercent && $0.decimals == 2 && abs($0.value - diff) < 0.005 }
            }
            if printed { out["tax"] = JSONValue(diff) }
        }
        // Σ line amounts = subtotal
        if let items = out["line_items"]?.arrayValue, !items.isEmpty {
            let sum = items.compactMap { $0["amount"]?.doubleValue }.reduce(0, +)
            // No subtotal line and no tax: the items add up to the total, so the total before tax is the total.
            if schema.field("subtotal")?.isNumeric == true, out["subtotal"] == nil || out["subtotal"] == .null, s.isEmpty,
               (out["tax"]?.doubleValue ?? 0) == 0, let gv = out["total"]?.doubleValue, abs(sum - gv) < 0.015 {
                out["subtotal"] = JSONValue(gv)
            }
            if out["subtotal"] == nil || out["subtotal"] == .null, s.isEmpty, let tv = out["tax"]?.doubleValue, let gv = out["total"]?.doubleValue,
               abs(sum + tv - gv) < 0.015, schema.field("subtotal") != nil {
                out["subtotal"] = JSONValue((sum * 100).rounded() / 100)
            }
        }
    }
}
