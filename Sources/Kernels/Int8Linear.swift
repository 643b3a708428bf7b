/// The int8 weights of one linear layer `y = x·Wᵀ + b` (W is outFeatures × inFeatures,
/// symmetric int8 with one scale per output channel), packed once for one kernel path.
/// Activations are quantized per row (per token), asymmetric u8, at run time.
public final class Int8Linear: Sendable {
    public let outFeatures: Int
    public let inFeatures: Int
    public let path: KernelPath
    let weights: [Int8]
    let scales: [Float]
    let bias: [Float]?

    public init(weights: [Int8], scales: [Float], bias: [Float]?, outFeatures: Int, inFeatures: Int,
                path: KernelPath = .selected) {
        precondition(weights.count == outFeatures * inFeatures && scales.count == outFeatures)
        precondition(bias == nil || bias!.count == outFeatures)
        self.weights = weights
        self.scales = scales
        self.bias = bias
        self.outFeatures = outFeatures
        self.inFeatures = inFeatures
        self.path = path
    }

    /// Bytes held by the packed weights, scales and bias.
    public var memoryBytes: Int { weights.count + 4 * scales.count + 4 * (bias?.count ?? 0) }

    /// `output[rows × outFeatures] = dequantize(quantize(input[rows × inFeatures]) · Wᵀ) + bias`.
    public func apply(_ input: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>,
                      pool: ComputePool? = nil) {
        // Stand-in scalar implementation: the kernels owner replaces it with the packed SIMD paths.
        let k = inFeatures
        for m in 0..<rows {
            let row = input + m * k
            var lo: Float = 0, hi: Float = 0
            for i in 0..<k { lo = min(lo, row[i]); hi = max(hi, row[i]) }
            let scale = hi > lo ? (hi - lo) / 255 : 1
            let zeroPoint = Int32((-lo / scale).rounded())
            var q = [Int32](repeating: 0, count: k)
            for i in 0..<k { q[i] = max(0, min(255, Int32((row[i] / scale).rounded()) + zeroPoint)) }
            for n in 0..<outFeatures {
                var acc: Int32 = 0
                for i in 0..<k { acc += (q[i] - zeroPoint) * Int32(weights[n * k + i]) }
                output[m * outFeatures + n] = Float(acc) * scale * scales[n] + (bias?[n] ?? 0)
            }
        }
    }
}
