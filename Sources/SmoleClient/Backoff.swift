import SmoleRecords

/// Retry delays as a plain sequence, so they can be tested with no clock.

/// Exponential back-off with full jitter: the n-th delay is uniform in [0, min(cap, base·2ⁿ)].
public struct RetryDelays: Sequence, Sendable {
    public var base: Duration
    public var cap: Duration
    public var jitter: Bool

    public init(base: Duration = .milliseconds(500), cap: Duration = .seconds(30), jitter: Bool = true) {
        self.base = base
        self.cap = cap
        self.jitter = jitter
    }

    public struct Iterator: IteratorProtocol {
        var n = 0
        let base: Double
        let cap: Double
        let jitter: Bool
        var rng = SystemRandomNumberGenerator()
        public mutating func next() -> Duration? {
            let ceiling = Swift.min(cap, base * pow2(n))
            n += 1
            let v = jitter ? Double.random(in: 0...ceiling, using: &rng) : ceiling
            return .seconds(v)
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(base: base.seconds, cap: cap.seconds, jitter: jitter)
    }
}

/// Poll intervals: `initial`, then ×`factor` up to `max`, each with ±`jitter` (a fraction).
public struct PollDelays: Sequence, Sendable {
    public var initial: Duration
    public var max: Duration
    public var factor: Double
    public var jitter: Double

    public init(initial: Duration = .milliseconds(500), max: Duration = .seconds(10), factor: Double = 1.5, jitter: Double = 0.1) {
        self.initial = initial
        self.max = max
        self.factor = factor
        self.jitter = jitter
    }

    public struct Iterator: IteratorProtocol {
        var current: Double
        let max: Double
        let factor: Double
        let jitter: Double
        public mutating func next() -> Duration? {
            let base = Swift.min(current, max)
            current = Swift.min(current * factor, max)
            let j = jitter > 0 ? Double.random(in: (1 - jitter)...(1 + jitter)) : 1
            return .seconds(Swift.min(base * j, max))
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(current: initial.seconds, max: max.seconds, factor: factor, jitter: jitter)
    }
}

@inline(__always) func pow2(_ n: Int) -> Double {
    n >= 62 ? Double.greatestFiniteMagnitude : Double(UInt64(1) << UInt64(n))
}

/// Parses `Retry-After`: delay-seconds or an HTTP-date (IMF-fixdate, RFC 850 or asctime). Past dates give zero.
public enum RetryAfter {
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
                if day == nil && n <= 31 && p.count <= 2 { day = n } else { year = n < 100 ? (n < 70 ? 2000 + n : 1900 + n) : n }
            } else if let m = months.firstIndex(of: String(p.prefix(3))), p.count == 3 || !weekdays.contains(String(p.prefix(3))) {
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
