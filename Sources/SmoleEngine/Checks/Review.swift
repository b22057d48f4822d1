import Foundation
import SmoleBackend
import SmoleRecords
import SmoleTools

/// Checks: whether a person should look at a result, and why (the record's `review`, issue 10).
///
/// Input: the schema a document was extracted with, the data (from either backend), the backend's evidence, the pages
/// read, and what the local engine knows beyond the data (`DocumentSignals`). Output: the reasons, one closed set of
/// codes (`ReviewCode`). Runs on the client after every ok result, so the API's data is checked the same way as the
/// engine's. The rules, in the order they are reported:
/// - `pages_truncated`: pages past `--max-pages` were not read.
/// - `schema_mismatch`: the schema has content keywords and none occurs on the page, another schema's keywords win
///   by far, or at most one of four or more fields was found.
/// - `ocr_quality`: the OCR text's word quality is under `ocrQualityFloor`.
/// - `required_missing`: a property JSON Schema's `required` names is null or empty.
/// - `invalid_value`: the schema's `enum`, `format` (`date`: a calendar date), `minimum`, `maximum`,
///   `exclusiveMinimum`, `exclusiveMaximum` and `type`; a due date before the issue date (roles, `Lexicon/roles.json`).
/// - `arithmetic`: subtotal + tax = total, Σ line amounts = subtotal (or = total, for items priced with tax),
///   quantity × unit price = amount, each within one and a half of the currency's minor unit (ISO 4217,
///   `Lexicon/iso4217.json`; a price per unit is read to the decimals it was printed with). The sums are the
///   engine's own (`Sums` in `Checks/Arithmetic.swift`).
/// - `low_confidence`: a top-level field's evidence confidence is under `minConfidence`.
public struct ReviewChecks: ResultReviewer {
    /// The default `--min-confidence`, chosen by measurement (`scripts/bench review`, README): over the four corpora
    /// the engine's confidences do not part right from wrong above 0.5 (wrong totals of receipts at 0.72, right ones at
    /// 0.72 too); under 0.5 sit dev's unlabelled invoice numbers (0.45 and 0.5, all right) and NDAs with a single party
    /// (0.4, one of seven wrong). 0.45 flags the single parties and nothing on dev or real.
    public static let defaultMinConfidence = 0.45
    /// Under this share of word-like tokens an OCR reading is flagged (`ocr_quality`). Measured: the OCR readings of
    /// the corpora (40 receipt scans, dev's photos) were 92% to 100% word-like before letter runs had to keep one
    /// case, and none falls under 75% with that rule (`scripts/bench review` flags none); letter soup is far under.
    public static let ocrQualityFloor = 0.75
    /// A schema the content classifies as, with at least this confidence, when it is not the schema used.
    public static let mismatchConfidence = 0.8
    /// Under this classification confidence for the schema used, the content fits it only weakly (another schema's
    /// words come close: a receipt headed "TAX INVOICE"). Measured: every document of dev and nda-real classifies at
    /// 0.83 or more; the misrouted ones of real and receipts-real at 0.51 to 0.68.
    public static let weakFit = 0.7

    let engine: Engine
    /// `--min-confidence` (0...1): a field whose evidence confidence is under it is `low_confidence`.
    public var minConfidence: Double

    /// - Parameters:
    ///   - engine: resolves schema ids and paths (the built-ins, `--schemas DIR`, schema files).
    ///   - minConfidence: `--min-confidence` (0...1).
    public init(engine: Engine, minConfidence: Double = ReviewChecks.defaultMinConfidence) {
        self.engine = engine
        self.minConfidence = minConfidence
    }

    /// The review of one result: the closed set of reason codes (`ReviewCode`) that apply to `data`, checked against
    /// the schema `id` resolves to (or one inferred from the data's field names for a schema the engine does not know).
    /// - Parameters:
    ///   - id: the schema id or path the data was extracted with.
    ///   - data: the extracted object.
    ///   - evidence: `{field: {"confidence": 0...1, ...}}` when known.
    ///   - pages: pages read and in the document, when the page limit cut it.
    ///   - signals: what the engine knows beyond the data (nil for the API backend).
    /// - Returns: `needed` and the reasons, empty when nothing calls for a look.
    public func review(
        schema id: String, data: JSONValue, evidence: JSONValue?, pages: PagesRead?, signals: DocumentSignals?
    ) -> Review {
        // A schema the engine does not know (an API schema id) is inferred from the data: its fields' roles come from
        // their names, so the sums and dates are still checked; required, enum and bounds need the schema itself.
        let schema = (try? engine.resolve(id)) ?? Schema.inferred(from: data, id: id)
        return Review(
            reasons: Self.reasons(
                schema: schema, data: data, evidence: evidence, pages: pages, signals: signals,
                minConfidence: minConfidence))
    }

    static func reasons(
        schema: Schema, data: JSONValue, evidence: JSONValue?, pages: PagesRead?, signals: DocumentSignals?,
        minConfidence: Double
    ) -> [ReviewReason] {
        var out: [ReviewReason] = []
        let obj = data.objectValue ?? JSONObject()
        if let p = pages {
            out.append(
                ReviewReason(
                    .pagesTruncated, "only the first \(p.read) of \(p.total) pages were read (--max-pages \(p.read))"))
        }
        out += schemaFit(schema, obj, signals)
        if let q = signals?.ocrWordQuality, q < ocrQualityFloor {
            out.append(
                ReviewReason(
                    .ocrQuality, "the OCR text reads poorly: \(Int((q * 100).rounded()))% of its words look like words")
            )
        }
        out += requiredMissing(schema.document, obj, at: "")
        out += invalidValues(schema.document, obj, at: "")
        out += dueBeforeIssue(schema, obj)
        out += arithmetic(
            schema, obj, grossItems: signals?.itemsWithTax ?? [], adjustment: signals?.totalsAdjustment,
            itemsAdjustment: signals?.itemsAdjustment, itemAdjustments: signals?.itemAdjustments ?? [:])
        out += recomputed(schema, obj, signals?.itemsRecomputed ?? [:])
        out += lowConfidence(schema, obj, evidence: evidence, signals: signals, min: minConfidence)
        return out
    }

    // MARK: schema fit

    static func schemaFit(_ schema: Schema, _ o: JSONObject, _ signals: DocumentSignals?) -> [ReviewReason] {
        if signals?.noSchemaKeyword == true {
            return [
                ReviewReason(
                    .schemaMismatch,
                    "none of the words that mark the schema \(schema.id) (x-smole-keywords) occurs in the document")
            ]
        }
        if let other = signals?.classifiedAs, other.confidence >= mismatchConfidence {
            return [
                ReviewReason(
                    .schemaMismatch, "the content reads as \(other.schema) (\(other.confidence)), not \(schema.id)")
            ]
        }
        if let fit = signals?.fitConfidence, fit < weakFit {
            return [
                ReviewReason(
                    .schemaMismatch,
                    "the content reads as \(schema.id) only weakly (\(fit)): another schema's words come close")
            ]
        }
        let top = schema.fields.map(\.name)
        let found = top.filter { !Review.isEmptyExtraction(o[$0] ?? .null) }
        if top.count >= 4, found.count <= 1 {
            return [
                ReviewReason(
                    .schemaMismatch,
                    "only \(found.count) of the \(top.count) fields of \(schema.id) were found (\(found.joined(separator: ", ")))"
                )
            ]
        }
        return []
    }

    // MARK: required

    static func requiredMissing(_ schemaDoc: JSONValue, _ o: JSONObject, at prefix: String) -> [ReviewReason] {
        guard let s = schemaDoc.objectValue else { return [] }
        var out: [ReviewReason] = []
        for name in (s["required"]?.arrayValue ?? []).compactMap(\.stringValue)
        where Review.isEmptyExtraction(o[name] ?? .null) {
            out.append(
                ReviewReason(
                    .requiredMissing, field: prefix + name,
                    "\(prefix + name) is required by the schema and was not found"))
        }
        // inside array items of objects: each item's required fields
        for m in s["properties"]?.objectValue ?? JSONObject() {
            guard let items = m.value["items"], items["required"] != nil, let arr = o[m.key]?.arrayValue else {
                continue
            }
            for (i, item) in arr.enumerated() {
                out += requiredMissing(items, item.objectValue ?? JSONObject(), at: "\(prefix)\(m.key)[\(i)].")
            }
        }
        return out
    }

    // MARK: values

    static func invalidValues(_ schemaDoc: JSONValue, _ o: JSONObject, at prefix: String) -> [ReviewReason] {
        guard let props = schemaDoc["properties"]?.objectValue else { return [] }
        var out: [ReviewReason] = []
        for m in props {
            guard let v = o[m.key], !v.isNull else { continue }
            out += invalid(m.value, v, field: prefix + m.key)
        }
        return out
    }

    static func invalid(_ s: JSONValue, _ v: JSONValue, field: String) -> [ReviewReason] {
        func bad(_ why: String) -> [ReviewReason] { [ReviewReason(.invalidValue, field: field, "\(field) \(why)")] }
        let types: [String] =
            s["type"]?.stringValue.map { [$0] } ?? (s["type"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        let shown = JSON.serialize(v)
        if !types.isEmpty, !types.contains(where: { matches(type: $0, v) }) {
            return bad(
                "is \(shown.count > 40 ? String(shown.prefix(39)) + "…" : shown), not of type \(types.joined(separator: " or "))"
            )
        }
        if let e = s["enum"]?.arrayValue, !e.isEmpty, !e.contains(v) {
            return bad(
                "is \(shown), not one of the schema's values (\(e.map { JSON.serialize($0) }.joined(separator: ", ")))")
        }
        if case .string(let str) = v, let f = s["format"]?.stringValue {
            if f == "date", !SQL.isISODate(str) { return bad("is \"\(str)\", not a date that exists (YYYY-MM-DD)") }
            if f == "date-time", !SQL.isRFC3339(str) { return bad("is \"\(str)\", not an RFC 3339 date-time") }
        }
        if let x = v.doubleValue {
            if let lo = s["minimum"]?.doubleValue, x < lo {
                return bad("is \(shown), under the schema's minimum \(JSON.serialize(s["minimum"]!))")
            }
            if let hi = s["maximum"]?.doubleValue, x > hi {
                return bad("is \(shown), over the schema's maximum \(JSON.serialize(s["maximum"]!))")
            }
            if let lo = s["exclusiveMinimum"]?.doubleValue, x <= lo {
                return bad(
                    "is \(shown), not above the schema's exclusiveMinimum \(JSON.serialize(s["exclusiveMinimum"]!))")
            }
            if let hi = s["exclusiveMaximum"]?.doubleValue, x >= hi {
                return bad(
                    "is \(shown), not under the schema's exclusiveMaximum \(JSON.serialize(s["exclusiveMaximum"]!))")
            }
        }
        var out: [ReviewReason] = []
        if case .object(let o) = v, s["properties"] != nil { out += invalidValues(s, o, at: field + ".") }
        if case .array(let a) = v, let items = s["items"] {
            for (i, item) in a.enumerated() where !item.isNull {
                if items["properties"] != nil, let io = item.objectValue {
                    out += invalidValues(items, io, at: "\(field)[\(i)].")
                } else {
                    out += invalid(items, item, field: "\(field)[\(i)]")
                }
            }
        }
        return out
    }

    static func matches(type: String, _ v: JSONValue) -> Bool {
        switch (type, v) {
        case ("null", .null), ("string", .string), ("boolean", .bool), ("object", .object), ("array", .array):
            return true
        case ("number", .number): return true
        case ("integer", .number(let n)): return Double(n).map { $0 == $0.rounded() } ?? false
        default: return false
        }
    }

    /// A due date before the issue date (fields by role: `due_date`, `issue_date`).
    static func dueBeforeIssue(_ schema: Schema, _ o: JSONObject) -> [ReviewReason] {
        guard let due = schema.field(.dueDate), let issue = schema.field(.issueDate),
            let d = o[due.name]?.stringValue, let i = o[issue.name]?.stringValue, SQL.isISODate(d), SQL.isISODate(i),
            d < i
        else { return [] }
        return [ReviewReason(.invalidValue, field: due.name, "\(due.name) \(d) is before \(issue.name) \(i)")]
    }

    // MARK: arithmetic

    /// An OCR reading's line amounts that the engine replaced by quantity × unit price: each is an `arithmetic`
    /// reason naming the amount as read, since the data shows only the product.
    static func recomputed(_ schema: Schema, _ o: JSONObject, _ items: [Int: Double]) -> [ReviewReason] {
        guard let itemsField = schema.field(.lineItems), let rows = o[itemsField.name]?.arrayValue else { return [] }
        let amountKey = Sums.itemAmountKey(schema)
        let digits = Currency.minorUnits(of: currencyCode(schema, o))
        func money(_ x: Double) -> String { String(format: "%.\(digits)f", x) }
        return items.keys.sorted().compactMap { k in
            guard k < rows.count, let now = rows[k][amountKey]?.doubleValue, let read = items[k] else { return nil }
            return ReviewReason(
                .arithmetic, field: "\(itemsField.name)[\(k)].\(amountKey)",
                "the amount read as \(money(read)) is not quantity × unit price; "
                    + "\(money(now)) was used (an OCR misreading, or a line the page itself got wrong)"
            )
        }
    }

    /// The record's ISO 4217 currency code, when its currency field holds one.
    static func currencyCode(_ schema: Schema, _ o: JSONObject) -> String? {
        schema.field(.currency).flatMap { o[$0.name]?.stringValue }.flatMap { Currency.isCode($0) ? $0 : nil }
    }

    /// The sums: subtotal + tax = total (or with the totals block's `adjustment`); per line quantity × unit price =
    /// amount (plus the line's own charges and allowances, `itemAdjustments`); Σ line amounts = subtotal (or total,
    /// or total − tax; or the subtotal less the document-level `itemsAdjustment`).
    static func arithmetic(
        _ schema: Schema, _ o: JSONObject, grossItems: Set<Int> = [], adjustment: Double? = nil,
        itemsAdjustment: Double? = nil, itemAdjustments: [Int: Double] = [:]
    ) -> [ReviewReason] {
        let currency = currencyCode(schema, o)
        let unit = pow(10.0, -Double(Currency.minorUnits(of: currency)))
        let tolerance = unit * 1.5
        func num(_ role: Role) -> (String, Double)? {
            guard let f = schema.field(role), let v = o[f.name]?.doubleValue else { return nil }
            return (f.name, v)
        }
        func money(_ x: Double) -> String { String(format: "%.\(Currency.minorUnits(of: currency))f", x) }
        var out: [ReviewReason] = []
        let sub = num(.subtotal), tax = num(.tax), tot = num(.total)
        if let s = sub, let t = tax, let g = tot, !Sums.closes(s.1, t.1, g.1, rounding: nil, tolerance: tolerance),
            !Sums.closes(s.1, t.1, g.1, rounding: adjustment ?? 0, tolerance: tolerance)
        {
            out.append(
                ReviewReason(
                    .arithmetic, field: g.0,
                    "\(s.0) \(money(s.1)) + \(t.0) \(money(t.1)) = \(money(s.1 + t.1)), not \(g.0) \(money(g.1))"))
        }
        guard let itemsField = schema.field(.lineItems), let items = o[itemsField.name]?.arrayValue, !items.isEmpty
        else { return out }
        let amountKey = Sums.itemAmountKey(schema)
        let qtyKey = Sums.itemKey(schema, .itemQuantity), priceKey = Sums.itemKey(schema, .itemUnitPrice)
        // quantity × unit price = amount, per item
        if let qtyKey, let priceKey {
            for (i, item) in items.enumerated() where !grossItems.contains(i) {
                guard let q = item[qtyKey]?.doubleValue, let p = item[priceKey]?.doubleValue,
                    let a = item[amountKey]?.doubleValue
                else { continue }
                // the price per unit is exact to the decimals printed: its rounding grows with the quantity
                let priceStep: Double = {
                    if case .number(let lit)? = item[priceKey], let dot = lit.firstIndex(of: "."), !lit.contains("e"),
                        !lit.contains("E")
                    {
                        return pow(10.0, -Double(lit.distance(from: lit.index(after: dot), to: lit.endIndex)))
                    }
                    return 1
                }()
                // a credit line prints its amount negative beside a positive quantity and price: compare magnitudes
                let product = (a < 0 && q * p > 0 ? -(q * p) : q * p) + (itemAdjustments[i] ?? 0)
                if abs(product - a) > tolerance + abs(q) * min(priceStep, unit) / 2 {
                    let f = "\(itemsField.name)[\(i)].\(amountKey)"
                    out.append(
                        ReviewReason(
                            .arithmetic, field: f,
                            "\(JSON.serialize(item[qtyKey]!)) × \(JSON.serialize(item[priceKey]!)) = \(money(q * p)), not \(money(a))"
                        ))
                }
            }
        }
        // Σ line amounts = subtotal (or = total when the items are priced with tax, or when there is no subtotal)
        if items.allSatisfy({ $0[amountKey]?.doubleValue != nil }) {
            let sum = Sums.itemsTotal(items, amountKey: amountKey)
            let targets = [
                sub?.1, tot?.1, tot.flatMap { g in tax.map { g.1 - $0.1 } },
                sub.flatMap { s in itemsAdjustment.map { s.1 - $0 } },
            ].compactMap { $0 }
            if !targets.isEmpty, !targets.contains(where: { abs($0 - sum) < tolerance }) {
                let against = sub.map { "\($0.0) \(money($0.1))" } ?? tot.map { "\($0.0) \(money($0.1))" } ?? ""
                out.append(
                    ReviewReason(
                        .arithmetic, field: itemsField.name,
                        "the \(items.count) line amounts add up to \(money(sum)), not \(against)"))
            } else if sub == nil, let t = tax, t.1 > tolerance, let g = tot, abs(g.1 - sum) < tolerance,
                abs(g.1 - t.1 - sum) >= tolerance, grossItems.isEmpty, schema.id != "receipt",
                schema.field("merchant_name") == nil
            {
                // On an invoice the lines are net unless a column says otherwise: lines that add up to the total
                // while a tax is printed and no subtotal mean the "total" read is the amount before tax ("Total
                // HTVA", "Total Ilíquido"), or that the lines are priced with tax. (A till slip's prices include
                // tax as a rule: not checked there.)
                out.append(
                    ReviewReason(
                        .arithmetic, field: g.0,
                        "the \(items.count) line amounts add up to the \(g.0) \(money(g.1)) although a \(t.0) of "
                            + "\(money(t.1)) is printed and no subtotal: is \(money(g.1)) the amount before tax?"))
            }
        }
        return out
    }

    // MARK: confidence

    static func lowConfidence(
        _ schema: Schema, _ o: JSONObject, evidence: JSONValue?, signals: DocumentSignals?, min: Double
    ) -> [ReviewReason] {
        var out: [ReviewReason] = []
        for f in schema.fields {
            guard let v = o[f.name], !Review.isEmptyExtraction(v) else { continue }
            let c = signals?.fieldConfidence[f.name] ?? evidence?[f.name]?["confidence"]?.doubleValue
            if let c, c < min {
                out.append(
                    ReviewReason(
                        .lowConfidence, field: f.name,
                        "\(f.name) was read with confidence \(String(format: "%.2f", c)), under \(String(format: "%.2f", min))"
                    ))
            }
        }
        return out
    }

    // MARK: dates

    /// The confidence (0...1) an agreement's effective date keeps when its signature part carries dates and none of
    /// them is that date (the contract resolver's `signingDates`, applied to the evidence itself so that `--evidence`
    /// and the review agree): under `defaultMinConfidence`, so it is flagged `low_confidence`.
    /// Measured on nda-real (session 6): of the 20 agreements with an effective date in the truth, 2 of the 3 whose
    /// date the engine got wrong are caught ("made this 6th of February, 1999" signed 2/8/99 and 2/9/99; a letter of
    /// December 28, 2006 accepted January 3, 2007), and none of the 17 it got right.
    static let otherSigningDateConfidence = 0.3

    /// The confidence (0...1) a date keeps when its order is in doubt (`Parse.dateOrderInDoubt`: 03/04/2026 on a page
    /// whose US address says month first and whose euro amounts say day first): under `defaultMinConfidence`, so the
    /// date is flagged `low_confidence`. None of dev, real, receipts-real or nda-real has such a page (session 8).
    static let ambiguousDateConfidence = 0.35

    // MARK: OCR

    /// The confidence (0...1) a party name read by OCR keeps when one of its words mixes letters and digits
    /// (`hasMixedWord`), lost the spaces between its words (`hasGluedWords`) or is read two ways on the page
    /// (`readTwoWays`): under `defaultMinConfidence`, so the field is
    /// flagged `low_confidence`. Measured on receipts-real (session 6): the merchants with a mixed word were 2 of 40,
    /// both misread ("99SFEED MART5/9", "99SPEED N9R7 S/B"); no right one had one.
    static let misreadNameConfidence = 0.3

    /// Whether a word of `name` (letters and digits between other characters) has both letters and digits:
    /// "MART5", "N9R7", "99SFEED" — the way OCR misreads a name's letters as digits or glues them to a number. Names
    /// that write a number as its own word ("99 SPEED MART", "7-ELEVEN") have none.
    static func hasMixedWord(_ name: String) -> Bool {
        name.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).contains { w in
            w.contains(where: \.isLetter) && w.contains(where: \.isNumber)
        }
    }

    /// Whether `name` holds a word of sixteen capitals or more: OCR that lost the spaces between a name's words
    /// ("SANYUSTATIONERYSHOP"). Names in capitals write their words apart; a long compound in capitals is rare.
    static func hasGluedWords(_ name: String) -> Bool {
        name.split(whereSeparator: { !$0.isLetter }).contains { w in w.count >= 16 && w.allSatisfy(\.isUppercase) }
    }

    /// Whether a word of `name` of four letters or more is spelt with exactly one other letter in `head` (the first
    /// lines of the OCR page): the same name read two ways ("SANYO STATIONERY" above "SANYU SUPPLY SDN BHD"), so one
    /// of the readings is wrong. Measured on receipts-real (session 6): 4 of 40 merchants, 3 of them misread.
    static func readTwoWays(_ name: String, head: ArraySlice<Substring>?) -> Bool {
        guard let head else { return false }
        func words(_ s: some StringProtocol) -> [[Character]] {
            s.uppercased().split(whereSeparator: { !$0.isLetter }).map(Array.init)
        }
        let own = words(name).filter { $0.count >= 4 }
        guard !own.isEmpty else { return false }
        let others = Set(head.flatMap { words($0) }.filter { $0.count >= 4 }.map { String($0) })
        return own.contains { w in
            others.contains { o in
                o.count == w.count && zip(o, w).filter { $0 != $1 }.count == 1
            }
        }
    }

    /// The share (0...1) of an OCR text's tokens that read as words or numbers; nil when it has no tokens.
    ///
    /// A token (letters or digits, two or more characters, outer punctuation removed) reads as a word when it is
    /// letters in one case pattern (`word`, `WORD`, `Word`) with a vowel when it is longer than three, as a number when
    /// it is digits with the marks of amounts, dates and times, as a code when letters and digits change place at most
    /// twice (`INV-2025`, `10am`). Tesseract's own word confidence would need its TSV output besides the text; this is
    /// computed from the text the engine already has.
    public static func ocrWordQuality(_ pages: [String]) -> Double? {
        var counted = 0, clean = 0
        let outer = CharacterSet(charactersIn: ".,:;()[]{}\"'!?*-_|/\\<>«»“”‘’")
        let vowels = Set("aeiouyäöüàâéèêëîïôûùÿæœåø")
        // letters in one case pattern: word, WORD, Word
        func oneCase(_ w: Substring) -> Bool {
            let lower = w.lowercased()
            return w == Substring(lower) || w == Substring(w.uppercased())
                || (w.first?.isUppercase == true && w.dropFirst() == Substring(lower).dropFirst())
        }
        for page in pages {
            for raw in page.split(whereSeparator: { $0.isWhitespace }) {
                let t = raw.trimmingCharacters(in: outer)
                guard t.count >= 2, t.contains(where: { $0.isLetter || $0.isNumber }) else { continue }
                counted += 1
                if t.allSatisfy(\.isLetter) {
                    if oneCase(Substring(t)), t.count <= 3 || t.lowercased().contains(where: { vowels.contains($0) }) {
                        clean += 1
                    }
                } else if t.allSatisfy({ $0.isNumber || ".,:/-%$€£¥+".contains($0) }) {
                    clean += 1
                } else if t.allSatisfy({ $0.isLetter || $0.isNumber || "-/.&'#".contains($0) }) {
                    var changes = 0
                    var last: Bool? = nil
                    for c in t where c.isLetter || c.isNumber {
                        if let l = last, l != c.isNumber { changes += 1 }
                        last = c.isNumber
                    }
                    // each run of letters in one case pattern too ("INV-2025", "10am"; not "kWp3r")
                    let runs = t.split(whereSeparator: { !$0.isLetter })
                    if changes <= 2, runs.allSatisfy(oneCase) { clean += 1 }
                }
            }
        }
        return counted == 0 ? nil : Double(clean) / Double(counted)
    }
}

extension Schema {
    /// A schema read off the data itself, for data whose schema the engine does not know (an API schema id): each
    /// top-level key a field of the JSON type its value has (`format: date` for ISO dates), arrays of objects with
    /// their first item's keys. Roles come from the field names (`Lexicon/roles.json`), so the sums and dates can be
    /// checked; its document keeps only `format`, as types read off the data cannot be violated by it, and nothing
    /// is required.
    static func inferred(from data: JSONValue, id: String) -> Schema {
        func prop(_ v: JSONValue) -> JSONValue {
            switch v {
            case .number: return ["type": "number"]
            case .bool: return ["type": "boolean"]
            case .string(let s): return SQL.isISODate(s) ? ["type": "string", "format": "date"] : ["type": "string"]
            case .object(let o) where !o.isEmpty:
                return [
                    "type": "object", "properties": .object(JSONObject(o.members.map { ($0.key, prop($0.value)) })),
                ]
            case .array(let a):
                if let first = a.first(where: { !($0.objectValue?.isEmpty ?? true) }) {
                    return ["type": "array", "items": prop(first)]
                }
                return ["type": "array", "items": ["type": "string"]]
            case .null, .object: return ["type": "string"]
            }
        }
        func untyped(_ v: JSONValue) -> JSONValue {
            guard case .object(let o) = v else { return v }
            return .object(
                JSONObject(
                    members: o.members.filter { $0.key != "type" }.map { .init(key: $0.key, value: untyped($0.value)) })
            )
        }
        var props = JSONObject()
        for m in data.objectValue ?? JSONObject() { props[m.key] = prop(m.value) }
        if props.isEmpty { props["_"] = ["type": "string"] }
        let doc: JSONValue = ["type": "object", "properties": .object(props)]
        var s =
            (try? Schema.load(id: id, source: "the data of \(id)", bytes: Array(JSON.serialize(doc).utf8)))
            ?? Schema(id: id, source: id, fields: [], keywords: [], document: .null)
        s.document = untyped(doc)
        return s
    }
}
