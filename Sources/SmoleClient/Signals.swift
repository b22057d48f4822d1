import Dispatch
import SmoleRecords

/// SIGINT/SIGTERM handling: the first signal calls `onFirst` (stop taking work, cancel what is
/// in flight); a second one exits at once. The dispatch sources are kept in a static so they
/// are never freed (a freed source loses its signal in release builds).
public enum Signals {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    private static let queue = DispatchQueue(label: "smole.signals")
    nonisolated(unsafe) private static var received: Int32 = 0

    public static func install(_ onFirst: @escaping @Sendable (Int32) -> Void) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            s.setEventHandler {
                if received != 0 {
                    _exit(128 + received)
                }
                received = sig
                onFirst(sig)
            }
            s.resume()
            sources.append(s)
        }
    }
}
