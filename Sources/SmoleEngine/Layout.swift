import Foundation

/// A run of text on a line separated from its neighbours by two or more spaces.
struct Cell: Sendable {
    var start: Int
    var end: Int
    var text: String
    var center: Double { Double(start + end) / 2 }
}

/// One line of layout text.
struct Line: Sendable {
    var page: Int           // 1-based
    var index: Int          // index in the document's line list
    var text: String
    var chars: [Character]
    var lower: [Character]  // lowercased, same length as chars
    var keys: [UInt32]      // first scalar of each lowercased character, for fast label search
    var cells: [Cell]
    var isBlank: Bool { cells.isEmpty }

    init(page: Int, index: Int, text: String) {
        var t = text.replacingOccurrences(of: "\t", with: "    ")
        while t.hasSuffix(" ") || t.hasSuffix("\r") { t.removeLast() }
        self.page = page
        self.index = index
        self.text = t
        self.chars = Array(t)
        let whole = Array(t.lowercased())
        if whole.count == chars.count {
            self.lower = whole
        } else {
            self.lower = chars.map { c in
                let l = c.lowercased()
                return l.count == 1 ? Character(l) : c
            }
        }
        self.keys = lower.map { $0.unicodeScalars.first!.value }
        var cells: [Cell] = []
        var i = 0
        let n = chars.count
        while i < n {
            while i < n, chars[i] == " " { i += 1 }
            guard i < n else { break }
            let s = i
            var last = i
            while i < n {
                if chars[i] == " " {
                    var j = i
                    while j < n, chars[j] == " " { j += 1 }
                    if j - i >= 2 || j == n { break }
                    i = j
                } else { last = i; i += 1 }
            }
            cells.append(Cell(start: s, end: last + 1, text: String(chars[s...last])))
        }
        self.cells = cells
    }

    func cell(at pos: Int) -> Cell? { cells.first { pos >= $0.start && pos < $0.end } }
    func substring(_ from: Int, _ to: Int? = nil) -> String {
        let e = min(to ?? chars.count, chars.count)
        guard from < e else { return "" }
        return String(chars[max(0, from)..<e])
    }
}

/// Layout text split into lines, with document-wide cues (decimal mark, currency, date order).
struct Layout: Sendable {
    static let maxLines = 20_000
    var lines: [Line]
    var pageCount: Int

    init(pages: [String]) {
        var lines: [Line] = []
        outer: for (p, page) in pages.enumerated() {
            for raw in page.split(separator: "\n", omittingEmptySubsequences: false) {
                // A bound on work for huge text files: fields live in the first pages anyway.
                if lines.count >= Self.maxLines { break outer }
                lines.append(Line(page: p + 1, index: lines.count, text: String(raw)))
            }
        }
        if lines.isEmpty { lines.append(Line(page: 1, index: 0, text: "")) }
        self.lines = lines
        self.pageCount = max(1, pages.count)
    }

    var nonBlank: [Line] { lines.filter { !$0.isBlank } }

    func next(after i: Int, skippingBlank: Bool = true) -> Line? {
        var j = i + 1
        while j < lines.count {
            if !skippingBlank || !lines[j].isBlank { return lines[j] }
            j += 1
        }
        return nil
    }
}

extension Character {
    var isWordChar: Bool { isLetter || isNumber || self == "_" }
}

/// Case-insensitive search for a label at word boundaries.
enum LabelMatch {
    static func normalize(_ s: String) -> [Character] {
        Array(s.lowercased().trimmingCharacters(in: .whitespaces))
    }

    /// Start offsets where `label` occurs in `line.lower` as a whole phrase.
    static func find(_ label: [Character], in line: Line) -> [Int] {
        find(keys(label), lastIsWord: label.last?.isWordChar ?? false, in: line)
    }

    static func keys(_ label: [Character]) -> [UInt32] { label.map { $0.unicodeScalars.first!.value } }

    static func find(_ label: [UInt32], lastIsWord: Bool, in line: Line) -> [Int] {
        let h = line.keys
        guard !label.isEmpty, h.count >= label.count else { return [] }
        var out: [Int] = []
        let first = label[0]
        let n = label.count
        return h.withUnsafeBufferPointer { hb in
            label.withUnsafeBufferPointer { lb in
                var i = 0
                let last = hb.count - n
                while i <= last {
                    if hb[i] == first {
                        var k = 1
                        while k < n && hb[i + k] == lb[k] { k += 1 }
                        if k == n {
                            let beforeOK = i == 0 || !line.lower[i - 1].isWordChar
                            let e = i + n
                            let afterOK = e >= hb.count || !lastIsWord || !line.lower[e].isWordChar
                            if beforeOK && afterOK { out.append(i) }
                        }
                    }
                    i += 1
                }
                return out
            }
        }
    }
}
