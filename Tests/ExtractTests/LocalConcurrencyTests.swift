import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

/// With the local engine, smole-extract runs one document per CPU core by default, and exactly `-j` when given.
/// A stand-in pdftotext on PATH logs when each call starts and ends, so the overlap is measured from outside.
@Suite struct LocalConcurrencyTests {
    static func maxOverlap(_ log: String) -> Int {
        var events: [(Double, Int)] = []
        for line in log.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let t = Double(parts[1]) else { continue }
            events.append((t, parts[0] == "start" ? 1 : -1))
        }
        // ends before starts at the same instant
        events.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        var cur = 0, best = 0
        for e in events { cur += e.1; best = max(best, cur) }
        return best
    }

    func run(jobs: Int?) async throws -> (overlap: Int, ok: Int, docs: Int) {
        let dir = try TempDir("smole-local-jobs"); defer { dir.cleanup() }
        let bin = dir.file("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let log = dir.file("calls.log")
        // A PDF-looking file is all the engine's sniffing needs; the stand-in prints a text layer for it.
        try dir.writeExecutable(
            "bin/pdftotext",
            """
            #!/bin/sh
            echo "start $(date +%s.%N)" >> "$SMOLE_TEST_CALL_LOG"
            sleep 0.4
            printf 'INVOICE\\nInvoice No: A-17\\nDate: 2026-03-01\\nTotal: 40.00 EUR\\nThank you for your business\\n'
            echo "end $(date +%s.%N)" >> "$SMOLE_TEST_CALL_LOG"
            """)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let n = 2 * max(cores, jobs ?? 1) + 1
        var paths: [String] = []
        for i in 1...n { paths.append(try dir.write("doc-\(i).pdf", "%PDF-1.4\n% stand-in \(i)\n")) }
        let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let r = try await runTool(
            "smole-extract", ["--schema", "invoice"] + (jobs.map { ["-j", String($0)] } ?? []),
            stdin: paths.joined(separator: "\n") + "\n", cwd: dir.path,
            env: ["PATH": path, "SMOLE_API_KEY": "", "SMOLE_API_URL": "", "SMOLE_TEST_CALL_LOG": log])
        let recs = records(r)
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return (Self.maxOverlap(text), recs.filter(\.isOK).count, n)
    }

    @Test func defaultIsOneDocumentPerCore() async throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let (overlap, ok, n) = try await run(jobs: nil)
        #expect(ok == n)
        #expect(overlap == cores)
    }

    @Test func jobsBoundsTheEngine() async throws {
        // more children than cores: each waits on its own thread, none queues behind another
        let (overlap, ok, n) = try await run(jobs: 6)
        #expect(ok == n)
        #expect(overlap == 6)
        let (one, okOne, nOne) = try await run(jobs: 1)
        #expect(okOne == nOne)
        #expect(one == 1)
    }
}
