import Foundation
import SmoleRecords

/// Which failed documents are worth another run.
public struct RetryPolicy: Sendable, Equatable {
    /// Documents whose `attempts` reached this are not emitted again; nil means no limit.
    public var maxAttempts: Int?
    /// Every error, not only retryable ones.
    public var all: Bool

    /// The attempt limit when `--max-attempts` is not given: 3.
    public static let defaultMaxAttempts = 3

    /// A policy with an explicit limit (nil: none); `all` retries errors that are not retryable too.
    public init(maxAttempts: Int? = RetryPolicy.defaultMaxAttempts, all: Bool = false) {
        self.maxAttempts = maxAttempts
        self.all = all
    }

    /// `--all` alone lifts the attempt limit too; `--all --max-attempts N` keeps it.
    public init(maxAttemptsOption: Int?, all: Bool) {
        self.all = all
        self.maxAttempts = maxAttemptsOption ?? (all ? nil : RetryPolicy.defaultMaxAttempts)
    }

    /// What the policy says about a document's latest record.
    public enum Verdict: Sendable, Equatable {
        case ok, noResult, retry, notRetryable, exhausted
    }

    /// The verdict on one latest record: `ok`, `noResult` for an input record, else for a failure `notRetryable`
    /// (unless `all`), `exhausted` once `attempts` reached `maxAttempts`, or `retry`.
    public func verdict(_ info: ResultInfo) -> Verdict {
        switch info.outcome {
        case .ok: return .ok
        case .pending: return .noResult
        case .failed:
            if !all && !info.retryable { return .notRetryable }
            if let m = maxAttempts, (info.attempts ?? 0) >= m { return .exhausted }
            return .retry
        }
    }
}

/// Counts for the closing note and the exit status.
public struct RetryCounts: Sendable, Equatable {
    /// Input records written for failures to run again (pending mode counts documents with no result yet in
    /// `noResult`).
    public var emitted = 0
    /// Documents whose latest result is ok.
    public var ok = 0
    /// Documents with no result yet.
    public var noResult = 0
    /// Failures left out because they are not retryable.
    public var notRetryable = 0
    /// Retryable failures left out because they reached the attempt limit.
    public var exhausted = 0
    /// Pending mode: input lines naming a document already seen on stdin.
    public var duplicates = 0
    /// Lines that were not valid records.
    public var badLines = 0
    /// Records without a usable `path`, which cannot be retried.
    public var withoutPath = 0
    /// All counts zero.
    public init() {}
}

/// smole-retry's logic: which documents of a results stream to run again, written as input records for smole-extract.
public enum Retry {
    /// The fields smole-extract owns; they are removed so the record is an input again.
    public static let resultFields = [
        "status", "data", "error", "job", "backend", "started_at", "finished_at", "elapsed_ms", "evidence", "tries",
        "pages", "review",
    ]

    /// The input record for a result: result fields removed, `attempts` and every other field kept.
    public static func inputRecord(from r: Record) -> Record {
        var out = r
        for f in resultFields { out[f] = nil }
        return out
    }

    // MARK: Plain mode: result files in, input records out

    /// Emits an input record for every document whose latest result the policy retries,
    /// in the order those latest records appear. Returns the counts; bad lines are reported.
    /// One pass: per path it keeps the latest verdict, and the (stripped) record only while
    /// that verdict is "retry".
    ///
    /// - Throws: Nothing in practice: a named input that cannot be read is reported on stderr and returned in the
    ///   `InputProblems` instead.
    public static func fromResults(
        _ inputs: InputSet, policy: RetryPolicy, emit: (Record) -> Void
    ) throws -> (RetryCounts, InputProblems) {
        struct Latest {
            var seq: Int
            var verdict: RetryPolicy.Verdict
            var record: Record?
        }
        var counts = RetryCounts()
        var warnings = WarningBudget()
        var latest = ResultFold.Latest<DocumentKey, Latest>()
        var seq = 0
        let problems = inputs.forEach { input in
            seq += 1
            switch input.item {
            case .bad(let r):
                counts.badLines += 1
                Diagnostics.badLine(r, source: input.source, line: input.line)
            case .path(let p):
                latest.offer(nil, key: DocumentKey(path: p)) { Latest(seq: seq, verdict: .noResult, record: nil) }
            case .record(let r):
                guard let key = r.key else {
                    counts.withoutPath += 1
                    warnings.warn("record has no path; it cannot be retried", source: input.source, line: input.line)
                    return
                }
                latest.offer(r, key: key) {
                    let info = ResultInfo(r)
                    if !info.problems.isEmpty {
                        warnings.warn(info.problems.joined(separator: "; "), source: input.source, line: input.line)
                    }
                    let v = policy.verdict(info)
                    return Latest(seq: seq, verdict: v, record: v == .retry ? inputRecord(from: r) : nil)
                }
            }
        }
        var retry: [(Int, Record)] = []
        for l in latest.values {
            switch l.verdict {
            case .ok: counts.ok += 1
            case .noResult: counts.noResult += 1
            case .notRetryable: counts.notRetryable += 1
            case .exhausted: counts.exhausted += 1
            case .retry:
                counts.emitted += 1
                if let r = l.record { retry.append((l.seq, r)) }
            }
        }
        latest = ResultFold.Latest()
        retry.sort { $0.0 < $1.0 }
        for (_, r) in retry { emit(r) }
        warnings.finish()
        return (counts, problems)
    }

    // MARK: Pending mode: input records on stdin, result files as arguments

    /// What the result files say, per document (`ResultFold`).
    public typealias KnownResults = ResultFold.Latest<DocumentKey, Known>

    /// What the result files say about one document.
    public struct Known: Sendable, Equatable {
        /// The policy's verdict on the document's latest result.
        public var verdict: RetryPolicy.Verdict
        /// The `attempts` of that result, carried over to the emitted input record.
        public var attempts: Int?
    }

    /// The latest verdict per path over the result files, each read only up to the size it had
    /// when opened (a downstream `>>` may be appending to it). A missing file counts as empty
    /// (the first run has not created it yet); a file that cannot be read throws.
    ///
    /// - Throws: `RecordError(.unreadable)` for a result file that is a directory or cannot be opened or stat'ed.
    public static func loadResults(
        _ paths: [String], policy: RetryPolicy, counts: inout RetryCounts
    ) throws(RecordError) -> KnownResults {
        var known = KnownResults()
        var warnings = WarningBudget()
        for p in paths {
            let reader: BoundedLineReader
            do {
                reader = try BoundedLineReader(path: p)
            } catch let e where e.code == .notFound {
                Diagnostics.note("note: \(p) does not exist yet; every input counts as not done")
                continue
            }
            while let (bytes, complete) = reader.next() {
                let line = reader.lineNumber
                guard let item = RecordParser.classify(bytes, source: p, line: line, kind: .results, complete: complete)
                else { continue }
                switch item {
                case .bad(let r):
                    if !complete {
                        warnings.warn(
                            "incomplete last line (no newline) ignored; end the file with a newline (echo >> \(p)) before appending to it",
                            source: p, line: line)
                        continue
                    }
                    counts.badLines += 1
                    Diagnostics.badLine(r, source: p, line: line)
                case .path(let path):
                    let key = DocumentKey(path: path)
                    known.offer(nil, key: key) { Known(verdict: .noResult, attempts: nil) }
                case .record(let r):
                    guard let key = r.key else { continue }
                    known.offer(r, key: key) {
                        let info = ResultInfo(r)
                        if !info.problems.isEmpty {
                            warnings.warn(info.problems.joined(separator: "; "), source: p, line: line)
                        }
                        return Known(verdict: policy.verdict(info), attempts: info.attempts)
                    }
                }
            }
        }
        warnings.finish()
        return known
    }

    /// Streams input records: emits each path once, if it has no result yet or its latest
    /// result is an error the policy retries (carrying the result's `attempts` over).
    public static func pending(
        stdin: LineReader, known: KnownResults, counts: inout RetryCounts, emit: (Record) -> Void
    ) {
        var seen = Set<DocumentKey>()
        var warnings = WarningBudget()
        while let bytes = stdin.next() {
            let line = stdin.lineNumber
            guard let item = RecordParser.classify(bytes, source: stdin.name, line: line) else { continue }
            var record: Record
            switch item {
            case .bad(let r):
                counts.badLines += 1
                Diagnostics.badLine(r, source: stdin.name, line: line)
                continue
            case .path(let p): record = Record(path: p)
            case .record(let r): record = r
            }
            guard let key = record.key else {
                counts.withoutPath += 1
                warnings.warn("record has no path; it cannot be extracted", source: stdin.name, line: line)
                continue
            }
            if !seen.insert(key).inserted {
                counts.duplicates += 1
                continue
            }
            let k = known[key]
            switch k?.verdict {
            case nil, .noResult?:
                counts.noResult += 1
                emit(inputRecord(from: record))
            case .retry?:
                counts.emitted += 1
                var out = inputRecord(from: record)
                let mine = out["attempts"]?.intValue ?? 0
                if let a = k?.attempts, a > mine { out["attempts"] = JSONValue(a) }
                emit(out)
            case .ok?: counts.ok += 1
            case .notRetryable?: counts.notRetryable += 1
            case .exhausted?: counts.exhausted += 1
            }
        }
        warnings.finish()
    }
}

/// Reads a file's lines up to the size it had when opened, so lines appended while it is
/// read (by a downstream `>> results.ndjson`) are not taken in. The last line is flagged
/// when it has no newline (a torn write, or a writer caught mid-line).
public final class BoundedLineReader {
    /// The file being read, as named.
    public let path: String
    /// The 1-based number of the line `next()` returned last.
    public private(set) var lineNumber = 0
    private let fd: Int32
    private var remaining: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0
    private var eof = false

    /// Opens `path` and notes its current size; nothing beyond it is read.
    ///
    /// - Throws: `RecordError` `.notFound` when the file does not exist, `.unreadable` for a directory or a file that
    ///   cannot be opened or stat'ed.
    public init(path: String) throws(RecordError) {
        self.path = path
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            let e = errno
            if e == ENOENT { throw RecordError(.notFound, "\(path): no such file") }
            throw RecordError(.unreadable, "\(path): \(String(cString: strerror(e)))")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            close(fd)
            throw RecordError(.unreadable, "\(path): cannot stat")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw RecordError(.unreadable, "\(path): is a directory")
        }
        self.fd = fd
        remaining = Int(st.st_size)
    }

    deinit { close(fd) }

    /// The next line (without `\n` or a trailing `\r`) and whether it ended with a newline.
    public func next() -> ([UInt8], Bool)? {
        guard var (line, complete) = nextRaw() else { return nil }
        // A UTF-8 byte-order mark is never data at the start of a line (where the file begins, or
        // where `cat` joined a file that began with one).
        if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        return (line, complete)
    }

    private func nextRaw() -> ([UInt8], Bool)? {
        while true {
            if let nl = buffer[max(start, scanned)...].firstIndex(of: 0x0A) {
                var line = Array(buffer[start..<nl])
                start = nl + 1
                scanned = start
                if line.last == 0x0D { line.removeLast() }
                lineNumber += 1
                return (line, true)
            }
            if eof {
                guard start < buffer.count else { return nil }
                var line = Array(buffer[start...])
                start = buffer.count
                if line.last == 0x0D { line.removeLast() }
                lineNumber += 1
                return (line, false)
            }
            scanned = buffer.count
            fill()
        }
    }

    private func fill() {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            scanned -= start
            start = 0
        }
        let want = min(remaining, 1 << 20)
        if want == 0 { eof = true; return }
        let old = buffer.count
        buffer.reserveCapacity(old + want)
        var got = 0
        buffer.append(contentsOf: repeatElement(0, count: want))
        buffer.withUnsafeMutableBytes { raw in
            while got < want {
                let n = read(fd, raw.baseAddress! + old + got, want - got)
                if n < 0 { if errno == EINTR { continue }; break }
                if n == 0 { break }
                got += n
            }
        }
        buffer.removeLast(want - got)
        remaining -= got
        if got < want { eof = true }
        if remaining == 0 { eof = true }
    }
}
