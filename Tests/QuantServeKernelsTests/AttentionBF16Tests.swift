import Foundation
import QuantServeKernels
import Testing

/// The bf16 attention kernel (AVX512_BF16) against the Double reference of `AttentionTests`.
/// Queries, keys, values and probabilities are rounded to bf16 (relative error at most 2⁻⁹ each),
/// so its tolerance is set by that rounding, not by float sums: for inputs uniform in ±√3 (unit
/// variance, the scale of a BERT layer's normalized projections) a context value may be off by
/// at most `relativeTolerance` of the head's largest |value|. Measured: 1.4e-3 to 3.3e-3 over
/// these lengths and head dimensions (the fp32 kernels: 2e-6). Head dimensions of whole 32s (the
/// MiniLM's 32, BERT-base's 64) take the unmasked packing, the others the general one; lengths
/// cover one key, partial and whole 16-key tiles, odd counts (a token pair with one token) and
/// partial blocks of 8 query rows.
@Suite("Attention with bf16 products")
struct AttentionBF16Tests {
    static let relativeTolerance: Float = 6e-3
    static let lengths = [
        1, 2, 3, 5, 7, 8, 9, 12, 15, 16, 17, 23, 24, 31, 32, 33, 47, 48, 49, 63, 64, 65, 100, 127, 128, 129, 256,
    ]

    @Test(
        "bf16 kernel within its tolerance of the Double reference, every context element written",
        .enabled(if: AttentionKernel.bf16.isSupported, "skipped: this CPU has no AVX512_BF16"),
        arguments: [32, 64, 24, 40, 7])
    func closeToTheReference(headDimension: Int) {
        let range = Float(3).squareRoot()
        let worst = Self.lengths.map { length in
            let qkv = AttentionTests.packedInput(
                length: length, headDimension: headDimension, range: range,
                seed: UInt64(length * 131 + headDimension))
            return Self.worstError(
                qkv, length: length, headDimension: headDimension, scale: 1 / Float(headDimension).squareRoot(),
                range: range)
        }.max()!
        print("bf16 attention, head dim \(headDimension), values ±√3: max error / max|v| \(worst)")
        #expect(worst <= Self.relativeTolerance, "head dimension \(headDimension): worst relative error \(worst)")
    }

    /// The bf16 kernel's largest error against the Double reference over every head of `qkv`,
    /// divided by `range` (the largest |value|); infinity when a context element is NaN.
    static func worstError(_ qkv: [Float], length: Int, headDimension: Int, scale: Float, range: Float) -> Float {
        let context = run(qkv, length: length, headDimension: headDimension, scale: scale)
        var expected = [Float](repeating: 0, count: context.count)
        for head in 0..<AttentionTests.heads {
            AttentionTests.reference(
                qkv, head: head, length: length, headDimension: headDimension, scale: scale, into: &expected)
        }
        return zip(context, expected).map { got, want in
            let error = abs(got - want) / range
            return error.isNaN ? .infinity : error
        }.max()!
    }

    /// Every head of `qkv` by the bf16 kernel, into a context prefilled with NaN; the scratch is
    /// filled with `poison` first (the kernel must write every scratch word it reads).
    static func run(
        _ qkv: [Float], length: Int, headDimension: Int, scale: Float, poison: Float? = nil
    ) -> [Float] {
        let heads = AttentionTests.heads
        let hidden = heads * headDimension
        var context = [Float](repeating: .nan, count: length * hidden)
        Attention.withScratch(length: length, headDimension: headDimension) { scratch in
            if let poison {
                let floats = Attention.scratchFloats(length: length, headDimension: headDimension)
                scratch.update(repeating: poison, count: floats)
            }
            qkv.withUnsafeBufferPointer { input in
                context.withUnsafeMutableBufferPointer { output in
                    for head in 0..<heads {
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
        return context
    }

    @Test(
        "steep rows: integer logits up to 28 800 (exact in bf16 and fp32), no overflow, no NaN",
        .enabled(if: AttentionKernel.bf16.isSupported, "skipped: this CPU has no AVX512_BF16"),
        arguments: [32, 24])
    func steepLogits(headDimension: Int) {
        let range: Float = 30
        let hidden = AttentionTests.heads * headDimension
        let worst = Self.lengths.map { length in
            var qkv = AttentionTests.packedInput(
                length: length, headDimension: headDimension, range: range, seed: UInt64(length * 7 + headDimension))
            for index in qkv.indices where index % (3 * hidden) < 2 * hidden { qkv[index].round() }
            return Self.worstError(qkv, length: length, headDimension: headDimension, scale: 1, range: range)
        }.max()!
        print("bf16 attention, head dim \(headDimension), integer logits: max error / max|v| \(worst)")
        #expect(worst <= Self.relativeTolerance, "head dimension \(headDimension): worst relative error \(worst)")
    }

    @Test(
        "a scratch full of NaN or of a huge value gives the context of a fresh one, bit for bit",
        .enabled(if: AttentionKernel.bf16.isSupported, "skipped: this CPU has no AVX512_BF16"),
        arguments: [32, 64, 24])
    func scratchContentsDoNotMatter(headDimension: Int) {
        for length in [1, 3, 8, 9, 16, 17, 31, 33, 48, 65, 127] {
            let qkv = AttentionTests.packedInput(
                length: length, headDimension: headDimension, range: 2, seed: UInt64(length + 3 * headDimension))
            let scale = 1 / Float(headDimension).squareRoot()
            let fresh = Self.run(qkv, length: length, headDimension: headDimension, scale: scale, poison: 0)
            #expect(!fresh.contains { $0.isNaN }, "length \(length): a context element was not written")
            for poison in [Float.nan, 3e38] {
                let poisoned = Self.run(qkv, length: length, headDimension: headDimension, scale: scale, poison: poison)
                #expect(
                    poisoned.map(\.bitPattern) == fresh.map(\.bitPattern),
                    "length \(length), head dimension \(headDimension): scratch \(poison) leaked into the context")
            }
        }
    }

    @Test func everySequenceTakesTheSelectedKernel() {
        #expect(AttentionKernel.selected == (AttentionKernel.bf16Allowed ? .bf16 : .fp32(.selected)))
        if AttentionKernel.bf16Allowed { #expect(AttentionKernel.bf16.isSupported) }
    }
}
