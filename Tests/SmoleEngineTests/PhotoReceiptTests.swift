import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// Phone photos of till receipts, rendered at test time by scripts/lib/photo_receipts.py (Pillow) and read through
/// the real Leptonica clean-up and the real tesseract.
@Suite struct PhotoReceipts {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var generator: String { repoRoot.appendingPathComponent("scripts/lib/photo_receipts.py").path }

    struct Photo {
        var path: String
        var truth: JSONObject
        var rotation: Double
        var height: Int
    }

    /// Renders `count` photos with the generator (argument array, no shell) and reads its truth lines.
    static func render(_ dir: TempDir, seed: Int, start: Int = 1, count: Int, mild: Bool) async throws -> [Photo] {
        var args = [
            generator, "--out", dir.path, "--seed", String(seed), "--start", String(start), "--count", String(count),
        ]
        if mild { args.append("--mild") }
        // Debian's interpreter, for which scripts/setup installs Pillow (python3-pil); a python3 earlier on PATH
        // (pyenv, a virtualenv) may not have it.
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
        let r = try await runTool(python, args)
        try #require(r.status == 0, "photo_receipts.py failed: \(r.stderr)")
        let lines = try String(contentsOfFile: dir.file("truth.ndjson"), encoding: .utf8).split(separator: "\n")
        return try lines.map { line in
            let rec = try JSON.parse(String(line))
            let name = try #require(rec["name"]?.stringValue)
            return Photo(
                path: dir.file(name), truth: try #require(rec["data"]?.objectValue),
                rotation: try #require(rec["photo"]?["rotation"]?.doubleValue),
                height: try #require(rec["photo"]?["height"]?.intValue))
        }
    }

    /// Two receipts photographed gently (1–2° rotation, light gradient, blur, noise, JPEG 70): every header field
    /// reads back exactly, and every item printed on a line of its own.
    @Test func photographedReceiptsReadBackThroughTesseract() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let photos = try await Self.render(dir, seed: 7, count: 2, mild: true)
        #expect(photos.count == 2)
        for p in photos {
            #expect(abs(p.rotation) >= 1, "the photo is rotated")
            let o = try await Fixture.extract(p.path, "receipt")
            for field in ["merchant_name", "date", "time", "currency", "payment_method"] {
                #expect(
                    o[field]?.stringValue?.lowercased() == p.truth[field]?.stringValue?.lowercased(),
                    "\(field) of \(p.path)")
            }
            for field in ["subtotal", "tax", "total"] {
                let want = try #require(p.truth[field]?.doubleValue)
                let got = o[field]?.doubleValue
                #expect(
                    got.map { abs($0 - want) < 0.005 } == true,
                    "\(field) of \(p.path): \(String(describing: got)) for \(want)")
            }
            // Items printed on one line ("Toothpaste   39,50") are all read; the indented "2 @ 11,43" lines under
            // an item are where tesseract still slips on photos, so those are not required here.
            let want = try #require(p.truth["line_items"]?.arrayValue)
            let got = o["line_items"]?.arrayValue ?? []
            let single = want.filter { $0["quantity"]?.doubleValue == 1 }
            #expect(!single.isEmpty)
            for w in single {
                let found = got.contains { g in
                    g["description"]?.stringValue?.lowercased() == w["description"]?.stringValue?.lowercased()
                        && abs((g["amount"]?.doubleValue ?? -1) - (w["amount"]?.doubleValue ?? 0)) < 0.005
                }
                #expect(found, "\(w) in \(p.path)")
            }
        }
    }

    /// The clean-up measures the photo's rotation from its text lines (shadows, table and all) and turns it back.
    @Test func cleanupMeasuresAndUndoesTheRotation() async throws {
        try #require(OCRPrep.available, "Leptonica (installed with tesseract-ocr) is needed")
        let dir = try TempDir(); defer { dir.cleanup() }
        let photos = try await Self.render(dir, seed: 3, count: 3, mild: false)
        var checked = 0
        for p in photos where abs(p.rotation) >= 2 {
            checked += 1
            let out = dir.file("clean.png")
            let report = try #require(OCRPrep.prepare(p.path, output: out))
            // The slope of the lines is the rotation plus some perspective: same direction, about the same size.
            #expect(
                report.skewDegrees * p.rotation > 0 && abs(report.skewDegrees - p.rotation) < 2.5,
                "measured \(report.skewDegrees)° for a photo turned \(p.rotation)°")
            #expect(report.height == p.height, "turned in place, not enlarged")
            let head = try #require(FileHandle(forReadingAtPath: out)).readData(ofLength: 4)
            #expect([UInt8](head) == [0x89, 0x50, 0x4E, 0x47], "the cleaned page is a PNG")
            // Enlarged by half for a later reading.
            let big = try #require(OCRPrep.prepare(p.path, output: dir.file("big.png"), scale: 1.5))
            #expect(abs(Double(big.height) - 1.5 * Double(p.height)) <= 2, "\(big.height) px for \(p.height) px × 1.5")
            // Cleaned again, the page is straight.
            let again = try #require(OCRPrep.prepare(out, output: dir.file("again.png")))
            #expect(abs(again.skewDegrees) < 0.5, "still \(again.skewDegrees)° after deskewing \(p.path)")
        }
        #expect(checked >= 1, "the seed gives at least one photo turned by 2° or more")
        #expect(
            OCRPrep.prepare(dir.file("truth.ndjson"), output: dir.file("x.png")) == nil,
            "a file that is not an image is left to tesseract")
    }

    /// OCR slips in the totals block, as tesseract prints them from a photo: a bold TOTAL misread as "iG", a glued
    /// "4@4.71", a tax whose decimal mark was lost. The arithmetic of the other totals puts them right.
    @Test func totalsAndQuantitiesSurviveOCRSlips() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let unlabelledTotal = try dir.write(
            "a.txt",
            """
            Boulangerie Dupont
            42 Station Road
            09/08/2026                    10:21
            Kaas
            4@4.71                   18.84
            Eggs 10pk                23.58
            SUB TOTAL                 42.42
            TAX 7%                     2.97
            iG                        45.39
            Tender; DEBIT
            """)
        let a = try await Fixture.extract(unlabelledTotal, "receipt")
        #expect(a["total"]?.doubleValue == 45.39)
        #expect(a["subtotal"]?.doubleValue == 42.42)
        let items = try #require(a["line_items"]?.arrayValue)
        #expect(items.count == 2)
        #expect(items.first?["description"] == "Kaas")
        #expect(items.first?["quantity"]?.doubleValue == 4)
        #expect(items.first?["unit_price"]?.doubleValue == 4.71)

        let lostMark = try dir.write(
            "b.txt",
            """
            Cafe Lindenhof
            12.03.2026  09:14
            Brezel                      2,50
            Kaffee                      3,20
            Zwischensumme               5,70
            MwSt. 19%                    108
            SUMME                       6,78
            BAR
            """)
        let b = try await Fixture.extract(lostMark, "receipt")
        #expect(b["tax"]?.doubleValue == 1.08 || b["tax"] == .null, "a tax larger than the subtotal is not kept")
        #expect(b["total"]?.doubleValue == 6.78)
        #expect(b["subtotal"]?.doubleValue == 5.70)
    }
}

@Suite struct OCRNoise {
    /// Specks from a photo's background: a first or last cell of one or two letters set apart, lines of marks,
    /// a lone mark at either end. Amounts, currency signs, a leading minus and real words stay.
    @Test func edgeSpecksAreDroppedAndContentKept() {
        let text = """
            ad            The Book Nook           B
            eo
            Supermarche Casino =
            | Brood                        2,50
            ZZ
            Milk 1L                        1,20 €
            - 2,00   Rabatt
            Coffee beans 250g              4.99   A
            """
        let lines = OCRText.dropEdgeNoise(text).split(separator: "\n", omittingEmptySubsequences: false).map(
            String.init)
        #expect(lines[0].trimmingCharacters(in: .whitespaces) == "The Book Nook")
        #expect(lines[0].hasPrefix("              The Book Nook"), "columns kept")
        #expect(lines[1] == "")
        #expect(lines[2] == "Supermarche Casino")
        #expect(lines[3].trimmingCharacters(in: .whitespaces).hasPrefix("Brood") && lines[3].hasSuffix("2,50"))
        #expect(lines[4] == "")
        #expect(lines[5] == "Milk 1L                        1,20 €")
        #expect(lines[6] == "- 2,00   Rabatt")
        #expect(lines[7] == "Coffee beans 250g              4.99")
    }
}

@Suite struct SecondReading {
    /// Between two OCR readings of a photo, the one whose numbers agree wins: sums that hold outscore fields found.
    @Test func arithmeticScoreRewardsTotalsThatAddUp() throws {
        let consistent = try JSON.parse(
            #"{"subtotal": 5.70, "tax": 1.08, "total": 6.78, "line_items": [{"amount": 2.50}, {"amount": 3.20}]}"#)
        let misread = try JSON.parse(
            #"{"subtotal": 5.70, "tax": 1.08, "total": 8.78, "line_items": [{"amount": 2.50}, {"amount": 8.20}]}"#)
        let partial = try JSON.parse(
            #"{"subtotal": null, "tax": null, "total": 6.78, "line_items": [{"amount": 6.78}]}"#)
        #expect(OCRPrep.arithmeticScore(consistent) == OCRPrep.consistentScore)
        #expect(OCRPrep.arithmeticScore(misread) == 3)
        #expect(OCRPrep.arithmeticScore(partial) == 5, "the one total found, and the items add up to it")
        #expect(OCRPrep.arithmeticScore(consistent) > OCRPrep.arithmeticScore(partial))
        #expect(OCRPrep.arithmeticScore(partial) > OCRPrep.arithmeticScore(misread))
    }
}
