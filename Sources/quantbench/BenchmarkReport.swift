import Foundation

/// The result of one run, printed as text or JSON.
struct BenchmarkReport: Codable {
    /// Latency percentiles of successful calls, in microseconds.
    struct Latency: Codable {
        var p50: Double
        var p90: Double
        var p99: Double
        var p999: Double
        var max: Double
        var mean: Double
    }

    var target: String
    var workload: String
    var method: String
    var load: String
    var connections: Int
    var measuredSeconds: Double
    var succeeded: Int
    var failed: Int
    /// Failed calls by status name.
    var failures: [String: Int]
    /// Successful calls per second over the measured window.
    var requestsPerSecond: Double
    var latencyMicroseconds: Latency

    /// The report of `recording`.
    init(recording: CallRecording, target: String, workload: some Workload, load: some LoadModel, connections: Int) {
        self.target = target
        self.workload = workload.name
        method = workload.method.path
        self.load = load.description
        self.connections = connections
        let window = recording.window.map { $0.upperBound - $0.lowerBound } ?? .zero
        measuredSeconds = Double(window.components.seconds) + Double(window.components.attoseconds) / 1e18
        succeeded = recording.succeeded
        failed = recording.failed
        failures = recording.failures
        requestsPerSecond = measuredSeconds > 0 ? Double(succeeded) / measuredSeconds : 0
        let histogram = recording.latencies
        func microseconds(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1_000 }
        latencyMicroseconds = Latency(
            p50: microseconds(histogram.valueAtPercentile(50)),
            p90: microseconds(histogram.valueAtPercentile(90)),
            p99: microseconds(histogram.valueAtPercentile(99)),
            p999: microseconds(histogram.valueAtPercentile(99.9)),
            max: microseconds(histogram.max),
            mean: histogram.mean / 1_000
        )
    }

    /// The report for people.
    var text: String {
        let latency = latencyMicroseconds
        var lines = [
            "target       \(target)  \(method)",
            "load         \(load) over \(connections) connection(s), \(format(measuredSeconds, 2)) s measured",
            "requests     \(succeeded) succeeded, \(failed) failed",
            "throughput   \(format(requestsPerSecond, 1)) req/s",
            "latency µs   p50 \(format(latency.p50, 1))  p90 \(format(latency.p90, 1))  p99 \(format(latency.p99, 1))"
                + "  p99.9 \(format(latency.p999, 1))  max \(format(latency.max, 1))  mean \(format(latency.mean, 1))",
        ]
        if !failures.isEmpty {
            lines.append("failures     " + failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    /// The report as one JSON object.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    private func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}
