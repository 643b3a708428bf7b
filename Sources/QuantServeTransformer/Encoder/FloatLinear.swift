import QuantServeKernels

/// A linear layer `y = x·Wᵀ + b` kept in fp32 (W is outFeatures × inFeatures, row-major).
final class FloatLinear: Sendable {
    let outFeatures: Int
    let inFeatures: Int
    private let weights: WeightBuffer
    private let bias: WeightBuffer

    init(weights: [Float], bias: [Float], outFeatures: Int, inFeatures: Int) {
        precondition(weights.count == outFeatures * inFeatures && bias.count == outFeatures)
        self.weights = WeightBuffer(weights)
        self.bias = WeightBuffer(bias)
        self.outFeatures = outFeatures
        self.inFeatures = inFeatures
    }

    var memoryBytes: Int { weights.memoryBytes + bias.memoryBytes }

    /// `output[rows × outFeatures] = input[rows × inFeatures] · Wᵀ + b`; blocks of output columns
    /// run in parallel (on `pool`, else on this thread), so each row's result does not depend on the other rows.
    func apply(_ input: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>, pool: ComputePool?) {
        let columnBlock = 64
        let blocks = (outFeatures + columnBlock - 1) / columnBlock
        let body = { [self] (block: Int) in
            let first = block * columnBlock
            let width = min(columnBlock, outFeatures - first)
            FloatKernels.matmulTransposedB(
                input, lda: inFeatures, weights.pointer + first * inFeatures, ldb: inFeatures,
                output + first, ldc: outFeatures, m: rows, n: width, k: inFeatures, alpha: 1)
            for row in 0..<rows {
                FloatKernels.add(output + row * outFeatures + first, bias.pointer + first, count: width)
            }
        }
        if let pool {
            pool.parallelFor(blocks, body)
        } else {
            for block in 0..<blocks { body(block) }
        }
    }
}
