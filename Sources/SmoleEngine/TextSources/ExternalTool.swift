import Foundation
import SmoleRecords
import Synchronization

/// The outcome of one external program run.
/// Runs the external programs the engine needs (pdftotext, pdftoppm, pdfdetach, tesseract)
/// with an argument array, never a shell, under a wall-clock limit.
enum ExternalTool {
    /// The Debian package that provides each program.
    static func package(of name: String) -> String {
        switch name {
        case "tesseract": return "tesseract-ocr"
        default: return "poppler-utils"
        }
    }

    /// Finds `name` on `PATH` (so a test can hide a program by narrowing PATH). Found programs are remembered per
    /// search path (and checked again with one access(2)); a missing one is looked for again next time.
    private static let located = LockedDictionary<String>()

    static func locate(_ name: String, path: String? = nil) -> String? {
        let search = path ?? getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        let key = search + "\u{0}" + name
        if let hit = located.get(key), access(hit, X_OK) == 0 { return hit }
        for dir in search.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = "\(dir)/\(name)"
            var st = stat()
            if stat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
                located.set(key, candidate)
                return candidate
            }
        }
        return nil
    }

    static func unavailable(_ name: String) -> RecordError {
        RecordError(
            .engineUnavailable,
            "\(name) is not installed or not on PATH; install the Debian package \(package(of: name)) (apt-get install \(package(of: name)))"
        )
    }

    /// Runs `name` with `args`. Throws engine_unavailable when the program is missing,
    /// timeout when it runs past `timeout`.
    static func run(
        _ name: String, _ args: [String], options: EngineOptions,
        outputLimit: Int = 64 * 1024 * 1024
    ) async throws(RecordError) -> ToolResult {
        var timeout = options.timeout
        guard let exe = locate(name, path: options.toolSearchPath) else { throw unavailable(name) }
        // pdftotext's text from a long-lived worker when it can give it (PDFTextWorker.swift); when it hands the
        // document back, pdftotext has the time the reading has left, not the whole limit again
        if name == "pdftotext" {
            let began = ContinuousClock.now
            if let r = try await PDFTextWorkers.shared.run(args, options: options, outputLimit: outputLimit) {
                return r
            }
            timeout -= began.duration(to: .now)
            if timeout <= .zero {
                throw RecordError(.timeout, "\(name) ran longer than \(options.timeout) and was stopped")
            }
        }
        // tesseract starts one OpenMP thread per core; with one document per core those threads fight over the
        // same cores (measured: OCR of 8 images at -P 2 took 2.7x as long). One thread each, unless the user set it.
        var env: [String: String] = [:]
        if name == "tesseract", getenv("OMP_THREAD_LIMIT") == nil { env["OMP_THREAD_LIMIT"] = "1" }
        switch await Spawn.run(exe, args, timeout: timeout, outputLimit: outputLimit, environment: env) {
        case .finished(let r): return r
        case .timedOut: throw RecordError(.timeout, "\(name) ran longer than \(options.timeout) and was stopped")
        case .cancelled: throw RecordError(.cancelled, "\(name) was cancelled")
        case .failed(let why): throw RecordError(.engineFailed, "could not run \(name): \(why)")
        }
    }
}

/// A string-keyed dictionary shared between concurrent extractions (remembered PATH lookups, OCR languages).
final class LockedDictionary<Value: Sendable>: Sendable {
    private let values = Mutex<[String: Value]>([:])
    func get(_ key: String) -> Value? { values.withLock { $0[key] } }
    func set(_ key: String, _ value: Value) { values.withLock { $0[key] = value } }
}

/// A private temporary folder, removed by `remove()`.
struct PrivateTempDir {
    let path: String
    init() throws(RecordError) {
        var template = Array((NSTemporaryDirectory() + "/smole-engine-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buf -> Bool in
            mkdtemp(buf.baseAddress!) != nil
        }
        guard made else {
            throw RecordError(.engineFailed, "could not create a temporary folder: \(String(cString: strerror(errno)))")
        }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        chmod(path, 0o700)
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
