import Foundation
import Synchronization

/// The result of a finished child: exit status (128 + signal when killed), stdout bytes, stderr text.
public struct ToolResult: Sendable {
    /// The exit status: the child's own (0...255), or 128 + the signal number when a signal ended it (as shells report
    /// it).
    public var status: Int32
    /// Standard output, at most the run's `outputLimit` bytes (the rest is read and dropped).
    public var stdout: [UInt8]
    /// Standard error as UTF-8 text (invalid bytes become U+FFFD), about the first 1 MiB.
    public var stderr: String
    /// Standard output decoded as UTF-8, invalid bytes as U+FFFD.
    public var text: String { String(decoding: stdout, as: UTF8.self) }
    /// A result from its parts (tests and the OCR worker build them too).
    public init(status: Int32, stdout: [UInt8], stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// A direct posix_spawn runner for external programs (the engine's pdftotext/tesseract, smole-sql's sqlite3): an argument array (never a shell),
/// stdin from /dev/null, stdout and stderr through pipes read fully with poll(2), a wall-clock deadline
/// enforced by SIGKILL, and the child reaped with waitpid. The blocking work runs on its own thread, so
/// the Swift concurrency pool is never blocked; task cancellation kills the child.
///
/// It replaced swift-subprocess for these short runs: its per-call set-up cost was a large share of a
/// one-page pdftotext run (see scripts/bench.d/engine).
public enum Spawn {
    /// How a run ended.
    public enum Outcome: Sendable {
        case finished(ToolResult)
        case timedOut
        case cancelled
        case failed(String)
    }

    /// The child's pid, shared with the cancellation handler.
    public final class Handle: Sendable {
        /// A handle with no child yet.
        public init() {}
        private let state = Mutex((pid: pid_t(0), cancelled: false))
        /// Records the started child's pid; if `cancel()` came first, kills it with SIGKILL at once.
        ///
        /// - Returns: false when the run was already cancelled.
        public func set(_ p: pid_t) -> Bool {
            state.withLock { s in
                s.pid = p
                if s.cancelled { kill(p, SIGKILL) }
                return !s.cancelled
            }
        }
        /// Marks the run cancelled and kills the child with SIGKILL if one is running.
        public func cancel() {
            state.withLock { s in
                s.cancelled = true
                if s.pid > 0 { kill(s.pid, SIGKILL) }
            }
        }
        /// Whether `cancel()` was called.
        public var isCancelled: Bool { state.withLock { $0.cancelled } }
        /// Forgets the pid once the child is reaped, so a late `cancel()` cannot signal a reused pid.
        public func done() { state.withLock { $0.pid = 0 } }
    }

    private static let spawnLock = Mutex<Void>(())

    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    private static let pipe2: Pipe2? = {
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2") else { return nil }
        return unsafeBitCast(sym, to: Pipe2.self)
    }()

    /// A pipe whose two ends are close-on-exec: atomically with pipe2(O_CLOEXEC) where it exists; else pipe +
    /// FD_CLOEXEC, which callers do under `spawnLock` together with the spawn.
    private static func makePipe(_ fds: inout [Int32]) -> Bool {
        if let pipe2 { return fds.withUnsafeMutableBufferPointer { pipe2($0.baseAddress, O_CLOEXEC) } == 0 }
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// A long-lived child that talks over its standard input and output: the pid, the descriptor that writes to
    /// its stdin and the one that reads its stdout (both close-on-exec in this process, so no other child inherits
    /// them). Its stderr goes to /dev/null.
    public struct Worker: Sendable {
        /// The child's process id.
        public var pid: pid_t
        /// Writes to the child's standard input.
        public var input: Int32
        /// Reads the child's standard output.
        public var output: Int32
        /// How many requests the owner has had it serve (the owner counts).
        public var uses = 0
    }

    /// Starts `exe` with `args` (an argument array, never a shell) as a `Worker`.
    /// - Throws: nothing; returns why it failed instead (a pipe could not be made, or posix_spawn's errno text).
    public static func startWorker(_ exe: String, _ args: [String], environment: [String: String] = [:])
        -> Result<Worker, SpawnFailure>
    {
        var toChild: [Int32] = [-1, -1], fromChild: [Int32] = [-1, -1]
        func start() -> Result<Worker, SpawnFailure> {
            guard makePipe(&toChild) else { return .failure(SpawnFailure("pipe: \(String(cString: strerror(errno)))")) }
            guard makePipe(&fromChild) else {
                let why = String(cString: strerror(errno))
                close(toChild[0]); close(toChild[1])
                return .failure(SpawnFailure("pipe: \(why)"))
            }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
            posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let started = spawnChild(exe, args, environment: environment, actions: &actions)
            close(toChild[0]); close(fromChild[1])
            guard started.status == 0 else {
                close(toChild[1]); close(fromChild[0])
                return .failure(SpawnFailure("posix_spawn \(exe): \(String(cString: strerror(started.status)))"))
            }
            return .success(Worker(pid: started.pid, input: toChild[1], output: fromChild[0]))
        }
        return pipe2 != nil ? start() : spawnLock.withLock { _ in start() }
    }

    /// Why a child could not be started.
    public struct SpawnFailure: Error, Sendable {
        /// A sentence for an error message.
        public var message: String
        /// A failure with `message`.
        public init(_ message: String) { self.message = message }
    }

    /// `environment` adds or replaces variables in the child's copy of this process's environment.
    /// Starts `exe` with `args` (an argument array, never a shell) and `actions` for its descriptors. The child
    /// gets default signal dispositions and an empty mask (the tools ignore SIGPIPE), and the parent's environment
    /// with `environment` put over it. Used for one-shot runs (`run`) and long-lived workers (the OCR worker).
    /// - Returns: posix_spawn's status (0, or an errno value) and the child's pid.
    public static func spawnChild(
        _ exe: String, _ args: [String], environment: [String: String] = [:],
        actions: inout posix_spawn_file_actions_t
    ) -> (status: Int32, pid: pid_t) {
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaults = sigset_t(); sigemptyset(&defaults)
        for s in [SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP] { sigaddset(&defaults, s) }
        var mask = sigset_t(); sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setsigmask(&attr, &mask)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([exe] + args).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var envp: [UnsafeMutablePointer<CChar>?] = []
        if !environment.isEmpty {
            var p = environ
            while let e = p.pointee {
                let entry = String(cString: e)
                let name = entry.split(separator: "=", maxSplits: 1).first.map(String.init) ?? entry
                if environment[name] == nil { envp.append(strdup(e)) }
                p += 1
            }
            for (k, v) in environment.sorted(by: { $0.key < $1.key }) { envp.append(strdup("\(k)=\(v)")) }
            envp.append(nil)
        }
        defer { for p in envp { free(p) } }
        var pid: pid_t = 0
        let rc =
            envp.isEmpty
            ? posix_spawn(&pid, exe, &actions, &attr, argv, environ)
            : posix_spawn(&pid, exe, &actions, &attr, argv, envp)
        return (rc, pid)
    }

    /// Runs `exe` (an absolute path) with `args` to its end on a pool or dedicated thread, without blocking the
    /// concurrency pool. The child's stdin is /dev/null.
    ///
    /// - Parameters:
    ///   - exe: The program's path; it is not looked up in `PATH`.
    ///   - args: The arguments after the program name, passed as an array (never through a shell).
    ///   - timeout: The wall-clock deadline; past it the child is killed with SIGKILL.
    ///   - outputLimit: The most bytes of stdout kept, in bytes.
    ///   - environment: Variables added to or replacing this process's environment in the child.
    /// - Returns: `.finished` with the result (any exit status), `.timedOut` after the deadline, `.cancelled` when the
    ///   task was cancelled (the child is killed), or `.failed` with the reason when no pipe could be made or
    ///   posix_spawn failed (for example a missing program).
    public static func run(
        _ exe: String, _ args: [String], timeout: Duration, outputLimit: Int,
        environment: [String: String] = [:]
    ) async -> Outcome {
        let handle = Handle()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (cont: CheckedContinuation<Outcome, Never>) in
                let job: @Sendable () -> Void = {
                    cont.resume(
                        returning: runBlocking(
                            exe, args, timeout: timeout, outputLimit: outputLimit, handle: handle,
                            environment: environment))
                }
                offload(job)
            }
        } onCancel: {
            handle.cancel()
        }
    }

    /// Runs `job`, which blocks (waiting on a child), off the Swift concurrency threads. Up to one such job per core
    /// runs on libdispatch's global pool: its threads are reused (a fresh thread's stack is new memory to fault in),
    /// and the thread that saw the child end picks up the task's next step at once. Measured over 220 real PDFs at
    /// -j 2: 0.90 of pdftotext alone against 0.80 with a new thread per call. Beyond that, a job gets a thread of its
    /// own, so `-j 32` still has 32 children running and the pool is never filled with blocked waits.
    public static func offload(_ job: @escaping @Sendable () -> Void) {
        if SharedWaits.enter() {
            DispatchQueue.global().async {
                job(); SharedWaits.leave()
            }
        } else {
            let t = Thread(block: job)
            t.stackSize = 512 * 1024
            t.start()
        }
    }

    /// The blocking body of `run`, on the caller's thread: spawns the child, reads stdout and stderr with poll(2) until
    /// both close or `timeout` passes, kills the child with SIGKILL on timeout or cancellation through `handle`, and
    /// reaps it with waitpid(2).
    ///
    /// - Parameters:
    ///   - exe: The program's path; it is not looked up in `PATH`.
    ///   - args: The arguments after the program name (never through a shell).
    ///   - timeout: The wall-clock deadline.
    ///   - outputLimit: The most bytes of stdout kept, in bytes.
    ///   - handle: Shares the child's pid with whoever may cancel the run.
    ///   - environment: Variables added to or replacing this process's environment in the child.
    /// - Returns: The run's outcome, as `run` describes it.
    public static func runBlocking(
        _ exe: String, _ args: [String], timeout: Duration, outputLimit: Int, handle: Handle,
        environment: [String: String] = [:]
    ) -> Outcome {
        // Our pipe ends must never leak into another thread's child (it would hold our reads open until that child
        // exits). pipe2(O_CLOEXEC) makes that atomic; Glibc's module does not import it, so it is looked up once. Where
        // it is missing, pipe + FD_CLOEXEC under one lock around creating the pipes and spawning does the same.
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        /// The pipes and the child; posix_spawn's status, or nil when a pipe could not be made (errno says why).
        func start() -> (rc: Int32, pid: pid_t)? {
            guard makePipe(&outPipe) else { return nil }
            guard makePipe(&errPipe) else {
                let saved = errno
                close(outPipe[0]); close(outPipe[1])
                errno = saved
                return nil
            }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
            posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
            let started = spawnChild(exe, args, environment: environment, actions: &actions)
            close(outPipe[1]); close(errPipe[1])
            return (started.status, started.pid)
        }
        let spawned = pipe2 != nil ? start() : spawnLock.withLock { _ in start() }
        guard let (rc, pid) = spawned else { return .failed("pipe: \(String(cString: strerror(errno)))") }
        guard rc == 0 else {
            close(outPipe[0]); close(errPipe[0])
            return .failed("posix_spawn \(exe): \(String(cString: strerror(rc)))")
        }
        _ = handle.set(pid)
        defer { handle.done() }

        let deadline = ContinuousClock.now + timeout
        var out: [UInt8] = [], err: [UInt8] = []
        out.reserveCapacity(64 * 1024)
        var fds = [
            pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0),
            pollfd(fd: errPipe[0], events: Int16(POLLIN), revents: 0),
        ]
        var open = 2
        var timedOut = false
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { buf.deallocate() }
        while open > 0 {
            let left = ContinuousClock.now.duration(to: deadline)
            if left <= .zero { timedOut = true; break }
            let ms = Int32(
                min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1, 1_000))
            let n = poll(&fds, nfds_t(fds.count), ms)
            if n < 0 { if errno == EINTR { continue }; break }
            if n == 0 { if handle.isCancelled { break }; continue }
            for k in fds.indices where fds[k].fd >= 0 && fds[k].revents != 0 {
                let r = read(fds[k].fd, buf.baseAddress, buf.count)
                if r > 0 {
                    if k == 0 {
                        if out.count < outputLimit {
                            out.append(contentsOf: buf.prefix(min(r, outputLimit - out.count)))
                        }
                    } else if err.count < 1024 * 1024 {
                        err.append(contentsOf: buf.prefix(r))
                    }
                } else if r == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(fds[k].fd); fds[k].fd = -1; open -= 1
                }
            }
        }
        if timedOut || open > 0 { kill(pid, SIGKILL) }
        for f in fds where f.fd >= 0 { close(f.fd) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if timedOut { return .timedOut }
        if handle.isCancelled { return .cancelled }
        // WIFEXITED / WEXITSTATUS / WTERMSIG by hand (the macros are not imported)
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return .finished(ToolResult(status: code, stdout: out, stderr: String(decoding: err, as: UTF8.self)))
    }
}

/// How many child waits run on the shared dispatch pool (at most one per core).
enum SharedWaits {
    private static let inUse = Mutex(0)
    private static let limit = max(1, ProcessInfo.processInfo.activeProcessorCount)
    static func enter() -> Bool {
        inUse.withLock { n in
            guard n < limit else { return false }
            n += 1
            return true
        }
    }
    static func leave() { inUse.withLock { $0 -= 1 } }
}
