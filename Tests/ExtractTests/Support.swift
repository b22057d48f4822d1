import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

/// A fake server plus a folder of documents, for end-to-end runs of the built smole-extract.
struct Fixture {
    let dir: TempDir
    let server: FakeSmoleServer

    static func make(_ config: FakeSmoleServer.Config = .init()) async throws -> Fixture {
        let server = FakeSmoleServer(config)
        try await server.start()
        return Fixture(dir: try TempDir("smole-extract-test"), server: server)
    }

    func close() async {
        await server.stop()
        dir.cleanup()
    }

    /// `n` small text documents with distinct contents; returns their paths.
    func docs(_ n: Int, prefix: String = "doc") throws -> [String] {
        try (1...n).map { i in
            let name = String(format: "%@-%03d.txt", prefix, i)
            return try dir.write(name, "INVOICE \(prefix) \(i)\nTotal: \(i * 7).00 EUR\n")
        }
    }

    /// Runs smole-extract against the fake server (key and URL from the environment cleared unless given).
    func run(_ args: [String], stdin: String? = nil, env: [String: String] = [:], api: Bool = true) async throws
        -> RunResult
    {
        var e = ["SMOLE_API_KEY": "", "SMOLE_API_URL": "", "NO_COLOR": "1"]
        for (k, v) in env { e[k] = v }
        return try await runTool(
            "smole-extract", (api ? ["--api", server.baseURL] : []) + args, stdin: stdin, cwd: dir.path, env: e)
    }

    func spawn(_ args: [String], stdinPath: String? = nil, env: [String: String] = [:]) throws -> SpawnedTool {
        var e = ["SMOLE_API_KEY": "", "SMOLE_API_URL": "", "NO_COLOR": "1"]
        for (k, v) in env { e[k] = v }
        return try SpawnedTool(
            "smole-extract", ["--api", server.baseURL] + args, stdinPath: stdinPath, outputDir: dir.path, env: e)
    }
}

func records(_ r: RunResult) -> [Record] { records(r.stdoutLines) }

func records(_ lines: [String]) -> [Record] {
    lines.compactMap { line in
        guard let o = (try? JSON.parse(line))?.objectValue else {
            Issue.record("not a JSON object: \(line)")
            return nil
        }
        return Record(o)
    }
}

func byName(_ recs: [Record]) -> [String: Record] {
    var m: [String: Record] = [:]
    for r in recs {
        if let p = r.path { m[(p as NSString).lastPathComponent] = r }
    }
    return m
}

/// SHA-256 by the system's sha256sum, independent of the code under test.
func sha256sum(_ path: String) async throws -> String {
    let r = try await runTool("/usr/bin/sha256sum", [path])
    return String(r.stdout.prefix(64))
}

extension Array where Element == FakeSmoleServer.Entry {
    func forDocument(_ name: String) -> [FakeSmoleServer.Entry] {
        filter { $0.document == name }.sorted { $0.received < $1.received }
    }

    /// Pairs of consecutive requests for one document where the second came before the first's Retry-After.
    func retryAfterViolations(slack: Double = 0.01) -> [String] {
        var bad: [String] = []
        for name in Set(compactMap(\.document)) {
            let reqs = forDocument(name)
            for (a, b) in zip(reqs, reqs.dropFirst()) {
                if let ra = a.retryAfter, let answered = a.answered, b.received + slack < answered + Double(ra) {
                    bad.append("\(name): \(b.method) at \(b.received) before \(answered) + \(ra)")
                }
            }
        }
        return bad
    }

    /// The most documents active at once: each document from its first request until its last reply.
    func maxDocumentsInFlight() -> Int {
        var events: [(Double, Int)] = []
        for name in Set(compactMap(\.document)) {
            let reqs = forDocument(name)
            guard let first = reqs.first else { continue }
            let last = reqs.map { $0.answered ?? $0.received }.max()!
            events.append((first.received, 1))
            events.append((last, -1))
        }
        events.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var cur = 0, peak = 0
        for (_, d) in events {
            cur += d
            peak = Swift.max(peak, cur)
        }
        return peak
    }
}
