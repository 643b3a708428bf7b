import Foundation
import QuantServeTransformer

/// A model version loaded into memory: its engine, its scheduler, its classification heads and
/// its knowledge base.
/// Requests hold it for their whole life; it is freed when the registry and the last
/// request let go of it.
public final class LoadedVersion: Sendable {
    public let name: String
    public let version: UInt64
    public let directory: URL
    public let engine: any EmbeddingEngine
    public let scheduler: BatchScheduler
    /// The classification heads for Classify, in the manifest's order; empty when none.
    public let classifiers: [LabelClassifier]
    /// The embedded knowledge base for Answer, when the version ships one.
    public let knowledgeBase: KnowledgeBaseIndex?
    /// Where its requests' timings go (its scheduler records each batch there too).
    public let metrics: VersionMetrics

    public init(name: String, version: UInt64, directory: URL, engine: any EmbeddingEngine,
                scheduler: BatchScheduler, classifiers: [LabelClassifier] = [], knowledgeBase: KnowledgeBaseIndex? = nil,
                metrics: VersionMetrics? = nil) {
        self.name = name
        self.version = version
        self.directory = directory
        self.engine = engine
        self.scheduler = scheduler
        self.classifiers = classifiers
        self.knowledgeBase = knowledgeBase
        self.metrics = metrics ?? .disabled(name: name, version: version)
    }

    /// Bytes held by the weights, buffers, classification heads and knowledge base.
    public var memoryBytes: Int {
        engine.memoryBytes + classifiers.reduce(0) { $0 + $1.memoryBytes } + (knowledgeBase?.memoryBytes ?? 0)
    }

    deinit {
        scheduler.stop()
        metrics.destroy()
    }
}
