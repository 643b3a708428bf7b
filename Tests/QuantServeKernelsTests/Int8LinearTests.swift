import Foundation
import QuantServeSeededRandom
import QuantServeTestSupport
import Synchronization
import Testing

@testable import QuantServeKernels

/// Every int8 path against `ScalarReference.int8Linear`. The integer part is exact and the
/// epilogue is the same fused multiply-add everywhere, so the tolerance is zero: outputs must
/// be bit-identical.
@Suite("Int8Linear")
struct Int8LinearTests {
    /// Shapes (rows M, outFeatures N, inFeatures K) that are no multiple of any tile, panel or group.
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (1, 3, 17), (3, 17, 63), (17, 65, 3), (5, 63, 65), (63, 33, 383),
        (65, 17, 384), (7, 383, 17), (2, 1537, 5), (9, 5, 1537), (1, 384, 384), (64, 48, 96),
    ]

    /// A random layer with random activations, run on `kernel` and on the reference.
    static func compare(
        kernel: GemmKernel, path: KernelPath, m: Int, n: Int, k: Int, seed: UInt64,
        activationRange: ClosedRange<Float> = -4...6, pool: ComputePool? = nil, precise: Bool = false
    ) {
        var generator = SeededGenerator(seed: seed)
        let weights = [Int8].random(count: n * k, using: &generator)
        let scales = [Float].random(count: n, in: 0.001...0.05, using: &generator)
        let bias: [Float]? = seed % 2 == 0 ? [Float].random(count: n, in: -1...1, using: &generator) : nil
        let input = [Float].random(count: m * k, in: activationRange, using: &generator)
        expectIdentical(
            kernel: kernel, path: path, weights: weights, scales: scales, bias: bias,
            n: n, k: k, input: input, rows: m, pool: pool, precise: precise)
    }

    static func expectIdentical(
        kernel: GemmKernel, path: KernelPath, weights: [Int8], scales: [Float], bias: [Float]?,
        n: Int, k: Int, input: [Float], rows m: Int, pool: ComputePool? = nil,
        precise: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let layer = Int8Linear(
            weights: weights, scales: scales, bias: bias, outFeatures: n, inFeatures: k,
            kernel: kernel, path: path)
        var output = [Float](repeating: .nan, count: m * n)
        var expected = [Float](repeating: .nan, count: m * n)
        layer.apply(input, rows: m, output: &output, pool: pool, preciseActivations: precise)
        ScalarReference.int8Linear(
            weights: weights, scales: scales, bias: bias, outFeatures: n, inFeatures: k,
            input: input, rows: m, output: &expected, preciseActivations: precise)
        let mismatches = zip(output, expected).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(
            mismatches == 0,
            "\(kernel)\(precise ? " precise" : "") M=\(m) N=\(n) K=\(k): \(mismatches) outputs differ, max |Δ| \(maxAbsoluteDifference(output, expected))",
            sourceLocation: sourceLocation)
    }

    static func checkAllShapes(_ kernel: GemmKernel, path: KernelPath) {
        for (index, shape) in shapes.enumerated() {
            compare(kernel: kernel, path: path, m: shape.m, n: shape.n, k: shape.k, seed: UInt64(index))
        }
    }

    @Test("portable path matches the reference on odd shapes")
    func portable() {
        Self.checkAllShapes(.portable, path: .portable)
    }

    @Test(
        "AVX2 path matches the reference on odd shapes",
        .enabled(if: KernelPath.avx2.isSupported, "skipped: this CPU has no AVX2"))
    func avx2() {
        Self.checkAllShapes(.avx2, path: .avx2)
    }

    @Test(
        "AVX-VNNI path matches the reference on odd shapes",
        .enabled(if: KernelPath.avxvnni.isSupported, "skipped: this CPU has no AVX-VNNI"))
    func avxvnni() {
        Self.checkAllShapes(.avxvnni, path: .avxvnni)
    }

    @Test(
        "AVX-512 VNNI path matches the reference on odd shapes",
        .enabled(if: KernelPath.avx512vnni.isSupported, "skipped: this CPU has no AVX-512 VNNI"))
    func avx512vnni() {
        Self.checkAllShapes(.avx512vnni, path: .avx512vnni)
    }

    @Test(
        "the VNNI byte-quad layout and driver, with vpdpbusd emulated on AVX2, match the reference",
        .enabled(if: KernelPath.avx2.isSupported, "skipped: the emulation needs AVX2"))
    func vnniLayoutEmulated() {
        Self.checkAllShapes(.vnniEmulatedOnAVX2, path: .avx2)
    }

    /// Every kernel this CPU can run, with the path its `Int8Linear` reports.
    static var runnableKernels: [(GemmKernel, KernelPath)] {
        let all: [(GemmKernel, KernelPath)] = [
            (.portable, .portable), (.avx2, .avx2), (.vnniEmulatedOnAVX2, .avx2),
            (.avxvnni, .avxvnni), (.avx512vnni, .avx512vnni),
        ]
        return all.filter { $0.0.isSupported }
    }

    @Test("extreme weights and activations: ±127/-128 weights, equal, zero, negative and tiny rows")
    func extremes() {
        let n = 37
        let k = 131
        let weights = (0..<(n * k)).map { index -> Int8 in
            switch (index / k) % 3 {
            case 0: -128
            case 1: 127
            default: index % 2 == 0 ? -128 : 127
            }
        }
        let scales = [Float](repeating: 0.01, count: n)
        var rows: [[Float]] = []
        rows.append([Float](repeating: 0, count: k))  // all zero
        rows.append([Float](repeating: 3.5, count: k))  // all equal, positive
        rows.append([Float](repeating: -2, count: k))  // all equal, negative
        rows.append((0..<k).map { $0 % 2 == 0 ? 1000 : -1000 })  // extremes alternate: u8 0 and 255
        rows.append((0..<k).map { $0 % 2 == 0 ? 255 : 0 })  // 255 next to 0 (vpmaddubsw would saturate)
        rows.append((0..<k).map { Float($0) * 1e-30 })  // a tiny range
        rows.append((0..<k).map { Float($0 % 7) - 3.5 })  // exact ties at .5 steps
        for (kernel, path) in Self.runnableKernels {
            Self.expectIdentical(
                kernel: kernel, path: path, weights: weights, scales: scales,
                bias: nil, n: n, k: k, input: rows.flatMap { $0 }, rows: rows.count)
        }
    }

    @Test("1 and 2 threads give identical outputs on every runnable path")
    func threadCountDoesNotChangeResults() {
        let pool = ComputePool(threads: 2)
        var generator = SeededGenerator(seed: 99)
        let (m, n, k) = (300, 385, 384)
        let weights = [Int8].random(count: n * k, using: &generator)
        let scales = [Float].random(count: n, in: 0.001...0.05, using: &generator)
        let bias = [Float].random(count: n, in: -1...1, using: &generator)
        let input = [Float].random(count: m * k, in: -8...3, using: &generator)
        for (kernel, path) in Self.runnableKernels {
            let layer = Int8Linear(
                weights: weights, scales: scales, bias: bias, outFeatures: n, inFeatures: k,
                kernel: kernel, path: path)
            var single = [Float](repeating: 0, count: m * n)
            var double = [Float](repeating: 1, count: m * n)
            layer.apply(input, rows: m, output: &single)
            layer.apply(input, rows: m, output: &double, pool: pool)
            #expect(single.map(\.bitPattern) == double.map(\.bitPattern), "\(kernel)")
        }
    }

    @Test("several threads applying one layer at once, sharing a pool, all get the reference result")
    func concurrentApply() {
        let pool = ComputePool(threads: 2)
        var generator = SeededGenerator(seed: 31)
        let (m, n, k) = (37, 70, 129)
        let weights = [Int8].random(count: n * k, using: &generator)
        let scales = [Float].random(count: n, in: 0.001...0.05, using: &generator)
        let input = [Float].random(count: m * k, in: -2...2, using: &generator)
        var expected = [Float](repeating: 0, count: m * n)
        ScalarReference.int8Linear(
            weights: weights, scales: scales, bias: nil, outFeatures: n, inFeatures: k,
            input: input, rows: m, output: &expected)
        let layer = Int8Linear(weights: weights, scales: scales, bias: nil, outFeatures: n, inFeatures: k)
        let reference = expected.map(\.bitPattern)
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<20 {
                var output = [Float](repeating: .nan, count: m * n)
                layer.apply(input, rows: m, output: &output, pool: pool)
                if output.map(\.bitPattern) != reference { failures.wrappingAdd(1, ordering: .relaxed) }
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
    }

    @Test("a pooled GEMM larger than one row block matches the reference")
    func pooledLargeShape() {
        let pool = ComputePool(threads: 2)
        for (kernel, path) in Self.runnableKernels {
            Self.compare(kernel: kernel, path: path, m: 131, n: 97, k: 1537, seed: 7, pool: pool)
        }
    }

    @Test("precise (16-bit) activations: every runnable path matches the reference bit for bit")
    func preciseActivationsMatchReference() {
        let pool = ComputePool(threads: 2)
        for (kernel, path) in Self.runnableKernels {
            for (index, shape) in Self.shapes.enumerated() {
                Self.compare(
                    kernel: kernel, path: path, m: shape.m, n: shape.n, k: shape.k, seed: UInt64(100 + index),
                    pool: index % 2 == 0 ? pool : nil, precise: true)
            }
        }
    }

    @Test("precise activations are at least 50 times closer to the fp32 product than 8-bit ones")
    func preciseActivationsAreMorePrecise() {
        var generator = SeededGenerator(seed: 77)
        let (m, n, k) = (8, 64, 1536)
        let weights = [Int8].random(count: n * k, using: &generator)
        let scales = [Float](repeating: 0.02, count: n)
        // FFN-down-like activations: mostly small, a few large outliers widen the range.
        var input = [Float].random(count: m * k, in: -0.2...1.5, using: &generator)
        for row in 0..<m { input[row * k + row] = 40 }
        let layer = Int8Linear(weights: weights, scales: scales, bias: nil, outFeatures: n, inFeatures: k)
        var coarse = [Float](repeating: 0, count: m * n)
        var fine = coarse
        layer.apply(input, rows: m, output: &coarse)
        layer.apply(input, rows: m, output: &fine, preciseActivations: true)
        var exact = [Float](repeating: 0, count: m * n)
        for row in 0..<m {
            for channel in 0..<n {
                var sum: Double = 0
                for i in 0..<k { sum += Double(input[row * k + i]) * Double(weights[channel * k + i]) }
                exact[row * n + channel] = Float(sum * 0.02)
            }
        }
        let coarseError = maxAbsoluteDifference(coarse, exact)
        let fineError = maxAbsoluteDifference(fine, exact)
        #expect(fineError * 50 < coarseError, "8-bit error \(coarseError), 16-bit error \(fineError)")
    }

    @Test("QUANTSERVE_KERNEL_PATH forces a supported path; unknown or unsupported names fall back to the best")
    func pathSelection() {
        let best = KernelPath.allCases.first { $0.isSupported }!
        #expect(KernelPath.selected.isSupported)
        #expect(KernelPath.choose(environment: [:]) == best)
        #expect(KernelPath.choose(environment: ["QUANTSERVE_KERNEL_PATH": "PORTABLE"]) == .portable)
        #expect(KernelPath.choose(environment: ["QUANTSERVE_KERNEL_PATH": "sse9"]) == best)
        for path in KernelPath.allCases {
            let chosen = KernelPath.choose(environment: ["QUANTSERVE_KERNEL_PATH": path.rawValue])
            #expect(chosen == (path.isSupported ? path : best))
        }
    }

    @Test("zero rows write nothing; memoryBytes counts the packed panels")
    func emptyInputAndMemory() {
        let layer = Int8Linear(
            weights: [Int8](repeating: 1, count: 20 * 3), scales: [Float](repeating: 1, count: 20),
            bias: nil, outFeatures: 20, inFeatures: 3, path: .portable)
        var output: [Float] = [42]
        layer.apply([], rows: 0, output: &output)
        #expect(output == [42])
        // 2 panels of 16 channels × 4 padded k × 2 bytes, plus 32 sums, scales and biases of 4 bytes.
        #expect(layer.memoryBytes == 2 * 16 * 4 * 2 + 3 * 32 * 4)
        if KernelPath.avx2.isSupported {
            // AVX2 keeps one byte per weight.
            let packed = Int8Linear(
                weights: [Int8](repeating: 1, count: 20 * 3), scales: [Float](repeating: 1, count: 20),
                bias: nil, outFeatures: 20, inFeatures: 3, path: .avx2)
            #expect(packed.memoryBytes == 2 * 16 * 4 + 3 * 32 * 4)
        }
    }
}
