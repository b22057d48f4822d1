import Dispatch
import SmoleBackend
import SmoleRecords

/// SIGINT/SIGTERM handling: the first signal calls `onFirst` (stop taking work, cancel what is
/// in flight); a second one exits at once (128 + the signal).
///
/// A C signal handler writes the signal's number to a pipe (the self-pipe pattern: `write(2)` is
/// async-signal-safe, POSIX.1-2017 2.4.3), and a dispatch read source on the pipe's other end calls
/// `onFirst`. A dispatch *signal* source is not used: on Linux it needs the signal blocked in every
/// thread, and a thread started before it (the HTTP client's event loops, the concurrency pool)
/// could take the signal and, with the disposition `SIG_IGN`, drop it, so a busy run went on
/// after SIGTERM. The source and the pipe are kept in statics so they are never freed.
public enum Signals {
    nonisolated(unsafe) private static var source: (any DispatchSourceRead)? = nil
    nonisolated(unsafe) private static var writeEnd: Int32 = -1
    nonisolated(unsafe) private static var received: Int32 = 0
    private static let queue = DispatchQueue(label: "smole.signals")

    /// Installs the handlers for SIGINT and SIGTERM; call once, before the run starts.
    public static func install(_ onFirst: @escaping @Sendable (Int32) -> Void) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        writeEnd = fds[1]
        let readEnd = fds[0]
        let s = DispatchSource.makeReadSource(fileDescriptor: readEnd, queue: queue)
        s.setEventHandler {
            var byte: UInt8 = 0
            while read(readEnd, &byte, 1) == 1 {
                let sig = Int32(byte)
                if received != 0 { _exit(128 + received) }
                received = sig
                onFirst(sig)
            }
        }
        s.resume()
        source = s
        let handler: @convention(c) (Int32) -> Void = { sig in
            var b = UInt8(truncatingIfNeeded: sig)
            _ = write(Signals.writeEnd, &b, 1)
        }
        for sig in [SIGINT, SIGTERM] {
            var action = sigaction()
            #if canImport(Darwin)
            action.__sigaction_u.__sa_handler = handler
            #else
            action.__sigaction_handler.sa_handler = handler
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(sig, &action, nil)
        }
    }
}
