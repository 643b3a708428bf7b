import Histogram
import QuantServeGRPC

/// The measurements of one run: every recorded call's latency in an HdrHistogram
/// (nanoseconds, 3 significant digits), failures counted by status name, and the same
/// figures second by second.
///
/// A call is recorded when its intended start (open loop: the time it was scheduled; closed
/// loop: the time it was sent) falls in the measurement window. Its latency runs from that
/// intended start to its end, and it counts in the second it ended. Failures never enter
/// the latency histograms.
struct CallRecording: Sendable {
    /// The histogram every latency goes into: 1 µs to a minute, in nanoseconds.
    typealias LatencyHistogram = Histogram<UInt64>

    /// A histogram with the range and precision every latency histogram of a run shares.
    static func makeHistogram() -> LatencyHistogram {
        LatencyHistogram(
            lowestDiscernibleValue: 1_000, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three
        )
    }

    /// When measurement starts: second 0 of the time series begins here.
    let measurementStart: ContinuousClock.Instant
    /// The same instant in seconds since 1970.
    let measurementStartSince1970: Double

    /// Latencies of successful calls, in nanoseconds.
    private(set) var latencies = makeHistogram()
    /// Successful calls slower than the histogram's range (a minute).
    private(set) var tooSlowToRecord = 0
    /// Failed calls by status name (`TRANSPORT` for calls that got no status).
    private(set) var failures: [String: Int] = [:]
    /// Calls recorded as sent (scheduled, for an open loop).
    private(set) var sent = 0
    /// Open loop: how late calls went out after their scheduled time, in nanoseconds.
    private(set) var sendLag = makeHistogram()
    /// Open loop: calls that waited for a free stream because the in-flight cap was reached.
    private(set) var delayedByInFlightCap = 0
    /// The first and last actual send of a recorded call.
    private(set) var sendSpan: ClosedRange<ContinuousClock.Instant>?
    /// From the first recorded call's intended start to the last recorded call's end.
    private(set) var window: Range<ContinuousClock.Instant>?
    /// The run second by second, from `measurementStart`.
    private(set) var seconds: [SecondOfRun] = []

    /// An empty recording whose second 0 starts at `measurementStart`, which the wall clock
    /// calls `measurementStartSince1970` (seconds since 1970).
    init(measurementStart: ContinuousClock.Instant, measurementStartSince1970: Double) {
        self.measurementStart = measurementStart
        self.measurementStartSince1970 = measurementStartSince1970
    }

    /// Records one call: intended to start at `intended` (open loop: its scheduled time),
    /// sent at `sent`, ended at `finish` with `outcome`; `waitedForStream` tells that the
    /// in-flight cap held it back.
    mutating func record(
        _ outcome: CallOutcome, intended: ContinuousClock.Instant, sent sendTime: ContinuousClock.Instant,
        finish: ContinuousClock.Instant, waitedForStream: Bool
    ) {
        sent += 1
        updateSecond(containing: intended) { $0.sent += 1 }
        _ = sendLag.record(Self.nanoseconds(from: intended, to: sendTime))
        if waitedForStream { delayedByInFlightCap += 1 }
        sendSpan = min(sendSpan?.lowerBound ?? sendTime, sendTime)...max(sendSpan?.upperBound ?? sendTime, sendTime)
        switch outcome {
        case .succeeded:
            let nanoseconds = Self.nanoseconds(from: intended, to: finish)
            if !latencies.record(nanoseconds) { tooSlowToRecord += 1 }
            updateSecond(containing: finish) { $0.recordSuccess(nanoseconds: nanoseconds) }
        case .failed(let code):
            failures[code.description, default: 0] += 1
            updateSecond(containing: finish) { $0.errors += 1 }
        case .transportFailure:
            failures["TRANSPORT", default: 0] += 1
            updateSecond(containing: finish) { $0.errors += 1 }
        }
        window = min(window?.lowerBound ?? intended, intended)..<max(window?.upperBound ?? finish, finish)
    }

    /// Successful calls recorded (in the histogram or beyond its range).
    var succeeded: Int { Int(latencies.totalCount) + tooSlowToRecord }

    /// Failed calls recorded.
    var failed: Int { failures.values.reduce(0, +) }

    /// Seconds from the first recorded call's intended start to the last one's end.
    var measuredSeconds: Double { window.map { ($0.upperBound - $0.lowerBound).seconds } ?? 0 }

    /// Sends per second between the first and last recorded send (what the load generator
    /// achieved, as opposed to what it was asked for).
    var achievedSendRate: Double {
        guard let span = sendSpan, sent > 1 else { return 0 }
        let seconds = (span.upperBound - span.lowerBound).seconds
        return seconds > 0 ? Double(sent - 1) / seconds : 0
    }

    /// Updates the second of the run that `instant` falls in, creating it (and every second
    /// before it) on first use; instants before measurement count in second 0.
    private mutating func updateSecond(
        containing instant: ContinuousClock.Instant, _ update: (inout SecondOfRun) -> Void
    ) {
        let index = Swift.max(0, Int((instant - measurementStart).seconds.rounded(.down)))
        while seconds.count <= index { seconds.append(SecondOfRun(second: seconds.count)) }
        update(&seconds[index])
    }

    private static func nanoseconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> UInt64 {
        // An open-loop call may go out a few microseconds before its scheduled time (it does
        // not sleep for less than OpenLoop.shortestSleep); a negative span counts as zero.
        guard end > start else { return 0 }
        let elapsed = (end - start).components
        return UInt64(elapsed.seconds) &* 1_000_000_000 &+ UInt64(elapsed.attoseconds / 1_000_000_000)
    }
}
