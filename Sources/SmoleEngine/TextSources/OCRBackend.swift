import Foundation
import SmoleRecords

// OCR backends behind one interface. Input: the path of an image already cleaned up (OCRPrep) and the engine's
// options. Output: the page as layout text (one line per text row, columns kept as spaces), the form the Layout stage
// reads. Two backends: tesseract (Debian's tesseract-ocr, run once per image) and RapidOCR (PP-OCRv4 detection and
// recognition on ONNX Runtime, PyPI `rapidocr_onnxruntime`, run in one long-lived worker process per engine process,
// RapidOCRWorker.swift). `--ocr auto` picks by the measurements in README ("OCR backends").

/// Which OCR backend reads scans and photos (`--ocr`).
public enum OCRChoice: String, Sendable, CaseIterable {
    /// tesseract first (in the page's language); where that reading's numbers do not agree, RapidOCR reads the
    /// image too when it is installed, and the reading whose numbers agree better wins (README, "OCR backends").
    case auto
    case tesseract
    case rapidocr
}

/// One OCR backend: an image in, layout text out.
protocol OCRBackend: Sendable {
    var name: String { get }
    /// The text of the image at `path` in layout form.
    /// - Throws: `RecordError` engine_unavailable when the backend is not installed, unreadable when it cannot read
    ///   the image, timeout past `options.timeout`, engine_failed when the backend broke.
    func read(_ path: String, options: EngineOptions) async throws(RecordError) -> String
}

/// tesseract `--psm 6` (one uniform block of text) with the languages `OCRLanguages` picks.
struct TesseractBackend: OCRBackend {
    var name: String { "tesseract" }
    /// The `-l` value; nil: the installed languages `OCRLanguages.argument` picks.
    var languages: String? = nil
    func read(_ path: String, options: EngineOptions) async throws(RecordError) -> String {
        try await TextSource.tesseract(path, psm: "6", options: options, languages: languages)
    }
}

/// RapidOCR's text boxes ordered into layout lines (`OCRLines`).
struct RapidOCRBackend: OCRBackend {
    var name: String { "rapidocr" }
    func read(_ path: String, options: EngineOptions) async throws(RecordError) -> String {
        let page = try await RapidOCRWorker.shared.recognize(path, options: options)
        return OCRLines.layout(page.boxes)
    }
}

enum OCRBackends {
    /// The backend that reads a page first; for `auto` tesseract (RapidOCR reads again where tesseract's numbers do
    /// not agree, `Engine.extract`).
    static func primary(_ choice: OCRChoice) -> any OCRBackend {
        switch choice {
        case .tesseract: return TesseractBackend()
        case .rapidocr: return RapidOCRBackend()
        case .auto: return TesseractBackend()
        }
    }
}

/// A text box from a detector + recogniser: four corners in pixels (clockwise from the top left), its text, its score.
struct OCRBox: Sendable, Equatable {
    var corners: [(x: Double, y: Double)]
    var text: String
    var score: Double
    static func == (a: OCRBox, b: OCRBox) -> Bool {
        a.text == b.text && a.score == b.score && a.corners.map(\.x) == b.corners.map(\.x)
            && a.corners.map(\.y) == b.corners.map(\.y)
    }
}

/// Text boxes into layout text, the way `pdftotext -layout` writes a page: boxes whose vertical middles lie within
/// half a text height of each other form one line, left to right; each box starts at the column its left edge falls
/// on (the page's median character width is one column), at least two spaces after the box before it when the gap is
/// wider than a character (so the Layout stage sees two cells) and one space when the boxes nearly touch.
enum OCRLines {
    static func layout(_ boxes: [OCRBox]) -> String {
        struct Item { var x0, x1, yc, h: Double; var text: String }
        var items: [Item] = []
        for b in boxes where b.corners.count == 4 {
            let t = b.text.trimmingCharacters(in: .whitespaces)
            guard !t.isEmpty else { continue }
            let xs = b.corners.map(\.x), ys = b.corners.map(\.y)
            let h = max(1, ((b.corners[3].y - b.corners[0].y) + (b.corners[2].y - b.corners[1].y)) / 2)
            items.append(Item(x0: xs.min()!, x1: xs.max()!, yc: ys.reduce(0, +) / 4, h: h, text: t))
        }
        guard !items.isEmpty else { return "" }
        func median(_ v: [Double]) -> Double {
            let s = v.sorted(); return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        let charWidth = max(1, median(items.map { ($0.x1 - $0.x0) / Double(max(1, $0.text.count)) }))
        items.sort { $0.yc < $1.yc }
        var rows: [[Item]] = []
        for it in items {
            if var last = rows.last {
                let yc = median(last.map(\.yc)), h = median(last.map(\.h))
                if abs(it.yc - yc) < 0.5 * min(h, it.h) {
                    last.append(it)
                    rows[rows.count - 1] = last
                    continue
                }
            }
            rows.append([it])
        }
        var lines: [String] = []
        for row in rows {
            var s = ""
            var count = 0
            var prevRight = 0.0
            for it in row.sorted(by: { $0.x0 < $1.x0 }) {
                var col = Int((it.x0 / charWidth).rounded())
                if count > 0 {
                    let minSpaces = it.x0 - prevRight < 1.2 * charWidth ? 1 : 2
                    col = max(col, count + minSpaces)
                }
                if col > count { s += String(repeating: " ", count: col - count); count = col }
                s += it.text
                count += it.text.count
                prevRight = it.x1
            }
            lines.append(s)
        }
        // the page's left margin is not text
        let margin = lines.filter { !$0.isEmpty }.map { $0.prefix { $0 == " " }.count }.min() ?? 0
        return lines.map { String($0.dropFirst(margin)) }.joined(separator: "\n")
    }
}

/// The language a page's text is written in, judged from the label words of the lexicon (`Lexicon/labels/*.json`):
/// each language's words of four letters or more that no other language's labels use, folded to ASCII (so a reading
/// that lost its accents, "Strasse", "Facture", still counts). A language is the page's when at least two of its
/// distinct words occur and it has more than English and every other language.
enum OCRLanguageGuess {
    /// ISO 639-1 code → tesseract's traineddata name.
    static let tesseractNames = [
        "en": "eng", "de": "deu", "fr": "fra", "nl": "nld", "es": "spa", "it": "ita", "pt": "por",
    ]

    static func fold(_ s: String) -> String {
        s.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
    }

    static let words: [String: Set<String>] = {
        var per: [String: Set<String>] = [:]
        for lang in Lexicon.languages {
            var set = Set<String>()
            let labels = lang.roles.values.flatMap { $0 } + (lang.phrases?.values.flatMap { $0 } ?? [])
            for label in labels {
                for w in fold(label).split(whereSeparator: { !$0.isLetter }) where w.count >= 4 {
                    set.insert(String(w))
                }
            }
            per[lang.language] = set
        }
        var unique: [String: Set<String>] = [:]
        for (lang, set) in per {
            let others = per.filter { $0.key != lang }.values.reduce(into: Set<String>()) { $0.formUnion($1) }
            unique[lang] = set.subtracting(others)
        }
        return unique
    }()

    /// The page's language (ISO 639-1), or nil when no language stands out.
    static func guess(_ text: String) -> String? {
        let tokens = Set(fold(text).split(whereSeparator: { !$0.isLetter }).filter { $0.count >= 4 }.map(String.init))
        var counts = words.map { (lang: $0.key, n: $0.value.intersection(tokens).count) }
        counts.sort { $0.n > $1.n || ($0.n == $1.n && $0.lang < $1.lang) }
        guard let top = counts.first, top.n >= 2, counts.count < 2 || counts[1].n < top.n else { return nil }
        return top.lang
    }
}

/// Reads one cleaned-up image with the backend `options.ocr` names.
///
/// - `rapidocr`: RapidOCR alone.
/// - `tesseract` and `auto`: tesseract with English, German, French and Dutch in one pass (as installed); a page
///   whose words are clearly Spanish, Italian or Portuguese is read again in that language alone. (Reading English
///   first and the page's language after was measured and dropped: the English model alone lost the euro sign on
///   photographed receipts and 7 of 40 merchants on real receipt scans.) `auto` adds a RapidOCR reading where the
///   numbers do not agree (`Engine.extract`).
enum OCRReader {
    static func read(_ path: String, options: EngineOptions) async throws(RecordError) -> String {
        let primary = OCRBackends.primary(options.ocr)
        if primary is TesseractBackend {
            guard ExternalTool.locate("tesseract", path: options.toolSearchPath) != nil else {
                throw ExternalTool.unavailable("tesseract")
            }
            let installed = try await OCRLanguages.installed(options: options)
            let first = try await TesseractBackend(languages: OCRLanguages.choose(installed: installed)).read(
                path, options: options)
            guard let lang = OCRLanguageGuess.guess(first), let name = OCRLanguageGuess.tesseractNames[lang],
                !OCRLanguages.firstPass.contains(name), installed.contains(name)
            else { return first }
            return try await TesseractBackend(languages: name).read(path, options: options)
        }
        return try await primary.read(path, options: options)
    }
}
