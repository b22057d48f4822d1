import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

@Suite struct Schemas {
    @Test func builtinsHaveTheDesignFieldNames() throws {
        let e = try Fixture.engine()
        #expect(e.schemaIDs == ["contract", "invoice", "receipt"])
        let inv = try #require(e.schemaJSON("invoice")?["properties"]?.objectValue)
        #expect(
            inv.keys == [
                "vendor_name", "customer_name", "invoice_number", "date", "due_date", "currency", "subtotal", "tax",
                "total", "line_items",
            ])
        let rec = try #require(e.schemaJSON("receipt")?["properties"]?.objectValue)
        #expect(
            rec.keys == [
                "merchant_name", "date", "time", "currency", "subtotal", "tax", "total", "payment_method", "line_items",
            ])
        let con = try #require(e.schemaJSON("contract")?["properties"]?.objectValue)
        #expect(
            con.keys == [
                "title", "parties", "effective_date", "term_months", "governing_law", "total_value", "currency",
            ])
        let item = try #require(inv["line_items"]?["items"]?["properties"]?.objectValue)
        #expect(item.keys == ["description", "quantity", "unit_price", "amount"])
    }

    @Test func invalidSchemasAreReportedWithFileAndProblem() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let cases: [(String, String)] = [
            ("{not json", "not valid JSON"),
            (#"{"type": "object"}"#, "no \"properties\""),
            (
                #"{"type": "object", "properties": {"a": {"type": "date"}}}"#,
                "/properties/a/type \"date\" is not supported"
            ),
            (
                #"{"type": "object", "properties": {"a": {"type": "array"}}}"#,
                "/properties/a is an array without an \"items\" object"
            ),
            (
                #"{"type": "object", "properties": {"a": {"type": "string", "x-smole-labels": "A"}}}"#,
                "x-smole-labels must be an array"
            ),
            (
                #"{"type": "object", "properties": {"a": {"type": "string"}}, "x-smole-keywords": 3}"#,
                "x-smole-keywords must be"
            ),
        ]
        for (i, (text, problem)) in cases.enumerated() {
            let path = try dir.write("bad\(i).json", text)
            let e = try Fixture.engine()
            do {
                try e.validateSchema(path)
                Issue.record("schema \(i) was accepted")
            } catch {
                #expect(error.code == .noSchema)
                #expect(error.message.contains(path), "message names the file: \(error.message)")
                #expect(error.message.contains(problem), "\(error.message) should mention \(problem)")
            }
        }
    }

    @Test func anInvalidSchemaInASchemaFolderFailsTheEngineOnce() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        try dir.write("schemas/ok.json", #"{"type": "object", "properties": {"a": {"type": "string"}}}"#)
        try dir.write("schemas/broken.json", #"{"type": "object", "properties": {"a": {"type": "strin"}}}"#)
        do {
            _ = try Fixture.engine { $0.schemaDirs = [dir.file("schemas")] }
            Issue.record("engine accepted an invalid schema folder")
        } catch {
            #expect(error.code == .noSchema)
            #expect(error.message.contains("broken.json"))
        }
    }

    @Test func unknownSchemaIsNoSchema() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let doc = try dir.write("a.txt", "Invoice No: 1")
        let code = await Fixture.errorCode {
            _ = try await Fixture.engine().extract(path: doc, schema: "purchase_order")
        }
        #expect(code == .noSchema)
    }

    @Test func userSchemaWithCustomFieldsWorksByItsLabels() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        try dir.write(
            "schemas/delivery_note.json",
            """
            {"type": "object",
             "x-smole-keywords": ["delivery note", "lieferschein", "consignment"],
             "properties": {
               "note_number": {"type": "string", "x-smole-labels": ["Delivery Note No", "Lieferschein-Nr"]},
               "delivered_on": {"type": "string", "format": "date", "x-smole-labels": ["Delivered on", "Lieferdatum"]},
               "carrier": {"type": "string", "x-smole-labels": ["Carrier", "Spediteur"]},
               "gross_weight_kg": {"type": "number", "x-smole-labels": ["Gross weight", "Bruttogewicht"]},
               "packages": {"type": "integer", "x-smole-labels": ["Packages", "Packstücke"]},
               "signed": {"type": "boolean", "x-smole-labels": ["Signed"]},
               "priority": {"type": "string", "enum": ["low", "normal", "high"], "x-smole-labels": ["Priority"]},
               "po_number": {"type": "string"}
             }}
            """)
        let pdf = try Fixture.pdf(
            dir, "dn.pdf",
            [
                [(50, "DELIVERY NOTE")],
                [],
                [(50, "Delivery Note No:"), (200, "DN-4471")],
                [(50, "Delivered on:"), (200, "12 May 2026")],
                [(50, "Carrier:"), (200, "Speedy Freight AG")],
                [(50, "Gross weight:"), (200, "1.250,5 kg")],
                [(50, "Packages:"), (200, "14")],
                [(50, "Signed:"), (200, "yes")],
                [(50, "Priority:"), (200, "HIGH")],
                [(50, "PO Number:"), (200, "PO-99812")],
                [],
                [(50, "This consignment was delivered in good order.")],
            ])
        let e = try Fixture.engine { $0.schemaDirs = [dir.file("schemas")] }
        #expect(e.schemaIDs.contains("delivery_note"))
        let o = try await Fixture.extract(pdf, "delivery_note", engine: e)
        #expect(
            o.keys == [
                "note_number", "delivered_on", "carrier", "gross_weight_kg", "packages", "signed", "priority",
                "po_number",
            ])
        #expect(o["note_number"] == "DN-4471")
        #expect(o["delivered_on"] == "2026-05-12")
        #expect(o["carrier"] == "Speedy Freight AG")
        #expect(o["gross_weight_kg"]?.doubleValue == 1250.5)
        #expect(o["packages"] == 14)
        #expect(o["signed"] == true)
        #expect(o["priority"] == "high")
        #expect(o["po_number"] == "PO-99812")  // no labels: the field name is the label
        // the same schema by path
        let byPath = try await Fixture.extract(pdf, dir.file("schemas/delivery_note.json"))
        #expect(byPath["note_number"] == "DN-4471")
        // and routing by its keywords
        let c = try await e.classify(path: pdf)
        #expect(c?.schema == "delivery_note")
    }
}

@Suite struct EmbeddedSchemas {
    /// The built-ins live in the binary (no SwiftPM resource bundle): each parses as a valid schema.
    @Test func builtinsAreEmbeddedAndValid() throws {
        for id in SchemaRegistry.builtinIDs {
            let text = try #require(BuiltinSchemas.json(id))
            let bytes = Array(text.utf8)
            let parsed = try JSON.parse(bytes)
            #expect(parsed["title"]?.stringValue == id)
            let s = try Schema.load(id: id, source: "built-in \(id).json", bytes: bytes)
            #expect(!s.fields.isEmpty)
        }
        #expect(BuiltinSchemas.json("nope") == nil)
    }
}
