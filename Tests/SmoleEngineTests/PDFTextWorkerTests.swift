import Foundation
import SmoleRecords
import Testing
import _SmoleTestSupport

@testable import SmoleEngine

/// The PDF text worker (smole-pdftext-worker, built with the tests): libpoppler's pdftotext code in a long-lived
/// process. Its text must be pdftotext's, byte for byte; a document it cannot read, and a worker that died, fall back
/// to pdftotext itself.
@Suite(.serialized) struct PDFTextWorker {
    /// The running test process's idle workers (children whose program is smole-pdftext-worker).
    static func workers() -> [pid_t] {
        let me = getpid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, Int32(fields[1]) == me else { return false }
            let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")) ?? ""
            return exe.hasSuffix("/smole-pdftext-worker")
        }
    }

    static func pdftotext(_ path: String) async throws -> [UInt8] {
        let r = try await runTool("pdftotext", ["-layout", "-enc", "UTF-8", "-l", "50", path, "-"])
        try #require(r.status == 0, "pdftotext failed: \(r.stderr)")
        return Array(r.stdout.utf8)
    }

    @Test func theWorkerIsBuiltAndGivesPdftotextsTextByteForByte() async throws {
        try #require(PDFTextWorkers.program != nil, "smole-pdftext-worker is built next to the tests (swift build)")
        let dir = try TempDir(); defer { dir.cleanup() }
        // a one-page invoice, three pages (form feeds between them), and accented and non-Latin text in columns
        let one = try Fixture.pdf(
            dir, "one.pdf",
            [[(50, "Harbor Hardware")], [(50, "Invoice Number:"), (200, "77120")], [(50, "Total"), (250, "220.00")]])
        let three = try Fixture.pdf(
            dir, "three.pdf", [[(50, "Page one"), (300, "1.00")]],
            pages: [[[(50, "Page two"), (300, "2.00")]], [[(50, "Übertrag"), (300, "3,00 €")]]])
        let accents = try Fixture.pdf(
            dir, "accents.pdf",
            [[(50, "Facturé à: Société Générale"), (320, "Größe 3,50 €")], [(50, "Zahlbetrag"), (320, "1.234,56")]])
        for path in [one, three, accents] {
            let viaWorker = try await PDFTextWorkers.shared.run(
                ["-layout", "-enc", "UTF-8", "-l", "50", path, "-"], options: EngineOptions())
            let worker = try #require(viaWorker, "the worker read \(path)")
            #expect(worker.stdout == (try await Self.pdftotext(path)), "\(path)")
        }
        #expect(!Self.workers().isEmpty, "an idle worker is kept for the next document")
        // the page limit is pdftotext's -l
        let two = try #require(
            try await PDFTextWorkers.shared.run(
                ["-layout", "-enc", "UTF-8", "-l", "2", three, "-"], options: EngineOptions()))
        let r = try await runTool("pdftotext", ["-layout", "-enc", "UTF-8", "-l", "2", three, "-"])
        #expect(two.stdout == Array(r.stdout.utf8))
        #expect(!String(decoding: two.stdout, as: UTF8.self).contains("Übertrag"))
        // more text than the reading keeps: pdftotext reads it (and keeps what its own limit allows), not the worker
        #expect(
            try await PDFTextWorkers.shared.run(
                ["-layout", "-enc", "UTF-8", "-l", "50", three, "-"], options: EngineOptions(), outputLimit: 10) == nil)
    }

    /// A damaged PDF is handed back to pdftotext (so its error is pdftotext's, as before); a worker killed between
    /// documents is replaced, and the next document still reads right.
    @Test func aDocumentTheWorkerCannotReadOrADeadWorkerFallsBackToPdftotext() async throws {
        try #require(PDFTextWorkers.program != nil)
        let dir = try TempDir(); defer { dir.cleanup() }
        let damaged = dir.file("damaged.pdf")
        try Data("%PDF-1.4\n1 0 obj <<".utf8).write(to: URL(fileURLWithPath: damaged))
        #expect(
            try await PDFTextWorkers.shared.run(
                ["-layout", "-enc", "UTF-8", "-l", "50", damaged, "-"], options: EngineOptions()) == nil)
        await #expect(throws: RecordError.self) { try await TextSource.read(path: damaged, options: EngineOptions()) }

        let good = try Fixture.pdf(
            dir, "good.pdf", [[(50, "Harbor Hardware Supplies Ltd")], [(50, "Invoice Number:"), (200, "A-1")]])
        _ = try await TextSource.read(path: good, options: EngineOptions())
        let idle = Self.workers()
        try #require(!idle.isEmpty)
        for pid in idle { kill(pid, SIGKILL) }
        // each dead worker's pipe fails and pdftotext reads that document; once the dead ones are used up, a new
        // worker reads the next
        var texts: [[String]] = []
        for _ in 0...idle.count {
            texts.append(try await TextSource.read(path: good, options: EngineOptions()).pages)
        }
        #expect(texts.allSatisfy { $0.first?.contains("A-1") == true && $0 == texts[0] })
        #expect(!Self.workers().filter { !idle.contains($0) }.isEmpty, "a new worker took the dead ones' place")
    }

    /// A worker that stops answering (stopped with SIGSTOP: a hung poppler, as far as the reading can tell) is killed
    /// at the reading's time limit, which is a `timeout`; one whose reading is cancelled is killed at once, which is
    /// `cancelled`. Neither worker is used again.
    @Test func aWorkerThatStopsAnsweringIsKilledAtTheTimeLimitOrOnCancel() async throws {
        try #require(PDFTextWorkers.program != nil)
        let dir = try TempDir(); defer { dir.cleanup() }
        let good = try Fixture.pdf(
            dir, "good.pdf", [[(50, "Harbor Hardware Supplies Ltd")], [(50, "Invoice Number:"), (200, "A-1")]])
        let args = ["-layout", "-enc", "UTF-8", "-l", "50", good, "-"]
        /// Reads once so a worker is idle, then stops the one the next reading takes.
        func stoppedWorkers() async throws -> [pid_t] {
            _ = try #require(try await PDFTextWorkers.shared.run(args, options: EngineOptions()))
            let next = try #require(PDFTextWorkers.shared.idlePIDs.last)
            try #require(Self.workers().contains(next))
            kill(next, SIGSTOP)
            return [next]
        }
        func gone(_ pids: [pid_t]) async -> Bool {
            for _ in 0..<50 {
                if Set(Self.workers()).isDisjoint(with: pids) { return true }
                try? await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        var short = EngineOptions()
        short.timeout = .seconds(1)

        let stopped = try await stoppedWorkers()
        let start = ContinuousClock.now
        // the stopped worker is the idle one the reading takes
        let timed = await Task { try await PDFTextWorkers.shared.run(args, options: short) }.result
        guard case .failure(let timeoutError) = timed, let t = timeoutError as? RecordError else {
            Issue.record("a reading of a hung worker must fail at the limit, got \(timed)")
            return
        }
        #expect(t.code == .timeout, "\(t)")
        #expect(ContinuousClock.now - start < .seconds(5), "stopped at the limit, not later")
        #expect(await gone(stopped), "the hung worker is killed and reaped")
        for pid in stopped { kill(pid, SIGCONT) }

        let stopped2 = try await stoppedWorkers()
        let reading = Task { try await PDFTextWorkers.shared.run(args, options: EngineOptions()) }
        try await Task.sleep(for: .milliseconds(300))
        let cancelledAt = ContinuousClock.now
        reading.cancel()
        let result = await reading.result
        #expect(ContinuousClock.now - cancelledAt < .seconds(3), "a cancel is seen within the poll step")
        guard case .failure(let error) = result, let e = error as? RecordError else {
            Issue.record("a cancelled reading of a hung worker must fail, got \(result)")
            return
        }
        #expect(e.code == .cancelled, "\(e)")
        #expect(await gone(stopped2), "the hung worker is killed and reaped")
        // and the next reading starts a new worker and reads the document
        let next = try #require(try await PDFTextWorkers.shared.run(args, options: EngineOptions()))
        #expect(String(decoding: next.stdout, as: UTF8.self).contains("A-1"))
    }

    /// A worker program that cannot run here (one that exits at once; one that does not exist): after three failed
    /// starts in a row the pool stops starting it and every reading goes to pdftotext at once.
    @Test func aWorkerThatCannotRunIsGivenUpAfterThreeStarts() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let good = try Fixture.pdf(dir, "good.pdf", [[(50, "Invoice Number:"), (200, "A-1")]])
        let args = ["-layout", "-enc", "UTF-8", "-l", "50", good, "-"]
        let log = dir.file("starts.log")
        let dies = try dir.writeExecutable("bin/dies", "#!/bin/sh\necho start >> \"\(log)\"\nexit 127\n")
        for program in [dies, dir.file("bin/missing")] {
            let pool = PDFTextWorkers(program: program)
            for _ in 0..<(PDFTextWorkers.startsBeforeGivingUp + 3) {
                #expect(try await pool.run(args, options: EngineOptions()) == nil, "pdftotext reads it")
            }
            #expect(!pool.startsWorkers, "\(program)")
        }
        let starts = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(starts.count == PDFTextWorkers.startsBeforeGivingUp)
        // a worker that runs is never given up
        let pool = PDFTextWorkers(program: PDFTextWorkers.program)
        if PDFTextWorkers.program != nil {
            for _ in 0..<(PDFTextWorkers.startsBeforeGivingUp + 1) {
                #expect(try await pool.run(args, options: EngineOptions()) != nil)
            }
            #expect(pool.startsWorkers)
        }
    }

    /// A custom tool search path means those programs are to be run: pdftotext from it, not the worker.
    @Test func aToolSearchPathRunsPdftotextItself() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let log = dir.file("pdftotext.log")
        let real = try #require(ExternalTool.locate("pdftotext"), "pdftotext must be installed (scripts/setup)")
        _ = try dir.writeExecutable("bin/pdftotext", "#!/bin/sh\necho \"$*\" >> \"\(log)\"\nexec \"\(real)\" \"$@\"\n")
        let good = try Fixture.pdf(
            dir, "good.pdf", [[(50, "Harbor Hardware Supplies Ltd")], [(50, "Invoice Number:"), (200, "A-1")]])
        var options = EngineOptions()
        options.toolSearchPath = dir.file("bin")
        let doc = try await TextSource.read(path: good, options: options)
        #expect(doc.pages.first?.contains("A-1") == true)
        let calls = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(calls.count == 1)
    }
}
