import Foundation
import SmoleRecords

// Stage 4, labels. Input: the layout and the schema's fields with their roles. Output: label hits per line (a field's
// labels from its schema and from the lexicon of its role, `Lexicon/`), the value beside or below each label parsed by
// the field's type, and the document-wide cues (decimal mark, currency, language, date order). Order of evidence: a
// longer label over one inside it; a label whose next word gives it another meaning ("Total Qty") is no label of its
// role; a label leading its cell over one inside text; the value to the right over the value below.

/// A value chosen for a field, with where it came from.
struct Found {
    var value: JSONValue
    var line: Line
    var confidence: Double
}

/// A label of some field found on a line.
struct LabelHit {
    var field: String
    var rank: Int  // position of the label in the field's list (0 = most specific)
    var line: Int
    var start: Int
    var end: Int
}

/// Schema-driven extraction from layout text. One instance per document and schema.
final class Extractor {
    let layout: Layout
    let schema: Schema
    /// Whether the text came from OCR: a stray glyph there ("£  cx  4 geet", "€.36") is not a currency the
    /// document states.
    let ocr: Bool
    var decimalHint: Character? = nil
    var currency: String? = nil
    var currencyLine: Line? = nil
    var dayFirst = true
    /// Whether `dayFirst` was decided against another cue (`Parse.dateOrderInDoubt`).
    var dateOrderInDoubt = false
    var english = true
    var hits: [Int: [LabelHit]] = [:]  // by line index
    var tableLines: Set<Int> = []
    var evidence: [String: Found] = [:]
    var items: [[String: Found]]? = nil
    /// Line items whose amount is quantity × price plus the tax the table prints in its own column (the line's gross).
    var itemsWithTax: Set<Int> = []
    /// Line items of an OCR reading whose amount was replaced by quantity × unit price, with the amount as read.
    var itemsRecomputed: [Int: Double] = [:]
    var firstTableLine: Int? = nil
    var itemLabelCache: [String: [ItemLabels]] = [:]
    var headerCache: [String: [Int: [Column]]] = [:]
    /// Lines where a totals label was taken out of its role by the word after it ("Total Qty", "Total excl."): not a
    /// field's value, but still the end of the item table.
    var qualifiedLabelLines: Set<Int> = []
    var proseCache: Prose? = nil  // contracts: the document as running text (Contract.swift)
    /// Receipts: the slip's tax as its own rules read it (`receiptTaxReading`), read once.
    var receiptTaxCache: ReceiptTax?? = nil

    init(layout: Layout, schema: Schema, ocr: Bool = false) {
        self.layout = layout
        self.schema = schema
        self.ocr = ocr
        computeCues()
        computeHits()
    }

    // MARK: cues

    /// Document-wide cues, read once: the decimal mark, the currency, the language and the date order.
    ///
    /// The currency is what the document states: signs and codes beside amounts (2 votes each), signs and codes
    /// standing alone ("Currency: EUR", "TOTAL EUR", 1.5; a local form such as "RM" or "Rp" only on a line with an
    /// amount: "TOTAL (RM)  18.90"), each counted as strong or weak (`Currency.weakSigns`):
    /// a bare "$" counts for an explicit dollar code when the page names one (AUD, CAD...). With no sign and no
    /// code the currency is unknown (nil): a tax word (VAT, MwSt, GST) or a decimal comma does not name one.
    /// Whether an amount as printed has a digit before its decimal mark ("12.50", "0,36"; not ".36").
    static func digitBeforeMark(_ raw: String) -> Bool {
        let chars = Array(raw)
        guard let mark = chars.lastIndex(where: { $0 == "." || $0 == "," }) else { return true }
        return mark > 0 && chars[mark - 1].isNumber
    }

    func computeCues() {
        var comma = 0, dot = 0
        var strong: [String: Double] = [:], weak: [String: Double] = [:]
        var firstLineFor: [String: Line] = [:]
        func vote(_ code: String, _ w: Double, weakSign: Bool, _ line: Line) {
            if weakSign { weak[code, default: 0] += w } else { strong[code, default: 0] += w }
            if firstLineFor[code] == nil { firstLineFor[code] = line }
        }
        for line in layout.lines where !line.isBlank {
            let hasDigit = line.text.utf8.contains { $0 >= 0x30 && $0 <= 0x39 }
            var hasAmount = false
            for n in hasDigit ? Parse.numbers(in: line) : [] {
                if n.decimals > 0, !n.isPercent { hasAmount = true }
                if n.decimals == 2, let r = n.raw.last(where: { $0 == "," || $0 == "." }) {
                    if r == "," { comma += 1 } else { dot += 1 }
                }
                // an amount in that currency: with decimals, or in a currency without minor units ("¥500"); in OCR text
                // only an amount with a digit before its decimal mark ("€.36" is a misread speck)
                if let c = n.currency, n.decimals > 0 || Currency.minorUnits(of: c) == 0,
                    !ocr || Self.digitBeforeMark(n.raw)
                {
                    vote(c, 2, weakSign: Currency.isWeak(raw: n.raw, code: c), line)
                }
            }
            // stand-alone codes and symbols ("Currency: EUR", "All amounts in USD", "TOTAL EUR")
            let u8 = line.ascii ?? Array(line.text.utf8)
            if u8.contains(where: { $0 == 0x24 || $0 >= 0xC2 }) {
                // a sign standing as a word of its own ("Amount (€)", "in £"), not glued to letters (OCR noise: "£<UIQ")
                let chars = line.chars
                for (i, ch) in chars.enumerated() where ch == "$" || !ch.isASCII {
                    guard let c = Currency.symbols[ch] else { continue }
                    let apart = { (k: Int) in
                        k < 0 || k >= chars.count || chars[k] == " " || "()[]:/.,".contains(chars[k])
                    }
                    // in OCR text, only on a line with an amount and not before a decimal mark ("£  cx  4 geet",
                    // "€.36" are misread specks)
                    let beforeMark = i + 1 < chars.count && (chars[i + 1] == "." || chars[i + 1] == ",")
                    if apart(i - 1), apart(i + 1), !ocr || (hasAmount && !beforeMark) {
                        vote(c, 1, weakSign: Currency.weakSigns.contains(String(ch)), line)
                    }
                }
            }
            // ASCII words of letters only: three capitals are a currency code; "Rs" is rupees
            var i = 0
            while i < u8.count {
                guard (u8[i] >= 0x41 && u8[i] <= 0x5A) || (u8[i] >= 0x61 && u8[i] <= 0x7A) else { i += 1; continue }
                let s0 = i
                while i < u8.count, (u8[i] >= 0x41 && u8[i] <= 0x5A) || (u8[i] >= 0x61 && u8[i] <= 0x7A) { i += 1 }
                if s0 > 0, u8[s0 - 1] >= 0x80 { continue }
                if i < u8.count, u8[i] >= 0x80 { continue }
                let len = i - s0
                if len == 3, u8[s0...].prefix(3).allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) {
                    let w = String(decoding: u8[s0..<i], as: UTF8.self)
                    if Currency.isStandaloneCode(w) { vote(w, 1.5, weakSign: false, line) }
                } else if len == 2, u8[s0] == 0x52, u8[s0 + 1] == 0x73 {
                    vote("INR", 1.5, weakSign: true, line)
                } else if hasAmount, len >= 2,
                    let c = Currency.prefixes[String(decoding: u8[s0..<i], as: UTF8.self)]
                {
                    // a local form written before amounts, standing in the label or a column of its own on a line with
                    // an amount ("TOTAL RM      18.90", "Total (RM)  18.90", "Rp   25.000,00"), as written (case counts)
                    vote(c, 1.5, weakSign: false, line)
                }
            }
        }
        decimalHint = comma > dot ? "," : (dot > comma ? "." : nil)
        let market = Market.of(lines: layout.lines.prefix(200).map(\.text))
        // A weak sign's votes go to an explicit currency that writes the same sign (a bare "$" on an AUD invoice),
        // else, for a bare "$", to the currency of the market the page's addresses are in (a Toronto address with
        // "ON M5V 2T6" makes "$" Canadian dollars; a Malaysian "Sdn Bhd" slip printing "$" is in ringgit).
        for (w, v) in weak {
            if let s = strong.keys.filter({ $0 != w && Currency.sharesSign($0, with: w) }).max(by: {
                strong[$0]! < strong[$1]!
            }) {
                strong[s, default: 0] += v
            } else if w == "USD", let m = market {
                strong[m.currency, default: 0] += v
                if firstLineFor[m.currency] == nil { firstLineFor[m.currency] = firstLineFor[w] }
            } else {
                strong[w, default: 0] += v
            }
        }
        if let best = strong.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) {
            currency = best.key
            currencyLine = firstLineFor[best.key]
        }
        // Three-decimal currencies (KWD, BHD, OMR...) print "12.500": a single mark before three digits is the
        // decimal mark (counted only for such a document).
        if Currency.minorUnits(of: currency) == 3, comma + dot == 0 {
            var threeDigitMarks: [Character: Int] = [:]
            for line in layout.lines where !line.isBlank {
                for n in Parse.numbers(in: line) where n.decimals == 0 && !n.isPercent {
                    let marks = n.raw.filter { $0 == "," || $0 == "." }
                    if marks.count == 1, let m = marks.first, let at = n.raw.lastIndex(of: m),
                        n.raw[n.raw.index(after: at)...].prefix(while: \.isNumber).count == 3
                    {
                        threeDigitMarks[m, default: 0] += 1
                    }
                }
            }
            if let m = threeDigitMarks.max(by: { $0.value < $1.value })?.key { decimalHint = m }
        }
        let all = Array(layout.lines.prefix(200).map(\.lowerText).joined(separator: " ").utf8)
        func has(_ w: String) -> Bool { ByteSearch.contains(Array(w.utf8), in: all) }
        // English unless two cue words of another language appear (Lexicon "language_cues").
        english = Lexicon.wordsByLanguage("language_cues").allSatisfy { $0.words.filter(has).count < 2 }
        let texts = layout.lines.map(\.text)
        dayFirst = Parse.dayFirstCue(lines: texts, currency: currency, english: english, market: market)
        dateOrderInDoubt = Parse.dateOrderInDoubt(lines: texts, currency: currency, market: market)
    }

    // MARK: label hits

    func allFieldsForHits() -> [Field] {
        schema.fields.filter { f in
            if case .array = f.kind { return false }
            if case .object = f.kind { return false }
            return true
        }
    }

    func computeHits() {
        let prepared = schema.labelKeys.isEmpty ? Schema.prepareLabelKeys(schema.fields) : schema.labelKeys
        // Labels grouped by their first character: each line position is compared only with labels that start there
        // (prepared once per schema).
        let byFirst = schema.labelKeys.isEmpty ? Schema.labelsByFirstKey(prepared) : schema.labelsByFirst
        for line in layout.lines where !line.isBlank {
            var lineHits: [LabelHit] = []
            let keys = line.keys
            let n = keys.count
            for i in 0..<n {
                guard let cands = byFirst[keys[i]] else { continue }
                if i > 0 {
                    let prev = keys[i - 1]
                    let prevIsWord =
                        prev < 0x80
                        ? ((prev >= 0x30 && prev <= 0x39) || (prev >= 0x61 && prev <= 0x7A)
                            || (prev >= 0x41 && prev <= 0x5A) || prev == 0x5F) : line.lowerIsWordChar(at: i - 1)
                    if prevIsWord { continue }
                }
                for k in cands {
                    let (name, rank, label, lastIsWord) = prepared[k]
                    let m = label.count
                    guard i + m <= n else { continue }
                    var j = 1
                    while j < m && keys[i + j] == label[j] { j += 1 }
                    guard j == m else { continue }
                    if lastIsWord, i + m < n, line.lowerIsWordChar(at: i + m) { continue }
                    lineHits.append(LabelHit(field: name, rank: rank, line: line.index, start: i, end: i + m))
                }
            }
            guard !lineHits.isEmpty else { continue }
            // A hit inside a longer hit is not a label ("Due" in "Balance Due", "Total" in "Sub-total").
            lineHits = lineHits.filter { h in
                !lineHits.contains { o in (o.end - o.start) > (h.end - h.start) && o.start <= h.start && o.end >= h.end
                }
            }
            // A word after the label can give it another meaning: "Total Qty", "VAT No.", "Tax Invoice".
            if !schema.stopWords.isEmpty {
                lineHits = lineHits.filter { h in
                    guard let stops = schema.stopWords[h.field], stops.contains(Self.wordAfter(line, h.end)) else {
                        return true
                    }
                    if schema.field(h.field)?.role?.isTotalsAmount == true { qualifiedLabelLines.insert(line.index) }
                    return false
                }
                guard !lineHits.isEmpty else { continue }
            }
            hits[line.index] = lineHits
        }
    }

    /// The lowercased word that follows offset `at` in the same cell, past spaces and punctuation ("Total Qty:" →
    /// "qty", "VAT-No." → "no"); empty when a number, the cell's end or nothing follows.
    static func wordAfter(_ line: Line, _ at: Int) -> String {
        if let a = line.ascii {
            // bytes of an ASCII line: the same rule without building characters
            var i = at, spaces = 0
            while i < a.count, [0x20, 0x2E, 0x3A, 0x2D, 0x2F, 0x28, 0x23].contains(a[i]) {
                if a[i] == 0x20 { spaces += 1; if spaces >= 2 { return "" } } else { spaces = 0 }
                i += 1
            }
            let s = i
            while i < a.count, (a[i] | 0x20) >= 0x61 && (a[i] | 0x20) <= 0x7A { i += 1 }
            return String(decoding: a[s..<i].map { $0 | 0x20 }, as: UTF8.self)
        }
        let lower = line.lower
        var i = at
        var spaces = 0
        while i < lower.count, " .:-/(#".contains(lower[i]) {
            if lower[i] == " " { spaces += 1; if spaces >= 2 { return "" } } else { spaces = 0 }
            i += 1
        }
        var w = ""
        while i < lower.count, lower[i].isLetter || lower[i] == "°" || lower[i] == "º" { w.append(lower[i]); i += 1 }
        return w
    }

    /// Whether a hit starts its cell (labels lead their cell; words inside prose are not labels).
    func leadsCell(_ h: LabelHit) -> Cell? {
        let line = layout.lines[h.line]
        guard let cell = line.cell(at: h.start) else { return nil }
        let before = line.substring(cell.start, h.start)
        if before.allSatisfy({ !$0.isWordChar }) { return cell }
        return nil
    }

    func isLabelCell(_ line: Line, _ cell: Cell) -> Bool {
        (hits[line.index] ?? []).contains {
            $0.start >= cell.start && $0.start <= cell.start + 1 && $0.start < cell.end
        }
    }

    /// The "No." after a label word (Lexicon "number_words").
    static let numberWords = Lexicon.words("number_words")
    static let separators: Set<Character> = [":", "#", ".", "-", "–", " ", "/", "|", "*", "°", "º"]

    /// Text to the right of a label, within its cell, or the next cell. Nil when the label stands alone.
    func rightText(_ h: LabelHit, wholeLine: Bool = false) -> String? {
        let line = layout.lines[h.line]
        guard let cell = line.cell(at: h.start) else { return nil }
        var rest = Array(line.substring(h.end, cell.end))
        // "No.", "Nr", "Number" after the label word ("Invoice No.:")
        while let f = rest.first, Self.separators.contains(f) { rest.removeFirst() }
        for w in Self.numberWords {
            let lw = Array(w)
            if rest.count >= lw.count, Array(String(rest.prefix(lw.count)).lowercased()) == lw,
                rest.count == lw.count
                    || !rest[lw.count].isLetter
                        && (w.last == "°" || w.last == "º" || w.last == "." || !rest[lw.count].isNumber)
            {
                rest.removeFirst(lw.count)
                while let f = rest.first, Self.separators.contains(f) { rest.removeFirst() }
            }
        }
        let restText = String(rest).trimmingCharacters(in: .whitespaces)
        if wholeLine {
            var s = restText
            for c in line.cells where c.start >= cell.end {
                if isLabelCell(line, c) { break }
                s += "  " + c.text
            }
            let t = s.trimmingCharacters(in: .whitespaces)
            return t.isEmpty ? nil : t
        }
        if !restText.isEmpty { return restText }
        // In a header row (several label cells side by side) a bare label's value is below it, not beside it.
        let labelCells = line.cells.filter { isLabelCell(line, $0) }.count
        if labelCells >= 3 { return nil }
        if let next = line.cells.first(where: { $0.start >= cell.end }), !isLabelCell(line, next),
            !next.text.hasSuffix(":")
        {
            return next.text
        }
        return nil
    }

    /// The cell below a label (the header/value column pair), within a few lines. The label's column runs from the
    /// end of the cell before it to the start of the cell after it; the value's centre must fall in that range.
    func belowCell(_ h: LabelHit) -> (Line, Cell)? { belowCells(h).first }

    /// Cells below a label in its column, nearest first (a value that does not parse lets the next one try).
    func belowCells(_ h: LabelHit) -> [(Line, Cell)] {
        let line = layout.lines[h.line]
        guard let ci = line.cells.firstIndex(where: { h.start >= $0.start && h.start < $0.end }) else { return [] }
        let cell = line.cells[ci]
        let lo = ci > 0 ? Double(line.cells[ci - 1].end) : -Double.infinity
        let hi = ci + 1 < line.cells.count ? Double(line.cells[ci + 1].start) : Double.infinity
        var j = h.line + 1
        var seen = 0
        while j < layout.lines.count, seen < 2 {
            let l = layout.lines[j]
            j += 1
            if l.isBlank { if l.page != line.page { return [] }; continue }
            seen += 1
            let inColumn = l.cells.filter { c in
                (c.center > lo && c.center < hi) || (c.start < cell.end && c.end > cell.start)
            }
            let ordered = inColumn.sorted { abs($0.center - cell.center) < abs($1.center - cell.center) }
            guard let best = ordered.first else { continue }
            if isLabelCell(l, best) || best.text.hasSuffix(":") { return [] }
            if tableLines.contains(l.index) { return [] }
            return ordered.filter { !isLabelCell(l, $0) && !$0.text.hasSuffix(":") }.map { (l, $0) }
        }
        return []
    }

    /// Candidates for a field: each label hit, value to the right or below, parsed by `parse`.
    func candidates(
        _ field: String, wholeLine: Bool = false, below: Bool = true,
        parse: (String) -> JSONValue?
    ) -> [Found] {
        var out: [Found] = []
        for idx in hits.keys.sorted() {
            guard !tableLines.contains(idx) else { continue }
            for h in hits[idx]! where h.field == field {
                guard leadsCell(h) != nil else { continue }
                let line = layout.lines[idx]
                let base = max(0.5, 0.95 - Double(h.rank) * 0.02)
                // A party's label alone in its cell with a name under it: the name is below, and the cell far to
                // the right on the label's line is another block ("BILL TO" ... "Redwood Coast Landscaping", the
                // seller's heading on the right; "Client" ... "Patient")
                if below, let role = schema.field(field)?.role, role == .seller || role == .buyer,
                    let cell = line.cell(at: h.start),
                    !line.substring(h.end, cell.end).contains(where: \.isWordChar),
                    let next = line.cells.first(where: { $0.start >= cell.end }), next.start - cell.end >= 12,
                    let (l, c) = belowCells(h).first, abs(c.start - cell.start) <= 2, let v = parse(c.text)
                {
                    out.append(Found(value: v, line: l, confidence: base - 0.05))
                    continue
                }
                if let r = rightText(h, wholeLine: wholeLine), let v = parse(r) {
                    out.append(Found(value: v, line: line, confidence: base))
                    continue
                }
                // Nothing usable beside a bare label: look below it. A label with its own text does not.
                if let cell = line.cell(at: h.start), line.substring(h.end, cell.end).contains(where: \.isWordChar) {
                    continue
                }
                if below {
                    for (k, (l, c)) in belowCells(h).enumerated() {
                        if let v = parse(c.text) {
                            out.append(Found(value: v, line: l, confidence: base - 0.05 - Double(k) * 0.05)); break
                        }
                    }
                }
            }
        }
        return out
    }

    func best(_ c: [Found]) -> Found? {
        var bestF: Found? = nil
        for f in c where bestF == nil || f.confidence > bestF!.confidence + 1e-9 { bestF = f }
        return bestF
    }

    // MARK: typed parsers

    func parseAmount(_ s: String) -> JSONValue? {
        let nums = Parse.numbers(in: s, decimalHint: decimalHint).filter { !$0.isPercent }
        guard let n = nums.last else { return nil }
        return JSONValue(Currency.round(n.value, currency: currency))
    }
    func parseInteger(_ s: String) -> JSONValue? {
        if let m = Parse.termMonths(in: s), schema.fields.contains(where: { $0.name.contains("month") }) {
            return JSONValue(m.0)
        }
        let nums = Parse.numbers(in: s, decimalHint: decimalHint).filter { !$0.isPercent }
        guard let n = nums.first else { return nil }
        return JSONValue(Int(n.value.rounded()))
    }
    func parseDate(_ s: String) -> JSONValue? {
        Parse.dates(in: s, dayFirst: dayFirst).first.map { .string($0.iso) }
    }
    func parseString(_ s: String) -> JSONValue? {
        var t = s.trimmingCharacters(in: CharacterSet(charactersIn: " :#.-–|*"))
        t = t.split(whereSeparator: { $0 == " " }).joined(separator: " ")
        guard t.contains(where: \.isWordChar) else { return nil }
        return .string(t)
    }
    func parseIdentifier(_ s: String) -> JSONValue? {
        // The first token with a digit (or the whole cell when it is one token): "A524/53", "#BLR_WFLD2015", "INV-2025-8314"
        let tokens = s.split(whereSeparator: { $0 == " " }).map(String.init)
        for (k, t) in tokens.enumerated() {
            let clean = t.trimmingCharacters(in: CharacterSet(charactersIn: ":,;()"))
            if clean.contains(where: { $0.isNumber }), clean.count >= 2 || tokens.count == 1 {
                if Parse.dates(in: clean, dayFirst: true).first != nil && clean.count >= 8 { continue }
                // A series printed before the number is part of it: "FT 2024/88" (Portugal's document series), "A
                // 2024/77" (a Spanish serie), "INV 1234"; not a word for "number" ("NO 1234", "NR 1234").
                // (In an OCR reading a single letter is more often a misread rule or bar: "I", "l".)
                if k == 1, let series = tokens.first, ((ocr ? 2 : 1)...4).contains(series.count),
                    series.allSatisfy({ $0.isASCII && $0.isUppercase }),
                    !Self.numberAbbreviations.contains(series.lowercased())
                {
                    return .string(series + " " + clean)
                }
                return .string(clean)
            }
        }
        return nil
    }
    /// Words for "number" that may stand between a label and its value ("Invoice NO 1234").
    static let numberAbbreviations: Set<String> = ["no", "nr", "num", "nro", "nos", "ref"]
    static let yesWords = Lexicon.wordSet("yes_words")
    static let noWords = Lexicon.wordSet("no_words")
    func parseBool(_ s: String) -> JSONValue? {
        let l = s.lowercased().trimmingCharacters(in: .whitespaces)
        let yes = Self.yesWords, no = Self.noWords
        if let w = l.split(separator: " ").first.map(String.init) {
            if yes.contains(w) { return .bool(true) }
            if no.contains(w) { return .bool(false) }
        }
        return nil
    }

    func parser(for field: Field) -> (String) -> JSONValue? {
        switch field.kind {
        case .number: return parseAmount
        case .integer: return parseInteger
        case .boolean: return parseBool
        case .string(let format, let enums):
            if format == "date" { return parseDate }
            if let enums {
                return { s in
                    let l = s.lowercased()
                    return enums.first { l.contains($0.lowercased()) }.map { .string($0) }
                }
            }
            if field.name.hasSuffix("_number") || field.name.hasSuffix("_id") || field.name == "id"
                || field.name.hasSuffix("_no")
            {
                return parseIdentifier
            }
            return parseString
        default: return { _ in nil }
        }
    }
}
