import Foundation
import QuantServeKernels
import Synchronization

extension BertEncoder {
    /// Scratch regions of one forward pass, carved from an arena: the whole batch's residual
    /// stream, projections and attention output, plus one workspace per thread for the rows it is
    /// working on.
    private struct Buffers {
        let hidden: UnsafeMutablePointer<Float>  // tokens × hidden: the residual stream
        let qkv: QKVRows  // tokens × 3·hidden: queries | keys | values, row-major or head-major
        let context: UnsafeMutablePointer<Float>  // tokens × hidden: attention output before projection
        let workspaces: [BlockWorkspace]

        /// `headMajor`: the QKV projection writes each head's queries, keys and values as blocks of
        /// their own (`tokens × headDimension` each), else row-major.
        init(
            arena: ScratchArena, tokens: Int, config: BertConfig, workspaceCount: Int, blockRows: Int,
            headMajor: Bool
        ) {
            let hiddenSize = tokens * config.hidden
            let workspaceSize = BlockWorkspace.floats(rows: blockRows, config: config)
            let total = 5 * hiddenSize + workspaceCount * workspaceSize
            let base = arena.floats(total)
            hidden = base
            qkv = QKVRows(
                base: hidden + hiddenSize,
                layout: headMajor
                    ? .grouped(width: config.headDimension, rows: tokens) : .rowMajor(stride: 3 * config.hidden),
                hidden: config.hidden)
            context = qkv.base + 3 * hiddenSize
            let first = context + hiddenSize
            workspaces = (0..<workspaceCount).map {
                BlockWorkspace(base: first + $0 * workspaceSize, rows: blockRows, config: config)
            }
        }
    }

    /// The rows one thread is taking through a layer: feed-forward activations and the scratch of
    /// its projections.
    private struct BlockWorkspace {
        let inner: UnsafeMutablePointer<Float>  // rows × intermediate: feed-forward inner activations
        let linear: LinearScratch
        let innerQuantized: QuantizedActivations  // the inner activations quantized for the down projection

        static func floats(rows: Int, config: BertConfig) -> Int {
            rows * (2 * config.intermediate + config.hidden)
        }

        init(base: UnsafeMutablePointer<Float>, rows: Int, config: BertConfig) {
            inner = base
            let staging = inner + rows * config.intermediate
            linear = LinearScratch(
                quantized: QuantizedActivations(reservingRows: rows, features: config.intermediate),
                staging: staging, result: staging + rows * config.intermediate)
            innerQuantized = QuantizedActivations(reservingRows: rows, features: config.intermediate)
        }
    }

    /// Runs the encoder over a validated, non-empty batch and pools each sequence into row `i` of
    /// the flat result (`count × hidden`), spread over the pool as `threading` says; `recorder`,
    /// when given, sees the input of every linear layer (one operation at a time, on this thread).
    func forward(
        _ batch: PackedBatch, arena: ScratchArena, threading: ForwardThreading = .automatic,
        recorder: ActivationRangeRecorder? = nil
    ) -> [Float] {
        if recorder == nil, let groups = sequenceGroups(of: batch, threading: threading) {
            return forwardInGroups(batch, plan: groups, arena: arena)
        }
        let tokens = batch.tokenCount
        let slots = pool.threadCount
        let plan =
            switch recorder == nil ? threading : .intraOp {
            case .intraOp: ForwardPlan(wholeBatch: tokens)
            case .rowBlocks: ForwardPlan(rowBlocks: tokens, threads: slots)
            case .automatic, .sequenceGroups: ForwardPlan(tokens: tokens, threads: slots)
            }
        let buffers = Buffers(
            arena: arena, tokens: tokens, config: config,
            workspaceCount: plan.pipelined ? min(slots, plan.blockCount) : 1,
            blockRows: plan.rowsPerBlock, headMajor: headMajorQKV && recorder == nil)
        let positions = batch.positions
        let longest = batch.longestSequence

        forEachBlock(plan, tokens: tokens, workspaces: buffers.workspaces) { rows, workspace, operationPool in
            startLayers(
                batch, positions: positions, rows: rows, buffers: buffers, workspace: workspace,
                pool: operationPool, recorder: recorder)
        }
        for index in weights.layers.indices {
            attend(
                batch, qkv: buffers.qkv, context: buffers.context, slots: slots, longest: longest)
            forEachBlock(plan, tokens: tokens, workspaces: buffers.workspaces) { rows, workspace, operationPool in
                finishLayer(
                    index, rows: rows, buffers: buffers, workspace: workspace, pool: operationPool,
                    recorder: recorder)
            }
        }
        return pooled(batch, hidden: buffers.hidden)
    }

    /// The whole-sequences plan when `threading` asks for it, or, left to the encoder, when the
    /// batch's sequences share evenly among the pool's threads.
    private func sequenceGroups(of batch: PackedBatch, threading: ForwardThreading) -> SequenceGroupPlan? {
        switch threading {
        case .sequenceGroups:
            let target = min(ForwardPlan.maximumBlockRows, max(1, batch.tokenCount / pool.threadCount))
            return SequenceGroupPlan(offsets: batch.offsets, targetRows: target)
        case .automatic: return SequenceGroupPlan.balanced(offsets: batch.offsets, threads: pool.threadCount)
        case .rowBlocks, .intraOp: return nil
        }
    }

    /// The forward pass with whole sequences per thread: each pool thread claims groups of
    /// sequences and takes each through every layer, attention included, in blocks of at most
    /// `ForwardPlan.maximumBlockRows` rows, with its own workspace and attention scratch. The
    /// threads meet only when the last group is done.
    private func forwardInGroups(_ batch: PackedBatch, plan: SequenceGroupPlan, arena: ScratchArena) -> [Float] {
        let tokens = batch.tokenCount
        let workers = min(pool.threadCount, plan.groups.count)
        let buffers = Buffers(
            arena: arena, tokens: tokens, config: config, workspaceCount: workers,
            blockRows: min(ForwardPlan.maximumBlockRows, tokens), headMajor: headMajorQKV)
        let positions = batch.positions
        let longest = batch.longestSequence
        let nextGroup = Atomic<Int>(0)
        pool.parallelFor(workers) { slot in
            let workspace = buffers.workspaces[slot]
            Attention.withScratch(length: longest, headDimension: config.headDimension) { scratch in
                while true {
                    let index = nextGroup.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard index < plan.groups.count else { return }
                    let group = plan.groups[index]
                    let rows = batch.offsets[group.lowerBound]..<batch.offsets[group.upperBound]
                    let blocks = ForwardPlan(tokens: rows.count, threads: 1)
                    let blockRows = (0..<blocks.blockCount).map { block in
                        let local = blocks.rows(ofBlock: block, tokens: rows.count)
                        return (rows.lowerBound + local.lowerBound)..<(rows.lowerBound + local.upperBound)
                    }
                    for block in blockRows {
                        startLayers(
                            batch, positions: positions, rows: block, buffers: buffers, workspace: workspace,
                            pool: nil, recorder: nil)
                    }
                    for layer in weights.layers.indices {
                        for sequence in group {
                            for head in 0..<config.heads {
                                let next =
                                    head + 1 < config.heads
                                    ? (sequence, head + 1) : sequence + 1 < group.upperBound ? (sequence + 1, 0) : nil
                                attendHead(
                                    batch.range(of: sequence), head: head, qkv: buffers.qkv,
                                    context: buffers.context, scratch: scratch,
                                    next: next.map { (batch.range(of: $0.0), $0.1) })
                            }
                        }
                        for block in blockRows {
                            finishLayer(
                                layer, rows: block, buffers: buffers, workspace: workspace, pool: nil,
                                recorder: nil)
                        }
                    }
                }
            }
        }
        return pooled(batch, hidden: buffers.hidden)
    }

    /// Embeddings, their layer norm and the first layer's QKV projection of `rows`.
    private func startLayers(
        _ batch: PackedBatch, positions: [Int], rows: Range<Int>, buffers: Buffers,
        workspace: BlockWorkspace, pool: ComputePool?, recorder: ActivationRangeRecorder?
    ) {
        embedTokens(batch.tokenIds, positions: positions, rows: rows, into: buffers.hidden)
        if recorder == nil {
            weights.layers[0].qkv.applyNormalized(
                buffers.hidden + rows.lowerBound * config.hidden, rows: rows.count, norm: weights.embeddingNorm,
                epsilon: Float(config.layerNormEps),
                output: buffers.qkv.projectionRow(rows.lowerBound), outputLayout: buffers.qkv.layout,
                scratch: workspace.linear, pool: pool)
            return
        }
        normalize(buffers.hidden, rows: rows, norm: weights.embeddingNorm, pool: pool)
        project(
            weights.layers[0].qkv, site: LinearSite(layer: 0, role: .attentionQKV), input: buffers.hidden,
            rows: rows, output: buffers.qkv.base, workspace: workspace, pool: pool, recorder: recorder)
    }

    /// The mean-pooled (and, as the manifest says, L2-normalized) embedding of every sequence, flat.
    private func pooled(_ batch: PackedBatch, hidden: UnsafeMutablePointer<Float>) -> [Float] {
        var pooled = [Float](repeating: 0, count: batch.count * config.hidden)
        pooled.withUnsafeMutableBufferPointer { rows in
            for sequence in 0..<batch.count {
                meanPool(batch.range(of: sequence), hidden: hidden, into: rows.baseAddress! + sequence * config.hidden)
            }
        }
        return pooled
    }

    /// Runs `body` over the plan's blocks: pipelined, each pool thread claims whole blocks and
    /// runs them with its own workspace and no pool (`nil`); otherwise one block of every token
    /// runs on this thread and its operations split over the pool.
    private func forEachBlock(
        _ plan: ForwardPlan, tokens: Int, workspaces: [BlockWorkspace],
        _ body: (Range<Int>, BlockWorkspace, ComputePool?) -> Void
    ) {
        guard plan.pipelined else {
            body(0..<tokens, workspaces[0], pool)
            return
        }
        let nextBlock = Atomic<Int>(0)
        pool.parallelFor(workspaces.count) { slot in
            while true {
                let block = nextBlock.wrappingAdd(1, ordering: .relaxed).oldValue
                guard block < plan.blockCount else { return }
                body(plan.rows(ofBlock: block, tokens: tokens), workspaces[slot], nil)
            }
        }
    }

    /// Everything after attention for `rows`: attention-output projection added to the residual
    /// and layer norm, feed-forward (up with GELU, down added to the residual) and layer norm, into
    /// `hidden`; then the next layer's QKV projection, if there is one.
    private func finishLayer(
        _ index: Int, rows: Range<Int>, buffers: Buffers, workspace: BlockWorkspace,
        pool: ComputePool?, recorder: ActivationRangeRecorder?
    ) {
        let layer = weights.layers[index]
        let width = config.intermediate
        project(
            layer.attentionOutput, site: LinearSite(layer: index, role: .attentionOutput), input: buffers.context,
            rows: rows, output: buffers.hidden, epilogue: .accumulate, workspace: workspace, pool: pool,
            recorder: recorder)
        if recorder == nil {
            finishLayerFused(index, rows: rows, buffers: buffers, workspace: workspace, pool: pool)
            return
        }
        normalize(buffers.hidden, rows: rows, norm: layer.attentionNorm, pool: pool)
        let inner = workspace.inner - rows.lowerBound * width
        project(
            layer.ffnUp, site: LinearSite(layer: index, role: .ffnUp), input: buffers.hidden, rows: rows,
            output: inner, epilogue: .gelu, workspace: workspace, pool: pool, recorder: recorder)
        project(
            layer.ffnDown, site: LinearSite(layer: index, role: .ffnDown), input: inner, rows: rows,
            output: buffers.hidden, epilogue: .accumulate, workspace: workspace, pool: pool, recorder: recorder)
        normalize(buffers.hidden, rows: rows, norm: layer.ffnNorm, pool: pool)
        if index + 1 < weights.layers.count {
            project(
                weights.layers[index + 1].qkv, site: LinearSite(layer: index + 1, role: .attentionQKV),
                input: buffers.hidden, rows: rows, output: buffers.qkv.base, workspace: workspace, pool: pool,
                recorder: recorder)
        }
    }

    /// `finishLayer` after the attention-output projection, each layer norm fused with the
    /// quantization of the next projection's input and the GELU output quantized for the down
    /// projection as it is produced (`LinearLayer+Fused`): every activation is written once.
    private func finishLayerFused(
        _ index: Int, rows: Range<Int>, buffers: Buffers, workspace: BlockWorkspace, pool: ComputePool?
    ) {
        let layer = weights.layers[index]
        let hidden = buffers.hidden + rows.lowerBound * config.hidden
        let epsilon = Float(config.layerNormEps)
        layer.ffnUp.applyFeedForward(
            normalizing: hidden, rows: rows.count, norm: layer.attentionNorm, epsilon: epsilon, down: layer.ffnDown,
            inner: workspace.inner, innerQuantized: workspace.innerQuantized, scratch: workspace.linear, pool: pool)
        if index + 1 < weights.layers.count {
            weights.layers[index + 1].qkv.applyNormalized(
                hidden, rows: rows.count, norm: layer.ffnNorm, epsilon: epsilon,
                output: buffers.qkv.projectionRow(rows.lowerBound), outputLayout: buffers.qkv.layout,
                scratch: workspace.linear, pool: pool)
        } else {
            normalize(buffers.hidden, rows: rows, norm: layer.ffnNorm, pool: pool)
        }
    }

    /// `output[rows] = epilogue(layer(input[rows]))`; `input` and `output` are addressed by token
    /// row (a workspace buffer is passed shifted back by the block's first row).
    private func project(
        _ layer: LinearLayer, site: LinearSite, input: UnsafePointer<Float>, rows: Range<Int>,
        output: UnsafeMutablePointer<Float>, epilogue: GemmEpilogue = [], workspace: BlockWorkspace,
        pool: ComputePool?, recorder: ActivationRangeRecorder?
    ) {
        let source = input + rows.lowerBound * layer.inFeatures
        recorder?.observe(site, input: source, rows: rows.count, columns: layer.inFeatures)
        layer.apply(
            source, rows: rows.count, output: output + rows.lowerBound * layer.outFeatures, epilogue: epilogue,
            scratch: workspace.linear, pool: pool)
    }

    /// Word + position + token-type-0 embeddings of the tokens in `rows`; token `i` of a sequence
    /// takes position row `config.positionOffset + i`. The word rows, random reads in a table of
    /// megabytes, are prefetched a few tokens ahead (they were most of this function's time).
    private func embedTokens(
        _ tokenIds: [UInt32], positions: [Int], rows: Range<Int>,
        into output: UnsafeMutablePointer<Float>
    ) {
        let hidden = config.hidden
        let position = weights.positionEmbeddings.pointer + config.positionOffset * hidden
        let tokenType = weights.tokenTypeEmbedding.pointer
        let lookahead = 4
        for token in rows.prefix(lookahead) {
            weights.wordEmbeddings.prefetch(row: Int(tokenIds[token]), width: hidden)
        }
        for token in rows {
            if token + lookahead < rows.upperBound {
                weights.wordEmbeddings.prefetch(row: Int(tokenIds[token + lookahead]), width: hidden)
            }
            weights.wordEmbeddings.write(
                row: Int(tokenIds[token]), width: hidden, position: position + positions[token] * hidden,
                tokenType: tokenType, to: output + token * hidden)
        }
    }

    /// `hidden[rows] = LayerNorm(hidden[rows])`.
    private func normalize(
        _ hidden: UnsafeMutablePointer<Float>, rows: Range<Int>, norm: LayerNormWeights,
        pool: ComputePool?
    ) {
        let width = config.hidden
        let first = hidden + rows.lowerBound * width
        let epsilon = Float(config.layerNormEps)
        forEachRowChunk(rows.count, pool: pool) { chunk in
            FloatKernels.layerNorm(
                first + chunk.lowerBound * width, rows: chunk.count, cols: width,
                gamma: norm.gamma.pointer, beta: norm.beta.pointer, epsilon: epsilon)
        }
    }

    /// Mean of the sequence's token states into `output` (`hidden` floats), L2-normalized when the
    /// manifest says so.
    private func meanPool(
        _ range: Range<Int>, hidden: UnsafeMutablePointer<Float>, into output: UnsafeMutablePointer<Float>
    ) {
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
