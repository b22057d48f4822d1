import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

/// kill -9 in the middle of a 200-document run, then resume: every document ends ok exactly
/// once, and the journal keeps jobs already paid for from being uploaded again.
@Suite(.serialized) struct CrashDrillTests {
    struct Drill {
        let f: Fixture
        let docs: [String]
        let journal: String
        let firstOutput: [Record]
        /// Documents whose job id the journal held when the first run died.
        let journaled: Set<String>
        let postsBefore: Int
    }

    /// Runs 200 documents with a journal and kills the run with SIGKILL once about a quarter are done.
    func crashedRun() async throws -> Drill {
        var c = FakeSmoleServer.Config()
        // Jobs of a second: the run lasts well over ten seconds (200 × 1 s / 16), so the kill lands mid-run even on a
        // loaded machine (with 300 ms jobs and polls that learn the job time, a loaded CI run ended before the kill).
        c.jobDuration = .seconds(1)
        let f = try await Fixture.make(c)
        let docs = try f.docs(200)
        let list = try f.dir.write("inputs.txt", docs.joined(separator: "\n") + "\n")
        let journal = f.dir.file("jobs.journal")
        let tool = try f.spawn(
            ["--schema", "invoice", "-j", "16", "--journal", journal, "--poll-initial", "0.1"], stdinPath: list)
        let deadline = ContinuousClock.now + .seconds(60)
        while tool.stdoutLines.count < 50, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        tool.signal(SIGKILL)
        #expect(await tool.wait() == 128 + 9)
        // Every line written before the kill is whole (one write(2) per line).
        let text = tool.stdout
        #expect(text.isEmpty || text.hasSuffix("\n"))
        let first = records(tool.stdoutLines)
        #expect(first.count >= 50 && first.count < 200)
        #expect(first.allSatisfy { $0.isOK })
        let journaled = Set(
            try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n").compactMap {
                (try? JSON.parse(String($0)))?.objectValue?["path"]?.stringValue
            })
        return Drill(
            f: f, docs: docs, journal: journal, firstOutput: first, journaled: journaled,
            postsBefore: f.server.log.filter(\.isSubmit).count)
    }

    func checkResumed(_ d: Drill, _ second: RunResult) {
        #expect(second.status == 0, "\(second.stderr)")
        let all = d.firstOutput + records(second)
        // Every document ends ok exactly once across both runs.
        #expect(all.count == 200)
        #expect(Set(all.compactMap(\.path)) == Set(d.docs))
        #expect(all.allSatisfy { $0.isOK })
        // Documents the journal knew were polled, not uploaded again; the server made one job per document.
        let log = d.f.server.log
        let laterPosts = log.filter(\.isSubmit).dropFirst(d.postsBefore)
        let reuploaded = laterPosts.compactMap(\.document).filter { name in
            d.journaled.contains { ($0 as NSString).lastPathComponent == name }
        }
        #expect(reuploaded.isEmpty)
        #expect(d.f.server.jobCount == 200)
        #expect(d.journaled.count > d.firstOutput.count)
    }

    @Test func crashThenResumeWithTheJournal() async throws {
        let d = try await crashedRun()
        defer { Task { await d.f.close() } }
        // Pending: inputs with no result yet (what `smole-retry --pending` computes).
        let done = Set(d.firstOutput.compactMap(\.path))
        let pending = d.docs.filter { !done.contains($0) }
        let second = try await d.f.run(
            ["--schema", "invoice", "-j", "16", "--journal", d.journal, "--poll-initial", "0.1"],
            stdin: pending.joined(separator: "\n") + "\n")
        checkResumed(d, second)
    }

    @Test
    func crashThenSmoleRetryPendingThenResume() async throws {
        let d = try await crashedRun()
        defer { Task { await d.f.close() } }
        let partial = try d.f.dir.write(
            "results.ndjson", d.firstOutput.map { $0.serialized() }.joined(separator: "\n") + "\n")
        let pending = try await runTool(
            "smole-retry", ["--pending", partial], stdin: d.docs.joined(separator: "\n") + "\n", cwd: d.f.dir.path)
        #expect(pending.status == 0, "\(pending.stderr)")
        #expect(pending.stdoutLines.count == 200 - d.firstOutput.count)
        let second = try await d.f.run(
            ["--schema", "invoice", "-j", "16", "--journal", d.journal, "--poll-initial", "0.1"],
            stdin: pending.stdout)
        checkResumed(d, second)
    }
}
