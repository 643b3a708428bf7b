import Metrics
import QuantServeGRPCHTTP2

/// The gauges read when /metrics is scraped, rather than kept up to date on the request path:
/// each version's state, resident bytes, queue and in-flight requests (from the registry), open
/// connections (from the server), the process' memory and CPU time (from /proc). Series of
/// versions that left the registry are removed.
final class ServerStateMetrics: @unchecked Sendable {
    private struct VersionKey: Hashable {
        let model: String
        let version: UInt64
    }

    /// One version's gauges.
    private struct VersionGauges {
        /// One per `VersionState`: 1 for the version's state, 0 for the others.
        let states: [(VersionState, Gauge)]
        let residentBytes: Gauge
        let queueDepth: Gauge
        let queuedTokens: Gauge
        let inFlight: Gauge

        init(_ key: VersionKey, factory: any MetricsFactory) {
            let labels = [("model", key.model), ("version", String(key.version))]
            states = VersionState.allCases.map { state in
                (
                    state,
                    Gauge(
                        label: MetricNames.versionState, dimensions: labels + [("state", state.rawValue)],
                        factory: factory)
                )
            }
            residentBytes = Gauge(label: MetricNames.residentBytes, dimensions: labels, factory: factory)
            queueDepth = Gauge(label: MetricNames.queueDepth, dimensions: labels, factory: factory)
            queuedTokens = Gauge(label: MetricNames.queuedTokens, dimensions: labels, factory: factory)
            inFlight = Gauge(label: MetricNames.inFlight, dimensions: labels, factory: factory)
        }

        func set(_ status: ModelRegistry.VersionStatus) {
            for (state, gauge) in states { gauge.record(state == status.state ? 1 : 0) }
            residentBytes.record(status.memoryBytes)
            queueDepth.record(status.queuedRequests)
            queuedTokens.record(status.queuedTokens)
            inFlight.record(status.inFlight)
        }

        func destroy() {
            for (_, gauge) in states { gauge.destroy() }
            for gauge in [residentBytes, queueDepth, queuedTokens, inFlight] { gauge.destroy() }
        }
    }

    private let registry: ModelRegistry
    private let server: GRPCServer
    private let factory: any MetricsFactory
    private let openConnections: Gauge
    private let processResidentBytes: Gauge
    private let processCPUSeconds: FloatingPointCounter
    // Touched only inside `refresh`, which `PrometheusExposition.render` runs one at a time.
    private var versions: [VersionKey: VersionGauges] = [:]
    private var cpuSecondsCounted = 0.0

    init(registry: ModelRegistry, server: GRPCServer, factory: any MetricsFactory) {
        self.registry = registry
        self.server = server
        self.factory = factory
        openConnections = Gauge(label: MetricNames.openConnections, factory: factory)
        processResidentBytes = Gauge(label: MetricNames.processResidentBytes, factory: factory)
        processCPUSeconds = FloatingPointCounter(label: MetricNames.processCPUSeconds, factory: factory)
    }

    /// Sets every gauge to its value now.
    func refresh() {
        var seen = Set<VersionKey>()
        for model in registry.list() {
            for status in model.versions {
                let key = VersionKey(model: model.name, version: status.version)
                seen.insert(key)
                if versions[key] == nil { versions[key] = VersionGauges(key, factory: factory) }
                versions[key]!.set(status)
            }
        }
        for (key, gauges) in versions where !seen.contains(key) {
            gauges.destroy()
            versions[key] = nil
        }
        openConnections.record(server.connectionStatistics.open)
        if let process = ProcessStatistics.current() {
            processResidentBytes.record(process.residentBytes)
            if process.cpuSeconds > cpuSecondsCounted {
                processCPUSeconds.increment(by: process.cpuSeconds - cpuSecondsCounted)
                cpuSecondsCounted = process.cpuSeconds
            }
        }
    }
}

extension PrometheusExposition {
    /// Shows `registry`'s versions, `server`'s open connections and the process' memory and CPU
    /// time, read at each scrape.
    public func watch(_ registry: ModelRegistry, _ server: GRPCServer) {
        let state = ServerStateMetrics(registry: registry, server: server, factory: factory)
        beforeEachScrape { state.refresh() }
    }
}
