/// What the generation scheduler needs from an autoregressive decoder and its paged KV cache:
/// sequences that own whole KV blocks, and one iteration (`step`) that appends tokens to many
/// sequences at once (prefill chunks and single decode tokens mixed) and returns, for each of
/// them, the logits that follow its last token. `LlamaDecoder` is the production conformer.
///
/// Calls come from one scheduler task at a time; a conformer need not be reentrant.
public protocol TokenDecoder: AnyObject, Sendable {
    /// Logits per position (the tokenizer's vocabulary, padded entries included).
    var vocabularySize: Int { get }
    /// The longest sequence (prompt and generated tokens) the model accepts.
    var contextLength: Int { get }
    /// Tokens held by one KV block.
    var kvBlockTokens: Int { get }
    /// Blocks in the whole cache, and those not owned by any sequence now.
    var kvBlockCount: Int { get }
    var freeKVBlocks: Int { get }
    /// KV cache bytes one token occupies (all layers, keys and values).
    var kvBytesPerToken: Int { get }

    /// A new, empty sequence (no blocks yet).
    func openSequence() -> DecoderSequenceID
    /// Makes room for `tokens` tokens in total in `sequence`, taking free blocks as needed.
    /// Returns false, and takes nothing, when there are not enough free blocks.
    func reserve(_ sequence: DecoderSequenceID, tokens: Int) -> Bool
    /// Returns all of `sequence`'s blocks to the free list; the id is not used again.
    func closeSequence(_ sequence: DecoderSequenceID)
    /// Tokens already stored in `sequence`'s KV cache.
    func storedTokens(_ sequence: DecoderSequenceID) -> Int

    /// Appends each entry's tokens at the end of its sequence (whose blocks must already be
    /// reserved) and returns one row of `vocabularySize` logits per entry, in entry order: the
    /// logits after that entry's last token. A sequence appears at most once per step.
    func step(_ entries: [DecoderStepEntry]) throws -> [[Float]]
}

/// Names one sequence of a `TokenDecoder`'s KV cache.
public struct DecoderSequenceID: Hashable, Sendable {
    public let rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
}

/// One sequence's tokens in one `TokenDecoder.step`: a prefill chunk or a single decode token.
public struct DecoderStepEntry: Sendable {
    public var sequence: DecoderSequenceID
    public var tokens: [UInt32]
    public init(sequence: DecoderSequenceID, tokens: [UInt32]) {
        self.sequence = sequence
        self.tokens = tokens
    }
}
