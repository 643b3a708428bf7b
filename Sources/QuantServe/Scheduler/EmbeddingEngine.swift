import QuantServeTransformer

/// What the scheduler and the service need from one loaded model version: its tokenizer,
/// and a forward pass over a packed batch of token sequences.
public protocol EmbeddingEngine: Sendable {
    /// Length of each embedding.
    var dimensions: Int { get }
    /// The longest sequence the model accepts, special tokens included.
    var maxSequenceLength: Int { get }
    /// Bytes held by the weights and buffers.
    var memoryBytes: Int { get }
    /// The classification heads (named label sets with example phrases) the version ships for
    /// Classify, in order; empty when none.
    var labelSets: [ModelManifest.LabelSet] { get }
    /// The FAQ knowledge base the version ships for Answer, if any.
    var knowledgeBase: KnowledgeBaseSource? { get }
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
    /// No classification heads.
    public var labelSets: [ModelManifest.LabelSet] { [] }
    /// No knowledge base.
    public var knowledgeBase: KnowledgeBaseSource? { nil }

    /// No input types: the empty type means no prefix, any other is refused.
    public func inputPrefix(for inputType: String) throws -> String {
        guard inputType.isEmpty else { throw UnknownInputTypeError(inputType: inputType, known: []) }
        return ""
    }

    /// Token ids of one text, never cancelled: for loading and self-tests.
    func tokenize(_ text: String, truncate: Bool) throws -> [UInt32] {
        try tokenize(text, truncate: truncate, isCancelled: { false })
    }

    /// The embeddings of texts a version ships (label examples, knowledge-base questions), flat,
    /// computed while it loads as Classify and Answer embed their texts: behind the model's default
    /// input prefix, truncated, in batches of 64.
    func embedForLoad(_ texts: [String]) throws -> [Float] {
        let prefix = try inputPrefix(for: "")
        var rows: [Float] = []
        rows.reserveCapacity(texts.count * dimensions)
        for start in stride(from: 0, to: texts.count, by: 64) {
            let sequences = try texts[start..<min(start + 64, texts.count)].map {
                try tokenize(prefix + $0, truncate: true)
            }
            rows += try embedRows(PackedBatch(sequences))
        }
        return rows
    }
}
