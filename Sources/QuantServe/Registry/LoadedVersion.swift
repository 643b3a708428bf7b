import Foundation

/// A model version loaded into memory: its engine, its scheduler and its intent head.
/// Requests hold it for their whole life; it is freed when the registry and the last
/// request let go of it.
public final class LoadedVersion: Sendable {
    public let name: String
    public let version: UInt64
    public let directory: URL
    public let engine: any EmbeddingEngine
    public let scheduler: BatchScheduler
    /// The intent head for Classify, when the version ships intents.
    public let intents: IntentClassifier?
    /// Where its requests' timings go (its scheduler records each batch there too).
    public let metrics: VersionMetrics

    public init(name: String, version: UInt64, directory: URL, engine: any EmbeddingEngine,
                scheduler: BatchScheduler, intents: IntentClassifier?, metrics: VersionMetrics? = nil) {
        self.name = name
        self.version = version
        self.directory = directory
        self.engine = engine
        self.scheduler = scheduler
        self.intents = intents
        self.metrics = metrics ?? .disabled(name: name, version: version)
    }

    /// Bytes held by the weights, buffers and the intent head.
    public var memoryBytes: Int { engine.memoryBytes + (intents?.memoryBytes ?? 0) }

    deinit {
        scheduler.stop()
        metrics.destroy()
    }
}
