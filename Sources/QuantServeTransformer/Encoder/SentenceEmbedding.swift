/// One text's embedding and the number of tokens it was computed from.
public struct SentenceEmbedding: Sendable, Equatable {
    /// The sentence vector (L2-normalized when the model says so).
    public var values: [Float]
    /// Tokens of the text after tokenization, [CLS] and [SEP] included.
    public var tokenCount: Int

    /// An embedding of `tokenCount` tokens.
    public init(values: [Float], tokenCount: Int) {
        self.values = values
        self.tokenCount = tokenCount
    }
}
