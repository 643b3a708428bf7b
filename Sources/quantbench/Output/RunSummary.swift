import Foundation

/// The result of one run, printed as text or JSON. The JSON keys are read by scripts
/// (`quantbench compare`, benchmarks/): keep them stable, add new ones freely.
struct RunSummary: Codable, Sendable {
    /// Latency percentiles of successful calls, in microseconds.
    struct Latency: Codable, Sendable, Equatable {
        var p50: Double
        var p90: Double
        var p99: Double
        var p999: Double
        var p9999: Double
        var max: Double
        var mean: Double

        /// The figures of `histogram` (nanoseconds).
        init(_ histogram: CallRecording.LatencyHistogram) {
            func microseconds(_ percentile: Double) -> Double {
                Double(histogram.reportedValue(atPercentile: percentile)) / 1_000
            }
            p50 = microseconds(50)
            p90 = microseconds(90)
            p99 = microseconds(99)
            p999 = microseconds(99.9)
            p9999 = microseconds(99.99)
            max = microseconds(100)
            mean = histogram.totalCount > 0 ? histogram.mean / 1_000 : 0
        }
    }

    /// How late an open loop's calls went out after their scheduled time, in microseconds.
    struct SendLag: Codable, Sendable {
        var p50: Double
        var p99: Double
        var max: Double
    }

    var target: String
    var workload: String
    /// The method's path, e.g. `/inference.v1.Inference/Embed`.
    var method: String
    /// The load model, e.g. `open loop, 500 calls/s (constant arrivals)`.
    var load: String
    var connections: Int
    /// Open loop: the calls per second asked for.
    var targetRate: Double?
    var measuredSeconds: Double
    /// Calls recorded: sent (open loop: scheduled) during measurement.
    var sent: Int
    var succeeded: Int
    var failed: Int
    /// Failed calls by gRPC status name (`TRANSPORT`: the call got no status at all).
    var failures: [String: Int]
    /// Successful calls per second over the measured window.
    var throughputPerSecond: Double
    /// The same figure under the name the first quantbench used (benchmarks/grpc reads it).
    var requestsPerSecond: Double
    /// Sends per second the load generator achieved (open loop: compare with `target_rate`).
    var achievedSendRatePerSecond: Double
    /// Open loop: calls that waited for a free stream because the in-flight cap was reached
    /// (their latency still counts from their scheduled time).
    var callsDelayedByInFlightCap: Int
    /// Successful calls slower than a minute: counted in `succeeded`, not in the percentiles.
    var callsBeyondHistogramRange: Int
    var latencyMicroseconds: Latency
    /// Open loop only.
    var sendLagMicroseconds: SendLag?

    /// The summary of `recording`, a run of `load` driving `workload` at `target`.
    init(recording: CallRecording, target: String, workload: some Workload, load: some LoadModel, connections: Int) {
        self.target = target
        self.workload = workload.name
        method = workload.method.path
        self.load = load.description
        self.connections = connections
        targetRate = load.targetRate
        measuredSeconds = recording.measuredSeconds
        sent = recording.sent
        succeeded = recording.succeeded
        failed = recording.failed
        failures = recording.failures
        throughputPerSecond = measuredSeconds > 0 ? Double(succeeded) / measuredSeconds : 0
        requestsPerSecond = throughputPerSecond
        achievedSendRatePerSecond = recording.achievedSendRate
        callsDelayedByInFlightCap = recording.delayedByInFlightCap
        callsBeyondHistogramRange = recording.tooSlowToRecord
        latencyMicroseconds = Latency(recording.latencies)
        if load.targetRate != nil {
            let lag = recording.sendLag
            func microseconds(_ percentile: Double) -> Double {
                Double(lag.reportedValue(atPercentile: percentile)) / 1_000
            }
            sendLagMicroseconds = SendLag(p50: microseconds(50), p99: microseconds(99), max: microseconds(100))
        }
    }

    /// Calls that failed, as a fraction of the calls that ended.
    var errorRate: Double {
        succeeded + failed > 0 ? Double(failed) / Double(succeeded + failed) : 0
    }

    /// The summary for people.
    var text: String {
        let latency = latencyMicroseconds
        var lines = [
            "target       \(target)  \(method)",
            "load         \(load) over \(connections) connection(s), \(format(measuredSeconds, 2)) s measured",
            "calls        \(sent) sent, \(succeeded) succeeded, \(failed) failed",
            "throughput   \(format(throughputPerSecond, 1)) calls/s",
            "latency µs   p50 \(format(latency.p50, 1))  p90 \(format(latency.p90, 1))  p99 \(format(latency.p99, 1))"
                + "  p99.9 \(format(latency.p999, 1))  p99.99 \(format(latency.p9999, 1))  max \(format(latency.max, 1))"
                + "  mean \(format(latency.mean, 1))",
        ]
        if let targetRate, let lag = sendLagMicroseconds {
            lines.append(
                "schedule     \(format(achievedSendRatePerSecond, 1)) of \(format(targetRate, 1)) calls/s sent; send lag µs p50 \(format(lag.p50, 1))"
                    + "  p99 \(format(lag.p99, 1))  max \(format(lag.max, 1)); \(callsDelayedByInFlightCap) waited for the in-flight cap"
            )
        }
        if !failures.isEmpty {
            lines.append(
                "failures     "
                    + failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if callsBeyondHistogramRange > 0 {
            lines.append(
                "note         \(callsBeyondHistogramRange) successful call(s) took over a minute and are not in the percentiles"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// The summary as one JSON object.
    func json() throws -> String {
        String(decoding: try Self.encoder.encode(self), as: UTF8.self)
    }

    /// The encoder of every JSON document quantbench writes: snake_case keys, sorted.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    private func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}
