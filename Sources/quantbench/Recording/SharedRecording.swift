import Synchronization

/// A run's `CallRecording`, shared by every call task and read while the run goes on by
/// the progress display.
final class SharedRecording: Sendable {
    private let recording: Mutex<CallRecording>

    /// An empty recording of the measurement phase of `phases`.
    init(phases: BenchmarkPhases) {
        recording = Mutex(
            CallRecording(measurementStart: phases.warmupEnd, measurementStartSince1970: phases.warmupEndSince1970))
    }

    /// See `CallRecording.record(_:intended:sent:finish:waitedForStream:)`.
    func record(
        _ outcome: CallOutcome, intended: ContinuousClock.Instant, sent: ContinuousClock.Instant,
        finish: ContinuousClock.Instant, waitedForStream: Bool
    ) {
        recording.withLock {
            $0.record(outcome, intended: intended, sent: sent, finish: finish, waitedForStream: waitedForStream)
        }
    }

    /// Reads the recording as it is now.
    func read<Result: Sendable>(_ body: (CallRecording) -> Result) -> Result {
        recording.withLock { body($0) }
    }

    /// A copy of the recording as it is now.
    var snapshot: CallRecording { recording.withLock { $0 } }
}
