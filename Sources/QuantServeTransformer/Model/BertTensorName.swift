/// Tensor names in a QuantServe BERT `model.safetensors`.
///
/// Linear layers: `layers.<i>.<role>.weight` (I8 `[out, in]`, or F32 for layers kept in full
/// precision), `.scale` (F32 `[out]`, int8 layers only: one symmetric scale per output channel)
/// `.bias` (F32 `[out]`) and, when the manifest declares smoothing, `.smooth` (F32 `[in]`, int8
/// layers only: the multiplier of each input channel applied to activations before quantization). LayerNorms: `<prefix>.weight` and `<prefix>.bias`, F32 `[hidden]`.
public enum BertTensorName {
    /// Word embeddings, F32 `[vocab, hidden]`, or I8 with an F32 `.scale` per row `[vocab]` when
    /// the manifest's `quantization.word_embeddings` says so.
    public static let wordEmbeddings = "embeddings.word"
    /// Position embeddings, F32 `[max_position, hidden]`.
    public static let positionEmbeddings = "embeddings.position"
    /// The embedding of token type 0 (the only one sentence encoders use), F32 `[hidden]`.
    public static let tokenTypeEmbedding = "embeddings.token_type"
    /// The LayerNorm after the embeddings.
    public static let embeddingNorm = "embeddings.norm"
    /// The prefix of a linear layer's tensors.
    public static func linear(layer: Int, _ role: LinearRole) -> String { "layers.\(layer).\(role.rawValue)" }
    /// The LayerNorm after self-attention.
    public static func attentionNorm(layer: Int) -> String { "layers.\(layer).attention.norm" }
    /// The LayerNorm after the feed-forward block.
    public static func ffnNorm(layer: Int) -> String { "layers.\(layer).ffn.norm" }
}
