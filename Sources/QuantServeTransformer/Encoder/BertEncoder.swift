import Foundation
import QuantServeKernels

/// A BERT sentence encoder loaded from a QuantServe model folder (see `ModelManifest`): int8
/// linear layers with per-token activation quantization, fp32 attention, LayerNorm and GELU,
/// mean pooling and L2 normalization.
///
/// Batches are packed (no padding). Each sequence's embedding depends only on its own tokens,
/// bit for bit, whatever else is in the batch. `embed` is thread-safe: every call borrows its
/// own scratch memory, which is reused by later calls.
public final class BertEncoder: Sendable {
    /// The model folder's manifest.
    public let manifest: ModelManifest
    /// The model's tokenizer.
    public let tokenizer: any TextTokenizer
    /// The length of an embedding.
    public let dimensions: Int
    /// The longest token sequence accepted, [CLS] and [SEP] included.
    public let maxSequenceLength: Int
    /// The most UTF-8 bytes of one text (see `ModelTokenizer.maxTextBytes`).
    public let maxTextBytes: Int

    let config: BertConfig
    let weights: BertWeights
    let pool: ComputePool
    let arenas: ScratchArenaPool
    /// Whether attention may round to bf16 (`AttentionKernel.selected`): in int8 models;
    /// a model whose linear layers are all fp32 keeps fp32 attention.
    let bf16Attention: Bool
    /// Whether the QKV projections write head-major (`BertEncoder.qkvLayout`): every layer's is
    /// int8 and a head's columns are whole panels of its kernel.
    let headMajorQKV: Bool

    /// Loads the model in `modelDirectory`: reads the manifest and every file it lists once,
    /// verifies their SHA-256 (`VerifiedModelFolder`), then builds from those very bytes; see
    /// `init(folder:pool:kernelPath:maxTextBytes:)`.
    public convenience init(
        modelDirectory: URL, pool: ComputePool, kernelPath: KernelPath = .selected,
        maxTextBytes: Int = ModelTokenizer.defaultMaxTextBytes
    ) throws {
        try self.init(
            folder: VerifiedModelFolder(directory: modelDirectory), pool: pool, kernelPath: kernelPath,
            maxTextBytes: maxTextBytes)
    }

    /// Builds the model from a folder already read and verified: parses the tokenizer and the
    /// weights from the verified bytes (nothing is read from disk again), checks every tensor's
    /// presence, dtype, shape and values, and packs the int8 weights for `kernelPath`. Work runs
    /// on `pool`; texts longer than `maxTextBytes` are refused (or read that far when truncating).
    public convenience init(
        folder: VerifiedModelFolder, pool: ComputePool, kernelPath: KernelPath = .selected,
        maxTextBytes: Int = ModelTokenizer.defaultMaxTextBytes
    ) throws {
        let manifest = folder.manifest
        let tokenizer = try ModelTokenizer(
            manifest: manifest, tokenizerBytes: folder.bytes(of: manifest.tokenizer.file)
        ).tokenizer
        guard tokenizer.vocabularySize <= manifest.config.vocab else {
            throw ModelError.invalidConfig(
                "the tokenizer has \(tokenizer.vocabularySize) tokens but the model only \(manifest.config.vocab)")
        }
        let file = try SafetensorsFile(
            bytes: folder.bytes(of: ModelManifest.weightsFileName),
            path: folder.directory.appendingPathComponent(ModelManifest.weightsFileName).path)
        let weights = try BertWeights(
            file: file, config: manifest.config,
            floatLayers: Set(manifest.quantization.floatLayers),
            smoothed: manifest.quantization.smoothing != nil, path: kernelPath,
            int8WordEmbeddings: manifest.quantization.wordEmbeddings != nil,
            outlierChannels: manifest.quantization.outlierChannels)
        self.init(manifest: manifest, weights: weights, tokenizer: tokenizer, pool: pool, maxTextBytes: maxTextBytes)
    }

    /// An encoder over weights already loaded.
    init(
        manifest: ModelManifest, weights: BertWeights, tokenizer: any TextTokenizer, pool: ComputePool,
        maxTextBytes: Int = ModelTokenizer.defaultMaxTextBytes
    ) {
        self.manifest = manifest
        self.weights = weights
        self.tokenizer = tokenizer
        self.pool = pool
        config = manifest.config
        dimensions = manifest.config.hidden
        maxSequenceLength = manifest.maxSequence
        self.maxTextBytes = maxTextBytes
        arenas = ScratchArenaPool(maximumIdle: 2 * pool.threadCount)
        bf16Attention = weights.layers.contains { layer in
            if case .int8 = layer.qkv.kernel { true } else { false }
        }
        let headColumns = GemmOutputLayout.grouped(width: manifest.config.headDimension, rows: 1)
        headMajorQKV = weights.layers.allSatisfy { layer in
            if case let .int8(linear) = layer.qkv.kernel { linear.canStore(headColumns) } else { false }
        }
    }

    /// Bytes held by the weights and by idle scratch memory.
    public var memoryBytes: Int { weights.memoryBytes + arenas.idleMemoryBytes }

    /// One embedding per token sequence (each with [CLS] and [SEP] already in place).
    public func embed(_ sequences: [[UInt32]]) throws -> [[Float]] {
        try embed(PackedBatch(sequences))
    }

    /// One embedding per sequence of a packed batch.
    public func embed(_ batch: PackedBatch) throws -> [[Float]] {
        let rows = try embedRows(batch)
        return (0..<batch.count).map { Array(rows[$0 * dimensions..<($0 + 1) * dimensions]) }
    }

    /// One embedding per sequence of a packed batch, flat: sequence `i`'s embedding is
    /// `rows[i·dimensions..<(i + 1)·dimensions]`.
    public func embedRows(_ batch: PackedBatch) throws -> [Float] {
        try embedRows(batch, threading: .automatic)
    }

    /// `embedRows(_:)` with the pass spread over the pool as `threading` says (the same bits
    /// whichever; for benchmarks and tests of the strategies).
    public func embedRows(_ batch: PackedBatch, threading: ForwardThreading) throws -> [Float] {
        try validate(batch)
        guard batch.count > 0 else { return [] }
        return arenas.withArena { forward(batch, arena: $0, threading: threading) }
    }

    /// The tokenizer with this model's sequence limit.
    public var modelTokenizer: ModelTokenizer {
        ModelTokenizer(tokenizer: tokenizer, maxSequenceLength: maxSequenceLength, maxTextBytes: maxTextBytes)
    }

    /// The token ids of `text` for this model (see `ModelTokenizer.encode`).
    public func tokenize(_ text: String, truncate: Bool) throws -> [UInt32] {
        try modelTokenizer.encode(text, truncate: truncate)
    }

    /// The token ids of `text` for this model, stopping with `CancellationError` once
    /// `isCancelled` returns true (see `ModelTokenizer.encode(_:truncate:isCancelled:)`).
    public func tokenize(_ text: String, truncate: Bool, isCancelled: () -> Bool) throws -> [UInt32] {
        try modelTokenizer.encode(text, truncate: truncate, isCancelled: isCancelled)
    }

    /// Tokenizes and embeds `texts` as one batch.
    public func embed(texts: [String], truncate: Bool) throws -> [SentenceEmbedding] {
        let sequences = try texts.map { try tokenize($0, truncate: truncate) }
        return zip(try embed(sequences), sequences).map { SentenceEmbedding(values: $0, tokenCount: $1.count) }
    }

    /// Runs `sequences` through the encoder, showing every linear layer's input to `recorder`.
    func observeActivations(_ sequences: [[UInt32]], recorder: ActivationRangeRecorder) throws {
        let batch = PackedBatch(sequences)
        try validate(batch)
        guard batch.count > 0 else { return }
        _ = arenas.withArena { forward(batch, arena: $0, recorder: recorder) }
    }

    private func validate(_ batch: PackedBatch) throws {
        for index in 0..<batch.count {
            let range = batch.range(of: index)
            guard !range.isEmpty else { throw EncoderError.emptySequence(index: index) }
            guard range.count <= maxSequenceLength else {
                throw EncoderError.sequenceTooLong(index: index, length: range.count, maximum: maxSequenceLength)
            }
            if let bad = batch.tokenIds[range].first(where: { Int($0) >= config.vocab }) {
                throw EncoderError.tokenOutOfRange(index: index, token: bad, vocabularySize: config.vocab)
            }
        }
    }
}
