import Foundation
import QuantServeKernels

/// A llama decoder on the int8 engine with a paged KV cache: the production `TokenDecoder`.
///
/// One `step` runs a ragged batch (prefill chunks and single decode tokens of sequences at
/// different positions) through the model at once: every token of every entry is packed into
/// one matrix, so each layer's four int8 GEMMs (QKV, output, gate|up, down) see all tokens
/// together; RoPE is applied at each token's absolute position, keys and values go to the
/// sequence's blocks, and causal grouped-query attention runs per (sequence, KV head, chunk of
/// tokens) over the cached positions. Only each entry's last token goes through the final norm
/// and the output head. Work is split over the `ComputePool`.
///
/// Calls come from one caller at a time (the scheduler); the step's scratch buffers are reused
/// between steps and grow to the largest batch seen.
public final class LlamaDecoder: TokenDecoder, @unchecked Sendable {
    /// Query tokens of one attention task: a long prefill is cut so its heads spread over threads.
    static let attentionChunkTokens = 32

    /// The model's weights.
    public let model: LlamaModel
    /// The KV cache the sequences live in.
    public let cache: PagedKVCache
    /// Whether the down projection's input is quantized to 16 bits (see `Int8Linear.quantize`).
    public let preciseDownProjection: Bool
    let pool: ComputePool?
    let floatPath: FloatKernelPath
    /// RoPE frequencies `base^(-2i/headDimension)` for each pair i.
    let inverseFrequencies: [Double]
    let scratch = LlamaStepScratch()
    /// Tokens of a step up to which the model's 4-bit layers (if it has them) run instead of the
    /// int8 GEMMs: a few tokens are bound by reading the weights, many by computing with them.
    public let fourBitMaximumTokens: Int

    /// A decoder over `model` with a cache of `cacheBlocks` blocks of `PagedAttention.blockTokens`
    /// tokens, splitting work over `pool` (the calling thread alone when nil).
    /// `fourBitMaximumTokens`: see the property.
    public init(
        model: LlamaModel, cacheBlocks: Int, pool: ComputePool? = nil, preciseDownProjection: Bool = false,
        fourBitMaximumTokens: Int = 4
    ) {
        self.fourBitMaximumTokens = fourBitMaximumTokens
        let configuration = model.configuration
        self.model = model
        cache = PagedKVCache(
            blockCount: cacheBlocks, layers: configuration.layers, kvHeads: configuration.kvHeads,
            headDimension: configuration.headDimension)
        self.pool = pool
        self.preciseDownProjection = preciseDownProjection
        floatPath = FloatKernelPath(model.path)
        let dimension = configuration.headDimension
        inverseFrequencies = (0..<(dimension / 2)).map { pair in
            Foundation.pow(Double(configuration.ropeBase), -2 * Double(pair) / Double(dimension))
        }
    }

    public var vocabularySize: Int { model.configuration.vocabularySize }
    public var contextLength: Int { model.configuration.contextLength }
    public var kvBlockTokens: Int { cache.blockTokens }
    public var kvBlockCount: Int { cache.blockCount }
    public var freeKVBlocks: Int { cache.freeBlocks }
    public var kvBytesPerToken: Int { cache.bytesPerToken }

    public func openSequence() -> DecoderSequenceID { cache.open() }

    public func reserve(_ sequence: DecoderSequenceID, tokens: Int) -> Bool {
        tokens <= contextLength && cache.reserve(sequence, tokens: tokens)
    }

    public func closeSequence(_ sequence: DecoderSequenceID) { cache.close(sequence) }

    public func storedTokens(_ sequence: DecoderSequenceID) -> Int { cache.storedTokens(sequence) }

    public func step(_ entries: [DecoderStepEntry]) throws -> [[Float]] {
        let plan = try LlamaStepPlan(
            entries: entries, cache: cache, vocabularySize: vocabularySize,
            contextLength: contextLength)
        let logits = forward(plan)
        for entry in entries { cache.advance(entry.sequence, by: entry.tokens.count) }
        return logits
    }
}

/// What one step computes, checked before anything runs: each entry's tokens, where they start
/// in the packed token matrix, the position of its first token and its block table.
struct LlamaStepPlan {
    struct Entry {
        let tokens: [UInt32]
        /// Row of the entry's first token in the packed matrix.
        let firstRow: Int
        /// Position of the entry's first token in its sequence.
        let firstPosition: Int
        /// Offset of the entry's block table in `blockTables`.
        let tableOffset: Int
    }

    let entries: [Entry]
    let tokenCount: Int
    /// Every entry's block table, one after the other.
    let blockTables: [Int32]

    init(entries requested: [DecoderStepEntry], cache: PagedKVCache, vocabularySize: Int, contextLength: Int) throws {
        guard !requested.isEmpty else { throw LlamaError.invalidStep("no entries") }
        var seen = Set<Int>()
        var entries: [Entry] = []
        var tables: [Int32] = []
        var row = 0
        for entry in requested {
            let id = entry.sequence.rawValue
            guard let sequence = cache.sequence(entry.sequence) else { throw LlamaError.unknownSequence(id) }
            guard seen.insert(id).inserted else { throw LlamaError.invalidStep("sequence \(id) appears twice") }
            guard !entry.tokens.isEmpty else { throw LlamaError.invalidStep("sequence \(id) has no tokens") }
            if let bad = entry.tokens.first(where: { Int($0) >= vocabularySize }) {
                throw LlamaError.invalidStep(
                    "token \(bad) of sequence \(id) is outside the vocabulary of \(vocabularySize)")
            }
            let total = sequence.tokens + entry.tokens.count
            guard total <= contextLength else {
                throw LlamaError.invalidStep(
                    "sequence \(id) would hold \(total) tokens, over the context of \(contextLength)")
            }
            guard total <= sequence.blocks.count * cache.blockTokens else {
                throw LlamaError.invalidStep(
                    "sequence \(id) has room for \(sequence.blocks.count * cache.blockTokens) tokens, \(total) needed: reserve first"
                )
            }
            entries.append(
                Entry(tokens: entry.tokens, firstRow: row, firstPosition: sequence.tokens, tableOffset: tables.count))
            tables += sequence.blocks
            row += entry.tokens.count
        }
        self.entries = entries
        tokenCount = row
        blockTables = tables
    }
}
