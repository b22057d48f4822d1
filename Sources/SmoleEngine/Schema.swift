import Foundation
import SmoleCore

/// The JSON Schema subset the engine understands.
indirect enum FieldKind: Sendable {
    case string(format: String?, enumValues: [String]?)
    case number
    case integer
    case boolean
    case object([Field])
    case array(Field)
}

/// One property of a schema, with its label synonyms.
struct Field: Sendable {
    var name: String
    var kind: FieldKind
    var labels: [String]
    var description: String?

    var isDate: Bool { if case .string(let f, _) = kind, f == "date" { return true } else { return false } }
    var isNumeric: Bool {
        switch kind { case .number, .integer: return true; default: return false }
    }
    /// Labels to search for: the explicit ones, or the field name made readable ("po_number" → "po number").
    var searchLabels: [String] {
        if !labels.isEmpty { return labels }
        return [name.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")]
    }
}

/// A loaded, validated schema.
struct Schema: Sendable {
    var id: String
    var source: String
    var fields: [Field]
    var keywords: [(String, Double)]
    var document: JSONValue
    /// Label search keys of the top-level scalar fields, prepared once: (field, rank, keys, last char is a word char).
    var labelKeys: [(String, Int, [UInt32], Bool)] = []

    static func prepareLabelKeys(_ fields: [Field]) -> [(String, Int, [UInt32], Bool)] {
        fields.filter { f in
            if case .array = f.kind { return false }
            if case .object = f.kind { return false }
            return true
        }.flatMap { f in
            f.searchLabels.enumerated().map { item -> (String, Int, [UInt32], Bool) in
                let l = LabelMatch.normalize(item.element)
                return (f.name, item.offset, LabelMatch.keys(l), l.last?.isWordChar ?? false)
            }
        }
    }

    func field(_ name: String) -> Field? { fields.first { $0.name == name } }

    /// Parses and validates a schema document. `source` names it in errors.
    static func load(id: String, source: String, bytes: [UInt8]) throws(RecordError) -> Schema {
        let doc: JSONValue
        do { doc = try JSON.parse(bytes) } catch {
            throw invalid(source, "not valid JSON: \(error)")
        }
        guard let root = doc.objectValue else { throw invalid(source, "the top level must be a JSON object") }
        if let t = root["type"], t.stringValue != "object" {
            throw invalid(source, "the top-level \"type\" must be \"object\"")
        }
        guard let props = root["properties"]?.objectValue else {
            throw invalid(source, "it has no \"properties\" object")
        }
        if props.isEmpty { throw invalid(source, "\"properties\" is empty") }
        let fields = try parseProperties(props, at: "/properties", source: source)
        var keywords: [(String, Double)] = []
        switch root["x-smole-keywords"] {
        case nil, .null?: break
        case .array(let a)?:
            for (i, k) in a.enumerated() {
                guard let s = k.stringValue, !s.isEmpty else {
                    throw invalid(source, "x-smole-keywords[\(i)] must be a non-empty string")
                }
                keywords.append((s.lowercased(), 1))
            }
        case .object(let o)?:
            for m in o {
                guard let w = m.value.doubleValue, w > 0 else {
                    throw invalid(source, "x-smole-keywords.\(m.key) must be a positive number (a weight)")
                }
                keywords.append((m.key.lowercased(), w))
            }
        default:
            throw invalid(source, "x-smole-keywords must be an array of words or an object of word: weight")
        }
        return Schema(id: id, source: source, fields: fields, keywords: keywords, document: doc, labelKeys: prepareLabelKeys(fields))
    }

    static func invalid(_ source: String, _ problem: String) -> RecordError {
        RecordError(.noSchema, "invalid schema \(source): \(problem)")
    }

    private static func parseProperties(_ props: JSONObject, at pointer: String, source: String) throws(RecordError) -> [Field] {
        var out: [Field] = []
        for m in props {
            guard let o = m.value.objectValue else {
                throw invalid(source, "\(pointer)/\(m.key) must be an object")
            }
            out.append(try parseField(m.key, o, at: "\(pointer)/\(m.key)", source: source))
        }
        return out
    }

    private static func parseField(_ name: String, _ o: JSONObject, at pointer: String, source: String) throws(RecordError) -> Field {
        var labels: [String] = []
        if let l = o["x-smole-labels"], !l.isNull {
            guard let arr = l.arrayValue else { throw invalid(source, "\(pointer)/x-smole-labels must be an array of strings") }
            for (i, v) in arr.enumerated() {
                guard let s = v.stringValue, !s.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw invalid(source, "\(pointer)/x-smole-labels/\(i) must be a non-empty string")
                }
                labels.append(s)
            }
        }
        let description = o["description"]?.stringValue
        var typeName: String
        switch o["type"] {
        case .string(let s)?: typeName = s
        case .array(let a)?:
            // ["string", "null"] style: take the non-null type.
            let names = a.compactMap(\.stringValue).filter { $0 != "null" }
            guard names.count == 1 else { throw invalid(source, "\(pointer)/type must name one type") }
            typeName = names[0]
        case nil:
            if o["properties"] != nil { typeName = "object" }
            else if o["items"] != nil { typeName = "array" }
            else { throw invalid(source, "\(pointer) has no \"type\"") }
        default:
            throw invalid(source, "\(pointer)/type must be a string")
        }
        let kind: FieldKind
        switch typeName {
        case "string":
            var enumValues: [String]? = nil
            if let e = o["enum"] {
                guard let arr = e.arrayValue, !arr.isEmpty else { throw invalid(source, "\(pointer)/enum must be a non-empty array") }
                enumValues = arr.compactMap(\.stringValue)
            }
            let format = o["format"]?.stringValue
            kind = .string(format: format, enumValues: enumValues)
        case "number": kind = .number
        case "integer": kind = .integer
        case "boolean": kind = .boolean
        case "object":
            guard let p = o["properties"]?.objectValue else { throw invalid(source, "\(pointer) is an object without \"properties\"") }
            kind = .object(try parseProperties(p, at: "\(pointer)/properties", source: source))
        case "array":
            guard let items = o["items"]?.objectValue else { throw invalid(source, "\(pointer) is an array without an \"items\" object") }
            kind = .array(try parseField("items", items, at: "\(pointer)/items", source: source))
        default:
            throw invalid(source, "\(pointer)/type \"\(typeName)\" is not supported (use object, array, string, number, integer or boolean)")
        }
        return Field(name: name, kind: kind, labels: labels, description: description)
    }
}

/// The built-in and user schemas.
struct SchemaRegistry: Sendable {
    var schemas: [String: Schema] = [:]

    static let builtinIDs = ["invoice", "receipt", "contract"]

    static func load(dirs: [String]) throws(RecordError) -> SchemaRegistry {
        var reg = SchemaRegistry()
        for id in builtinIDs {
            guard let bytes = builtinBytes(id) else {
                throw RecordError(.engineFailed, "the built-in schema \(id).json is not built in")
            }
            reg.schemas[id] = try Schema.load(id: id, source: "built-in \(id).json", bytes: bytes)
        }
        for dir in dirs {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw RecordError(.noSchema, "schema folder \(dir) does not exist or is not a folder")
            }
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
            for name in names {
                let path = (dir as NSString).appendingPathComponent(name)
                let id = String(name.dropLast(5))
                reg.schemas[id] = try loadFile(path, id: id)
            }
        }
        return reg
    }

    static func loadFile(_ path: String, id: String? = nil) throws(RecordError) -> Schema {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RecordError(.noSchema, "schema file \(path) cannot be read")
        }
        let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return try Schema.load(id: id ?? base, source: path, bytes: [UInt8](data))
    }

    static func builtinBytes(_ id: String) -> [UInt8]? {
        BuiltinSchemas.json(id).map { Array($0.utf8) }
    }
}
