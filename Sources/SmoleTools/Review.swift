import SmoleRecords

/// Whether a person should look at a result, and why: the record's `review` field (DESIGN.md, issue 10).
///
/// `status` keeps its meaning (`ok`: the backend produced data); `review` says whether that data can be trusted
/// as it is. The checks run on the client over the returned data, whichever backend produced it
/// (`SmoleEngine.ReviewChecks`); the local engine adds what only it knows (its per-field confidence, how well the
/// OCR read, whether the page reads like the schema at all) as `DocumentSignals`.

/// The closed set of reasons a result needs review. Each has a fixed meaning, documented in smole.7.
public enum ReviewCode: String, Sendable, CaseIterable, Codable {
    /// A field the schema lists in JSON Schema's `required` is null or empty.
    case requiredMissing = "required_missing"
    /// The amounts disagree beyond the currency's minor unit (ISO 4217): Σ line amounts vs subtotal,
    /// subtotal + tax vs total, quantity × unit price vs amount.
    case arithmetic
    /// A field's evidence confidence is under `--min-confidence`.
    case lowConfidence = "low_confidence"
    /// The document has more pages than were read (`--max-pages`).
    case pagesTruncated = "pages_truncated"
    /// The content does not look like the schema it was extracted with.
    case schemaMismatch = "schema_mismatch"
    /// The OCR reading of the document is poor.
    case ocrQuality = "ocr_quality"
    /// A value outside the schema's `enum`, `format`, `minimum`/`maximum`, a date that does not exist, a due date
    /// before the issue date.
    case invalidValue = "invalid_value"

    /// One line for man pages and reports.
    public var summary: String {
        switch self {
        case .requiredMissing: "a field the schema marks required (JSON Schema \"required\") is null"
        case .arithmetic:
            "the amounts do not add up (line items vs subtotal, subtotal + tax vs total, quantity x unit price vs amount), beyond the currency's minor unit"
        case .lowConfidence: "a field's evidence confidence is under --min-confidence"
        case .pagesTruncated: "the document has more pages than were read (--max-pages)"
        case .schemaMismatch: "the content does not look like the schema it was extracted with"
        case .ocrQuality: "the OCR text reads poorly (few of its words look like words)"
        case .invalidValue:
            "a value outside the schema's enum, format, minimum or maximum; a date that does not exist; a due date before the issue date"
        }
    }
}

/// One reason a result needs review: `{"code", "field", "message"}` (`field` is null for the whole document).
public struct ReviewReason: Sendable, Equatable {
    /// Which check found the problem.
    public var code: ReviewCode
    /// The field concerned, as a path (`total`, `line_items[2].amount`); nil when it is the whole document.
    public var field: String?
    /// What is wrong, in words for the person reviewing.
    public var message: String
    /// A reason about `field` (nil: the whole document).
    public init(_ code: ReviewCode, field: String? = nil, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    /// `{"code", "field", "message"}`, `field` null for the whole document.
    public var json: JSONValue {
        .object(
            JSONObject([
                ("code", .string(code.rawValue)), ("field", field.map(JSONValue.string) ?? .null),
                ("message", .string(message)),
            ]))
    }
}

/// A record's `review`: `{"needed": bool, "reasons": [...]}`. `needed` is true exactly when there are reasons.
public struct Review: Sendable, Equatable {
    /// The reasons, in the order the checks found them; empty when the data can be used as it is.
    public var reasons: [ReviewReason]
    /// A review with these reasons (none by default: nothing to review).
    public init(reasons: [ReviewReason] = []) { self.reasons = reasons }
    /// Whether a person should look at the result: true exactly when there are reasons.
    public var needed: Bool { !reasons.isEmpty }

    /// `{"needed": bool, "reasons": [ReviewReason...]}`.
    public var json: JSONValue {
        .object(JSONObject([("needed", .bool(needed)), ("reasons", .array(reasons.map(\.json)))]))
    }

    /// Reads a record's `review` leniently: nil when absent or not an object; reasons with an unknown code are kept
    /// by their code string in `codes`.
    public static func codes(of review: JSONValue?) -> (needed: Bool, codes: [String], fields: [String?])? {
        guard let o = review?.objectValue else { return nil }
        let reasons = o["reasons"]?.arrayValue ?? []
        let codes = reasons.map { $0["code"]?.stringValue ?? "(none)" }
        let fields = reasons.map { $0["field"]?.stringValue }
        let needed = o["needed"]?.boolValue ?? !reasons.isEmpty
        return (needed, codes, fields)
    }

    /// Whether `data` holds nothing at all: every value null, an empty string, an empty array, or an object of such
    /// (a document with no field found is the error `nothing_extracted`, not an ok result).
    public static func isEmptyExtraction(_ data: JSONValue) -> Bool {
        switch data {
        case .null: return true
        case .string(let s): return s.allSatisfy(\.isWhitespace)
        case .array(let a): return a.allSatisfy(isEmptyExtraction)
        case .object(let o): return o.members.allSatisfy { isEmptyExtraction($0.value) }
        case .number, .bool: return false
        }
    }
}

/// What the local engine knows about a reading beyond its data, for the review checks.
public struct DocumentSignals: Sendable, Equatable {
    /// Evidence confidence (0...1) of each top-level field that was found, as `--evidence` reports it.
    public var fieldConfidence: [String: Double] = [:]
    /// For OCR readings: the share (0...1) of the text's word tokens that read as words or numbers; nil when the
    /// text did not come from OCR. A cheap signal computed from the text tesseract returned (its own per-word
    /// confidence would need a second output format; the engine does not ask for it).
    public var ocrWordQuality: Double? = nil
    /// Whether the schema has content keywords (`x-smole-keywords`) and none of them occurs in the document.
    public var noSchemaKeyword: Bool = false
    /// The schema the content classifies as instead, with its confidence, when that is another schema.
    public var classifiedAs: (schema: String, confidence: Double)? = nil
    /// The classification's confidence (0...1) when the content classifies as the schema used: low when another
    /// schema's words come close.
    public var fitConfidence: Double? = nil
    /// Indices of line items whose amount is the line's gross: quantity × unit price plus the tax the document prints
    /// in its own column. The per-item product check does not apply to them.
    public var itemsWithTax: Set<Int> = []
    /// Line items (by index) of an OCR reading whose amount the engine replaced by quantity × unit price, each with
    /// the amount as read; the review names them, as the data no longer shows what the page printed.
    public var itemsRecomputed: [Int: Double] = [:]
    /// The signed sum, in the document's currency, of the totals block's discounts, charges and cash rounding
    /// between subtotal + tax and the total (a discount negative); nil when the document prints none. The
    /// subtotal + tax = total check accepts a total that these explain.
    public var totalsAdjustment: Double? = nil
    /// The signed sum, in the document's currency, of the document-level charges (added) and allowances (taken off)
    /// between the sum of the line amounts and the subtotal (EN 16931: BT-106 + BT-108 − BT-107 = BT-109); nil when
    /// the document states none. The Σ line amounts = subtotal check accepts lines that these explain.
    public var itemsAdjustment: Double? = nil
    /// Line items (by index) with charges or allowances of their own, each with their signed sum (EN 16931: BT-131 =
    /// quantity × net price + BT-141 − BT-136). The quantity × unit price = amount check adds it.
    public var itemAdjustments: [Int: Double] = [:]
    /// No signals: no confidences, no OCR, no schema doubt.
    public init() {}

    /// Equal when every signal but `itemsWithTax` is equal (the tuple `classifiedAs` compared member by member).
    public static func == (a: DocumentSignals, b: DocumentSignals) -> Bool {
        a.fieldConfidence == b.fieldConfidence && a.ocrWordQuality == b.ocrWordQuality
            && a.noSchemaKeyword == b.noSchemaKeyword
            && a.fitConfidence == b.fitConfidence
            && a.classifiedAs?.schema == b.classifiedAs?.schema
            && a.classifiedAs?.confidence == b.classifiedAs?.confidence
            && a.totalsAdjustment == b.totalsAdjustment && a.itemsRecomputed == b.itemsRecomputed
            && a.itemsAdjustment == b.itemsAdjustment && a.itemAdjustments == b.itemAdjustments
    }
}
