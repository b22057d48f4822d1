#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Reads lines of any length (a 10 MB line is fine) from a file or stdin with getline(3),
/// keeping the raw bytes so invalid UTF-8 can be reported rather than silently repaired.
public final class LineReader {
    public let name: String
    public private(set) var lineNumber = 0
    private let file: UnsafeMutablePointer<FILE>
    private let owns: Bool
    private var buf: UnsafeMutablePointer<CChar>? = nil
    private var cap: Int = 0

    /// `path` of "-" reads stdin. Throws `RecordError(.notFound/.unreadable)` for a missing or unreadable file.
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
        let p = UnsafeRawPointer(buf!).assumingMemoryBound(to: UInt8.self)
        if len > 0, p[len - 1] == 0x0A { len -= 1 }
        if len > 0, p[len - 1] == 0x0D { len -= 1 }
        return Array(UnsafeBufferPointer(start: p, count: len))
    }
}

/// What one input line turned out to be.
public enum InputItem: Sendable {
    /// A JSON object.
    case record(Record)
    /// A line that is not JSON: a file path.
    case path(String)
    /// A line starting with `{` that does not parse, or invalid UTF-8: a `bad_record` error record.
    case bad(Record)

    /// The record this item stands for: a path becomes `{"path": ...}`.
    public var record: Record {
        switch self {
        case .record(let r), .bad(let r): r
        case .path(let p): Record(path: p)
        }
    }

    public var isBad: Bool { if case .bad = self { return true } else { return false } }
}

public struct InputLine: Sendable {
    public var source: String
    public var line: Int
    public var item: InputItem
}

public enum RecordParser {
    /// Classifies one raw line (already stripped of its newline). Returns nil for a blank line.
    public static func classify(_ bytes: [UInt8], source: String, line: Int) -> InputItem? {
        var start = 0
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        if start == bytes.count { return nil }
        if bytes[start] == UInt8(ascii: "{") {
            do {
                let v = try JSON.parse(bytes)
                if case .object(let o) = v { return .record(Record(o)) }
                return .bad(Record.badRecord(raw: rawText(bytes), message: "not a JSON object", source: source, line: line))
            } catch {
                return .bad(Record.badRecord(raw: rawText(bytes), message: "malformed JSON: \(error)", source: source, line: line))
            }
        }
        guard let s = String(validating: bytes, as: UTF8.self) else {
            return .bad(Record.badRecord(raw: rawText(bytes), message: "invalid UTF-8", source: source, line: line))
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
    public var paths: [String]

    /// `args` empty means stdin. When stdin is a terminal and nothing is named, prints `usage`
    /// on stderr and exits 64.
    public init(args: [String], usage: @autoclosure () -> String) {
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

    public init(paths: [String]) { self.paths = paths }

    /// Reads every line of every input in order. A named input that is missing is reported on
    /// stderr and counted in the returned value; the rest are still read.
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
                guard let item = RecordParser.classify(bytes, source: reader.name, line: reader.lineNumber) else { continue }
                try body(InputLine(source: reader.name, line: reader.lineNumber, item: item))
            }
        }
        return problems
    }
}

public struct InputProblems: Sendable {
    public var missing: [String] = []
    public var unreadable: [String] = []
    public var any: Bool { !missing.isEmpty || !unreadable.isEmpty }
    /// The exit status these problems call for, if any (66 for missing, 74 for unreadable).
    public var exitStatus: ExitStatus? {
        if !missing.isEmpty { return .noInput }
        if !unreadable.isEmpty { return .ioError }
        return nil
    }
}
