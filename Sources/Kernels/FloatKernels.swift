import Foundation

/// fp32 kernels of a Transformer layer: softmax, layer norm, GELU, residual add and the
/// small matrix products of attention.
public enum FloatKernels {
    /// Numerically safe softmax of one row, in place.
    public static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int) {
        var hi = -Float.infinity
        for i in 0..<count { hi = max(hi, row[i]) }
        var sum: Float = 0
        for i in 0..<count { row[i] = expf(row[i] - hi); sum += row[i] }
        for i in 0..<count { row[i] /= sum }
    }

    /// Layer normalization of each row of `x[rows × cols]`, in place: `(x - mean) / sqrt(var + eps) * gamma + beta`.
    public static func layerNorm(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int,
                                 gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float) {
        for r in 0..<rows {
            let row = x + r * cols
            var mean: Float = 0
            for i in 0..<cols { mean += row[i] }
            mean /= Float(cols)
            var variance: Float = 0
            for i in 0..<cols { variance += (row[i] - mean) * (row[i] - mean) }
            variance /= Float(cols)
            let inv = 1 / (variance + epsilon).squareRoot()
            for i in 0..<cols { row[i] = (row[i] - mean) * inv * gamma[i] + beta[i] }
        }
    }

    /// GELU in its exact erf form, as BERT uses it, in place.
    public static func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { x[i] = 0.5 * x[i] * (1 + erff(x[i] / 2.0.squareRoot().asFloat)) }
    }

    /// `x += y`, element-wise.
    public static func add(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { x[i] += y[i] }
    }

    /// `c[m×n] (row stride ldc) = alpha · a[m×k] (stride lda) · b[n×k]ᵀ (stride ldb)`: attention scores.
    public static func matmulTransposedB(_ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                                         _ c: UnsafeMutablePointer<Float>, ldc: Int,
                                         m: Int, n: Int, k: Int, alpha: Float) {
        for i in 0..<m {
            for j in 0..<n {
                var acc: Float = 0
                for p in 0..<k { acc += a[i * lda + p] * b[j * ldb + p] }
                c[i * ldc + j] = alpha * acc
            }
        }
    }

    /// `c[m×n] (stride ldc) = a[m×k] (stride lda) · b[k×n] (stride ldb)`: attention context.
    public static func matmul(_ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                              _ c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int) {
        for i in 0..<m {
            for j in 0..<n { c[i * ldc + j] = 0 }
            for p in 0..<k {
                let av = a[i * lda + p]
                for j in 0..<n { c[i * ldc + j] += av * b[p * ldb + j] }
            }
        }
    }
}

extension Double {
    fileprivate var asFloat: Float { Float(self) }
}
