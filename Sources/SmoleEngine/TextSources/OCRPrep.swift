import Foundation
import SmoleRecords

/// Clean-up of a photographed page before OCR: grey, and turned straight when its text lines slope.
///
/// Phone photos of receipts come rotated by a few degrees, lit unevenly and often small; tesseract's `--psm 6`
/// reads a uniform block of horizontal lines and loses whole columns when lines slope across them. The work is
/// done by Leptonica, the image library tesseract itself is built on, opened at run time (`dlopen`): it is
/// installed wherever tesseract is, and when it cannot be found the engine OCRs the original image unchanged.
enum OCRPrep {
    /// What was done to an image, for tests and evidence.
    struct Report: Sendable, Equatable {
        var width: Int
        var height: Int
        /// The rotation measured and undone, in degrees (counter-clockwise positive); 0 when none was clear.
        var skewDegrees: Double
    }

    /// Writes the cleaned image as PNG to `output`. Nil when Leptonica is not available or cannot read the image.
    /// `scale` enlarges the result too (a later reading of a photo whose first reading did not add up).
    static func prepare(_ input: String, output: String, scale: Double = 1, quarterTurns: Int = 0) -> Report? {
        guard let lib = Leptonica.shared else { return nil }
        return lib.prepare(input, output: output, scale: scale, quarterTurns: quarterTurns)
    }

    static var available: Bool { Leptonica.shared != nil }

    /// How well an extraction's numbers agree with each other: subtotal + tax = total, the line amounts add up to
    /// the subtotal (or the total), plus one for each totals field
    /// found. OCR slips break these sums, so between two readings of a photo the higher score is the truer one.
    static func arithmeticScore(_ data: JSONValue) -> Int {
        func num(_ k: String) -> Double? { data[k]?.doubleValue }
        var score = 0
        let s = num("subtotal"), t = num("tax"), g = num("total")
        score += [s, t, g].compactMap { $0 }.count
        if let s, let t, let g, abs(s + t - g) < 0.015 { score += 4 }
        if let items = data["line_items"]?.arrayValue, !items.isEmpty {
            let sum = items.compactMap { $0["amount"]?.doubleValue }.reduce(0, +)
            if [s, g].contains(where: { $0.map { abs($0 - sum) < 0.015 } ?? false }) { score += 4 }
        }
        return score
    }

    /// The score of a reading whose totals and items all agree (three totals found, both sums hold).
    static let consistentScore = 11
}

/// The few Leptonica entry points the clean-up needs, bound with `dlsym`.
final class Leptonica: @unchecked Sendable {
    typealias Pix = OpaquePointer
    let pixRead: @convention(c) (UnsafePointer<CChar>) -> Pix?
    let pixConvertTo8: @convention(c) (Pix, Int32) -> Pix?
    let pixBackgroundNormSimple: @convention(c) (Pix, Pix?, Pix?) -> Pix?
    let pixFindSkew: @convention(c) (Pix, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Int32
    let pixConvertTo1: @convention(c) (Pix, Int32) -> Pix?
    let pixRotate: @convention(c) (Pix, Float, Int32, Int32, Int32, Int32) -> Pix?
    let pixScale: @convention(c) (Pix, Float, Float) -> Pix?
    let pixWrite: @convention(c) (UnsafePointer<CChar>, Pix, Int32) -> Int32
    let pixDestroy: @convention(c) (UnsafeMutablePointer<Pix?>) -> Void
    let pixGetWidth: @convention(c) (Pix) -> Int32
    let pixGetHeight: @convention(c) (Pix) -> Int32
    /// Turns by quarter turns clockwise (`pixRotateOrth`); nil in a Leptonica without it.
    let pixRotateOrth: (@convention(c) (Pix, Int32) -> Pix?)?

    /// Library names across distributions: Debian 12 ships liblept.so.5, newer releases libleptonica.so.6.
    static let names = [
        "liblept.so.5", "libleptonica.so.6", "libleptonica.so", "liblept.so", "liblept.5.dylib", "libleptonica.6.dylib",
    ]

    static let shared: Leptonica? = {
        if ProcessInfo.processInfo.environment["SMOLE_OCR_PREP"] == "0" { return nil }
        for name in names {
            if let h = dlopen(name, RTLD_NOW | RTLD_LOCAL), let lib = Leptonica(handle: h) { return lib }
        }
        return nil
    }()

    init?(handle h: UnsafeMutableRawPointer) {
        func sym<T>(_ name: String, _: T.Type) -> T? {
            guard let p = dlsym(h, name) else { return nil }
            return unsafeBitCast(p, to: T.self)
        }
        guard let a = sym("pixRead", (@convention(c) (UnsafePointer<CChar>) -> Pix?).self),
            let b = sym("pixConvertTo8", (@convention(c) (Pix, Int32) -> Pix?).self),
            let c = sym("pixBackgroundNormSimple", (@convention(c) (Pix, Pix?, Pix?) -> Pix?).self),
            let d = sym(
                "pixFindSkew",
                (@convention(c) (Pix, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Int32).self),
            let e = sym("pixConvertTo1", (@convention(c) (Pix, Int32) -> Pix?).self),
            let f = sym("pixRotate", (@convention(c) (Pix, Float, Int32, Int32, Int32, Int32) -> Pix?).self),
            let g = sym("pixScale", (@convention(c) (Pix, Float, Float) -> Pix?).self),
            let w = sym("pixWrite", (@convention(c) (UnsafePointer<CChar>, Pix, Int32) -> Int32).self),
            let x = sym("pixDestroy", (@convention(c) (UnsafeMutablePointer<Pix?>) -> Void).self),
            let gw = sym("pixGetWidth", (@convention(c) (Pix) -> Int32).self),
            let gh = sym("pixGetHeight", (@convention(c) (Pix) -> Int32).self)
        else { return nil }
        pixRead = a; pixConvertTo8 = b; pixBackgroundNormSimple = c; pixFindSkew = d; pixConvertTo1 = e
        pixRotate = f; pixScale = g; pixWrite = w; pixDestroy = x; pixGetWidth = gw; pixGetHeight = gh
        pixRotateOrth = sym("pixRotateOrth", (@convention(c) (Pix, Int32) -> Pix?).self)
        // Leptonica reports problems on stderr; the engine's own messages are enough.
        if let sev = sym("setMsgSeverity", (@convention(c) (Int32) -> Int32).self) { _ = sev(6) }  // L_SEVERITY_NONE
    }

    // Leptonica constants (pix.h, imageio.h)
    static let iffPNG: Int32 = 3  // IFF_PNG
    static let rotateAreaMap: Int32 = 2  // L_ROTATE_AREA_MAP
    static let bringInWhite: Int32 = 1  // L_BRING_IN_WHITE

    func destroy(_ p: Pix?) {
        var q = p
        if q != nil { pixDestroy(&q) }
    }

    func prepare(_ input: String, output: String, scale: Double, quarterTurns: Int = 0) -> OCRPrep.Report? {
        guard let read = pixRead(input) else { return nil }
        var src = read
        // a page scanned sideways or upside down, turned upright first (the turns tesseract's OSD measured)
        if quarterTurns % 4 != 0 {
            guard let turn = pixRotateOrth, let turned = turn(read, Int32(((quarterTurns % 4) + 4) % 4)) else {
                destroy(read); return nil
            }
            destroy(read)
            src = turned
        }
        defer { destroy(src) }
        guard let gray = pixConvertTo8(src, 0) else { return nil }
        var cur: Pix = gray
        defer { destroy(cur) }
        // The skew of the text lines, measured on a copy with the light flattened (each region divided by its own
        // background level, so shadows and the table around the slip do not turn black) and binarized.
        var angle: Float = 0, conf: Float = 0
        var skew = 0.0
        if let norm = pixBackgroundNormSimple(gray, nil, nil) {
            if let bin = pixConvertTo1(norm, 130) {
                if pixFindSkew(bin, &angle, &conf) == 0, conf >= 2.5, abs(angle) >= 0.2, abs(angle) <= 10,
                    // as pixDeskew does: rotate by the measured angle, bringing in white at the corners
                    let rot = pixRotate(gray, angle * .pi / 180, Self.rotateAreaMap, Self.bringInWhite, 0, 0)
                {
                    cur = rot
                    skew = Double(angle)
                }
                destroy(bin)
            }
            destroy(norm)
        }
        if cur != gray { destroy(gray) }
        if scale > 1.01, let big = pixScale(cur, Float(scale), Float(scale)) { destroy(cur); cur = big }
        // The image tesseract reads is the rotated grey one, not the flattened one: measured on photos, flattening
        // and enlarging both cost more characters than they saved (tesseract's own thresholding copes with the light).
        guard pixWrite(output, cur, Self.iffPNG) == 0 else { return nil }
        return OCRPrep.Report(width: Int(pixGetWidth(cur)), height: Int(pixGetHeight(cur)), skewDegrees: skew)
    }
}
