import Foundation
import SmoleRecords
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

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
        RecordError(.engineUnavailable,
                    "\(name) is not installed or not on PATH; install the Debian package \(package(of: name)) (apt-get install \(package(of: name)))")
    }

    /// The runner: the direct posix_spawn one (Spawn.swift), or swift-subprocess when
    /// SMOLE_ENGINE_RUNNER=subprocess (kept for side-by-side benchmarks).
    static let useSubprocess = ProcessInfo.processInfo.environment["SMOLE_ENGINE_RUNNER"] == "subprocess"

    /// Runs `name` with `args`. Throws engine_unavailable when the program is missing,
    /// timeout when it runs past `timeout`.
    static func run(_ name: String, _ args: [String], options: EngineOptions,
                    outputLimit: Int = 64 * 1024 * 1024) async throws(RecordError) -> ToolResult {
        let timeout = options.timeout
        guard let exe = locate(name, path: options.toolSearchPath) else { throw unavailable(name) }
        // tesseract starts one OpenMP thread per core; with one document per core those threads fight over the
        // same cores (measured: OCR of 8 images at -P 2 took 2.7x as long). One thread each, unless the user set it.
        var env: [String: String] = [:]
        if name == "tesseract", getenv("OMP_THREAD_LIMIT") == nil { env["OMP_THREAD_LIMIT"] = "1" }
        if !useSubprocess {
            switch await Spawn.run(exe, args, timeout: timeout, outputLimit: outputLimit, environment: env) {
            case .finished(let r): return r
            case .timedOut: throw RecordError(.timeout, "\(name) ran longer than \(timeout) and was stopped")
            case .cancelled: throw RecordError(.cancelled, "\(name) was cancelled")
            case .failed(let why): throw RecordError(.engineFailed, "could not run \(name): \(why)")
            }
        }
        do {
            return try await withThrowingTaskGroup(of: ToolResult?.self) { group in
                group.addTask {
                    let r = try await Subprocess.run(
                        .path(FilePath(exe)), arguments: Arguments(args),
                        input: .none, output: .bytes(limit: outputLimit), error: .string(limit: 1024 * 1024))
                    let status: Int32
                    switch r.terminationStatus {
                    case .exited(let c): status = c
                    case .signaled(let s): status = 128 + s
                    }
                    return ToolResult(status: status, stdout: r.standardOutput, stderr: r.standardError ?? "")
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let result = first else {
                    throw RecordError(.timeout, "\(name) ran longer than \(timeout) and was stopped")
                }
                return result
            }
        } catch let e as RecordError {
            throw e
        } catch is CancellationError {
            throw RecordError(.cancelled, "\(name) was cancelled")
        } catch {
            throw RecordError(.engineFailed, "could not run \(name): \(error)")
        }
    }
}

/// A string-keyed dictionary shared between concurrent extractions (remembered PATH lookups, OCR languages).
final class LockedDictionary<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Value] = [:]
    func get(_ key: String) -> Value? { lock.lock(); defer { lock.unlock() }; return values[key] }
    func set(_ key: String, _ value: Value) { lock.lock(); values[key] = value; lock.unlock() }
}

/// A private temporary folder, removed by `remove()`.
struct PrivateTempDir {
    let path: String
    init() throws(RecordError) {
        var template = Array((NSTemporaryDirectory() + "/smole-engine-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buf -> Bool in
            mkdtemp(buf.baseAddress!) != nil
        }
        guard made else { throw RecordError(.engineFailed, "could not create a temporary folder: \(String(cString: strerror(errno)))") }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        chmod(path, 0o700)
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
