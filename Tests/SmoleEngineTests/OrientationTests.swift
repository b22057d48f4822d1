import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// A receipt scanned sideways or upside down reads the same as upright: tesseract's orientation detection says how
/// far to turn it, Leptonica turns it. The images are rendered at test time (Pillow, DejaVu Sans Mono) and read by the
/// real tesseract.
@Suite struct PageOrientation {
    static let lines = [
        "HARBOUR DELI LTD", "12 Quay Street, Cork", "", "Receipt 2231        14.03.2025 12:41", "",
        "Sourdough loaf                 4.20", "Cheddar 200g                   3.85",
        "Olive oil 500ml                8.95", "",
        "Subtotal                      17.00", "VAT 13.5%                      2.30",
        "TOTAL EUR                     19.30", "",
        "CARD                          19.30", "Thank you!",
    ]

    /// Renders the receipt, turned by `degrees` counter-clockwise, to a PNG.
    static func render(_ dir: TempDir, degrees: Int) async throws -> String {
        let out = dir.file("receipt-\(degrees).png")
        let script = """
            import sys
            from PIL import Image, ImageDraw, ImageFont
            lines = sys.argv[3:]
            font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 28)
            img = Image.new("L", (720, 60 + 40 * len(lines)), 255)
            d = ImageDraw.Draw(img)
            for i, t in enumerate(lines):
                d.text((30, 30 + 40 * i), t, font=font, fill=0)
            img.rotate(int(sys.argv[2]), expand=True, fillcolor=255).save(sys.argv[1])
            """
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
        let r = try await runTool(python, ["-c", script, out, String(degrees)] + lines)
        try #require(r.status == 0, "rendering failed: \(r.stderr)")
        return out
    }

    @Test(arguments: [90, 270, 180])
    func aTurnedReceiptReadsLikeTheUprightOne(_ degrees: Int) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try await Self.render(dir, degrees: degrees)
        let o = try await Fixture.extract(path, "receipt")
        #expect(o["merchant_name"] == "HARBOUR DELI LTD", "turned \(degrees)°")
        #expect(o["date"] == "2025-03-14", "turned \(degrees)°")
        #expect(o["total"]?.doubleValue == 19.3, "turned \(degrees)°")
        #expect(o["subtotal"]?.doubleValue == 17, "turned \(degrees)°")
        #expect(o["currency"] == "EUR", "turned \(degrees)°")
    }

    /// Routing reads a sideways scan as extraction does: a first reading that routes nowhere with confidence is read
    /// again (RapidOCR, then turned upright), and the reading that routes best wins.
    @Test(arguments: [90, 180])
    func aTurnedReceiptRoutesAsAReceipt(_ degrees: Int) async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try await Self.render(dir, degrees: degrees)
        let routed = try #require(try await Fixture.engine().classify(path: path), "turned \(degrees)°")
        #expect(routed.schema == "receipt", "turned \(degrees)°")
        #expect(routed.confidence >= 0.5, "turned \(degrees)°: confident enough for smole-route's default threshold")
    }

    @Test func orientationDetectionOfAnUprightPageSaysNoTurn() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try await Self.render(dir, degrees: 0)
        #expect(await TextSource.uprightTurns(path: path, options: EngineOptions()) == 0)
        let turned = try await Self.render(dir, degrees: 90)
        #expect(await TextSource.uprightTurns(path: turned, options: EngineOptions()) != 0)
    }
}
