/// Field access on an NDJSON record (a JSON object), following DESIGN.md's record contract.
public struct Record: Sendable, Equatable {
    /// The record's fields in order; fields a tool does not own are carried along unchanged.
    public var object: JSONObject

    /// A record over an existing object (an empty one by default).
    public init(_ object: JSONObject = JSONObject()) { self.object = object }

    /// An input record `{"path": path}`.
    public init(path: String) {
        object = JSONObject()
        object["path"] = .string(path)
    }

    /// The field `key`; setting nil removes it, setting a value replaces it in place or appends it.
    public subscript(key: String) -> JSONValue? {
        get { object[key] }
        set { object[key] = newValue }
    }

    /// The `path` field when it is a string (a `{"bytes": base64}` path gives nil; see `documentPath`).
    public var path: String? { object["path"]?.stringValue }
    /// The `schema` field: the id of the schema to extract with, as smole-route assigns it.
    public var schema: String? { object["schema"]?.stringValue }
    /// The `status` field: `"ok"` or `"error"` on results, absent on input records.
    public var status: String? { object["status"]?.stringValue }
    /// Whether `status` is `"ok"`.
    public var isOK: Bool { status == "ok" }
    /// Whether the record is an error: `status` is `"error"`, or there is no `status` but a non-null `error` object.
    public var isError: Bool {
        status == "error" || (status == nil && object["error"] != nil && object["error"] != .null)
    }
    /// The `error` object read as a `RecordError`; nil when absent or its code is not an `ErrorCode`.
    public var error: RecordError? { RecordError(json: object["error"]) }
    /// The `data` field: the extracted fields of an ok result, shaped by the schema.
    public var data: JSONValue? { object["data"] }
    /// The `attempts` field: how many times the document was run; 0 when absent.
    public var attempts: Int { object["attempts"]?.intValue ?? 0 }
    /// The `sha256` field: the file's SHA-256 as 64 lower-case hex digits, as smole-ls writes it.
    public var sha256: String? { object["sha256"]?.stringValue }

    /// The key a results stream is folded by (`DocumentKey`: the canonical form of `path`, a
    /// string or `{"bytes": base64}`); nil when the record has no usable path.
    public var key: DocumentKey? { documentPath?.key }

    /// The record as one compact JSON line, without the newline.
    public func serialized() -> String { JSON.serialize(.object(object)) }
    /// The record as one NDJSON line: compact UTF-8 JSON followed by `\n`.
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
