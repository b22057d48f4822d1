import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// Issue 9: OCR backends behind one interface. Images are rendered at test time (Pillow, DejaVu fonts) and read by the
/// real programs: tesseract, and RapidOCR in the virtual environment scripts/setup makes.
@Suite struct OCRBackends {
    /// Renders `lines` (a thermal-style receipt: black text on white, monospaced) to a PNG; `noise` draws shapes and
    /// no text instead.
    static func render(_ dir: TempDir, name: String, lines: [String], size: Int = 28, noise: Bool = false) async throws
        -> String
    {
        let out = dir.file(name)
        let script = """
            import sys, random
            from PIL import Image, ImageDraw, ImageFont
            out, size, noise, lines = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4:]
            font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", size)
            img = Image.new("L", (760, 60 + int(size * 1.45) * max(len(lines), 12)), 255)
            d = ImageDraw.Draw(img)
            if noise:
                r = random.Random(7)
                for _ in range(40):
                    x, y = r.randrange(0, 700), r.randrange(0, img.height - 60)
                    d.ellipse((x, y, x + r.randrange(8, 60), y + r.randrange(8, 60)), outline=r.randrange(0, 160), width=3)
            for i, t in enumerate(lines):
                d.text((30, 30 + int(size * 1.45) * i), t, font=font, fill=0)
            img.save(out)
            """
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
        let r = try await runTool(python, ["-c", script, out, String(size), noise ? "1" : "0"] + lines)
        try #require(r.status == 0, "rendering failed: \(r.stderr)")
        return out
    }

    static let receipt = [
        "NORTHWIND GROCERS LTD", "88 Harbour Road, Leeds", "", "Receipt 40417       21/06/2024 18:05", "",
        "Apples 1kg                     3.40", "Rye bread                      2.95",
        "Coffee beans 250g              6.15", "",
        "Subtotal                      12.50", "VAT 20%                        2.50",
        "TOTAL GBP                     15.00", "",
        "CARD                          15.00", "Thank you for shopping",
    ]

    @Test(arguments: [OCRChoice.tesseract, .rapidocr, .auto])
    func eachBackendReadsARenderedReceipt(_ ocr: OCRChoice) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try await Self.render(dir, name: "receipt.png", lines: Self.receipt)
        let engine = try Fixture.engine { $0.ocr = ocr }
        let o = try await Fixture.extract(path, "receipt", engine: engine)
        #expect(o["merchant_name"] == "NORTHWIND GROCERS LTD", "\(ocr)")
        #expect(o["date"] == "2024-06-21", "\(ocr)")
        #expect(o["total"]?.doubleValue == 15, "\(ocr)")
        #expect(o["subtotal"]?.doubleValue == 12.5, "\(ocr)")
        #expect(o["tax"]?.doubleValue == 2.5, "\(ocr)")
    }

    /// `auto` stops reading a page once tesseract and RapidOCR agree. A receipt whose two readings find the same total
    /// and date and whose items add up to the total is read once by each: no as-taken reading, no orientation check.
    /// One whose items do not add up gets tesseract's as-taken reading, but no orientation check (the two readings'
    /// total and date already show it upright). A tesseract wrapper logs each call.
    @Test func autoStopsReadingOnceTheRecognisersAgree() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let log = dir.file("tesseract.log")
        let real = try #require(ExternalTool.locate("tesseract"), "tesseract must be installed (scripts/setup)")
        _ = try dir.writeExecutable("bin/tesseract", "#!/bin/sh\necho \"$*\" >> \"\(log)\"\nexec \"\(real)\" \"$@\"\n")
        let engine = try Fixture.engine { $0.toolSearchPath = dir.file("bin") }
        func receipt(total: String) -> [String] {
            [
                "NORTHWIND GROCERS LTD", "88 Harbour Road, Leeds", "", "Receipt 40417       21/06/2024 18:05", "",
                "Apples 1kg                     3.40", "Rye bread                      2.95",
                "Coffee beans 250g              6.15", "", "TOTAL GBP                     \(total)", "",
                "CARD                          \(total)", "Thank you for shopping",
            ]
        }
        func calls() -> (reads: Int, orientation: Int) {
            let lines = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
            try? FileManager.default.removeItem(atPath: log)
            return (lines.filter { $0.contains("--psm 6") }.count, lines.filter { $0.contains("--psm 0") }.count)
        }
        let adds = try await Self.render(dir, name: "adds.png", lines: receipt(total: "12.50"))
        var o = try await Fixture.extract(adds, "receipt", engine: engine)
        #expect(o["total"]?.doubleValue == 12.5)
        #expect(o["date"] == "2024-06-21")
        var c = calls()
        #expect(c.reads == 1 && c.orientation == 0, "\(c)")
        let off = try await Self.render(dir, name: "off.png", lines: receipt(total: "14.00"))
        o = try await Fixture.extract(off, "receipt", engine: engine)
        #expect(o["total"]?.doubleValue == 14)
        c = calls()
        #expect(c.reads == 2 && c.orientation == 0, "\(c)")
    }

    /// RapidOCR's boxes are ordered into layout lines: the label and its amount, found as two boxes, end on one line
    /// with the amount's column kept.
    @Test func rapidOCRBoxesBecomeLayoutLines() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try await Self.render(dir, name: "receipt.png", lines: Self.receipt)
        let page = try await RapidOCRWorker.shared.recognize(path, options: EngineOptions())
        #expect(page.width == 760)
        #expect(page.boxes.count >= 12, "\(page.boxes.map(\.text))")
        let lines = OCRLines.layout(page.boxes).split(separator: "\n").map(String.init)
        let total = try #require(lines.first { $0.contains("TOTAL") }, "\(lines)")
        #expect(total.range(of: #"TOTAL ?GBP\s{2,}15\.00"#, options: .regularExpression) != nil, "\(total)")
        let subtotal = try #require(lines.first { $0.contains("Subtotal") })
        // the amounts stand in one column, as on the slip
        #expect(
            subtotal.distance(from: subtotal.startIndex, to: subtotal.range(of: "12.50")!.lowerBound)
                == total.distance(from: total.startIndex, to: total.range(of: "15.00")!.lowerBound),
            "\(subtotal) / \(total)")
    }

    /// A page far larger than RapidOCR's largest side (a 5000 x 7000 px scan) is decoded reduced in the worker, so its
    /// memory stays bounded; its boxes still come back in the original's pixels and its text reads the same.
    @Test func aVeryLargePageIsReadReducedWithBoxesInItsOwnPixels() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let small = try await Self.render(dir, name: "receipt.png", lines: Self.receipt)
        let big = dir.file("receipt-big.jpg")
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
        let r = try await runTool(
            python,
            [
                "-c",
                "import sys\nfrom PIL import Image\nim = Image.open(sys.argv[1])\n"
                    + "im.resize((im.width * 5, im.height * 5)).save(sys.argv[2], quality=90)", small, big,
            ])
        try #require(r.status == 0, "\(r.stderr)")
        let page = try await RapidOCRWorker.shared.recognize(big, options: EngineOptions())
        #expect(page.width == 3800)
        let text = OCRLines.layout(page.boxes)
        #expect(text.contains("NORTHWIND GROCERS LTD") && text.contains("15.00"), "\(text)")
        let total = try #require(page.boxes.first { $0.text.contains("15.00") && !$0.text.contains("CARD") })
        // the total's box lies in the right part of the big page, in its pixels (the small page is 760 px wide)
        #expect(total.corners.allSatisfy { $0.x > 760 && $0.x <= 3800 }, "\(total.corners)")
    }

    @Test func boxesOnOneRowAreOneLine() {
        func box(_ x: Double, _ y: Double, _ w: Double, _ t: String) -> OCRBox {
            OCRBox(corners: [(x, y), (x + w, y), (x + w, y + 20), (x, y + 20)], text: t, score: 0.9)
        }
        // out of order, the second row slightly lower on its right
        let text = OCRLines.layout([
            box(400, 52, 60, "3.50"), box(20, 10, 120, "SHOP NAME"), box(20, 50, 90, "Total"),
            box(128, 10, 40, "LTD"),
        ])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(text)")
        #expect(lines.first == "SHOP NAME LTD", "\(text)")
        // the amount at its column: 380 px right of the margin at about 14 px a character
        #expect(lines.last?.range(of: #"^Total {20,30}3\.50$"#, options: .regularExpression) != nil, "\(text)")
    }

    /// An image with shapes and no text is an `unreadable` error with the reason, whichever backend reads it.
    @Test(arguments: [OCRChoice.tesseract, .rapidocr])
    func anImageWithoutTextIsUnreadable(_ ocr: OCRChoice) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try await Self.render(dir, name: "shapes.png", lines: [], noise: true)
        let engine = try Fixture.engine { $0.ocr = ocr }
        do {
            _ = try await engine.extract(path: path, schema: "receipt")
            Issue.record("an image without text came back ok (\(ocr))")
        } catch {
            #expect(error.code == .unreadable, "\(error)")
            #expect(error.message.contains("no readable text"), "\(error.message)")
        }
    }

    /// A scanned PDF whose pages hold no words (a blank page, a page of shapes) is `unreadable` by the same rule as
    /// an image, not an ok record of nulls (a scanned PDF with words: TextCacheTests).
    @Test func aScannedPDFWithoutTextIsUnreadable() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        var blank = PDFWriter()
        blank.addImagePage(gray: [UInt8](repeating: 255, count: 400 * 300), width: 400, height: 300)
        let path = dir.file("blank-scan.pdf")
        try blank.write(to: path)
        do {
            _ = try await Fixture.extract(path, "invoice")
            Issue.record("a blank scanned PDF came back ok")
        } catch let error as RecordError {
            #expect(error.code == .unreadable, "\(error)")
            #expect(error.message.contains("no readable text"), "\(error.message)")
        }
    }

    /// German with umlauts: tesseract's first pass has German, so "Müller Straße" keeps its letters (RapidOCR alone
    /// reads the page too, without them).
    @Test func autoReadsGermanWithItsUmlauts() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try await Self.render(
            dir, name: "rechnung.png",
            lines: [
                "Bäckerei Müller GmbH", "Müller Straße 12, 50667 Köln", "", "Rechnung Nr. 2024-118   Datum 03.04.2024",
                "",
                "Brötchen                        3,50 €", "Größe: 3 Stück                  2,10 €", "",
                "Zwischensumme                   5,60 €", "MwSt 7%                         0,39 €",
                "Gesamtbetrag                    5,99 €",
            ])
        let text = try await Fixture.engine { $0.ocr = .auto }.text(path: path).joined()
        #expect(text.contains("Straße"), "\(text)")
        #expect(text.contains("Bäckerei Müller"), "\(text)")
        let rapid = try await Fixture.engine { $0.ocr = .rapidocr }.text(path: path).joined()
        #expect(rapid.contains("Gesamtbetrag"), "RapidOCR reads the page too: \(rapid)")
    }

    /// `--ocr rapidocr` without its virtual environment: every image is an engine_unavailable record that names the
    /// PyPI package and the install command.
    @Test func aMissingBackendIsEngineUnavailableWithTheInstallCommand() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try await Self.render(dir, name: "receipt.png", lines: Self.receipt)
        let r = try await runTool(
            "smole-extract", ["--schema", "receipt", "--ocr", "rapidocr", path],
            env: ["SMOLE_OCR_VENV": dir.file("no-venv")])
        let rec = try JSON.parse(r.stdout.split(separator: "\n").first.map(String.init) ?? "")
        #expect(rec["status"] == "error", "\(r.stdout)")
        #expect(rec["error"]?["code"] == "engine_unavailable", "\(r.stdout)")
        let message = rec["error"]?["message"]?.stringValue ?? ""
        #expect(
            message.contains("rapidocr_onnxruntime==1.4.4") && message.contains("scripts/setup")
                && message.contains("pip install"), "\(message)")
        // and a backend name that does not exist is a usage error
        let bad = try await runTool("smole-extract", ["--schema", "receipt", "--ocr", "easyocr", path])
        #expect(bad.status == 64, "\(bad.stderr)")
    }

    /// A page's language from the lexicon's label words, also when the reading lost its accents.
    @Test func thePageLanguageComesFromItsLabelWords() {
        #expect(OCRLanguageGuess.guess("Rechnung Nr. 17\nZwischensumme 5,60\nMwSt 7% 0,39\nGesamtbetrag 5,99") == "de")
        #expect(OCRLanguageGuess.guess("Facture n° 12\nMontant HT 10,00\nTotal TTC 12,00\nDate d'echeance") == "fr")
        #expect(OCRLanguageGuess.guess("Factura 2024-7\nFecha de vencimiento 03/04/2024\nImporte total 12,00") == "es")
        #expect(OCRLanguageGuess.guess("1234 5678\n3.50 2.10") == nil)
        #expect(OCRLanguageGuess.guess(Self.receipt.joined(separator: "\n")) != "de")
    }
}
