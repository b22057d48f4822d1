import SmoleRecords

/// A `multipart/form-data` body that could not be parsed (RFC 7578 / RFC 2046).
public struct MultipartError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the body, for the 400 problem reply.
    public var message: String
    /// An error with this message.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// The headers of one part, as far as a form upload needs them.
public struct MultipartPartHead: Sendable, Equatable {
    /// `name` from `Content-Disposition: form-data; name="..."`.
    public var name: String?
    /// `filename` from the same header, when the part is a file.
    public var filename: String?
    /// The part's `Content-Type` value, if it has one.
    public var contentType: String?
    /// Every header line, lower-cased names, in order.
    public var headers: [(String, String)]

    /// Equal when every field and every header (name and value, in order) is equal.
    public static func == (a: Self, b: Self) -> Bool {
        a.name == b.name && a.filename == b.filename && a.contentType == b.contentType
            && a.headers.map { $0.0 } == b.headers.map { $0.0 } && a.headers.map { $0.1 } == b.headers.map { $0.1 }
    }
}

/// What the parser reports while bytes arrive.
public enum MultipartEvent {
    case partStart(MultipartPartHead)
    /// Bytes of the current part's body, in order; valid only during the call.
    case partData(UnsafeRawBufferPointer)
    case partEnd
}

/// An incremental `multipart/form-data` parser: bytes go in as they arrive, in chunks of
/// any size (a boundary may be split across chunks anywhere), and part bodies come out as
/// they are recognised. Memory stays bounded by the boundary length and the header limit,
/// never by the size of a part, so a large file streams straight through to disk.
public struct MultipartParser {
    private enum State { case preamble, afterDelimiter, headers, body, epilogue }

    /// `CRLF--boundary`: every boundary line, including the first, is matched as this.
    private let delimiter: [UInt8]
    private var state = State.preamble
    private var buffer: [UInt8]
    private var pos = 0
    /// The most bytes a part's header block may take (16 KiB); a larger one is an error.
    public var maxHeaderBytes = 16 * 1024
    /// How many parts have started so far.
    public private(set) var partCount = 0

    /// A parser for a body delimited by `boundary` (the Content-Type's parameter, without the leading `--`).
    ///
    /// - Throws: `MultipartError` when the boundary is not 1 to 70 characters long (RFC 2046 §5.1.1).
    public init(boundary: String) throws(MultipartError) {
        let b = Array(boundary.utf8)
        guard (1...70).contains(b.count) else {
            throw MultipartError("the multipart boundary must be 1 to 70 characters")
        }
        delimiter = Array("\r\n--".utf8) + b
        // A body normally opens with "--boundary" and no CRLF before it; a virtual CRLF lets
        // one delimiter pattern match the first boundary too.
        buffer = [13, 10]
    }

    /// The boundary parameter of a `multipart/form-data` Content-Type, or nil.
    public static func boundary(contentType: String) -> String? {
        let parts = contentType.split(separator: ";", omittingEmptySubsequences: true)
        guard let first = parts.first,
            first.smTrim(" \t").lowercased() == "multipart/form-data"
        else { return nil }
        for p in parts.dropFirst() {
            let kv = p.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].smTrim(" \t").lowercased() == "boundary" else { continue }
            var v = kv[1].smTrim(" \t")
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return v.isEmpty ? nil : v
        }
        return nil
    }

    /// True once the closing boundary (`--boundary--`) has been read.
    public var isComplete: Bool { state == .epilogue }

    /// Feeds the next chunk of the body; `handle` receives the events it completes, in order.
    ///
    /// - Throws: `MultipartError` for a malformed body (a header block over `maxHeaderBytes`, a boundary line
    ///   followed by too much padding or not by CRLF), or whatever `handle` throws.
    public mutating func feed(
        _ chunk: UnsafeRawBufferPointer, _ handle: (MultipartEvent) throws -> Void
    ) throws {
        if state == .epilogue { return }
        buffer.append(contentsOf: chunk)
        try process(handle)
        if pos > 0 {
            buffer.removeSubrange(0..<pos)
            pos = 0
        }
    }

    /// Feeds the next chunk of the body from an array, as the buffer form does.
    ///
    /// - Throws: `MultipartError` for a malformed body, or whatever `handle` throws.
    public mutating func feed(_ bytes: [UInt8], _ handle: (MultipartEvent) throws -> Void) throws {
        try bytes.withUnsafeBytes { try feed($0, handle) }
    }

    /// Call at the end of the body: a body that stops before its closing boundary is an error.
    ///
    /// - Throws: `MultipartError` when no boundary line was seen, or the body ended before `--boundary--`.
    public func finish() throws(MultipartError) {
        switch state {
        case .epilogue: return
        case .preamble: throw MultipartError("the body holds no multipart boundary line")
        case .body, .headers, .afterDelimiter:
            throw MultipartError("the multipart body ended before its closing boundary")
        }
    }

    private mutating func process(_ handle: (MultipartEvent) throws -> Void) throws {
        while true {
            switch state {
            case .epilogue:
                pos = buffer.count
                return
            case .preamble:
                if let i = find(delimiter, from: pos) {
                    pos = i + delimiter.count
                    state = .afterDelimiter
                } else {
                    pos = max(pos, buffer.count - (delimiter.count - 1))
                    return
                }
            case .afterDelimiter:
                // "--" closes the body; otherwise optional transport padding, then CRLF.
                var i = pos
                guard i + 1 < buffer.count else { return }
                if buffer[i] == 0x2D, buffer[i + 1] == 0x2D {
                    state = .epilogue
                    continue
                }
                while i < buffer.count, buffer[i] == 0x20 || buffer[i] == 0x09 { i += 1 }
                guard i + 1 < buffer.count else {
                    if i - pos > 256 {
                        throw MultipartError("a multipart boundary line is followed by too much padding")
                    }
                    return
                }
                guard buffer[i] == 13, buffer[i + 1] == 10 else {
                    throw MultipartError("a multipart boundary line is not followed by CRLF")
                }
                pos = i + 2
                state = .headers
            case .headers:
                let head: MultipartPartHead
                if buffer.count - pos >= 2, buffer[pos] == 13, buffer[pos + 1] == 10 {
                    head = MultipartPartHead(name: nil, filename: nil, contentType: nil, headers: [])
                    pos += 2
                } else if let end = find([13, 10, 13, 10], from: pos) {
                    guard end - pos <= maxHeaderBytes else {
                        throw MultipartError("a part's headers are over \(maxHeaderBytes) bytes")
                    }
                    head = try Self.parseHead(buffer[pos..<end])
                    pos = end + 4
                } else {
                    if buffer.count - pos > maxHeaderBytes {
                        throw MultipartError("a part's headers are over \(maxHeaderBytes) bytes")
                    }
                    return
                }
                partCount += 1
                state = .body
                try handle(.partStart(head))
            case .body:
                if let i = find(delimiter, from: pos) {
                    if i > pos { try emit(pos, i, handle) }
                    pos = i + delimiter.count
                    state = .afterDelimiter
                    try handle(.partEnd)
                } else {
                    // Keep back what could be the start of a delimiter split across chunks.
                    let safe = buffer.count - (delimiter.count - 1)
                    if safe > pos {
                        try emit(pos, safe, handle)
                        pos = safe
                    }
                    return
                }
            }
        }
    }

    private func emit(_ from: Int, _ to: Int, _ handle: (MultipartEvent) throws -> Void) throws {
        try buffer.withUnsafeBytes { raw in
            try handle(.partData(UnsafeRawBufferPointer(rebasing: raw[from..<to])))
        }
    }

    /// The first index at or after `from` where `needle` occurs in the buffer.
    private func find(_ needle: [UInt8], from: Int) -> Int? {
        let n = needle.count
        guard buffer.count - from >= n else { return nil }
        return buffer.withUnsafeBytes { hay -> Int? in
            needle.withUnsafeBytes { nd -> Int? in
                let base = hay.baseAddress!
                let first = nd[0]
                var i = from
                let last = hay.count - n
                while i <= last {
                    guard let p = memchr(base + i, Int32(first), last - i + 1) else { return nil }
                    let j = base.distance(to: UnsafeRawPointer(p))
                    if memcmp(base + j, nd.baseAddress!, n) == 0 { return j }
                    i = j + 1
                }
                return nil
            }
        }
    }

    static func parseHead(_ bytes: ArraySlice<UInt8>) throws(MultipartError) -> MultipartPartHead {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw MultipartError("a part's headers are not valid UTF-8")
        }
        var head = MultipartPartHead(name: nil, filename: nil, contentType: nil, headers: [])
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else {
                throw MultipartError("a part's header line has no colon: \(line.prefix(80))")
            }
            let name = line[..<colon].smTrim(" \t").lowercased()
            let value = line[line.index(after: colon)...].smTrim(" \t")
            head.headers.append((name, value))
            switch name {
            case "content-disposition":
                let params = parseParameters(value)
                head.name = params["name"]
                head.filename = params["filename"]
            case "content-type":
                head.contentType = value
            default: break
            }
        }
        return head
    }

    /// Parameters of a header value like `form-data; name="file"; filename="a \"b\".pdf"`.
    static func parseParameters(_ value: String) -> [String: String] {
        var out: [String: String] = [:]
        let chars = Array(value.unicodeScalars)
        var i = 0
        // skip the disposition type
        while i < chars.count, chars[i] != ";" { i += 1 }
        while i < chars.count {
            i += 1  // past ';'
            while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 }
            var key = ""
            while i < chars.count, chars[i] != "=", chars[i] != ";" { key.unicodeScalars.append(chars[i]); i += 1 }
            key = key.smTrim(" \t").lowercased()
            guard i < chars.count, chars[i] == "=" else { continue }
            i += 1
            while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 }
            var val = ""
            if i < chars.count, chars[i] == "\"" {
                i += 1
                while i < chars.count, chars[i] != "\"" {
                    if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                    val.unicodeScalars.append(chars[i])
                    i += 1
                }
                i += 1  // closing quote
                while i < chars.count, chars[i] != ";" { i += 1 }
            } else {
                while i < chars.count, chars[i] != ";" { val.unicodeScalars.append(chars[i]); i += 1 }
                val = val.smTrim(" \t")
            }
            if !key.isEmpty, out[key] == nil { out[key] = val }
        }
        return out
    }
}

extension StringProtocol {
    func smTrim(_ set: String) -> String {
        let s = Set(set.unicodeScalars)
        var scalars = Substring(self).unicodeScalars[...]
        while let f = scalars.first, s.contains(f) { scalars = scalars.dropFirst() }
        while let l = scalars.last, s.contains(l) { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
