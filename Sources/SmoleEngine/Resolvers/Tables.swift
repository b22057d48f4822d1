import Foundation
import SmoleRecords

// Stage 5, resolvers: the item table. Input: the layout and the item fields' roles. Output: rows of description,
// quantity, unit price and amount. Order of evidence: a header row found by the item labels, columns by alignment,
// rows until a totals label or a row that sums the rows above; the table goes on under a repeated header on the next
// page; carried-forward rows and page numbers are skipped; a description may wrap over lines with its numbers on any
// of them; qty × price = amount settles columns the header did not name. Receipts without a header: till rows.

/// Line items: a header row found by vocabulary, columns by alignment, rows until the totals.
extension Extractor {
    struct Column { var field: Field; var cell: Cell }
    struct Row {
        var description: String
        var numbers: [String: Double]
        var line: Line
        var confidence: Double
    }

    /// An item field's labels, lowercased once per document and schema.
    struct ItemLabels {
        var field: Field
        var labels: [(text: String, bytes: [UInt8], lastIsWord: Bool)]
    }

    func itemLabels(_ itemFields: [Field]) -> [ItemLabels] {
        let key = itemFields.map(\.name).joined(separator: "\u{0}")
        if let cached = itemLabelCache[key] { return cached }
        let prepared = itemFields.map { f in
            ItemLabels(
                field: f,
                labels: f.searchLabels.map { lab in
                    let ll = lab.lowercased()
                    return (ll, Array(ll.utf8), ll.last?.isWordChar ?? false)
                })
        }
        itemLabelCache[key] = prepared
        return prepared
    }

    /// Item fields with a role: the text column and the numeric ones. Each line is judged once per field list.
    func headerColumns(_ line: Line, itemFields: [Field]) -> [Column]? {
        let key = itemFields.map(\.name).joined(separator: "\u{0}")
        if let cached = headerCache[key]?[line.index] { return cached.isEmpty ? nil : cached }
        let cols = computeHeaderColumns(line, itemFields: itemFields) ?? []
        headerCache[key, default: [:]][line.index] = cols
        return cols.isEmpty ? nil : cols
    }

    private static func isASCIIWordByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
    }

    /// How well an ASCII, lowercased, trimmed heading cell names a label (Int.min: not at all). The same rules as
    /// the character path below: the whole cell, the label with a short unit after it, or the label as a phrase.
    private static func asciiLabelScore(cell cl: [UInt8], label ll: [UInt8], lastIsWord: Bool, rank r: Int) -> Int {
        if cl == ll { return 1000 - r }
        if cl.count > ll.count, cl.starts(with: ll) {
            let next = cl[ll.count]
            if (next == 0x20 && cl.count <= ll.count + 8) || next == 0x28 || next == 0x2F { return 900 - r }
        }
        let n = ll.count
        guard n > 0, cl.count >= n else { return Int.min }
        var i = 0
        while i + n <= cl.count {
            if cl[i] == ll[0], cl[i..<(i + n)].elementsEqual(ll) {
                let beforeOK = i == 0 || !isASCIIWordByte(cl[i - 1])
                let afterOK = i + n >= cl.count || !lastIsWord || !isASCIIWordByte(cl[i + n])
                if beforeOK && afterOK { return 500 + n * 4 - r }
            }
            i += 1
        }
        return Int.min
    }

    private func computeHeaderColumns(_ line: Line, itemFields: [Field]) -> [Column]? {
        // Cheap rejection first: a header row has at least two short cells without digits.
        var candidateCells = 0
        for c in line.cells where c.end - c.start <= 32 && !c.text.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) {
            candidateCells += 1
        }
        guard candidateCells >= 2 else { return nil }
        let prepared = itemLabels(itemFields)
        // Each cell's score for each field; then the best pairs first, so that a field goes to the cell that names
        // it best ("Item | Description": the description is under "Description", and "Item" heads a code column),
        // not to the first cell from the left that names it at all.
        var scored: [(cell: Cell, field: Field, score: Int, rank: Int)] = []
        let trimSet: Set<UInt8> = [0x20, 0x3A, 0x2E, 0x23]  // " :.#"
        // (a text layer's tight columns; an OCR reading's spacing is its own estimate, and its header words are often
        // misread into labels: receipts-real gained wrong items from it)
        for cell in ocr ? line.cells : Self.splitLabelCells(line.cells, prepared) {
            guard cell.end - cell.start <= 32, !cell.text.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else {
                continue
            }
            var bestByField: [String: (Field, Int, Int)] = [:]
            func consider(_ field: Field, _ score: Int, rank: Int) {
                guard score != Int.min else { return }
                if score > (bestByField[field.name]?.1 ?? Int.min) { bestByField[field.name] = (field, score, rank) }
            }
            if cell.text.utf8.allSatisfy({ $0 < 0x80 }) {
                var cl = cell.text.utf8.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }
                while let f = cl.first, trimSet.contains(f) { cl.removeFirst() }
                while let l = cl.last, trimSet.contains(l) { cl.removeLast() }
                for p in prepared {
                    for (r, lab) in p.labels.enumerated() {
                        consider(
                            p.field,
                            Self.asciiLabelScore(cell: cl, label: lab.bytes, lastIsWord: lab.lastIsWord, rank: r),
                            rank: r)
                    }
                }
            } else {
                let cl = cell.text.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: " :.#"))
                let cellLine = Line(page: line.page, index: line.index, text: cl)
                for p in prepared {
                    for (r, lab) in p.labels.enumerated() {
                        let ll = lab.text
                        // The whole cell is the label, possibly with a unit or currency ("Amount (EUR)", "Price €");
                        // or the label is a phrase inside a short heading ("Item Description", "Rate/hr").
                        var score = Int.min
                        if cl == ll {
                            score = 1000 - r
                        } else if (cl.hasPrefix(ll + " ") && cl.count <= ll.count + 8) || cl.hasPrefix(ll + "(")
                            || cl.hasPrefix(ll + "/")
                        {
                            score = 900 - r
                        } else if !LabelMatch.find(Array(ll), in: cellLine).isEmpty {
                            score = 500 + ll.count * 4 - r
                        }
                        consider(p.field, score, rank: r)
                    }
                }
            }
            for (field, score, rank) in bestByField.values { scored.append((cell, field, score, rank)) }
        }
        var cols: [Column] = []
        var fieldsTaken = Set<String>(), cellsTaken = Set<Int>()
        func take(_ pair: (cell: Cell, field: Field, score: Int, rank: Int)) {
            fieldsTaken.insert(pair.field.name)
            cellsTaken.insert(pair.cell.start)
            cols.append(Column(field: pair.field, cell: pair.cell))
        }
        // text fields first, each to the cell that names it with its first label ("Description" before "Item", also
        // inside "Item Description"), then best
        for pair in scored.filter({ !$0.field.isNumeric }).sorted(by: {
            $0.rank != $1.rank
                ? $0.rank < $1.rank : $0.score != $1.score ? $0.score > $1.score : $0.cell.start < $1.cell.start
        }) where !fieldsTaken.contains(pair.field.name) && !cellsTaken.contains(pair.cell.start) {
            take(pair)
        }
        // then, from the left, each remaining cell to the field it names best (of two amount headings, "Taxable
        // Value" before "Total", the first is the line's amount)
        for start in Set(scored.map(\.cell.start)).sorted() where !cellsTaken.contains(start) {
            if let pair = scored.filter({ $0.cell.start == start && !fieldsTaken.contains($0.field.name) })
                .max(by: { $0.score < $1.score })
            {
                take(pair)
            }
        }
        cols.sort { $0.cell.start < $1.cell.start }
        let numeric = cols.filter { $0.field.isNumeric }.count
        let text = cols.filter { !$0.field.isNumeric }.count
        guard cols.count >= 2, numeric >= 1, text >= 1 || numeric >= 2 else { return nil }
        return cols
    }

    /// Header cells whose columns stand one space apart in the layout text come as one cell ("Qty Unit Price Amount",
    /// "Aantal Prijs"): split where every part is a whole item label ("Qty" | "Unit Price" | "Amount"). Other cells
    /// are kept as they are.
    static func splitLabelCells(_ cells: [Cell], _ prepared: [ItemLabels]) -> [Cell] {
        let labels = Set(prepared.flatMap { $0.labels.map(\.text) })
        let trim = CharacterSet(charactersIn: " :.#")
        func isLabel(_ s: String) -> Bool { labels.contains(s.lowercased().trimmingCharacters(in: trim)) }
        var out: [Cell] = []
        for cell in cells {
            guard cell.text.contains(" "), !isLabel(cell.text), cell.text.count <= 48 else {
                out.append(cell)
                continue
            }
            let chars = Array(cell.text)
            let spaces = chars.indices.filter { chars[$0] == " " }
            /// The parts from offset `from` on, each a label; nil when the rest cannot be cut so.
            func split(_ from: Int) -> [Cell]? {
                let rest = String(chars[from...])
                if isLabel(rest) { return [Cell(start: cell.start + from, end: cell.end, text: rest)] }
                for sp in spaces where sp > from {
                    let left = String(chars[from..<sp])
                    guard isLabel(left), let tail = split(sp + 1) else { continue }
                    return [Cell(start: cell.start + from, end: cell.start + sp, text: left)] + tail
                }
                return nil
            }
            if let parts = split(0), parts.count > 1 { out += parts } else { out.append(cell) }
        }
        return out
    }

    func isTotalsLine(_ line: Line) -> Bool {
        if qualifiedLabelLines.contains(line.index) { return true }
        for h in hits[line.index] ?? []
        where schema.field(h.field).map({ $0.role?.isTotalsAmount == true || $0.isNumeric }) == true {
            guard leadsCell(h) != nil else { continue }
            // A rate alone ("Tax: 0.2%" under an item, its tax code) is an item's detail: a totals line carries an
            // amount (or has it on the line below, with no number of its own).
            let nums = Parse.numbers(in: line, decimalHint: decimalHint)
            return nums.isEmpty || !nums.allSatisfy(\.isPercent)
        }
        return false
    }

    /// Units a quantity is printed with ("1.00 kg", "3 Stk", "2 h"), lowercased (Lexicon "measure_units").
    static let measureUnits = Lexicon.wordSet("measure_units")

    /// A cell that holds only a number (with currency, %, an "x" or a unit of measure).
    func numericCell(_ cell: Cell) -> [NumberToken]? {
        var nums = Parse.numbers(in: cell.text, decimalHint: decimalHint)
        if nums.isEmpty, !ocr { nums = spacedNumbers(cell.text) }
        guard !nums.isEmpty else { return nil }
        func allowed(_ w: String) -> Bool {
            Currency.isCode(w) || w == "CR" || Self.measureUnits.contains(w.lowercased())
        }
        if cell.text.utf8.allSatisfy({ $0 < 0x80 }) {
            var rest = Array(cell.text.utf8)
            for n in nums.reversed() { rest.removeSubrange(n.start..<min(n.end, rest.count)) }
            let upper = rest.map { ($0 >= 0x61 && $0 <= 0x7A) ? $0 - 0x20 : $0 }
            let words = upper.split(whereSeparator: { !($0 >= 0x41 && $0 <= 0x5A) })
            return words.allSatisfy({ allowed(String(decoding: $0, as: UTF8.self)) }) ? nums : nil
        }
        var rest = Array(cell.text)
        for n in nums.reversed() { rest.removeSubrange(n.start..<min(n.end, rest.count)) }
        let leftover = String(rest).uppercased().split(whereSeparator: { !$0.isLetter }).filter { w in
            !allowed(String(w))
        }
        return leftover.isEmpty ? nums : nil
    }

    /// A number whose digits are grouped by one space ("1 120,00") that lies across two numeric columns, the group
    /// under one and the rest under the next: two numbers, the quantity 1 and the price 120,00, whose columns the
    /// layout text set one space apart. Else the number as read.
    func splitAtColumn(_ n: NumberToken, in cell: Cell, columns: [Column]) -> [NumberToken] {
        let raw = Array(n.raw)
        guard !ocr, columns.count >= 2, let sp = raw.firstIndex(of: " "), raw.lastIndex(of: " ") == sp,
            let left = Parse.numbers(in: String(raw[..<sp]), decimalHint: decimalHint).first,
            let right = Parse.numbers(in: String(raw[(sp + 1)...]), decimalHint: decimalHint).first,
            left.end - left.start == sp, right.end - right.start == raw.count - sp - 1
        else { return [n] }
        let at = cell.start + n.start
        func nearest(_ start: Int, _ end: Int) -> String? {
            let c = Cell(start: start, end: end, text: "")
            return columns.min { Self.valueDistance($0.cell, c) < Self.valueDistance($1.cell, c) }?.field.name
        }
        guard let a = nearest(at, at + sp), let b = nearest(at + sp + 1, at + raw.count), a != b else { return [n] }
        var l = left, r = right
        l.start = n.start; l.end = n.start + sp
        r.start = n.start + sp + 1; r.end = n.start + raw.count
        return [l, r]
    }

    /// Amounts one space apart, two columns whose gap the layout text closed to one space ("12.50 125.00"): the number
    /// grammar reads no number there (a space may group digits), but each word alone is one whole number with decimals.
    /// Empty unless every word is.
    func spacedNumbers(_ text: String) -> [NumberToken] {
        guard text.contains(" ") else { return [] }
        var out: [NumberToken] = []
        var offset = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            defer { offset += word.count + 1 }
            if word.isEmpty { continue }
            let n = Parse.numbers(in: String(word), decimalHint: decimalHint)
            guard n.count == 1, var t = n.first, t.start == 0, t.end == word.count, t.decimals > 0 else { return [] }
            t.start += offset
            t.end += offset
            out.append(t)
        }
        return out.count >= 2 ? out : []
    }

    /// Words that head a position-number column ("Pos. Beschreibung", "No. Description"), lowercased.
    static let positionWords = [
        "pos", "pos.", "position", "nr", "nr.", "no", "no.", "#", "lfd. nr.", "n°", "nº",
    ]

    static let rateColumnWords = Lexicon.words("rate_column_words")

    /// The header cells of rate columns ("Disc.%", "Rabatt %", "Remise", "Korting"): the numbers under them are
    /// rates, even when printed without a % sign, never a quantity, price or amount.
    func rateColumns(_ header: Line, columns: [Column]) -> [Cell] {
        otherColumns(header, columns: columns, words: Self.rateColumnWords)
    }

    /// The header cells of tax columns ("Tax", "VAT", "Tax(%)", "IGST", "MwSt."; Lexicon "tax_words"): the numbers
    /// under them are the item's tax or its rate, never its quantity, price or amount.
    func taxColumns(_ header: Line, columns: [Column]) -> [Cell] {
        otherColumns(header, columns: columns, words: Self.taxWords)
    }

    /// Header cells led by one of `words` (at most three words, and more than one only with a % sign) that are not
    /// an item field's own column.
    private func otherColumns<S: Sequence<String>>(_ header: Line, columns: [Column], words lead: S) -> [Cell] {
        let leading = Set(lead)
        return header.cells.filter { cell in
            let words = cell.text.lowercased().split { !$0.isLetter }.map(String.init)
            guard let first = words.first, words.count <= 3, leading.contains(first) else { return false }
            guard words.count == 1 || cell.text.contains("%") else { return false }
            return !columns.contains { $0.cell.start < cell.end && cell.start < $0.cell.end }
        }
    }

    /// How far a value cell lies from a header cell, the way values are given to columns: the nearer of right edges
    /// (numbers are right-aligned) and centres, in characters.
    static func valueDistance(_ header: Cell, _ value: Cell) -> Int {
        min(abs(header.end - value.end), abs(Int(header.center - value.center)))
    }

    /// Whether the value cell `c` lies nearer one of the `rates` (rate or tax) columns than any item field's column
    /// (by right edge or centre, as values are given to columns).
    static func nearestIsRate(_ c: Cell, rates: [Cell], columns: [Column]) -> Bool {
        func distance(_ h: Cell) -> Int { valueDistance(h, c) }
        guard let rate = rates.map(distance).min() else { return false }
        return columns.allSatisfy { distance($0.cell) > rate }
    }

    /// The header cells that head no item field's column: position, date, article number, tax code, unit...
    static func otherColumnCells(_ header: Line, columns: [Column]) -> [Cell] {
        header.cells.filter { cell in !columns.contains { $0.cell.start < cell.end && cell.start < $0.cell.end } }
    }

    /// Whether the text cell `c` of a row sits under one of the `other` header cells rather than under the
    /// description's (`text`): nearer by left edge or centre (text columns are left-aligned, codes often centred).
    static func underOtherColumn(_ c: Cell, other: [Cell], text: Cell) -> Bool {
        func distance(_ h: Cell) -> Int { min(abs(h.start - c.start), abs(Int(h.center - c.center))) }
        guard let nearest = other.map(distance).min() else { return false }
        return nearest < distance(text) && !(c.start < text.end && text.start < c.end)
    }

    static let partOfItemWords = Lexicon.words("part_of_item_words")

    /// Whether `description` opens with a word of `part_of_item_words` ("Incl.", "inkl.", "davon", "waarvan").
    static func namesPartOfItem(_ description: String) -> Bool {
        let lower = description.lowercased()
        return partOfItemWords.contains { w in
            guard lower.hasPrefix(w) else { return false }
            let rest = lower.dropFirst(w.count)
            return rest.first.map { !$0.isLetter } ?? false
        }
    }

    /// A row that repeats a running total at a page break ("Übertrag 92,50", "Carried forward", "A reporter"):
    /// not an item, and not the end of the table.
    /// The phrase leads its cell and the row holds one number, the running total.
    func isCarriedForward(_ line: Line) -> Bool {
        guard line.cells.filter({ numericCell($0) != nil }).count == 1 else { return false }
        return Lexicon.carriedForward.contains { phrase in
            LabelMatch.find(phrase, in: line).contains { at in
                line.cells.contains {
                    $0.start <= at && at < $0.end && !line.substring($0.start, at).contains(where: \.isLetter)
                }
            }
        }
    }

    /// A page number on its own ("Seite 1 von 2", "Page 2 of 3", "Page 1/2", "- 2 -"): page furniture, not a row.
    func isPageNumber(_ line: Line) -> Bool {
        guard line.cells.count <= 3, line.text.utf8.count - (line.cells.first?.start ?? 0) <= 40 else { return false }
        let words = line.lowerText.split { !($0.isLetter || $0.isNumber) }.map(String.init)
        guard !words.isEmpty, words.count <= 5 else { return false }
        // only digits: "- 2 -" or "2/3"
        if words.allSatisfy({ $0.allSatisfy(\.isNumber) }) {
            return (words.count <= 2 && line.text.contains("-")) || (words.count == 2 && line.text.contains("/"))
        }
        guard let p = words.firstIndex(where: { Lexicon.pageWords.contains($0) }), p + 1 < words.count,
            Int(words[p + 1]) != nil
        else { return false }
        return words.count - p <= 4
    }

    /// The header that repeats the item table at the top of the page `page`, within its first lines.
    func repeatedHeader(onPage page: Int, from start: Int, itemFields: [Field]) -> (Line, [Column])? {
        var j = start
        var seen = 0
        while j < layout.lines.count, layout.lines[j].page == page, seen < 14 {
            let l = layout.lines[j]
            j += 1
            if l.isBlank { continue }
            seen += 1
            if let cols = headerColumns(l, itemFields: itemFields) { return (l, cols) }
            if isTotalsLine(l) { return nil }
        }
        return nil
    }

    /// Parses the rows under a header. The table may go on over page breaks under a repeated header; rows that carry
    /// a running total forward and page numbers are skipped; a description may wrap over several lines with the
    /// numbers on any of them; a position number before the description is not part of it.
    func tableRows(header: Line, columns firstColumns: [Column], itemFields: [Field]) -> ([Row], Set<Int>) {
        var rows: [Row] = []
        var used: Set<Int> = [header.index]
        var pendingDescription: String? = nil
        var columns = firstColumns
        var textColumn = columns.first { !$0.field.isNumeric }
        var numericColumns = columns.filter { $0.field.isNumeric }
        var firstNumericStart = numericColumns.map(\.cell.start).min() ?? Int.max
        var rateCells = rateColumns(header, columns: firstColumns)
        var taxCells = taxColumns(header, columns: firstColumns)
        var otherCells = Self.otherColumnCells(header, columns: firstColumns)
        var page = header.page
        var headerIndex = header.index
        var rowsAtHeader = 0
        var textRun: [String] = []  // text-only lines after the last row, not yet given to a row
        var blankRun = 0
        var j = header.index + 1
        while j < layout.lines.count {
            let line = layout.lines[j]
            j += 1
            if line.page != page {
                // A new page: the table goes on only under a repeated header near its top.
                guard let (h, cols) = repeatedHeader(onPage: line.page, from: line.index, itemFields: itemFields) else {
                    break
                }
                used.insert(h.index)
                j = h.index + 1
                headerIndex = h.index
                rowsAtHeader = rows.count
                page = line.page
                columns = cols
                textColumn = columns.first { !$0.field.isNumeric }
                numericColumns = columns.filter { $0.field.isNumeric }
                firstNumericStart = numericColumns.map(\.cell.start).min() ?? Int.max
                rateCells = rateColumns(h, columns: cols)
                taxCells = taxColumns(h, columns: cols)
                otherCells = Self.otherColumnCells(h, columns: cols)
                blankRun = 0
                pendingDescription = nil
                continue
            }
            // Where the table seems to end before its page does (blank space, a footer), it may still go on under a
            // repeated header on the next page: skip to that page's first line.
            func skipToNextPage() -> Bool {
                guard let next = layout.lines[line.index...].first(where: { $0.page > page }),
                    repeatedHeader(onPage: next.page, from: next.index, itemFields: itemFields) != nil
                else { return false }
                j = next.index
                return true
            }
            if line.isBlank {
                // Three blank lines end the table, unless the page ends there (the next page may go on with it).
                blankRun += 1
                if blankRun >= 3, layout.next(after: line.index).map({ $0.page == page }) ?? true {
                    if skipToNextPage() { continue }
                    break
                }
                continue
            }
            // The header's own second and third lines ("Ohne MwSt." under "VK-Preis"): text over the numeric
            // columns only, before the first row. Not a description, and not a label with a value below it.
            if rows.count == rowsAtHeader, pendingDescription == nil, line.index <= headerIndex + 3,
                let first = line.cells.first,
                first.start >= firstNumericStart - 6, !line.cells.contains(where: { numericCell($0) != nil })
            {
                used.insert(line.index)
                continue
            }
            if isTotalsLine(line) { break }
            // repeated header
            if headerColumns(line, itemFields: itemFields) != nil { used.insert(line.index); continue }
            if isCarriedForward(line) || isPageNumber(line) { used.insert(line.index); blankRun = 0; continue }
            // split: leading text cells are the description, numeric cells are values
            var desc: [String] = []
            var values: [(Cell, NumberToken)] = []
            var rate: Double? = nil
            var itemTax: Double? = nil
            for cell in line.cells {
                // A position number ("1", "2.", "10") before the description, left of the numeric columns, is not part
                // of the row; nor is a date in a date column ("08.07.25").
                if desc.isEmpty, values.isEmpty, cell.end < firstNumericStart - 6,
                    line.cells.count > 2 || textColumn == nil || cell.end <= textColumn!.cell.start,
                    cell.text.count <= 4, cell.text.allSatisfy({ $0.isNumber || $0 == "." }),
                    cell.text.first?.isNumber == true
                {
                    continue
                }
                if desc.isEmpty, values.isEmpty, cell.end < firstNumericStart - 6, !cell.text.contains(" "),
                    let d = Parse.dates(in: cell.text, dayFirst: dayFirst).first, d.start == 0, d.end == cell.text.count
                {
                    continue
                }
                if let nums = numericCell(cell),
                    (cell.end > firstNumericStart - 6 || !desc.isEmpty || textColumn == nil)
                {
                    // "3 x 12.50" in one cell: quantity and price
                    // A rate ("15.00%", "21%": a discount or tax column) is never a quantity, price or amount.
                    var tokens: [NumberToken] = []
                    for n in nums { tokens += splitAtColumn(n, in: cell, columns: numericColumns) }
                    for n in tokens where !n.isPercent {
                        let c = Cell(start: cell.start + n.start, end: cell.start + n.end, text: n.raw)
                        // under a rate column ("Disc.%" over "10.00"): a rate printed without its % sign
                        if !rateCells.isEmpty, Self.nearestIsRate(c, rates: rateCells, columns: numericColumns) {
                            rate = n.value; continue
                        }
                        if !taxCells.isEmpty, Self.nearestIsRate(c, rates: taxCells, columns: numericColumns) {
                            itemTax = n.value; continue
                        }
                        values.append((c, n))
                    }
                } else if let text = textColumn, Self.underOtherColumn(cell, other: otherCells, text: text.cell) {
                    // an article number, a tax code ("S1"), a unit ("pcs") under a column of its own
                    continue
                } else {
                    desc.append(cell.text)
                }
            }
            var descText = desc.joined(separator: " ")
            // A position column one space before the description in a text layer ("Pos. Beschreibung" over "1 Schrauben
            // M8"): the header's description cell starts with a position word, and the row's number is the position.
            if !ocr, let head = textColumn?.cell.text.lowercased(),
                Self.positionWords.contains(where: { head.hasPrefix($0 + " ") }),
                let r = descText.range(of: #"^\d{1,4}\.? +"#, options: .regularExpression)
            {
                descText.removeSubrange(r)
            }
            if values.isEmpty {
                if blankRun >= 2 && !rows.isEmpty {
                    if skipToNextPage() { continue }
                    break
                }
                blankRun = 0
                // A text-only line: continues the previous description, or starts one whose numbers follow.
                let nextLine = layout.next(after: line.index)
                let nextIsNumbersOnly =
                    nextLine.map { nl in !nl.cells.isEmpty && nl.cells.allSatisfy { numericCell($0) != nil } } ?? false
                if nextIsNumbersOnly || rows.isEmpty {
                    if !textRun.isEmpty {
                        rows[rows.count - 1].description += " " + textRun.joined(separator: " "); textRun = []
                    }
                    pendingDescription = pendingDescription.map { $0 + " " + descText } ?? descText
                } else if let startCol = textColumn?.cell.start, let first = line.cells.first,
                    abs(first.start - startCol) <= 6 || first.start > startCol
                {
                    // Between two rows: the end of the one above or the start of the one below; the next numbers decide.
                    textRun.append(descText)
                } else {
                    if skipToNextPage() { continue }
                    break
                }
                used.insert(line.index)
                continue
            }
            blankRun = 0
            if !textRun.isEmpty {
                // Text lines between two rows belong to the row above, except a trailing run that leads into this row:
                // this row's text goes on in lower case, or the lines end mid-phrase ("... AC adapter,").
                var k = textRun.count
                if descText.first?.isLowercase == true || Self.endsMidPhrase(textRun[k - 1]) {
                    k -= 1
                    while k > 0, Self.endsMidPhrase(textRun[k - 1]) { k -= 1 }
                }
                if k > 0 { rows[rows.count - 1].description += " " + textRun[..<k].joined(separator: " ") }
                if k < textRun.count {
                    let lead = textRun[k...].joined(separator: " ")
                    pendingDescription = pendingDescription.map { $0 + " " + lead } ?? lead
                }
                textRun = []
            }
            // An indented sub-line that names a part already in the price of the item above ("  Incl. copying levy
            // 4,24", "  davon Pfand 0,25") is that item's detail, not another item: its amount is in the item's.
            if !rows.isEmpty, pendingDescription == nil, textRun.isEmpty, let startCol = textColumn?.cell.start,
                let first = line.cells.first, first.start > startCol, Self.namesPartOfItem(descText)
            {
                rows[rows.count - 1].description += " " + descText
                used.insert(line.index)
                continue
            }
            var description = descText
            if let p = pendingDescription {
                description = description.isEmpty ? p : p + " " + description; pendingDescription = nil
            }
            guard !description.isEmpty else { continue }
            var assigned: [String: Double] = [:]
            let fieldsByCol = numericColumns
            if values.count == fieldsByCol.count {
                for (k, col) in fieldsByCol.sorted(by: { $0.cell.start < $1.cell.start }).enumerated() {
                    assigned[Self.itemKey(col.field)] = values[k].1.value
                }
            } else {
                // nearest column by right edge / centre
                var taken = Set<String>()
                for (cell, n) in values.sorted(by: { $0.0.end > $1.0.end }) {
                    let col = fieldsByCol.filter { !taken.contains($0.field.name) }.min {
                        Self.valueDistance($0.cell, cell) < Self.valueDistance($1.cell, cell)
                    }
                    if let col { taken.insert(col.field.name); assigned[Self.itemKey(col.field)] = n.value }
                }
            }
            // qty × price = amount settles columns the header could not: the product is the amount,
            // and of the two factors the quantity is the integral one.
            let nums = values.map(\.1.value)
            let q = assigned["quantity"], u = assigned["unit_price"], a = assigned["amount"]
            let inconsistent = q != nil && u != nil && a != nil && abs(q! * u! - a!) > 0.011
            // Three numbers but a column the header did not name ("P.U. HT"): the product settles them too.
            let unnamed = (q == nil || u == nil || a == nil) && numericColumns.count < 3
            if nums.count == 3, inconsistent || unnamed {
                outer: for i in 0..<3 {
                    for j in 0..<3 where j != i {
                        for k in 0..<3 where k != i && k != j && i < j {
                            if abs(nums[i] * nums[j] - nums[k]) < 0.011 {
                                let (x, y) = (nums[i], nums[j])
                                // the quantity is printed with fewer decimals ("1" beside "399,00"), else it is the integral one
                                let (dx, dy) = (values[i].1.decimals, values[j].1.decimals)
                                let xi = dx < dy || (dx == dy && x == x.rounded()),
                                    yi = dy < dx || (dx == dy && y == y.rounded())
                                let (qq, uu) =
                                    xi && !yi ? (x, y) : (yi && !xi ? (y, x) : (q == y || u == x ? (y, x) : (x, y)))
                                assigned["quantity"] = qq; assigned["unit_price"] = uu; assigned["amount"] = nums[k]
                                break outer
                            }
                        }
                    }
                }
            }
            // A row with one amount that is the sum of the rows above is their total, whatever its label says.
            if rows.count >= 2, values.count == 1, let a = assigned["amount"] ?? nums.last,
                abs(rows.compactMap({ $0.numbers["amount"] }).reduce(0, +) - a) < 0.015
            {
                break
            }
            if let rate { assigned["discount_rate"] = rate }
            if let itemTax { assigned["item_tax"] = itemTax }
            rows.append(Row(description: description, numbers: assigned, line: line, confidence: 0.85))
            used.insert(line.index)
        }
        if !textRun.isEmpty, !rows.isEmpty { rows[rows.count - 1].description += " " + textRun.joined(separator: " ") }
        return (rows, used)
    }

    /// Whether a line of a description stops mid-phrase, so the next line goes on with it ("for DSi AC adapter,").
    static let midPhraseWords = Lexicon.wordSet("mid_phrase_words")

    static func endsMidPhrase(_ s: String) -> Bool {
        let t = s.trimmingCharacters(in: .whitespaces)
        guard let last = t.last else { return false }
        if ",-&/+:(".contains(last) { return true }
        let word = t.split(separator: " ").last.map { $0.lowercased() } ?? ""
        return midPhraseWords.contains(word)
    }

    /// Receipts have no header: rows between the heading block and the totals, "qty x price" lines included.
    ///
    /// A quantity line of its own ("2 x 0,89", "2 @ 3.49", "3 Stk x 0,69") belongs to the item beside it whose amount is
    /// quantity × price: the one above, else the one below. A count leading an item ("2 House Red Glass  28.00") is its
    /// quantity, and the amount is the line's (or the price of one, as the totals decide: `settleQuantityRows`). The
    /// description ends where the amount starts: a tax class after it ("1,19 A", "19.90 SR") is not part of it.
    func receiptRows(itemFields: [Field]) -> ([Row], Set<Int>) {
        var rows: [Row] = []
        var used = Set<Int>()
        // Start after the first line with a date or time (the heading ends there), else after the first two lines. A
        // date printed after the first priced line is the slip's foot, not the end of its head.
        var startIdx = 0
        let nb = layout.nonBlank
        var firstPriced: Int? = nil
        for l in nb.prefix(12) {
            // (a date of six characters or more: a shop number "0412" is none)
            if Parse.time(in: l.text) != nil
                || Parse.dates(in: l.text, dayFirst: dayFirst).contains(where: { $0.end - $0.start >= 6 })
            {
                startIdx = l.index + 1; break
            }
            let priced = Parse.numbers(in: l, decimalHint: decimalHint).contains { !$0.isPercent && $0.decimals == 2 }
            if priced, firstPriced == nil { firstPriced = l.index }
            if priced, l.text.contains(where: \.isLetter) { break }
        }
        if startIdx == 0, nb.count > 2 { startIdx = min(nb[min(2, nb.count - 1)].index, firstPriced ?? Int.max) }
        var pending: (String, Line)? = nil
        // a quantity line with no item of its own, waiting for the item below whose amount it makes
        var pendingQuantity: (quantity: Double, unit: Double, line: Int)? = nil
        var previousLine: Int? = nil
        var ambiguous: [Int] = []
        var j = startIdx
        while j < layout.lines.count {
            var line = layout.lines[j]
            j += 1
            if line.isBlank { continue }
            defer { previousLine = line.index }
            if isTotalsLine(line) || isReceiptTotalsLabel(line) {
                // a registration line in the head ("VAT 524 0367 52", no amount) ends nothing
                let amount = Parse.numbers(in: line, decimalHint: decimalHint).contains { $0.decimals == 2 }
                if rows.isEmpty, !amount { pending = nil; continue }
                if !rows.isEmpty || pending != nil { break } else { continue }
            }
            // OCR glues "3 x 6,11" into "3x6,11": split a leading quantity from a money-shaped price.
            if let fixed = Self.splitGluedQuantity(line.text) {
                line = Line(page: line.page, index: line.index, text: fixed)
            }
            let nums = Parse.numbers(in: line, decimalHint: decimalHint).filter { !$0.isPercent }
            let money = nums.filter { $0.decimals == 2 }
            // "3 x 23,13    69,39"  or  "2 @ 3.50"
            let timesAt = Self.receiptQuantityAt(line.text)
            let hasTimes = nums.count >= 2 && timesAt != nil
            // The description is the leading cells that are not numbers ("AA BATTERIES 4PK", "Screws 4x40 (100)").
            let textPart: String = {
                var parts: [String] = []
                for c in line.cells { if numericCell(c) != nil { break }; parts.append(c.text) }
                if parts.count == line.cells.count, let last = money.last {
                    // text cells holding the amount: single-spaced (OCR), or with a tax class after it ("1,19 A")
                    return line.substring(0, last.start).trimmingCharacters(in: .whitespaces)
                }
                return parts.joined(separator: " ")
            }()
            let hasText = textPart.contains { $0.isLetter }
            if money.isEmpty {
                if hasText, !line.text.contains("#"), !line.text.utf8.contains(0x3A) {
                    pending = (textPart, line)
                } else {
                    pending = nil
                }
                continue
            }
            if hasTimes, nums.count >= 2 {
                // the quantity is the number the "x" or "@" follows ("GALA APPLES 2.13 lb @ 1.99": 2.13)
                let qi = nums.firstIndex { $0.start >= timesAt! } ?? 0
                let ui = min(qi + 1, nums.count - 1)
                let qty = nums[qi].value
                let unit = nums[ui].value
                let amount = nums.count >= 3 ? nums.last!.value : (qty * unit * 100).rounded() / 100
                // text anywhere on the line that is not a number cell: "2 @ 1.99   Bananas   3.98"
                let otherText = line.cells.filter { numericCell($0) == nil }.map(\.text).joined(separator: " ")
                let desc: String
                if hasText {
                    desc = Self.stripQuantityPrefix(textPart)
                } else if otherText.contains(where: \.isLetter) {
                    desc = Self.stripQuantityPrefix(otherText)
                } else if let p = pending {
                    desc = p.0
                } else {
                    // a quantity line of its own: the item above, when its amount is quantity × price, else the next
                    let product = ((nums.count >= 3 ? nums.last!.value : qty * unit) * 100).rounded() / 100
                    if let k = rows.indices.last, rows[k].line.index == previousLine, rows[k].numbers["quantity"] == 1,
                        let a = rows[k].numbers["amount"], abs(a - product) < 0.005
                    {
                        rows[k].numbers["quantity"] = qty
                        rows[k].numbers["unit_price"] = unit
                        used.insert(line.index)
                    } else {
                        pendingQuantity = (qty, unit, line.index)
                    }
                    continue
                }
                // "2 x CAPPUCCINO   7.60": the quantity leads, text sits between, and one money value ends the line —
                // it is either the unit price or the line total; the totals decide below.
                if nums.count == 2, nums[0].decimals == 0, nums[0].end < nums[1].start,
                    line.chars[nums[0].end..<nums[1].start].contains(where: \.isLetter)
                {
                    ambiguous.append(rows.count)
                }
                rows.append(
                    Row(
                        description: desc, numbers: ["quantity": qty, "unit_price": unit, "amount": amount], line: line,
                        confidence: 0.85))
                used.insert(line.index)
                pending = nil
                continue
            }
            if hasText, let amount = money.last {
                if let pq = pendingQuantity, abs((pq.quantity * pq.unit * 100).rounded() / 100 - amount.value) < 0.005 {
                    rows.append(
                        Row(
                            description: textPart,
                            numbers: ["quantity": pq.quantity, "unit_price": pq.unit, "amount": amount.value],
                            line: line, confidence: 0.8))
                    used.insert(pq.line)
                } else if let (count, rest) = Self.leadingCount(textPart) {
                    // "2 House Red Glass  28.00": the money is the line's amount or the price of one (settled below)
                    ambiguous.append(rows.count)
                    rows.append(
                        Row(
                            description: rest,
                            numbers: [
                                "quantity": count, "unit_price": amount.value,
                                "amount": (count * amount.value * 100).rounded() / 100,
                            ], line: line, confidence: 0.8))
                } else {
                    rows.append(
                        Row(
                            description: textPart,
                            numbers: ["quantity": 1, "unit_price": amount.value, "amount": amount.value], line: line,
                            confidence: 0.8))
                }
                used.insert(line.index)
                pending = nil
                pendingQuantity = nil
                continue
            }
            pending = nil
        }
        if !ambiguous.isEmpty { settleQuantityRows(&rows, ambiguous: ambiguous) }
        return (rows, used)
    }

    /// Where a quantity "x" or "@" price starts on a receipt line (the character offset of the quantity), or nil:
    /// "2 x 0,89", "2 @ 3.49", "3 Stk x 0,69", "2.13 lb @ 1.99", "38,52 l x 1,799 EUR/l", or a count leading the
    /// line's text ("2 x Menu du jour", "2x CAPPUCCINO"). Not a letter's "x" ("RX #6612843"), not a size ("4x40").
    /// OCR reads "lb" as "1b": the unit still counts.
    static func receiptQuantityAt(_ text: String) -> Int? {
        let r = NSRange(text.startIndex..., in: text)
        for p in [receiptPricedQuantity, receiptLeadingQuantity] {
            if let m = p.firstMatch(in: text, range: r), let range = Range(m.range, in: text) {
                return text.distance(from: text.startIndex, to: range.lowerBound)
            }
        }
        return nil
    }
    nonisolated(unsafe) static let receiptPricedQuantity = try! NSRegularExpression(
        pattern:
            #"(?<![\p{L}\d.,#])\d{1,4}(?:[.,]\d{1,3})?(?=[\sx×@*])\s*(?:(?:\p{L}{1,4}|1b)\.?\s*)?[x×@*]\s*(?:[^\d\s]{1,3}\s*)?\d+[.,]\d"#,
        options: [.caseInsensitive])
    nonisolated(unsafe) static let receiptLeadingQuantity = try! NSRegularExpression(
        pattern: #"^\s*\d{1,3}\s*[x×@*]\s+\p{L}"#, options: [.caseInsensitive])

    /// "2 House Red Glass" → (2, "House Red Glass"): a count of 1 to 99 leading an item's text, followed by a word of
    /// three letters or more that is no unit of measure ("2 kg Apples", "10 Pc Xiao Long Bao", "7 UP" are not counts).
    static func leadingCount(_ text: String) -> (Double, String)? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let digits = t.prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, digits.count <= 2, let n = Double(digits), n >= 1 else { return nil }
        let rest = t.dropFirst(digits.count)
        guard rest.first == " " else { return nil }
        let body = rest.trimmingCharacters(in: .whitespaces)
        let word = body.prefix(while: { !$0.isWhitespace })
        guard word.count >= 3, word.allSatisfy(\.isLetter), !measureUnits.contains(word.lowercased()) else {
            return nil
        }
        return (n, body)
    }

    /// "   3x6,11      18,33" → "   3 x 6,11      18,33" (same columns after the price): a line-leading integer
    /// quantity of up to three digits glued by "x" to a price with two decimals. "4x40" (no decimals) is left alone.
    static func splitGluedQuantity(_ text: String) -> String? {
        let c = Array(text)
        var i = 0
        while i < c.count, c[i] == " " { i += 1 }
        let q0 = i
        while i < c.count, c[i].isASCII, c[i].isNumber { i += 1 }
        guard i > q0, i - q0 <= 3, i < c.count, c[i] == "x" || c[i] == "X" || c[i] == "×" || c[i] == "@" else {
            return nil
        }
        let xAt = i
        i += 1
        let p0 = i
        while i < c.count, c[i].isASCII, c[i].isNumber { i += 1 }
        guard i > p0, i + 2 < c.count, c[i] == "." || c[i] == ",", c[i + 1].isNumber, c[i + 2].isNumber,
            i + 3 == c.count || !c[i + 3].isNumber
        else { return nil }
        var out = Array(c[..<xAt]) + [" ", c[xAt] == "@" ? "@" : "x", " "] + Array(c[p0...])
        // keep later columns where they were: take back two spaces from a wide gap after the price (cells stay apart)
        let after = i + 3 + 2  // index in `out` just past the price
        if after + 3 < out.count, out[after..<(after + 4)].allSatisfy({ $0 == " " }) {
            out.removeSubrange(after..<(after + 2))
        }
        return String(out)
    }

    /// "2 x CAPPUCCINO" → "CAPPUCCINO": a leading quantity ("2 x", "2x", "2 @", "2 *"), and the price of one after it
    /// ("2 @ 3.49 GREEK YOGURT"), is never part of the description.
    static func stripQuantityPrefix(_ s: String) -> String {
        var t = Substring(s.trimmingCharacters(in: .whitespaces))
        let digits = t.prefix(while: { $0.isNumber })
        if !digits.isEmpty {
            var rest = t.dropFirst(digits.count).drop(while: { $0 == " " })
            if let f = rest.first, f == "x" || f == "X" || f == "×" || f == "@" || f == "*" {
                rest = rest.dropFirst()
                if rest.first == " " || rest.first == nil {
                    t = rest.drop(while: { $0 == " " })
                    // the price of one after it: "2 @ 3.49  GREEK YOGURT", "2 x $7.50 NASI"
                    let sign = t.prefix(while: { !$0.isNumber && !$0.isWhitespace && !$0.isLetter })
                    let price = t.dropFirst(sign.count).prefix(while: { $0.isNumber || $0 == "." || $0 == "," })
                    let after = t.dropFirst(sign.count + price.count)
                    if sign.count <= 3, price.contains(where: { $0 == "." || $0 == "," }), price.last?.isNumber == true,
                        after.first == " ", after.contains(where: \.isLetter)
                    {
                        t = after.drop(while: { $0 == " " })
                    }
                }
            }
        }
        // "CAPPUCCINO x" left over when the quantity was split off elsewhere
        var out = String(t).trimmingCharacters(in: .whitespaces)
        for suffix in [" x", " X", " @", " ×"] where out.hasSuffix(suffix) { out = String(out.dropLast(suffix.count)) }
        return out.isEmpty ? s.trimmingCharacters(in: .whitespaces) : out
    }

    /// Rows read as "quantity x description  money": the money is the unit price or the line total.
    /// Σ amounts = subtotal (or total) decides; with no evidence the line total wins, since the right-hand
    /// money column of a receipt is what the line costs.
    func settleQuantityRows(_ rows: inout [Row], ambiguous: [Int]) {
        var targets: [Double] = []
        for f in [schema.field(.subtotal), schema.field(.total)].compactMap({ $0 }) where f.isNumeric {
            targets += candidates(f.name, wholeLine: true, parse: parseAmount).compactMap { $0.value.doubleValue }
        }
        func sum(_ rs: [Row]) -> Double { rs.compactMap { $0.numbers["amount"] }.reduce(0, +) }
        var asTotal = rows, asUnit = rows
        for k in ambiguous {
            let q = rows[k].numbers["quantity"] ?? 1
            // the parser put the money in unit_price and q × money in amount
            let money = rows[k].numbers["unit_price"] ?? 0
            asTotal[k].numbers = [
                "quantity": q, "unit_price": q == 0 ? money : (money / q * 100).rounded() / 100, "amount": money,
            ]
            asUnit[k].numbers = ["quantity": q, "unit_price": money, "amount": (q * money * 100).rounded() / 100]
        }
        let totalFits = targets.contains { abs($0 - sum(asTotal)) < 0.015 }
        let unitFits = targets.contains { abs($0 - sum(asUnit)) < 0.015 }
        rows = unitFits && !totalFits ? asUnit : asTotal
    }

    /// Finds the item table for an array-of-objects field.
    func extractItems(_ field: Field) -> [JSONValue]? {
        guard case .array(let itemField) = field.kind, case .object(let itemFields) = itemField.kind else { return nil }
        var headerFound: (Line, [Column])? = nil
        for line in layout.lines where !line.isBlank {
            if let cols = headerColumns(line, itemFields: itemFields) { headerFound = (line, cols); break }
        }
        var rows: [Row] = []
        if let (h, cols) = headerFound {
            let (r, used) = tableRows(header: h, columns: cols, itemFields: itemFields)
            rows = r
            tableLines.formUnion(used)
            firstTableLine = h.index
        } else if schema.id == "receipt" || schema.fields.contains(where: { $0.name == "merchant_name" }) {
            let (r, used) = receiptRows(itemFields: itemFields)
            rows = r
            tableLines.formUnion(used)
        }
        guard !rows.isEmpty else { return [] }
        // Arithmetic: qty × price = amount; fill a missing one from the other two.
        for k in rows.indices {
            let q = rows[k].numbers["quantity"], u = rows[k].numbers["unit_price"], a = rows[k].numbers["amount"]
            if let q, let u, let a, abs(q * u - a) > 0.011, q != 0, let r = rows[k].numbers["discount_rate"],
                abs(q * u * (1 - r / 100) - a) < 0.011 + abs(q) * 0.005
            {
                // a discount column: the price per unit is the net one (EN 16931 BT-146: gross price less discount)
                rows[k].numbers["unit_price"] = a / q
            } else if let q, let u, let a, let t = rows[k].numbers["item_tax"], abs(q * u + t - a) < 0.011 {
                itemsWithTax.insert(k)  // a tax column: the amount is the line's gross (quantity × price + its tax)
            } else if let q, let u, let a, a < 0, q * u > 0, abs(q * u + a) < 0.011 {
                // a credit line (a return, a refund): the amount printed negative ("(228.00)", "228.00-", "228.00 CR")
                // beside a positive quantity and price; the printed sign stands
                continue
            } else if let q, let u, let a, abs(q * u - a) > 0.011 {
                rows[k].confidence = 0.5
                // A text layer prints what the issuer computed: the amount stands as printed, and the review says
                // that quantity × price is not it. In an OCR reading the amount may be a misread: q × u replaces it,
                // and the review names the amount that was printed (`itemsRecomputed`).
                guard ocr else { continue }
                if abs((a / max(q, 1e-9)) - u) < 0.011 { continue }
                rows[k].numbers["amount_alt"] = (q * u * 100).rounded() / 100
                itemsRecomputed[k] = a
            } else if let q, let u, a == nil, itemFields.contains(where: { $0.role == .itemAmount }) {
                rows[k].numbers["amount"] = (q * u * 100).rounded() / 100
            } else if let q, let a, u == nil, q != 0, itemFields.contains(where: { $0.role == .itemUnitPrice }) {
                rows[k].numbers["unit_price"] = (a / q * 100).rounded() / 100
            } else if q == nil, let u, let a, abs(u - a) < 0.005,
                itemFields.contains(where: { $0.role == .itemQuantity })
            {
                rows[k].numbers["quantity"] = 1
            }
        }
        var out: [JSONValue] = []
        var ev: [[String: Found]] = []
        for r in rows {
            var o = JSONObject()
            var e: [String: Found] = [:]
            for f in itemFields {
                switch f.kind {
                case .number, .integer:
                    var v = r.numbers[Self.itemKey(f)]
                    if f.role == .itemAmount, let alt = r.numbers["amount_alt"] { v = alt }
                    if let v {
                        if case .integer = f.kind {
                            o[f.name] = JSONValue(Int(v.rounded()))
                        } else {
                            o[f.name] = JSONValue((v * 1_000_000).rounded() / 1_000_000)
                        }  // as printed (unit prices to six places)
                        e[f.name] = Found(value: o[f.name]!, line: r.line, confidence: r.confidence)
                    } else {
                        o[f.name] = .null
                    }
                case .string:
                    if !f.isNumeric,
                        f.name
                            == itemFields.first(where: {
                                if case .string = $0.kind { return true }; return false
                            })?.name
                    {
                        let d = r.description.split(separator: " ").joined(separator: " ")
                        o[f.name] = .string(d)
                        e[f.name] = Found(value: o[f.name]!, line: r.line, confidence: r.confidence)
                    } else {
                        o[f.name] = .null
                    }
                default: o[f.name] = .null
                }
            }
            out.append(.object(o))
            ev.append(e)
        }
        items = ev
        return out
    }

    /// The key of an item field's number in a row: its role's ("quantity", "unit_price", "amount"), else its name.
    static func itemKey(_ f: Field) -> String {
        switch f.role {
        case .itemQuantity?: return "quantity"
        case .itemUnitPrice?: return "unit_price"
        case .itemAmount?: return "amount"
        default: return f.name
        }
    }
}
