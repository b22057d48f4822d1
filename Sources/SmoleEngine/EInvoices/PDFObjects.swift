import Foundation

/// A PDF object as the file writes it (ISO 32000-1 §7.3): the parts of the syntax an attachment lookup needs.
/// Streams are read through `PDFFile.stream(_:)`, never as values.
indirect enum PDFObject: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    /// A name with its `#xx` escapes decoded (`/text#2Fxml` is `text/xml`).
    case name(String)
    /// A string's bytes, escapes decoded (literal `( )` or hexadecimal `< >`).
    case string([UInt8])
    case array([PDFObject])
    case dictionary([String: PDFObject])
    /// An indirect reference `N G R`.
    case reference(Int, Int)

    var dictionary: [String: PDFObject]? { if case .dictionary(let d) = self { return d }; return nil }
    var array: [PDFObject]? { if case .array(let a) = self { return a }; return nil }
    var name: String? { if case .name(let n) = self { return n }; return nil }
    var int: Int? {
        if case .number(let d) = self, d == d.rounded(), abs(d) < 1e15 { return Int(d) }
        return nil
    }
    var reference: Int? { if case .reference(let n, _) = self { return n }; return nil }
    subscript(key: String) -> PDFObject? { dictionary?[key] }

    /// A text string (§7.9.2.2): UTF-16BE after its byte-order mark, UTF-8 after its mark (PDF 2.0), else
    /// PDFDocEncoding, read as Latin-1 (the two agree on every character a file name uses).
    var text: String? {
        guard case .string(let b) = self else { return nil }
        if b.starts(with: [0xFE, 0xFF]) {
            let body = Array(b.dropFirst(2))
            let even = body.count & ~1
            return String(data: Data(body[0..<even]), encoding: .utf16BigEndian)
        }
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { return String(decoding: b.dropFirst(3), as: UTF8.self) }
        return String(data: Data(b), encoding: .isoLatin1)
    }
}

/// Reads one PDF object from bytes: numbers, references, names, strings, arrays and dictionaries.
/// Anything else (an operator, `stream`, `endobj`) ends the object and is left unread.
struct PDFLexer {
    let bytes: UnsafeRawBufferPointer
    var pos: Int
    let end: Int
    static let maxDepth = 64

    init(_ bytes: UnsafeRawBufferPointer, at pos: Int, end: Int? = nil) {
        self.bytes = bytes
        self.pos = pos
        self.end = min(end ?? bytes.count, bytes.count)
    }

    static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0x0C || b == 0x00
    }
    static func isDelimiter(_ b: UInt8) -> Bool {
        b == 0x28 || b == 0x29 || b == 0x3C || b == 0x3E || b == 0x5B || b == 0x5D || b == 0x7B || b == 0x7D
            || b == 0x2F || b == 0x25
    }
    static func isRegular(_ b: UInt8) -> Bool { !isSpace(b) && !isDelimiter(b) }

    /// White space and `%` comments.
    mutating func skipSpace() {
        while pos < end {
            let b = bytes[pos]
            if Self.isSpace(b) {
                pos += 1
            } else if b == 0x25 {
                while pos < end, bytes[pos] != 0x0A, bytes[pos] != 0x0D { pos += 1 }
            } else {
                break
            }
        }
    }

    /// The regular characters from `pos` (a number or a keyword), not consumed.
    func peekToken() -> ArraySlice<UInt8> {
        var i = pos
        while i < end, Self.isRegular(bytes[i]) { i += 1 }
        return ArraySlice(UnsafeRawBufferPointer(rebasing: bytes[pos..<i]))
    }

    mutating func keyword(_ k: String) -> Bool {
        skipSpace()
        let t = peekToken()
        guard t.elementsEqual(k.utf8) else { return false }
        pos += t.count
        return true
    }

    mutating func parse(depth: Int = 0) -> PDFObject? {
        guard depth < Self.maxDepth else { return nil }
        skipSpace()
        guard pos < end else { return nil }
        switch bytes[pos] {
        case 0x2F:  // /Name
            pos += 1
            var out: [UInt8] = []
            while pos < end, Self.isRegular(bytes[pos]) {
                let b = bytes[pos]
                if b == 0x23, pos + 2 < end, let h = Self.hexValue(bytes[pos + 1]),
                    let l = Self.hexValue(bytes[pos + 2])
                {
                    out.append(h << 4 | l)
                    pos += 3
                } else {
                    out.append(b)
                    pos += 1
                }
            }
            return .name(String(decoding: out, as: UTF8.self))
        case 0x28:  // (literal string)
            return literalString()
        case 0x3C:
            if pos + 1 < end, bytes[pos + 1] == 0x3C {  // << dictionary >>
                pos += 2
                var d: [String: PDFObject] = [:]
                while true {
                    skipSpace()
                    guard pos < end else { return nil }
                    if bytes[pos] == 0x3E {
                        guard pos + 1 < end, bytes[pos + 1] == 0x3E else { return nil }
                        pos += 2
                        return .dictionary(d)
                    }
                    guard case .name(let key)? = parse(depth: depth + 1) else { return nil }
                    guard let value = parse(depth: depth + 1) else { return nil }
                    d[key] = value
                }
            }
            return hexString()
        case 0x5B:  // [ array ]
            pos += 1
            var a: [PDFObject] = []
            while true {
                skipSpace()
                guard pos < end else { return nil }
                if bytes[pos] == 0x5D { pos += 1; return .array(a) }
                guard let v = parse(depth: depth + 1) else { return nil }
                a.append(v)
            }
        default:
            let token = peekToken()
            guard !token.isEmpty else { return nil }
            switch String(decoding: token, as: UTF8.self) {
            case "true": pos += 4; return .bool(true)
            case "false": pos += 5; return .bool(false)
            case "null": pos += 4; return .null
            default: break
            }
            guard let value = Double(String(decoding: token, as: UTF8.self)) else { return nil }
            pos += token.count
            // "N G R": an integer, another one, then R.
            if token.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), value < 1e15 {
                let save = pos
                skipSpace()
                let gen = peekToken()
                if !gen.isEmpty, gen.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                    let g = Int(String(decoding: gen, as: UTF8.self))
                {
                    pos += gen.count
                    skipSpace()
                    if peekToken().elementsEqual([0x52]) {  // R
                        pos += 1
                        return .reference(Int(value), g)
                    }
                }
                pos = save
            }
            return .number(value)
        }
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }

    mutating func hexString() -> PDFObject? {
        pos += 1
        var out: [UInt8] = []
        var high: UInt8? = nil
        while pos < end {
            let b = bytes[pos]
            pos += 1
            if b == 0x3E {
                if let h = high { out.append(h << 4) }
                return .string(out)
            }
            guard let v = Self.hexValue(b) else { if Self.isSpace(b) { continue }; return nil }
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        return nil
    }

    mutating func literalString() -> PDFObject? {
        pos += 1
        var out: [UInt8] = []
        var nesting = 1
        while pos < end {
            let b = bytes[pos]
            pos += 1
            switch b {
            case 0x28: nesting += 1; out.append(b)
            case 0x29:
                nesting -= 1
                if nesting == 0 { return .string(out) }
                out.append(b)
            case 0x5C:  // backslash
                guard pos < end else { return nil }
                let e = bytes[pos]
                pos += 1
                switch e {
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x0D: if pos < end, bytes[pos] == 0x0A { pos += 1 }  // a line continued
                case 0x0A: break
                case 0x30...0x37:
                    var v = Int(e - 0x30)
                    for _ in 0..<2 where pos < end && (0x30...0x37).contains(bytes[pos]) {
                        v = v * 8 + Int(bytes[pos] - 0x30)
                        pos += 1
                    }
                    out.append(UInt8(truncatingIfNeeded: v))
                default: out.append(e)
                }
            default: out.append(b)
            }
        }
        return nil
    }
}

/// The objects of a PDF file, found by scanning its bytes for `N G obj` headers (as a reader repairing a damaged
/// cross-reference table does; a later definition of a number replaces an earlier one, as an incremental update
/// does) and by unpacking its object streams (`/Type /ObjStm`, §7.5.7) when they are FlateDecode or unfiltered.
/// The cross-reference table is not needed and not read. Objects are parsed when asked for, so a caller that looks
/// only at the objects mentioning a word (`mentions`) never parses the rest.
final class PDFFile {
    let bytes: [UInt8]
    /// Object number → offset just past its `obj` keyword, for objects written in the open.
    private(set) var offsets: [Int: Int] = [:]
    /// The open objects' offsets in file order: object `n`'s bytes run to the next one's header.
    private var ordered: [Int] = []
    /// Object number → where it is packed: the object stream's decoded data and the object's range in it.
    private var packedAt: [Int: (stream: Int, range: Range<Int>)] = [:]
    private var objectStreams: [Int: [UInt8]] = [:]
    /// An object stream that could not be unpacked: some objects may be missing.
    private(set) var unreadObjectStreams = 0
    private var cache: [Int: PDFObject] = [:]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        indexObjects()
        unpackObjectStreams()
    }

    /// Every object number, those in the open and those packed in object streams.
    var objectNumbers: [Int] { Array(Set(offsets.keys).union(packedAt.keys)).sorted() }

    private func indexObjects() {
        let keyword = Array("obj".utf8)
        bytes.withUnsafeBytes { b in
            var from = 0
            while let k = ByteSearch.find(keyword, in: b, from: from) {
                from = k + 3
                if k + 3 < b.count, PDFLexer.isRegular(b[k + 3]) { continue }
                // back over "N G " (white space between, none needed before "obj")
                var i = k - 1
                while i >= 0, PDFLexer.isSpace(b[i]) { i -= 1 }
                let genEnd = i
                while i >= 0, b[i] >= 0x30, b[i] <= 0x39 { i -= 1 }
                guard i < genEnd, i >= 0, PDFLexer.isSpace(b[i]) else { continue }
                while i >= 0, PDFLexer.isSpace(b[i]) { i -= 1 }
                let numEnd = i
                while i >= 0, b[i] >= 0x30, b[i] <= 0x39 { i -= 1 }
                guard i < numEnd, numEnd - i <= 10, i < 0 || !PDFLexer.isRegular(b[i]) else { continue }
                guard
                    let n = Int(String(decoding: UnsafeRawBufferPointer(rebasing: b[(i + 1)...numEnd]), as: UTF8.self))
                else { continue }
                offsets[n] = k + 3
                ordered.append(k + 3)
            }
        }
    }

    /// The open object whose bytes hold `offset` (the last header before it).
    private func openObject(containing offset: Int) -> Int? {
        var lo = 0, hi = ordered.count
        while lo < hi { let mid = (lo + hi) / 2; if ordered[mid] <= offset { lo = mid + 1 } else { hi = mid } }
        guard lo > 0 else { return nil }
        let at = ordered[lo - 1]
        return offsets.first { $0.value == at }?.key
    }

    /// Object streams are found by their `/ObjStm` type in the open (a stream is never packed), then only their
    /// headers are read; the objects in them are parsed when asked for.
    private func unpackObjectStreams() {
        let marker = Array("/ObjStm".utf8)
        var streams = Set<Int>()
        var from = 0
        while let k = ByteSearch.find(marker, in: bytes, from: from) {
            from = k + marker.count
            if let n = openObject(containing: k) { streams.insert(n) }
        }
        for n in streams.sorted() {
            guard let d = openObject(n)?.dictionary, d["Type"]?.name == "ObjStm" else { continue }
            guard let count = resolve(d["N"])?.int, let first = resolve(d["First"])?.int, count >= 0, first >= 0,
                let data = stream(n)?.data, first <= data.count
            else { unreadObjectStreams += 1; continue }
            objectStreams[n] = data
            data.withUnsafeBytes { b in
                var header = PDFLexer(b, at: 0, end: first)
                var entries: [(Int, Int)] = []
                for _ in 0..<count {
                    guard let num = header.parse()?.int, let off = header.parse()?.int, num >= 0, off >= 0 else {
                        break
                    }
                    entries.append((num, off))
                }
                if entries.count < count { unreadObjectStreams += 1 }
                for (k, (num, off)) in entries.enumerated() {
                    let start = first + off
                    let stop = k + 1 < entries.count ? first + entries[k + 1].1 : b.count
                    guard start < b.count, stop >= start, packedAt[num] == nil else { continue }
                    packedAt[num] = (n, start..<min(stop, b.count))
                }
            }
        }
    }

    /// The value of object `n` written in the open (a stream's dictionary for a stream).
    private func openObject(_ n: Int) -> PDFObject? {
        if let c = cache[n] { return c }
        guard let at = offsets[n] else { return nil }
        let o = bytes.withUnsafeBytes { b -> PDFObject? in
            var lx = PDFLexer(b, at: at)
            return lx.parse()
        }
        if let o { cache[n] = o }
        return o
    }

    private func packedObject(_ n: Int) -> PDFObject? {
        if let c = cache[n] { return c }
        guard let (s, range) = packedAt[n], let data = objectStreams[s] else { return nil }
        let o = data.withUnsafeBytes { b -> PDFObject? in
            var lx = PDFLexer(b, at: range.lowerBound, end: range.upperBound)
            return lx.parse()
        }
        if let o { cache[n] = o }
        return o
    }

    /// The value of object `n`, wherever it is written; nil when there is no such object or it cannot be read.
    func object(_ n: Int) -> PDFObject? { offsets[n] != nil ? openObject(n) : packedObject(n) }

    /// Whether object `n`'s bytes (for an open object: up to the next object's header, its stream included)
    /// contain any of `needles`.
    func mentions(_ n: Int, anyOf needles: [[UInt8]]) -> Bool {
        if let at = offsets[n] {
            var lo = 0, hi = ordered.count
            while lo < hi { let mid = (lo + hi) / 2; if ordered[mid] <= at { lo = mid + 1 } else { hi = mid } }
            let end = lo < ordered.count ? ordered[lo] : bytes.count
            return bytes.withUnsafeBytes { b in
                let region = UnsafeRawBufferPointer(rebasing: b[at..<max(at, end)])
                return needles.contains { ByteSearch.find($0, in: region) != nil }
            }
        }
        guard let (s, range) = packedAt[n], let data = objectStreams[s] else { return false }
        return data.withUnsafeBytes { b in
            let region = UnsafeRawBufferPointer(rebasing: b[range])
            return needles.contains { ByteSearch.find($0, in: region) != nil }
        }
    }

    /// Follows a reference (and a reference to a reference, a few deep); other values as they are.
    func resolve(_ o: PDFObject?) -> PDFObject? {
        var o = o
        for _ in 0..<8 {
            guard case .reference(let n, _)? = o else { return o }
            o = object(n)
        }
        return nil
    }

    /// Whether object `n` is written in the open with `stream` after its dictionary.
    func isStream(_ n: Int) -> Bool { streamStart(n) != nil }

    /// Where stream `n`'s data begins: after its dictionary, the `stream` keyword and its end of line
    /// (CR LF or LF; a lone CR is accepted too, as readers do).
    private func streamStart(_ n: Int) -> (dict: [String: PDFObject], start: Int)? {
        guard let at = offsets[n] else { return nil }
        return bytes.withUnsafeBytes { b -> ([String: PDFObject], Int)? in
            var lx = PDFLexer(b, at: at)
            guard let d = lx.parse()?.dictionary, lx.keyword("stream") else { return nil }
            var start = lx.pos
            if start < b.count, b[start] == 0x0D { start += 1 }
            if start < b.count, b[start] == 0x0A { start += 1 }
            return (d, start)
        }
    }

    /// Stream `n`'s dictionary and raw (still encoded) data. The data is `/Length` bytes (direct or an indirect
    /// reference) when `endstream` follows them; else it runs to the next `endstream`, less the end of line before it.
    func rawStream(_ n: Int) -> (dict: [String: PDFObject], raw: ArraySlice<UInt8>)? {
        guard let (dict, start) = streamStart(n) else { return nil }
        if let length = resolve(dict["Length"])?.int, length >= 0, start + length <= bytes.count {
            var i = start + length
            while i < bytes.count, PDFLexer.isSpace(bytes[i]) { i += 1 }
            if bytes[i...].starts(with: "endstream".utf8) { return (dict, bytes[start..<(start + length)]) }
        }
        guard var end = ByteSearch.find(Array("endstream".utf8), in: bytes, from: start) else { return nil }
        if end > start, bytes[end - 1] == 0x0A { end -= 1 }
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        return (dict, bytes[start..<end])
    }

    /// Stream `n` decoded: unfiltered, or FlateDecode without a predictor. Nil for any other filter (or a
    /// predictor), an encrypted file, damaged data or data larger than `limit`.
    func stream(_ n: Int, limit: Int = 64 * 1024 * 1024) -> (dict: [String: PDFObject], data: [UInt8])? {
        guard let (dict, raw) = rawStream(n) else { return nil }
        // (In a stream's dictionary /F names an external file, never a filter: such data is not in this file.)
        if dict["F"] != nil { return nil }
        let filterValue = resolve(dict["Filter"])
        let filters: [String]
        switch filterValue {
        case nil, .null?: filters = []
        case .name(let f)?: filters = [f]
        case .array(let a)?: filters = a.compactMap { resolve($0)?.name }
        default: return nil
        }
        if filters.isEmpty { return raw.count <= limit ? (dict, Array(raw)) : nil }
        guard filters.count == 1, filters[0] == "FlateDecode" || filters[0] == "Fl" else { return nil }
        let parms = resolve(dict["DecodeParms"] ?? dict["DP"])
        let parm = parms?.array.flatMap { $0.first.flatMap { resolve($0) } } ?? parms
        if let predictor = resolve(parm?["Predictor"])?.int, predictor > 1 { return nil }
        guard let data = Zlib.inflate(Array(raw), limit: limit) else { return nil }
        return (dict, data)
    }
}
