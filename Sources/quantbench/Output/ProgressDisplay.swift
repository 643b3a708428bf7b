import Foundation

/// The line on standard error that shows a run as it goes, refreshed every second:
/// elapsed time, calls per second over the last second, p99 so far, errors so far.
/// Only drawn when standard error is a terminal (the line is redrawn in place); when it is
/// a file or a pipe nothing is written, so that logs and scripts see the summary alone.
struct ProgressDisplay: Sendable {
    let recording: SharedRecording
    let phases: BenchmarkPhases
    /// What is running, e.g. the load's description.
    let label: String

    /// Whether standard error is a terminal.
    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Redraws the line every second until cancelled.
    func run() async {
        var previousEnded = 0
        let clock = ContinuousClock()
        var tick = phases.start
        while !Task.isCancelled {
            tick = nextTick(after: tick)
            do { try await clock.sleep(until: tick) } catch { return }
            let (ended, failed, p99) = recording.read { recording in
                (
                    recording.succeeded + recording.failed, recording.failed,
                    recording.latencies.reportedValue(atPercentile: 99)
                )
            }
            let now = clock.now
            let line: String
            if now < phases.warmupEnd {
                line = "\(label): warming up, \(Int((phases.warmupEnd - now).seconds.rounded(.up))) s left"
            } else {
                let elapsed = Int((now - phases.warmupEnd).seconds.rounded())
                let total = Int((phases.end - phases.warmupEnd).seconds.rounded())
                line =
                    "\(label): \(elapsed)/\(total) s  \(ended - previousEnded) calls/s  p99 \(Self.milliseconds(p99)) ms  errors \(failed)"
            }
            previousEnded = ended
            Self.write("\r\u{1B}[K" + line)
        }
    }

    /// Every second of the warm-up, then every second counted from the start of measurement,
    /// so that each line during measurement covers one whole measured second.
    private func nextTick(after tick: ContinuousClock.Instant) -> ContinuousClock.Instant {
        let next = tick + .seconds(1)
        return tick < phases.warmupEnd && next >= phases.warmupEnd ? phases.warmupEnd + .seconds(1) : next
    }

    /// Clears the line, so the summary starts on a clean one.
    func finish() {
        Self.write("\r\u{1B}[K")
    }

    private static func milliseconds(_ nanoseconds: UInt64) -> String {
        String(format: "%.2f", Double(nanoseconds) / 1e6)
    }

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
