import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// Where text enters the engine (`TextSources/`): what a file's bytes become before any field is read.
@Suite struct TextInputTests {
    static let engine = try! Fixture.engine()

    static func invoice(_ vendor: String, _ customer: String, number: String) -> String {
        """
        \(vendor)
        Hauptstraße 5, 80331 München

        RECHNUNG

        Rechnungsnummer: \(number)
        Rechnungsdatum: 03.04.2024
        Fälligkeitsdatum: 03.05.2024
        Kunde: \(customer)

        Beschreibung                    Menge    Einzelpreis       Betrag
        Beratungsleistung                  10       1.250,00    12.500,00 €

        Nettobetrag                                             12.500,00 €
        MwSt. 19%                                                2.375,00 €
        Gesamtbetrag                                            14.875,00 €
        """
    }

    /// FINDING-09: a text file in Windows-1252 (or ISO-8859-1, its subset for letters) is decoded as such, not as
    /// UTF-8 with U+FFFD: the names keep their umlauts, "Fälligkeitsdatum" is a label, and the euro sign (0x80) is a
    /// currency. The same document in UTF-8 reads the same.
    @Test func windows1252TextReadsLikeUTF8() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let text = Self.invoice("Müller & Söhne GmbH", "Bäckerei Krüger KG", number: "RE-2024-0815")
        let cp1252 = try #require(text.data(using: .windowsCP1252))
        #expect(String(data: cp1252, encoding: .utf8) == nil, "the fixture is not UTF-8")
        let utf8 = try await Fixture.extract(try dir.write("utf8.txt", text), "invoice", engine: Self.engine)
        let latin = try await Fixture.extract(
            try dir.write("cp1252.txt", bytes: [UInt8](cp1252)), "invoice", engine: Self.engine)
        #expect(latin["vendor_name"] == "Müller & Söhne GmbH")
        #expect(latin["customer_name"] == utf8["customer_name"] && utf8["customer_name"] != .null)
        #expect(latin["due_date"] == "2024-05-03")
        #expect(latin["currency"] == "EUR")
        #expect(latin == utf8)
    }

    /// A UTF-8 file with one stray byte stays UTF-8 (its other characters are not re-read as Windows-1252).
    @Test func mostlyUTF8StaysUTF8() {
        var bytes = Array("Müller – Bäckerei Krüger ".utf8)
        bytes.append(0xFC)  // one Latin-1 ü
        #expect(TextSource.decodeText(Data(bytes)) == "Müller – Bäckerei Krüger \u{FFFD}")
        #expect(TextSource.decodeText(Data([0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72, 0x20, 0x80])) == "Müller €")
        // a byte Windows-1252 leaves undefined does not undo the rest
        #expect(TextSource.decodeText(Data([0x4D, 0xFC, 0x81, 0x80])) == "Mü\u{FFFD}€")
    }

    /// FINDING-14: zero-width characters inside a value (a web portal's invoice number "HL-\u{200B}4410") are left out
    /// where the text enters the engine; a zero-width joiner between two letters of a script that spells with it stays.
    @Test func zeroWidthCharactersAreLeftOut() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let text = """
            Harbor\u{200B} Lights Catering LLC

            INVOICE
            Invoice Number: HL-\u{200B}4410
            Date: 2025-07-15
            Bill To: Ocean\u{2060} View\u{FEFF} Realty

            Description            Qty    Price     Amount
            Event catering           1   850.00     8\u{200C}50.00

            Subtotal                                850.00
            Tax                                      80.75
            Total                               $\u{200D}930.75
            """
        let o = try await Fixture.extract(try dir.write("zw.txt", text), "invoice", engine: Self.engine)
        #expect(o["invoice_number"] == "HL-4410")
        #expect(o["vendor_name"] == "Harbor Lights Catering LLC")
        #expect(o["customer_name"] == "Ocean View Realty")
        #expect(o["total"] == 930.75)
        #expect(o["line_items"]?.arrayValue?.first?["amount"] == 850)
        #expect(Invisibles.strip("می\u{200C}خواهم") == "می\u{200C}خواهم")
        #expect(Invisibles.strip("a\u{200D}b\u{200B}") == "ab")
    }

    /// Probe note: a web page saved under a PDF's name ("404 Not Found" from a download) is `unsupported_type` with a
    /// message naming the file and what it holds, not an empty `nothing_extracted` record.
    @Test func aWebPageNamedPDFIsNotReadAsText() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let html = try dir.write("invoice.pdf", "<html><body>404 Not Found</body></html>\n")
        let text = try dir.write("scan.png", "Invoice 12\nTotal 10.00\n")
        for path in [html, text] {
            do {
                _ = try await Self.engine.extract(path: path, schema: "invoice")
                Issue.record("\(path) was read")
            } catch let e as RecordError {
                #expect(e.code == .unsupportedType)
                #expect(e.message.contains(path) && e.message.contains("is not a"), "\(e.message)")
            }
        }
        #expect(
            try await Self.engine.extract(
                path: try dir.write("page.html", "<html><body>Invoice 12</body></html>"), schema: "invoice"
            )
            .data.objectValue != nil)
    }
}
