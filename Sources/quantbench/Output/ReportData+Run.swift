import Foundation

extension ReportData {
    /// The report of one run: its summary's figures, the percentile curve of `recording`'s
    /// latencies and its seconds. `leadingFigures` go before the run's own figures and
    /// `trailingFigures` after them (a sweep's verdict and steps).
    init(
        summary: RunSummary, recording: CallRecording, title: String? = nil, leadingFigures: [Figure] = [],
        trailingFigures: [Figure] = []
    ) {
        let latency = summary.latencyMicroseconds
        var figures = [Figure(label: "throughput", value: "\(Self.format(summary.throughputPerSecond, 1)) calls/s")]
        if let targetRate = summary.targetRate {
            figures.append(Figure(label: "target rate", value: "\(Self.format(targetRate, 1)) calls/s"))
        }
        figures += [
            Figure(label: "succeeded", value: "\(summary.succeeded)"),
            Figure(label: "failed", value: "\(summary.failed) (\(Self.format(summary.errorRate * 100, 2)) %)"),
            Figure(label: "p50", value: Self.milliseconds(latency.p50)),
            Figure(label: "p90", value: Self.milliseconds(latency.p90)),
            Figure(label: "p99", value: Self.milliseconds(latency.p99)),
            Figure(label: "p99.9", value: Self.milliseconds(latency.p999)),
            Figure(label: "p99.99", value: Self.milliseconds(latency.p9999)),
            Figure(label: "max", value: Self.milliseconds(latency.max)),
        ]
        self.init(
            title: title ?? "\(summary.workload), \(summary.load), \(summary.target)",
            figures: leadingFigures + figures + trailingFigures,
            percentileCurve: Self.percentileCurve(recording),
            timeline: recording.seconds.map(SecondSample.init),
            failures: summary.failures
        )
    }

    /// Latency by percentile, HdrHistogram's usual steps (denser towards 100), up to the maximum.
    private static func percentileCurve(_ recording: CallRecording) -> [PercentilePoint] {
        let histogram = recording.latencies
        guard histogram.totalCount > 0 else { return [] }
        var points: [PercentilePoint] = []
        for step in histogram.percentiles(ticksPerHalfDistance: 5) {
            let point = PercentilePoint(
                percentile: step.percentileLevelIteratedTo, latencyMicroseconds: Double(step.value) / 1_000)
            if let last = points.last, last.percentile >= point.percentile { continue }
            points.append(point)
            if point.percentile >= 100 { break }
        }
        return points
    }

    private static func milliseconds(_ microseconds: Double) -> String {
        "\(format(microseconds / 1_000, microseconds < 10_000 ? 3 : 1)) ms"
    }

    private static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}

extension ReportData.SecondSample {
    /// The sample of one second of a run.
    init(_ second: SecondOfRun) {
        self.init(
            second: second.second, sent: second.sent, completed: second.completed, errors: second.errors,
            p50Microseconds: Double(second.latencies.reportedValue(atPercentile: 50)) / 1_000,
            p99Microseconds: Double(second.latencies.reportedValue(atPercentile: 99)) / 1_000
        )
    }
}
