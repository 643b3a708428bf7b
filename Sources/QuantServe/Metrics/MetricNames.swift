/// The names of every metric QuantServe exports (Prometheus naming: base units, `_total` for
/// counters, a `quantserve_` prefix), and the histogram buckets they use. The README's
/// "Metrics" section says what each one is for.
public enum MetricNames {
    // Calls and traffic at the gRPC transport (labels method, code).
    public static let requests = "quantserve_requests_total"
    public static let requestDuration = "quantserve_request_duration_seconds"
    public static let receivedBytes = "quantserve_received_bytes_total"
    public static let sentBytes = "quantserve_sent_bytes_total"
    public static let openConnections = "quantserve_open_connections"
    public static let refusedConnections = "quantserve_refused_connections_total"

    // Inference per model version (labels model, version).
    public static let queueDuration = "quantserve_queue_duration_seconds"
    public static let tokenizeDuration = "quantserve_tokenize_duration_seconds"
    public static let computeDuration = "quantserve_compute_duration_seconds"
    public static let batchSize = "quantserve_batch_size"
    public static let batchTokens = "quantserve_batch_tokens"
    public static let queueDepth = "quantserve_queue_depth"
    public static let queuedTokens = "quantserve_queued_tokens"
    public static let inFlight = "quantserve_inflight_requests"

    // The registry (labels model, version, state).
    public static let versionState = "quantserve_model_version_state"
    public static let residentBytes = "quantserve_model_version_resident_bytes"
    public static let hotSwaps = "quantserve_hot_swaps_total"
    public static let failedLoads = "quantserve_failed_loads_total"

    // The process, read from /proc at scrape time.
    public static let processResidentBytes = "quantserve_process_resident_memory_bytes"
    public static let processCPUSeconds = "quantserve_process_cpu_seconds_total"

    /// Every duration histogram's buckets: 50 µs to 10 s, about three per decade.
    public static let durationBuckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
        .seconds(10),
    ]
    /// Sequences per batch: powers of two up to 1,024 (a request holds at most 1,024 texts).
    public static let batchSizeBuckets: [Double] = (0...10).map { Double(1 << $0) }
    /// Tokens per batch: powers of two from 16 to 65,536.
    public static let batchTokenBuckets: [Double] = (4...16).map { Double(1 << $0) }
}
