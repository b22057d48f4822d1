import Foundation

/// RFC 3339 timestamps in UTC (`2026-11-29T05:40:01.123Z`): the one formatter and parser of the package, used for
/// smole-ls's `mtime`, smole-extract's `started_at`/`finished_at`, and the wire contract's `createdAt`/`updatedAt`.
public enum Timestamp {
    /// Epoch seconds as RFC 3339 UTC with milliseconds (rounded to the nearest), e.g. `2026-11-29T05:40:01.123Z`.
    public static func format(_ epoch: Double) -> String {
        let ms = Int((epoch * 1000).rounded())
        let t = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        return format(seconds: t, milliseconds: ms - t * 1000)
    }

    /// Whole epoch seconds as RFC 3339 UTC, e.g. `2026-01-31T09:05:00Z`; with `milliseconds` (0...999), a
    /// three-digit fraction is added.
    public static func format(seconds t: Int, milliseconds: Int? = nil) -> String {
        let days = t >= 0 ? t / 86400 : (t - 86399) / 86400
        let secs = t - days * 86400
        let (y, m, d) = civilFromDays(days)
        let year = y >= 0 && y < 1000 ? String(repeating: "0", count: 4 - String(y).count) + String(y) : String(y)
        var out = "\(year)-\(pad2(m))-\(pad2(d))T\(pad2(secs / 3600)):\(pad2(secs / 60 % 60)):\(pad2(secs % 60))"
        if let f = milliseconds { out += f < 10 ? ".00\(f)" : f < 100 ? ".0\(f)" : ".\(f)" }
        return out + "Z"
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
        let days = daysFromCivil(y, mo, d)
        return Double(days * 86400 + h * 3600 + mi * 60 + se - offset) + frac
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    public static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
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

/// Two-digit zero padding for clock fields.
@inline(__always) package func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

/// The wall clock in epoch seconds (`CLOCK_REALTIME`).
public func currentEpochSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

extension Duration {
    /// The duration in seconds as a Double.
    public var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
    /// A Duration of `s` seconds, fractions kept to attosecond precision.
    public static func secondsDouble(_ s: Double) -> Duration { .seconds(s) }
}
