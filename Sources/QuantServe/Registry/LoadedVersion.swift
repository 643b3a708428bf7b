import Foundation
import QuantServeTransformer

/// A model version loaded into memory: an encoder (its engine, its batch scheduler, its
/// classification heads and its knowledge base) or a decoder (its generation scheduler, which
/// owns the decoder and its KV cache).
/// Requests hold it for their whole life; it is freed when the registry and the last
/// request let go of it.
public final class LoadedVersion: Sendable {
    public let name: String
    public let version: UInt64
    public let directory: URL
    /// The classification heads for Classify, in the manifest's order; empty when none.
    public let classifiers: [LabelClassifier]
    /// The embedded knowledge base for Answer, when the version ships one.
    public let knowledgeBase: KnowledgeBaseIndex?
    /// Where its requests' timings go (its scheduler records each batch there too).
    public let metrics: VersionMetrics
    /// The encoder's batch scheduler (nil for a decoder), for listings.
    public let batchScheduler: BatchScheduler?
    /// The decoder's generation scheduler (nil for an encoder), for listings.
    public let generationScheduler: GenerationScheduler?
    private let encoderEngine: (any EmbeddingEngine)?

    /// An encoder version.
    public init(
        name: String, version: UInt64, directory: URL, engine: any EmbeddingEngine,
        scheduler: BatchScheduler, classifiers: [LabelClassifier] = [], knowledgeBase: KnowledgeBaseIndex? = nil,
        metrics: VersionMetrics? = nil
    ) {
        self.name = name
        self.version = version
        self.directory = directory
        self.encoderEngine = engine
        self.batchScheduler = scheduler
        self.generationScheduler = nil
        self.classifiers = classifiers
        self.knowledgeBase = knowledgeBase
        self.metrics = metrics ?? .disabled(name: name, version: version)
    }

    /// A decoder version, served by Generate.
    public init(
        name: String, version: UInt64, directory: URL, generator: GenerationScheduler, metrics: VersionMetrics? = nil
    ) {
        self.name = name
        self.version = version
        self.directory = directory
        self.encoderEngine = nil
        self.batchScheduler = nil
        self.generationScheduler = generator
        self.classifiers = []
        self.knowledgeBase = nil
        self.metrics = metrics ?? .disabled(name: name, version: version)
    }

    /// The encoder; `InferenceError.notAnEncoder` for a decoder version.
    public var engine: any EmbeddingEngine {
        get throws(InferenceError) {
            guard let encoderEngine else { throw .notAnEncoder(name: name, version: version) }
            return encoderEngine
        }
    }

    /// The encoder's batch scheduler; `InferenceError.notAnEncoder` for a decoder version.
    public var scheduler: BatchScheduler {
        get throws(InferenceError) {
            guard let batchScheduler else { throw .notAnEncoder(name: name, version: version) }
            return batchScheduler
        }
    }

    /// The decoder's generation scheduler; `InferenceError.notADecoder` for an encoder version.
    public var generator: GenerationScheduler {
        get throws(InferenceError) {
            guard let generationScheduler else { throw .notADecoder(name: name, version: version) }
            return generationScheduler
        }
    }

    /// Bytes held by the weights, buffers, classification heads and knowledge base, or by the
    /// decoder's weights and KV cache.
    public var memoryBytes: Int {
        (encoderEngine?.memoryBytes ?? 0) + (generationScheduler?.model.memoryBytes ?? 0)
            + classifiers.reduce(0) { $0 + $1.memoryBytes } + (knowledgeBase?.memoryBytes ?? 0)
    }

    deinit {
        batchScheduler?.stop()
        generationScheduler?.stop()
        metrics.destroy()
    }
}
