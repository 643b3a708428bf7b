/// The shape of a BERT encoder, as recorded in a model's manifest.
public struct BertConfig: Codable, Sendable, Equatable {
    /// Width of the hidden states.
    public var hidden: Int
    /// Number of encoder layers.
    public var layers: Int
    /// Attention heads per layer; `hidden` must be a multiple of it.
    public var heads: Int
    /// Width of the feed-forward inner layer.
    public var intermediate: Int
    /// Number of token ids.
    public var vocab: Int
    /// Number of learned positions.
    public var maxPosition: Int
    /// The epsilon added to the variance in every LayerNorm.
    public var layerNormEps: Double
    /// The position id of a sequence's first token: 0 for BERT, `pad_token_id + 1` for
    /// XLM-RoBERTa (whose position table keeps its first rows for padding). Token `i` of a
    /// sequence uses position row `positionOffset + i`.
    public var positionOffset: Int

    /// Creates a configuration; `validate()` checks it.
    public init(
        hidden: Int, layers: Int, heads: Int, intermediate: Int, vocab: Int, maxPosition: Int,
        layerNormEps: Double, positionOffset: Int = 0
    ) {
        self.hidden = hidden
        self.layers = layers
        self.heads = heads
        self.intermediate = intermediate
        self.vocab = vocab
        self.maxPosition = maxPosition
        self.layerNormEps = layerNormEps
        self.positionOffset = positionOffset
    }

    /// Decodes a configuration; a missing `position_offset` (manifests written before it existed) reads as 0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        hidden = try container.decode(Int.self, forKey: .hidden)
        layers = try container.decode(Int.self, forKey: .layers)
        heads = try container.decode(Int.self, forKey: .heads)
        intermediate = try container.decode(Int.self, forKey: .intermediate)
        vocab = try container.decode(Int.self, forKey: .vocab)
        maxPosition = try container.decode(Int.self, forKey: .maxPosition)
        layerNormEps = try container.decode(Double.self, forKey: .layerNormEps)
        positionOffset = try container.decodeIfPresent(Int.self, forKey: .positionOffset) ?? 0
    }

    enum CodingKeys: String, CodingKey {
        case hidden, layers, heads, intermediate, vocab
        case maxPosition = "max_position"
        case layerNormEps = "layer_norm_eps"
        case positionOffset = "position_offset"
    }

    /// The longest sequence the position table can place: `maxPosition - positionOffset`.
    public var positionCapacity: Int { maxPosition - positionOffset }

    /// Width of one attention head.
    public var headDimension: Int { hidden / heads }

    /// Throws `ModelError.invalidConfig` unless every size is positive and consistent.
    public func validate() throws {
        let sizes = [
            ("hidden", hidden), ("layers", layers), ("heads", heads), ("intermediate", intermediate),
            ("vocab", vocab), ("max_position", maxPosition),
        ]
        for (name, value) in sizes where value <= 0 || value > 1 << 24 {
            throw ModelError.invalidConfig("\(name) is \(value), expected 1...\(1 << 24)")
        }
        guard hidden % heads == 0 else {
            throw ModelError.invalidConfig("hidden \(hidden) is not a multiple of heads \(heads)")
        }
        guard positionOffset >= 0, positionOffset < maxPosition else {
            throw ModelError.invalidConfig(
                "position_offset \(positionOffset) is outside 0..<\(maxPosition) (max_position)")
        }
        guard layerNormEps.isFinite, layerNormEps > 0, layerNormEps < 1 else {
            throw ModelError.invalidConfig("layer_norm_eps is \(layerNormEps), expected a small positive number")
        }
    }
}
