import Foundation
import SmoleRecords

/// Schema mapping: every field of the schema, in schema order, from the resolver of its role.
///
/// Input: the document's layout, label hits and item table (`Labels/`, `Resolvers/Tables.swift`). Output: the schema's
/// exact fields, `null` where nothing was found. Order: tables first (their lines are not label/value pairs), then each
/// field by its role's resolver (parties, payment, contract clauses; labelled values parsed by type for the others),
/// then the checks (`Checks/`) choose between candidates where the numbers must agree.
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

    /// One field's value, by the field's role: each role has its resolver; a field without one is found by its
    /// labels and parsed by its type.
    func extract(_ f: Field) -> Found? {
        switch f.role {
        case .seller?:
            return partyName(f, fallbackHeader: true)
        case .buyer?:
            return partyName(f, fallbackHeader: false)
        case .currency?:
            if let c = best(candidates(f.name, parse: { s in Parse.currencyCode(in: s).map { .string($0) } })) {
                return c
            }
            if let c = currency {
                return Found(
                    value: .string(c), line: currencyLine ?? layout.lines.first!,
                    confidence: currencyLine == nil ? 0.5 : 0.8)
            }
            return nil
        case .time?:
            if let c = best(candidates(f.name, parse: { s in Parse.time(in: s).map { .string($0.0) } })) { return c }
            for l in layout.lines.prefix(60) where !l.isBlank {
                if let t = Parse.time(in: l.text) { return Found(value: .string(t.0), line: l, confidence: 0.8) }
            }
            return nil
        case .paymentMethod?:
            return paymentMethod(f)
        case .title?:
            return contractTitle()
        case .parties?:
            return contractParties().map { f in
                var c = f
                if let a = f.value.arrayValue {
                    c.value = .array(a.map { $0.stringValue.map { .string(PartyNames.canonical($0)) } ?? $0 })
                }
                return c
            }
        case .term?:
            return contractTerm(f)
        case .governingLaw?:
            return governingLaw(f)
        case .effectiveDate?:
            if let c = contractEffectiveDate(f) { return c }
        case .contractValue?:
            if let c = contractValue(f) { return c }
        default:
            break
        }
        switch f.kind {
        case .object(let sub):
            var o = JSONObject(members: [])
            var any = false
            for s in sub {
                let v =
                    (Extractor(
                        layout: layout,
                        schema: Schema(id: schema.id, source: schema.source, fields: sub, keywords: [], document: .null)
                    ).extract(s))
                o.members.append(.init(key: s.name, value: v?.value ?? .null))
                if v != nil { any = true }
            }
            return any ? Found(value: .object(o), line: layout.lines.first!, confidence: 0.6) : nil
        case .array(let item):
            // list of strings: the value after a label, split on commas / "and"
            if case .string = item.kind, let c = best(candidates(f.name, wholeLine: true, parse: parseString)),
                let s = c.value.stringValue
            {
                let parts = s.replacingOccurrences(of: " and ", with: ",").replacingOccurrences(of: ";", with: ",")
                    .split(separator: ",")
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                return Found(value: .array(parts.map { .string($0) }), line: c.line, confidence: c.confidence * 0.9)
            }
            return nil
        default:
            break
        }
        let numeric = f.isNumeric
        // A till slip's total: its own label rules, checked against cash and change (Receipts.swift).
        let receiptTotal = f.role == .total && numeric && isReceiptSchema
        if receiptTotal, let r = self.receiptTotal() { return r }
        // A till slip's tax: its own line rules and tax summary table (Receipts.swift).
        let slipTax = numeric && isReceiptSchema && (f.role == .tax || f.role == .subtotal) ? receiptTax() : nil
        if f.role == .tax, let t = slipTax {
            return Found(value: JSONValue(Currency.round(t.tax, currency: currency)), line: t.line, confidence: 0.85)
        }
        var c = candidates(f.name, wholeLine: numeric, parse: parser(for: f))
        if receiptTotal { c.removeAll { isQualifiedTotalLine($0.line) } }
        // a tax summary table's column headings ("Netto", "Net") and rows are no subtotal
        if let t = slipTax { c.removeAll { t.tableLines.contains($0.line.index) } }
        if numeric, f.role == .total || f.role == .subtotal || f.role == .tax {
            // Totals sit below the table; among equals prefer the later line.
            c = c.map { x in
                var y = x; if let t = firstTableLine, x.line.index > t { y.confidence += 0.02 }; return y
            }
        }
        if let b = best(c) { return b }
        if f.role == .subtotal, let t = slipTax, let net = t.net {
            return Found(value: JSONValue(Currency.round(net, currency: currency)), line: t.line, confidence: 0.8)
        }
        if f.role == .issueDate, f.isDate, isReceiptSchema { return receiptDate() }
        if f.role == .issueDate, f.isDate, !hits.values.contains(where: { $0.contains { $0.field == f.name } }) {
            // An unlabelled date near the top (receipts print the date without a label).
            for l in layout.lines.prefix(40) where !l.isBlank {
                if let d = Parse.dates(in: l.text, dayFirst: dayFirst).first {
                    return Found(value: .string(d.iso), line: l, confidence: 0.7)
                }
            }
        }
        return nil
    }
}
