public import Metrics

/// The histograms of one loaded model version (labels `model`, `version`): per request, where its
/// time went (queue, tokenize, compute: `RequestTimings`); per batch, its sequences and tokens.
/// Made when the version loads, destroyed when it is freed, so series follow the loaded versions.
public final class VersionMetrics: Sendable {
    private let queue: Metrics.Timer
    private let tokenize: Metrics.Timer
    private let compute: Metrics.Timer
    private let batchSize: Recorder
    private let batchTokens: Recorder

    public init(name: String, version: UInt64, factory: any MetricsFactory) {
        let labels = [("model", name), ("version", String(version))]
        queue = Timer(label: MetricNames.queueDuration, dimensions: labels, factory: factory)
        tokenize = Timer(label: MetricNames.tokenizeDuration, dimensions: labels, factory: factory)
        compute = Timer(label: MetricNames.computeDuration, dimensions: labels, factory: factory)
        batchSize = Recorder(label: MetricNames.batchSize, dimensions: labels, aggregate: true, factory: factory)
        batchTokens = Recorder(label: MetricNames.batchTokens, dimensions: labels, aggregate: true, factory: factory)
    }

    /// Metrics that go nowhere (a registry built without metrics, as in most tests).
    public static func disabled(name: String, version: UInt64) -> VersionMetrics {
        VersionMetrics(name: name, version: version, factory: NOOPMetricsHandler.instance)
    }

    /// A request computed: where its time went.
    public func recordRequest(_ timings: RequestTimings) {
        queue.recordMicroseconds(timings.queueMicroseconds)
        tokenize.recordMicroseconds(timings.tokenizeMicroseconds)
        compute.recordMicroseconds(timings.computeMicroseconds)
    }

    /// A batch went to the engine.
    public func recordBatch(sequences: Int, tokens: Int) {
        batchSize.record(sequences)
        batchTokens.record(tokens)
    }

    /// Removes the version's series from the exposition.
    func destroy() {
        for timer in [queue, tokenize, compute] { timer.destroy() }
        batchSize.destroy()
        batchTokens.destroy()
    }
}
