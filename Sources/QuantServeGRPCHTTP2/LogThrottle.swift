import NIOCore
import Synchronization

/// Keeps a hostile client from filling the log: at most `burst` lines at once and
/// `perSecond` in the long run; the lines dropped in between are counted and reported by the
/// next line let through.
struct LogThrottle {
    private var bucket: TokenBucket
    private var suppressed = 0

    init(burst: Int, perSecond: Int) {
        bucket = TokenBucket(burst: burst, perSecond: perSecond)
    }

    /// Whether a line may be written at `now`; when it may, `suppressed` is the number of lines
    /// dropped since the last one written.
    mutating func admit(now: NIODeadline) -> (allowed: Bool, suppressed: Int) {
        guard bucket.take(now: now) else {
            suppressed += 1
            return (false, 0)
        }
        defer { suppressed = 0 }
        return (true, suppressed)
    }
}

/// A `LogThrottle` shared by every connection of a server, for the lines each hostile
/// connection would otherwise write once (refused, cut, not HTTP/2).
final class SharedLogThrottle: Sendable {
    private let throttle: Mutex<LogThrottle>

    init(burst: Int, perSecond: Int) {
        throttle = Mutex(LogThrottle(burst: burst, perSecond: perSecond))
    }

    /// Logs through `write` if the rate allows, with the count of lines dropped before it.
    func log(_ write: (_ suppressed: Int) -> Void) {
        let (allowed, suppressed) = throttle.withLock { $0.admit(now: .now()) }
        if allowed { write(suppressed) }
    }
}
