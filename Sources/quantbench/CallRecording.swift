import GRPCCore
import Histogram

/// One caller's measurements: the latency of every successful call in an HdrHistogram
/// (nanoseconds, 3 significant digits) and the failures counted by status. Callers record
/// without sharing anything; the recordings are merged at the end.
struct CallRecording: Sendable {
    /// Latencies of successful calls, in nanoseconds.
    private(set) var latencies = Histogram<UInt64>(lowestDiscernibleValue: 1_000, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    /// Successful calls slower than the histogram's range (a minute).
    private(set) var tooSlowToRecord = 0
    /// Failed calls by status name (`TRANSPORT` for calls that got no status).
    private(set) var failures: [String: Int] = [:]
    /// When the first recorded call started and the last one ended.
    private(set) var window: Range<ContinuousClock.Instant>?

    /// Records one call that ran from `start` to `finish`.
    mutating func record(_ outcome: CallOutcome, start: ContinuousClock.Instant, finish: ContinuousClock.Instant) {
        switch outcome {
        case .succeeded:
            let elapsed = (finish - start).components
            let nanoseconds = UInt64(elapsed.seconds) &* 1_000_000_000 &+ UInt64(elapsed.attoseconds / 1_000_000_000)
            if !latencies.record(nanoseconds) { tooSlowToRecord += 1 }
        case .failed(let code):
            failures[code.description, default: 0] += 1
        case .transportFailure:
            failures["TRANSPORT", default: 0] += 1
        }
        window = min(window?.lowerBound ?? start, start)..<max(window?.upperBound ?? finish, finish)
    }

    /// Adds another caller's recording to this one.
    mutating func merge(_ other: CallRecording) {
        latencies.add(other.latencies)
        tooSlowToRecord += other.tooSlowToRecord
        failures.merge(other.failures, uniquingKeysWith: +)
        if let otherWindow = other.window {
            window = min(window?.lowerBound ?? otherWindow.lowerBound, otherWindow.lowerBound)..<max(window?.upperBound ?? otherWindow.upperBound, otherWindow.upperBound)
        }
    }

    /// Successful calls recorded (in the histogram or beyond its range).
    var succeeded: Int { Int(latencies.totalCount) + tooSlowToRecord }

    /// Failed calls recorded.
    var failed: Int { failures.values.reduce(0, +) }
}
