import QuantServeKernels
import Synchronization

extension BertEncoder {
    /// Self-attention of every sequence and head: `softmax(q·kᵀ / √d)·v` into `context`, by
    /// `Attention.head` with the kernel `AttentionKernel.selected(length:)` picks per sequence (fp32
    /// in models without int8 layers). Tasks (sequence, head) are claimed dynamically by
    /// `slots` workers, each with its own scratch for sequences of up to `longest` tokens.
    func attend(
        _ batch: PackedBatch, qkv: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>,
        slots: Int, longest: Int
    ) {
        let heads = config.heads
        let taskCount = batch.count * heads
        let nextTask = Atomic<Int>(0)
        pool.parallelFor(min(slots, taskCount)) { _ in
            Attention.withScratch(length: longest, headDimension: config.headDimension) { scratch in
                while true {
                    let task = nextTask.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard task < taskCount else { return }
                    attendHead(
                        batch.range(of: task / heads), head: task % heads, qkv: qkv, context: context,
                        scratch: scratch)
                }
            }
        }
    }

    /// Self-attention of one head over the tokens `range` of one sequence, on this thread, with
    /// `scratch` of `Attention.scratchFloats` floats for at least `range.count` tokens.
    func attendHead(
        _ range: Range<Int>, head: Int, qkv: UnsafeMutablePointer<Float>,
        context: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
    ) {
        let hidden = config.hidden
        let headSize = config.headDimension
        let stride = 3 * hidden
        let query = UnsafePointer(qkv + range.lowerBound * stride + head * headSize)
        Attention.head(
            query: query, key: query + hidden, value: query + 2 * hidden, inputStride: stride,
            context: context + range.lowerBound * hidden + head * headSize,
            contextStride: hidden, length: range.count, headDimension: headSize,
            scale: 1 / Float(headSize).squareRoot(), scratch: scratch,
            kernel: bf16Attention ? AttentionKernel.selected(length: range.count) : .fp32(.selected))
    }
}
