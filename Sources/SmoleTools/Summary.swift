import Foundation
import SmoleRecords

/// What one result record says about its document, read leniently: odd fields never crash
/// the reader, they are noted in `problems` so the tool can name the place.
public struct ResultInfo: Sendable {
    /// Where a record leaves its document.
    public enum Outcome: Sendable, Equatable {
        /// `status` is `ok`.
        case ok
        /// `status` is `error`, or `status` is absent and there is an `error` object.
        case failed
        /// No result yet: an input record (no `status`, no `error`), or a bare path line.
        case pending
    }

    /// Whether the record is a success, a failure, or no result yet.
    public var outcome: Outcome
    /// The `schema` field, if it is a string.
    public var schema: String?
    /// The error code as written (`nil` when the error has none).
    public var code: String?
    /// `error.message` when it is a string, or the `error` value itself when that is a bare string.
    public var message: String?
    /// `error.retryable` when it is a boolean, else the code's default, else false.
    public var retryable: Bool
    /// A whole, non-negative `attempts`; nil when absent or not a count.
    public var attempts: Int?
    /// `backend`: "local", or the API base URL the document was sent to.
    public var backend: String?
    /// A non-negative `elapsed_ms`; nil when absent or not a number.
    public var elapsedMs: Double?
    /// `review.needed` of an ok record, when it carries a review.
    public var reviewNeeded: Bool?
    /// The review reasons' codes and fields, in record order.
    public var reviewReasons: [(code: String, field: String?)] = []
    /// Odd fields, worded for a warning.
    public var problems: [String] = []

    /// Reads a record; every field that is not as the record contract says is worded into `problems` rather than
    /// rejected.
    public init(_ r: Record) {
        outcome = .pending
        schema = r["schema"]?.stringValue
        backend = r["backend"]?.stringValue
        retryable = false
        let errorValue: JSONValue? = r["error"].flatMap { $0.isNull ? Optional<JSONValue>.none : $0 }
        switch r["status"] {
        case .string("ok"): outcome = .ok
        case .string("error"): outcome = .failed
        case nil, .null?: outcome = errorValue == nil ? .pending : .failed
        case .string(let s)?:
            problems.append("unknown status \"\(s)\"; the document counts as having no result")
            outcome = .pending
        case let v?:
            problems.append("status is not a string (\(JSON.serialize(v))); the document counts as having no result")
            outcome = .pending
        }
        if outcome == .failed {
            if let e = errorValue?.objectValue {
                switch e["code"] {
                case .string(let c)?:
                    code = c
                    if ErrorCode(rawValue: c) == nil { problems.append("unknown error code \"\(c)\"") }
                case nil, .null?: problems.append("the error has no code")
                case let v?: problems.append("error.code is not a string (\(JSON.serialize(v)))")
                }
                message = e["message"]?.stringValue
                switch e["retryable"] {
                case .bool(let b)?: retryable = b
                case nil, .null?: retryable = code.flatMap(ErrorCode.init(rawValue:))?.defaultRetryable ?? false
                case let v?:
                    problems.append("error.retryable is not a boolean (\(JSON.serialize(v)))")
                    retryable = code.flatMap(ErrorCode.init(rawValue:))?.defaultRetryable ?? false
                }
            } else if let v = errorValue {
                problems.append("error is not an object (\(ResultInfo.clip(JSON.serialize(v), 60)))")
                message = v.stringValue
            } else {
                problems.append("status is \"error\" but there is no error object")
            }
        }
        if outcome == .ok, let rv = r["review"], !rv.isNull {
            if let read = Review.codes(of: rv) {
                reviewNeeded = read.needed
                reviewReasons = zip(read.codes, read.fields).map { ($0, $1) }
                for c in read.codes where ReviewCode(rawValue: c) == nil {
                    problems.append("unknown review code \"\(c)\"")
                }
            } else {
                problems.append("review is not an object (\(ResultInfo.clip(JSON.serialize(rv), 40))); ignored")
            }
        }
        switch r["attempts"] {
        case nil, .null?: attempts = nil
        case let v?:
            if let n = v.intValue, n >= 0 {
                attempts = n
            } else {
                problems.append("attempts is not a whole number (\(ResultInfo.clip(JSON.serialize(v), 40)))")
            }
        }
        switch r["elapsed_ms"] {
        case nil, .null?: elapsedMs = nil
        case let v?:
            if let d = v.doubleValue, d >= 0, d.isFinite {
                elapsedMs = d
            } else {
                problems.append(
                    "elapsed_ms is not a non-negative number (\(ResultInfo.clip(JSON.serialize(v), 40))); ignored")
            }
        }
    }

    static func clip(_ s: String, _ n: Int) -> String {
        s.count <= n ? s : String(s.prefix(n)) + "…"
    }
}

/// Caps repeated warnings so a file full of odd records does not flood stderr.
struct WarningBudget {
    var left = 20
    var suppressed = 0
    mutating func warn(_ message: String, source: String, line: Int) {
        if left > 0 {
            left -= 1
            Diagnostics.warning(message, source: source, line: line)
        } else {
            suppressed += 1
        }
    }
    func finish() {
        if suppressed > 0 { Diagnostics.warning("\(suppressed) more warnings not shown") }
    }
}

/// Summary statistics over a results stream: the latest record per document (`DocumentKey`,
/// folded by `ResultFold`) counts.
/// Memory holds one small entry per document (and the messages of failed ones).
public struct Summary {
    struct Doc {
        var outcome: ResultInfo.Outcome
        var schema: String?
        var code: String?
        var message: String?
        var retryable: Bool
        var attempts: Int?
        var elapsedMs: Double?
        var source: String
        var line: Int
        var backend: String? = nil
        var reviewNeeded: Bool? = nil
        var reviewReasons: [(code: String, field: String?)] = []
    }

    /// An input line that did not count as a document, with its place: a bad line or a record without a path.
    public struct Located: Sendable, Equatable {
        /// The input's name (`<stdin>` for standard input).
        public var source: String
        /// The 1-based line number in `source`.
        public var line: Int
        /// The error code (`bad_record` for a bad line; the record's own code, if any, for a record without a path).
        public var code: String?
        /// Why the line did not count, without its ` (at FILE:LINE)` place.
        public var message: String
    }

    /// The latest state of each document, folded by `ResultFold`.
    private var fold = ResultFold.Latest<DocumentKey, Doc>()
    /// Lines of the input that were not valid records (malformed JSON, invalid UTF-8, not an object).
    public private(set) var badLines: [Located] = []
    /// JSON records with no `path` (for example `bad_record` results passed through by smole-extract).
    public private(set) var withoutPath: [Located] = []
    /// How many of `withoutPath` are error records.
    public private(set) var withoutPathFailed = 0
    /// Records with odd fields (the fields are named in warnings).
    public private(set) var oddRecords = 0
    var warnings = WarningBudget()
    /// Whether `add` prints warnings on stderr as it reads (bad lines, odd fields, records without path); tests that
    /// check the counts alone turn it off.
    public var emitWarnings = true

    /// An empty summary.
    public init() {}

    /// Input lines per source, and how many of them were not records.
    private var linesBySource: [String: (lines: Int, bad: Int)] = [:]
    private var sourceOrder: [String] = []

    /// The sources none of whose lines is a JSON record: another kind of file given by mistake
    /// (a CSV, a path list), not a results stream.
    public var sourcesOfAnotherKind: [String] {
        sourceOrder.filter { s in linesBySource[s].map { $0.lines > 0 && $0.bad == $0.lines } ?? false }
    }

    /// Folds one input line in.
    public mutating func add(_ input: InputLine) {
        if linesBySource[input.source] == nil { sourceOrder.append(input.source) }
        var tally = linesBySource[input.source] ?? (0, 0)
        tally.lines += 1
        if case .bad = input.item { tally.bad += 1 }
        linesBySource[input.source] = tally
        switch input.item {
        case .bad(let r):
            let msg = Diagnostics.withoutPlace(r.error?.message ?? "not a valid record")
            if emitWarnings { Diagnostics.badLine(r, source: input.source, line: input.line) }
            badLines.append(
                Located(source: input.source, line: input.line, code: ErrorCode.badRecord.rawValue, message: msg))
        case .path(let p):
            put(
                DocumentKey(path: p), isRecord: nil,
                Doc(
                    outcome: .pending, schema: nil, code: nil, message: nil, retryable: false, attempts: nil,
                    elapsedMs: nil, source: input.source, line: input.line))
        case .record(let r):
            let info = ResultInfo(r)
            guard let path = r.documentPath else {
                if r.hasPathField {
                    badLines.append(
                        Located(
                            source: input.source, line: input.line, code: ErrorCode.badRecord.rawValue,
                            message: "path is not a non-empty string or {\"bytes\": base64}"))
                    return
                }
                let msg =
                    info.message ?? (info.outcome == .failed ? "error record without a path" : "record without a path")
                withoutPath.append(Located(source: input.source, line: input.line, code: info.code, message: msg))
                if info.outcome == .failed { withoutPathFailed += 1 }
                if emitWarnings, info.outcome != .failed {
                    warnings.warn(
                        "record has no path; it is not counted as a document", source: input.source, line: input.line)
                }
                return
            }
            if !info.problems.isEmpty {
                oddRecords += 1
                if emitWarnings {
                    warnings.warn(info.problems.joined(separator: "; "), source: input.source, line: input.line)
                }
            }
            put(
                path.key, isRecord: r,
                Doc(
                    outcome: info.outcome, schema: info.schema, code: info.code, message: info.message,
                    retryable: info.retryable, attempts: info.attempts, elapsedMs: info.elapsedMs,
                    source: input.source, line: input.line, backend: info.backend,
                    reviewNeeded: info.reviewNeeded, reviewReasons: info.reviewReasons))
        }
    }

    /// Keeps `d` as the document's latest state under the `ResultFold` rule (`r` nil: a bare path line).
    private mutating func put(_ key: DocumentKey, isRecord r: Record?, _ d: Doc) {
        if !fold.offer(r, key: key, value: { d }) {
            if r.map(ResultFold.Kept.init) ?? .input == .input { ignoredInputs += 1 } else { ignoredAfterOK += 1 }
        }
    }

    /// Error records that came after an ok result for the same document but say nothing about the
    /// document itself (see `ResultFold`), and so did not replace it.
    public private(set) var ignoredAfterOK = 0
    /// Input records (no result) and bare path lines that came after a result for the same document, and so did
    /// not replace it.
    public private(set) var ignoredInputs = 0

    /// Prints how many warnings the budget of 20 suppressed, if any; call once after the last `add`.
    public func finishWarnings() { warnings.finish() }

    /// Computes the statistics. A retryable failure whose attempts reached `maxAttempts`
    /// counts as exhausted: smole-retry would not emit it again.
    public func stats(maxAttempts: Int) -> SummaryStats {
        var s = SummaryStats()
        s.maxAttempts = maxAttempts
        s.documents = fold.count
        let keys = fold.keys
        var schemaRows: [String: SummaryStats.SchemaRow] = [:]
        var errorRows: [String: SummaryStats.ErrorRow] = [:]
        var reviewRows: [String: SummaryStats.ReviewRow] = [:]
        var latencies: [Double] = []
        var attemptValues: [Int] = []
        for (i, d) in fold.values.enumerated() {
            let key = d.schema ?? SummaryStats.noSchema
            var row = schemaRows[key] ?? SummaryStats.SchemaRow(schema: key)
            row.documents += 1
            switch d.outcome {
            case .ok:
                s.ok += 1; row.ok += 1
                if let needed = d.reviewNeeded {
                    s.reviewed += 1
                    if needed {
                        s.needsReview += 1; row.needsReview += 1
                        var seen = Set<String>()
                        for r in d.reviewReasons {
                            var e = reviewRows[r.code] ?? SummaryStats.ReviewRow(code: r.code)
                            e.reasons += 1
                            if seen.insert(r.code).inserted { e.documents += 1 }
                            reviewRows[r.code] = e
                        }
                        s.toReview.append(
                            SummaryStats.ToReview(
                                path: keys[i].display, pathJSON: keys[i].json, schema: d.schema,
                                reasons: d.reviewReasons.map { SummaryStats.ReviewRef(code: $0.code, field: $0.field) },
                                source: d.source, line: d.line))
                    }
                }
            case .pending:
                s.noResult += 1; row.noResult += 1
            case .failed:
                s.failed += 1; row.failed += 1
                let code = d.code ?? SummaryStats.noCode
                var e = errorRows[code] ?? SummaryStats.ErrorRow(code: code, count: 0, retryable: 0)
                e.count += 1
                let exhausted = d.retryable && (d.attempts ?? 0) >= maxAttempts
                if d.retryable { e.retryable += 1 }
                if d.retryable && !exhausted {
                    s.retryable += 1
                    if let b = d.backend, b.hasPrefix("http://") || b.hasPrefix("https://") {
                        s.retryBackends.insert(b)
                    }
                }
                if exhausted { s.exhausted += 1 }
                errorRows[code] = e
                s.failures.append(
                    SummaryStats.Failure(
                        path: keys[i].display, pathJSON: keys[i].json, schema: d.schema, code: d.code,
                        message: d.message ?? "",
                        retryable: d.retryable, exhausted: exhausted, attempts: d.attempts, source: d.source,
                        line: d.line))
            }
            schemaRows[key] = row
            if let e = d.elapsedMs { latencies.append(e) }
            if let a = d.attempts { attemptValues.append(a) }
        }
        s.schemas = schemaRows.values.sorted { ($0.documents, $1.schema) > ($1.documents, $0.schema) }
        s.errors = errorRows.values.sorted { ($0.count, $1.code) > ($1.count, $0.code) }
        s.failures.sort { $0.path < $1.path }
        s.reviewCodes = reviewRows.values.sorted { ($0.documents, $1.code) > ($1.documents, $0.code) }
        s.toReview.sort { a, b in
            let (pa, pb) = (a.priority, b.priority)
            if pa != pb { return pa < pb }
            if a.reasons.count != b.reasons.count { return a.reasons.count > b.reasons.count }
            return a.path < b.path
        }
        latencies.sort()
        s.latencyCount = latencies.count
        s.p50 = SummaryStats.percentile(latencies, 0.50)
        s.p95 = SummaryStats.percentile(latencies, 0.95)
        s.latencyMax = latencies.last
        s.attemptsCount = attemptValues.count
        if !attemptValues.isEmpty {
            s.attemptsMean = Double(attemptValues.reduce(0, +)) / Double(attemptValues.count)
            s.attemptsMax = attemptValues.max()
            s.attemptsMoreThanOne = attemptValues.filter { $0 > 1 }.count
        }
        s.badLines = badLines
        s.withoutPath = withoutPath
        s.failedWithoutPath = withoutPathFailed
        s.oddRecords = oddRecords
        return s
    }
}

/// The numbers a summary reports, ready to render as text or JSON.
public struct SummaryStats: Sendable {
    /// The schema name the tables show for documents without a schema.
    public static let noSchema = "(none)"
    /// The error code name the tables show for failures without a code.
    public static let noCode = "(none)"

    /// The counts of one schema (`(none)` for documents without one).
    public struct SchemaRow: Sendable, Equatable {
        /// The schema id, or `noSchema`.
        public var schema: String
        public var documents = 0, ok = 0, failed = 0, noResult = 0
        /// ok documents of this schema whose review says they need one.
        public var needsReview = 0
    }
    /// One review reason code: the documents it is on, and how many times it is given.
    public struct ReviewRow: Sendable, Equatable {
        /// The review reason's code (`ReviewCode`).
        public var code: String
        /// How many documents give this reason at least once.
        public var documents = 0
        /// How many times the reason is given, over all documents.
        public var reasons = 0
    }
    /// One review reason of a document: its code, and the field it is about when there is one.
    public struct ReviewRef: Sendable, Equatable {
        /// The review reason's code (`ReviewCode`).
        public var code: String
        /// The `data` field the reason is about; nil for a reason about the whole document.
        public var field: String?
    }
    /// An ok document that needs review, with its reasons.
    public struct ToReview: Sendable, Equatable {
        /// The key shown to people (bytes outside UTF-8 as `\xNN`).
        public var path: String
        /// The key as records carry it (`{"bytes": base64}` for a name that is not UTF-8).
        public var pathJSON: JSONValue
        /// The document's schema id, if any.
        public var schema: String?
        /// The review reasons in record order.
        public var reasons: [ReviewRef]
        /// The input the record was read from.
        public var source: String
        /// The 1-based line of that record in `source`.
        public var line: Int
        /// The rank of its most serious reason (`reviewOrder`): what to look at first.
        var priority: Int {
            reasons.map { SummaryStats.reviewOrder.firstIndex(of: $0.code) ?? SummaryStats.reviewOrder.count }.min()
                ?? Int.max
        }
    }
    /// Review codes from the most serious (the data is probably wrong or incomplete) to the least (a doubt).
    public static let reviewOrder: [String] = [
        ReviewCode.schemaMismatch, .arithmetic, .requiredMissing, .invalidValue, .pagesTruncated, .ocrQuality,
        .lowConfidence,
    ].map(\.rawValue)
    /// The count of one error code over the failed documents.
    public struct ErrorRow: Sendable, Equatable {
        /// The error code as written, or `noCode`.
        public var code: String
        /// Failed documents with this code.
        public var count: Int
        /// Of those, how many are retryable (exhausted ones included).
        public var retryable: Int
    }
    /// One failed document, from its latest record.
    public struct Failure: Sendable, Equatable {
        /// The key shown to people (bytes outside UTF-8 as `\xNN`).
        public var path: String
        /// The key as records carry it: a string, or `{"bytes": base64}` for a name that is not UTF-8.
        public var pathJSON: JSONValue
        /// The document's schema id, if any.
        public var schema: String?
        /// The error code as written; nil when the error has none.
        public var code: String?
        /// The error message; empty when there is none.
        public var message: String
        /// Whether the error is retryable (`error.retryable`, else the code's default).
        public var retryable: Bool
        /// Retryable, but `attempts` reached `maxAttempts`: smole-retry will not emit it again.
        public var exhausted: Bool
        /// The `attempts` field, if it is a whole number.
        public var attempts: Int?
        /// The input the record was read from.
        public var source: String
        /// The 1-based line of that record in `source`.
        public var line: Int
    }

    /// The attempt limit the `exhausted` counts were made with (`--max-attempts`; 3 by default).
    public var maxAttempts = 3
    public var documents = 0, ok = 0, failed = 0, noResult = 0
    /// The API base URLs of the failures still to retry (the next step must send them there again).
    public var retryBackends: Set<String> = []
    /// Failed documents smole-retry would emit again (retryable, attempts under the limit).
    public var retryable = 0
    /// Retryable failures that reached the attempt limit.
    public var exhausted = 0
    /// Per-schema counts, most documents first, then by schema name.
    public var schemas: [SchemaRow] = []
    /// Per-error-code counts, most frequent first, then by code.
    public var errors: [ErrorRow] = []
    /// Every failed document, sorted by path.
    public var failures: [Failure] = []
    /// How many documents carry an `elapsed_ms`; `p50`, `p95` and `latencyMax` are over these, in milliseconds
    /// (nearest-rank percentiles).
    public var latencyCount = 0
    public var p50: Double?, p95: Double?, latencyMax: Double?
    /// How many documents carry a whole `attempts` field.
    public var attemptsCount = 0
    /// The mean of those `attempts`; nil when none carries one.
    public var attemptsMean: Double?
    /// The largest `attempts`; nil when none carries one.
    public var attemptsMax: Int?
    /// Documents with `attempts` greater than 1.
    public var attemptsMoreThanOne = 0
    /// Input lines that were not valid records, each with its place.
    public var badLines: [Summary.Located] = []
    /// JSON records with no `path`, each with its place.
    public var withoutPath: [Summary.Located] = []
    /// Records with fields not as the record contract says (named in warnings).
    public var oddRecords = 0
    /// ok documents whose record carries a `review`, and those of them that need one.
    public var reviewed = 0, needsReview = 0
    /// Per-review-code counts, most documents first, then by code.
    public var reviewCodes: [ReviewRow] = []
    /// The ok documents that need review, the most serious first.
    public var toReview: [ToReview] = []

    /// needs review / ok documents that carry a review, or nil when none does.
    public var reviewRate: Double? { reviewed == 0 ? nil : Double(needsReview) / Double(reviewed) }

    /// ok / documents, or nil when there are no documents.
    public var successRate: Double? { documents == 0 ? nil : Double(ok) / Double(documents) }

    /// Error records without a path (such as passed-through bad records).
    public var failedWithoutPath = 0

    /// Nearest-rank percentile of sorted values.
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// The exit status: 1 for bad input lines; with `failOnError`, 1 when a failure is final
    /// (not retryable, or retryable but at the attempt limit), 75 when every failure is still
    /// worth retrying, 0 otherwise.
    ///
    /// With `failOnReview`, 1 as well when any ok document needs review.
    public func exitStatus(failOnError: Bool, failOnReview: Bool = false) -> ExitStatus {
        if !badLines.isEmpty { return .someErrors }
        if failOnReview, needsReview > 0 { return .someErrors }
        guard failOnError else { return .ok }
        let finalFailures = (failed - retryable) + failedWithoutPath
        if finalFailures > 0 { return .someErrors }
        // documents with no result yet are still to do, as retryable failures are: not "all ok"
        if retryable > 0 || noResult > 0 { return .retryable }
        return .ok
    }

    // MARK: JSON

    /// The `--json` report: one object with the counts, rates rounded to 4 places, `by_schema`, `by_error`,
    /// `by_review_reason`, `to_review`, `latency_ms` (p50, p95, max, 3 places), `attempts`, `failures`, `without_path`
    /// and `bad`. Paths are strings or `{"bytes": base64}`.
    public var json: JSONValue {
        var o = JSONObject()
        o["documents"] = JSONValue(documents)
        o["ok"] = JSONValue(ok)
        o["failed"] = JSONValue(failed)
        o["no_result"] = JSONValue(noResult)
        o["success_rate"] = successRate.map { JSONValue.fromDouble(Self.round($0, 4)) } ?? .null
        o["retryable"] = JSONValue(retryable)
        o["exhausted"] = JSONValue(exhausted)
        o["max_attempts"] = JSONValue(maxAttempts)
        o["bad_lines"] = JSONValue(badLines.count)
        o["records_without_path"] = JSONValue(withoutPath.count)
        var bySchema = JSONObject()
        for r in schemas {
            bySchema[r.schema] = .object(
                JSONObject([
                    ("documents", JSONValue(r.documents)), ("ok", JSONValue(r.ok)),
                    ("failed", JSONValue(r.failed)), ("no_result", JSONValue(r.noResult)),
                    ("needs_review", JSONValue(r.needsReview)),
                ]))
        }
        o["by_schema"] = .object(bySchema)
        var byError = JSONObject()
        for e in errors {
            byError[e.code] = .object(
                JSONObject([("count", JSONValue(e.count)), ("retryable", JSONValue(e.retryable))]))
        }
        o["by_error"] = .object(byError)
        o["reviewed"] = JSONValue(reviewed)
        o["needs_review"] = JSONValue(needsReview)
        o["review_rate"] = reviewRate.map { JSONValue.fromDouble(Self.round($0, 4)) } ?? .null
        var byReview = JSONObject()
        for r in reviewCodes {
            byReview[r.code] = .object(
                JSONObject([("documents", JSONValue(r.documents)), ("reasons", JSONValue(r.reasons))]))
        }
        o["by_review_reason"] = .object(byReview)
        o["to_review"] = .array(
            toReview.map { t in
                .object(
                    JSONObject([
                        ("path", t.pathJSON),
                        ("schema", t.schema.map(JSONValue.string) ?? .null),
                        (
                            "reasons",
                            .array(
                                t.reasons.map {
                                    .object(
                                        JSONObject([
                                            ("code", .string($0.code)),
                                            ("field", $0.field.map(JSONValue.string) ?? .null),
                                        ]))
                                })
                        ),
                        ("source", .string(t.source)),
                        ("line", JSONValue(t.line)),
                    ]))
            })
        o["latency_ms"] = .object(
            JSONObject([
                ("count", JSONValue(latencyCount)),
                ("p50", p50.map { JSONValue.fromDouble(Self.round($0, 3)) } ?? .null),
                ("p95", p95.map { JSONValue.fromDouble(Self.round($0, 3)) } ?? .null),
                ("max", latencyMax.map { JSONValue.fromDouble(Self.round($0, 3)) } ?? .null),
            ]))
        o["attempts"] = .object(
            JSONObject([
                ("count", JSONValue(attemptsCount)),
                ("mean", attemptsMean.map { JSONValue.fromDouble(Self.round($0, 3)) } ?? .null),
                ("max", attemptsMax.map { JSONValue($0) } ?? .null),
                ("more_than_one", JSONValue(attemptsMoreThanOne)),
            ]))
        o["failures"] = .array(
            failures.map { f in
                .object(
                    JSONObject([
                        ("path", f.pathJSON),
                        ("schema", f.schema.map(JSONValue.string) ?? .null),
                        ("code", f.code.map(JSONValue.string) ?? .null),
                        ("message", .string(f.message)),
                        ("retryable", .bool(f.retryable)),
                        ("exhausted", .bool(f.exhausted)),
                        ("attempts", f.attempts.map { JSONValue($0) } ?? .null),
                        ("source", .string(f.source)),
                        ("line", JSONValue(f.line)),
                    ]))
            })
        o["without_path"] = .array(withoutPath.map(Self.locatedJSON))
        o["bad"] = .array(badLines.map(Self.locatedJSON))
        return .object(o)
    }

    static func locatedJSON(_ l: Summary.Located) -> JSONValue {
        .object(
            JSONObject([
                ("source", .string(l.source)), ("line", JSONValue(l.line)),
                ("code", l.code.map(JSONValue.string) ?? .null), ("message", .string(l.message)),
            ]))
    }

    static func round(_ d: Double, _ places: Int) -> Double {
        let f = pow(10.0, Double(places))
        return (d * f).rounded() / f
    }

    // MARK: Text

    static func num(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(format: "%.1f", d)
    }

    static func oneLine(_ s: String, max: Int = 160) -> String {
        var t = String(s.map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 })
        if t.count > max { t = String(t.prefix(max - 1)) + "…" }
        return t
    }

    /// The command that comes next, when there is one: re-feeding the retryable failures of
    /// `files` (the result files read; empty for stdin).
    public func nextStep(files: [String]) -> String? {
        guard retryable > 0 else { return nil }
        let named = files.filter { $0 != "-" }
        let sources = named.isEmpty ? "RESULTS" : named.map(Self.shellQuoted).joined(separator: " ")
        let target = named.first.map(Self.shellQuoted) ?? "RESULTS"
        // Failures sent to the API go back to it: without --api the retry would run on the local engine.
        let api = retryBackends.count == 1 ? " --api " + Self.shellQuoted(retryBackends.first!) : ""
        return "smole-retry \(sources) | smole-extract\(api) >> \(target)"
    }

    /// A word for a shell command line: quoted with single quotes when it holds anything but
    /// letters, digits and `-_./+,:@%=`.
    static func shellQuoted(_ s: String) -> String {
        let plain =
            !s.isEmpty
            && s.unicodeScalars.allSatisfy { c in
                c.isASCII && (CharacterSet.alphanumerics.contains(c) || "-_./+,:@%=".unicodeScalars.contains(c))
            }
        return plain ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Documents to review listed in the text report (all of them in `--json`).
    public static let reviewListed = 20

    /// The human report: aligned plain text; `color` adds ANSI colour to the headline numbers;
    /// `next`, when given, ends it (the command to run next).
    public func text(color: Bool = false, next: String? = nil) -> String {
        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        func head(_ s: String) -> String { paint(s, "1") }
        var out: [String] = []
        let rate = successRate.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a"
        out += table(
            [
                [head("documents"), String(documents), ""],
                ["  ok", paint(String(ok), ok > 0 ? "32" : "0"), rate],
                [
                    "  failed", paint(String(failed), failed > 0 ? "31" : "0"),
                    failed > 0 ? "\(retryable) retryable, \(exhausted) at --max-attempts \(maxAttempts)" : "",
                ],
                ["  no result", String(noResult), ""],
            ]
                + (reviewed > 0
                    ? [
                        [
                            "  needs review", paint(String(needsReview), needsReview > 0 ? "33" : "0"),
                            reviewRate.map { String(format: "%.1f%% of %d ok", $0 * 100, reviewed) } ?? "",
                        ]
                    ] : []) + [
                    [head("bad lines"), paint(String(badLines.count), badLines.isEmpty ? "0" : "31"), ""],
                    [head("records without path"), String(withoutPath.count), ""],
                ], right: [false, true, false])
        if !schemas.isEmpty {
            out.append("")
            out += table(
                [[head("schema"), "documents", "ok", "failed", "no result"]]
                    + schemas.map {
                        [$0.schema, String($0.documents), String($0.ok), String($0.failed), String($0.noResult)]
                    }, right: [false, true, true, true, true])
        }
        if !reviewCodes.isEmpty {
            out.append("")
            out += table(
                [[head("review reason"), "documents", "reasons"]]
                    + reviewCodes.map {
                        [$0.code, String($0.documents), String($0.reasons)]
                    }, right: [false, true, true])
        }
        if !errors.isEmpty {
            out.append("")
            out += table(
                [[head("error"), "count", "retryable"]]
                    + errors.map {
                        [$0.code, String($0.count), String($0.retryable)]
                    }, right: [false, true, true])
        }
        out.append("")
        if latencyCount > 0, let p50, let p95, let latencyMax {
            out.append(
                "\(head("latency")) (elapsed_ms, \(latencyCount) document\(latencyCount == 1 ? "" : "s")): p50 \(Self.num(p50)) ms, p95 \(Self.num(p95)) ms, max \(Self.num(latencyMax)) ms"
            )
        } else {
            out.append("\(head("latency")): n/a (no elapsed_ms)")
        }
        if attemptsCount > 0, let attemptsMean, let attemptsMax {
            out.append(
                "\(head("attempts")) (\(attemptsCount) documents): mean \(String(format: "%.2f", attemptsMean)), max \(attemptsMax), more than one: \(attemptsMoreThanOne)"
            )
        } else {
            out.append("\(head("attempts")): n/a (no attempts)")
        }
        if !failures.isEmpty {
            out.append("")
            out.append(head("failed documents"))
            out += table(
                [["path", "schema", "error", "retry", "attempts", "message"]]
                    + failures.map { f in
                        [
                            Self.oneLine(f.path, max: 80), f.schema ?? "-", f.code ?? Self.noCode,
                            f.exhausted ? "exhausted" : (f.retryable ? "yes" : "no"),
                            f.attempts.map(String.init) ?? "-", Self.oneLine(f.message),
                        ]
                    }, right: [false, false, false, false, true, false])
        }
        if !toReview.isEmpty {
            out.append("")
            out.append(
                head("to review first")
                    + (toReview.count > Self.reviewListed
                        ? " (\(Self.reviewListed) of \(toReview.count); --json lists all)" : ""))
            out += table(
                [["path", "schema", "reasons"]]
                    + toReview.prefix(Self.reviewListed).map { t in
                        [
                            Self.oneLine(t.path, max: 80), t.schema ?? "-",
                            Self.oneLine(
                                t.reasons.map { r in r.field.map { "\(r.code):\($0)" } ?? r.code }.joined(
                                    separator: ", ")),
                        ]
                    }, right: [false, false, false])
        }
        if !withoutPath.isEmpty {
            out.append("")
            out.append(head("records without path"))
            out += table(
                withoutPath.map { ["\($0.source):\($0.line)", $0.code ?? "-", Self.oneLine($0.message)] },
                right: [false, false, false])
        }
        if !badLines.isEmpty {
            out.append("")
            out.append(head("bad input lines"))
            out += table(
                badLines.prefix(Diagnostics.badLinesShown).map {
                    ["\($0.source):\($0.line)", Self.oneLine($0.message)]
                },
                right: [false, false])
            if badLines.count > Diagnostics.badLinesShown {
                out.append(
                    "… and \(badLines.count - Diagnostics.badLinesShown) more (smole-summary --json lists every one)")
            }
        }
        if let next {
            out.append("")
            out.append(
                "\(head("next")): \(next)   # re-feeds the \(retryable) retryable failure\(retryable == 1 ? "" : "s")")
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Aligns columns; widths ignore ANSI escapes. The last column is never padded.
    func table(_ rows: [[String]], right: [Bool]) -> [String] {
        func width(_ s: String) -> Int {
            var n = 0, inEsc = false
            for c in s.unicodeScalars {
                if c == "\u{1B}" { inEsc = true; continue }
                if inEsc { if c == "m" { inEsc = false }; continue }
                n += 1
            }
            return n
        }
        let cols = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: cols)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], width(c)) } }
        return rows.map { r in
            var parts: [String] = []
            for (i, c) in r.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - width(c))
                if i == r.count - 1 && !(i < right.count && right[i]) {
                    parts.append(c)
                } else {
                    parts.append(i < right.count && right[i] ? pad + c : c + pad)
                }
            }
            var line = parts.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }
}
