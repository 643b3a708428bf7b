/// A closed loop: `concurrency` callers, each making its next call as soon as its previous
/// one ends, caller `i` on connection `i % connectionCount`.
struct ClosedLoop: LoadModel {
    /// Calls in flight at any time.
    let concurrency: Int

    var description: String { "closed loop, \(concurrency) calls in flight" }

    func run(_ issuer: some CallIssuer, phases: BenchmarkPhases) async -> CallRecording {
        await withTaskGroup(of: CallRecording.self) { group in
            for caller in 0..<concurrency {
                group.addTask {
                    await Self.runCaller(issuer, connection: caller % issuer.connectionCount, phases: phases)
                }
            }
            var total = CallRecording()
            for await recording in group { total.merge(recording) }
            return total
        }
    }

    /// One caller's loop; it allocates nothing per call itself.
    private static func runCaller(_ issuer: some CallIssuer, connection: Int, phases: BenchmarkPhases) async -> CallRecording {
        var recording = CallRecording()
        var callIndex = 0
        let clock = ContinuousClock()
        while true {
            let start = clock.now
            if start >= phases.end || Task.isCancelled { break }
            let outcome = await issuer.call(connection: connection, callIndex: callIndex)
            callIndex += 1
            if start >= phases.warmupEnd {
                recording.record(outcome, start: start, finish: clock.now)
            }
        }
        return recording
    }
}
