import SmoleRecords

// Flattening of a record's `data` into named columns, shared by smole-csv (and its tests).
//
// Rules (man/smole-csv.1):
// - nested object keys are joined with `.`: {"a":{"b":1}} gives column `a.b`;
// - an empty object gives no column;
// - an array of scalars is one cell, its items joined with `; ` (null items are empty);
// - an array holding an object or an array is one cell of JSON text, unless it is the
//   `--rows` field, which is exploded into one row per item (item keys as `FIELD.key`);
// - top-level data keys that would collide with the record's own columns (`path`, `schema`,
//   `status`, `error`, `error.code`, `error.message`, `review`, `review.needed`, `review.reasons`) are prefixed with
//   `data.`.

/// The record-level columns that come before the data columns.
public enum MetaColumn: Int32, CaseIterable, Sendable {
    case path = 0, schema, status, errorCode, errorMessage, reviewNeeded, reviewReasons

    /// The column's header name (`error.code`, `review.needed`, ...).
    public var name: String {
        switch self {
        case .path: "path"
        case .schema: "schema"
        case .status: "status"
        case .errorCode: "error.code"
        case .errorMessage: "error.message"
        case .reviewNeeded: "review.needed"
        case .reviewReasons: "review.reasons"
        }
    }
}

/// A tree of the key paths seen so far. Each node that has held a value owns a column id;
/// looking up a child costs one dictionary probe on the key string the parser already made,
/// so no column name is built per cell.
public final class ColumnTree {
    struct Node {
        var children: [String: Int32] = [:]
        var column: Int32 = -1
        var name: String
    }

    private var nodes: [Node] = []
    /// Column names by column id (meta columns first).
    public private(set) var names: [String] = []
    private var byName: [String: Int32] = [:]
    /// Called when a new column id is assigned (id, name).
    public var onNewColumn: ((Int32, String) -> Void)?

    static let reservedTopKeys: Set<String> = [
        "path", "schema", "status", "error", "error.code", "error.message", "review", "review.needed", "review.reasons",
    ]

    /// The root of the `data` object.
    public let dataRoot: Int32 = 0

    /// A tree holding only the meta columns (ids 0...6, in `MetaColumn` order).
    public init() {
        nodes.append(Node(name: ""))
        for m in MetaColumn.allCases {
            byName[m.name] = m.rawValue
            names.append(m.name)
        }
    }

    /// How many columns have ids so far, meta columns included.
    public var columnCount: Int { names.count }

    /// The child node for `key` under `parent`, created on first sight.
    @inline(__always)
    public func child(_ parent: Int32, _ key: String) -> Int32 {
        if let c = nodes[Int(parent)].children[key] { return c }
        let parentName = nodes[Int(parent)].name
        let name: String
        if parent == dataRoot {
            name = ColumnTree.reservedTopKeys.contains(key) ? "data." + key : key
        } else {
            name = parentName + "." + key
        }
        let id = Int32(nodes.count)
        nodes.append(Node(name: name))
        nodes[Int(parent)].children[key] = id
        return id
    }

    /// The column a node's values go to, assigned on first use. Two key paths with the same
    /// dotted name (`{"a.b":1}` and `{"a":{"b":2}}`) share one column.
    @inline(__always)
    public func column(_ node: Int32) -> Int32 {
        let c = nodes[Int(node)].column
        if c >= 0 { return c }
        let name = nodes[Int(node)].name
        let id: Int32
        if let known = byName[name] {
            id = known
        } else {
            id = Int32(names.count)
            names.append(name)
            byName[name] = id
            onNewColumn?(id, name)
        }
        nodes[Int(node)].column = id
        return id
    }

    /// The node for a dotted `--rows` field: the exact top-level key, and (when the name holds
    /// dots) the nested path.
    public func rowsNodes(_ field: String) -> [Int32] {
        var out = [child(dataRoot, field)]
        if field.contains(".") {
            var n = dataRoot
            for part in field.split(separator: ".", omittingEmptySubsequences: false) { n = child(n, String(part)) }
            out.append(n)
        }
        return out
    }

    /// The id of the column with this header name, or nil when no value has gone to it yet.
    public func columnID(named name: String) -> Int32? { byName[name] }
}

/// Walks one record's data, reporting each leaf value with its column; explodes the rows field.
public struct Flattener {
    /// The column tree the walk assigns columns in (shared across records, so columns keep their ids).
    public let tree: ColumnTree
    /// The nodes of the `--rows` field (see `ColumnTree.rowsNodes`); empty without `--rows`.
    public let rowsNodes: [Int32]

    /// A flattener over `tree`; `rows` names the `--rows` field, nil for one row per document.
    public init(tree: ColumnTree, rows: String?) {
        self.tree = tree
        self.rowsNodes = rows.map { tree.rowsNodes($0) } ?? []
    }

    /// Flattens `data` (an object; anything else yields no data cells). `leaf` receives
    /// (column, value) for every document-level cell in order; when the `--rows` field holds
    /// an array, `explode` is called once at its position with the array's items and the
    /// node to flatten them under (and `leaf` keeps going for the fields after it).
    public func walk(
        _ data: JSONValue?, leaf: (Int32, JSONValue) -> Void, explode: ([JSONValue], Int32) -> Void
    ) {
        guard case .object(let o)? = data else { return }
        var exploded = false
        walkObject(o, node: tree.dataRoot, exploded: &exploded, leaf: leaf, explode: explode)
    }

    private func walkObject(
        _ o: JSONObject, node: Int32, exploded: inout Bool, leaf: (Int32, JSONValue) -> Void,
        explode: ([JSONValue], Int32) -> Void
    ) {
        for m in o.members {
            let c = tree.child(node, m.key)
            switch m.value {
            case .object(let sub):
                if !exploded, rowsNodes.contains(c) {
                    // A single object in the rows field is one item.
                    exploded = true
                    explode([m.value], c)
                } else {
                    walkObject(sub, node: c, exploded: &exploded, leaf: leaf, explode: explode)
                }
            case .array(let items) where !exploded && rowsNodes.contains(c):
                exploded = true
                explode(items, c)
            default:
                leaf(tree.column(c), m.value)
            }
        }
    }

    /// Flattens one exploded item under the rows node.
    public func walkItem(_ item: JSONValue, node: Int32, leaf: (Int32, JSONValue) -> Void) {
        if case .object(let o) = item {
            var exploded = true  // nested arrays inside items are never exploded again
            walkObject(o, node: node, exploded: &exploded, leaf: leaf, explode: { _, _ in })
        } else {
            leaf(tree.column(node), item)
        }
    }
}

/// How a JSON value reads as one cell of text.
public enum CellText {
    /// A cell's text and whether it is text (subject to formula escaping) rather than a
    /// number or boolean. Null is empty text that is never escaped.
    public static func render(_ v: JSONValue, into out: inout [UInt8]) -> Bool {
        switch v {
        case .null: return false
        case .bool(let b): out.append(contentsOf: b ? trueBytes : falseBytes); return false
        case .number(let n): out.append(contentsOf: n.utf8); return false
        case .string(let s): out.append(contentsOf: s.utf8); return true
        case .array(let items):
            if items.allSatisfy({ !$0.isContainer }) {
                for (i, item) in items.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ";")); out.append(UInt8(ascii: " ")) }
                    _ = render(item, into: &out)
                }
            } else {
                JSON.write(v, into: &out)
            }
            return true
        case .object:
            JSON.write(v, into: &out)
            return true
        }
    }

    /// The cell text of `v` as a String (null is empty).
    public static func string(_ v: JSONValue) -> String {
        var b: [UInt8] = []
        _ = render(v, into: &b)
        return String(decoding: b, as: UTF8.self)
    }

    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
}

extension JSONValue {
    var isContainer: Bool {
        switch self {
        case .array, .object: true
        default: false
        }
    }
}

/// A convenience view of flattening for tests and small tools: each output row as
/// (column name, cell text) pairs in order.
public enum Flatten {
    /// Flattens `data` into rows of (column name, cell text) pairs in column order: one row, or one per item of the
    /// `field` array (document cells repeated on each), as smole-csv would write them.
    public static func rows(_ data: JSONValue, rows field: String? = nil) -> [[(String, String)]] {
        let tree = ColumnTree()
        let f = Flattener(tree: tree, rows: field)
        var doc: [(Int32, JSONValue)] = []
        var explodeAt = -1
        var items: [JSONValue] = []
        var itemNode: Int32 = 0
        f.walk(
            data, leaf: { doc.append(($0, $1)) },
            explode: {
                explodeAt = doc.count; items = $0; itemNode = $1
            })
        func named(_ cells: [(Int32, JSONValue)]) -> [(String, String)] {
            cells.map { (tree.names[Int($0.0)], CellText.string($0.1)) }
        }
        if explodeAt < 0 || items.isEmpty { return [named(doc)] }
        return items.map { item in
            var cells: [(Int32, JSONValue)] = []
            f.walkItem(item, node: itemNode) { cells.append(($0, $1)) }
            return named(Array(doc[..<explodeAt]) + cells + Array(doc[explodeAt...]))
        }
    }
}
