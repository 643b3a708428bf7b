/// One measured run: a load model driving an issuer through warm-up and measurement, with
/// the progress line kept up to date while it goes.
struct BenchmarkRun: Sendable {
    /// Seconds of calls before measurement.
    let warmup: Duration
    /// Seconds of measurement.
    let duration: Duration
    /// Whether to keep a progress line on standard error.
    let showsProgress: Bool

    /// Runs `load` through `issuer` and returns what was recorded once every call has ended.
    func measure(_ load: some LoadModel, through issuer: some CallIssuer) async -> CallRecording {
        let phases = BenchmarkPhases(warmup: warmup, duration: duration)
        let recording = SharedRecording(phases: phases)
        let progress =
            showsProgress ? ProgressDisplay(recording: recording, phases: phases, label: load.description) : nil
        let ticker = Task { await progress?.run() }
        await load.run(issuer, phases: phases, recording: recording)
        ticker.cancel()
        await ticker.value
        progress?.finish()
        return recording.snapshot
    }
}
