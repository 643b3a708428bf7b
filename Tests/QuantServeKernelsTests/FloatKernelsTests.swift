import Foundation
import QuantServeKernels
import QuantServeSeededRandom
import QuantServeTestSupport
import Testing

/// The fp32 kernels against `ScalarReference` (which accumulates in Double), with named tolerances.
@Suite("FloatKernels")
struct FloatKernelsTests {
    /// exp: relative error of the vectorized exponential, in the normal range.
    static let expRelativeTolerance: Float = 3e-7
    /// erf of the selected path: absolute error, QS_ERF_MAX_ABS_ERROR of the C paths (the rational
    /// erf measures 1.89e-6; Abramowitz–Stegun 7.1.26 of the portable path 4.4e-7).
    static let erfAbsoluteTolerance: Float = 2e-6
    /// GELU: absolute error, scaled by max(1, |x|) (erf's error times |x|/2, plus rounding).
    static let geluAbsoluteTolerance: Float = 1.1e-6
    /// softmax: absolute error of probabilities (each at most 1).
    static let softmaxAbsoluteTolerance: Float = 1e-6
    /// layer norm: absolute error of outputs of magnitude around 1–10.
    static let layerNormAbsoluteTolerance: Float = 2e-5
    /// matmul: absolute error relative to Σ|a·b| over k.
    static let matmulRelativeTolerance: Float = 1e-6

    @Test("exp: relative error over [-87, 88], 0 below, +inf above, 1 at 0")
    func exp() {
        var values = stride(from: Float(-87.3), through: 88.3, by: 0.0137).map { $0 }
        var worst: Float = 0
        let inputs = values
        FloatKernels.exp(&values, count: values.count)
        for (x, y) in zip(inputs, values) {
            let exact = Foundation.exp(Double(x))
            worst = max(worst, Float(abs(Double(y) - exact) / exact))
        }
        print("exp: max relative error \(worst)")
        #expect(worst <= Self.expRelativeTolerance)
        var edges: [Float] = [-.infinity, -1000, -88, 0, 89, .infinity]
        FloatKernels.exp(&edges, count: edges.count)
        #expect(edges == [0, 0, 0, 1, .infinity, .infinity])
    }

    @Test("erf and GELU: absolute error against Double erf over [-10, 10]")
    func erfAndGelu() {
        let inputs = stride(from: Float(-10), through: 10, by: 0.000_37).map { $0 }
        var erfs = inputs
        FloatKernels.erf(&erfs, count: erfs.count)
        var gelus = inputs
        FloatKernels.gelu(&gelus, count: gelus.count)
        var erfWorst: Float = 0
        var geluWorst: Float = 0
        for (index, x) in inputs.enumerated() {
            let exactErf = Foundation.erf(Double(x))
            let exactGelu = 0.5 * Double(x) * (1 + Foundation.erf(Double(x) / 2.0.squareRoot()))
            erfWorst = max(erfWorst, Float(abs(Double(erfs[index]) - exactErf)))
            geluWorst = max(geluWorst, Float(abs(Double(gelus[index]) - exactGelu) / max(1, abs(Double(x)))))
        }
        print("erf: max absolute error \(erfWorst); GELU: max absolute error / max(1, |x|) \(geluWorst)")
        #expect(erfWorst <= Self.erfAbsoluteTolerance)
        #expect(geluWorst <= Self.geluAbsoluteTolerance)
    }

    @Test("GELU matches the reference at odd lengths (vector tail)", arguments: [1, 7, 9, 1537])
    func geluLengths(count: Int) {
        var generator = SeededGenerator(seed: UInt64(count))
        var values = [Float].random(count: count, in: -6...6, using: &generator)
        var expected = values
        FloatKernels.gelu(&values, count: count)
        ScalarReference.gelu(&expected, count: count)
        #expect(maxAbsoluteDifference(values, expected) <= 6 * Self.geluAbsoluteTolerance)
    }

    @Test("softmax: random rows of every length up to 70, huge logits, -inf masks", arguments: 1...70)
    func softmax(count: Int) {
        var generator = SeededGenerator(seed: UInt64(count) &* 31)
        let cases: [[Float]] = [
            .random(count: count, in: -10...10, using: &generator),
            .random(count: count, in: 1e30...3e38, using: &generator),  // huge logits
            (0..<count).map { $0 % 3 == 1 ? -.infinity : Float($0) * 0.3 },  // masked positions
            .random(count: count, in: -3e38 ... -1e30, using: &generator),
        ]
        for row in cases {
            var values = row
            var expected = row
            FloatKernels.softmax(&values, count: count)
            ScalarReference.softmax(&expected, count: count)
            #expect(values.allSatisfy { $0.isFinite })
            #expect(maxAbsoluteDifference(values, expected) <= Self.softmaxAbsoluteTolerance)
            #expect(abs(values.reduce(0, +) - 1) <= 1e-5)
        }
    }

    @Test("softmax: a fully masked row becomes zeros; +inf logits share the mass")
    func softmaxNonFinite() {
        var masked = [Float](repeating: -.infinity, count: 13)
        FloatKernels.softmax(&masked, count: 13)
        #expect(masked == [Float](repeating: 0, count: 13))
        var infinite: [Float] = [1, .infinity, -.infinity, .infinity, 3, 4, 5, 6, 7, 8]
        FloatKernels.softmax(&infinite, count: infinite.count)
        #expect(infinite == [0, 0.5, 0, 0.5, 0, 0, 0, 0, 0, 0])
    }

    @Test("layer norm matches the reference, large mean included", arguments: [1, 5, 8, 37, 384])
    func layerNorm(cols: Int) {
        var generator = SeededGenerator(seed: UInt64(cols))
        let rows = 3
        let gamma = [Float].random(count: cols, in: 0.5...2, using: &generator)
        let beta = [Float].random(count: cols, in: -1...1, using: &generator)
        var values = [Float].random(count: rows * cols, in: -3...3, using: &generator)
        for i in 0..<cols { values[2 * cols + i] += 1000 }  // a row far from 0
        var expected = values
        FloatKernels.layerNorm(&values, rows: rows, cols: cols, gamma: gamma, beta: beta, epsilon: 1e-12)
        ScalarReference.layerNorm(&expected, rows: rows, cols: cols, gamma: gamma, beta: beta, epsilon: 1e-12)
        #expect(maxAbsoluteDifference(values, expected) <= Self.layerNormAbsoluteTolerance * (cols == 1 ? 1 : 10))
    }

    @Test("add matches element-wise addition", arguments: [0, 1, 8, 13, 384])
    func add(count: Int) {
        var generator = SeededGenerator(seed: 3)
        var x = [Float].random(count: count, in: -5...5, using: &generator)
        let y = [Float].random(count: count, in: -5...5, using: &generator)
        var expected = x
        FloatKernels.add(&x, y, count: count)
        ScalarReference.add(&expected, y, count: count)
        #expect(x == expected)
    }

    /// (m, n, k) for attention: head dim 32, sequence lengths from 1 to 256, odd ones included.
    static let matmulShapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 32), (3, 5, 32), (7, 9, 32), (13, 17, 1), (33, 31, 32), (128, 128, 32), (5, 32, 256), (17, 32, 129),
        (256, 256, 32), (256, 32, 256), (4, 8, 0),
    ]

    @Test("matmulTransposedB (scores) matches the reference, strided, with alpha")
    func matmulTransposedB() {
        var generator = SeededGenerator(seed: 11)
        for shape in Self.matmulShapes {
            let (m, n, k) = shape
            let lda = k + 3
            let ldb = k + 5
            let ldc = n + 2
            let a = [Float].random(count: m * lda, in: -2...2, using: &generator)
            let b = [Float].random(count: n * ldb, in: -2...2, using: &generator)
            var c = [Float](repeating: .nan, count: m * ldc)
            var expected = c
            FloatKernels.matmulTransposedB(a, lda: lda, b, ldb: ldb, &c, ldc: ldc, m: m, n: n, k: k, alpha: 0.125)
            ScalarReference.matmulTransposedB(
                a, lda: lda, b, ldb: ldb, &expected, ldc: ldc, m: m, n: n, k: k, alpha: 0.125)
            Self.expectClose(c, expected, m: m, n: n, ldc: ldc, bound: 0.125 * 4 * Float(max(k, 1)), shape: "\(shape)")
        }
    }

    @Test("matmul (context) matches the reference, strided")
    func matmul() {
        var generator = SeededGenerator(seed: 12)
        for shape in Self.matmulShapes {
            let (m, n, k) = shape
            let lda = k + 1
            let ldb = n + 7
            let ldc = n + 3
            let a = [Float].random(count: m * lda, in: -2...2, using: &generator)
            let b = [Float].random(count: max(k, 1) * ldb, in: -2...2, using: &generator)
            var c = [Float](repeating: .nan, count: m * ldc)
            var expected = c
            FloatKernels.matmul(a, lda: lda, b, ldb: ldb, &c, ldc: ldc, m: m, n: n, k: k)
            ScalarReference.matmul(a, lda: lda, b, ldb: ldb, &expected, ldc: ldc, m: m, n: n, k: k)
            Self.expectClose(c, expected, m: m, n: n, ldc: ldc, bound: 4 * Float(max(k, 1)), shape: "\(shape)")
        }
    }

    /// Compares the m × n results; the gaps between rows (beyond n) must stay untouched (NaN).
    static func expectClose(_ c: [Float], _ expected: [Float], m: Int, n: Int, ldc: Int, bound: Float, shape: String) {
        var worst: Float = 0
        var touchedGap = false
        for i in 0..<m {
            for j in 0..<ldc {
                if j < n {
                    worst = max(worst, abs(c[i * ldc + j] - expected[i * ldc + j]))
                } else if !c[i * ldc + j].isNaN {
                    touchedGap = true
                }
            }
        }
        #expect(worst <= matmulRelativeTolerance * bound, "\(shape): max |Δ| \(worst)")
        #expect(!touchedGap, "\(shape): wrote beyond n")
    }
}
