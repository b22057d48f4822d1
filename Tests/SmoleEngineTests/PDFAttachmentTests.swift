import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// The engine reads an e-invoice's XML attachment from the PDF's own bytes (FlateDecode or unfiltered streams)
/// and starts pdfdetach only for a stream it cannot decode itself.
@Suite struct PDFAttachmentTests {
    /// A folder holding links to the named poppler programs only, for an engine whose PATH lacks the others.
    static func binDir(_ dir: TempDir, with programs: [String]) throws -> String {
        let bin = dir.file("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        for p in programs {
            let real = try #require(ExternalTool.locate(p), "\(p) must be installed (scripts/setup)")
            try FileManager.default.createSymbolicLink(atPath: bin + "/" + p, withDestinationPath: real)
        }
        return bin
    }

    static func facturX(
        _ dir: TempDir, _ encoding: PDFWriter.AttachmentEncoding, extra: [(String, [UInt8], String)] = []
    ) throws -> String {
        var w = PDFWriter()
        // The visible text disagrees with the XML on purpose: the XML is the source of truth.
        w.addPage(lines: [[(50, "RECHNUNG")], [(50, "Rechnungsnummer: WRONG-1")], [(50, "Gesamtbetrag: 1,00 EUR")]])
        for (name, data, mime) in extra { w.attach(name: name, data: data, mimeType: mime, encoding: .flate) }
        w.attach(name: "factur-x.xml", data: Array(EInvoiceFixture.cii.utf8), encoding: encoding)
        let pdf = dir.file("facturx-\(encoding).pdf")
        try w.write(to: pdf)
        return pdf
    }

    @Test func flateAttachmentIsReadWithoutPdfdetach() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let pdf = try Self.facturX(dir, .flate)
        // poppler agrees the attachment is there and decodes to the XML we embedded
        let saved = dir.file("saved.xml")
        let r = try await runTool("pdfdetach", ["-save", "1", "-o", saved, pdf])
        #expect(r.status == 0)
        #expect(FileManager.default.contents(atPath: saved).map { [UInt8]($0) } == Array(EInvoiceFixture.cii.utf8))
        // an engine that can run pdftotext but not pdfdetach still reads the XML
        let bin = try Self.binDir(dir, with: ["pdftotext"])
        let engine = try Fixture.engine { $0.toolSearchPath = bin }
        let o = try await Fixture.extract(pdf, "invoice", engine: engine)
        EInvoiceFixture.checkCII(o)
    }

    @Test func everyEmbeddedStreamIsDecoded() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let image: [UInt8] = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let pdf = try Self.facturX(dir, .none, extra: [("logo.bin", image, "application/octet-stream")])
        let found = PDFAttachments.embeddedFiles(in: [UInt8](try #require(FileManager.default.contents(atPath: pdf))))
        #expect(found.complete)
        #expect(found.files.count == 2)
        // (compared as a whole, but reported by size so a failure stays readable)
        let logo = found.files.first { $0.name == "logo.bin" }
        let xml = found.files.first { $0.name == "factur-x.xml" }
        #expect(logo.map { $0.data == image } == true, "logo.bin: \(logo?.data.count ?? -1) bytes, want \(image.count)")
        #expect(
            xml.map { $0.data == Array(EInvoiceFixture.cii.utf8) } == true,
            "factur-x.xml: \(xml?.data.count ?? -1) bytes")
    }

    @Test func aFilterItCannotDecodeIsLeftToPdfdetach() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let pdf = try Self.facturX(dir, .asciiHex)
        let found = PDFAttachments.embeddedFiles(in: [UInt8](try #require(FileManager.default.contents(atPath: pdf))))
        #expect(!found.complete)
        #expect(found.files.isEmpty)
        // with pdfdetach on PATH the XML is still the source
        EInvoiceFixture.checkCII(try await Fixture.extract(pdf, "invoice"))
        // without it, the visible text is read: one record either way, never a failure
        let bin = try Self.binDir(dir, with: ["pdftotext"])
        let o = try await Fixture.extract(pdf, "invoice", engine: try Fixture.engine { $0.toolSearchPath = bin })
        #expect(o["invoice_number"] == "WRONG-1")
    }

    @Test func aDamagedStreamIsNotTakenForTheXML() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let pdf = try Self.facturX(dir, .flate)
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: pdf)))
        // overwrite the middle of the deflated data
        let start = try #require(
            ByteSearch.find(
                Array("stream\n".utf8), in: bytes,
                from: ByteSearch.find(Array("/EmbeddedFile ".utf8), in: bytes, from: 0)!))
        for k in (start + 20)..<(start + 60) { bytes[k] = 0x41 }
        let found = PDFAttachments.embeddedFiles(in: bytes)
        #expect(!found.complete)
        #expect(found.files.isEmpty)
        #expect(Zlib.inflate(Array("not zlib at all".utf8), limit: 1 << 20) == nil)
    }
}
