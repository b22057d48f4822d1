import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// The posix_spawn runner against real programs.
@Suite struct SpawnRunner {
    func exe(_ name: String) throws -> String { try #require(ExternalTool.locate(name)) }

    @Test func readsLargeStdoutAndStderrFullyWithTheExitStatus() async throws {
        // 3 MB on stdout (more than any pipe buffer) while stderr also gets text
        let out = await Spawn.run(
            try exe("head"), ["-c", "3000000", "/dev/zero"], timeout: .seconds(20), outputLimit: 64 << 20)
        guard case .finished(let r) = out else { Issue.record("\(out)"); return }
        #expect(r.status == 0)
        #expect(r.stdout.count == 3_000_000)
        let bad = await Spawn.run(try exe("ls"), ["/definitely/not/here"], timeout: .seconds(20), outputLimit: 1 << 20)
        guard case .finished(let b) = bad else { Issue.record("\(bad)"); return }
        #expect(b.status != 0)
        #expect(b.stderr.contains("/definitely/not/here"))
    }

    @Test func argumentsAreNeverAShell() async throws {
        let out = await Spawn.run(
            try exe("echo"), ["$HOME; rm -rf /", "`id`"], timeout: .seconds(20), outputLimit: 1 << 20)
        guard case .finished(let r) = out else { Issue.record("\(out)"); return }
        #expect(r.text == "$HOME; rm -rf / `id`\n")
    }

    @Test func stdinIsEmptyNotInherited() async throws {
        let out = await Spawn.run(try exe("cat"), [], timeout: .seconds(20), outputLimit: 1 << 20)
        guard case .finished(let r) = out else { Issue.record("\(out)"); return }
        #expect(r.status == 0 && r.stdout.isEmpty)
    }

    @Test func aDeadlineKillsTheChild() async throws {
        let start = ContinuousClock.now
        let out = await Spawn.run(try exe("sleep"), ["30"], timeout: .milliseconds(300), outputLimit: 1 << 20)
        guard case .timedOut = out else { Issue.record("\(out)"); return }
        #expect(ContinuousClock.now - start < .seconds(20), "killed long before sleep 30 ends")
    }

    @Test func cancellingTheTaskKillsTheChild() async throws {
        let sleep = try exe("sleep")
        let start = ContinuousClock.now
        let task = Task { await Spawn.run(sleep, ["30"], timeout: .seconds(60), outputLimit: 1 << 20) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let out = await task.value
        guard case .cancelled = out else { Issue.record("\(out)"); return }
        #expect(ContinuousClock.now - start < .seconds(20), "killed long before sleep 30 ends")
    }

    @Test func externalToolTimeoutIsATimeoutRecordError() async throws {
        var o = EngineOptions()
        o.timeout = .milliseconds(300)
        do {
            _ = try await ExternalTool.run("sleep", ["30"], options: o)
            Issue.record("no timeout")
        } catch {
            #expect(error.code == .timeout)
            #expect(error.message.contains("sleep"))
        }
    }
}
