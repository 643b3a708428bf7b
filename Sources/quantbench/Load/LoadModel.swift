/// When calls are made: a closed loop keeps a fixed number of calls in flight; an open loop
/// sends calls at a target rate whatever the server does.
protocol LoadModel: Sendable {
    /// A one-line description for reports, e.g. `closed loop, 64 calls in flight`.
    var description: String { get }
    /// The calls per second asked for, for an open loop; nil for a closed loop.
    var targetRate: Double? { get }
    /// Makes calls through `issuer` until `phases.end`, recording into `recording` those
    /// whose intended start falls after the warm-up; returns when every call has ended.
    func run(_ issuer: some CallIssuer, phases: BenchmarkPhases, recording: SharedRecording) async
}
