import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SmoleRecords
import _SmoleTestSupport

/// The real `smole-serve` binary, started with an argument array (no shell), its stderr
/// read as it arrives so the test can find the `listening on` line.
final class ServeProcess: @unchecked Sendable {
    let pid: pid_t
    private let lock = NSLock()
    private var err = ""
    private var out = ""
    private var status: Int32?
    private(set) var baseURL = ""

    struct LaunchError: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts the server; `env` entries are added to a copy of this process's environment
    /// without SMOLE_SERVE_API_KEY (set it in `env` to pass a key).
    static func launch(_ args: [String], env: [String: String] = [:], waitForListening: Bool = true) async throws
        -> ServeProcess
    {
        let exe = Binaries.path("smole-serve")
        guard FileManager.default.isExecutableFile(atPath: exe) else {
            throw LaunchError(description: "no built smole-serve at \(exe)")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["SMOLE_SERVE_API_KEY"] = nil
        // The server's text cache stays out of the user's own: off, unless the test sets a cache of its own.
        if env["XDG_CACHE_HOME"] == nil { environment["SMOLE_CACHE_MAX"] = "0" }
        for (k, v) in env { environment[k] = v }
        let p = try ServeProcess(exe: exe, args: args, env: environment)
        if waitForListening { try await p.waitForListening() }
        return p
    }

    private init(exe: String, args: [String], env: [String: String]) throws {
        var errPipe: [Int32] = [0, 0]
        var outPipe: [Int32] = [0, 0]
        guard pipe(&errPipe) == 0, pipe(&outPipe) == 0 else { throw LaunchError(description: "pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in [outPipe[0], outPipe[1], errPipe[0], errPipe[1]] { posix_spawn_file_actions_addclose(&actions, fd) }
        // the project's one spawner (argument array; `env` over this process's environment)
        let (rc, child) = Spawn.spawnChild(exe, args, environment: env, actions: &actions)
        close(outPipe[1])
        close(errPipe[1])
        guard rc == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw LaunchError(description: "posix_spawn failed: \(rc)")
        }
        pid = child
        reader(errPipe[0]) { self.err += $0 }
        reader(outPipe[0]) { self.out += $0 }
    }

    private func reader(_ fd: Int32, _ append: @escaping @Sendable (String) -> Void) {
        let lock = self.lock
        Thread.detachNewThread {
            var buf = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fd, &buf, buf.count)
                if n < 0, errno == EINTR { continue }
                if n <= 0 { break }
                let s = String(decoding: buf[0..<n], as: UTF8.self)
                lock.lock()
                append(s)
                lock.unlock()
            }
            close(fd)
        }
    }

    var stderr: String {
        lock.lock()
        defer { lock.unlock() }
        return err
    }

    var stdout: String {
        lock.lock()
        defer { lock.unlock() }
        return out
    }

    private func waitForListening() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let text = stderr
            if let r = text.range(of: "smole-serve: listening on ") {
                let rest = text[r.upperBound...]
                if let nl = rest.firstIndex(of: "\n") {
                    baseURL = String(rest[..<nl])
                    return
                }
            }
            if let s = exitStatusNow() {
                throw LaunchError(description: "smole-serve exited with \(s) before listening; stderr:\n\(text)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw LaunchError(description: "smole-serve printed no listening line within 60 s; stderr:\n\(stderr)")
    }

    func signal(_ sig: Int32) { kill(pid, sig) }

    private func exitStatusNow() -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let status { return status }
        var st: Int32 = 0
        let r = waitpid(pid, &st, WNOHANG)
        guard r == pid else { return nil }
        let code: Int32 = (st & 0x7f) == 0 ? (st >> 8) & 0xff : 128 + (st & 0x7f)
        status = code
        return code
    }

    /// Waits for the process to end; SIGKILLs it after `timeout` and reports -1.
    func waitForExit(timeout: Duration = .seconds(30)) async -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let s = exitStatusNow() {
                try? await Task.sleep(for: .milliseconds(50))  // let the readers drain
                return s
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        kill(pid, SIGKILL)
        _ = await waitForExitQuietly()
        return -1
    }

    private func waitForExitQuietly() async -> Int32? {
        for _ in 0..<250 {
            if let s = exitStatusNow() { return s }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// SIGTERM and wait; the exit status.
    @discardableResult
    func stop() async -> Int32 {
        if let s = exitStatusNow() { return s }
        signal(SIGTERM)
        return await waitForExit()
    }
}

/// One HTTP exchange, body collected.
struct HTTPReply: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONObject? { (try? JSON.parse(body))?.objectValue }
    func header(_ name: String) -> String? { headers.first(name: name) }
}

enum HTTP {
    static func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: HTTPClientRequest.Body? = nil,
        timeout: TimeAmount = .seconds(60)
    ) async throws -> HTTPReply {
        var req = HTTPClientRequest(url: url)
        req.method = method
        for (k, v) in headers { req.headers.add(name: k, value: v) }
        if let body { req.body = body }
        let resp = try await HTTPClient.shared.execute(req, timeout: timeout)
        var buf = try await resp.body.collect(upTo: 64 * 1024 * 1024)
        let bytes = buf.readBytes(length: buf.readableBytes) ?? []
        return HTTPReply(status: Int(resp.status.code), headers: resp.headers, body: bytes)
    }

    static func get(_ url: String, headers: [(String, String)] = [], timeout: TimeAmount = .seconds(60)) async throws
        -> HTTPReply
    {
        try await send(.GET, url, headers: headers, timeout: timeout)
    }

    /// POST {base}/api/pipeline/file with a multipart body built in memory.
    static func submit(
        _ base: String, file: [UInt8], fileName: String = "doc.txt", schemaId: String?, key: String? = nil,
        idempotencyKey: String? = nil, extraHeaders: [(String, String)] = []
    ) async throws -> HTTPReply {
        let boundary = "smole-test-\(UUID().uuidString)"
        var parts: [MultipartPart] = []
        if let schemaId { parts.append(.field("schemaId", schemaId)) }
        parts.append(.file("file", fileName, file))
        var headers = [("Content-Type", "multipart/form-data; boundary=\(boundary)")] + extraHeaders
        if let key { headers.append(("Authorization", "Bearer \(key)")) }
        if let idempotencyKey { headers.append(("Idempotency-Key", idempotencyKey)) }
        let body = multipartBody(boundary: boundary, parts)
        return try await send(
            .POST, base + "/api/pipeline/file", headers: headers, body: .bytes(ByteBuffer(bytes: body)))
    }

    /// Polls a job until it is terminal; the final reply and how many polls it took.
    static func waitForJob(_ base: String, _ id: String, key: String? = nil, timeout: Duration = .seconds(60))
        async throws -> HTTPReply
    {
        let deadline = ContinuousClock.now + timeout
        var last: HTTPReply?
        while ContinuousClock.now < deadline {
            let r = try await get(
                base + "/api/pipeline/\(id)", headers: key.map { [("Authorization", "Bearer \($0)")] } ?? [])
            last = r
            guard r.status == 200, let s = r.json?["status"]?.stringValue else { return r }
            if ["completed", "failed", "cancelled"].contains(s) { return r }
            try await Task.sleep(for: .milliseconds(25))
        }
        return last!
    }
}

enum MultipartPart {
    case field(String, String)
    case file(String, String, [UInt8])
}

func multipartBody(boundary: String, _ parts: [MultipartPart]) -> [UInt8] {
    var b: [UInt8] = []
    func add(_ s: String) { b.append(contentsOf: Array(s.utf8)) }
    for p in parts {
        add("--\(boundary)\r\n")
        switch p {
        case .field(let name, let value):
            add("Content-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        case .file(let name, let fileName, let bytes):
            let quoted = fileName.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                of: "\"", with: "\\\"")
            add("Content-Disposition: form-data; name=\"\(name)\"; filename=\"\(quoted)\"\r\n")
            add("Content-Type: application/octet-stream\r\n\r\n")
            b.append(contentsOf: bytes)
            add("\r\n")
        }
    }
    add("--\(boundary)--\r\n")
    return b
}

/// Deterministic pseudo-random bytes (xorshift), including CR, LF and '-' so that
/// boundary-like sequences appear inside file content.
func noiseBytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var x = seed
    var out = [UInt8](repeating: 0, count: count)
    for i in 0..<count {
        x ^= x << 13
        x ^= x >> 7
        x ^= x << 17
        let r = UInt8(truncatingIfNeeded: x)
        out[i] = r % 7 == 0 ? [13, 10, 0x2D][Int(r) % 3] : r
    }
    return out
}

/// FNV-1a 64, hex: a content fingerprint both sides compute.
func fnv1a(_ bytes: some Sequence<UInt8>) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
        h ^= UInt64(b)
        h = h &* 0x100_0000_01b3
    }
    return String(h, radix: 16)
}

/// Chunks sent one by one as a streamed (chunked) request body.
struct ChunkSequence: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let items: [ByteBuffer]
    struct AsyncIterator: AsyncIteratorProtocol {
        var items: [ByteBuffer]
        var i = 0
        mutating func next() async throws -> ByteBuffer? {
            guard i < items.count else { return nil }
            defer { i += 1 }
            await Task.yield()
            return items[i]
        }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(items: items) }
}
