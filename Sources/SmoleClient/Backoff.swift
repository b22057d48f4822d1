import SmoleBackend
import SmoleRecords
import Synchronization

/// Retry delays and poll schedules as plain values, so they can be tested with no clock.

/// Poll intervals: `initial`, then ×`factor` up to `max`, each with ±`jitter` (a fraction).
public struct PollDelays: Sequence, Sendable {
    /// The first interval (500 ms by default, `--poll-initial`).
    public var initial: Duration
    /// The longest interval (10 s by default, `--poll-max`).
    public var max: Duration
    /// How much each interval grows over the last (1.5 by default).
    public var factor: Double
    /// The spread of each interval, as a fraction of it: 0.1 draws uniformly within ±10 %.
    public var jitter: Double

    /// A poll schedule; the defaults are 500 ms growing ×1.5 to 10 s, ±10 %.
    public init(
        initial: Duration = .milliseconds(500), max: Duration = .seconds(10), factor: Double = 1.5, jitter: Double = 0.1
    ) {
        self.initial = initial
        self.max = max
        self.factor = factor
        self.jitter = jitter
    }

    /// Draws the intervals; the sequence never ends.
    public struct Iterator: IteratorProtocol, Sendable {
        var current: Double
        let max: Double
        let factor: Double
        let jitter: Double
        /// The next interval, never over `max`.
        public mutating func next() -> Duration? {
            let base = Swift.min(current, max)
            current = Swift.min(current * factor, max)
            let j = jitter > 0 ? Double.random(in: (1 - jitter)...(1 + jitter)) : 1
            return .seconds(Swift.min(base * j, max))
        }
    }

    /// A fresh sequence of intervals, starting from `initial`.
    public func makeIterator() -> Iterator {
        Iterator(current: initial.seconds, max: max.seconds, factor: factor, jitter: jitter)
    }
}

/// How long the server's jobs take, learned from what the client sees, so that a job's first
/// poll lands just after it is done instead of on a fixed schedule.
///
/// Each sample is one job, in seconds after its submit reply: the last poll that found it still
/// running and the earliest that found it done (its true time lies between), or the server's own
/// `updatedAt − createdAt` when the poll replies carry them. The estimate is the median `done` of
/// the latest 15 samples. Polls are only a bound: a job done at a first poll made at the estimate
/// says nothing about how much sooner it was done. So one job in 8 is a probe: it polls from a
/// little before the estimate, in steps, and finds its time within one step; each probe's step is
/// half the typical uncertainty the samples show, so the estimate narrows towards the true time.
/// A probe done at its very first poll, or well before the estimate, means the estimate is late:
/// the next job probes too, from the earliest recent time, so a server that speeds up is followed
/// within a few jobs. Jobs that a
/// first poll at the estimate finds still running count as samples, so a server that slows down
/// is noticed at once. When the server gives its timestamps, no job probes. All polls, probes
/// included, take tokens from the one request budget (`--rate`).
///
/// Before any sample exists, one job probes on a fast schedule (50 ms, or `--poll-initial` if
/// less, growing ×1.2) and the others wait for its answer, or `--poll-initial`, whichever is first.
/// After a poll at the estimate that finds the job running, polls follow a tenth of the estimate
/// later (10 ms at least, `--poll-initial` at most), growing ×1.5 up to `--poll-max`.
public final class JobTimes: Sendable {
    /// One job's time as observed.
    public struct Sample: Sendable, Equatable {
        /// Seconds after the submit reply of the last poll that found the job running (0: none did).
        public var running: Double
        /// Seconds after the submit reply of the earliest poll that found it done.
        public var done: Double
        /// A sample from two offsets in seconds after the submit reply; `done` is raised to `running` if below it.
        public init(running: Double, done: Double) {
            self.running = running
            self.done = max(done, running)
        }
        /// The server's own duration (`updatedAt − createdAt`): `done` is it plus 5 ms of margin.
        public static func server(_ seconds: Double) -> Sample { Sample(running: seconds, done: seconds + 0.005) }
    }

    /// The samples the estimate is taken from.
    public static let capacity = 15
    /// One job in this many probes when only polls tell the job time.
    public static let probeEvery = 8

    struct State {
        var samples: [Sample] = []
        var next = 0
        /// The newest sample came from the server's timestamps: no need to probe.
        var serverTimed = false
        var coldProbe = false
        var planned = 0
        /// A sample showed a job done at its first poll: the estimate may be late, so the next job probes.
        var probeNext = false
    }
    let state = Mutex(State())

    /// No samples yet: the first job to poll is the cold probe.
    public init() {}

    /// Adds one job's sample, replacing the oldest once there are `capacity`.
    public func record(_ s: Sample, fromServer: Bool = false) {
        guard s.done.isFinite, s.running >= 0, s.done >= 0 else { return }
        state.withLock { st in
            // A job done well before the estimate: the server may have sped up, so the next job probes too.
            if !fromServer, let (t, w) = Self.estimate(st.samples), s.done < (t - w).seconds { st.probeNext = true }
            if st.samples.count < Self.capacity {
                st.samples.append(s)
            } else {
                st.samples[st.next] = s
                st.next = (st.next + 1) % Self.capacity
            }
            st.serverTimed = fromServer
            if !fromServer && s.running == 0 { st.probeNext = true }
        }
    }

    /// The typical job time and the uncertainty of one sample: the median `done`, and the median
    /// of `done − running` clamped to 1 %–25 % of it (at least 2 ms); nil before any sample.
    public var estimate: (time: Duration, spread: Duration)? {
        state.withLock { Self.estimate($0.samples) }
    }

    static func estimate(_ samples: [Sample]) -> (time: Duration, spread: Duration)? {
        guard !samples.isEmpty else { return nil }
        let done = samples.map(\.done).sorted()
        let widths = samples.map { $0.done - $0.running }.sorted()
        let t = done[(done.count - 1) / 2]
        let w = min(max(widths[(widths.count - 1) / 2], 0.01 * t, 0.002), 0.25 * t)
        return (.seconds(t), .seconds(w))
    }

    /// The poll schedule for a job about to be polled for the first time.
    ///
    /// - Parameters:
    ///   - initial: `--poll-initial`: the first poll's offset while no job time is known.
    ///   - max: `--poll-max`: the longest interval between polls.
    ///   - probe: Whether this job may be one of the probes.
    /// - Returns: The cold probe or a wait while nothing is known; else a first poll at the estimate, or a probe.
    public func schedule(initial: Duration, max: Duration, probe: Bool = true) -> PollSchedule {
        state.withLock { st in
            guard let (t, w) = Self.estimate(st.samples) else {
                if !st.coldProbe {
                    st.coldProbe = true
                    return PollSchedule(.coldProbe, initial: initial, max: max)
                }
                return PollSchedule(.waiting, initial: initial, max: max)
            }
            guard probe else { return PollSchedule(.estimate(t), initial: initial, max: max) }
            st.planned += 1
            if st.serverTimed || !(st.probeNext || st.planned % Self.probeEvery == 0) {
                return PollSchedule(.estimate(t), initial: initial, max: max)
            }
            // A probe that follows one that found its job done early starts from the earliest recent time.
            let from = st.probeNext ? Swift.min(t, .seconds(st.samples.map(\.done).min() ?? t.seconds)) : t
            st.probeNext = false
            return PollSchedule(.probe(time: from, spread: w), initial: initial, max: max)
        }
    }

    /// The cold probe ended without a sample (its document failed): another job may probe.
    func releaseColdProbe() { state.withLock { $0.coldProbe = false } }
}

/// One job's polls, in offsets from its submit reply, as `JobTimes` planned them.
public struct PollSchedule: Sendable {
    /// Which plan the schedule follows.
    public enum Kind: Sendable, Equatable {
        /// No job time known yet; this job polls fast to learn it.
        case coldProbe
        /// No job time known yet; wait for the cold probe's answer, or `--poll-initial`.
        case waiting
        /// A first poll at the estimated job time.
        case estimate(Duration)
        /// Polls from one spread before the estimate up to it, in half-spread steps.
        case probe(time: Duration, spread: Duration)
        /// A job an earlier run submitted (from the journal): polled at once, then as after `--poll-initial`.
        case resumed
    }

    /// The schedule for a job an earlier run submitted: its time since then is unknown.
    public static func resumed(initial: Duration, max: Duration) -> PollSchedule {
        PollSchedule(.resumed, initial: initial, max: max)
    }
    /// The plan this schedule follows.
    public let kind: Kind
    let initial: Duration
    let max: Duration
    /// Offsets of the polls planned ahead of the follow-ups.
    var planned: [Duration]
    var followUps: PollDelays.Iterator
    /// The last offset at which a poll found the job running (seconds; 0: none).
    public private(set) var running = 0.0
    /// Whether the job was found running at a poll made at or after the estimate.
    var missed = false

    init(_ kind: Kind, initial: Duration, max: Duration) {
        self.kind = kind
        self.initial = initial
        self.max = max
        switch kind {
        case .coldProbe:
            planned = []
            followUps = PollDelays(initial: Swift.min(.milliseconds(50), initial), max: max, factor: 1.2).makeIterator()
        case .waiting:
            planned = [initial]
            followUps = PollDelays(initial: initial, max: max).makeIterator()
        case .resumed:
            planned = [.zero]
            followUps = PollDelays(initial: initial, max: max).makeIterator()
        case .estimate(let t):
            planned = [Swift.min(t, max)]
            followUps = Self.followUps(after: t, initial: initial, max: max)
        case .probe(let t, let w):
            planned = (0...2).map { k in Swift.min(Swift.max(t - w * (1 - Double(k) / 2), .zero), max) }
            followUps = Self.followUps(after: t, initial: initial, max: max)
        }
    }

    /// After a first poll at the estimate `t`: a tenth of it (10 ms to `--poll-initial`), ×1.5 up to `--poll-max`.
    static func followUps(after t: Duration, initial: Duration, max: Duration) -> PollDelays.Iterator {
        let step = Swift.min(initial, Swift.max(.milliseconds(10), t / 10))
        return PollDelays(initial: step, max: max).makeIterator()
    }

    /// When to poll next: the next planned offset from the submit reply, else the next
    /// follow-up interval from the previous poll.
    public mutating func next(submitted: ContinuousClock.Instant, now: ContinuousClock.Instant)
        -> ContinuousClock.Instant
    {
        while let first = planned.first {
            planned.removeFirst()
            let at = submitted + first
            if at > now || planned.isEmpty { return Swift.max(at, now) }
        }
        return now + (followUps.next() ?? max)
    }

    /// A poll sent `offset` after the submit reply found the job running.
    public mutating func foundRunning(at offset: Duration) {
        running = Swift.max(running, offset.seconds)
        switch kind {
        case .estimate(let t), .probe(let t, _): if offset >= t { missed = true }
        case .coldProbe, .waiting, .resumed: break
        }
    }

    /// The sample a job done at a poll sent `offset` after its submit reply teaches, if any:
    /// probes always; a job first polled at the estimate only if it was found running there.
    public func sample(doneAt offset: Duration) -> JobTimes.Sample? {
        switch kind {
        case .coldProbe, .probe: return JobTimes.Sample(running: running, done: offset.seconds)
        case .estimate: return missed ? JobTimes.Sample(running: running, done: offset.seconds) : nil
        case .waiting: return JobTimes.Sample(running: running, done: offset.seconds)
        case .resumed: return nil
        }
    }
}

/// Parses `Retry-After`: delay-seconds or an HTTP-date (IMF-fixdate, RFC 850 or asctime). Past dates give zero.
public enum RetryAfter {
    /// The wait a `Retry-After` value asks for (RFC 9110 §10.2.3), at most one day (86 400 s).
    ///
    /// - Parameters:
    ///   - value: The header value: delay-seconds (fractions accepted) or an HTTP-date.
    ///   - now: The current time in epoch seconds, against which a date is measured.
    /// - Returns: The wait, zero for a date in the past, or nil for a value that is neither form.
    public static func parse(_ value: String, now: Double = currentEpochSeconds()) -> Duration? {
        let v = value.trimmingSpaces()
        if v.isEmpty { return nil }
        if v.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let n = Int(v) else { return .seconds(86_400) }
            return .seconds(Swift.min(n, 86_400))
        }
        if let d = Double(v), d >= 0, d.isFinite { return .seconds(Swift.min(d, 86_400)) }
        guard let t = HTTPDate.parse(v) else { return nil }
        let delta = t - now
        return .seconds(Swift.max(0, Swift.min(delta, 86_400)))
    }
}

/// HTTP-dates (RFC 9110 §5.6.7): the preferred IMF-fixdate, read leniently together with the obsolete RFC 850 and
/// asctime forms.
public enum HTTPDate {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Epoch seconds for "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT" or "Sun Nov  6 08:49:37 1994".
    public static func parse(_ s: String) -> Double? {
        let parts = s.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" }).map { String($0).lowercased() }
        var day: Int?, month: Int?, year: Int?, hms: [Int]?
        for p in parts {
            if p.contains(":") {
                let c = p.split(separator: ":").compactMap { Int($0) }
                if c.count == 3 { hms = c }
            } else if let n = Int(p) {
                if day == nil && n <= 31 && p.count <= 2 {
                    day = n
                } else {
                    year = n < 100 ? (n < 70 ? 2000 + n : 1900 + n) : n
                }
            } else if let m = months.firstIndex(of: String(p.prefix(3))),
                p.count == 3 || !weekdays.contains(String(p.prefix(3)))
            {
                month = m + 1
            }
        }
        guard let d = day, let m = month, let y = year, let t = hms else { return nil }
        return Double(daysFromCivil(y, m, d)) * 86400 + Double(t[0] * 3600 + t[1] * 60 + t[2])
    }
    static let weekdays: Set<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// Days since 1970-01-01 of a Gregorian date (`Timestamp.daysFromCivil`).
    public static func daysFromCivil(_ y: Int, _ m: Int, _ d: Int) -> Int { Timestamp.daysFromCivil(y, m, d) }

    /// "Sun, 06 Nov 1994 08:49:37 GMT" for epoch seconds.
    public static func format(_ epoch: Double) -> String {
        let t = Int(epoch.rounded(.down))
        let days = t >= 0 ? t / 86400 : (t - 86399) / 86400
        let secs = t - days * 86400
        let (y, m, d) = civilFromDays(days)
        let wd = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
        let mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m - 1]
        return "\(wd), \(pad2(d)) \(mon) \(y) \(pad2(secs / 3600)):\(pad2(secs / 60 % 60)):\(pad2(secs % 60)) GMT"
    }

    /// (year, month, day) of a day count since 1970-01-01 (`Timestamp.civilFromDays`).
    public static func civilFromDays(_ z: Int) -> (Int, Int, Int) { Timestamp.civilFromDays(z) }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
