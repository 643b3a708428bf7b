import Kernels
import Synchronization

extension BertEncoder {
    /// Self-attention of every sequence and head: `softmax(q·kᵀ / √d)·v` into `context`.
    /// Tasks (sequence, head) are claimed dynamically by `slots` workers, each with its own score matrix.
    func attend(_ batch: PackedBatch, qkv: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>,
                scores: UnsafeMutablePointer<Float>, slots: Int, longest: Int) {
        let hidden = config.hidden
        let heads = config.heads
        let headSize = config.headDimension
        let stride = 3 * hidden
        let scale = 1 / Float(headSize).squareRoot()
        let taskCount = batch.count * heads
        let nextTask = Atomic<Int>(0)
        pool.parallelFor(min(slots, taskCount)) { slot in
            let matrix = scores + slot * longest * longest
            while true {
                let task = nextTask.wrappingAdd(1, ordering: .relaxed).oldValue
                guard task < taskCount else { return }
                let range = batch.range(of: task / heads)
                let length = range.count
                let head = task % heads
                let query = UnsafePointer(qkv + range.lowerBound * stride + head * headSize)
                let key = query + hidden
                let value = query + 2 * hidden
                FloatKernels.matmulTransposedB(query, lda: stride, key, ldb: stride, matrix, ldc: length,
                                               m: length, n: length, k: headSize, alpha: scale)
                for row in 0..<length { FloatKernels.softmax(matrix + row * length, count: length) }
                FloatKernels.matmul(matrix, lda: length, value, ldb: stride,
                                    context + range.lowerBound * hidden + head * headSize, ldc: hidden,
                                    m: length, n: headSize, k: length)
            }
        }
    }
}
