import Foundation

/// Reads lines of any length (a 10 MB line is fine) from a file or stdin with getline(3),
/// keeping the raw bytes so invalid UTF-8 can be reported rather than silently repaired.
public final class LineReader {
    /// The name messages give the input: the path as given, or `<stdin>` for `-`.
    public let name: String
    /// The 1-based number of the line `next()` returned last (0 before the first read).
    public private(set) var lineNumber = 0
    private let file: UnsafeMutablePointer<FILE>
    private let owns: Bool
    private var buf: UnsafeMutablePointer<CChar>? = nil
    private var cap: Int = 0

    /// `path` of "-" reads stdin.
    ///
    /// - Throws: `RecordError(.notFound)` for a missing file, `RecordError(.unreadable)` for a directory or a file
    ///   that cannot be opened.
    public init(path: String) throws(RecordError) {
        if path == "-" {
            name = "<stdin>"
            file = fdopen(0, "rb")!
            owns = false
            return
        }
        name = path
        var st = stat()
        if stat(path, &st) != 0 {
            throw RecordError(.notFound, "\(path): no such file")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw RecordError(.unreadable, "\(path): is a directory")
        }
        guard let f = fopen(path, "rb") else {
            throw RecordError(.unreadable, "\(path): \(String(cString: strerror(errno)))")
        }
        file = f
        owns = true
    }

    /// Reads from an open descriptor, which the reader takes over and closes (for example an
    /// unlinked spool file, so nothing is left on disk however the process ends).
    public init(fileDescriptor fd: Int32, name: String) {
        self.name = name
        file = fdopen(fd, "rb")!
        owns = true
    }

    deinit {
        free(buf)
        if owns { fclose(file) }
    }

    /// The next line without its `\n` (and without a trailing `\r`), or nil at end of input.
    public func next() -> [UInt8]? {
        let n = getline(&buf, &cap, file)
        if n < 0 { return nil }
        lineNumber += 1
        var len = n
        var p = UnsafeRawPointer(buf!).assumingMemoryBound(to: UInt8.self)
        lastLineComplete = len > 0 && p[len - 1] == 0x0A
        if len > 0, p[len - 1] == 0x0A { len -= 1 }
        if len > 0, p[len - 1] == 0x0D { len -= 1 }
        // A UTF-8 byte-order mark is never data at the start of a line: where the input begins, or
        // mid-stream where `cat a.ndjson b.ndjson` joined a file that began with one.
        if len >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF {
            p += 3
            len -= 3
        }
        return Array(UnsafeBufferPointer(start: p, count: len))
    }

    /// Whether the line `next()` returned last ended with a newline (false for a torn last line).
    public private(set) var lastLineComplete = true
}

/// What one input line turned out to be.
public enum InputItem: Sendable {
    /// A JSON object.
    case record(Record)
    /// A line that is not JSON: a file path.
    case path(String)
    /// A line starting with `{` that does not parse (a JSON line with invalid UTF-8 among them),
    /// or, for the tools that read results, any line that is not JSON: a `bad_record` error record.
    case bad(Record)

    /// The record this item stands for: a path becomes `{"path": ...}`.
    public var record: Record {
        switch self {
        case .record(let r), .bad(let r): r
        case .path(let p): Record(path: p)
        }
    }

    /// Whether the line was a `bad_record`.
    public var isBad: Bool { if case .bad = self { return true } else { return false } }
}

/// One classified input line and where it came from, for messages of the form `(at FILE:LINE)`.
public struct InputLine: Sendable {
    /// The input's name: a path, or `<stdin>`.
    public var source: String
    /// The 1-based line number within `source`.
    public var line: Int
    /// What the line turned out to be.
    public var item: InputItem
    /// Wraps a classified line with its place.
    public init(source: String, line: Int, item: InputItem) {
        self.source = source
        self.line = line
        self.item = item
    }
}

/// What a tool accepts on a line.
public enum InputKind: Sendable {
    /// Records and bare path lines: the tools that read *documents* (smole-route, smole-extract).
    case documents
    /// JSON records only: the tools that read *results* (smole-summary, smole-csv, smole-sql,
    /// smole-retry). A line that is not JSON is a `bad_record`, so a CSV or a text file given
    /// by mistake is reported instead of being counted as documents with no result.
    case results
}

/// Turns raw input lines into `InputItem`s: JSON objects, bare paths, or `bad_record` error records.
public enum RecordParser {
    /// Classifies one raw line (already stripped of its newline). Returns nil for a blank line.
    /// `complete` false marks a last line with no newline (a write cut short).
    public static func classify(
        _ bytes: [UInt8], source: String, line: Int, kind: InputKind = .documents, complete: Bool = true
    ) -> InputItem? {
        var start = 0
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        if start == bytes.count { return nil }
        if bytes[start] == UInt8(ascii: "{") {
            do {
                let v = try JSON.parse(bytes)
                if case .object(let o) = v { return .record(Record(o)) }
                return .bad(
                    Record.badRecord(raw: rawText(bytes), message: "not a JSON object", source: source, line: line))
            } catch {
                let why =
                    complete
                    ? "malformed JSON: \(error)"
                    : "torn last line (no newline at the end; a write was cut short): \(error)"
                return .bad(Record.badRecord(raw: rawText(bytes), message: why, source: source, line: line))
            }
        }
        if kind == .results {
            return .bad(
                Record.badRecord(
                    raw: rawText(bytes),
                    message:
                        "not a JSON record (a results file holds one JSON object per line; is this the right file?)",
                    source: source, line: line))
        }
        guard let s = String(validating: bytes, as: UTF8.self) else {
            // Paths are bytes: a path line that is not UTF-8 (`find docs -type f | smole-extract`)
            // is carried losslessly as {"bytes": base64} and opened by those very bytes.
            var r = Record()
            r["path"] = DocumentPath(bytes: bytes).json
            return .record(r)
        }
        return .path(s)
    }

    /// The raw text kept in a bad record: invalid UTF-8 bytes become U+FFFD.
    public static func rawText(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

/// The inputs a tool reads records from: named files, `-` for stdin, or stdin when none are named.
public struct InputSet {
    /// The inputs in reading order; `-` is stdin.
    public var paths: [String]
    /// Whether bare path lines are accepted (`.documents`) or are bad records (`.results`).
    public var kind: InputKind = .documents

    /// `args` empty means stdin. When stdin is a terminal and nothing is named, prints `usage`
    /// on stderr and exits 64.
    public init(args: [String], kind: InputKind = .documents, usage: @autoclosure () -> String) {
        self.kind = kind
        if args.isEmpty {
            if Terminal.stdinIsTTY {
                LineWriter.stderr.writeLine(usage())
                ToolRuntime.exit(.usage)
            }
            paths = ["-"]
        } else {
            paths = args
        }
    }

    /// Reads exactly `paths` (`-` for stdin), with no terminal check.
    public init(paths: [String], kind: InputKind = .documents) {
        self.paths = paths
        self.kind = kind
    }

    /// Reads every line of every input in order. A named input that is missing is reported on
    /// stderr and counted in the returned value; the rest are still read.
    ///
    /// - Throws: Only what `body` throws; reading stops there.
    @discardableResult
    public func forEach(_ body: (InputLine) throws -> Void) rethrows -> InputProblems {
        var problems = InputProblems()
        for p in paths {
            let reader: LineReader
            do {
                reader = try LineReader(path: p)
            } catch {
                Diagnostics.error(error.message)
                if error.code == .notFound { problems.missing.append(p) } else { problems.unreadable.append(p) }
                continue
            }
            while let bytes = reader.next() {
                guard
                    let item = RecordParser.classify(
                        bytes, source: reader.name, line: reader.lineNumber, kind: kind,
                        complete: reader.lastLineComplete)
                else { continue }
                try body(InputLine(source: reader.name, line: reader.lineNumber, item: item))
            }
        }
        return problems
    }
}

/// The named inputs that could not be opened during `InputSet.forEach`.
public struct InputProblems: Sendable {
    /// Inputs that do not exist (exit 66, `EX_NOINPUT` in sysexits.h).
    public var missing: [String] = []
    /// Inputs that exist but could not be opened: a directory, or no permission (exit 74, `EX_IOERR`).
    public var unreadable: [String] = []
    /// No problems yet.
    public init() {}
    /// Whether any named input could not be read.
    public var any: Bool { !missing.isEmpty || !unreadable.isEmpty }
    /// The exit status these problems call for, if any (66 for missing, 74 for unreadable).
    public var exitStatus: ExitStatus? {
        if !missing.isEmpty { return .noInput }
        if !unreadable.isEmpty { return .ioError }
        return nil
    }
}
