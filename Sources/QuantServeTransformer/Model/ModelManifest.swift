import Foundation

/// `quantserve.json`: what a model version folder holds and how to run it.
public struct ModelManifest: Codable, Sendable, Equatable {
    /// The manifest's file name inside a version folder.
    public static let fileName = "quantserve.json"
    /// The weights' file name inside a version folder.
    public static let weightsFileName = "model.safetensors"
    /// The newest manifest format this code writes and reads: 2 when int8 layers have fp32
    /// outlier channels (`Quantization.outlierChannels`), which older engines must refuse.
    public static let currentFormatVersion = 2
    /// The manifest formats this code reads: 1 (no outlier channels) and 2.
    public static let supportedFormatVersions = 1...currentFormatVersion

    /// The oldest format that can describe `quantization`, the one written for it.
    public static func formatVersion(for quantization: Quantization) -> Int {
        quantization.outlierChannels == nil ? 1 : 2
    }

    /// The manifest format version.
    public var formatVersion: Int
    /// The network family; only "bert" is supported.
    public var architecture: String
    /// The encoder's shape.
    public var config: BertConfig
    /// How token states become one sentence vector.
    public var pooling: Pooling
    /// Whether sentence vectors are L2-normalized.
    public var normalize: Bool
    /// The longest token sequence accepted, [CLS] and [SEP] included (at most `config.maxPosition`).
    public var maxSequence: Int
    /// How the weights are stored.
    public var quantization: Quantization
    /// The tokenizer file and its options.
    public var tokenizer: TokenizerFile
    /// The classification heads: named label sets, each label known by example phrases (may be empty).
    public var taskHead: TaskHead
    /// The FAQ knowledge base the version answers from, if any.
    public var knowledgeBase: KnowledgeBaseReference?
    /// SHA-256 (lowercase hex) of every file in the folder except the manifest, by file name.
    public var files: [String: String]
    /// Where the weights came from (free text, for operators).
    public var source: String?
    /// Named input prefixes put before a text ahead of tokenization, such as e5's
    /// `"query": "query: "` and `"passage": "passage: "` (see `inputPrefix(for:)`); empty when
    /// the model takes texts as they are.
    public var inputPrefixes: [String: String]
    /// The input type used when a request names none (a key of `inputPrefixes`), if any.
    public var defaultInputType: String?

    /// Sentence pooling modes.
    public enum Pooling: String, Codable, Sendable {
        /// The mean of the token states of the sequence ([CLS] and [SEP] included).
        case mean
    }

    /// The storage of the linear layers.
    public struct Quantization: Codable, Sendable, Equatable {
        /// Weight format of int8 layers: "int8-symmetric-per-output-channel".
        public var weights: String
        /// Activation format of int8 layers at run time: "uint8-asymmetric-per-token".
        public var activations: String
        /// Linear layers whose weights are kept in F32 and run in fp32.
        public var floatLayers: [LinearRole]
        /// Activation smoothing of the int8 layers, if any: each has an F32 `.smooth` tensor.
        public var smoothing: Smoothing?
        /// The word embeddings' format: `int8RowsFormat` (I8 with a scale per row), or nil for F32.
        public var wordEmbeddings: String?
        /// The input channels of int8 layers that run in fp32 beside the GEMM, if any (format 2).
        public var outlierChannels: OutlierChannelSelection? = nil

        /// The format name of int8 word embeddings with one symmetric scale per row.
        public static let int8RowsFormat = "int8-symmetric-per-row"

        /// The formats this engine writes and runs.
        public static func int8(
            floatLayers: [LinearRole], smoothing: Smoothing?, int8WordEmbeddings: Bool = false,
            outlierChannels: OutlierChannelSelection? = nil
        ) -> Quantization {
            Quantization(
                weights: "int8-symmetric-per-output-channel", activations: "uint8-asymmetric-per-token",
                floatLayers: floatLayers.sorted(), smoothing: smoothing,
                wordEmbeddings: int8WordEmbeddings ? int8RowsFormat : nil, outlierChannels: outlierChannels)
        }

        enum CodingKeys: String, CodingKey {
            case weights, activations, smoothing
            case floatLayers = "float_layers"
            case wordEmbeddings = "word_embeddings"
            case outlierChannels = "outlier_channels"
        }
    }

    /// Outlier channels: in every int8 layer of the listed roles, the `count` input channels with
    /// the largest smoothed calibration maxima bypass the u8 quantization and run in fp32. Each such
    /// layer has an I32 `.outliers` tensor `[count]` (the channels, ascending) and an F32
    /// `.outlier_weight` `[count, out]` (their full-precision weight columns); its int8 weight
    /// columns of those channels are zeros.
    public struct OutlierChannelSelection: Codable, Sendable, Equatable {
        /// Channels per layer.
        public var count: Int
        /// The roles whose int8 layers have them (never `ffnUp`, whose GELU epilogue is fused).
        public var roles: [LinearRole]

        /// A selection of `count` channels in the layers of `roles`.
        public init(count: Int, roles: [LinearRole]) {
            self.count = count
            self.roles = roles.sorted()
        }
    }

    /// SmoothQuant-style smoothing: input channel `j` of an int8 layer is multiplied by
    /// `1 / s_j` at run time and the weights' column `j` by `s_j` before quantization, with
    /// `s_j = max|x_j|^alpha / max|w_j|^(1 - alpha)` from calibration sentences.
    public struct Smoothing: Codable, Sendable, Equatable {
        /// The migration strength between activations and weights.
        public var alpha: Double
        /// How many sentences the activation ranges were measured on.
        public var calibrationSentences: Int

        /// A smoothing description.
        public init(alpha: Double, calibrationSentences: Int) {
            self.alpha = alpha
            self.calibrationSentences = calibrationSentences
        }

        enum CodingKeys: String, CodingKey {
            case alpha
            case calibrationSentences = "calibration_sentences"
        }
    }

    /// The tokenizer of the model.
    public struct TokenizerFile: Codable, Sendable, Equatable {
        /// "tokenizer.json" (Hugging Face tokenizers format) or "vocab.txt" (one WordPiece token a line).
        public var file: String
        /// Whether text is lowercased (used with vocab.txt; tokenizer.json carries its own setting).
        public var lowercase: Bool
    }

    /// The version's classification heads: named label sets ("intents", "sentiment", ...), in
    /// order; Classify uses the first unless a request names another. Written as
    /// `{"heads": [{"name": ..., "labels": [...]}]}`; the first format, `{"intents": [...]}`,
    /// still reads as one head named "intents".
    public struct TaskHead: Codable, Sendable, Equatable {
        /// The label sets; empty when the model only embeds.
        public var heads: [LabelSet]

        /// Heads with the given label sets.
        public init(heads: [LabelSet] = []) {
            self.heads = heads
        }

        enum CodingKeys: String, CodingKey { case heads, intents }

        /// Decodes `heads`, or the first format's `intents` as one head named "intents".
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let heads = try container.decodeIfPresent([LabelSet].self, forKey: .heads) {
                self.heads = heads
            } else {
                let intents = try container.decodeIfPresent([Intent].self, forKey: .intents) ?? []
                heads = intents.isEmpty ? [] : [LabelSet(name: LabelSet.intentsName, labels: intents)]
            }
        }

        /// Encodes `heads`.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(heads, forKey: .heads)
        }
    }

    /// One named label set of a classification head.
    public struct LabelSet: Codable, Sendable, Equatable {
        /// The name of the customer-service intents head.
        public static let intentsName = "intents"
        /// The name requests use to choose it.
        public var name: String
        /// Its labels with their example phrases.
        public var labels: [Intent]

        /// A label set.
        public init(name: String, labels: [Intent]) {
            self.name = name
            self.labels = labels
        }
    }

    /// The knowledge base file of a version and when its best match is trusted.
    public struct KnowledgeBaseReference: Codable, Sendable, Equatable {
        /// The file inside the version folder (listed, with its digest, in `files`).
        public var file: String
        /// The cosine similarity from which Answer calls its best match confident.
        public var threshold: Float

        /// A reference to `file` with `threshold`.
        public init(file: String = KnowledgeBase.fileName, threshold: Float) {
            self.file = file
            self.threshold = threshold
        }
    }

    /// One label with example phrases (an intent, a sentiment, ...).
    public struct Intent: Codable, Sendable, Equatable {
        /// The label returned by classification.
        public var label: String
        /// Phrases that express the intent.
        public var examples: [String]

        /// An intent with its examples.
        public init(label: String, examples: [String]) {
            self.label = label
            self.examples = examples
        }
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case architecture, config, pooling, normalize
        case maxSequence = "max_sequence"
        case quantization, tokenizer
        case taskHead = "task_head"
        case knowledgeBase = "knowledge_base"
        case files, source
        case inputPrefixes = "input_prefixes"
        case defaultInputType = "default_input_type"
    }

    /// Creates a manifest.
    public init(
        config: BertConfig, maxSequence: Int, quantization: Quantization, tokenizer: TokenizerFile,
        taskHead: TaskHead = TaskHead(), knowledgeBase: KnowledgeBaseReference? = nil,
        files: [String: String] = [:], source: String? = nil, pooling: Pooling = .mean, normalize: Bool = true,
        inputPrefixes: [String: String] = [:], defaultInputType: String? = nil
    ) {
        formatVersion = Self.formatVersion(for: quantization)
        architecture = "bert"
        self.config = config
        self.pooling = pooling
        self.normalize = normalize
        self.maxSequence = maxSequence
        self.quantization = quantization
        self.tokenizer = tokenizer
        self.taskHead = taskHead
        self.knowledgeBase = knowledgeBase
        self.files = files
        self.source = source
        self.inputPrefixes = inputPrefixes
        self.defaultInputType = defaultInputType
    }

    /// Decodes a manifest; a missing `task_head` reads as an empty one, a missing `knowledge_base`
    /// and missing `input_prefixes` as none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try container.decode(Int.self, forKey: .formatVersion)
        architecture = try container.decode(String.self, forKey: .architecture)
        config = try container.decode(BertConfig.self, forKey: .config)
        pooling = try container.decode(Pooling.self, forKey: .pooling)
        normalize = try container.decode(Bool.self, forKey: .normalize)
        maxSequence = try container.decode(Int.self, forKey: .maxSequence)
        quantization = try container.decode(Quantization.self, forKey: .quantization)
        tokenizer = try container.decode(TokenizerFile.self, forKey: .tokenizer)
        taskHead = try container.decodeIfPresent(TaskHead.self, forKey: .taskHead) ?? TaskHead()
        knowledgeBase = try container.decodeIfPresent(KnowledgeBaseReference.self, forKey: .knowledgeBase)
        files = try container.decode([String: String].self, forKey: .files)
        source = try container.decodeIfPresent(String.self, forKey: .source)
        inputPrefixes = try container.decodeIfPresent([String: String].self, forKey: .inputPrefixes) ?? [:]
        defaultInputType = try container.decodeIfPresent(String.self, forKey: .defaultInputType)
    }
}
