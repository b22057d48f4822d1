import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

@Suite struct TextSources {
    @Test func missingFileIsNotFound() async throws {
        let code = await Fixture.errorCode {
            _ = try await Fixture.engine().extract(path: "/nonexistent/x.pdf", schema: "invoice")
        }
        #expect(code == .notFound)
    }

    @Test func unknownBinaryIsUnsupportedType() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let p = try dir.write(
            "x.bin", bytes: [0x00, 0x01, 0x02, 0xFE, 0xFF, 0x00, 0x13, 0x37] + Array(repeating: 0, count: 100))
        let code = await Fixture.errorCode { _ = try await Fixture.engine().extract(path: p, schema: "invoice") }
        #expect(code == .unsupportedType)
    }

    @Test func corruptPDFIsUnreadable() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let p = try dir.write("bad.pdf", "%PDF-1.7\nthis is not really a PDF at all\n")
        let code = await Fixture.errorCode { _ = try await Fixture.engine().extract(path: p, schema: "invoice") }
        #expect(code == .unreadable)
    }

    @Test func folderIsUnreadable() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let code = await Fixture.errorCode { _ = try await Fixture.engine().extract(path: dir.path, schema: "invoice") }
        #expect(code == .unreadable)
    }

    @Test func missingPdftotextIsEngineUnavailableNamingThePackage() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let pdf = try Fixture.pdf(dir, "a.pdf", Fixture.englishInvoice)
        try FileManager.default.createDirectory(atPath: dir.file("emptybin"), withIntermediateDirectories: true)
        let e = try Fixture.engine { $0.toolSearchPath = dir.file("emptybin") }
        do {
            _ = try await e.extract(path: pdf, schema: "invoice")
            Issue.record("extraction ran without pdftotext")
        } catch {
            #expect(error.code == .engineUnavailable)
            #expect(error.message.contains("poppler-utils"))
        }
        let png = try dir.write(
            "a.png", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 64))
        do {
            _ = try await e.extract(path: png, schema: "receipt")
            Issue.record("OCR ran without tesseract")
        } catch {
            #expect(error.code == .engineUnavailable)
            #expect(error.message.contains("tesseract-ocr"))
        }
    }

    @Test func pageBreaksArePreservedAndMaxPagesHonoured() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let pdf = try Fixture.pdf(
            dir, "two.pdf", [[(50, "Page one text here")]], pages: [[[(50, "Second page: Invoice No: P2-99")]]])
        let all = try await TextSource.read(path: pdf, options: EngineOptions())
        #expect(all.pages.count == 2)
        #expect(all.pages[1].contains("P2-99"))
        var o = EngineOptions(); o.maxPages = 1
        let one = try await TextSource.read(path: pdf, options: o)
        #expect(one.pages.count == 1)
        #expect(!one.pages.joined().contains("P2-99"))
    }

    /// Renders a fixture PDF with pdftoppm, then OCRs the PNG and a PDF made only of the image (no text layer).
    @Test func scansAndPhotosGoThroughTesseract() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let pdf = try Fixture.pdf(
            dir, "src.pdf",
            [
                [(50, "Harbor Hardware")],
                [],
                [(50, "Invoice Number:"), (200, "77120")],
                [(50, "Invoice Date:"), (200, "2026-05-04")],
                [],
                [(50, "Subtotal"), (250, "200.00")],
                [(50, "Tax"), (250, "20.00")],
                [(50, "Total"), (250, "220.00")],
            ])
        let png = try await runTool("pdftoppm", ["-r", "200", "-png", "-singlefile", pdf, dir.file("page")])
        #expect(png.status == 0)
        let fromPNG = try await Fixture.extract(dir.file("page.png"), "invoice")
        #expect(fromPNG["invoice_number"] == "77120")
        #expect(fromPNG["date"] == "2026-05-04")
        #expect(fromPNG["total"]?.doubleValue == 220)

        let pgm = try await runTool("pdftoppm", ["-r", "200", "-gray", "-singlefile", pdf, dir.file("scan")])
        #expect(pgm.status == 0)
        var w = PDFWriter()
        try w.addImagePage(pgm: [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.file("scan.pgm")))))
        let scan = dir.file("scan.pdf")
        try w.write(to: scan)
        let text = try await runTool("pdftotext", [scan, "-"])
        #expect(text.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "the scan has no text layer")
        let doc = try await TextSource.read(path: scan, options: EngineOptions())
        #expect(doc.ocr)
        let fromScan = try await Fixture.extract(scan, "invoice")
        #expect(fromScan["invoice_number"] == "77120")
        #expect(fromScan["subtotal"]?.doubleValue == 200, "OCR text: \(doc.pages)")
        #expect(fromScan["tax"]?.doubleValue == 20)
    }
}

@Suite struct Classification {
    @Test func routesInvoiceReceiptAndContractWithMeaningfulConfidence() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let e = try Fixture.engine()
        let inv = try Fixture.pdf(dir, "scan_0001.pdf", Fixture.englishInvoice)
        let rec = try dir.write(
            "scan_0002.txt",
            "Corner Shop\nReceipt #123  Till 4\nMilk   1.20\nTOTAL  1.20\nCASH\nThank you, please come again\n")
        let con = try dir.write(
            "scan_0003.txt",
            "SERVICES AGREEMENT\nThis Agreement is entered into by and between A Ltd and B Ltd.\nGoverning Law. This Agreement shall be governed by the laws of England.\nIN WITNESS WHEREOF the parties have signed.\n"
        )
        let ci = try #require(try await e.classify(path: inv))
        let cr = try #require(try await e.classify(path: rec))
        let cc = try #require(try await e.classify(path: con))
        #expect(ci.schema == "invoice")
        #expect(cr.schema == "receipt")
        #expect(cc.schema == "contract")
        for c in [ci, cr, cc] { #expect(c.confidence > 0.5 && c.confidence <= 1) }
        // A page with weak, mixed cues is less certain than a clear one.
        let mixed = try dir.write("mixed.txt", "invoice receipt\n")
        let cm = try await e.classify(path: mixed)
        #expect((cm?.confidence ?? 0) < ci.confidence)
        let none = try dir.write("none.txt", "lorem ipsum dolor sit amet\n")
        #expect(try await e.classify(path: none) == nil)
    }
}
