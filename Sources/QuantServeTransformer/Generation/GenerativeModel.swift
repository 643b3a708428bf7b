/// A decoder model version as Generate serves it: the decoder with its KV cache, the tokenizer,
/// the chat template, and the tokens that end a turn.
public final class GenerativeModel: Sendable {
    public let decoder: any TokenDecoder
    public let tokenizer: BPETokenizer
    /// The model's chat template; nil when the model has none (then only raw prompts are served).
    public let chatTemplate: ChatTemplate?
    /// Tokens after which generation stops with reason STOP (end of turn, end of text).
    public let endTokens: Set<UInt32>
    /// Bytes held by the weights (the KV cache is counted from the decoder).
    public let weightBytes: Int

    public init(
        decoder: any TokenDecoder, tokenizer: BPETokenizer, chatTemplate: ChatTemplate?,
        endTokens: Set<UInt32>, weightBytes: Int
    ) {
        self.decoder = decoder
        self.tokenizer = tokenizer
        self.chatTemplate = chatTemplate
        self.endTokens = endTokens
        self.weightBytes = weightBytes
    }

    /// Weights plus the whole KV cache.
    public var memoryBytes: Int {
        weightBytes + decoder.kvBlockCount * decoder.kvBlockTokens * decoder.kvBytesPerToken
    }
}
