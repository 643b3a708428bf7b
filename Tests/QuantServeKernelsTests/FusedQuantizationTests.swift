import QuantServeSeededRandom
import QuantServeTestSupport
import Testing

@testable import QuantServeKernels

/// The fused quantizations of `Int8Linear+FusedQuantization`: add + layer norm → quantized input
/// (`normalizeAndQuantize`) and GEMM → quantized output (`apply(quantized:…quantizingOutputFor:…)`),
/// bit for bit against the unfused operations run one after the other on the same path, and the
/// C paths against the Swift twin (portable) within the stated tolerance.
@Suite("Fused activation quantization")
struct FusedQuantizationTests {
    /// What a `QuantizedActivations` holds: the kernel rows' bytes, the scales' bits, the zero points.
    struct Quantized: Equatable {
        var bytes: [UInt8]
        var scales: [UInt32]
        var zeroPoints: [Int32]

        init(_ activations: QuantizedActivations) {
            let count = activations.kernelRows * activations.kernelRowBytes
            bytes = Array(UnsafeRawBufferPointer(start: activations.base, count: count))
            scales = (0..<activations.rows).map { activations.scales[$0].bitPattern }
            zeroPoints = Array(UnsafeBufferPointer(start: activations.zeroPoints, count: activations.rows))
        }
    }

    static var floatPaths: [FloatKernelPath] { FloatKernelPath.allCases.filter(\.isSupported) }

    /// A layer of `k` inputs for the selected kernel path, with random rows, residual, gamma, beta
    /// and SmoothQuant multiplier.
    struct Problem {
        let rows: Int, k: Int
        let layer: Int8Linear
        let x: [Float], residual: [Float], gamma: [Float], beta: [Float], multiplier: [Float]

        init(rows: Int, k: Int, seed: UInt64) {
            var generator = SeededGenerator(seed: seed)
            (self.rows, self.k) = (rows, k)
            layer = Int8Linear(
                weights: [Int8].random(count: 5 * k, using: &generator),
                scales: [Float].random(count: 5, in: 0.01...0.02, using: &generator), bias: nil, outFeatures: 5,
                inFeatures: k)
            x = [Float].random(count: rows * k, in: -3...5, using: &generator)
            residual = [Float].random(count: rows * k, in: -2...2, using: &generator)
            gamma = [Float].random(count: k, in: 0.5...1.5, using: &generator)
            beta = [Float].random(count: k, in: -0.3...0.3, using: &generator)
            multiplier = [Float].random(count: k, in: 0.25...4, using: &generator)
        }

        /// The fused kernel's fp32 rows and quantized input on `path`.
        func fused(residual withResidual: Bool, multiplied: Bool, precise: Bool, path: FloatKernelPath)
            -> ([Float], Quantized)
        {
            var values = x
            let activations = QuantizedActivations()
            withOptionalPointers(withResidual, multiplied) { residual, multiplier in
                layer.normalizeAndQuantize(
                    &values, residual: residual, rows: rows, gamma: gamma, beta: beta, epsilon: 1e-12,
                    into: activations, precise: precise, multiplier: multiplier, path: path)
            }
            return (values, Quantized(activations))
        }

        /// The same two operations unfused: `FloatKernels.addLayerNorm`, then `ActivationQuantizer.quantize`.
        func unfused(residual withResidual: Bool, multiplied: Bool, precise: Bool, path: FloatKernelPath)
            -> ([Float], Quantized)
        {
            var values = x
            let activations = QuantizedActivations()
            activations.reshape(
                rows: rows, paddedFeatures: layer.paddedInFeatures, elementBytes: layer.kernel.activationBytes,
                precise: precise)
            withOptionalPointers(withResidual, multiplied) { residual, multiplier in
                FloatKernels.addLayerNorm(
                    &values, residual: residual, rows: rows, cols: k, gamma: gamma, beta: beta, epsilon: 1e-12,
                    path: path)
                ActivationQuantizer.quantize(
                    values, inFeatures: k, rows: 0..<rows, into: activations.base,
                    paddedFeatures: layer.paddedInFeatures, elementBytes: layer.kernel.activationBytes,
                    precise: precise, scales: activations.scales, zeroPoints: activations.zeroPoints,
                    multiplier: multiplier, path: path)
            }
            return (values, Quantized(activations))
        }

        private func withOptionalPointers(
            _ withResidual: Bool, _ multiplied: Bool,
            _ body: (UnsafePointer<Float>?, UnsafePointer<Float>?) -> Void
        ) {
            residual.withUnsafeBufferPointer { residual in
                multiplier.withUnsafeBufferPointer { multiplier in
                    body(withResidual ? residual.baseAddress : nil, multiplied ? multiplier.baseAddress : nil)
                }
            }
        }
    }

    @Test(
        "layer norm fused with quantization: the same bits as the two kernels on every path",
        arguments: [(1, 384), (7, 37), (9, 16), (3, 1)])
    func layerNormQuantizeMatchesUnfused(rows: Int, k: Int) {
        let problem = Problem(rows: rows, k: k, seed: UInt64(rows * 1000 + k))
        for path in Self.floatPaths {
            for (withResidual, multiplied, precise) in [
                (false, false, false), (true, false, false), (false, true, false), (true, true, true),
            ] {
                let fused = problem.fused(residual: withResidual, multiplied: multiplied, precise: precise, path: path)
                let unfused = problem.unfused(
                    residual: withResidual, multiplied: multiplied, precise: precise, path: path)
                let label =
                    "\(path) rows \(rows) k \(k) residual \(withResidual) multiplier \(multiplied) precise \(precise)"
                #expect(fused.0.map(\.bitPattern) == unfused.0.map(\.bitPattern), "\(label): fp32 rows differ")
                #expect(fused.1 == unfused.1, "\(label): quantized input differs")
            }
        }
    }

    @Test("the C paths of the fused layer norm against the Swift twin: fp32 within 2e-6, levels within 1")
    func layerNormQuantizeMatchesPortable() {
        let problem = Problem(rows: 6, k: 384, seed: 77)
        let twin = problem.fused(residual: true, multiplied: true, precise: false, path: .portable)
        for path in Self.floatPaths where path != .portable {
            let fused = problem.fused(residual: true, multiplied: true, precise: false, path: path)
            let largest = zip(fused.0, twin.0).map { abs($0 - $1) }.max() ?? 0
            #expect(largest <= 2e-6, "\(path): fp32 max |Δ| \(largest)")
            let levels = zip(fused.1.bytes, twin.1.bytes).map { abs(Int($0) - Int($1)) }.max() ?? 0
            #expect(levels <= 1, "\(path): levels differ by up to \(levels)")
            #expect(fused.1.zeroPoints.count == twin.1.zeroPoints.count)
        }
    }

    @Test("rows the GELU epilogue turns into zeros only, or into positive values only, quantize as unfused")
    func gemmQuantizingDegenerateRows() {
        let (k, n, rows) = (40, 70, 19)
        var generator = SeededGenerator(seed: 77)
        for (kernel, path) in Int8LinearTests.runnableKernels {
            let down = RandomLayerProblem(m: rows, n: 9, k: n, seed: 78).layer(kernel, path)
            for positive in [false, true] {
                // Bias -1000 makes every GELU exactly 0 (the range is [0, 0]); +1000 makes every value positive.
                let up = Int8Linear(
                    weights: [Int8].random(count: n * k, using: &generator),
                    scales: [Float](repeating: 0.01, count: n),
                    bias: [Float](repeating: positive ? 1000 : -1000, count: n),
                    outFeatures: n, inFeatures: k, kernel: kernel, path: path)
                let upInput = QuantizedActivations()
                let input = [Float].random(count: rows * k, in: -1...1, using: &generator)
                up.quantize(input, rows: rows, into: upInput)
                let factors = positive ? nil : [Float](repeating: 2, count: n)
                var fusedOutput = [Float](repeating: 0, count: rows * n)
                let fusedNext = QuantizedActivations()
                factors.withOptionalPointer { factors in
                    up.apply(
                        quantized: upInput, output: &fusedOutput, epilogue: .gelu, quantizingOutputFor: down,
                        into: fusedNext, multiplier: factors)
                }
                var output = [Float](repeating: 0, count: rows * n)
                up.apply(quantized: upInput, output: &output, epilogue: .gelu)
                let next = QuantizedActivations()
                factors.withOptionalPointer { factors in
                    down.quantize(output, rows: rows, into: next, multiplier: factors)
                }
                #expect(Quantized(fusedNext) == Quantized(next), "\(kernel) positive \(positive)")
            }
        }
    }

    @Test(
        "a GEMM whose output is quantized for the next layer as it is produced: the same bits as apply, then quantize",
        arguments: [(1, false), (16, false), (37, false), (37, true), (5, true)])
    func gemmQuantizingOutputMatchesUnfused(rows: Int, precise: Bool) {
        let (k, n) = (70, 150)
        var generator = SeededGenerator(seed: UInt64(rows + (precise ? 500 : 0)))
        let multiplier = [Float].random(count: n, in: 0.5...2, using: &generator)
        for (kernel, path) in Int8LinearTests.runnableKernels {
            let up = RandomLayerProblem(m: rows, n: n, k: k, seed: UInt64(rows)).layer(kernel, path)
            let down = RandomLayerProblem(m: rows, n: 9, k: n, seed: UInt64(rows + 1)).layer(kernel, path)
            let input = [Float].random(count: rows * k, in: -3...3, using: &generator)
            let activations = QuantizedActivations()
            up.quantize(input, rows: rows, into: activations, precise: precise)
            for epilogue in [GemmEpilogue.gelu, []] {
                for multiplied in [true, false] {
                    let factors = multiplied ? multiplier : nil
                    var fusedOutput = [Float](repeating: 0, count: rows * n)
                    let fusedNext = QuantizedActivations()
                    factors.withOptionalPointer { factors in
                        up.apply(
                            quantized: activations, output: &fusedOutput, epilogue: epilogue,
                            quantizingOutputFor: down, into: fusedNext, precise: precise, multiplier: factors)
                    }
                    var output = [Float](repeating: 0, count: rows * n)
                    up.apply(quantized: activations, output: &output, epilogue: epilogue)
                    let next = QuantizedActivations()
                    factors.withOptionalPointer { factors in
                        down.quantize(output, rows: rows, into: next, precise: precise, multiplier: factors)
                    }
                    let label =
                        "\(kernel) rows \(rows) precise \(precise) epilogue \(epilogue.rawValue) multiplied \(multiplied)"
                    #expect(fusedOutput.map(\.bitPattern) == output.map(\.bitPattern), "\(label): fp32 output differs")
                    #expect(Quantized(fusedNext) == Quantized(next), "\(label): quantized output differs")
                }
            }
        }
    }
}

extension Optional where Wrapped == [Float] {
    /// `body` with a pointer to the array's floats, or nil.
    func withOptionalPointer<Result>(_ body: (UnsafePointer<Float>?) -> Result) -> Result {
        guard let array = self else { return body(nil) }
        return array.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
