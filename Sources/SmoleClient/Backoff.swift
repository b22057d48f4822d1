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

extension Duration {
    /// The duration in seconds as a Double.
    public var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
    public static func secondsDouble(_ s: Double) -> Duration { .seconds(s) }
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

    /// Howard Hinnant's days_from_civil.
    public static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

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

    public static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

@inline(__always) func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

/// RFC 3339 timestamps: formatting (UTC, milliseconds) and parsing (any offset, optional fraction).
public enum Timestamp {
    public static func format(_ epoch: Double) -> String {
        let ms = Int((epoch * 1000).rounded())
        let t = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let frac = ms - t * 1000
        let days = t >= 0 ? t / 86400 : (t - 86399) / 86400
        let secs = t - days * 86400
        let (y, m, d) = HTTPDate.civilFromDays(days)
        let f = frac < 10 ? "00\(frac)" : frac < 100 ? "0\(frac)" : "\(frac)"
        return "\(y)-\(pad2(m))-\(pad2(d))T\(pad2(secs / 3600)):\(pad2(secs / 60 % 60)):\(pad2(secs % 60)).\(f)Z"
    }

    /// Epoch seconds of `2026-11-29T05:40:01.123Z` / `...+01:00`, or nil.
    public static func parse(_ s: String) -> Double? {
        let b = Array(s.utf8)
        guard b.count >= 19 else { return nil }
        func num(_ from: Int, _ len: Int) -> Int? {
            var v = 0
            for i in from..<(from + len) {
                guard i < b.count, b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
            let se = num(17, 2)
        else { return nil }
        var i = 19
        var frac = 0.0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                frac += Double(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
        }
        var offset = 0
        if i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                guard let oh = num(i + 1, 2), let om = num(i + 4, 2) else { return nil }
                offset = (oh * 3600 + om * 60) * (c == UInt8(ascii: "+") ? 1 : -1)
            }
        }
        let days = HTTPDate.daysFromCivil(y, mo, d)
        return Double(days * 86400 + h * 3600 + mi * 60 + se - offset) + frac
    }
}

public func currentEpochSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
