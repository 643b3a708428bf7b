/// The time line of one run: warm-up calls are made but not recorded.
struct BenchmarkPhases: Sendable {
    /// When the first call is due.
    let start: ContinuousClock.Instant
    /// When recording starts.
    let warmupEnd: ContinuousClock.Instant
    /// When no new call starts.
    let end: ContinuousClock.Instant

    /// Phases starting now: `warmup`, then `duration` of measurement.
    init(warmup: Duration, duration: Duration) {
        start = ContinuousClock.now
        warmupEnd = start + warmup
        end = warmupEnd + duration
    }
}
