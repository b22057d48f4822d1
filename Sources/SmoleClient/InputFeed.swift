import Foundation
import SmoleBackend
import SmoleRecords
import Synchronization

/// Input lines for an async tool: document arguments, or records read from stdin (or named
/// files) by a dedicated thread running `LineReader` (getline), feeding an AsyncStream with
/// backpressure: at most `capacity` lines wait unconsumed. Works with `tool < file` and pipes.
public final class InputFeed: @unchecked Sendable {
    /// The input lines in order; it ends when the input does, or at `stop()`.
    public let stream: AsyncStream<InputLine>
    private let continuation: AsyncStream<InputLine>.Continuation
    private let credits: Credits
    private let problemsBox = Mutex(InputProblems())

    /// Documents named as arguments, each a path (one input line per argument).
    public init(documents: [String]) {
        (stream, continuation) = AsyncStream<InputLine>.makeStream(bufferingPolicy: .unbounded)
        credits = Credits(Int.max / 2)
        for (i, d) in documents.enumerated() {
            continuation.yield(InputLine(source: "<arguments>", line: i + 1, item: .path(d)))
        }
        continuation.finish()
    }

    /// Documents named as arguments, as the bytes the shell passed: a name that is not UTF-8
    /// becomes a record with `{"bytes": base64}` as its path, so it is opened by its very bytes.
    public init(documentPaths: [DocumentPath]) {
        (stream, continuation) = AsyncStream<InputLine>.makeStream(bufferingPolicy: .unbounded)
        credits = Credits(Int.max / 2)
        for (i, d) in documentPaths.enumerated() {
            let item: InputItem
            if let s = d.string {
                item = .path(s)
            } else {
                var r = Record()
                r["path"] = d.json
                item = .record(r)
            }
            continuation.yield(InputLine(source: "<arguments>", line: i + 1, item: item))
        }
        continuation.finish()
    }

    /// Records from `paths` ("-" = stdin), read on a dedicated thread.
    public init(recordFiles paths: [String], capacity: Int = 256) {
        (stream, continuation) = AsyncStream<InputLine>.makeStream(bufferingPolicy: .unbounded)
        credits = Credits(capacity)
        let cont = continuation
        let credits = self.credits
        let thread = Thread { [self] in
            let problems = InputSet(paths: paths).forEach { line in
                credits.take()
                cont.yield(line)
            }
            problemsBox.withLock { $0 = problems }
            cont.finish()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Call after consuming each line: lets the reader thread read one more.
    public func consumed() { credits.give() }

    /// Stops delivering input (buffered lines still arrive, then the stream ends).
    public func stop() { continuation.finish() }

    /// Missing or unreadable named inputs, known once the stream has ended.
    public var problems: InputProblems { problemsBox.withLock { $0 } }
}

/// A counting semaphore on a pthread condition variable (no libdispatch lifetime traps). The one lock not a
/// `Synchronization.Mutex`: a thread waits here for a credit, and Mutex has no condition variable to wait on.
final class Credits: @unchecked Sendable {
    private var m = pthread_mutex_t()
    private var c = pthread_cond_t()
    private var n: Int
    init(_ n: Int) {
        self.n = n
        pthread_mutex_init(&m, nil)
        pthread_cond_init(&c, nil)
    }
    func take() {
        pthread_mutex_lock(&m)
        while n <= 0 { pthread_cond_wait(&c, &m) }
        n -= 1
        pthread_mutex_unlock(&m)
    }
    func give() {
        pthread_mutex_lock(&m)
        n += 1
        pthread_cond_signal(&c)
        pthread_mutex_unlock(&m)
    }
}
