/// When calls are made. A closed loop keeps a fixed number of calls in flight; an open loop
/// (calls at a fixed or Poisson rate, each call's latency measured from when it was meant to
/// start, so that a stalled server is not hidden by callers that stop sending) is another
/// conformance of this protocol.
protocol LoadModel: Sendable {
    /// A one-line description for reports, e.g. `closed loop, 64 calls in flight`.
    var description: String { get }
    /// Makes calls through `issuer` until `phases.end`, recording those that start after the warm-up.
    func run(_ issuer: some CallIssuer, phases: BenchmarkPhases) async -> CallRecording
}

/// The time line of one run: warm-up calls are made but not recorded.
struct BenchmarkPhases: Sendable {
    /// When recording starts.
    let warmupEnd: ContinuousClock.Instant
    /// When no new call starts.
    let end: ContinuousClock.Instant

    /// Phases starting now: `warmup`, then `duration` of measurement.
    init(warmup: Duration, duration: Duration) {
        let now = ContinuousClock.now
        warmupEnd = now + warmup
        end = warmupEnd + duration
    }
}
