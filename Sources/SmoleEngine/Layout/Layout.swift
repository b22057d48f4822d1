import Foundation

// Stage 2, layout. Input: the pages' text. Output: `Layout`, numbered lines of cells (runs of text split by two or
// more spaces), each with its page; lowercased keys for the label search.

/// A run of text on a line separated from its neighbours by two or more spaces.
struct Cell: Sendable {
    var start: Int
    var end: Int
    var text: String
    var center: Double { Double(start + end) / 2 }
}

/// One line of layout text.
struct Line: Sendable {
    var page: Int  // 1-based
    var index: Int  // index in the document's line list
    var text: String
    /// The characters and their lowercase forms are kept only for lines that are not all ASCII; an ASCII line
    /// builds them on demand from its bytes (hot loops use `ascii`, `keys` and `lowerIsWordChar(at:)` instead).
    private var storedChars: [Character] = []
    private var storedLower: [Character] = []
    var keys: [UInt32]  // first scalar of each lowercased character, for fast label search
    var chars: [Character] { ascii.map { $0.map { Character(Unicode.Scalar($0)) } } ?? storedChars }
    var lower: [Character] { ascii != nil ? keys.map { Character(Unicode.Scalar(UInt8($0))) } : storedLower }
    /// The lowercased text.
    var lowerText: String {
        ascii != nil ? String(decoding: keys.map { UInt8($0) }, as: UTF8.self) : String(storedLower)
    }
    /// Whether the character at `i` (lowercased) is a letter, digit or underscore.
    func lowerIsWordChar(at i: Int) -> Bool {
        if ascii != nil {
            let k = keys[i]
            return (k >= 0x30 && k <= 0x39) || (k >= 0x61 && k <= 0x7A) || k == 0x5F
        }
        return storedLower[i].isWordChar
    }
    var cells: [Cell]
    /// The line's bytes when it is all ASCII (then byte offsets are character offsets), for byte-level scanners.
    var ascii: [UInt8]?
    /// The line's scalars when each is a character of its own (then scalar offsets are character offsets).
    var scalars: [Unicode.Scalar]? = nil

    /// Scalars that always form a character by themselves and lowercase to one scalar: Latin, Greek and Cyrillic
    /// letters, punctuation, currency, letterlike and symbol blocks. (Checked against Character for every scalar in
    /// these ranges: same isLetter, isNumber and lowercased().) Anything else takes the Character path.
    static func standsAlone(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if v < 0x80 { return true }
        let inRange =
            (v >= 0x80 && v <= 0x24F) || (v >= 0x370 && v <= 0x482) || (v >= 0x48A && v <= 0x52F)
            || (v >= 0x1E00 && v <= 0x1EFF) || (v >= 0x2000 && v <= 0x200B) || (v >= 0x200E && v <= 0x205F)
            || (v >= 0x2070 && v <= 0x27BF) || (v >= 0x3000 && v <= 0x3029) || (v >= 0xFF01 && v <= 0xFF5E)
            || v == 0xFFFD
        guard inRange else { return false }
        if u.properties.changesWhenLowercased { return u.properties.lowercaseMapping.unicodeScalars.count == 1 }
        return true
    }

    static func lowercase(_ u: Unicode.Scalar) -> Unicode.Scalar {
        if u.value < 0x80 { return (u.value >= 0x41 && u.value <= 0x5A) ? Unicode.Scalar(u.value | 0x20)! : u }
        guard u.properties.changesWhenLowercased else { return u }
        return u.properties.lowercaseMapping.unicodeScalars.first!
    }
    var isBlank: Bool { cells.isEmpty }

    init(page: Int, index: Int, text: String) {
        self.init(page: page, index: index, utf8: Array(text.utf8))
    }

    init(page: Int, index: Int, utf8 bytes: [UInt8]) {
        self.page = page
        self.index = index
        // Nearly every line of layout text is ASCII: then bytes are characters, and the arrays are built from
        // the bytes without grapheme breaking or a Unicode lowercasing pass. Both paths give the same result.
        var u8 = bytes
        if u8.contains(0x09) {
            var t: [UInt8] = []
            t.reserveCapacity(u8.count + 8)
            for b in u8 { if b == 0x09 { t += [0x20, 0x20, 0x20, 0x20] } else { t.append(b) } }
            u8 = t
        }
        while let l = u8.last, l == 0x20 || l == 0x0D { u8.removeLast() }
        if !u8.contains(where: { $0 >= 0x80 }) {
            self.ascii = u8
            self.text = String(decoding: u8, as: UTF8.self)
            var lowerBytes = u8
            for i in lowerBytes.indices where lowerBytes[i] >= 0x41 && lowerBytes[i] <= 0x5A { lowerBytes[i] |= 0x20 }
            self.keys = lowerBytes.map { UInt32($0) }
            self.cells = Self.cellRanges(u8, space: 0x20).map {
                Cell(start: $0, end: $1, text: String(decoding: u8[$0..<$1], as: UTF8.self))
            }
            return
        }
        let t = String(decoding: u8, as: UTF8.self)
        self.ascii = nil
        self.text = t
        // Common non-ASCII text (accented letters, currency signs, dashes, quotes): every scalar is a character of
        // its own with a one-scalar lowercase, so the arrays come from the scalars without grapheme breaking.
        let units = Array(t.unicodeScalars)
        if units.allSatisfy(Self.standsAlone) {
            self.scalars = units
            let lowerUnits = units.map(Self.lowercase)
            self.storedChars = units.map(Character.init)
            self.storedLower = lowerUnits.map(Character.init)
            self.keys = lowerUnits.map(\.value)
            self.cells = Self.cellRanges(units, space: " ").map {
                Cell(start: $0, end: $1, text: Unicode.Scalar.string(units[$0..<$1]))
            }
            return
        }
        let chars = Array(t)
        self.storedChars = chars
        let whole = Array(t.lowercased())
        if whole.count == chars.count {
            self.storedLower = whole
        } else {
            self.storedLower = chars.map { c in
                let l = c.lowercased()
                return l.count == 1 ? Character(l) : c
            }
        }
        self.keys = storedLower.map { $0.unicodeScalars.first!.value }
        self.cells = Self.cellRanges(chars, space: " ").map { Cell(start: $0, end: $1, text: String(chars[$0..<$1])) }
    }

    /// Runs of text separated by two or more spaces, as (start, end) offsets; a single space stays inside a run.
    static func cellRanges<T: Equatable>(_ units: [T], space: T) -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        var i = 0
        let n = units.count
        while i < n {
            while i < n, units[i] == space { i += 1 }
            guard i < n else { break }
            let s = i
            var last = i
            while i < n {
                if units[i] == space {
                    var j = i
                    while j < n, units[j] == space { j += 1 }
                    if j - i >= 2 || j == n { break }
                    i = j
                } else {
                    last = i; i += 1
                }
            }
            out.append((s, last + 1))
        }
        return out
    }

    func cell(at pos: Int) -> Cell? { cells.first { pos >= $0.start && pos < $0.end } }
    func substring(_ from: Int, _ to: Int? = nil) -> String {
        let e = min(to ?? keys.count, keys.count)
        guard from < e else { return "" }
        if let a = ascii { return String(decoding: a[max(0, from)..<e], as: UTF8.self) }
        return String(storedChars[max(0, from)..<e])
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
            let bytes = Array(page.utf8)
            var start = 0
            while true {
                // A bound on work for huge text files: fields live in the first pages anyway.
                if lines.count >= Self.maxLines { break outer }
                let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
                lines.append(Line(page: p + 1, index: lines.count, utf8: Array(bytes[start..<end])))
                if end == bytes.count { break }
                start = end + 1
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
                            let beforeOK = i == 0 || !line.lowerIsWordChar(at: i - 1)
                            let e = i + n
                            let afterOK = e >= hb.count || !lastIsWord || !line.lowerIsWordChar(at: e)
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
