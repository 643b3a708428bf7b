import QuantServeSeededRandom
import QuantServeTestSupport
import Testing

@testable import QuantServeKernels

@Suite("ActivationQuantization")
struct ActivationQuantizationTests {
    @Test("parameters: range extended to 0, zero point of 0, degenerate rows")
    func parameters() {
        let positive = ActivationQuantization(rowMinimum: 2, rowMaximum: 5.1)
        #expect(positive.scale == 5.1 / 255)
        #expect(positive.zeroPoint == 0)
        #expect(positive.quantize(5.1) == 255)
        #expect(positive.quantize(0) == 0)
        let negative = ActivationQuantization(rowMinimum: -2.55, rowMaximum: -1)
        #expect(negative.zeroPoint == 255)
        #expect(negative.quantize(-2.55) == 0)
        let mixed = ActivationQuantization(rowMinimum: -1, rowMaximum: 1)
        #expect((127...128).contains(mixed.zeroPoint) && mixed.quantize(0) == mixed.zeroPoint)
        #expect(mixed.quantize(-1) == 0 && mixed.quantize(1) >= 254)  // the rounded zero point costs up to half a step
        #expect(mixed.quantize(1e9) == 255 && mixed.quantize(-1e9) == 0)
        let zeros = ActivationQuantization(rowMinimum: 0, rowMaximum: 0)
        #expect(zeros.scale == 1 && zeros.zeroPoint == 0 && zeros.quantize(0) == 0)
        let tiny = ActivationQuantization(rowMinimum: 0, rowMaximum: .leastNonzeroMagnitude)
        #expect(tiny.scale == 1 && tiny.zeroPoint == 0)
    }

    @Test("the vectorized quantizer gives the scalar definition's integers, ties included")
    func vectorizedMatchesScalar() {
        var generator = SeededGenerator(seed: 5)
        for count in [1, 7, 8, 9, 31, 384, 1537] {
            var row = [Float].random(count: count, in: -3...7, using: &generator)
            if count > 8 {
                row[3] = 0
                row[4] = 7
                row[5] = -3
            }
            for elementBytes in [1, 2] {
                let padded = (count + 3) / 4 * 4
                var bytes = [UInt8](repeating: 0xAA, count: padded * elementBytes)
                var scale: Float = 0
                var zeroPoint: Int32 = -1
                bytes.withUnsafeMutableBytes { target in
                    ActivationQuantizer.quantize(
                        row, inFeatures: count, rows: 0..<1, into: target.baseAddress!,
                        paddedFeatures: padded, elementBytes: elementBytes, precise: false,
                        scales: &scale, zeroPoints: &zeroPoint)
                }
                let parameters = ActivationQuantization(rowMinimum: row.min()!, rowMaximum: row.max()!)
                #expect(scale == parameters.scale && zeroPoint == parameters.zeroPoint)
                let values = (0..<padded).map { index -> Int32 in
                    elementBytes == 1 ? Int32(bytes[index]) : Int32(bytes[2 * index]) | Int32(bytes[2 * index + 1]) << 8
                }
                let expected = row.map(parameters.quantize) + [Int32](repeating: 0, count: padded - count)
                #expect(values == expected, "count \(count), \(elementBytes)-byte elements")
            }
        }
    }
}
