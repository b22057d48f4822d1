import Foundation
import SmoleRecords
import Synchronization

/// One routing rule: a schema and the pattern that selects it.
///
/// Patterns:
/// - `GLOB` — matched case-insensitively against the base name of the record's `path`;
///   a glob that contains `/` is matched against the whole path, as with `path:`;
/// - `path:GLOB` — matched case-insensitively against the whole `path` (a leading `./` of
///   the path is ignored), `*` staying within one folder and `**` crossing folders;
/// - `re:REGEX` — a regular expression searched anywhere in the whole `path`
///   (case-sensitive; write `(?i)` for case-insensitive).
public struct RouteRule: Sendable, Equatable {
    /// How a rule's pattern is matched.
    public enum Kind: Sendable, Equatable {
        case name(Glob)
        case path(Glob)
        case regex(String)
    }

    /// The schema id the rule assigns (no white space).
    public var schema: String
    /// The pattern as written, e.g. `*receipt*`, `path:inbox/**`, `re:^scans/`.
    public var pattern: String
    /// The parsed pattern.
    public var kind: Kind
    /// Where the rule came from, for messages: `--rule 'invoice=*.pdf'` or `rules.txt:3`.
    public var origin: String

    /// Builds a rule from a schema id and a pattern (see `RouteRule`); `origin` names it in messages.
    ///
    /// - Throws: `RouteRuleError` for an empty schema or one with white space, an empty pattern or glob, or an
    ///   empty or invalid regular expression.
    public init(schema: String, pattern: String, origin: String) throws(RouteRuleError) {
        self.schema = schema
        self.pattern = pattern
        self.origin = origin
        if schema.isEmpty { throw RouteRuleError("\(origin): the schema is empty") }
        if schema.contains(where: { $0.isWhitespace }) {
            throw RouteRuleError("\(origin): the schema '\(schema)' contains white space")
        }
        if pattern.hasPrefix("re:") {
            let re = String(pattern.dropFirst(3))
            if re.isEmpty { throw RouteRuleError("\(origin): the regular expression is empty") }
            do {
                _ = try Regex(re)
            } catch {
                throw RouteRuleError("\(origin): invalid regular expression '\(re)': \(error)")
            }
            kind = .regex(re)
        } else if pattern.hasPrefix("path:") {
            let g = String(pattern.dropFirst(5))
            if g.isEmpty { throw RouteRuleError("\(origin): the path glob is empty") }
            kind = .path(Glob(RouteRule.stripDotSlash(g)))
        } else {
            if pattern.isEmpty { throw RouteRuleError("\(origin): the pattern is empty") }
            let g = Glob(pattern)
            kind = g.hasSlash ? .path(Glob(RouteRule.stripDotSlash(pattern))) : .name(g)
        }
    }

    /// Parses a `--rule` value: `SCHEMA=PATTERN`.
    ///
    /// - Throws: `RouteRuleError` when there is no `=`, or the rule cannot be built (see `init`).
    public static func parse(option value: String) throws(RouteRuleError) -> RouteRule {
        let origin = "--rule '\(value)'"
        guard let eq = value.firstIndex(of: "=") else {
            throw RouteRuleError("\(origin): expected SCHEMA=GLOB, SCHEMA=path:GLOB or SCHEMA=re:REGEX")
        }
        return try RouteRule(
            schema: String(value[..<eq]), pattern: String(value[value.index(after: eq)...]), origin: origin)
    }

    /// Parses a rules file's text: one `SCHEMA PATTERN...` a line (each pattern is a rule of
    /// its own, in order), `#` starting a comment, blank lines ignored. A pattern holding white
    /// space is written in single or double quotes. Errors name `name:LINE`.
    ///
    /// - Throws: `RouteRuleError` at the first line with a schema but no pattern, an unterminated quote, or a
    ///   rule that cannot be built.
    public static func parse(file text: String, name: String) throws(RouteRuleError) -> [RouteRule] {
        var rules: [RouteRule] = []
        var lineNo = 0
        // "\r\n" is one Character in Swift: split on both so CRLF files count lines right.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNo += 1
            let place = "\(name):\(lineNo)"
            let words = try tokenize(String(line), place: place)
            if words.isEmpty { continue }
            guard words.count >= 2 else {
                throw RouteRuleError("\(place): expected 'SCHEMA PATTERN...', found only '\(words[0])'")
            }
            for p in words.dropFirst() {
                rules.append(try RouteRule(schema: words[0], pattern: p, origin: place))
            }
        }
        return rules
    }

    /// Splits a rules-file line into words: white space separates, quotes group, `#` at the
    /// start of a word begins a comment.
    static func tokenize(_ line: String, place: String) throws(RouteRuleError) -> [String] {
        var words: [String] = []
        var cur = ""
        var inWord = false
        var quote: Character? = nil
        for ch in line {
            if let q = quote {
                if ch == q { quote = nil } else { cur.append(ch) }
                continue
            }
            if ch.isWhitespace {
                if inWord { words.append(cur); cur = ""; inWord = false }
                continue
            }
            if ch == "#", !inWord { break }
            inWord = true
            if ch == "\"" || ch == "'" { quote = ch } else { cur.append(ch) }
        }
        if quote != nil { throw RouteRuleError("\(place): unterminated quote") }
        if inWord { words.append(cur) }
        return words
    }

    static func stripDotSlash(_ s: String) -> String {
        var s = Substring(s)
        while s.hasPrefix("./") { s = s.dropFirst(2) }
        return String(s)
    }
}

/// Why a `--rule` value or a rules file line cannot be used; the message starts with its place (`rules.txt:3: ...`).
public struct RouteRuleError: Error, Sendable, CustomStringConvertible {
    /// The message, place first.
    public var message: String
    /// An error with this message.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// Content classification for `--classify`: the best schema for the file and its confidence
/// (0...1), or nil when nothing fits. Errors are reported and the record falls through.
public typealias RouteClassifier = @Sendable (_ path: String) async throws -> (schema: String, confidence: Double)?

/// smole-route's decision procedure: a record that already has a `schema` keeps it (unless
/// `override`); otherwise the first matching rule, then content classification, then the
/// default; otherwise `schema` and `route` are null. Configure it before `run`; routing then only reads it.
public final class Router: @unchecked Sendable {
    /// The rules in order; the first that matches wins.
    public var rules: [RouteRule]
    /// `--default`: the schema for a record no rule or classification routes; nil leaves `schema` null.
    public var defaultSchema: String?
    /// `--override`: route records that already have a `schema` too (they keep it when nothing matches).
    public var override = false
    /// `--classify`: content classification tried after the rules and before the default; nil when off.
    public var classifier: RouteClassifier?
    /// The least classifier confidence (0...1) that routes a record; 0.5 by default (`--min-confidence`).
    public var minConfidence = 0.5
    /// Records routed at once when there is a `classifier` (each classification reads a document); output keeps
    /// input order whatever this is. Without a classifier routing is a few string matches and runs one at a time.
    public var jobs = 1
    private let regexes: [Regex<AnyRegexOutput>?]

    /// A router over `rules`, with the regular expressions compiled once.
    public init(rules: [RouteRule], defaultSchema: String? = nil) {
        self.rules = rules
        self.defaultSchema = defaultSchema
        regexes = rules.map { r in
            if case .regex(let s) = r.kind { return try? Regex(s) }
            return nil
        }
    }

    /// The index (0-based) of the first rule matching `path`.
    public func firstMatch(path: String) -> Int? {
        let full = Array(RouteRule.stripDotSlash(path).lowercased().unicodeScalars)
        var name: [Unicode.Scalar]? = nil
        for (i, rule) in rules.enumerated() {
            switch rule.kind {
            case .name(let g):
                if name == nil { name = Array(Lister.baseName(path).lowercased().unicodeScalars) }
                if g.matches(scalars: name!) { return i }
            case .path(let g):
                if g.matches(scalars: full) { return i }
            case .regex:
                if let re = regexes[i], (try? re.firstMatch(in: path)) != nil { return i }
            }
        }
        return nil
    }

    /// What `route` did with a record.
    public enum Outcome: Sendable, Equatable {
        /// Passed through untouched: an error record, or one that already has a schema.
        case kept
        case routed
        case unrouted
        case error
    }

    /// Routes one record. `source` and `line` name it in warnings (`<stdin>:3`).
    public func route(_ record: Record, source: String?, line: Int?) async -> (Record, Outcome) {
        if record.isError { return (record, .error) }
        let hadSchema = record["schema"].map { !$0.isNull } ?? false
        if !override, hadSchema { return (record, .kept) }
        var r = record
        let documentPath = record.documentPath
        // Rules match the name as text (bytes outside UTF-8 as \xNN); the file is opened by its bytes.
        let path = documentPath?.display
        if let path, let i = firstMatch(path: path) {
            r["schema"] = .string(rules[i].schema)
            r["route"] = .string("rule \(i + 1): \(rules[i].pattern)")
            return (r, .routed)
        }
        // A document classification could not read (missing, unreadable, of a kind no text source reads): with no
        // --default to route it anyway, its record says why, instead of going on as schema null (which smole-extract
        // would report only as no_schema).
        var documentFault: RecordError? = nil
        if let classifier {
            if let path, let documentPath {
                do {
                    let opened = try documentPath.openable()
                    defer { opened.release() }
                    if let c = try await classifier(opened.path), c.confidence >= minConfidence {
                        r["schema"] = .string(c.schema)
                        r["route"] = .string("content: \(c.schema) \(String(format: "%.2f", c.confidence))")
                        return (r, .routed)
                    }
                } catch {
                    let msg = (error as? RecordError)?.message ?? "\(error)"
                    Diagnostics.warning("classification failed for \(path): \(msg)", source: source, line: line)
                    if let e = error as? RecordError, e.code.isDocumentFault {
                        documentFault = e
                    }
                }
            }
        }
        if let d = defaultSchema {
            r["schema"] = .string(d)
            r["route"] = .string("default")
            return (r, .routed)
        }
        // --override re-routes; a record nothing re-routes keeps the schema it came with.
        if hadSchema { return (record, .kept) }
        if let documentFault {
            r["schema"] = .null
            r["route"] = .null
            r.setError(documentFault)
            return (r, .error)
        }
        r["schema"] = .null
        r["route"] = .null
        if let path {
            Diagnostics.warning(
                "no rule matched \(path) and there is no --default; schema is null", source: source, line: line)
        } else {
            Diagnostics.warning("the record has no path; schema is null", source: source, line: line)
        }
        return (r, .unrouted)
    }
}

/// Counts of what smole-route wrote.
public struct RouteSummary: Sendable {
    /// Records given a schema by a rule, classification or `--default`.
    public var routed = 0
    /// Records passed through with the schema they had.
    public var kept = 0
    /// Records no rule, classification or default routed (written with `schema: null`).
    public var unrouted = 0
    /// Error records passed through, bad input lines included.
    public var errors = 0
    /// Named inputs that could not be read.
    public var missingInputs = 0

    /// 1 when any record written is an error record (bad input lines included), else 0.
    public var exitStatus: ExitStatus {
        if errors > 0 { return .someErrors }
        return .ok
    }
}

extension Router {
    /// Routes the records of smole-route's inputs in order: each argument is a document path,
    /// except `-`, which reads records (or bare path lines) from stdin; no arguments read stdin.
    /// With a `classifier`, up to `jobs` records are routed at once; `emit` still gets one record per input line,
    /// in input order (a bad line's error record in its place), each as soon as those before it are out. At most
    /// `8 × jobs` records are in flight or waiting for a slower one ahead of them.
    public func run(documents: [String], emit: @escaping @Sendable (Record) -> Void) async -> RouteSummary {
        let parallel = classifier != nil && jobs > 1
        let out = OrderedEmitter(emit)
        var index = 0
        var missingInputs = 0
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            let window = 8 * max(1, jobs)
            /// Routes one record: inline when one at a time, else as a child task once a slot is free.
            func submit(_ record: Record, source: String?, line: Int?) async {
                let i = index
                index += 1
                guard parallel else {
                    let (r, o) = await route(record, source: source, line: line)
                    out.complete(i, r, o)
                    return
                }
                while inFlight > 0 && (inFlight >= jobs || i - out.written >= window) {
                    await group.next()
                    inFlight -= 1
                }
                inFlight += 1
                group.addTask {
                    let (r, o) = await self.route(record, source: source, line: line)
                    out.complete(i, r, o)
                }
            }
            let bytes = documents.isEmpty ? [] : ArgumentBytes.documents(documents)
            for (k, doc) in (documents.isEmpty ? ["-"] : documents).enumerated() {
                if doc != "-" {
                    var record = Record()
                    record["path"] = k < bytes.count ? bytes[k].json : .string(doc)
                    await submit(record, source: doc, line: nil)
                    continue
                }
                let reader: LineReader
                do throws(RecordError) {
                    reader = try LineReader(path: "-")
                } catch {
                    Diagnostics.error(error.message)
                    missingInputs += 1
                    continue
                }
                while let bytes = reader.next() {
                    guard let item = RecordParser.classify(bytes, source: reader.name, line: reader.lineNumber) else {
                        continue
                    }
                    if case .bad(let bad) = item {
                        var msg = bad.error?.message ?? "bad record"
                        let suffix = " (at \(reader.name):\(reader.lineNumber))"
                        if msg.hasSuffix(suffix) { msg.removeLast(suffix.count) }
                        Diagnostics.error(msg, source: reader.name, line: reader.lineNumber)
                        out.complete(index, bad, .error)
                        index += 1
                        continue
                    }
                    await submit(item.record, source: reader.name, line: reader.lineNumber)
                }
            }
            await group.waitForAll()
        }
        var summary = out.summary
        summary.missingInputs = missingInputs
        return summary
    }
}

/// Writes results that finish in any order in the order they were numbered (0, 1, 2, ...), each as soon as every one
/// before it is written, and counts their outcomes.
final class OrderedEmitter: Sendable {
    private struct State {
        var waiting: [Int: (Record, Router.Outcome)] = [:]
        var next = 0
        var counts = RouteSummary()
    }
    private let state = Mutex(State())
    private let emit: @Sendable (Record) -> Void

    init(_ emit: @escaping @Sendable (Record) -> Void) { self.emit = emit }

    /// How many results have been written.
    var written: Int { state.withLock { $0.next } }

    var summary: RouteSummary { state.withLock { $0.counts } }

    /// Result number `i` is ready: writes it and the ready ones after it, if all before it are written.
    func complete(_ i: Int, _ record: Record, _ outcome: Router.Outcome) {
        state.withLock { s in
            s.waiting[i] = (record, outcome)
            while let (r, o) = s.waiting.removeValue(forKey: s.next) {
                switch o {
                case .kept: s.counts.kept += 1
                case .routed: s.counts.routed += 1
                case .unrouted: s.counts.unrouted += 1
                case .error: s.counts.errors += 1
                }
                emit(r)
                s.next += 1
            }
        }
    }
}

/// Checks the schema names a routing setup would write (its rules and `--default`) against
/// the schemas the extraction will know, so a typo (`--default invocie`) or a rule written
/// backwards (`--rule '*receipt*=receipt'`) is a usage error before any record is routed.
public enum SchemaNameCheck {
    /// The problems, one message each; empty when every name is known. `isKnown` answers for
    /// one name (an id, or a path to a schema file); `known` is listed in the messages.
    public static func problems(
        rules: [RouteRule], defaultSchema: String?, known: [String], isKnown: (String) -> Bool
    ) -> [String] {
        var out: [String] = []
        let list = known.joined(separator: ", ")
        for r in rules where !isKnown(r.schema) {
            let swapped = r.pattern.hasPrefix("re:") || r.pattern.hasPrefix("path:") ? nil : r.pattern
            if let swapped, isKnown(swapped) {
                out.append(
                    "\(r.origin): '\(r.schema)' is not a schema, but '\(swapped)' is: a rule is SCHEMA=PATTERN; did you mean '\(swapped)=\(r.schema)'?"
                )
            } else {
                out.append(
                    "\(r.origin): unknown schema '\(r.schema)' (known: \(list); or a path to a .json schema file)")
            }
        }
        if let d = defaultSchema, !isKnown(d) {
            out.append("--default: unknown schema '\(d)' (known: \(list); or a path to a .json schema file)")
        }
        return out
    }
}
