import QuantServeSeededRandom
import QuantServeTestSupport
import Testing

@testable import QuantServeKernels

/// The pre-quantized API (`QuantizedActivations`, `Int8Linear.quantize` and
/// `apply(quantized:...)`) and the fused epilogues, on every path this CPU runs, against
/// `ScalarReference.int8Linear`.
@Suite("Int8Linear epilogues and pre-quantized activations")
struct Int8LinearEpilogueTests {
    /// GELU is a rational function in the kernels and Double `erf` in the reference: allowed |Δ| per
    /// output is this times (1 + |pre-activation| + |residual|). erf's rational function is within
    /// 2e-6 absolute (QS_ERF_MAX_ABS_ERROR; the portable path's 4.4e-7), and GELU multiplies it
    /// by |x|/2; the rest is float rounding.
    static let geluTolerance: Float = 1.2e-6

    static let epilogues: [GemmEpilogue] = [[], .accumulate, .gelu, [.gelu, .accumulate]]

    /// A random layer and input, run through `quantize` + `apply(quantized:)` with `epilogue`
    /// on top of a random residual, compared with the reference.
    static func check(
        kernel: GemmKernel, path: KernelPath, m: Int, n: Int, k: Int, epilogue: GemmEpilogue,
        precise: Bool, pool: ComputePool?, seed: UInt64,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var generator = SeededGenerator(seed: seed)
        let weights = [Int8].random(count: n * k, using: &generator)
        let scales = [Float].random(count: n, in: 0.001...0.05, using: &generator)
        let bias = [Float].random(count: n, in: -1...1, using: &generator)
        let input = [Float].random(count: m * k, in: -4...6, using: &generator)
        let residual = [Float].random(count: m * n, in: -3...3, using: &generator)
        let layer = Int8Linear(
            weights: weights, scales: scales, bias: bias, outFeatures: n, inFeatures: k,
            kernel: kernel, path: path)
        let activations = QuantizedActivations()
        layer.quantize(input, rows: m, into: activations, precise: precise, pool: pool)
        var output = residual
        layer.apply(quantized: activations, output: &output, epilogue: epilogue, pool: pool)

        var expected = residual
        ScalarReference.int8Linear(
            weights: weights, scales: scales, bias: bias, outFeatures: n, inFeatures: k,
            input: input, rows: m, output: &expected, preciseActivations: precise,
            epilogue: epilogue)
        let label = "\(kernel) \(epilogue.rawValue)\(precise ? " precise" : "") M=\(m) N=\(n) K=\(k)"
        if !epilogue.contains(.gelu) {
            let mismatches = zip(output, expected).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(mismatches == 0, "\(label): \(mismatches) differ", sourceLocation: sourceLocation)
            return
        }
        var plain = [Float](repeating: 0, count: m * n)
        ScalarReference.int8Linear(
            weights: weights, scales: scales, bias: bias, outFeatures: n, inFeatures: k,
            input: input, rows: m, output: &plain, preciseActivations: precise)
        let accumulated = epilogue.contains(.accumulate)
        let outside = (0..<(m * n)).filter { index in
            let allowed = geluTolerance * (1 + abs(plain[index]) + (accumulated ? abs(residual[index]) : 0))
            return !(abs(output[index] - expected[index]) <= allowed)
        }
        #expect(
            outside.isEmpty,
            "\(label): \(outside.count) outside the tolerance, max |Δ| \(maxAbsoluteDifference(output, expected))",
            sourceLocation: sourceLocation)
    }

    @Test(
        "every epilogue on every runnable path, 8-bit and precise, with and without a pool",
        arguments: [(1, 1, 1), (3, 17, 63), (17, 65, 3), (9, 100, 384), (20, 384, 130), (2, 1537, 5)])
    func epiloguesMatchReference(m: Int, n: Int, k: Int) {
        let pool = ComputePool(threads: 2)
        for (kernel, path) in Int8LinearTests.runnableKernels {
            for (index, epilogue) in Self.epilogues.enumerated() {
                for precise in [false, true] {
                    Self.check(
                        kernel: kernel, path: path, m: m, n: n, k: k, epilogue: epilogue, precise: precise,
                        pool: index % 2 == 0 ? pool : nil, seed: UInt64(m * 1000 + n + index))
                }
            }
        }
    }

    @Test("GELU covers the whole curve: large negative, around 0, large positive pre-activations")
    func geluRange() {
        // Scales large enough that the pre-activations span about -40...40.
        let problem = RandomLayerProblem(m: 11, n: 70, k: 64, seed: 5, scales: 0.01...0.2, input: -2...2)
        let plain = problem.reference()
        let expected = problem.reference(epilogue: .gelu)
        #expect(plain.min()! < -20 && plain.max()! > 20, "the range is covered")
        for (kernel, path) in Int8LinearTests.runnableKernels {
            let layer = problem.layer(kernel, path)
            let activations = QuantizedActivations()
            layer.quantize(problem.input, rows: problem.m, into: activations)
            var output = [Float](repeating: 0, count: problem.m * problem.n)
            layer.apply(quantized: activations, output: &output, epilogue: .gelu)
            let outside = output.indices.filter {
                !(abs(output[$0] - expected[$0]) <= Self.geluTolerance * (1 + abs(plain[$0])))
            }
            #expect(outside.isEmpty, "\(kernel): max |Δ| \(maxAbsoluteDifference(output, expected))")
        }
    }

    @Test("a row range writes only its rows, at the output stride, leaving the rest untouched")
    func rowRangeAndStride() {
        let pool = ComputePool(threads: 2)
        let problem = RandomLayerProblem(m: 37, n: 45, k: 70, seed: 11)
        let (m, n, stride) = (problem.m, problem.n, 52)
        let expected = problem.reference()
        for (kernel, path) in Int8LinearTests.runnableKernels {
            let layer = problem.layer(kernel, path)
            let activations = QuantizedActivations()
            layer.quantize(problem.input, rows: m, into: activations)
            for (rows, usePool) in [(5..<23, false), (9..<37, true), (0..<1, false)] {
                var output = [Float](repeating: .infinity, count: m * stride)
                layer.apply(
                    quantized: activations, rows: rows, output: &output, outputLayout: .rowMajor(stride: stride),
                    pool: usePool ? pool : nil)
                for row in 0..<m {
                    for column in 0..<stride {
                        let value = output[row * stride + column]
                        if rows.contains(row) && column < n {
                            #expect(value.bitPattern == expected[row * n + column].bitPattern, "\(kernel) row \(row)")
                        } else {
                            #expect(value == .infinity, "\(kernel) wrote outside its rows: row \(row) column \(column)")
                        }
                    }
                }
            }
        }
    }

    @Test("one QuantizedActivations reused across layers of other widths, row counts and modes")
    func reuseAcrossLayers() {
        let activations = QuantizedActivations(reservingRows: 4, features: 8)
        for (index, (m, n, k, precise)) in [
            (3, 20, 17, false), (40, 33, 1537, true), (2, 20, 17, false), (70, 9, 384, false),
        ].enumerated() {
            let problem = RandomLayerProblem(m: m, n: n, k: k, seed: UInt64(23 + index))
            let layer = Int8Linear(
                weights: problem.weights, scales: problem.scales, bias: nil, outFeatures: n, inFeatures: k)
            layer.quantize(problem.input, rows: m, into: activations, precise: precise)
            #expect(activations.rows == m && activations.isPrecise == precise)
            var output = [Float](repeating: .nan, count: m * n)
            layer.apply(quantized: activations, output: &output)
            #expect(output.map(\.bitPattern) == problem.reference(precise: precise).map(\.bitPattern), "M=\(m) K=\(k)")
        }
    }

    @Test("a SmoothQuant multiplier quantizes input ⊙ multiplier, bit for bit, on every runnable path")
    func multiplier() {
        let problem = RandomLayerProblem(m: 13, n: 40, k: 389, seed: 41)
        var generator = SeededGenerator(seed: 42)
        let factors = [Float].random(count: problem.k, in: 0.2...5, using: &generator)
        let expected = problem.reference(
            input: problem.input.indices.map { problem.input[$0] * factors[$0 % problem.k] })
        for (kernel, path) in Int8LinearTests.runnableKernels {
            let layer = problem.layer(kernel, path)
            let activations = QuantizedActivations()
            layer.quantize(problem.input, rows: problem.m, into: activations, multiplier: factors)
            var output = [Float](repeating: .nan, count: problem.m * problem.n)
            layer.apply(quantized: activations, output: &output)
            #expect(output.map(\.bitPattern) == expected.map(\.bitPattern), "\(kernel)")
        }
    }
}

/// A random layer (no bias) and input of one shape, with the reference result.
struct RandomLayerProblem {
    let m: Int, n: Int, k: Int
    let weights: [Int8]
    let scales: [Float]
    let input: [Float]

    init(
        m: Int, n: Int, k: Int, seed: UInt64, scales scaleRange: ClosedRange<Float> = 0.001...0.05,
        input inputRange: ClosedRange<Float> = -3...3
    ) {
        var generator = SeededGenerator(seed: seed)
        (self.m, self.n, self.k) = (m, n, k)
        weights = [Int8].random(count: n * k, using: &generator)
        scales = [Float].random(count: n, in: scaleRange, using: &generator)
        input = [Float].random(count: m * k, in: inputRange, using: &generator)
    }

    /// The layer packed for `kernel`.
    func layer(_ kernel: GemmKernel, _ path: KernelPath) -> Int8Linear {
        Int8Linear(
            weights: weights, scales: scales, bias: nil, outFeatures: n, inFeatures: k, kernel: kernel, path: path)
    }

    /// `ScalarReference.int8Linear` of `input` (this problem's by default), M × N.
    func reference(input other: [Float]? = nil, precise: Bool = false, epilogue: GemmEpilogue = []) -> [Float] {
        var output = [Float](repeating: 0, count: m * n)
        ScalarReference.int8Linear(
            weights: weights, scales: scales, bias: nil, outFeatures: n, inFeatures: k,
            input: other ?? input, rows: m, output: &output, preciseActivations: precise,
            epilogue: epilogue)
        return output
    }
}
