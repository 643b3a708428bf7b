/// An open loop: calls go out at a target rate (constant or Poisson arrivals) whatever the
/// server does, and each call's latency runs from the time it was scheduled, not the time
/// it was sent. A server that stalls for 200 ms therefore shows 200 ms of latency on every
/// call scheduled during the stall, as its users would see it (no coordinated omission).
/// This mode answers "what latency do users see at R calls per second".
///
/// The in-flight cap (`maxInFlight` in all, `streamsPerConnection` per connection): a call
/// due while the cap is reached waits for a free stream, is then sent late, and its latency
/// still counts from its scheduled time; none is dropped. The report counts those calls
/// (`calls_delayed_by_in_flight_cap`) and how late calls went out (`send_lag_microseconds`).
struct OpenLoop: LoadModel {
    /// Calls per second.
    let rate: Double
    /// How calls are spaced.
    let arrivals: Arrivals
    /// Calls in flight at most, over all connections.
    let maxInFlight: Int
    /// Calls in flight at most on one connection.
    let streamsPerConnection: Int
    /// Seeds the Poisson gaps.
    let seed: UInt64

    var description: String {
        "open loop, \(Self.format(rate)) calls/s (\(arrivals.rawValue) arrivals)"
    }

    var targetRate: Double? { rate }

    /// Below this wait the scheduler sends at once instead of sleeping: a sleep this short
    /// returns later than asked, and the next calls would go out late in a burst.
    private static let shortestSleep = Duration.microseconds(50)

    func run(_ issuer: some CallIssuer, phases: BenchmarkPhases, recording: SharedRecording) async {
        let slots = StreamSlots(
            connections: issuer.connectionCount, perConnection: streamsPerConnection, total: maxInFlight
        )
        var schedule = ArrivalSchedule(rate: rate, arrivals: arrivals, seed: seed)
        let clock = ContinuousClock()
        await withDiscardingTaskGroup { group in
            var callIndex = 0
            while !Task.isCancelled {
                let due = phases.start + .seconds(schedule.nextOffset(callIndex: callIndex))
                if due >= phases.end { break }
                let wait = due - clock.now
                if wait > Self.shortestSleep {
                    try? await clock.sleep(until: due, tolerance: .zero)
                }
                let (connection, waited) = await slots.acquire()
                let index = callIndex
                group.addTask {
                    let sent = clock.now
                    let outcome = await issuer.call(connection: connection, callIndex: index)
                    let finish = clock.now
                    slots.release(connection)
                    if due >= phases.warmupEnd {
                        recording.record(outcome, intended: due, sent: sent, finish: finish, waitedForStream: waited)
                    }
                }
                callIndex += 1
            }
        }
    }

    private static func format(_ rate: Double) -> String {
        rate == rate.rounded() ? String(Int(rate)) : String(rate)
    }
}
