import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// Text sources that need files (pdftoppm's page images for OCR, pdfdetach's saved attachment) write them in a
/// private folder (mode 0700) that is gone when the extraction ends. Stand-ins on the engine's PATH log the folder
/// they were given, then run the real programs.
@Suite struct PrivateTempTests {
    static func binDir(_ dir: TempDir, log: String) throws -> String {
        let bin = dir.file("bin")
        for p in ["pdftotext", "tesseract"] {
            let real = try #require(ExternalTool.locate(p), "\(p) must be installed (scripts/setup)")
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: bin + "/" + p, withDestinationPath: real)
        }
        // pdftoppm's last argument is the image prefix, pdfdetach's "-o" value the file it saves: log their folder.
        for (p, folderOf) in [
            ("pdftoppm", #"eval "last=\${$#}"; d=$(dirname "$last")"#),
            ("pdfdetach", #"d=""; prev=""; for a in "$@"; do [ "$prev" = "-o" ] && d=$(dirname "$a"); prev=$a; done"#),
        ] {
            let real = try #require(ExternalTool.locate(p), "\(p) must be installed (scripts/setup)")
            try dir.writeExecutable(
                "bin/\(p)",
                """
                #!/bin/sh
                \(folderOf)
                [ -n "$d" ] && echo "\(p) $d $(stat -c %a "$d")" >> "\(log)"
                exec "\(real)" "$@"
                """)
        }
        return bin
    }

    static func folders(_ log: String) -> [(program: String, path: String, mode: String)] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            return parts.count == 3 ? (String(parts[0]), String(parts[1]), String(parts[2])) : nil
        }
    }

    @Test func ocrPagesAndSavedAttachmentsLiveInAPrivateFolderThatIsRemoved() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let log = dir.file("folders.log")
        let engine = try Fixture.engine { $0.toolSearchPath = try? Self.binDir(dir, log: log) }

        // a scan: a PDF made only of an image of an invoice
        let src = try Fixture.pdf(
            dir, "src.pdf",
            [
                [(50, "Harbor Hardware")], [], [(50, "Invoice Number:"), (200, "77120")],
                [(50, "Total"), (250, "220.00")],
            ])
        #expect(
            try await runTool("pdftoppm", ["-r", "150", "-gray", "-singlefile", src, dir.file("scan")]).status == 0)
        var w = PDFWriter()
        try w.addImagePage(pgm: [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.file("scan.pgm")))))
        let scan = dir.file("scan.pdf")
        try w.write(to: scan)
        #expect(try await Fixture.extract(scan, "invoice", engine: engine)["invoice_number"] == "77120")

        // an e-invoice whose attachment only pdfdetach decodes, so it is saved to a file
        var x = PDFWriter()
        x.addPage(lines: [[(50, "RECHNUNG")]])
        x.attach(name: "factur-x.xml", data: Array(EInvoiceFixture.cii.utf8), encoding: .asciiHex)
        let facturx = dir.file("facturx.pdf")
        try x.write(to: facturx)
        EInvoiceFixture.checkCII(try await Fixture.extract(facturx, "invoice", engine: engine))

        let seen = Self.folders(log)
        // (a scan may be rendered more than once: a second reading when its numbers disagree)
        #expect(seen.contains { $0.program == "pdftoppm" }, "\(seen)")
        #expect(seen.contains { $0.program == "pdfdetach" }, "\(seen)")
        for f in seen {
            #expect(f.mode == "700", "\(f.path) was mode \(f.mode)")
            #expect((f.path as NSString).lastPathComponent.hasPrefix("smole-engine-"))
            #expect(!FileManager.default.fileExists(atPath: f.path), "\(f.path) is left behind")
        }
    }
}
