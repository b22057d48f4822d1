import SmoleRecords

/// Exponential back-off with full jitter: the n-th delay is uniform in [0, min(cap, base·2ⁿ)].
public struct RetryDelays: Sequence, Sendable {
    /// The first delay's ceiling (500 ms by default); each later one doubles it.
    public var base: Duration
    /// The largest ceiling (30 s by default).
    public var cap: Duration
    /// Whether each delay is drawn uniformly from [0, ceiling] (full jitter); false gives the ceilings themselves.
    public var jitter: Bool

    /// The delays for retries of one document (AWS's "full jitter"; see grpc-swift's `RetryDelaySequence`).
    public init(base: Duration = .milliseconds(500), cap: Duration = .seconds(30), jitter: Bool = true) {
        self.base = base
        self.cap = cap
        self.jitter = jitter
    }

    /// Draws the delays from the system random number generator.
    public struct Iterator: IteratorProtocol {
        var n = 0
        let base: Double
        let cap: Double
        let jitter: Bool
        var rng = SystemRandomNumberGenerator()
        /// The next delay; the sequence never ends.
        public mutating func next() -> Duration? {
            let ceiling = Swift.min(cap, base * pow2(n))
            n += 1
            let v = jitter ? Double.random(in: 0...ceiling, using: &rng) : ceiling
            return .seconds(v)
        }
    }

    /// A fresh sequence of delays, starting from `base`.
    public func makeIterator() -> Iterator {
        Iterator(base: base.seconds, cap: cap.seconds, jitter: jitter)
    }
}

@inline(__always) func pow2(_ n: Int) -> Double {
    n >= 62 ? Double.greatestFiniteMagnitude : Double(UInt64(1) << UInt64(n))
}
