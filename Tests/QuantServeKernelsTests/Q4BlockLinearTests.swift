import Foundation
import QuantServeSeededRandom
import Testing

@testable import QuantServeKernels

/// The 4-bit Q4_1 kernels (`Q4BlockLinear`): every path this CPU runs gives results bit-identical
/// to the portable C twin (same integer block products, same fp32 operations in the same order),
/// and the portable twin matches a float64 product of the dequantized weights and the quantized
/// activations within 1e-5 relative to the largest output (fp32 accumulation over ≤ 48 blocks).
@Suite("Q4 block linear")
struct Q4BlockLinearTests {
    /// Random ggml Q4_1 bytes for `rows × columns` weights: d and m small fp16, random nibbles.
    static func randomQ4_1(rows: Int, columns: Int, generator: inout SeededGenerator) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<(rows * columns / 32) {
            let d = Float16(Float.random(in: 0.001...0.02, using: &generator))
            let m = Float16(Float.random(in: -0.15...0.05, using: &generator))
            withUnsafeBytes(of: d.bitPattern.littleEndian) { bytes += $0 }
            withUnsafeBytes(of: m.bitPattern.littleEndian) { bytes += $0 }
            for _ in 0..<16 { bytes.append(UInt8.random(in: 0...255, using: &generator)) }
        }
        return bytes
    }

    /// Weight (row, k) of ggml Q4_1 bytes: d · q + m.
    static func weight(_ bytes: [UInt8], row: Int, k: Int, columns: Int) -> Double {
        let block = (row * columns + k) / 32 * 20
        let half = { (offset: Int) in
            Double(Float16(bitPattern: UInt16(bytes[block + offset]) | UInt16(bytes[block + offset + 1]) << 8))
        }
        let j = k % 32
        let byte = bytes[block + 4 + j % 16]
        let q = j < 16 ? byte & 15 : byte >> 4
        return half(0) * Double(q) + half(2)
    }

    static func run(
        _ kernel: Q4BlockLinear.Kernel, bytes: [UInt8], rows: Int, outFeatures: Int, inFeatures: Int,
        input: [Float], initial: [Float], accumulate: Bool, pool: ComputePool?
    ) -> [Float] {
        let layer = bytes.withUnsafeBytes {
            Q4BlockLinear(q4_1: $0, outFeatures: outFeatures, inFeatures: inFeatures, kernel: kernel)
        }
        let activations = Q8BlockActivations()
        input.withUnsafeBufferPointer {
            activations.quantize($0.baseAddress!, rows: rows, features: inFeatures)
        }
        var output = initial
        output.withUnsafeMutableBufferPointer {
            layer.apply(activations, output: $0.baseAddress!, accumulate: accumulate, pool: pool)
        }
        return output
    }

    @Test(
        "every path equals the portable twin bit for bit (1 to 6 rows, a ragged last panel, accumulate, a pool)",
        arguments: Q4BlockLinear.Kernel.allCases.filter { $0 != .portable && $0.isSupported })
    func pathsMatchPortable(kernel: Q4BlockLinear.Kernel) {
        var generator = SeededGenerator(seed: 12)
        for (rows, outFeatures, inFeatures) in [(1, 37, 64), (4, 96, 576), (6, 50, 1536)] {
            let bytes = Self.randomQ4_1(rows: outFeatures, columns: inFeatures, generator: &generator)
            let input = (0..<rows * inFeatures).map { _ in Float.random(in: -3...3, using: &generator) }
            let initial = (0..<rows * outFeatures).map { _ in Float.random(in: -1...1, using: &generator) }
            for accumulate in [false, true] {
                for pool in [nil, ComputePool(threads: 2)] {
                    let expected = Self.run(
                        .portable, bytes: bytes, rows: rows, outFeatures: outFeatures, inFeatures: inFeatures,
                        input: input, initial: initial, accumulate: accumulate, pool: nil)
                    let actual = Self.run(
                        kernel, bytes: bytes, rows: rows, outFeatures: outFeatures, inFeatures: inFeatures,
                        input: input, initial: initial, accumulate: accumulate, pool: pool)
                    #expect(
                        actual.map(\.bitPattern) == expected.map(\.bitPattern),
                        "\(kernel) \(rows)×\(outFeatures)×\(inFeatures) accumulate \(accumulate)")
                }
            }
        }
    }

    @Test("the portable twin is the float64 product of the Q4_1 weights and the block-quantized activations")
    func portableMatchesFloat64() {
        var generator = SeededGenerator(seed: 5)
        let (rows, outFeatures, inFeatures) = (3, 40, 128)
        let bytes = Self.randomQ4_1(rows: outFeatures, columns: inFeatures, generator: &generator)
        let input = (0..<rows * inFeatures).map { _ in Float.random(in: -2...2, using: &generator) }
        let output = Self.run(
            .portable, bytes: bytes, rows: rows, outFeatures: outFeatures, inFeatures: inFeatures, input: input,
            initial: Array(repeating: 0, count: rows * outFeatures), accumulate: false, pool: nil)
        // The activations as the kernel sees them: per 32-value block, scale · round(x / scale).
        var quantized = [Double](repeating: 0, count: input.count)
        for block in stride(from: 0, to: input.count, by: 32) {
            let top = input[block..<block + 32].map(abs).max()!
            let scale = top / 127
            for i in block..<block + 32 {
                quantized[i] = Double(scale) * Double((input[i] * (127 / top)).rounded(.toNearestOrEven))
            }
        }
        var reference = [Double](repeating: 0, count: rows * outFeatures)
        for row in 0..<rows {
            for channel in 0..<outFeatures {
                reference[row * outFeatures + channel] = (0..<inFeatures).reduce(0) {
                    $0 + Self.weight(bytes, row: channel, k: $1, columns: inFeatures) * quantized[row * inFeatures + $1]
                }
            }
        }
        let largest = reference.map(abs).max()!
        let worst = zip(output, reference).map { abs(Double($0) - $1) }.max()!
        #expect(largest > 0.1)
        #expect(worst <= 1e-5 * largest, "max |Δ| \(worst), max |reference| \(largest)")
        // And against the unquantized activations, the int8 block quantization's noise is small.
        let exact = (0..<rows * outFeatures).map { index in
            (0..<inFeatures).reduce(0.0) {
                $0 + Self.weight(bytes, row: index % outFeatures, k: $1, columns: inFeatures)
                    * Double(input[index / outFeatures * inFeatures + $1])
            }
        }
        let noise = zip(output, exact).map { abs(Double($0) - $1) }.max()!
        #expect(noise <= 0.02 * exact.map(abs).max()!, "quantization noise \(noise)")
    }
}
