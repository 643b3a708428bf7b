import NIOCore
import Testing

@testable import QuantServeGRPCHTTP2

@Suite("Connection limiter, token bucket and log throttle")
struct ConnectionLimiterTests {
    static let start = NIODeadline.uptimeNanoseconds(5_000_000_000)

    @Test func thePerPeerLimitRefusesOnlyThatPeer() {
        var limiter = ConnectionLimiter(maxConnections: 10, maxPerPeer: 2)
        #expect(limiter.admit(peer: "127.0.0.2") == nil)
        #expect(limiter.admit(peer: "127.0.0.2") == nil)
        #expect(limiter.admit(peer: "127.0.0.2")?.reason == "too many connections from one address (limit 2)")
        #expect(limiter.admit(peer: "127.0.0.1") == nil)
        #expect(limiter.openCount == 3)
        #expect(limiter.admittedCount == 3)
        #expect(limiter.refusedCount == 1)
        limiter.release(peer: "127.0.0.2")
        #expect(limiter.admit(peer: "127.0.0.2") == nil)
    }

    @Test func theGlobalLimitRefusesEveryone() {
        var limiter = ConnectionLimiter(maxConnections: 2, maxPerPeer: 2)
        #expect(limiter.admit(peer: "a") == nil)
        #expect(limiter.admit(peer: "b") == nil)
        #expect(limiter.admit(peer: "c")?.reason == "too many connections (server limit 2)")
        #expect(limiter.openCount == 2)
        limiter.release(peer: "a")
        #expect(limiter.openCount == 1)
        #expect(limiter.admit(peer: "c") == nil)
        #expect(limiter.refusedCount == 1)
    }

    @Test func aTokenBucketAllowsItsBurstThenItsRate() {
        var bucket = TokenBucket(burst: 5, perSecond: 2)
        func take(after elapsed: TimeAmount) -> Bool { bucket.take(now: Self.start + elapsed) }
        for _ in 0..<5 { #expect(take(after: .zero)) }
        #expect(!take(after: .zero))
        #expect(!take(after: .milliseconds(400)))
        #expect(take(after: .milliseconds(600)))
        #expect(!take(after: .milliseconds(600)))
        // Refilling never goes past the burst.
        for _ in 0..<5 { #expect(take(after: .seconds(60))) }
        #expect(!take(after: .seconds(60)))
    }

    @Test func theLogThrottleCountsWhatItDropped() {
        var throttle = LogThrottle(burst: 2, perSecond: 1)
        #expect(throttle.admit(now: Self.start) == (true, 0))
        #expect(throttle.admit(now: Self.start) == (true, 0))
        #expect(throttle.admit(now: Self.start) == (false, 0))
        #expect(throttle.admit(now: Self.start) == (false, 0))
        #expect(throttle.admit(now: Self.start + .seconds(1)) == (true, 2))
        #expect(throttle.admit(now: Self.start + .seconds(1)) == (false, 0))
    }
}
