// An order-preserving JSON value with number literals kept as written, so that
// fields a tool does not own pass through with their values unaltered.

/// One JSON value (RFC 8259). Objects keep member order and numbers keep their literal text, so a record read and
/// written again is unchanged.
public enum JSONValue: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    /// The number literal exactly as it appeared (or as formatted when built from a Swift number).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A number from a Double, formatted as `fromDouble` does.
    public init(_ d: Double) { self = JSONValue.fromDouble(d) }
    /// A number from an integer.
    public init(_ i: Int) { self = .number(String(i)) }
    /// A string.
    public init(_ s: String) { self = .string(s) }
    /// A boolean.
    public init(_ b: Bool) { self = .bool(b) }

    /// A number from a Double: integral values below 10^15 are written without a fraction (`3`, not `3.0`); others use
    /// Swift's shortest round-trip form.
    ///
    /// - Returns: `.null` for NaN and infinities, which JSON cannot write.
    public static func fromDouble(_ d: Double) -> JSONValue {
        guard d.isFinite else { return .null }
        if d == d.rounded(), abs(d) < 1e15 { return .number(String(Int64(d))) }
        return .number("\(d)")
    }

    /// Whether the value is JSON `null`.
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The string, or nil when the value is not a string.
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    /// The boolean, or nil when the value is not `true` or `false`.
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    /// The object, or nil when the value is not an object.
    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }
    /// The elements, or nil when the value is not an array.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    /// The number's literal text as written, or nil when the value is not a number.
    public var numberLiteral: String? { if case .number(let n) = self { return n } else { return nil } }
    /// The number as a Double, or nil when the value is not a number.
    public var doubleValue: Double? {
        if case .number(let n) = self { return Double(n) }
        return nil
    }
    /// The number as an Int when it is integral (`3` or `3.0`, below 9×10^18 in magnitude); nil for a fraction or a
    /// non-number.
    public var intValue: Int? {
        guard case .number(let n) = self else { return nil }
        if let i = Int(n) { return i }
        if let d = Double(n), d == d.rounded(), abs(d) < 9e18 { return Int(d) }
        return nil
    }

    /// The member `key` of an object (the last one when a key repeats); nil for a missing key or a non-object.
    public subscript(key: String) -> JSONValue? {
        get { objectValue?[key] }
    }
}

/// A JSON object that keeps its keys in order. Lookups return the last value for a key.
public struct JSONObject: Sendable, Equatable, Hashable, Sequence {
    /// One key and its value, in the order the object holds them.
    public struct Member: Sendable, Equatable, Hashable {
        /// The member's name.
        public var key: String
        /// The member's value.
        public var value: JSONValue
        /// A member from its key and value.
        public init(key: String, value: JSONValue) { self.key = key; self.value = value }
    }
    /// The members in order; a key may repeat in parsed input (lookups then see the last one).
    public var members: [Member]

    /// An empty object.
    public init() { members = [] }
    /// An object with these members in order (repeated keys are kept as given).
    public init(_ pairs: [(String, JSONValue)]) { members = pairs.map { Member(key: $0.0, value: $0.1) } }
    /// An object with these members in order.
    public init(members: [Member]) { self.members = members }

    /// The keys in member order, repeats included.
    public var keys: [String] { members.map(\.key) }
    /// The number of members, repeats included.
    public var count: Int { members.count }
    /// Whether the object has no member.
    public var isEmpty: Bool { members.isEmpty }

    /// Iterates the members in order.
    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }

    /// Setting `nil` removes the key; setting a value replaces it in place, or appends it.
    public subscript(key: String) -> JSONValue? {
        get {
            var i = members.count - 1
            while i >= 0 {
                if members[i].key == key { return members[i].value }
                i -= 1
            }
            return nil
        }
        set {
            guard let newValue else {
                members.removeAll { $0.key == key }
                return
            }
            if let first = members.firstIndex(where: { $0.key == key }) {
                members[first].value = newValue
                var j = members.count - 1
                while j > first {
                    if members[j].key == key { members.remove(at: j) }
                    j -= 1
                }
            } else {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// Whether any member has this key.
    public func contains(_ key: String) -> Bool { members.contains { $0.key == key } }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// A string literal is a JSON string.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer literal is a JSON number.
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    /// A float literal is a JSON number, formatted as `fromDouble` does.
    public init(floatLiteral value: Double) { self = JSONValue.fromDouble(value) }
    /// A boolean literal is a JSON boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// `nil` is JSON `null`.
    public init(nilLiteral: ()) { self = .null }
    /// An array literal is a JSON array.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A dictionary literal is a JSON object with its members in the literal's order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
}

// MARK: - Parsing

/// Why a JSON text did not parse, and where.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    /// The 0-based byte offset at which parsing failed.
    public var offset: Int
    /// What was wrong, such as "invalid UTF-8" or "unexpected character".
    public var reason: String
    /// `reason at byte N`, with N 1-based.
    public var description: String { "\(reason) at byte \(offset + 1)" }
}

/// The JSON reader and writer (RFC 8259) the records use: one text in, one compact line out.
public enum JSON {
    /// Parses one JSON text. Rejects invalid UTF-8, trailing garbage and nesting deeper than 512.
    ///
    /// - Throws: `JSONParseError` with the 0-based byte offset where the text stopped being valid JSON.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { buf throws(JSONParseError) -> JSONValue in
            var p = Parser(buf: buf)
            return try p.parseDocument()
        }
    }

    /// Parses one JSON text from a string's UTF-8, with the same rules as `parse(_:)` on bytes.
    ///
    /// - Throws: `JSONParseError` with the failing byte offset.
    public static func parse(_ string: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(string.utf8))
    }

    /// Serializes compactly, in member order, with non-ASCII left as UTF-8.
    public static func serialize(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Serializes compactly, as `serialize` does, to UTF-8 bytes (no trailing newline).
    public static func serializeBytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out)
        return out
    }

    /// Appends the value's compact serialization to `out`.
    public static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
        case .number(let n): out.append(contentsOf: n.utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(v, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for (i, m) in o.members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(m.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(m.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `s` as a JSON string literal: `"` and `\` escaped, `\n`, `\r`, `\t` short, other control bytes and DEL
    /// as `\u00XX`, everything else as UTF-8.
    public static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(c)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(c)
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0x00..<0x20, 0x7F:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                out.append(hex[Int(c >> 4)])
                out.append(hex[Int(c & 0xF)])
            default: out.append(c)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Pretty-prints with two-space indentation (for humans; records use `serialize`).
    public static func pretty(_ value: JSONValue, indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent)
        let pad1 = String(repeating: "  ", count: indent + 1)
        switch value {
        case .array(let a) where !a.isEmpty:
            return "[\n" + a.map { pad1 + pretty($0, indent: indent + 1) }.joined(separator: ",\n") + "\n" + pad + "]"
        case .object(let o) where !o.isEmpty:
            return "{\n"
                + o.members.map { pad1 + serialize(.string($0.key)) + ": " + pretty($0.value, indent: indent + 1) }
                .joined(separator: ",\n") + "\n" + pad + "}"
        default:
            return serialize(value)
        }
    }
}

struct Parser {
    let buf: UnsafeBufferPointer<UInt8>
    var i = 0
    var depth = 0

    init(buf: UnsafeBufferPointer<UInt8>) { self.buf = buf }

    func fail(_ reason: String) -> JSONParseError { JSONParseError(offset: i, reason: reason) }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        // Validate UTF-8 once, so string slices can be decoded without repair.
        if String(validating: buf, as: UTF8.self) == nil {
            throw JSONParseError(offset: 0, reason: "invalid UTF-8")
        }
        skipWS()
        let v = try parseValue()
        skipWS()
        if i != buf.count { throw fail("unexpected trailing characters") }
        return v
    }

    @inline(__always) mutating func skipWS() {
        while i < buf.count {
            let c = buf[i]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 } else { break }
        }
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard i < buf.count else { throw fail("unexpected end of input") }
        switch buf[i] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("unexpected character")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        guard i + n <= buf.count else { throw fail("unexpected end of input") }
        let p = word.utf8Start
        for k in 0..<n where buf[i + k] != p[k] { throw fail("invalid literal") }
        i += n
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        depth += 1
        if depth > 512 { throw fail("nesting too deep") }
        defer { depth -= 1 }
        i += 1
        var members: [JSONObject.Member] = []
        skipWS()
        if i < buf.count, buf[i] == UInt8(ascii: "}") { i += 1; return .object(JSONObject(members: members)) }
        while true {
            skipWS()
            guard i < buf.count, buf[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let key = try parseString()
            skipWS()
            guard i < buf.count, buf[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            i += 1
            skipWS()
            let v = try parseValue()
            members.append(JSONObject.Member(key: key, value: v))
            skipWS()
            guard i < buf.count else { throw fail("unterminated object") }
            if buf[i] == UInt8(ascii: ",") { i += 1; continue }
            if buf[i] == UInt8(ascii: "}") { i += 1; break }
            throw fail("expected ',' or '}'")
        }
        return .object(JSONObject(members: members))
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        depth += 1
        if depth > 512 { throw fail("nesting too deep") }
        defer { depth -= 1 }
        i += 1
        var items: [JSONValue] = []
        skipWS()
        if i < buf.count, buf[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            skipWS()
            items.append(try parseValue())
            skipWS()
            guard i < buf.count else { throw fail("unterminated array") }
            if buf[i] == UInt8(ascii: ",") { i += 1; continue }
            if buf[i] == UInt8(ascii: "]") { i += 1; break }
            throw fail("expected ',' or ']'")
        }
        return .array(items)
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = i
        if buf[i] == UInt8(ascii: "-") { i += 1 }
        guard i < buf.count else { throw fail("invalid number") }
        if buf[i] == UInt8(ascii: "0") {
            i += 1
        } else if isDigit(buf[i]) {
            while i < buf.count, isDigit(buf[i]) { i += 1 }
        } else {
            throw fail("invalid number")
        }
        if i < buf.count, buf[i] == UInt8(ascii: ".") {
            i += 1
            guard i < buf.count, isDigit(buf[i]) else { throw fail("invalid number") }
            while i < buf.count, isDigit(buf[i]) { i += 1 }
        }
        if i < buf.count, buf[i] == UInt8(ascii: "e") || buf[i] == UInt8(ascii: "E") {
            i += 1
            if i < buf.count, buf[i] == UInt8(ascii: "+") || buf[i] == UInt8(ascii: "-") { i += 1 }
            guard i < buf.count, isDigit(buf[i]) else { throw fail("invalid number") }
            while i < buf.count, isDigit(buf[i]) { i += 1 }
        }
        return .number(String(decoding: UnsafeBufferPointer(rebasing: buf[start..<i]), as: UTF8.self))
    }

    @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    mutating func parseString() throws(JSONParseError) -> String {
        i += 1  // opening quote
        let start = i
        // Fast path: no escapes.
        while i < buf.count {
            let c = buf[i]
            if c == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<i]), as: UTF8.self)
                i += 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw fail("control character in string") }
            i += 1
        }
        var bytes = Array(UnsafeBufferPointer(rebasing: buf[start..<i]))
        while i < buf.count {
            let c = buf[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: bytes, as: UTF8.self)
            }
            if c < 0x20 { throw fail("control character in string") }
            if c == UInt8(ascii: "\\") {
                i += 1
                guard i < buf.count else { break }
                let e = buf[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5C)
                case UInt8(ascii: "/"): bytes.append(0x2F)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        // High surrogate: expect a low one.
                        if i + 1 < buf.count, buf[i] == UInt8(ascii: "\\"), buf[i + 1] == UInt8(ascii: "u") {
                            i += 2
                            let low = try hex4()
                            guard low >= 0xDC00 && low < 0xE000 else { throw fail("invalid surrogate pair") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            throw fail("lone surrogate")
                        }
                    } else if scalar >= 0xDC00 && scalar < 0xE000 {
                        throw fail("lone surrogate")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw fail("invalid escape") }
                    bytes.append(contentsOf: Array(String(Character(u)).utf8))
                default:
                    throw fail("invalid escape")
                }
                continue
            }
            bytes.append(c)
            i += 1
        }
        throw fail("unterminated string")
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard i + 4 <= buf.count else { throw fail("invalid \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = buf[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw fail("invalid \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }
}
