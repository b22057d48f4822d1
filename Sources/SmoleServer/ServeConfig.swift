import Foundation
import SmoleRecords

/// Everything `smole-serve` is told on its command line and in its environment.
public struct ServeConfig: Sendable {
    /// The address to listen on (`--host`); loopback by default.
    public var host = "127.0.0.1"
    /// The TCP port to listen on (`--port`); 8750 by default, 0 for one the system picks.
    public var port = SmoleServerInfo.defaultPort
    /// Jobs run at once.
    public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Jobs waiting for a worker at most; beyond it submissions get 503.
    public var queueLimit = 64
    /// Largest accepted `file` part, in bytes.
    public var maxUpload = 100 * 1024 * 1024
    /// Required bearer key, if any. Never logged.
    public var apiKey: String?
    /// How long finished jobs are kept before they are evicted (404 afterwards).
    public var keep: Duration = .seconds(24 * 3600)
    /// Folder under which the private upload folder is made (default: $TMPDIR or /tmp).
    public var tempRoot: String?
    /// No request log lines.
    public var quiet = false
    /// This node's name in a cluster: the front of every job id (`ID.UUID`) and the `node` of
    /// `/healthz`, so a proxy can send a poll to the node that holds the job. Nil: bare UUIDs.
    public var nodeID: String?
    /// The defaults: loopback, port 8750, one worker per processor, 64 queued jobs, 100 MiB uploads, no key, jobs kept
    /// 24 h.
    public init() {}
}

/// The rule for a node id (`smole-serve --node-id`).
public enum NodeID {
    /// Longest id accepted, in characters (a DNS label's limit, RFC 1035 §2.3.4).
    public static let maxLength = 63

    /// Nil when `id` can be a node id, else why not. A node id is 1 to 63 ASCII letters, digits,
    /// `-` or `_`: characters that are "unreserved" in a URI path segment (RFC 3986 §2.3) and
    /// need no escaping in an nginx `map` regex; never a dot, which separates the id from the
    /// job's UUID.
    public static func problem(_ id: String) -> String? {
        if id.isEmpty { return "it is empty" }
        if id.count > maxLength { return "it is longer than \(maxLength) characters" }
        if let bad = id.first(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_")) }) {
            let shown = bad == "." ? "a dot (the dot separates the node id from the job's UUID)" : "\"\(bad)\""
            return "it contains \(shown); use ASCII letters, digits, - and _"
        }
        return nil
    }
}

/// Durations like `90s`, `30m`, `24h`, `7d`, `1h30m`, `500ms`, or plain seconds.
public enum DurationText {
    /// Parses a duration: a plain non-negative number of seconds, or a sum of number-unit terms with units `ms`,
    /// `s`/`sec`, `m`/`min`, `h`, `d` (any case).
    ///
    /// - Returns: The duration, truncated to whole milliseconds, or nil for text that is not a duration.
    public static func parse(_ text: String) -> Duration? {
        let s = text.smTrim(" \t").lowercased()
        guard !s.isEmpty else { return nil }
        if let secs = Double(s), secs >= 0 { return .milliseconds(Int64(secs * 1000)) }
        var total: Double = 0
        var rest = Substring(s)
        while !rest.isEmpty {
            var digits = ""
            while let c = rest.first, c.isNumber || c == "." {
                digits.append(c)
                rest = rest.dropFirst()
            }
            var unit = ""
            while let c = rest.first, c.isLetter {
                unit.append(c)
                rest = rest.dropFirst()
            }
            guard let n = Double(digits), n >= 0 else { return nil }
            switch unit {
            case "ms": total += n / 1000
            case "s", "sec": total += n
            case "m", "min": total += n * 60
            case "h": total += n * 3600
            case "d": total += n * 86400
            default: return nil
            }
        }
        return .milliseconds(Int64(total * 1000))
    }
}

extension Duration {
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}

/// Equal-length-independent, data-independent comparison of a presented key with the
/// configured one: every byte of the longer input is visited whatever the contents.
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    let n = max(a.count, b.count)
    var diff = UInt(a.count ^ b.count)
    for i in 0..<n {
        let x = i < a.count ? a[i] : 0
        let y = i < b.count ? b[i] : 0
        diff |= UInt(x ^ y)
    }
    return diff == 0
}

/// RFC 3339 UTC with milliseconds, e.g. `2026-11-29T05:40:01.123Z`.
func rfc3339(_ date: Date) -> String { Timestamp.format(date.timeIntervalSince1970) }

/// Where the server's API key comes from: `--api-key-file`, else `SMOLE_SERVE_API_KEY`.
public enum ServeKey {
    /// Why the key could not be loaded, with the exit status it calls for (sysexits.h).
    public struct Failure: Error, Sendable {
        /// The message for stderr, naming the file.
        public var message: String
        /// 66 for a missing file, 74 for an unreadable one, 64 for an empty key or one with white space.
        public var status: ExitStatus
    }

    /// The key (trailing whitespace and newline removed), nil when none is configured.
    public static func load(file: String?, environment: [String: String]) -> Result<String?, Failure> {
        if let file {
            guard FileManager.default.fileExists(atPath: file) else {
                return .failure(Failure(message: "the API key file \(file) does not exist", status: .noInput))
            }
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8)
            else {
                return .failure(Failure(message: "cannot read the API key file \(file)", status: .ioError))
            }
            let key = text.smTrim(" \t\r\n")
            guard !key.isEmpty else {
                return .failure(Failure(message: "the API key file \(file) is empty", status: .usage))
            }
            guard !key.contains(where: { $0.isWhitespace }) else {
                return .failure(
                    Failure(message: "the API key in \(file) must be one line with no spaces", status: .usage))
            }
            return .success(key)
        }
        if let env = environment["SMOLE_SERVE_API_KEY"] {
            let key = env.smTrim(" \t\r\n")
            return .success(key.isEmpty ? nil : key)
        }
        return .success(nil)
    }
}
