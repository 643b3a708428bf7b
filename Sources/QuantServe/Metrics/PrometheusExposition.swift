public import Metrics
public import Prometheus
public import QuantServeGRPC
import Synchronization

/// One server's metrics as Prometheus text exposition: a collector registry of its own (not the
/// process-wide `MetricsSystem`, so that several servers in one process, as in the tests, keep
/// apart), the swift-metrics factory the instrumented code records through, with QuantServe's
/// histogram buckets, and the values read only when scraped (gauges of state, /proc).
public final class PrometheusExposition: Sendable {
    /// The registry the text is rendered from.
    public let registry: PrometheusCollectorRegistry
    /// The factory that `Counter`, `Timer` and `Recorder` are made with.
    public let factory: any MetricsFactory
    private let scrapeHooks = Mutex<[@Sendable () -> Void]>([])

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = MetricNames.durationBuckets
        factory.valueHistogramBuckets = [
            MetricNames.batchSize: MetricNames.batchSizeBuckets,
            MetricNames.batchTokens: MetricNames.batchTokenBuckets,
        ]
        self.factory = factory
    }

    /// Runs `hook` before each rendering, to set the values read at scrape time.
    public func beforeEachScrape(_ hook: @escaping @Sendable () -> Void) {
        scrapeHooks.withLock { $0.append(hook) }
    }

    /// The text exposition (format 0.0.4) of every metric now.
    public func render() -> [UInt8] {
        // One scrape at a time: the hooks set gauges that the rendering then reads.
        scrapeHooks.withLock { hooks in
            for hook in hooks { hook() }
            return registry.emitToBuffer()
        }
    }

    /// The metrics of a `ModelServer` (set as `ModelServerConfiguration.metrics`).
    public func modelMetrics() -> ModelMetrics { ModelMetrics(factory: factory) }

    /// The observer of a gRPC server serving `router`'s methods (set as `ServerConfiguration.observer`).
    public func trafficMetrics(for router: RPCRouter) -> ServerTrafficMetrics {
        ServerTrafficMetrics(methods: router.methods, factory: factory)
    }

    /// The path Prometheus scrapes.
    public static let path = "/metrics"

    /// The content type of `render()`'s text.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}
