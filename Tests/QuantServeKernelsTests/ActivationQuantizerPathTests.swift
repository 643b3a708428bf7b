import QuantServeSeededRandom
import QuantServeTestSupport
import Testing

@testable import QuantServeKernels

/// The C activation quantizers (AVX-512, AVX2) against the Swift twin (the portable path):
/// integers, padding, scales and zero points bit for bit, for both element sizes, 8 and 16
/// bits, with and without the SmoothQuant multiplier, every tail length 1...67.
@Suite("ActivationQuantizer C paths")
struct ActivationQuantizerPathTests {
    static let paths: [FloatKernelPath] = [.avx512, .avx2]

    /// One quantization's outputs: the kernel rows' bytes, the scales' bit patterns, the zero points.
    struct Output: Equatable {
        var bytes: [UInt8]
        var scales: [UInt32]
        var zeroPoints: [Int32]
    }

    /// Quantizes rows 1..<rows-1 of `input` (row 0 and the last stay untouched: the range
    /// offsets are checked too) on `path`; the destination starts filled with 0xAA, so
    /// unwritten padding shows.
    static func quantize(
        _ input: [Float], rows: Int, cols: Int, multiplier: [Float]?, elementBytes: Int,
        precise: Bool, path: FloatKernelPath
    ) -> Output {
        let padded = (cols + 3) / 4 * 4 + 4
        let kernelRows = precise ? 2 * rows : rows
        var output = Output(
            bytes: [UInt8](repeating: 0xAA, count: kernelRows * padded * elementBytes),
            scales: [], zeroPoints: [Int32](repeating: -7, count: rows))
        var scales = [Float](repeating: -1, count: rows)
        let factors = UnsafeMutableBufferPointer<Float>.allocate(capacity: cols)
        defer { factors.deallocate() }
        if let multiplier { _ = factors.initialize(from: multiplier) }
        output.bytes.withUnsafeMutableBytes { destination in
            ActivationQuantizer.quantize(
                input, inFeatures: cols, rows: 1..<(rows - 1), into: destination.baseAddress!,
                paddedFeatures: padded, elementBytes: elementBytes, precise: precise,
                scales: &scales, zeroPoints: &output.zeroPoints,
                multiplier: multiplier == nil ? nil : UnsafePointer(factors.baseAddress), path: path)
        }
        output.scales = scales.map(\.bitPattern)
        return output
    }

    /// Rows of one kind, `rows × cols` floats.
    static func rows(kind: Int, rows: Int, cols: Int, using generator: inout SeededGenerator) -> [Float] {
        var values = [Float].random(count: rows * cols, in: -3...7, using: &generator)
        for i in values.indices {
            let column = i % cols
            switch kind {
            case 1: values[i] = 0  // rows of zeros: scale 1, zero point 0
            case 2: values[i] = -2.5  // all equal
            case 3: if column == cols / 2 { values[i] = .nan }
            case 4: if column == cols - 1 { values[i] = .infinity }
            case 5: if column == 0 { values[i] = -.infinity }
            case 6: values[i] *= 1e37  // huge
            case 7: values[i] *= .leastNormalMagnitude / 1000  // subnormal: the scale is not normal
            case 8: values[i] = Float(column % 5) - 2  // exact ties after scaling
            default: break
            }
        }
        return values
    }

    @Test(
        "bit-identical to the Swift twin: every tail, both element sizes, 8 and 16 bits, multiplier",
        arguments: paths)
    func bitIdentical(path: FloatKernelPath) throws {
        if !path.isSupported { try Test.cancel("this CPU cannot run the \(path) fp32 kernels") }
        var generator = SeededGenerator(seed: 59)
        let rows = 4
        for cols in Array(1...67) + [384, 1536] {
            let multiplier = [Float].random(count: cols, in: 0.01...9, using: &generator)
            for kind in 0...8 {
                let input = Self.rows(kind: kind, rows: rows, cols: cols, using: &generator)
                for elementBytes in [1, 2] {
                    for precise in [false, true] {
                        for factors in [nil, multiplier] {
                            let c = Self.quantize(
                                input, rows: rows, cols: cols, multiplier: factors,
                                elementBytes: elementBytes, precise: precise, path: path)
                            let twin = Self.quantize(
                                input, rows: rows, cols: cols, multiplier: factors,
                                elementBytes: elementBytes, precise: precise, path: .portable)
                            #expect(
                                c == twin,
                                """
                                cols \(cols), kind \(kind), \(elementBytes)-byte elements, precise \(precise), \
                                multiplier \(factors != nil)
                                """)
                        }
                    }
                }
            }
        }
    }

    @Test(
        "the multiplier quantizes the float products, as staging them first does", arguments: FloatKernelPath.allCases)
    func multiplierIsTheStagedProduct(path: FloatKernelPath) throws {
        if !path.isSupported { try Test.cancel("this CPU cannot run the \(path) fp32 kernels") }
        var generator = SeededGenerator(seed: 61)
        let rows = 3
        let cols = 45
        let input = [Float].random(count: rows * cols, in: -4...4, using: &generator)
        let multiplier = [Float].random(count: cols, in: 0.1...3, using: &generator)
        let staged = input.indices.map { input[$0] * multiplier[$0 % cols] }
        for precise in [false, true] {
            let multiplied = Self.quantize(
                input, rows: rows, cols: cols, multiplier: multiplier, elementBytes: 1,
                precise: precise, path: path)
            let plain = Self.quantize(
                staged, rows: rows, cols: cols, multiplier: nil, elementBytes: 1,
                precise: precise, path: path)
            #expect(multiplied == plain)
            let parameters = ActivationQuantization(
                rowMinimum: staged[cols..<2 * cols].min()!,
                rowMaximum: staged[cols..<2 * cols].max()!,
                maximumLevel: precise ? 65535 : 255)
            #expect(
                multiplied.scales[1] == parameters.scale.bitPattern && multiplied.zeroPoints[1] == parameters.zeroPoint)
        }
    }
}
