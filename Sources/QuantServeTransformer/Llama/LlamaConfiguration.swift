/// The shape of a llama decoder, read from a GGUF's `llama.*` metadata and checked: layer and
/// head counts, widths, RMSNorm epsilon, RoPE base, context length and vocabulary.
public struct LlamaConfiguration: Sendable, Equatable {
    /// Bounds that keep a hostile file from asking for absurd allocations.
    public static let maximumLayers = 512
    public static let maximumWidth = 65_536
    public static let maximumContext = 1 << 20
    public static let maximumVocabulary = 1 << 20

    /// Decoder blocks (`llama.block_count`).
    public var layers: Int
    /// Hidden width (`llama.embedding_length`).
    public var hidden: Int
    /// SwiGLU inner width (`llama.feed_forward_length`).
    public var intermediate: Int
    /// Query heads and key/value heads (`llama.attention.head_count`, `head_count_kv`).
    public var heads: Int
    public var kvHeads: Int
    /// `llama.attention.layer_norm_rms_epsilon`.
    public var rmsEpsilon: Float
    /// `llama.rope.freq_base` (10,000 when absent, as llama.cpp).
    public var ropeBase: Float
    /// `llama.context_length`.
    public var contextLength: Int
    /// Rows of the token embedding (`llama.vocab_size`, else the embedding's rows).
    public var vocabularySize: Int

    /// Floats per attention head.
    public var headDimension: Int { hidden / heads }
    /// Query heads that share one key/value head.
    public var groupSize: Int { heads / kvHeads }
    /// Width of the packed query, key and value projection.
    public var qkvWidth: Int { (heads + 2 * kvHeads) * headDimension }

    /// A configuration given field by field (tests); checked by `validate(path:)` before use.
    public init(
        layers: Int, hidden: Int, intermediate: Int, heads: Int, kvHeads: Int, rmsEpsilon: Float,
        ropeBase: Float, contextLength: Int, vocabularySize: Int
    ) {
        self.layers = layers
        self.hidden = hidden
        self.intermediate = intermediate
        self.heads = heads
        self.kvHeads = kvHeads
        self.rmsEpsilon = rmsEpsilon
        self.ropeBase = ropeBase
        self.contextLength = contextLength
        self.vocabularySize = vocabularySize
    }

    /// Reads and validates the configuration of `file`, which must be a llama GGUF.
    public init(gguf file: GGUFFile) throws {
        let path = file.path
        func fail(_ reason: String) -> LlamaError { .invalidConfiguration(path: path, reason: reason) }
        func integer(_ key: String, default fallback: Int? = nil) throws -> Int {
            guard let value = file.metadata[key] else {
                if let fallback { return fallback }
                throw fail("metadata '\(key)' is missing")
            }
            guard let integer = value.integer else {
                throw fail("metadata '\(key)' is \(value.type), expected an integer")
            }
            return integer
        }
        func float(_ key: String, default fallback: Float? = nil) throws -> Float {
            switch file.metadata[key] {
            case let .float32(value)?: return value
            case let .float64(value)?: return Float(value)
            case nil:
                if let fallback { return fallback }
                throw fail("metadata '\(key)' is missing")
            case let value?: throw fail("metadata '\(key)' is \(value.type), expected a float")
            }
        }
        guard case let .string(architecture)? = file.metadata["general.architecture"] else {
            throw fail("metadata 'general.architecture' is missing or not a string")
        }
        guard architecture == "llama" else { throw fail("general.architecture is '\(architecture)', expected 'llama'") }
        let heads = try integer("llama.attention.head_count")
        let embedding = try file.tensor("token_embd.weight")
        self.init(
            layers: try integer("llama.block_count"), hidden: try integer("llama.embedding_length"),
            intermediate: try integer("llama.feed_forward_length"), heads: heads,
            kvHeads: try integer("llama.attention.head_count_kv", default: heads),
            rmsEpsilon: try float("llama.attention.layer_norm_rms_epsilon"),
            ropeBase: try float("llama.rope.freq_base", default: 10_000),
            contextLength: try integer("llama.context_length"),
            vocabularySize: try integer("llama.vocab_size", default: embedding.dimensions.last ?? 0))
        try validate(path: path)
        if let dimensions = file.metadata["llama.rope.dimension_count"] {
            guard dimensions.integer == headDimension else {
                throw fail(
                    "llama.rope.dimension_count is \(dimensions), only full-width RoPE (\(headDimension)) is supported")
            }
        }
        if case let .string(scaling)? = file.metadata["llama.rope.scaling.type"], scaling != "none" {
            throw fail("RoPE scaling '\(scaling)' is not supported")
        }
        if let tokens = file.metadata["tokenizer.ggml.tokens"], case let .array(_, list) = tokens,
            list.count > vocabularySize
        {
            throw fail("the tokenizer has \(list.count) tokens, more than the \(vocabularySize) embedding rows")
        }
    }

    /// Throws unless every field is in range and the widths divide as a llama needs.
    public func validate(path: String) throws {
        func check(_ condition: Bool, _ reason: @autoclosure () -> String) throws {
            if !condition { throw LlamaError.invalidConfiguration(path: path, reason: reason()) }
        }
        try check(
            (1...Self.maximumLayers).contains(layers), "block_count \(layers) is outside 1...\(Self.maximumLayers)")
        for (name, value) in [("embedding_length", hidden), ("feed_forward_length", intermediate)] {
            try check((1...Self.maximumWidth).contains(value), "\(name) \(value) is outside 1...\(Self.maximumWidth)")
        }
        try check(heads >= 1 && hidden % heads == 0, "head_count \(heads) does not divide embedding_length \(hidden)")
        try check(kvHeads >= 1 && heads % kvHeads == 0, "head_count_kv \(kvHeads) does not divide head_count \(heads)")
        try check(headDimension % 2 == 0 && headDimension <= 256, "head dimension \(headDimension) is odd or above 256")
        try check(
            rmsEpsilon.isFinite && rmsEpsilon > 0 && rmsEpsilon < 1,
            "layer_norm_rms_epsilon \(rmsEpsilon) is outside (0, 1)")
        try check(ropeBase.isFinite && ropeBase > 1, "rope.freq_base \(ropeBase) is not a finite value above 1")
        try check(
            (1...Self.maximumContext).contains(contextLength),
            "context_length \(contextLength) is outside 1...\(Self.maximumContext)")
        try check(
            (1...Self.maximumVocabulary).contains(vocabularySize),
            "vocab_size \(vocabularySize) is outside 1...\(Self.maximumVocabulary)")
    }
}
