import Foundation
import SmoleRecords

// Schemas: the JSON Schema subset the engine reads, each field with its role (`x-smole-role` or by name,
// `Lexicon/roles.json`) and its labels (its own `x-smole-labels`, then the lexicon's for its role).

/// The JSON Schema subset the engine understands.
indirect enum FieldKind: Sendable {
    case string(format: String?, enumValues: [String]?)
    case number
    case integer
    case boolean
    case object([Field])
    case array(Field)
}

/// One property of a schema, with its role and label synonyms.
struct Field: Sendable {
    var name: String
    var kind: FieldKind
    var labels: [String]
    var description: String?
    /// What the field means (`x-smole-role`, else the default for its name); nil for a field of the user's own kind.
    var role: Role? = nil
    /// The labels searched for, with their rank (0 = most specific): the schema's own `x-smole-labels` first, then
    /// the lexicon's labels for the field's role in every language; the field name made readable when there are none.
    var rankedLabels: [(label: String, rank: Int)] = []

    var isDate: Bool { if case .string(let f, _) = kind, f == "date" { return true } else { return false } }
    var isNumeric: Bool {
        switch kind {
        case .number, .integer: return true;
        default: return false
        }
    }
    /// Labels to search for, most specific first.
    var searchLabels: [String] { rankedLabels.map(\.label) }

    /// Sets `role` and `rankedLabels`: the schema's labels (their rank is their position), the lexicon's labels for
    /// the role not already among them, or else the field name made readable ("po_number" → "po number").
    mutating func resolveRole(explicit: Role?, inItem: Bool) {
        role = explicit ?? Lexicon.defaultRole(forField: name, inItem: inItem)
        var ranked = labels.enumerated().map { (label: $0.element, rank: $0.offset) }
        var seen = Set(labels.map { $0.lowercased() })
        if let role {
            for (l, r) in Lexicon.rankedLabels[role] ?? [] where seen.insert(l.lowercased()).inserted {
                ranked.append((l, r))
            }
        }
        if ranked.isEmpty {
            ranked = [(name.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " "), 0)]
        }
        rankedLabels = ranked
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
    /// Indexes into `labelKeys` by the label's first key.
    var labelsByFirst: [UInt32: [Int]] = [:]

    static func labelsByFirstKey(_ keys: [(String, Int, [UInt32], Bool)]) -> [UInt32: [Int]] {
        var byFirst: [UInt32: [Int]] = [:]
        for (k, p) in keys.enumerated() where !p.2.isEmpty { byFirst[p.2[0], default: []].append(k) }
        return byFirst
    }

    static func prepareLabelKeys(_ fields: [Field]) -> [(String, Int, [UInt32], Bool)] {
        fields.filter { f in
            if case .array = f.kind { return false }
            if case .object = f.kind { return false }
            return true
        }.flatMap { f in
            f.rankedLabels.map { item -> (String, Int, [UInt32], Bool) in
                let l = LabelMatch.normalize(item.label)
                return (f.name, item.rank, LabelMatch.keys(l), l.last?.isWordChar ?? false)
            }
        }
    }

    func field(_ name: String) -> Field? { fields.first { $0.name == name } }
    /// The top-level field with `role`, if the schema has one.
    func field(_ role: Role) -> Field? { fields.first { $0.role == role } }
    /// Stop words by field name: words after a label that give it another meaning (see `Lexicon.stopWords`).
    var stopWords: [String: Set<String>] = [:]

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
        try checkRequired(root, props: props, at: "", source: source)
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
        var schema = Schema(
            id: id, source: source, fields: fields, keywords: keywords, document: doc,
            labelKeys: prepareLabelKeys(fields))
        for f in fields { if let r = f.role, let w = Lexicon.stopWords[r] { schema.stopWords[f.name] = w } }
        schema.labelsByFirst = labelsByFirstKey(schema.labelKeys)
        return schema
    }

    /// JSON Schema's `required` (an array of property names) must name properties of its object, here and in every
    /// nested object and array item, so a typo cannot silently require nothing.
    private static func checkRequired(_ o: JSONObject, props: JSONObject?, at pointer: String, source: String)
        throws(RecordError)
    {
        if let r = o["required"], !r.isNull {
            guard let names = r.arrayValue else {
                throw invalid(source, "\(pointer)/required must be an array of property names")
            }
            for (i, n) in names.enumerated() {
                guard let name = n.stringValue else {
                    throw invalid(source, "\(pointer)/required/\(i) must be a string")
                }
                guard props?[name] != nil else {
                    throw invalid(source, "\(pointer)/required/\(i): \"\(name)\" is not one of the properties")
                }
            }
        }
        for m in props ?? JSONObject() {
            guard let child = m.value.objectValue else { continue }
            let here = "\(pointer)/properties/\(m.key)"
            if let p = child["properties"]?.objectValue { try checkRequired(child, props: p, at: here, source: source) }
            if let items = child["items"]?.objectValue, let p = items["properties"]?.objectValue {
                try checkRequired(items, props: p, at: here + "/items", source: source)
            }
        }
    }

    static func invalid(_ source: String, _ problem: String) -> RecordError {
        RecordError(.noSchema, "invalid schema \(source): \(problem)")
    }

    private static func parseProperties(_ props: JSONObject, at pointer: String, source: String, inItem: Bool = false)
        throws(RecordError) -> [Field]
    {
        var out: [Field] = []
        for m in props {
            guard let o = m.value.objectValue else {
                throw invalid(source, "\(pointer)/\(m.key) must be an object")
            }
            out.append(try parseField(m.key, o, at: "\(pointer)/\(m.key)", source: source, inItem: inItem))
        }
        return out
    }

    private static func parseField(
        _ name: String, _ o: JSONObject, at pointer: String, source: String, inItem: Bool = false
    ) throws(RecordError) -> Field {
        var labels: [String] = []
        if let l = o["x-smole-labels"], !l.isNull {
            guard let arr = l.arrayValue else {
                throw invalid(source, "\(pointer)/x-smole-labels must be an array of strings")
            }
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
            if o["properties"] != nil {
                typeName = "object"
            } else if o["items"] != nil {
                typeName = "array"
            } else {
                throw invalid(source, "\(pointer) has no \"type\"")
            }
        default:
            throw invalid(source, "\(pointer)/type must be a string")
        }
        let kind: FieldKind
        switch typeName {
        case "string":
            var enumValues: [String]? = nil
            if let e = o["enum"] {
                guard let arr = e.arrayValue, !arr.isEmpty else {
                    throw invalid(source, "\(pointer)/enum must be a non-empty array")
                }
                enumValues = arr.compactMap(\.stringValue)
            }
            let format = o["format"]?.stringValue
            kind = .string(format: format, enumValues: enumValues)
        case "number": kind = .number
        case "integer": kind = .integer
        case "boolean": kind = .boolean
        case "object":
            guard let p = o["properties"]?.objectValue else {
                throw invalid(source, "\(pointer) is an object without \"properties\"")
            }
            kind = .object(try parseProperties(p, at: "\(pointer)/properties", source: source, inItem: inItem))
        case "array":
            guard let items = o["items"]?.objectValue else {
                throw invalid(source, "\(pointer) is an array without an \"items\" object")
            }
            kind = .array(try parseField("items", items, at: "\(pointer)/items", source: source, inItem: true))
        default:
            throw invalid(
                source,
                "\(pointer)/type \"\(typeName)\" is not supported (use object, array, string, number, integer or boolean)"
            )
        }
        var explicit: Role? = nil
        if let r = o["x-smole-role"], !r.isNull {
            guard let s = r.stringValue, let role = Role(rawValue: s) else {
                let known = Role.allCases.map(\.rawValue).joined(separator: ", ")
                throw invalid(source, "\(pointer)/x-smole-role must be one of \(known)")
            }
            explicit = role
        }
        var field = Field(name: name, kind: kind, labels: labels, description: description)
        field.resolveRole(explicit: explicit, inItem: inItem)
        return field
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
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter {
                $0.hasSuffix(".json")
            }.sorted()
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
        var bytes = [UInt8](data)
        // A UTF-8 byte-order mark (editors on Windows write one) is not part of the JSON (RFC 8259 §8.1 lets a
        // parser ignore it).
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return try Schema.load(id: id ?? base, source: path, bytes: bytes)
    }

    static func builtinBytes(_ id: String) -> [UInt8]? {
        BuiltinSchemas.bytes(id)
    }
}
