import Foundation
import QuantServeKernels
import Testing

/// The bf16 attention kernel (AVX512_BF16) against the Double reference of `AttentionTests`.
/// Queries, keys, values and probabilities are rounded to bf16 (relative error at most 2⁻⁹ each),
/// so its tolerance is set by that rounding, not by float sums: for inputs uniform in ±√3 (unit
/// variance, the scale of a BERT layer's normalized projections) a context value may be off by
/// at most `relativeTolerance` of the head's largest |value|. Measured: 1.4e-3 to 2.5e-3 over
/// these lengths and head dimensions (the fp32 kernels: 2e-6).
@Suite("Attention with bf16 products")
struct AttentionBF16Tests {
    static let relativeTolerance: Float = 6e-3
    static let lengths = [1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 100, 128, 256]

    @Test(
        "bf16 kernel within its tolerance of the Double reference, every context element written",
        .enabled(if: AttentionKernel.bf16.isSupported, "skipped: this CPU has no AVX512_BF16"),
        arguments: [32, 64, 24, 40, 7])
    func closeToTheReference(headDimension: Int) {
        let range = Float(3).squareRoot()
        let scale = 1 / Float(headDimension).squareRoot()
        let heads = AttentionTests.heads
        var worst: Float = 0
        for length in Self.lengths {
            let qkv = AttentionTests.packedInput(
                length: length, headDimension: headDimension, range: range,
                seed: UInt64(length * 131 + headDimension))
            var expected = [Float](repeating: 0, count: length * heads * headDimension)
            var context = [Float](repeating: .nan, count: expected.count)
            let hidden = heads * headDimension
            Attention.withScratch(length: length, headDimension: headDimension) { scratch in
                for head in 0..<heads {
                    AttentionTests.reference(
                        qkv, head: head, length: length, headDimension: headDimension,
                        scale: scale, into: &expected)
                    qkv.withUnsafeBufferPointer { input in
                        context.withUnsafeMutableBufferPointer { output in
                            let query = input.baseAddress! + head * headDimension
                            Attention.head(
                                query: query, key: query + hidden, value: query + 2 * hidden,
                                inputStride: 3 * hidden, context: output.baseAddress! + head * headDimension,
                                contextStride: hidden, length: length, headDimension: headDimension,
                                scale: scale, scratch: scratch, kernel: .bf16)
                        }
                    }
                }
            }
            for (got, want) in zip(context, expected) {
                let error = abs(got - want) / range
                worst = error.isNaN ? .infinity : max(worst, error)
            }
        }
        #expect(worst <= Self.relativeTolerance, "head dimension \(headDimension): worst relative error \(worst)")
    }

    @Test func shortSequencesKeepTheFP32Kernel() {
        #expect(AttentionKernel.selected(length: AttentionKernel.bf16MinimumLength - 1) == .fp32(.selected))
        let long = AttentionKernel.selected(length: AttentionKernel.bf16MinimumLength)
        #expect(long == (AttentionKernel.bf16Allowed ? .bf16 : .fp32(.selected)))
        if AttentionKernel.bf16Allowed { #expect(AttentionKernel.bf16.isSupported) }
    }
}
