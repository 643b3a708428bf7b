import Foundation

/// Choices the quantizer leaves to its caller.
public struct QuantizationOptions: Sendable {
    /// Linear layers to keep in F32 instead of int8 (all four roles: a full-precision model).
    public var floatLayers: Set<LinearRole>
    /// The SmoothQuant migration strength for int8 layers, or nil for no smoothing.
    public var smoothingAlpha: Double?
    /// Classification heads (label sets with example phrases) to record in the manifest.
    public var heads: [ModelManifest.LabelSet]
    /// A knowledge base for Answer to ship in the version folder, and its confidence threshold.
    public var knowledgeBase: (file: URL, threshold: Float)?
    /// Threads used to run the calibration sentences.
    public var threads: Int
    /// Whether word embeddings are stored as int8 rows with a scale per row (else F32).
    public var int8WordEmbeddings: Bool
    /// Input channels per int8 QKV, attention-output and FFN-down layer that run in fp32 beside
    /// the GEMM (`ModelManifest.OutlierChannelSelection`); 0 for none.
    public var outlierChannels: Int

    /// The roles that get outlier channels: every one whose GEMM epilogue is linear.
    public static let outlierRoles: [LinearRole] = [.attentionQKV, .attentionOutput, .ffnDown]

    /// Options; the default quantizes every linear layer with smoothing alpha 0.5, 2 fp32 outlier
    /// channels per QKV, attention-output and FFN-down layer, and the word embeddings to int8
    /// rows, and records no heads and no knowledge base. `int8WordEmbeddings` nil: int8 rows
    /// unless every linear layer stays F32 (a full-precision model).
    public init(
        floatLayers: Set<LinearRole> = [], smoothingAlpha: Double? = 0.5, heads: [ModelManifest.LabelSet] = [],
        knowledgeBase: (file: URL, threshold: Float)? = nil,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount, int8WordEmbeddings: Bool? = nil,
        outlierChannels: Int = 2
    ) {
        self.outlierChannels = outlierChannels
        self.int8WordEmbeddings = int8WordEmbeddings ?? (floatLayers.count < LinearRole.allCases.count)
        self.floatLayers = floatLayers
        self.smoothingAlpha = smoothingAlpha
        self.heads = heads
        self.knowledgeBase = knowledgeBase
        self.threads = threads
    }
}

/// A label set file as `quantserve quantize --intents` and `--head` read it:
/// `{"labels": [{"label": ..., "examples": [...]}]}`, or `{"intents": [...]}` (the intents format).
public struct LabelSetFile: Decodable, Sendable {
    /// The labels with their example phrases.
    public var labels: [ModelManifest.Intent]

    enum CodingKeys: String, CodingKey { case labels, intents }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard
            let labels = try container.decodeIfPresent([ModelManifest.Intent].self, forKey: .labels)
                ?? container.decodeIfPresent([ModelManifest.Intent].self, forKey: .intents)
        else {
            throw DecodingError.keyNotFound(
                CodingKeys.labels, .init(codingPath: [], debugDescription: "the file lists no \"labels\""))
        }
        self.labels = labels
    }

    /// Reads the file at `url`.
    public static func load(_ url: URL) throws -> LabelSetFile {
        try JSONDecoder().decode(LabelSetFile.self, from: Data(contentsOf: url))
    }
}
