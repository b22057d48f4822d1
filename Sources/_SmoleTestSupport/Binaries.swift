import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs the built tool binaries, which sit next to the test bundle.
public enum Binaries {
    /// The folder holding the built products (e.g. .build/debug).
    public static var directory: URL {
        if let d = ProcessInfo.processInfo.environment["SMOLE_BIN_DIR"] { return URL(fileURLWithPath: d) }
        // The test runner binary lives in .build/<config>/<package>PackageTests.xctest (a file on Linux).
        var url = Bundle.main.bundleURL
        for _ in 0..<4 {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("smole-ls").path) { return url }
            url = url.deletingLastPathComponent()
        }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        return exe
    }

    /// The path of the built tool named `tool` in `directory`.
    public static func path(_ tool: String) -> String { directory.appendingPathComponent(tool).path }
}

/// How a tool run ended and what it wrote.
public struct RunResult: Sendable {
    /// The exit status, or 128 + the signal number when a signal ended it.
    public var status: Int32
    /// Everything written on stdout, as UTF-8 (at most 256 MiB).
    public var stdout: String
    /// Everything written on stderr, as UTF-8 (at most 256 MiB).
    public var stderr: String
    /// stdout split into lines, empty lines dropped.
    public var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
}

/// A child that exits before reading all of `stdin` must not kill the whole test process
/// with SIGPIPE; with it ignored, the write fails with EPIPE instead.
private let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

/// Runs a program with an argument array (never a shell), feeding `stdin` and collecting output.
/// Unless `env` sets `XDG_CACHE_HOME`, the run gets a fresh, empty one (removed afterwards): the tools' text cache
/// is shared by the programs of one run (a pipeline in `bash -c`) and never by separate runs or with the user's
/// own cache. A test that means to share it across runs passes its own `XDG_CACHE_HOME`.
///
/// - Throws: swift-subprocess's error when the program cannot be started or its output exceeds 256 MiB.
public func runTool(
    _ tool: String, _ args: [String] = [], stdin: String? = nil, cwd: String? = nil,
    env: [String: String] = [:], unset: [String] = []
) async throws -> RunResult {
    _ = ignoreSIGPIPE
    let exe =
        tool.contains("/")
        ? tool : (FileManager.default.fileExists(atPath: Binaries.path(tool)) ? Binaries.path(tool) : tool)
    let executable: Executable = exe.contains("/") ? .path(FilePath(exe)) : .name(exe)
    var environment = Environment.inherit
    var env = env
    var freshCache: String? = nil
    if env["XDG_CACHE_HOME"] == nil && !unset.contains("XDG_CACHE_HOME") {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("smole-test-cache-\(UUID().uuidString)")
            .path
        freshCache = dir
        env["XDG_CACHE_HOME"] = dir
    }
    defer { if let freshCache { try? FileManager.default.removeItem(atPath: freshCache) } }
    if !env.isEmpty || !unset.isEmpty {
        var updates: [Environment.Key: String?] = [:]
        for (k, v) in env { updates[Environment.Key(stringLiteral: k)] = v }
        for k in unset { updates[Environment.Key(stringLiteral: k)] = .some(nil) }
        environment = environment.updating(updates)
    }
    let wd: FilePath? = cwd.map { FilePath($0) }
    let limit = 256 * 1024 * 1024
    let result = try await Subprocess.run(
        executable, arguments: Arguments(args), environment: environment, workingDirectory: wd,
        input: .string(stdin ?? ""), output: .string(limit: limit), error: .string(limit: limit))
    let status: Int32
    switch result.terminationStatus {
    case .exited(let c): status = c
    case .signaled(let s): status = 128 + s
    }
    return RunResult(status: status, stdout: result.standardOutput ?? "", stderr: result.standardError ?? "")
}

/// A fresh temporary directory, removed by the caller with `cleanup()`.
public struct TempDir: Sendable {
    /// The directory's absolute path.
    public let path: String
    /// Makes `TMPDIR/PREFIX-UUID`.
    ///
    /// - Throws: Foundation's error when the directory cannot be made.
    public init(_ prefix: String = "smole-test") throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }
    /// The path of `name` inside the directory (the file need not exist).
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
    /// Writes `contents` as UTF-8 to `name`, making folders on the way.
    ///
    /// - Throws: Foundation's error when a folder or the file cannot be written.
    /// - Returns: The file's path.
    @discardableResult
    public func write(_ name: String, _ contents: String) throws -> String {
        let p = file(name)
        try FileManager.default.createDirectory(
            atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try contents.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }
    /// Writes `bytes` to `name`, making folders on the way.
    ///
    /// - Throws: Foundation's error when a folder or the file cannot be written.
    /// - Returns: The file's path.
    @discardableResult
    public func write(_ name: String, bytes: [UInt8]) throws -> String {
        let p = file(name)
        try FileManager.default.createDirectory(
            atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }
    /// Writes an executable script. The file is opened close-on-exec: a child spawned by a test running in
    /// parallel must not inherit the write end, or running the script fails with "Text file busy".
    ///
    /// - Throws: An `NSError` in `NSPOSIXErrorDomain` when the file cannot be opened or written whole, or
    ///   Foundation's error when a folder cannot be made.
    @discardableResult
    public func writeExecutable(_ name: String, _ contents: String) throws -> String {
        let p = file(name)
        try FileManager.default.createDirectory(
            atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw NSError(domain: NSPOSIXErrorDomain, code: Int(errno)) }
        let bytes = Array(contents.utf8)
        let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard n == bytes.count else { throw NSError(domain: NSPOSIXErrorDomain, code: Int(EIO)) }
        chmod(p, 0o755)
        return p
    }
    /// Removes the directory and everything in it; errors are ignored.
    public func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `script` with `bash -o pipefail -c` in `dir`, the built tools first on PATH, as a user with no account
/// would: SMOLE_API_KEY and SMOLE_API_URL unset (the local engine), NO_COLOR set. The tests that run pipelines
/// the way a report or a man page wrote them share this one setting.
///
/// - Throws: swift-subprocess's error when bash cannot be started.
public func runPipeline(_ script: String, in dir: String) async throws -> RunResult {
    let path = Binaries.directory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    return try await runTool(
        "/usr/bin/env",
        [
            "-u", "SMOLE_API_KEY", "-u", "SMOLE_API_URL", "PATH=\(path)", "NO_COLOR=1",
            "bash", "-o", "pipefail", "-c", script,
        ], cwd: dir)
}
