/// Field access on an NDJSON record (a JSON object), following DESIGN.md's record contract.
public struct Record: Sendable, Equatable {
    public var object: JSONObject

    public init(_ object: JSONObject = JSONObject()) { self.object = object }

    public init(path: String) {
        object = JSONObject()
        object["path"] = .string(path)
    }

    public subscript(key: String) -> JSONValue? {
        get { object[key] }
        set { object[key] = newValue }
    }

    public var path: String? { object["path"]?.stringValue }
    public var schema: String? { object["schema"]?.stringValue }
    public var status: String? { object["status"]?.stringValue }
    public var isOK: Bool { status == "ok" }
    public var isError: Bool {
        status == "error" || (status == nil && object["error"] != nil && object["error"] != .null)
    }
    public var error: RecordError? { RecordError(json: object["error"]) }
    public var data: JSONValue? { object["data"] }
    public var attempts: Int { object["attempts"]?.intValue ?? 0 }
    public var sha256: String? { object["sha256"]?.stringValue }

    /// The key a results stream is folded by (`DocumentKey`: the canonical form of `path`, a
    /// string or `{"bytes": base64}`); nil when the record has no usable path.
    public var key: DocumentKey? { documentPath?.key }

    public func serialized() -> String { JSON.serialize(.object(object)) }
    public func serializedLine() -> [UInt8] {
        var out = JSON.serializeBytes(.object(object))
        out.append(0x0A)
        return out
    }

    /// Marks this record as an error record with the given error; keeps every other field.
    public mutating func setError(_ e: RecordError) {
        object["status"] = .string("error")
        object["error"] = e.json
    }

    /// A `bad_record` error record that keeps the raw text of the line.
    public static func badRecord(raw: String, message: String, source: String, line: Int) -> Record {
        var r = Record()
        r["status"] = .string("error")
        r["error"] = RecordError(.badRecord, "\(message) (at \(source):\(line))").json
        r["raw"] = .string(raw)
        r["source"] = .string(source)
        r["line"] = .number(String(line))
        return r
    }
}
