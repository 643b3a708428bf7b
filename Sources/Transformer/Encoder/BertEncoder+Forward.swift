import Foundation
import Kernels

extension BertEncoder {
    /// Scratch regions of one forward pass, carved from an arena.
    private struct Activations {
        let hidden: UnsafeMutablePointer<Float>     // tokens × hidden: the residual stream
        let qkv: UnsafeMutablePointer<Float>        // tokens × 3·hidden: queries | keys | values
        let context: UnsafeMutablePointer<Float>    // tokens × hidden: attention output before projection
        let projected: UnsafeMutablePointer<Float>  // tokens × hidden: output of a projection, before the residual
        let inner: UnsafeMutablePointer<Float>      // tokens × intermediate: feed-forward inner activations
        let scores: UnsafeMutablePointer<Float>     // attention slots × longest² : one score matrix per slot

        init(arena: ScratchArena, tokens: Int, config: BertConfig, attentionSlots: Int, longest: Int) {
            let hiddenSize = tokens * config.hidden
            let total = 6 * hiddenSize + tokens * config.intermediate + attentionSlots * longest * longest
            let base = arena.floats(total)
            hidden = base
            qkv = hidden + hiddenSize
            context = qkv + 3 * hiddenSize
            projected = context + hiddenSize
            inner = projected + hiddenSize
            scores = inner + tokens * config.intermediate
        }
    }

    /// Runs the encoder over a validated, non-empty batch and pools each sequence into row `i` of
    /// the flat result (`count × hidden`); `recorder`, when given, sees the input of every linear layer.
    func forward(_ batch: PackedBatch, arena: ScratchArena, recorder: ActivationRangeRecorder? = nil) -> [Float] {
        let tokens = batch.tokenCount
        let hidden = config.hidden
        let slots = pool.threadCount
        let longest = batch.longestSequence
        let buffers = Activations(arena: arena, tokens: tokens, config: config, attentionSlots: slots, longest: longest)
        let epsilon = Float(config.layerNormEps)

        embedTokens(batch, into: buffers.hidden)
        pool.forEachRowBlock(tokens) { rows in
            FloatKernels.layerNorm(buffers.hidden + rows.lowerBound * hidden, rows: rows.count, cols: hidden,
                                   gamma: weights.embeddingNorm.gamma.pointer, beta: weights.embeddingNorm.beta.pointer,
                                   epsilon: epsilon)
        }
        for (index, layer) in weights.layers.enumerated() {
            func observe(_ role: LinearRole, _ input: UnsafeMutablePointer<Float>, columns: Int) {
                recorder?.observe(LinearSite(layer: index, role: role), input: input, rows: tokens, columns: columns)
            }
            // Staging for smoothed inputs: `context` is free before attention and after its projection.
            observe(.attentionQKV, buffers.hidden, columns: hidden)
            layer.qkv.apply(buffers.hidden, rows: tokens, output: buffers.qkv, staging: buffers.context, pool: pool)
            attend(batch, qkv: buffers.qkv, context: buffers.context, scores: buffers.scores, slots: slots, longest: longest)
            observe(.attentionOutput, buffers.context, columns: hidden)
            layer.attentionOutput.apply(buffers.context, rows: tokens, output: buffers.projected, staging: buffers.context,
                                        pool: pool)
            addAndNormalize(buffers.hidden, buffers.projected, tokens: tokens, norm: layer.attentionNorm, epsilon: epsilon)
            observe(.ffnUp, buffers.hidden, columns: hidden)
            layer.ffnUp.apply(buffers.hidden, rows: tokens, output: buffers.inner, staging: buffers.context, pool: pool)
            let width = config.intermediate
            pool.forEachRowBlock(tokens) { rows in
                FloatKernels.gelu(buffers.inner + rows.lowerBound * width, count: rows.count * width)
            }
            observe(.ffnDown, buffers.inner, columns: width)
            layer.ffnDown.apply(buffers.inner, rows: tokens, output: buffers.projected, staging: buffers.inner, pool: pool)
            addAndNormalize(buffers.hidden, buffers.projected, tokens: tokens, norm: layer.ffnNorm, epsilon: epsilon)
        }
        var pooled = [Float](repeating: 0, count: batch.count * hidden)
        pooled.withUnsafeMutableBufferPointer { rows in
            for sequence in 0..<batch.count {
                meanPool(batch.range(of: sequence), hidden: buffers.hidden, into: rows.baseAddress! + sequence * hidden)
            }
        }
        return pooled
    }

    /// Word + position + token-type-0 embeddings of every token.
    private func embedTokens(_ batch: PackedBatch, into output: UnsafeMutablePointer<Float>) {
        let hidden = config.hidden
        let word = weights.wordEmbeddings.pointer
        let position = weights.positionEmbeddings.pointer
        let tokenType = weights.tokenTypeEmbedding.pointer
        batch.tokenIds.withUnsafeBufferPointer { ids in
            for sequence in 0..<batch.count {
                let range = batch.range(of: sequence)
                for token in range {
                    let row = output + token * hidden
                    let wordRow = word + Int(ids[token]) * hidden
                    let positionRow = position + (token - range.lowerBound) * hidden
                    for column in 0..<hidden {
                        row[column] = wordRow[column] + positionRow[column] + tokenType[column]
                    }
                }
            }
        }
    }

    /// `hidden = LayerNorm(hidden + projected)`, row by row.
    private func addAndNormalize(_ hidden: UnsafeMutablePointer<Float>, _ projected: UnsafePointer<Float>, tokens: Int,
                                 norm: LayerNormWeights, epsilon: Float) {
        let width = config.hidden
        pool.forEachRowBlock(tokens) { rows in
            let offset = rows.lowerBound * width
            FloatKernels.add(hidden + offset, projected + offset, count: rows.count * width)
            FloatKernels.layerNorm(hidden + offset, rows: rows.count, cols: width, gamma: norm.gamma.pointer,
                                   beta: norm.beta.pointer, epsilon: epsilon)
        }
    }

    /// Mean of the sequence's token states into `output` (`hidden` floats), L2-normalized when the
    /// manifest says so.
    private func meanPool(_ range: Range<Int>, hidden: UnsafeMutablePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        let width = config.hidden
        output.update(repeating: 0, count: width)
        for token in range {
            let row = hidden + token * width
            for column in 0..<width { output[column] += row[column] }
        }
        let count = Float(range.count)
        var squares: Float = 0
        for column in 0..<width {
            output[column] /= count
            squares += output[column] * output[column]
        }
        let norm = squares.squareRoot()
        if manifest.normalize, norm > 0 {
            for column in 0..<width { output[column] /= norm }
        }
    }
}
