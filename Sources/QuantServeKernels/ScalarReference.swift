import Foundation

/// Plain scalar twins of the kernels, written for clarity, not speed: the tests compare every
/// vectorized path against them.
public enum ScalarReference {
    /// `output[rows × outFeatures] = dequantize(quantize(input) · Wᵀ) + bias`, the contract of
    /// `Int8Linear.apply`: each row quantized by `ActivationQuantization` (to 65535 levels with
    /// `preciseActivations`), integer dot products,
    /// `fma(Float(dot - zeroPoint·Σw), rowScale·weightScale, bias)`. Every path must match it bit
    /// for bit. Then each of the `outliers` in order, `result = fma(input[m][channel], weight[n], result)`
    /// (the fp32 input row as given), then the `epilogue`: GELU in Double (the kernels' polynomial matches
    /// it within a tolerance), and `output += result` for `.accumulate` (bit for bit without GELU).
    public static func int8Linear(
        weights: [Int8], scales: [Float], bias: [Float]?, outFeatures: Int, inFeatures: Int,
        input: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>,
        preciseActivations: Bool = false, epilogue: GemmEpilogue = [], outliers: OutlierChannels? = nil
    ) {
        let k = inFeatures
        for m in 0..<rows {
            let row = input + m * k
            var lowest = Float.infinity
            var highest = -Float.infinity
            for i in 0..<k {
                lowest = min(lowest, row[i])
                highest = max(highest, row[i])
            }
            let quantization = ActivationQuantization(
                rowMinimum: k > 0 ? lowest : 0, rowMaximum: k > 0 ? highest : 0,
                maximumLevel: preciseActivations ? 65535 : 255)
            let quantized = (0..<k).map { Int64(quantization.quantize(row[$0])) }
            for n in 0..<outFeatures {
                var dot: Int64 = 0
                var weightSum: Int64 = 0
                for i in 0..<k {
                    dot += quantized[i] * Int64(weights[n * k + i])
                    weightSum += Int64(weights[n * k + i])
                }
                let exact = Float(dot - Int64(quantization.zeroPoint) * weightSum)
                let scale = quantization.scale * scales[n]
                var result = (bias?[n] ?? 0).addingProduct(exact, scale)
                for (index, channel) in (outliers?.channels ?? []).enumerated() {
                    result.addProduct(row[channel], outliers!.weights[index * outFeatures + n])
                }
                if epilogue.contains(.gelu) { gelu(&result, count: 1) }
                if epilogue.contains(.accumulate) { result = output[m * outFeatures + n] + result }
                output[m * outFeatures + n] = result
            }
        }
    }

    /// Softmax of one row in place, with the conventions of `FloatKernels.softmax`.
    public static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int) {
        guard count > 0 else { return }
        var highest = -Float.infinity
        for i in 0..<count { highest = max(highest, row[i]) }
        if highest == -.infinity {
            for i in 0..<count { row[i] = 0 }
            return
        }
        if highest == .infinity {
            let infinities = (0..<count).filter { row[$0] == .infinity }.count
            for i in 0..<count { row[i] = row[i] == .infinity ? 1 / Float(infinities) : 0 }
            return
        }
        var sum: Double = 0
        for i in 0..<count { sum += Foundation.exp(Double(row[i] - highest)) }
        for i in 0..<count { row[i] = Float(Foundation.exp(Double(row[i] - highest)) / sum) }
    }

    /// Layer normalization of each row, in place, accumulated in Double.
    public static func layerNorm(
        _ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float
    ) {
        for r in 0..<rows {
            let row = x + r * cols
            var mean: Double = 0
            for i in 0..<cols { mean += Double(row[i]) }
            mean /= Double(cols)
            var variance: Double = 0
            for i in 0..<cols { variance += (Double(row[i]) - mean) * (Double(row[i]) - mean) }
            variance /= Double(cols)
            let inverse = 1 / (variance + Double(epsilon)).squareRoot()
            for i in 0..<cols {
                row[i] = Float((Double(row[i]) - mean) * inverse * Double(gamma[i]) + Double(beta[i]))
            }
        }
    }

    /// GELU, exact erf form, in Double.
    public static func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let value = Double(x[i])
            x[i] = Float(0.5 * value * (1 + Foundation.erf(value / 2.0.squareRoot())))
        }
    }

    /// `x += y`, element-wise.
    public static func add(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { x[i] += y[i] }
    }

    /// `c = alpha · a · bᵀ` with the strides of `FloatKernels.matmulTransposedB`, accumulated in Double.
    public static func matmulTransposedB(
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int,
        m: Int, n: Int, k: Int, alpha: Float
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var acc: Double = 0
                for p in 0..<k { acc += Double(a[i * lda + p]) * Double(b[j * ldb + p]) }
                c[i * ldc + j] = Float(Double(alpha) * acc)
            }
        }
    }

    /// `c = a · b` with the strides of `FloatKernels.matmul`, accumulated in Double.
    public static func matmul(
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var acc: Double = 0
                for p in 0..<k { acc += Double(a[i * lda + p]) * Double(b[p * ldb + j]) }
                c[i * ldc + j] = Float(acc)
            }
        }
    }
}
