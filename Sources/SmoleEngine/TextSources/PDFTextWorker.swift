import Foundation
import SmoleRecords
import Synchronization

/// A PDF's layout text from `smole-pdftext-worker` (Sources/smole-pdftext-worker/main.cpp): libpoppler running
/// pdftotext's own code, byte for byte the text of `pdftotext -layout -enc UTF-8`, in long-lived processes, so
/// the start-up pdftotext pays per document (loading and relocating libpoppler: about two thirds of its CPU on a
/// one-page invoice, perf in session 7) is paid once per worker.
///
/// One worker per concurrent reading: a reading takes an idle worker or starts one, and puts it back after. A worker
/// that cannot read a document (a damaged or encrypted PDF), or that dies or answers nonsense, hands the document
/// back to pdftotext (`ExternalTool.run`), so such a document fails as before, in a process of its own, with
/// pdftotext's exit status and message. A worker past the reading's time limit is killed and the reading is a
/// `timeout`, as for pdftotext.
///
/// Used when the worker is installed next to the running program (or in `../libexec/smole/`), pdftotext is found
/// (the engine still requires poppler-utils), no `toolSearchPath` is set (a custom search path means those programs
/// are to be run) and `SMOLE_PDFTEXT_WORKER` is not `0`.
final class PDFTextWorkers: Sendable {
    static let shared = PDFTextWorkers(program: PDFTextWorkers.program)

    /// The program this pool starts (`program` for the shared pool; nil: never used).
    let workerProgram: String?

    init(program: String?) { workerProgram = program }

    /// The worker program, or nil when it is not installed or turned off.
    static let program: String? = {
        if ProcessInfo.processInfo.environment["SMOLE_PDFTEXT_WORKER"] == "0" { return nil }
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        let exe =
            n > 0 ? String(decoding: buf[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
        let dir = (exe as NSString).deletingLastPathComponent
        for candidate in [dir + "/smole-pdftext-worker", dir + "/../libexec/smole/smole-pdftext-worker"]
        where access(candidate, X_OK) == 0 {
            return candidate
        }
        return nil
    }()

    private static let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Idle workers; a few are kept, the rest stopped.
    private let idle = Mutex<[Spawn.Worker]>([])
    private static let keepIdle = max(2, ProcessInfo.processInfo.activeProcessorCount * 2)

    /// For `pdftotext` run with exactly the engine's arguments (`-layout -enc UTF-8 -l N PATH -`), the result the
    /// worker gives; nil when the worker is not used or cannot read the document (the caller runs pdftotext).
    /// - Throws: `RecordError` timeout past `options.timeout`, cancelled when the task is cancelled.
    func run(_ args: [String], options: EngineOptions, outputLimit: Int = 64 * 1024 * 1024) async throws(RecordError)
        -> ToolResult?
    {
        guard let program = workerProgram, options.toolSearchPath == nil, args.count == 7,
            Array(args[0..<4]) == ["-layout", "-enc", "UTF-8", "-l"], let last = Int(args[4]), args[6] == "-"
        else { return nil }
        let path = args[5]
        let worker: Spawn.Worker
        let fresh: Bool
        if let w = idle.withLock({ $0.popLast() }) {
            worker = w
            fresh = false
        } else {
            guard failedStarts.withLock({ $0 }) < Self.startsBeforeGivingUp else { return nil }
            Self.ignoreSIGPIPE  // a worker that died is seen as a failed write, not a signal
            guard case .success(let w) = Spawn.startWorker(program, []) else {
                noteFailedStart()
                return nil
            }
            worker = w
            fresh = true
        }
        let deadline = ContinuousClock.now + options.timeout
        let cancelled = Mutex(false)
        let couldNotRun = Mutex(false)
        let answer: Answer = await withTaskCancellationHandler {
            await withCheckedContinuation { (cont: CheckedContinuation<Answer, Never>) in
                // blocking I/O, and for a worker that failed its kill and reap, off the concurrency threads
                Spawn.offload {
                    let answer = Self.request(worker, path: path, last: last, limit: outputLimit, deadline: deadline) {
                        cancelled.withLock { $0 }
                    }
                    switch answer {
                    case .broken:
                        // exited by itself (the dynamic loader's 127, a library missing), not killed by a signal (a
                        // document that crashed poppler, a kill from outside)
                        let status = Self.stop(worker)
                        couldNotRun.withLock { $0 = Self.exitedNormally(status) && Self.exitCode(status) != 0 }
                    case .timedOut, .cancelled: Self.stop(worker)
                    case .text, .cannotRead: break
                    }
                    cont.resume(returning: answer)
                }
            }
        } onCancel: {
            cancelled.withLock { $0 = true }
        }
        switch answer {
        case .text(let bytes):
            failedStarts.withLock { $0 = 0 }
            put(worker)
            return ToolResult(status: 0, stdout: bytes, stderr: "")
        case .cannotRead:
            put(worker)
            return nil
        case .broken:
            if fresh, couldNotRun.withLock({ $0 }) { noteFailedStart() }
            return nil
        case .timedOut:
            throw RecordError(.timeout, "pdftotext ran longer than \(options.timeout) and was stopped")
        case .cancelled:
            throw RecordError(.cancelled, "pdftotext was cancelled")
        }
    }

    /// New workers in a row that could not start or exited by themselves, with a failure status, before their first
    /// answer (a worker killed by a signal, as by a document that crashes poppler, does not count). After
    /// `startsBeforeGivingUp` of them the process reads with pdftotext alone: a worker that cannot run here (its
    /// libpoppler replaced by an upgrade of another version, a missing library) costs every document a start and a
    /// fallback otherwise.
    private let failedStarts = Mutex(0)
    static let startsBeforeGivingUp = 3

    private func noteFailedStart() {
        let n = failedStarts.withLock { n in
            n += 1
            return n
        }
        if n == Self.startsBeforeGivingUp {
            Diagnostics.warning(
                "smole-pdftext-worker failed to start or read \(n) times in a row; reading PDFs with pdftotext")
        }
    }

    /// Whether new workers are still started (false after `startsBeforeGivingUp` failed starts in a row).
    var startsWorkers: Bool { failedStarts.withLock { $0 } < Self.startsBeforeGivingUp }

    /// The idle workers' process ids, the next one a reading takes last (for tests).
    var idlePIDs: [pid_t] { idle.withLock { $0.map(\.pid) } }

    private func put(_ worker: Spawn.Worker) {
        var w = worker
        w.uses += 1
        let retired: Spawn.Worker? = idle.withLock { list in
            guard list.count < Self.keepIdle, w.uses < Self.documentsPerWorker else { return w }
            list.append(w)
            return nil
        }
        if let retired { Spawn.offload { Self.stop(retired) } }
    }

    /// A worker reads this many documents and is replaced: what one document's parsing may have left in the
    /// process (a leak, a heap a poppler bug damaged without crashing) does not outlive a few hundred more.
    static let documentsPerWorker = 500

    private enum Answer { case text([UInt8]), cannotRead, broken, timedOut, cancelled }

    /// One request and its reply, blocking (on a dispatch thread), bounded by `deadline`.
    private static func request(
        _ w: Spawn.Worker, path: String, last: Int, limit: Int, deadline: ContinuousClock.Instant,
        cancelled: @escaping () -> Bool
    ) -> Answer {
        let abs = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let name = Array(abs.utf8)
        guard !name.contains(0), name.count <= 65536 else { return .cannotRead }
        guard writeAll(w.input, Array("1 \(last) \(name.count)\n".utf8) + name) else { return .broken }
        var reader = Reader(fd: w.output, deadline: deadline, cancelled: cancelled)
        let head: [UInt8]
        switch reader.line() {
        case .bytes(let b): head = b
        case .other(let a): return a
        }
        let fields = String(decoding: head, as: UTF8.self).split(separator: " ")
        guard fields.count >= 2, let length = Int(fields[1]), length >= 0 else { return .broken }
        // more text than a reading keeps (`outputLimit`): this worker is stopped (it would have to be read past the
        // text) and pdftotext reads the document, keeping what its limit allows, as before
        if length > limit { return .broken }
        let body: [UInt8]
        switch reader.bytes(length) {
        case .bytes(let b): body = b
        case .other(let a): return a
        }
        switch fields[0] {
        case "ok": return .text(body)
        case "error": return .cannotRead
        default: return .broken
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { LibC.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            off += n
        }
        return true
    }

    /// Reads a worker's reply with a deadline: poll(2) in steps of at most half a second, so a cancel is seen.
    private struct Reader {
        let fd: Int32
        let deadline: ContinuousClock.Instant
        let cancelled: () -> Bool
        var pending: [UInt8] = []

        enum Got { case bytes([UInt8]), other(Answer) }

        mutating func line() -> Got {
            while true {
                if let nl = pending.firstIndex(of: 0x0A) {
                    let line = Array(pending[..<nl])
                    pending.removeSubrange(...nl)
                    return .bytes(line)
                }
                if pending.count > 256 { return .other(.broken) }
                if let stop = fill() { return .other(stop) }
            }
        }

        mutating func bytes(_ n: Int) -> Got {
            while pending.count < n {
                if let stop = fill() { return .other(stop) }
            }
            let out = Array(pending[..<n])
            pending.removeSubrange(..<n)
            return .bytes(out)
        }

        /// Reads what is there; nil, or why reading stops.
        mutating func fill() -> Answer? {
            while true {
                let left = ContinuousClock.now.duration(to: deadline)
                if left <= .zero { return .timedOut }
                if cancelled() { return .cancelled }
                var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
                let ms = Int32(
                    min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1, 500))
                let n = poll(&fds, 1, ms)
                if n < 0 {
                    if errno == EINTR { continue }
                    return .broken
                }
                if n == 0 { continue }
                var buf = [UInt8](repeating: 0, count: 64 * 1024)
                let r = buf.withUnsafeMutableBytes { LibC.read(fd, $0.baseAddress, $0.count) }
                if r > 0 {
                    pending.append(contentsOf: buf[..<r])
                    return nil
                }
                if r < 0 && errno == EINTR { continue }
                return .broken  // the worker ended
            }
        }
    }

    /// Kills and reaps a worker.
    /// - Returns: its wait status (waitpid(2)).
    @discardableResult
    private static func stop(_ w: Spawn.Worker) -> Int32 {
        kill(w.pid, SIGKILL)
        close(w.input)
        close(w.output)
        var status: Int32 = 0
        while waitpid(w.pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    /// WIFEXITED and WEXITSTATUS (the C macros are not imported).
    static func exitedNormally(_ status: Int32) -> Bool { status & 0x7f == 0 }
    static func exitCode(_ status: Int32) -> Int32 { (status >> 8) & 0xff }
}
