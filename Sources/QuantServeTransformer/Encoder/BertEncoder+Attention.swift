import QuantServeKernels
import Synchronization

extension BertEncoder {
    /// Self-attention of every sequence and head: `softmax(q·kᵀ / √d)·v` into `context`, by
    /// `Attention.head` on the selected path. Tasks (sequence, head) are claimed dynamically by
    /// `slots` workers, each with its own scratch for sequences of up to `longest` tokens.
    func attend(_ batch: PackedBatch, qkv: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>,
                slots: Int, longest: Int) {
        let hidden = config.hidden
        let heads = config.heads
        let headSize = config.headDimension
        let stride = 3 * hidden
        let scale = 1 / Float(headSize).squareRoot()
        let taskCount = batch.count * heads
        let nextTask = Atomic<Int>(0)
        pool.parallelFor(min(slots, taskCount)) { _ in
            Attention.withScratch(length: longest, headDimension: headSize) { scratch in
                while true {
                    let task = nextTask.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard task < taskCount else { return }
                    let range = batch.range(of: task / heads)
                    let head = task % heads
                    let query = UnsafePointer(qkv + range.lowerBound * stride + head * headSize)
                    Attention.head(query: query, key: query + hidden, value: query + 2 * hidden, inputStride: stride,
                                   context: context + range.lowerBound * hidden + head * headSize,
                                   contextStride: hidden, length: range.count, headDimension: headSize,
                                   scale: scale, scratch: scratch)
                }
            }
        }
    }
}
