import QuantServeSeededRandom
import QuantServeTestSupport
import Testing

@testable import QuantServeKernels

/// The fp32 outlier channels that `Int8Linear` adds in its GEMM epilogue (`OutlierChannels`), on
/// every path this CPU runs, bit for bit against `ScalarReference.int8Linear`, and gathered the
/// same way by the fused quantizations.
@Suite("Int8Linear outlier channels")
struct Int8LinearOutlierTests {
    /// A random layer with `count` outlier channels (their int8 columns zero, as the quantizer
    /// stores them) and rows whose values at those channels are large, as outliers are.
    struct Problem {
        let m: Int, n: Int, k: Int
        let weights: [Int8], scales: [Float], bias: [Float], input: [Float], residual: [Float]
        let outliers: OutlierChannels?

        init(m: Int, n: Int, k: Int, count: Int, seed: UInt64) {
            var generator = SeededGenerator(seed: seed)
            (self.m, self.n, self.k) = (m, n, k)
            let channels = (0..<k).shuffled(using: &generator).prefix(count).sorted()
            var weights = [Int8].random(count: n * k, using: &generator)
            for row in 0..<n { for channel in channels { weights[row * k + channel] = 0 } }
            self.weights = weights
            scales = [Float].random(count: n, in: 0.001...0.05, using: &generator)
            bias = [Float].random(count: n, in: -1...1, using: &generator)
            var input = [Float].random(count: m * k, in: -4...6, using: &generator)
            for row in 0..<m {
                for channel in channels { input[row * k + channel] = Float.random(in: -60...60, using: &generator) }
            }
            self.input = input
            residual = [Float].random(count: m * n, in: -3...3, using: &generator)
            outliers =
                count == 0
                ? nil
                : OutlierChannels(
                    channels: channels, weights: [Float].random(count: count * n, in: -0.5...0.5, using: &generator),
                    outFeatures: n)
        }

        func layer(_ kernel: GemmKernel, _ path: KernelPath) -> Int8Linear {
            Int8Linear(
                weights: weights, scales: scales, bias: bias, outFeatures: n, inFeatures: k, outliers: outliers,
                kernel: kernel, path: path)
        }

        func reference(epilogue: GemmEpilogue, precise: Bool) -> [Float] {
            var expected = residual
            ScalarReference.int8Linear(
                weights: weights, scales: scales, bias: bias, outFeatures: n, inFeatures: k, input: input, rows: m,
                output: &expected, preciseActivations: precise, epilogue: epilogue, outliers: outliers)
            return expected
        }
    }

    @Test(
        "0 to 3 outlier channels, stored or accumulated, 8-bit and precise, partial tiles and panels",
        arguments: [(1, 1, 3), (3, 17, 63), (9, 100, 384), (17, 65, 5), (20, 384, 130), (2, 1537, 7), (8, 64, 64)])
    func epilogueMatchesReference(m: Int, n: Int, k: Int) {
        let pool = ComputePool(threads: 2)
        for (kernel, path) in Int8LinearTests.runnableKernels {
            for count in 0...3 {
                let problem = Problem(m: m, n: n, k: k, count: count, seed: UInt64(m * 7919 + n * 31 + k + count))
                let layer = problem.layer(kernel, path)
                for (index, epilogue) in [GemmEpilogue(), .accumulate].enumerated() {
                    for precise in [false, true] {
                        let activations = QuantizedActivations()
                        let usePool = (index + count) % 2 == 0
                        layer.quantize(
                            problem.input, rows: m, into: activations, precise: precise, pool: usePool ? pool : nil)
                        var output = problem.residual
                        layer.apply(
                            quantized: activations, output: &output, epilogue: epilogue, pool: usePool ? pool : nil)
                        let expected = problem.reference(epilogue: epilogue, precise: precise)
                        let mismatches = zip(output, expected).filter { $0.bitPattern != $1.bitPattern }.count
                        #expect(
                            mismatches == 0,
                            "\(kernel) \(count) outliers \(epilogue.rawValue)\(precise ? " precise" : "") M=\(m) N=\(n) K=\(k): \(mismatches) differ, max |Δ| \(maxAbsoluteDifference(output, expected))"
                        )
                    }
                }
            }
        }
    }

    @Test("the outlier channels change the result: without them it differs by their product")
    func outliersContribute() {
        let problem = Problem(m: 5, n: 40, k: 96, count: 2, seed: 3)
        let expected = problem.reference(epilogue: [], precise: false)
        let plain = Int8Linear(
            weights: problem.weights, scales: problem.scales, bias: problem.bias, outFeatures: problem.n,
            inFeatures: problem.k)
        var without = [Float](repeating: 0, count: problem.m * problem.n)
        plain.apply(problem.input, rows: problem.m, output: &without)
        let difference = maxAbsoluteDifference(without, expected)
        #expect(difference > 1, "the outlier product is large: max |Δ| \(difference)")
    }

    @Test("layer norm + quantize gathers the normalized outlier values, on every float path")
    func normalizeAndQuantizeGathers() {
        let problem = Problem(m: 19, n: 33, k: 384, count: 2, seed: 17)
        let gamma = [Float](repeating: 1.25, count: problem.k)
        let beta = [Float](repeating: 0.125, count: problem.k)
        let layer = problem.layer(GemmKernel(.selected), .selected)
        for path in FloatKernelPath.allCases where path.isSupported {
            var fusedInput = problem.input
            let fused = QuantizedActivations()
            layer.normalizeAndQuantize(
                &fusedInput, rows: problem.m, gamma: gamma, beta: beta, epsilon: 1e-12, into: fused, path: path)
            var normalized = problem.input
            FloatKernels.addLayerNorm(
                &normalized, residual: nil, rows: problem.m, cols: problem.k, gamma: gamma, beta: beta,
                epsilon: 1e-12, path: path)
            let separate = QuantizedActivations()
            layer.quantize(normalized, rows: problem.m, into: separate)
            #expect(fused.outlierChannels == problem.outliers!.channels)
            var fusedOutput = problem.residual
            var separateOutput = problem.residual
            layer.apply(quantized: fused, output: &fusedOutput, epilogue: .accumulate)
            layer.apply(quantized: separate, output: &separateOutput, epilogue: .accumulate)
            #expect(fusedOutput.map(\.bitPattern) == separateOutput.map(\.bitPattern), "\(path)")
        }
    }

    @Test("a GEMM quantizing its output for a layer with outlier channels gathers them per row block")
    func quantizingOutputGathers() {
        let down = Problem(m: 37, n: 24, k: 96, count: 2, seed: 29)
        let upProblem = RandomLayerProblem(m: 37, n: 96, k: 40, seed: 30)
        let up = upProblem.layer(GemmKernel(.selected), .selected)
        let downLayer = down.layer(GemmKernel(.selected), .selected)
        let input = QuantizedActivations()
        up.quantize(upProblem.input, rows: upProblem.m, into: input)

        var inner = [Float](repeating: 0, count: 37 * 96)
        let fused = QuantizedActivations()
        up.apply(quantized: input, output: &inner, quantizingOutputFor: downLayer, into: fused)
        var fusedOutput = down.residual
        downLayer.apply(quantized: fused, output: &fusedOutput, epilogue: .accumulate)

        var separateInner = [Float](repeating: 0, count: 37 * 96)
        up.apply(quantized: input, output: &separateInner)
        let separate = QuantizedActivations()
        downLayer.quantize(separateInner, rows: 37, into: separate)
        var separateOutput = down.residual
        downLayer.apply(quantized: separate, output: &separateOutput, epilogue: .accumulate)
        #expect(fusedOutput.map(\.bitPattern) == separateOutput.map(\.bitPattern))
    }
}
