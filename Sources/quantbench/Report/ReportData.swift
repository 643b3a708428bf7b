/// Everything a run's HTML report draws: the headline figures, the latency-by-percentile
/// curve, and the run second by second. The run fills it in; `HTMLReport` renders it and
/// knows nothing of gRPC.
struct ReportData: Sendable, Codable, Equatable {
    /// One headline figure, e.g. `throughput` = `1,234.5 calls/s`.
    struct Figure: Sendable, Codable, Equatable {
        var label: String
        var value: String
    }

    /// One point of the latency-by-percentile curve (percentile in 0...100).
    struct PercentilePoint: Sendable, Codable, Equatable {
        var percentile: Double
        var latencyMicroseconds: Double
    }

    /// One second of the run, counted from the start of measurement; also a row of the CSV time series.
    struct SecondSample: Sendable, Codable, Equatable {
        /// Seconds since measurement started (0 is the first second).
        var second: Int
        /// Calls sent (open loop: scheduled) in this second.
        var sent: Int
        /// Calls that succeeded in this second.
        var completed: Int
        /// Calls that failed in this second.
        var errors: Int
        /// Latency percentiles of the calls that succeeded in this second (0 when none did).
        var p50Microseconds: Double
        var p99Microseconds: Double
    }

    /// The report's heading, e.g. `embed, open loop 500 calls/s (Poisson), 127.0.0.1:50051`.
    var title: String
    /// Headline figures in display order.
    var figures: [Figure]
    /// Latency of successful calls by percentile, ascending in percentile.
    var percentileCurve: [PercentilePoint]
    /// The run second by second, ascending.
    var timeline: [SecondSample]
    /// Failed calls by gRPC status name.
    var failures: [String: Int]
}
