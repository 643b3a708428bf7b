import QuantServeKernels
import Synchronization

extension BertEncoder {
    /// Self-attention of every sequence and head: `softmax(q·kᵀ / √d)·v` into `context`, by
    /// `Attention.head` with the kernel `AttentionKernel.selected` (fp32
    /// in models without int8 layers). Tasks (sequence, head) are claimed dynamically by
    /// `slots` workers, each with its own scratch for sequences of up to `longest` tokens; a
    /// worker claims its next task before computing the current one, so the kernel can fetch the
    /// next task's rows meanwhile.
    func attend(
        _ batch: PackedBatch, qkv: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>,
        slots: Int, longest: Int
    ) {
        let heads = config.heads
        let taskCount = batch.count * heads
        let nextTask = Atomic<Int>(0)
        pool.parallelFor(min(slots, taskCount)) { _ in
            Attention.withScratch(length: longest, headDimension: config.headDimension) { scratch in
                var task = nextTask.wrappingAdd(1, ordering: .relaxed).oldValue
                while task < taskCount {
                    let following = nextTask.wrappingAdd(1, ordering: .relaxed).oldValue
                    attendHead(
                        batch.range(of: task / heads), head: task % heads, qkv: qkv, context: context,
                        scratch: scratch,
                        next: following < taskCount ? (batch.range(of: following / heads), following % heads) : nil)
                    task = following
                }
            }
        }
    }

    /// Self-attention of one head over the tokens `range` of one sequence, on this thread, with
    /// `scratch` of `Attention.scratchFloats` floats for at least `range.count` tokens; `next` is
    /// the (tokens, head) this thread computes afterwards, if any.
    func attendHead(
        _ range: Range<Int>, head: Int, qkv: UnsafeMutablePointer<Float>,
        context: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
        next: (range: Range<Int>, head: Int)? = nil
    ) {
        let hidden = config.hidden
        let headSize = config.headDimension
        let stride = 3 * hidden
        func queries(_ range: Range<Int>, _ head: Int) -> UnsafePointer<Float> {
            UnsafePointer(qkv + range.lowerBound * stride + head * headSize)
        }
        func contextRows(_ range: Range<Int>, _ head: Int) -> UnsafeMutablePointer<Float> {
            context + range.lowerBound * hidden + head * headSize
        }
        let query = queries(range, head)
        Attention.head(
            query: query, key: query + hidden, value: query + 2 * hidden, inputStride: stride,
            context: contextRows(range, head),
            contextStride: hidden, length: range.count, headDimension: headSize,
            scale: 1 / Float(headSize).squareRoot(), scratch: scratch,
            kernel: bf16Attention ? AttentionKernel.selected : .fp32(.selected),
            next: next.map { (queries($0.range, $0.head), contextRows($0.range, $0.head), $0.range.count) })
    }
}
