public import Metrics
import Synchronization

/// The registry's metrics: hot swaps and failed loads per model (counters made when a model's
/// first load begins, so that they start at 0; model names come from the operator, and admin
/// calls are rare), and each loaded version's `VersionMetrics`.
public final class ModelMetrics: Sendable {
    /// One model's counters.
    private struct ModelCounters: Sendable {
        let hotSwaps: Metrics.Counter
        let failedLoads: Metrics.Counter
    }

    private let factory: any MetricsFactory
    private let models = Mutex<[String: ModelCounters]>([:])

    /// Metrics made with `factory`; the default records nothing.
    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
    }

    /// The metrics of a version about to load.
    func version(name: String, version: UInt64) -> VersionMetrics {
        VersionMetrics(name: name, version: version, factory: factory)
    }

    /// A load of `model` begins: its counters exist from now on.
    func prepare(model: String) {
        _ = counters(of: model)
    }

    /// The serving version of `model` changed from one version to another.
    func hotSwapped(model: String) {
        counters(of: model).hotSwaps.increment()
    }

    /// A version of `model` failed to load.
    func loadFailed(model: String) {
        counters(of: model).failedLoads.increment()
    }

    private func counters(of model: String) -> ModelCounters {
        models.withLock { models in
            if let counters = models[model] { return counters }
            let labels = [("model", model)]
            let counters = ModelCounters(
                hotSwaps: Counter(label: MetricNames.hotSwaps, dimensions: labels, factory: factory),
                failedLoads: Counter(label: MetricNames.failedLoads, dimensions: labels, factory: factory))
            models[model] = counters
            return counters
        }
    }
}
