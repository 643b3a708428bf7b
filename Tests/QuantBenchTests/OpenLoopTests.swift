import QuantServeTestSupport
import Testing

@testable import quantbench

/// The open loop keeps its schedule, and measures from it: a stall shows as users see it.
@Suite(.tags(.loopback)) struct OpenLoopTests {
    /// Every call the schedule holds goes out and is counted, however late the machine runs
    /// it: 500 calls/s for one second are exactly 500 calls, all answered. (That the achieved
    /// rate is within 2 % of 500/s is a wall-clock figure: benchmarks/quantbench/open_loop_rate.sh.)
    @Test func sendsEveryScheduledCall() async throws {
        let server = try await ScriptedServer.start(.immediate)
        let (_, summary) = try await BenchHarness.measure(
            BenchHarness.openLoop(rate: 500), against: server, duration: .seconds(1))
        await server.stop()
        #expect(summary.sent == 500, "calls scheduled in 1 s at 500/s: \(summary.sent)")
        #expect(summary.succeeded == 500)
        #expect(summary.failed == 0)
        #expect(server.tally.succeeded == 500)
    }

    /// A server answering in 2 ms, except that every second begins with a 200 ms stall. A
    /// closed loop (one caller) waits out the stall in a single call per second, so its p99
    /// stays near 2 ms; an open loop at the same rate keeps sending through the stall, and
    /// every call scheduled in it waits: p99 and max show the stall.
    @Test func openLoopShowsTheStallThatAClosedLoopHides() async throws {
        let server = try await ScriptedServer.start(.delayed(.milliseconds(2), stall: .milliseconds(200)))
        let closed = try await BenchHarness.measure(ClosedLoop(concurrency: 1), against: server, duration: .seconds(3))
        let rate = closed.summary.throughputPerSecond.rounded()
        try #require(rate >= 1, "the closed loop completed no call: \(closed.summary.throughputPerSecond)/s")
        let open = try await BenchHarness.measure(
            BenchHarness.openLoop(rate: rate), against: server, connections: 2, duration: .seconds(3))
        await server.stop()

        let closedLatency = closed.summary.latencyMicroseconds
        let openLatency = open.summary.latencyMicroseconds
        #expect(closedLatency.p99 < 50_000, "closed loop p99 \(closedLatency.p99) µs should hide the stall")
        #expect(openLatency.p99 >= 100_000, "open loop p99 \(openLatency.p99) µs should show the stall")
        #expect(openLatency.max >= 150_000, "open loop max \(openLatency.max) µs should show the stall")
        // About a fifth of the open loop's calls were scheduled during a stall.
        let stalled = open.recording.latencies.count(within: 50_000_000...60_000_000_000)
        #expect(
            Double(stalled) >= 0.1 * Double(open.summary.succeeded),
            "\(stalled) of \(open.summary.succeeded) calls saw the stall")
        #expect(closed.summary.failed == 0 && open.summary.failed == 0)
    }

    /// With one call allowed in flight against a 20 ms server, 100 calls/s cannot go out on
    /// time: they wait for the stream, are all still sent, and count from their schedule.
    @Test func callsHeldByTheInFlightCapCountFromTheirSchedule() async throws {
        let server = try await ScriptedServer.start(.delayed(.milliseconds(20), stall: .zero))
        let (_, summary) = try await BenchHarness.measure(
            BenchHarness.openLoop(rate: 100, maxInFlight: 1), against: server, duration: .milliseconds(500)
        )
        await server.stop()
        #expect(summary.sent == 50)
        #expect(summary.succeeded == 50)
        #expect(summary.callsDelayedByInFlightCap >= 40)
        // The last call was due at 0.49 s and could start only after ~49 calls of 20 ms.
        #expect(summary.latencyMicroseconds.max >= 400_000, "max \(summary.latencyMicroseconds.max) µs")
        #expect(try #require(summary.sendLagMicroseconds).max >= 400_000)
    }

    @Test func sameSeedSameArrivals() {
        var first = ArrivalSchedule(rate: 1_000, arrivals: .poisson, seed: 7)
        var second = ArrivalSchedule(rate: 1_000, arrivals: .poisson, seed: 7)
        var other = ArrivalSchedule(rate: 1_000, arrivals: .poisson, seed: 8)
        let a = (0..<100).map { first.nextOffset(callIndex: $0) }
        #expect(a == (0..<100).map { second.nextOffset(callIndex: $0) })
        #expect(a != (0..<100).map { other.nextOffset(callIndex: $0) })
    }

    @Test func poissonGapsAverageOneOverTheRate() {
        var schedule = ArrivalSchedule(rate: 500, arrivals: .poisson, seed: 3)
        var last = 0.0
        var gaps: [Double] = []
        for index in 0..<100_000 {
            let offset = schedule.nextOffset(callIndex: index)
            if index > 0 { gaps.append(offset - last) }
            last = offset
        }
        let mean = gaps.reduce(0, +) / Double(gaps.count)
        let variance = gaps.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(gaps.count)
        #expect(abs(mean - 0.002) < 0.002 * 0.01)
        // Exponential gaps: the standard deviation equals the mean.
        #expect(abs(variance.squareRoot() - mean) < mean * 0.02)
        #expect(gaps.allSatisfy { $0 >= 0 })
    }

    @Test func constantArrivalsAreEvenlySpaced() {
        var schedule = ArrivalSchedule(rate: 400, arrivals: .constant, seed: 1)
        let offsets = (0..<1_000).map { schedule.nextOffset(callIndex: $0) }
        #expect(offsets[0] == 0)
        #expect(offsets[400] == 1)
        #expect(zip(offsets, offsets.dropFirst()).allSatisfy { abs($1 - $0 - 0.0025) < 1e-9 })
    }

    @Test func streamSlotsHonourBothCapsAndHandOutRoundRobin() async {
        let slots = StreamSlots(connections: 2, perConnection: 2, total: 3)
        var granted: [Int] = []
        for _ in 0..<3 {
            let (connection, waited) = await slots.acquire()
            #expect(!waited)
            granted.append(connection)
        }
        #expect(granted == [0, 1, 0])
        let fourth = Task { await slots.acquire() }
        while !slots.hasWaiter { await Task.yield() }  // the fourth caller is waiting for a stream
        slots.release(1)
        let (connection, waited) = await fourth.value
        #expect(connection == 1)
        #expect(waited)
    }
}
