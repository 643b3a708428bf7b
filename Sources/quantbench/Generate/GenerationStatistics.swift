import Foundation
import Histogram
import Synchronization

/// What a Generate benchmark measures, over the streams that started after the warm-up: time to
/// first token, the gaps between tokens (inter-token latency), each stream's decode rate, and
/// the tokens of all streams per second of measurement.
final class GenerationStatistics: Sendable {
    struct State {
        var timeToFirstToken = CallRecording.makeHistogram()
        var interTokenLatency = CallRecording.makeHistogram()
        /// Per stream: tokens after the first per second between the first and the last.
        var streamTokensPerSecond: [Double] = []
        var tokens = 0
        /// Per stream: its prompt's tokens as the server counted them (the last chunk's usage).
        var promptTokens: [Int] = []
        var streams = 0
        var failures: [String: Int] = [:]
        var lastFinish: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    /// Streams starting before this are not recorded (the warm-up).
    let measuringFrom: ContinuousClock.Instant

    init(measuringFrom: ContinuousClock.Instant) {
        self.measuringFrom = measuringFrom
    }

    /// Records one stream that started at `start`: the arrival time of every chunk that
    /// carried tokens, how many tokens each carried, and the prompt's tokens (nil: no usage came).
    func record(start: ContinuousClock.Instant, arrivals: [(ContinuousClock.Instant, Int)], promptTokens: Int?) {
        guard start >= measuringFrom, let first = arrivals.first else { return }
        state.withLock { state in
            _ = state.timeToFirstToken.record(Self.nanoseconds(start, first.0))
            for (previous, next) in zip(arrivals, arrivals.dropFirst()) {
                // A chunk of several tokens spreads its gap over them.
                let gap = Self.nanoseconds(previous.0, next.0) / UInt64(max(next.1, 1))
                for _ in 0..<max(next.1, 1) { _ = state.interTokenLatency.record(max(gap, 1)) }
            }
            let tokens = arrivals.reduce(0) { $0 + $1.1 }
            if let last = arrivals.last, tokens > first.1 {
                let seconds = Double(Self.nanoseconds(first.0, last.0)) / 1e9
                if seconds > 0 { state.streamTokensPerSecond.append(Double(tokens - first.1) / seconds) }
            }
            state.tokens += tokens
            if let promptTokens { state.promptTokens.append(promptTokens) }
            state.streams += 1
            state.lastFinish = max(state.lastFinish ?? arrivals.last!.0, arrivals.last!.0)
        }
    }

    /// Counts a failed stream by status name.
    func fail(start: ContinuousClock.Instant, status: String) {
        guard start >= measuringFrom else { return }
        state.withLock { $0.failures[status, default: 0] += 1 }
    }

    var snapshot: State { state.withLock { $0 } }

    private static func nanoseconds(_ from: ContinuousClock.Instant, _ to: ContinuousClock.Instant) -> UInt64 {
        let duration = from.duration(to: to)
        return UInt64(max(0, duration.components.seconds)) * 1_000_000_000
            + UInt64(max(0, duration.components.attoseconds / 1_000_000_000))
    }
}

/// The summary of a Generate benchmark, as text or JSON.
struct GenerationSummary: Codable {
    var target: String
    var load: String
    var streams: Int
    var failures: [String: Int]
    var tokens: Int
    var aggregateTokensPerSecond: Double
    var streamTokensPerSecondP50: Double
    /// The prompts' token counts: min, p50, max (empty when the server sent no usage).
    var promptTokens: [String: Int]
    var timeToFirstTokenMilliseconds: [String: Double]
    var interTokenLatencyMilliseconds: [String: Double]

    init(statistics: GenerationStatistics.State, target: String, load: String, measured: Duration) {
        self.target = target
        self.load = load
        streams = statistics.streams
        failures = statistics.failures
        tokens = statistics.tokens
        aggregateTokensPerSecond = measured.seconds > 0 ? Double(statistics.tokens) / measured.seconds : 0
        let rates = statistics.streamTokensPerSecond.sorted()
        streamTokensPerSecondP50 = rates.isEmpty ? 0 : rates[rates.count / 2]
        let prompts = statistics.promptTokens.sorted()
        promptTokens =
            prompts.isEmpty
            ? [:] : ["min": prompts[0], "p50": prompts[prompts.count / 2], "max": prompts[prompts.count - 1]]
        func percentiles(_ histogram: CallRecording.LatencyHistogram) -> [String: Double] {
            guard histogram.totalCount > 0 else { return [:] }
            return [
                "p50": Double(histogram.valueAtPercentile(50)) / 1e6,
                "p99": Double(histogram.valueAtPercentile(99)) / 1e6,
                "max": Double(histogram.max) / 1e6,
            ]
        }
        timeToFirstTokenMilliseconds = percentiles(statistics.timeToFirstToken)
        interTokenLatencyMilliseconds = percentiles(statistics.interTokenLatency)
    }

    var text: String {
        func line(_ name: String, _ values: [String: Double]) -> String {
            let parts = ["p50", "p99", "max"].compactMap { key in
                values[key].map { "\(key) \(String(format: "%.2f", $0)) ms" }
            }
            return "\(name): \(parts.isEmpty ? "none" : parts.joined(separator: ", "))"
        }
        var lines = [
            "generate \(target), \(load)",
            "streams: \(streams) completed, \(failures.values.reduce(0, +)) failed"
                + (failures.isEmpty
                    ? ""
                    : " (" + failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                        + ")"),
            "tokens: \(tokens), aggregate \(String(format: "%.1f", aggregateTokensPerSecond)) tokens/s, "
                + "per stream p50 \(String(format: "%.1f", streamTokensPerSecondP50)) tokens/s",
            "prompt tokens: \(promptTokensText)",
            line("time to first token", timeToFirstTokenMilliseconds),
            line("inter-token latency", interTokenLatencyMilliseconds),
        ]
        lines.append("")
        return lines.joined(separator: "\n")
    }

    /// "min A, p50 B, max C", or that the server reported none.
    private var promptTokensText: String {
        guard !promptTokens.isEmpty else { return "not reported" }
        let parts: [String] = ["min", "p50", "max"].compactMap { key in promptTokens[key].map { "\(key) \($0)" } }
        return parts.joined(separator: ", ")
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
