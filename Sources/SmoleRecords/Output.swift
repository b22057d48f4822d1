import Foundation
import Synchronization

/// Writes whole lines to a file descriptor, one `write(2)` per line under a lock, so
/// concurrent writers never interleave and downstream sees each line at once.
/// EPIPE means the reader is gone: the process ends quietly with status 0.
public final class LineWriter: @unchecked Sendable {
    /// Standard output: the tools' records. EPIPE ends the process with status 0.
    public static let stdout = LineWriter(fd: 1)
    /// Standard error: the tools' messages. A failed write here is ignored rather than ending the process.
    public static let stderr = LineWriter(fd: 2, quietOnEPIPE: false)

    private let fd: Int32
    private let quietOnEPIPE: Bool
    /// Lines gathered under `bufferLimit`, and whether the torn-line check ran; one write(2) at a time.
    private let state = Mutex((pending: [UInt8](), checkedTornLine: false))
    /// When > 0, lines are gathered and written in chunks of about this many bytes (bulk tools).
    public var bufferLimit = 0

    /// Whether `fd` is a regular file whose write position follows a byte other than `\n`: a
    /// last line torn by a crash mid-write. A tool appending to such a file (`>> results.ndjson`)
    /// first ends that line, so its own first record is not glued onto it and lost.
    static func endsInTornLine(fd: Int32) -> Bool {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 else { return false }
        let flags = fcntl(fd, F_GETFL)
        let position: off_t = flags >= 0 && (flags & O_APPEND) != 0 ? st.st_size : lseek(fd, 0, SEEK_CUR)
        guard position > 0 else { return false }
        var byte: UInt8 = 0
        if pread(fd, &byte, 1, position - 1) == 1 { return byte != 0x0A }
        // Opened write-only (as `>>` does): read the same file through a second descriptor.
        #if os(Linux)
        let reopen = "/proc/self/fd/\(fd)"
        #else
        let reopen = "/dev/fd/\(fd)"
        #endif
        let rfd = open(reopen, O_RDONLY | O_CLOEXEC)
        guard rfd >= 0 else { return false }
        defer { close(rfd) }
        return pread(rfd, &byte, 1, position - 1) == 1 && byte != 0x0A
    }

    /// Writes to the open descriptor `fd`. With `quietOnEPIPE`, a closed reader ends the process with status 0; any
    /// other write error ends it with status 74 (`EX_IOERR`), except on fd 2, where write errors are ignored.
    public init(fd: Int32, quietOnEPIPE: Bool = true) {
        self.fd = fd
        self.quietOnEPIPE = quietOnEPIPE
    }

    /// Writes the record as one NDJSON line.
    public func write(record: Record) { writeLine(record.serializedLine()) }

    /// Writes the value as one compact JSON line (NDJSON).
    public func write(_ value: JSONValue) {
        var b = JSON.serializeBytes(value)
        b.append(0x0A)
        writeLine(b)
    }

    /// Writes the text as one line, adding the `\n` if it has none.
    public func writeLine(_ s: String) {
        var b = Array(s.utf8)
        if b.last != 0x0A { b.append(0x0A) }
        writeLine(b)
    }

    /// Writes the bytes as given (callers include the trailing newline).
    public func writeLine(_ bytes: [UInt8]) {
        state.withLock { s in
            if !s.checkedTornLine {
                s.checkedTornLine = true
                if fd == 1, LineWriter.endsInTornLine(fd: fd) { writeAll([0x0A]) }
            }
            if bufferLimit > 0 {
                s.pending.append(contentsOf: bytes)
                if s.pending.count >= bufferLimit {
                    writeAll(s.pending)
                    s.pending.removeAll(keepingCapacity: true)
                }
                return
            }
            writeAll(bytes)
        }
    }

    /// Writes out the lines gathered under `bufferLimit`; call before exiting.
    public func flush() {
        state.withLock { s in
            if !s.pending.isEmpty {
                writeAll(s.pending)
                s.pending.removeAll(keepingCapacity: true)
            }
        }
    }

    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = LibC.write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 {
                    let e = errno
                    if e == EINTR || e == EAGAIN { continue }
                    if e == EPIPE, quietOnEPIPE { _exit(0) }
                    if fd == 2 { return }
                    Diagnostics.error("write failed: \(String(cString: strerror(e)))")
                    _exit(ExitStatus.ioError.rawValue)
                }
                off += n
            }
        }
    }
}

/// Messages on stderr: `smole-xx: error (at FILE:LINE): ...`.
public enum Diagnostics {
    /// The tool's name that starts every message (`smole-csv: error ...`); set by `ToolRuntime.start`.
    nonisolated(unsafe) public static var tool = "smole"
    /// When true, warnings and notes are dropped; errors are still shown.
    nonisolated(unsafe) public static var quiet = false

    /// The place in a message: ` (at FILE:LINE)`, ` (at FILE)` without a line, or empty without a source.
    public static func location(_ source: String?, _ line: Int?) -> String {
        guard let source else { return "" }
        if let line { return " (at \(source):\(line))" }
        return " (at \(source))"
    }

    /// Prints `TOOL: error (at FILE:LINE): message` on stderr, even under `quiet`.
    public static func error(_ message: String, source: String? = nil, line: Int? = nil) {
        LineWriter.stderr.writeLine("\(tool): error\(location(source, line)): \(message)")
    }

    /// Prints `TOOL: warning (at FILE:LINE): message` on stderr, unless `quiet`.
    public static func warning(_ message: String, source: String? = nil, line: Int? = nil) {
        if quiet { return }
        LineWriter.stderr.writeLine("\(tool): warning\(location(source, line)): \(message)")
    }

    /// Prints `TOOL: message` on stderr, unless `quiet`.
    public static func note(_ message: String) {
        if quiet { return }
        LineWriter.stderr.writeLine("\(tool): \(message)")
    }

    /// Bad input lines said on standard error before the rest are only counted: a wrong file of
    /// thousands of lines gives a screenful, not thousands of messages.
    public static let badLinesShown = 20
    private static let badLinesSeen = Atomic<Int>(0)

    /// Says a bad input line (its `bad_record` message without the trailing place, which is shown
    /// apart), up to `badLinesShown` per process; then once that further ones are not shown.
    public static func badLine(_ record: Record, source: String, line: Int) {
        let seen = badLinesSeen.add(1, ordering: .relaxed).newValue
        if seen > badLinesShown + 1 { return }
        if seen == badLinesShown + 1 {
            note(
                "further bad lines are not shown (each is still counted, and written where the tool writes bad records)"
            )
            return
        }
        error(withoutPlace(record.error?.message ?? "not a valid record"), source: source, line: line)
    }

    /// A bad_record message without its trailing ` (at FILE:LINE)` (the place is shown apart).
    public static func withoutPlace(_ m: String) -> String {
        guard m.hasSuffix(")"), let r = m.range(of: " (at ", options: .backwards) else { return m }
        return String(m[..<r.lowerBound])
    }
}

/// Whether the standard streams are terminals (isatty(3)), which decides usage messages, colour and progress.
public enum Terminal {
    /// Whether standard input is a terminal: a tool given no input then prints its usage instead of waiting.
    public static var stdinIsTTY: Bool { isatty(0) == 1 }
    /// Whether standard output is a terminal.
    public static var stdoutIsTTY: Bool { isatty(1) == 1 }
    /// Whether standard error is a terminal.
    public static var stderrIsTTY: Bool { isatty(2) == 1 }
    /// Colour only on a terminal, and never under NO_COLOR or TERM=dumb.
    public static var colorAllowed: Bool {
        let env = ProcessInfo.processInfo.environment
        if env["NO_COLOR"].map({ !$0.isEmpty }) == true { return false }
        if env["TERM"] == "dumb" { return false }
        return stderrIsTTY
    }
    /// Progress is drawn only on a terminal stderr, and never under TERM=dumb.
    public static var progressAllowed: Bool {
        stderrIsTTY && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }
}

/// Process start and exit, shared by every tool.
public enum ToolRuntime {
    /// Call first in every tool: names the tool in messages and ignores SIGPIPE, so a
    /// closed pipe surfaces as EPIPE and ends the tool quietly.
    public static func start(_ tool: String) {
        Diagnostics.tool = tool
        signal(SIGPIPE, SIG_IGN)
    }

    /// Ends the process with a status from the shared enum, after flushing stdout.
    public static func exit(_ status: ExitStatus) -> Never {
        LineWriter.stdout.flush()
        LibC.exit(status.rawValue)
    }
}
