import Foundation
import SmoleRecords
import _SmoleTestSupport

@testable import SmoleEngine

/// Builds fixture documents with the PDF writer and runs the engine on them.
enum Fixture {
    /// A PDF from layout lines: each line is a list of (x, text) runs.
    static func pdf(_ dir: TempDir, _ name: String, _ lines: [[(Double, String)]], pages: [[[(Double, String)]]] = [])
        throws -> String
    {
        var w = PDFWriter()
        w.addPage(lines: lines)
        for p in pages { w.addPage(lines: p) }
        let path = dir.file(name)
        try w.write(to: path)
        return path
    }

    static func engine(_ configure: (inout EngineOptions) -> Void = { _ in }) throws(RecordError) -> Engine {
        var o = EngineOptions()
        configure(&o)
        return try Engine(options: o)
    }

    static func extract(_ path: String, _ schema: String, engine: Engine? = nil) async throws -> JSONObject {
        let e = try engine ?? Fixture.engine()
        let out = try await e.extract(path: path, schema: schema)
        guard let o = out.data.objectValue else { throw RecordError(.engineFailed, "data is not an object") }
        return o
    }

    static func errorCode(_ body: () async throws -> Void) async -> ErrorCode? {
        do { try await body(); return nil } catch let e as RecordError { return e.code } catch { return nil }
    }

    static let englishInvoice: [[(Double, String)]] = [
        [(50, "Acme Tools Ltd"), (400, "INVOICE")],
        [(50, "12 High Street"), (330, "Invoice No:"), (430, "INV-7781")],
        [(50, "Springfield 1234"), (330, "Invoice Date:"), (430, "18/03/2026")],
        [(330, "Due Date:"), (430, "17/04/2026")],
        [],
        [(50, "Bill To:")],
        [(50, "Globex Corporation")],
        [],
        [(50, "Description"), (300, "Qty"), (380, "Unit Price"), (480, "Amount")],
        [(50, "Widget, large"), (305, "2"), (385, "150.00"), (485, "300.00")],
        [(50, "Consulting services for the"), (305, "3"), (385, "200.00"), (485, "600.00")],
        [(50, "spring rollout")],
        [(50, "Cable 5 m"), (305, "10"), (385, "4.50"), (485, "45.00")],
        [],
        [(330, "Subtotal"), (480, "£945.00")],
        [(330, "VAT (20%)"), (480, "£189.00")],
        [(330, "Total"), (480, "£1,134.00")],
    ]
}
