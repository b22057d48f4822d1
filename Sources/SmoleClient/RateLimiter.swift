import SmoleBackend
import SmoleRecords

/// The shared request budget (`--rate`) and the documents-in-flight window (`-j`, AIMD on 429).

/// One token bucket for all requests (submits and polls alike). `rate` tokens per second,
/// bursting up to `burst`. A nil rate means no limit.
public actor TokenBucket {
    let rate: Double?
    let burst: Double
    var tokens: Double
    var last: ContinuousClock.Instant
    let clock = ContinuousClock()

    /// A bucket of `rate` tokens per second (nil or 0: no limit) holding at most `burst` (by default the rate, at least
    /// 1); it starts full.
    public init(rate: Double?, burst: Double? = nil) {
        self.rate = rate
        let b = burst ?? max(1, rate ?? 1)
        self.burst = b
        self.tokens = b
        self.last = ContinuousClock.now
    }

    /// Waits until a token is available and takes it. Throws CancellationError when cancelled.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while it waits (the token it reserved is not
    ///   given back).
    public func acquire() async throws {
        guard let rate, rate > 0 else { return }
        while true {
            let now = clock.now
            tokens = min(burst, tokens + (now - last).seconds * rate)
            last = now
            if tokens >= 1 {
                tokens -= 1
                return
            }
            let wait = (1 - tokens) / rate
            // Reserve: take the token now and sleep until it is ours, so waiters queue fairly.
            tokens -= 1
            try await Task.sleep(for: .seconds(wait))
            return
        }
    }
}

/// Caps documents in flight at `limit`, which shrinks by half on throttling (429) and grows
/// back by 1/limit per success, never above `max` (AIMD).
public actor Window {
    /// `--jobs`: the most documents in flight.
    public let max: Int
    /// The current cap, between 1 and `max`; fractional while it grows back.
    public private(set) var limit: Double
    /// Places taken now.
    public private(set) var inFlight = 0
    /// The most places taken at once during the run.
    public private(set) var peak = 0
    var waiters: [(id: Int, cont: CheckedContinuation<Void, any Error>)] = []
    var nextID = 0
    var lastDecrease: ContinuousClock.Instant?
    var closed = false

    /// A window of `max` places (at least 1), all open.
    public init(max: Int) {
        self.max = Swift.max(1, max)
        self.limit = Double(self.max)
    }

    /// Takes a place, waiting for one if all `limit` are taken.
    ///
    /// - Throws: `CancellationError` when the task is cancelled or the window is closed.
    public func acquire() async throws {
        if closed { throw CancellationError() }
        if inFlight < Int(limit), waiters.isEmpty {
            inFlight += 1
            peak = Swift.max(peak, inFlight)
            return
        }
        nextID += 1
        let id = nextID
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                waiters.append((id, c))
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: Int) {
        if let i = waiters.firstIndex(where: { $0.id == id }) {
            let w = waiters.remove(at: i)
            w.cont.resume(throwing: CancellationError())
        }
    }

    /// Fails every waiting `acquire()`, and every later one: the run is stopping.
    public func close() {
        closed = true
        let ws = waiters
        waiters.removeAll()
        for w in ws { w.cont.resume(throwing: CancellationError()) }
    }

    /// Gives a place back and wakes waiters while the cap allows.
    public func release() {
        inFlight -= 1
        wake()
    }

    private func wake() {
        while inFlight < Int(limit), !waiters.isEmpty {
            let w = waiters.removeFirst()
            inFlight += 1
            peak = Swift.max(peak, inFlight)
            w.cont.resume()
        }
    }

    /// A 429: halve the window, at most once per second so one burst of 429s counts once.
    public func throttled() {
        let now = ContinuousClock.now
        if let l = lastDecrease, now - l < .seconds(1) { return }
        lastDecrease = now
        limit = Swift.max(1, (limit / 2).rounded(.down))
    }

    /// A request that succeeded: grow the window by 1/limit.
    public func succeeded() {
        guard limit < Double(max) else { return }
        limit = Swift.min(Double(max), limit + 1 / limit)
        wake()
    }
}
