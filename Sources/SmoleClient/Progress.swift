import SmoleBackend
import SmoleRecords
import Synchronization

/// Counters for the run, and the progress line on stderr (done/total, ok, failed, rate, ETA).
public final class RunCounters: Sendable {
    private struct Counts {
        var done = 0
        var ok = 0
        var failed = 0
        var retryableFailed = 0
        var total: Int?
        var codes: [ErrorCode: Int] = [:]
    }
    private let counts: Mutex<Counts>
    /// Result records written so far.
    public var done: Int { counts.withLock { $0.done } }
    /// Of those, ok records.
    public var ok: Int { counts.withLock { $0.ok } }
    /// Of those, error records.
    public var failed: Int { counts.withLock { $0.failed } }
    /// Of the error records, those marked retryable.
    public var retryableFailed: Int { counts.withLock { $0.retryableFailed } }
    /// Documents in the run, when known.
    public var total: Int? { counts.withLock { $0.total } }
    /// Error records per error code.
    public var codes: [ErrorCode: Int] { counts.withLock { $0.codes } }
    let start = ContinuousClock.now

    /// Zeroed counters; `total` when the number of documents is known up front.
    public init(total: Int? = nil) { counts = Mutex(Counts(total: total)) }

    /// Raises the total to `n` (it never shrinks): the input ended after `n` documents.
    public func setTotal(_ n: Int) { counts.withLock { c in if c.total == nil || c.total! < n { c.total = n } } }

    /// Counts one written result record: ok, or failed (by code, and whether retryable).
    public func count(_ r: Record) {
        counts.withLock { c in
            c.done += 1
            if r.isOK {
                c.ok += 1
            } else {
                c.failed += 1
                if let e = r.error {
                    c.codes[e.code, default: 0] += 1
                    if e.retryable { c.retryableFailed += 1 }
                }
            }
        }
    }

    /// All counts at one instant, read under one lock.
    public var snapshot: (done: Int, ok: Int, failed: Int, total: Int?, codes: [ErrorCode: Int], retryable: Int) {
        counts.withLock { c in (c.done, c.ok, c.failed, c.total, c.codes, c.retryableFailed) }
    }

    /// The progress text: `DONE/TOTAL done, N ok, N failed, R docs/s` and `, ETA 1m05s` while the total is known and
    /// not reached (`?` for an unknown total).
    public func line() -> String {
        let s = snapshot
        let secs = (ContinuousClock.now - start).seconds
        let rate = secs > 0 ? Double(s.done) / secs : 0
        var out = "\(s.done)/\(s.total.map(String.init) ?? "?") done, \(s.ok) ok, \(s.failed) failed, "
        out += String(format1(rate)) + " docs/s"
        if let t = s.total, rate > 0, s.done < t {
            out += ", ETA " + clock(Double(t - s.done) / rate)
        }
        return out
    }

    func format1(_ x: Double) -> String {
        let v = (x * 10).rounded() / 10
        return v == v.rounded() ? "\(Int(v)).0" : "\(v)"
    }

    func clock(_ s: Double) -> String {
        let t = Int(s.rounded(.up))
        return t >= 3600 ? "\(t / 3600)h\(pad2(t / 60 % 60))m" : "\(t / 60)m\(pad2(t % 60))s"
    }
}

/// Draws the progress line: redrawn in place on a terminal, one plain line every few seconds elsewhere.
public final class ProgressDisplay: @unchecked Sendable {
    let counters: RunCounters
    let tty: Bool
    private var task: Task<Void, Never>?

    /// A display of `counters`; `tty` redraws one line in place every 250 ms, otherwise a plain line every 2 s.
    public init(counters: RunCounters, tty: Bool) {
        self.counters = counters
        self.tty = tty
    }

    /// Starts drawing in a detached task until `finish()`.
    public func start() {
        let interval: Duration = tty ? .milliseconds(250) : .seconds(2)
        task = Task.detached { [counters, tty] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                Self.draw(counters.line(), tty: tty)
            }
        }
    }

    /// Stops drawing and draws the final line (ending it with a newline on a terminal).
    public func finish() {
        task?.cancel()
        Self.draw(counters.line(), tty: tty)
        if tty { LineWriter.stderr.writeLine("") }
    }

    static func draw(_ s: String, tty: Bool) {
        if tty {
            var b = Array("\r\u{1B}[K\(Diagnostics.tool): \(s)".utf8)
            b.reserveCapacity(b.count)
            LineWriter.stderr.writeLine(b)
        } else {
            LineWriter.stderr.writeLine("\(Diagnostics.tool): progress: \(s)")
        }
    }
}
