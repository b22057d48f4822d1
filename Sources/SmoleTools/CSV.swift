import Foundation
import SmoleRecords

/// Cell and line encoding for CSV (RFC 4180) and TSV.
public struct CSVFormat: Sendable {
    /// `--tsv`: tab-separated values with backslash escapes (`\t`, `\n`, `\r`, `\\`) instead of RFC 4180 quoting.
    public var tsv = false
    /// Leave text cells that a spreadsheet would run as a formula alone.
    public var raw = false
    /// The CSV field separator (`--delimiter`): `,` by default; `;` is what spreadsheets expect
    /// in locales whose decimal mark is a comma. One ASCII byte, not `"`, CR or LF.
    public var delimiter: UInt8 = UInt8(ascii: ",")
    /// Write numbers with a decimal comma (`12,5`), as spreadsheets in those locales read them
    /// (`--decimal-comma`); a cell that then holds the delimiter is quoted.
    public var decimalComma = false

    /// A format from the command line's choices; the defaults are RFC 4180 CSV with `,`, formula guard on, decimal
    /// point.
    public init(tsv: Bool = false, raw: Bool = false, delimiter: UInt8 = UInt8(ascii: ","), decimalComma: Bool = false)
    {
        self.tsv = tsv
        self.raw = raw
        self.delimiter = delimiter
        self.decimalComma = decimalComma
    }

    /// CSV records end with CRLF as RFC 4180 says; TSV lines end with LF.
    public var lineEnd: [UInt8] { tsv ? [0x0A] : [0x0D, 0x0A] }
    /// The byte between cells: tab for TSV, else `delimiter`.
    public var separator: UInt8 { tsv ? 0x09 : delimiter }

    /// Whether a text cell needs a leading `'` so a spreadsheet shows it instead of running it.
    @inline(__always)
    public static func isFormulaLike<C: Collection<UInt8>>(_ text: C) -> Bool {
        guard let c = text.first else { return false }
        return c == UInt8(ascii: "=") || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: "@")
            || c == 0x09 || c == 0x0D
    }

    /// Appends one encoded cell. `text` tells whether the content is text (escaped against
    /// formulas) or a number/boolean/null (never altered).
    public func appendCell(_ content: UnsafeBufferPointer<UInt8>, text: Bool, into out: inout [UInt8]) {
        let guardFormula = text && !raw && CSVFormat.isFormulaLike(content)
        if tsv {
            if guardFormula { out.append(UInt8(ascii: "'")) }
            // TSV has no quoting: backslash escapes as Miller, PostgreSQL COPY and IANA TSV readers expect.
            for c in content {
                switch c {
                case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
                case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
                case 0x5C: out.append(0x5C); out.append(0x5C)
                default: out.append(c)
                }
            }
            return
        }
        var needsQuotes = false
        for c in content where c == delimiter || c == UInt8(ascii: "\"") || c == 0x0A || c == 0x0D {
            needsQuotes = true
            break
        }
        if !needsQuotes {
            if guardFormula { out.append(UInt8(ascii: "'")) }
            out.append(contentsOf: content)
            return
        }
        out.append(UInt8(ascii: "\""))
        if guardFormula { out.append(UInt8(ascii: "'")) }
        for c in content {
            if c == UInt8(ascii: "\"") { out.append(c) }
            out.append(c)
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends one encoded cell from bytes, as the buffer form does.
    public func appendCell(_ content: [UInt8], text: Bool, into out: inout [UInt8]) {
        content.withUnsafeBufferPointer { appendCell($0, text: text, into: &out) }
    }

    /// Appends one encoded cell from a string's UTF-8, as the buffer form does; `text` defaults to true (header cells).
    public func appendCell(_ s: String, text: Bool = true, into out: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendCell($0, text: text, into: &out) }
    }

    /// Encodes a JSON value as a cell, using `scratch` for the rendered text.
    public func appendValue(_ v: JSONValue, scratch: inout [UInt8], into out: inout [UInt8]) {
        switch v {
        case .null: return
        case .number(var n):
            if decimalComma, n.utf8.contains(UInt8(ascii: ".")) {
                // JSON's decimal point as a comma; never a formula, but quoted when the comma is the delimiter.
                appendCell(n.utf8.map { $0 == UInt8(ascii: ".") ? UInt8(ascii: ",") : $0 }, text: false, into: &out)
            } else {
                // Numbers are written as their literal; they never need quoting or escaping.
                n.withUTF8 { out.append(contentsOf: $0) }
            }
        case .bool(let b): out.append(contentsOf: b ? CellText.trueBytes : CellText.falseBytes)
        case .string(var s):
            s.withUTF8 { appendCell($0, text: true, into: &out) }
        default:
            scratch.removeAll(keepingCapacity: true)
            let text = CellText.render(v, into: &scratch)
            scratch.withUnsafeBufferPointer { appendCell($0, text: text, into: &out) }
        }
    }

    /// One encoded line from encoded cells.
    public func line(_ cells: [String]) -> String {
        var out: [UInt8] = []
        for (i, c) in cells.enumerated() {
            if i > 0 { out.append(separator) }
            appendCell(c, into: &out)
        }
        out.append(contentsOf: lineEnd)
        return String(decoding: out, as: UTF8.self)
    }
}

/// Options of one smole-csv run.
public struct CSVOptions: Sendable {
    /// How cells and lines are encoded.
    public var format = CSVFormat()
    /// Whether the first line names the columns (`--no-header` turns it off).
    public var header = true
    /// Include records that are not ok (error records, bad lines, bare paths), with status and error columns.
    public var all = false
    /// The data field to explode into one row per item.
    public var rows: String?
    /// Columns to write, in order; streaming unless `latest`.
    public var fields: [String]?
    /// With `fields`: still fold the stream so the latest record per path wins (not streaming).
    public var latest = false
    /// Keep only records that are ok and need no review (`review.needed` is not true).
    public var okOnly = false

    /// The defaults: CSV, a header line, ok records only, one row per document, every column.
    public init() {}
}

/// What a run saw, for the exit status and the closing notes.
public struct CSVReport: Sendable {
    /// Data lines written (not counting the header).
    public var rows = 0
    /// Documents that contributed rows.
    public var documents = 0
    /// Input lines that were not valid records.
    public var badLines = 0
    /// Documents left out because their latest record is not ok (without `--all`).
    public var skippedNotOK = 0
    /// Documents left out by `okOnly` because their latest record needs review.
    public var skippedNeedsReview = 0
    /// `--fields` without `--latest`: records for a path that already had rows written (warned about once).
    public var duplicatePaths = 0
    /// Names given to `--fields` that no record had as a column (warned about; their cells stay empty).
    public var unmatchedFields: [String] = []
    /// Named inputs that could not be read.
    public var problems = InputProblems()

    /// 66 or 74 for an input that could not be read (sysexits.h), 1 when any line was bad, else 0.
    public var exitStatus: ExitStatus {
        if let s = problems.exitStatus { return s }
        return badLines > 0 ? .someErrors : .ok
    }
}

/// smole-csv: turns result records into CSV or TSV.
public final class CSVWriter {
    let options: CSVOptions
    let tree = ColumnTree()
    let flattener: Flattener
    let emit: ([UInt8]) -> Void
    var report = CSVReport()
    private var scratch: [UInt8] = []

    /// `emit` receives each finished line (with its line end).
    /// Status and error cells are made with --all, or when --fields names them.
    private let wantsStatus: Bool

    /// A writer that hands each finished line (UTF-8, with its line end) to `emit`, header first.
    public init(options: CSVOptions, emit: @escaping ([UInt8]) -> Void) {
        self.options = options
        let meta = Set([MetaColumn.status, .errorCode, .errorMessage].map(\.name))
        self.wantsStatus = options.all || (options.fields ?? []).contains { meta.contains($0) }
        self.flattener = Flattener(tree: tree, rows: options.rows)
        self.emit = emit
    }

    /// Writes the table. With `fields` and not `latest` it streams in input order; otherwise it spools the stream to a
    /// temporary file, folds it to the latest record per document (`ResultFold`), and writes the columns found over all
    /// of them.
    ///
    /// - Throws: `RecordError(.unreadable)` when the temporary spool file cannot be made. Unreadable inputs are not
    ///   thrown: they are in the report's `problems`.
    /// - Returns: The run's counts.
    public func run(_ inputs: InputSet) throws -> CSVReport {
        if options.fields != nil && !options.latest {
            runStreaming(inputs)
        } else {
            try runFolded(inputs)
        }
        return report
    }

    // MARK: - Shared: one record to encoded rows

    /// A row under construction: cells as (column, byte range in `bytes`).
    struct RowCells {
        var cols: [Int32] = []
        var starts: [Int32] = []
        var ends: [Int32] = []
        var bytes: [UInt8] = []
        var count: Int { cols.count }
        mutating func removeAll() {
            cols.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            bytes.removeAll(keepingCapacity: true)
        }
    }

    private var doc = RowCells()
    private var items: [RowCells] = []
    private var explodeAt = -1

    private func addCell(_ cells: inout RowCells, _ col: Int32, _ v: JSONValue) {
        let start = Int32(cells.bytes.count)
        options.format.appendValue(v, scratch: &scratch, into: &cells.bytes)
        cells.cols.append(col)
        cells.starts.append(start)
        cells.ends.append(Int32(cells.bytes.count))
    }

    /// Whether the record becomes rows, and (when it does) fills `doc`, `items` and `explodeAt`.
    private func encode(_ input: InputLine) -> Bool {
        needsReviewSkipped = false
        let record: Record
        var isOK = false
        switch input.item {
        case .bad(let r):
            report.badLines += 1
            Diagnostics.badLine(r, source: input.source, line: input.line)
            record = r
        case .path(let p):
            record = Record(path: p)
        case .record(let r):
            record = r
            isOK = r.isOK
        }
        if !isOK && !options.all { return false }
        if options.okOnly, Review.codes(of: record["review"])?.needed == true {
            needsReviewSkipped = true; return false
        }
        doc.removeAll()
        for i in items.indices { items[i].removeAll() }
        var itemCount = 0
        explodeAt = -1
        if let p = record["path"], !p.isNull {
            // The document's key, as smole-sql stores it (`./docs/x.pdf` and `docs/x.pdf` are one document); a name
            // that is not UTF-8 ({"bytes": base64}) is shown with \xNN for its odd bytes.
            if let key = record.key {
                addCell(&doc, MetaColumn.path.rawValue, .string(key.display))
            } else {
                addCell(&doc, MetaColumn.path.rawValue, p)
            }
        }
        if let s = record["schema"], !s.isNull { addCell(&doc, MetaColumn.schema.rawValue, s) }
        // review.needed and review.reasons: each reason as code:field (code alone for the whole document), "; " between
        if let rv = Review.codes(of: record["review"]) {
            sawReview = true
            addCell(&doc, MetaColumn.reviewNeeded.rawValue, .bool(rv.needed))
            let reasons = zip(rv.codes, rv.fields).map { c, f in f.map { "\(c):\($0)" } ?? c }
            addCell(&doc, MetaColumn.reviewReasons.rawValue, .string(reasons.joined(separator: "; ")))
        }
        if wantsStatus {
            if let s = record["status"], !s.isNull { addCell(&doc, MetaColumn.status.rawValue, s) }
            if case .object(let e)? = record["error"] {
                if let c = e["code"] { addCell(&doc, MetaColumn.errorCode.rawValue, c) }
                if let m = e["message"] { addCell(&doc, MetaColumn.errorMessage.rawValue, m) }
            }
        }
        flattener.walk(
            record.data,
            leaf: { col, v in addCell(&doc, col, v) },
            explode: { values, node in
                explodeAt = doc.count
                for v in values {
                    if itemCount == items.count { items.append(RowCells()) }
                    flattener.walkItem(v, node: node) { col, iv in addCell(&items[itemCount], col, iv) }
                    itemCount += 1
                }
            })
        itemRows = itemCount
        return true
    }

    private var itemRows = 0
    /// Whether a record carried a `review` (its columns are then written).
    private var sawReview = false
    /// Set by `encode` when `okOnly` left the record out because it needs review.
    private var needsReviewSkipped = false

    /// Calls `body` once per output row with the row's cells in order (document cells before the
    /// exploded field, the item's cells, then the document cells after it).
    private func forEachRow(_ body: (RowCells, Range<Int>, RowCells?, Range<Int>) -> Void) {
        if explodeAt < 0 || itemRows == 0 {
            body(doc, 0..<doc.count, nil, 0..<0)
            return
        }
        for i in 0..<itemRows {
            body(doc, 0..<explodeAt, items[i], explodeAt..<doc.count)
        }
    }

    // MARK: - Streaming (--fields)

    private func runStreaming(_ inputs: InputSet) {
        let fields = options.fields ?? []
        var position: [Int32: Int] = [:]
        var nameToPos: [String: Int] = [:]
        for (i, f) in fields.enumerated() where nameToPos[f] == nil { nameToPos[f] = i }
        var matched = [Bool](repeating: false, count: fields.count)
        func pos(_ col: Int32) -> Int {
            if let p = position[col] { return p }
            let p = nameToPos[tree.names[Int(col)]] ?? -1
            position[col] = p
            if p >= 0 { matched[p] = true }
            return p
        }
        if options.header { emit(Array(options.format.line(fields).utf8)) }
        var seen = Set<Int>()
        var slotStart = [Int32](repeating: 0, count: fields.count)
        var slotEnd = [Int32](repeating: 0, count: fields.count)
        var slotSrc = [UInt8](repeating: 0, count: fields.count)  // 0 none, 1 doc, 2 item
        var line: [UInt8] = []
        report.problems = inputs.forEach { input in
            // A record for a path that already has rows out: the latest-wins rule cannot be kept.
            var path: DocumentKey? = nil
            switch input.item {
            case .record(let r): path = r.key
            case .path(let p): path = DocumentKey(path: p)
            case .bad: break
            }
            if let p = path, seen.contains(p.hashValue) {
                report.duplicatePaths += 1
                if report.duplicatePaths == 1 {
                    Diagnostics.warning(
                        "\(p) appears again; with --fields rows are written as read, so an earlier record for it was already written (add --latest to keep only the latest record per path)",
                        source: input.source, line: input.line)
                }
            }
            guard encode(input) else {
                if needsReviewSkipped { report.skippedNeedsReview += 1 }
                return
            }
            report.documents += 1
            if let p = path { seen.insert(p.hashValue) }
            forEachRow { doc, before, item, after in
                for i in 0..<slotSrc.count { slotSrc[i] = 0 }
                func place(_ cells: RowCells, _ range: Range<Int>, _ src: UInt8) {
                    for k in range {
                        let p = pos(cells.cols[k])
                        if p >= 0 { slotStart[p] = cells.starts[k]; slotEnd[p] = cells.ends[k]; slotSrc[p] = src }
                    }
                }
                place(doc, before, 1)
                if let item { place(item, 0..<item.count, 2) }
                place(doc, after, 1)
                line.removeAll(keepingCapacity: true)
                for p in 0..<fields.count {
                    if p > 0 { line.append(options.format.separator) }
                    switch slotSrc[p] {
                    case 1: line.append(contentsOf: doc.bytes[Int(slotStart[p])..<Int(slotEnd[p])])
                    case 2: line.append(contentsOf: item!.bytes[Int(slotStart[p])..<Int(slotEnd[p])])
                    default: break
                    }
                }
                line.append(contentsOf: options.format.lineEnd)
                emit(line)
                report.rows += 1
            }
        }
        report.unmatchedFields = fields.enumerated().filter { !matched[$0.offset] }.map(\.element)
            .filter { f in !(MetaColumn.allCases.contains { $0.name == f } && report.rows == 0) }
    }

    // MARK: - Folded (latest record per path wins)

    private func runFolded(_ inputs: InputSet) throws {
        let spool = try SpoolFile()
        var latest = ResultFold.Latest<Int, Int32>()
        // The schema of each record (an index into `schemaNames`), for the column order.
        var schemaNames: [String] = []
        var schemaIndex: [String: Int32] = [:]
        var entrySchema: [Int32] = []
        var included: [Bool] = []
        var forReview: [Bool] = []
        var recordIndex: Int32 = 0
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20)
        report.problems = inputs.forEach { input in
            let idx = recordIndex
            recordIndex += 1
            var key: Int? = nil
            switch input.item {
            case .record(let r):
                key = r.key?.hashValue
                if let key { latest.offer(r, key: key) { idx } }
            case .path(let p):
                key = DocumentKey(path: p).hashValue
                if let key { latest.offer(nil, key: key) { idx } }
            case .bad: key = nil
            }
            let rowsMade = encode(input)
            included.append(rowsMade)
            forReview.append(needsReviewSkipped)
            var schemaName = ""
            if case .record(let r) = input.item, let sc = r.schema { schemaName = sc }
            if let known = schemaIndex[schemaName] {
                entrySchema.append(known)
            } else {
                let i = Int32(schemaNames.count)
                schemaIndex[schemaName] = i
                schemaNames.append(schemaName)
                entrySchema.append(i)
            }
            guard rowsMade else { return }
            // Spool entry: u32 length, u64 key, u8 keyed, u32 index, u32 rows, then per row
            // u32 cells and per cell u32 column, u32 length, bytes.
            let entryStart = out.count
            out.appendU32(0)
            out.appendU64(UInt64(bitPattern: Int64(key ?? 0)))
            out.append(key == nil ? 0 : 1)
            out.appendU32(UInt32(idx))
            out.appendU32(UInt32(explodeAt < 0 || itemRows == 0 ? 1 : itemRows))
            forEachRow { doc, before, item, after in
                out.appendU32(UInt32(before.count + (item?.count ?? 0) + after.count))
                func put(_ cells: RowCells, _ range: Range<Int>) {
                    for k in range {
                        out.appendU32(UInt32(cells.cols[k]))
                        let s = Int(cells.starts[k]), e = Int(cells.ends[k])
                        out.appendU32(UInt32(e - s))
                        out.append(contentsOf: cells.bytes[s..<e])
                    }
                }
                put(doc, before)
                if let item { put(item, 0..<item.count) }
                put(doc, after)
            }
            out.setU32(at: entryStart, UInt32(out.count - entryStart - 4))
            if out.count >= 1 << 20 {
                spool.write(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        spool.write(out)
        out = []
        try spool.finishWriting()

        // Documents whose latest record was left out (errors without --all).
        for idx in latest.values where !included[Int(idx)] {
            if forReview[Int(idx)] { report.skippedNeedsReview += 1 } else { report.skippedNotOK += 1 }
        }
        included = []
        forReview = []

        func isKept(_ keyed: Bool, _ key: Int, _ idx: Int32) -> Bool { !keyed || latest[key] == idx }

        // Pass two: the columns of the rows that are kept, in first-seen order.
        var order: [Int32] = [MetaColumn.path.rawValue, MetaColumn.schema.rawValue]
        if options.all {
            order += [MetaColumn.status.rawValue, MetaColumn.errorCode.rawValue, MetaColumn.errorMessage.rawValue]
        }
        if sawReview { order += [MetaColumn.reviewNeeded.rawValue, MetaColumn.reviewReasons.rawValue] }
        var slot = [Int32](repeating: -1, count: tree.columnCount)
        for (i, c) in order.enumerated() { slot[Int(c)] = Int32(i) }
        if let fields = options.fields {
            order = []
            slot = [Int32](repeating: -1, count: tree.columnCount)
            for (i, f) in fields.enumerated() {
                order.append(-1)
                if let c = tree.columnID(named: f), slot[Int(c)] < 0 { slot[Int(c)] = Int32(i); order[i] = c }
            }
            report.unmatchedFields = fields.enumerated().filter { order[$0.offset] < 0 }.map(\.element)
        } else {
            // A stable order, whichever document finished first: path, schema, then each
            // schema's own fields in the order its records carry them, schemas in name order
            // (records without a schema last).
            var perSchema = [[Int32]](repeating: [], count: schemaNames.count)
            var seenIn = [Set<Int32>](repeating: [], count: schemaNames.count)
            try spool.read { entry in
                guard isKept(entry.keyed, entry.key, entry.index) else { return }
                let sc = Int(entrySchema[Int(entry.index)])
                entry.forEachCell { col, _ in
                    if slot[Int(col)] < 0, seenIn[sc].insert(col).inserted { perSchema[sc].append(col) }
                }
            }
            let schemaOrder = schemaNames.indices.sorted { a, b in
                let (x, y) = (schemaNames[a], schemaNames[b])
                if x.isEmpty != y.isEmpty { return !x.isEmpty }
                return x < y
            }
            for sc in schemaOrder {
                for col in perSchema[sc] where slot[Int(col)] < 0 {
                    slot[Int(col)] = Int32(order.count)
                    order.append(col)
                }
            }
        }

        // Pass three: header and rows.
        let width = order.count
        if options.header {
            let names = options.fields ?? order.map { tree.names[Int($0)] }
            emit(Array(options.format.line(names).utf8))
        }
        var cellStart = [Int](repeating: 0, count: width)
        var cellEnd = [Int](repeating: 0, count: width)
        var stamp = [Int](repeating: -1, count: width)
        var rowNumber = 0
        var line: [UInt8] = []
        try spool.read { entry in
            guard isKept(entry.keyed, entry.key, entry.index) else { return }
            report.documents += 1
            entry.forEachRow { row in
                rowNumber += 1
                row.forEachCell { col, range in
                    let p = Int(slot[Int(col)])
                    if p >= 0 { cellStart[p] = range.lowerBound; cellEnd[p] = range.upperBound; stamp[p] = rowNumber }
                }
                line.removeAll(keepingCapacity: true)
                for p in 0..<width {
                    if p > 0 { line.append(options.format.separator) }
                    if stamp[p] == rowNumber {
                        line.append(contentsOf: UnsafeBufferPointer(rebasing: row.buffer[cellStart[p]..<cellEnd[p]]))
                    }
                }
                line.append(contentsOf: options.format.lineEnd)
                emit(line)
                report.rows += 1
            }
        }
    }
}

// MARK: - Spool

extension [UInt8] {
    @inline(__always) mutating func appendU32(_ v: UInt32) {
        append(UInt8(truncatingIfNeeded: v))
        append(UInt8(truncatingIfNeeded: v >> 8))
        append(UInt8(truncatingIfNeeded: v >> 16))
        append(UInt8(truncatingIfNeeded: v >> 24))
    }
    @inline(__always) mutating func appendU64(_ v: UInt64) {
        appendU32(UInt32(truncatingIfNeeded: v))
        appendU32(UInt32(truncatingIfNeeded: v >> 32))
    }
    @inline(__always) mutating func setU32(at i: Int, _ v: UInt32) {
        self[i] = UInt8(truncatingIfNeeded: v)
        self[i + 1] = UInt8(truncatingIfNeeded: v >> 8)
        self[i + 2] = UInt8(truncatingIfNeeded: v >> 16)
        self[i + 3] = UInt8(truncatingIfNeeded: v >> 24)
    }
}

@inline(__always) func readU32(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt32 {
    UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
}

/// One spooled record, read back.
struct SpoolEntry {
    let buffer: UnsafeBufferPointer<UInt8>
    let keyed: Bool
    let key: Int
    let index: Int32
    let rowCount: Int
    let rowsStart: Int

    struct Row {
        let buffer: UnsafeBufferPointer<UInt8>
        let start: Int
        let cells: Int
        /// (column, byte range of the encoded cell in `buffer`); returns the end offset.
        @discardableResult
        func forEachCell(_ body: (Int32, Range<Int>) -> Void) -> Int {
            var i = start + 4
            for _ in 0..<cells {
                let col = Int32(bitPattern: readU32(buffer, i))
                let len = Int(readU32(buffer, i + 4))
                body(col, (i + 8)..<(i + 8 + len))
                i += 8 + len
            }
            return i
        }
    }

    func forEachRow(_ body: (Row) -> Void) {
        var i = rowsStart
        for _ in 0..<rowCount {
            let row = Row(buffer: buffer, start: i, cells: Int(readU32(buffer, i)))
            body(row)
            i = row.forEachCell { _, _ in }
        }
    }

    func forEachCell(_ body: (Int32, Range<Int>) -> Void) {
        forEachRow { $0.forEachCell(body) }
    }
}

/// A private temporary file written once and read back any number of times in large chunks
/// (read(2), not mmap, so the pages read do not count towards the process's memory).
final class SpoolFile {
    let fd: Int32
    let path: String

    init() throws {
        let dir = FileManager.default.temporaryDirectory.path
        var template = Array("\(dir)/smole-csv-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw RecordError(.unreadable, "cannot create a temporary spool file in \(dir)") }
        self.fd = fd
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        unlink(path)  // the open descriptor keeps it; nothing is left behind on any exit
    }

    deinit { close(fd) }

    func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = LibC.write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    Diagnostics.error("cannot write the temporary spool file: \(String(cString: strerror(errno)))")
                    ToolRuntime.exit(.ioError)
                }
                off += n
            }
        }
    }

    func finishWriting() throws {}

    /// Reads every entry in order.
    func read(_ body: (SpoolEntry) throws -> Void) throws {
        lseek(fd, 0, SEEK_SET)
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        var have = 0
        var pos = 0
        var eof = false
        while true {
            // Make sure a whole entry is in the buffer.
            func available() -> Int { have - pos }
            func fill(_ need: Int) {
                if pos > 0 {
                    if have > pos {
                        buf.withUnsafeMutableBytes { raw in
                            _ = memmove(raw.baseAddress!, raw.baseAddress! + pos, have - pos)
                        }
                    }
                    have -= pos
                    pos = 0
                }
                if need > buf.count { buf += [UInt8](repeating: 0, count: need - buf.count) }
                while have < need && !eof {
                    let n = buf.withUnsafeMutableBytes { raw in
                        LibC.read(fd, raw.baseAddress! + have, raw.count - have)
                    }
                    if n < 0 { if errno == EINTR { continue }; eof = true; break }
                    if n == 0 { eof = true; break }
                    have += n
                }
            }
            if available() < 4 { fill(4 + (1 << 16)) }
            if available() < 4 { return }
            let len = buf.withUnsafeBufferPointer { Int(readU32($0, pos)) }
            if available() < 4 + len { fill(4 + len) }
            guard available() >= 4 + len else { return }
            try buf.withUnsafeBufferPointer { b in
                let base = pos + 4
                let key = Int(Int64(bitPattern: UInt64(readU32(b, base)) | UInt64(readU32(b, base + 4)) << 32))
                let entry = SpoolEntry(
                    buffer: b, keyed: b[base + 8] == 1, key: key, index: Int32(bitPattern: readU32(b, base + 9)),
                    rowCount: Int(readU32(b, base + 13)), rowsStart: base + 17)
                try body(entry)
            }
            pos += 4 + len
        }
    }
}
