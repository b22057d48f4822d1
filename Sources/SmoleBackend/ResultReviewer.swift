import SmoleRecords
import SmoleTools

/// Reviews a completed extraction (the orchestrator calls it for every ok result, whichever backend produced it).
public protocol ResultReviewer: Sendable {
    /// Reviews one ok result.
    ///
    /// - Parameters:
    ///   - schema: the schema id or path the document was extracted with.
    ///   - data: the extracted object.
    ///   - evidence: the backend's per-field evidence (`{field: {"confidence": 0.93, ...}}`), when it sent any.
    ///   - pages: set when pages past `--max-pages` were not read.
    ///   - signals: what the local engine knows beyond the data; nil for the API.
    /// - Returns: the record's `review`: its reasons, none when the data can be used as it is.
    func review(schema: String, data: JSONValue, evidence: JSONValue?, pages: PagesRead?, signals: DocumentSignals?)
        -> Review
}
