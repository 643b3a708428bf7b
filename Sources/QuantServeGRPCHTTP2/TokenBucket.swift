import NIOCore

/// A token bucket: `burst` tokens at first and at most, `perSecond` tokens back each second.
/// Each event takes one; an event that finds the bucket empty is over the rate. Pure: the
/// caller passes the time.
struct TokenBucket: Equatable {
    /// Events allowed at once.
    let burst: Int
    /// Events allowed per second in the long run.
    let perSecond: Int
    private var tokens: Double
    private var refilledAt: NIODeadline?

    init(burst: Int, perSecond: Int) {
        self.burst = burst
        self.perSecond = perSecond
        self.tokens = Double(burst)
    }

    /// Takes one token at `now`; false when none is left (the event is over the rate).
    mutating func take(now: NIODeadline) -> Bool {
        if let refilledAt {
            let seconds = Double((now - refilledAt).nanoseconds) / 1e9
            if seconds > 0 { tokens = min(Double(burst), tokens + seconds * Double(perSecond)) }
        }
        refilledAt = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
