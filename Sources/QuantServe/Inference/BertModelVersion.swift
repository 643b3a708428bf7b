import Foundation
import QuantServeKernels
import QuantServeTransformer

/// A served BERT model version: the int8 encoder and what else its folder ships (classification
/// heads, knowledge base), all built from one verified read of the folder.
public struct BertModelVersion: EmbeddingEngine {
    /// The encoder.
    public let encoder: BertEncoder
    public let knowledgeBase: KnowledgeBaseSource?

    /// Reads and verifies `directory` once, then builds the encoder and parses the knowledge base
    /// from the verified bytes.
    public init(directory: URL, pool: ComputePool, maxTextBytes: Int = ModelTokenizer.defaultMaxTextBytes) throws {
        let folder = try VerifiedModelFolder(directory: directory)
        encoder = try BertEncoder(folder: folder, pool: pool, maxTextBytes: maxTextBytes)
        if let reference = folder.manifest.knowledgeBase {
            knowledgeBase = KnowledgeBaseSource(
                base: try KnowledgeBase(bytes: folder.bytes(of: reference.file)),
                threshold: reference.threshold)
        } else {
            knowledgeBase = nil
        }
    }

    public var dimensions: Int { encoder.dimensions }
    public var maxSequenceLength: Int { encoder.maxSequenceLength }
    public var memoryBytes: Int { encoder.memoryBytes }
    public var labelSets: [ModelManifest.LabelSet] { encoder.manifest.taskHead.heads }

    public func inputPrefix(for inputType: String) throws -> String {
        try encoder.manifest.inputPrefix(for: inputType)
    }

    public func tokenize(_ text: String, truncate: Bool, isCancelled: () -> Bool) throws -> [UInt32] {
        try encoder.tokenize(text, truncate: truncate, isCancelled: isCancelled)
    }

    public func embedRows(_ batch: PackedBatch) throws -> [Float] {
        try encoder.embedRows(batch)
    }
}

extension ModelServer {
    /// The loader of int8 BERT versions on `pool`.
    public static func bertLoader(pool: ComputePool, maxTextBytes: Int = ModelTokenizer.defaultMaxTextBytes)
        -> ModelRegistry.EngineLoader
    {
        { try BertModelVersion(directory: $0, pool: pool, maxTextBytes: maxTextBytes) }
    }
}
