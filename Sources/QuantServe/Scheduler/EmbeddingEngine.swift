import Transformer

/// What the scheduler and the service need from one loaded model version: its tokenizer,
/// and a forward pass over a packed batch of token sequences.
public protocol EmbeddingEngine: Sendable {
    /// Length of each embedding.
    var dimensions: Int { get }
    /// The longest sequence the model accepts, special tokens included.
    var maxSequenceLength: Int { get }
    /// Bytes held by the weights and buffers.
    var memoryBytes: Int { get }
    /// The intents (labels with example phrases) the version ships for Classify; empty when none.
    var intents: [IntentClassifier.Intent] { get }
    /// Token ids of one text; throws a clear error when it is too long and `truncate` is false,
    /// and `CancellationError` once `isCancelled` returns true (asked while a long text is read).
    func tokenize(_ text: String, truncate: Bool, isCancelled: () -> Bool) throws -> [UInt32]
    /// One L2-normalized embedding per sequence of `batch`, flat: sequence `i`'s embedding is
    /// `rows[i·dimensions..<(i + 1)·dimensions]`. It must not depend on the other sequences in the batch.
    func embedRows(_ batch: PackedBatch) throws -> [Float]
    /// The text put before every input of `inputType` ahead of tokenization (empty: the model's
    /// default type); throws for a type the model does not know.
    func inputPrefix(for inputType: String) throws -> String
}


extension EmbeddingEngine {
    /// No input types: the empty type means no prefix, any other is refused.
    public func inputPrefix(for inputType: String) throws -> String {
        guard inputType.isEmpty else { throw UnknownInputTypeError(inputType: inputType, known: []) }
        return ""
    }

    /// Token ids of one text, never cancelled: for loading and self-tests.
    func tokenize(_ text: String, truncate: Bool) throws -> [UInt32] {
        try tokenize(text, truncate: truncate, isCancelled: { false })
    }
}
