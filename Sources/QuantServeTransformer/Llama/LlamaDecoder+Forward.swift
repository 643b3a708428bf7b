import Foundation
import QuantServeKernels
import Synchronization

/// The step's reusable buffers (grown to the largest batch seen, never shrunk).
final class LlamaStepScratch: @unchecked Sendable {
    let hidden = ScratchArena(), normed = ScratchArena(), qkv = ScratchArena(), context = ScratchArena()
    let gateUp = ScratchArena(), activation = ScratchArena(), rotation = ScratchArena(), logits = ScratchArena()
    let attention = ScratchArena()
    let quantized = QuantizedActivations()
    let blockQuantized = Q8BlockActivations()
}

extension LlamaDecoder {
    /// The whole network over the plan's packed tokens; the logits of each entry's last token.
    func forward(_ plan: LlamaStepPlan) -> [[Float]] {
        let configuration = model.configuration
        let tokens = plan.tokenCount
        let hiddenWidth = configuration.hidden
        let qkvWidth = configuration.qkvWidth
        let inner = configuration.intermediate
        let headDimension = configuration.headDimension
        let hidden = scratch.hidden.floats(tokens * hiddenWidth)
        let normed = scratch.normed.floats(tokens * hiddenWidth)
        let qkv = scratch.qkv.floats(tokens * qkvWidth)
        let context = scratch.context.floats(tokens * hiddenWidth)
        let gateUp = scratch.gateUp.floats(tokens * 2 * inner)
        let activation = scratch.activation.floats(tokens * inner)
        let rotation = scratch.rotation.floats(tokens * headDimension)
        let quantized = scratch.quantized

        embed(plan, into: hidden, rotation: rotation)
        let tasks = attentionTasks(plan)
        let longest = plan.entries.map { $0.firstPosition + $0.tokens.count }.max() ?? 1
        let taskScratch = PagedAttention.scratchFloats(length: longest) + 16
        let threads = pool?.threadCount ?? 1
        let attentionScratch = scratch.attention.floats(taskScratch * threads)

        let fourBit = tokens <= fourBitMaximumTokens ? model.fourBitBlocks : nil
        plan.blockTables.withUnsafeBufferPointer { tables in
            for (index, block) in model.blocks.enumerated() {
                let layer = cache.layer(index)
                let small = fourBit?[index]
                rmsNorm(hidden, rows: tokens, weight: block.attentionNorm, into: normed)
                project(normed, rows: tokens, block.qkv, small?.qkv, output: qkv)
                forEach(plan.entries.count) { entryIndex in
                    let entry = plan.entries[entryIndex]
                    PagedAttention.append(
                        qkv: qkv + entry.firstRow * qkvWidth, qkvStride: qkvWidth,
                        tokens: entry.tokens.count, queryHeads: configuration.heads,
                        rotation: rotation + entry.firstRow * headDimension,
                        firstPosition: entry.firstPosition,
                        blockTable: tables.baseAddress! + entry.tableOffset, layer: layer, path: floatPath)
                }
                attend(
                    tasks, plan: plan, qkv: qkv, context: context, tables: tables.baseAddress!, layer: layer,
                    scratch: attentionScratch, scratchStride: taskScratch)
                project(context, rows: tokens, block.attentionOutput, small?.attentionOutput, output: hidden, add: true)

                rmsNorm(hidden, rows: tokens, weight: block.ffnNorm, into: normed)
                project(normed, rows: tokens, block.gateUp, small?.gateUp, output: gateUp)
                swiGLU(gateUp, rows: tokens, inner: inner, into: activation)
                project(
                    activation, rows: tokens, block.down, small?.down, output: hidden, add: true,
                    precise: preciseDownProjection)
            }
        }

        // The last token of each entry: final norm, output head.
        let entries = plan.entries.count
        for (index, entry) in plan.entries.enumerated() {
            (normed + index * hiddenWidth).update(
                from: hidden + (entry.firstRow + entry.tokens.count - 1) * hiddenWidth,
                count: hiddenWidth)
        }
        rmsNorm(normed, rows: entries, weight: model.outputNorm, into: normed)
        let vocabulary = configuration.vocabularySize
        let logits = scratch.logits.floats(entries * vocabulary)
        model.outputHead.quantize(normed, rows: entries, into: quantized, pool: pool)
        model.outputHead.apply(quantized: quantized, output: logits, pool: pool)
        return (0..<entries).map { Array(UnsafeBufferPointer(start: logits + $0 * vocabulary, count: vocabulary)) }
    }

    /// `output (+)= input · Wᵀ` through the 4-bit layer when there is one, else the int8 layer
    /// (`precise`: 16-bit activations there, see `Int8Linear.quantize`).
    private func project(
        _ input: UnsafeMutablePointer<Float>, rows: Int, _ int8: Int8Linear, _ fourBit: Q4BlockLinear?,
        output: UnsafeMutablePointer<Float>, add: Bool = false, precise: Bool = false
    ) {
        if let fourBit {
            scratch.blockQuantized.quantize(input, rows: rows, features: fourBit.inFeatures)
            fourBit.apply(scratch.blockQuantized, output: output, accumulate: add, pool: pool)
        } else {
            int8.quantize(input, rows: rows, into: scratch.quantized, precise: precise, pool: pool)
            int8.apply(quantized: scratch.quantized, output: output, epilogue: add ? .accumulate : [], pool: pool)
        }
    }

    /// Each token's embedding row (int8 × scale) and its RoPE angles at its absolute position.
    private func embed(
        _ plan: LlamaStepPlan, into hidden: UnsafeMutablePointer<Float>, rotation: UnsafeMutablePointer<Float>
    ) {
        let width = model.configuration.hidden
        let dimension = model.configuration.headDimension
        let table = model.embedding
        for entry in plan.entries {
            for (offset, token) in entry.tokens.enumerated() {
                let row = entry.firstRow + offset
                let source = table.values + Int(token) * width
                let scale = table.scales.pointer[Int(token)]
                let target = hidden + row * width
                for column in 0..<width { target[column] = Float(source[column]) * scale }
                let position = Double(entry.firstPosition + offset)
                let angles = rotation + row * dimension
                for (pair, frequency) in inverseFrequencies.enumerated() {
                    let angle = position * frequency
                    angles[2 * pair] = Float(Foundation.cos(angle))
                    angles[2 * pair + 1] = Float(Foundation.sin(angle))
                }
            }
        }
    }

    /// One attention task: `tokens` query tokens of an entry, from its token `firstToken`, for one KV head.
    struct AttentionTask {
        let entry: Int
        let firstToken: Int
        let tokens: Int
        let kvHead: Int
    }

    private func attentionTasks(_ plan: LlamaStepPlan) -> [AttentionTask] {
        var tasks: [AttentionTask] = []
        let chunk = Self.attentionChunkTokens
        for (index, entry) in plan.entries.enumerated() {
            for first in stride(from: 0, to: entry.tokens.count, by: chunk) {
                for kvHead in 0..<model.configuration.kvHeads {
                    tasks.append(
                        AttentionTask(
                            entry: index, firstToken: first, tokens: min(chunk, entry.tokens.count - first),
                            kvHead: kvHead))
                }
            }
        }
        // Longest first, so a long prefill chunk does not start last.
        return tasks.sorted {
            plan.entries[$0.entry].firstPosition + $0.firstToken > plan.entries[$1.entry].firstPosition + $1.firstToken
        }
    }

    private func attend(
        _ tasks: [AttentionTask], plan: LlamaStepPlan, qkv: UnsafeMutablePointer<Float>,
        context: UnsafeMutablePointer<Float>, tables: UnsafePointer<Int32>, layer: PagedKVLayer,
        scratch: UnsafeMutablePointer<Float>, scratchStride: Int
    ) {
        let configuration = model.configuration
        let qkvWidth = configuration.qkvWidth
        let width = configuration.hidden
        let group = configuration.groupSize
        let dimension = configuration.headDimension
        let scale = 1 / Float(dimension).squareRoot()
        let path = floatPath
        // One scratch slice per thread: a task takes the slice of the worker it runs on.
        let slots = SlotAllocator(count: pool?.threadCount ?? 1)
        forEach(tasks.count) { index in
            let task = tasks[index]
            let entry = plan.entries[task.entry]
            let row = entry.firstRow + task.firstToken
            let columns = task.kvHead * group * dimension
            let slot = slots.take()
            defer { slots.give(slot) }
            PagedAttention.attend(
                query: qkv + row * qkvWidth + columns, queryStride: qkvWidth,
                context: context + row * width + columns, contextStride: width,
                tokens: task.tokens, heads: group, firstPosition: entry.firstPosition + task.firstToken,
                kvHead: task.kvHead, scale: scale, blockTable: tables + entry.tableOffset,
                layer: layer, scratch: scratch + slot * scratchStride, path: path)
        }
    }

    /// `output[r] = x[r] / sqrt(mean(x[r]²) + ε) · weight` for each row (output may be x).
    func rmsNorm(_ x: UnsafeMutablePointer<Float>, rows: Int, weight: [Float], into output: UnsafeMutablePointer<Float>)
    {
        let width = model.configuration.hidden
        let epsilon = model.configuration.rmsEpsilon
        weight.withUnsafeBufferPointer { gamma in
            let gamma = gamma.baseAddress!
            forEach(rows, minimumPerTask: 64) { row in
                let source = x + row * width
                let target = output + row * width
                var sum: Float = 0
                for column in 0..<width { sum += source[column] * source[column] }
                let inverse = 1 / (sum / Float(width) + epsilon).squareRoot()
                for column in 0..<width { target[column] = source[column] * inverse * gamma[column] }
            }
        }
    }

    /// `activation[r][j] = silu(gate[r][j]) · up[r][j]`, the gate and up halves side by side in each row.
    private func swiGLU(
        _ gateUp: UnsafeMutablePointer<Float>, rows: Int, inner: Int, into activation: UnsafeMutablePointer<Float>
    ) {
        let path = floatPath
        forEach(rows, minimumPerTask: 16) { row in
            let gate = gateUp + row * 2 * inner
            let up = gate + inner
            let target = activation + row * inner
            for column in 0..<inner { target[column] = -gate[column] }
            FloatKernels.exp(target, count: inner, path: path)
            for column in 0..<inner { target[column] = gate[column] / (1 + target[column]) * up[column] }
        }
    }

    /// Runs `body` for `0..<count` on the pool (in tasks of at least `minimumPerTask` indices), or inline.
    private func forEach(_ count: Int, minimumPerTask: Int = 1, _ body: (Int) -> Void) {
        guard let pool, pool.threadCount > 1, count >= 2 * minimumPerTask || (minimumPerTask == 1 && count > 1) else {
            for index in 0..<count { body(index) }
            return
        }
        let chunks = min(count / minimumPerTask, 4 * pool.threadCount)
        pool.parallelFor(chunks) { chunk in
            for index in (count * chunk / chunks)..<(count * (chunk + 1) / chunks) { body(index) }
        }
    }
}

/// Hands out the indices `0..<count` (one scratch slice each) to concurrent tasks, at most
/// `count` at a time: the pool runs no more tasks at once than it has threads.
final class SlotAllocator: Sendable {
    private let free: Mutex<[Int]>

    init(count: Int) {
        free = Mutex(Array((0..<count).reversed()))
    }

    func take() -> Int {
        free.withLock { slots in
            guard let slot = slots.popLast() else { preconditionFailure("more concurrent tasks than slots") }
            return slot
        }
    }

    func give(_ slot: Int) {
        free.withLock { $0.append(slot) }
    }
}
