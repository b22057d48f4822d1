import Foundation
import SmoleRecords
import Synchronization

/// One recognised page from RapidOCR: the image's size in pixels and its text boxes.
struct OCRPage: Sendable {
    var width: Int
    var height: Int
    var boxes: [OCRBox]
}

/// The RapidOCR worker: one long-lived python process per engine process, started on the first image, fed one image
/// path per request over its stdin and answering one JSON line per image (the protocol is in
/// `OCRWorker/rapidocr_worker.py`, which is compiled into the engine and run as `PYTHON -c SCRIPT`, an argument
/// array, never a shell). Requests go one at a time; ONNX Runtime uses the cores inside the worker.
///
/// Where RapidOCR is looked for (`installedPython`): `$SMOLE_OCR_VENV/bin/python3` when that variable is set, else
/// `${XDG_DATA_HOME:-$HOME/.local/share}/smole/venv/bin/python3`, the virtual environment `scripts/setup` makes with the
/// pinned PyPI package `rapidocr_onnxruntime` (its models ship in the wheel: nothing is downloaded at run time).
final class RapidOCRWorker: @unchecked Sendable {
    static let shared = RapidOCRWorker()

    /// The PyPI package and the version `scripts/setup` pins.
    static let package = "rapidocr_onnxruntime"
    static let version = "1.4.4"
    /// The largest image side the detector sees (bigger images are scaled down first): at 2000, a 3500 px scan took
    /// the worker past 540 MB; at 1600 it stays near 400 MB with the same receipts read (README, "OCR backends").
    static let maxSide = 1600
    /// The largest side the detector sees when it looks for text boxes (the crops it reads stay at `maxSide`): ONNX
    /// Runtime's memory for detection grows with the pixels it sees. Measured over receipts-real (README, "OCR
    /// backends"): rapidocr's own 1500-2000 peaked at 806 MB, 1120 at 453 MB with every total still read; 960 (382 MB)
    /// merged a photographed item with its price. `SMOLE_OCR_DET_SIDE` overrides it, for measuring.
    static let detSide = Int(ProcessInfo.processInfo.environment["SMOLE_OCR_DET_SIDE"] ?? "") ?? 1120

    static var venv: String {
        let env = ProcessInfo.processInfo.environment
        if let v = env["SMOLE_OCR_VENV"], !v.isEmpty { return v }
        let data =
            env["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((env["HOME"] ?? NSHomeDirectory()) + "/.local/share")
        return data + "/smole/venv"
    }

    /// The virtual environment's python when it exists, else nil.
    static func installedPython() -> String? {
        let py = venv + "/bin/python3"
        return access(py, X_OK) == 0 ? py : nil
    }

    static func unavailable(_ why: String) -> RecordError {
        RecordError(
            .engineUnavailable,
            "RapidOCR is not installed (\(why)): it is the PyPI package \(package)==\(version) in the virtual environment \(venv); "
                + "install it with scripts/setup, or: python3 -m venv \(venv) && \(venv)/bin/pip install \(package)==\(version)"
        )
    }

    private let queue = DispatchQueue(label: "smole.rapidocr-worker")
    // Touched only on `queue`.
    private var pid: pid_t = 0
    private var toWorker: Int32 = -1
    private var fromWorker: Int32 = -1
    private var pending: [UInt8] = []
    private let cancelFlag = Cancelled()

    /// Recognises the image at `path`.
    /// - Throws: engine_unavailable when RapidOCR is not installed, unreadable when the image cannot be decoded,
    ///   timeout past `options.timeout` (the worker is stopped and started afresh on the next image), engine_failed
    ///   when the worker died.
    func recognize(_ path: String, options: EngineOptions) async throws(RecordError) -> OCRPage {
        let timeout = options.timeout
        let flag = cancelFlag
        let result: Result<OCRPage, RecordError> = await withTaskCancellationHandler {
            await withCheckedContinuation { (cont: CheckedContinuation<Result<OCRPage, RecordError>, Never>) in
                queue.async { cont.resume(returning: self.request(path, timeout: timeout)) }
            }
        } onCancel: {
            flag.set()
        }
        return try result.get()
    }

    private final class Cancelled: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        /// Whether `set` was called since the last `take`; clears it.
        func take() -> Bool {
            value.withLock { v in
                defer { v = false }
                return v
            }
        }
    }

    // MARK: on `queue`

    private func request(_ path: String, timeout: Duration) -> Result<OCRPage, RecordError> {
        if pid == 0, let failure = start(timeout: timeout) { return .failure(failure) }
        let abs = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let line = JSON.serialize(["path": JSONValue.string(abs)] as JSONValue) + "\n"
        guard writeAll(Array(line.utf8)) else {
            stop()
            return .failure(
                RecordError(.engineFailed, "the RapidOCR worker stopped taking images (it may have run out of memory)"))
        }
        switch readLine(deadline: ContinuousClock.now + timeout) {
        case .line(let bytes):
            guard let reply = try? JSON.parse(bytes) else {
                stop()
                return .failure(RecordError(.engineFailed, "the RapidOCR worker answered something that is not JSON"))
            }
            if reply["ok"]?.boolValue != true {
                return .failure(
                    RecordError(
                        .unreadable,
                        "\(path): RapidOCR could not read the image (\(reply["error"]?.stringValue ?? "no reason given"))"
                    ))
            }
            var boxes: [OCRBox] = []
            for b in reply["boxes"]?.arrayValue ?? [] {
                let corners = (b["box"]?.arrayValue ?? []).compactMap { p -> (x: Double, y: Double)? in
                    guard let a = p.arrayValue, a.count == 2, let x = a[0].doubleValue, let y = a[1].doubleValue else {
                        return nil
                    }
                    return (x, y)
                }
                boxes.append(
                    OCRBox(corners: corners, text: b["text"]?.stringValue ?? "", score: b["score"]?.doubleValue ?? 0))
            }
            return .success(
                OCRPage(width: reply["width"]?.intValue ?? 0, height: reply["height"]?.intValue ?? 0, boxes: boxes))
        case .timedOut:
            stop()
            return .failure(RecordError(.timeout, "RapidOCR ran longer than \(timeout) on \(path) and was stopped"))
        case .cancelled:
            stop()
            return .failure(RecordError(.cancelled, "RapidOCR was cancelled"))
        case .closed:
            stop()
            return .failure(
                RecordError(
                    .engineFailed, "the RapidOCR worker ended while reading \(path) (it may have run out of memory)"))
        }
    }

    /// Starts the worker and waits for its ready line; nil when it is ready, else why not.
    private func start(timeout: Duration) -> RecordError? {
        guard let python = Self.installedPython() else { return Self.unavailable("no \(Self.venv)/bin/python3") }
        signal(SIGPIPE, SIG_IGN)  // a worker that died is seen as a failed write, not a signal
        let script = String(decoding: PackageResources.rapidocr_worker_py, as: UTF8.self)
        // glibc keeps freed memory per thread arena: two arenas. (An early trim, MALLOC_TRIM_THRESHOLD_=65536, was
        // measured to cost far more than it saved: it also turns off glibc's adaptive mmap threshold, so every large
        // ONNX Runtime buffer was mapped and unmapped again, 4.5 system CPU s per image on receipts-real.)
        let extra = ["MALLOC_ARENA_MAX": "2", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8"]
        switch Spawn.startWorker(
            python, ["-c", script, "--max-side", String(Self.maxSide), "--det-side", String(Self.detSide)],
            environment: extra)
        {
        case .failure(let why):
            return Self.unavailable("\(python) cannot be started: \(why.message)")
        case .success(let w):
            pid = w.pid; toWorker = w.input; fromWorker = w.output; pending = []
        }
        // loading the models takes a few seconds
        switch readLine(deadline: ContinuousClock.now + max(timeout, .seconds(60))) {
        case .line(let bytes):
            let ready = try? JSON.parse(bytes)
            if ready?["ready"]?.boolValue == true { return nil }
            stop()
            return Self.unavailable(ready?["error"]?.stringValue ?? "the worker did not start")
        case .timedOut:
            stop()
            return RecordError(.timeout, "the RapidOCR worker did not start within \(max(timeout, .seconds(60)))")
        case .cancelled:
            stop()
            return RecordError(.cancelled, "RapidOCR was cancelled")
        case .closed:
            stop()
            return Self.unavailable("\(python) ended before loading \(Self.package)")
        }
    }

    private func stop() {
        if pid > 0 {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        if toWorker >= 0 { close(toWorker) }
        if fromWorker >= 0 { close(fromWorker) }
        pid = 0; toWorker = -1; fromWorker = -1; pending = []
    }

    private func writeAll(_ bytes: [UInt8]) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(toWorker, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return false }
            off += n
        }
        return true
    }

    private enum Read { case line([UInt8]), timedOut, cancelled, closed }

    private func readLine(deadline: ContinuousClock.Instant) -> Read {
        var buf = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if let nl = pending.firstIndex(of: 0x0A) {
                let line = Array(pending[..<nl])
                pending.removeSubrange(...nl)
                return .line(line)
            }
            let left = ContinuousClock.now.duration(to: deadline)
            if left <= .zero { return .timedOut }
            if cancelFlag.take() { return .cancelled }
            var fds = [pollfd(fd: fromWorker, events: Int16(POLLIN), revents: 0)]
            let ms = Int32(
                min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1, 500))
            let n = poll(&fds, 1, ms)
            if n < 0 { if errno == EINTR { continue }; return .closed }
            if n == 0 { continue }
            let r = buf.withUnsafeMutableBytes { read(fromWorker, $0.baseAddress, $0.count) }
            if r > 0 { pending.append(contentsOf: buf[..<r]) } else if r == 0 || errno != EINTR { return .closed }
        }
    }
}
