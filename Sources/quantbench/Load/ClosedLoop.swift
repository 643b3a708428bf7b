/// A closed loop: `concurrency` callers, each sending its next call as soon as its previous
/// one ends, caller `i` on connection `i % connectionCount`. Latency runs from each call's
/// actual send, so a stalled server slows the callers down and the stall shows in far
/// fewer calls than an open loop would see: this mode answers "how many calls per second
/// can N callers get through", not "what latency do users see at a given load".
struct ClosedLoop: LoadModel {
    /// Calls in flight at any time.
    let concurrency: Int

    var description: String { "closed loop, \(concurrency) calls in flight" }
    var targetRate: Double? { nil }

    func run(_ issuer: some CallIssuer, phases: BenchmarkPhases, recording: SharedRecording) async {
        await withDiscardingTaskGroup { group in
            for caller in 0..<concurrency {
                group.addTask {
                    await runCaller(caller, issuer, phases: phases, recording: recording)
                }
            }
        }
    }

    /// One caller's loop. Call numbers interleave across callers (caller + k × concurrency),
    /// so that the callers walk through the workload's requests without sending the same ones.
    private func runCaller(
        _ caller: Int, _ issuer: some CallIssuer, phases: BenchmarkPhases, recording: SharedRecording
    ) async {
        let connection = caller % issuer.connectionCount
        let clock = ContinuousClock()
        var callIndex = caller
        while true {
            let start = clock.now
            if start >= phases.end || Task.isCancelled { break }
            let outcome = await issuer.call(connection: connection, callIndex: callIndex)
            callIndex += concurrency
            if start >= phases.warmupEnd {
                recording.record(outcome, intended: start, sent: start, finish: clock.now, waitedForStream: false)
            }
        }
    }
}
