internal import CQuantServeKernels

/// Self-attention of one sequence and one head, `context = softmax(q·kᵀ·scale)·v`, fused: the
/// scores of a block of query rows stay in L1 through their softmax and the product with the
/// values (the C kernels `qs_attention_head_f32_avx512`, 8 × 32 tiles of zmm fused
/// multiply-adds, and `qs_attention_head_f32_avx2`, 6 × 16 tiles on ymm), or, on the portable
/// path, the whole score matrix through `FloatKernels`' matrix products and softmax (Swift SIMD,
/// the twin the C kernels are tested against). The path follows `FloatKernelPath`.
public enum Attention {
    /// Floats of scratch one call on `path` needs for `length` tokens: the C kernels' packed keys,
    /// values and block of scores, or the portable path's full score matrix.
    public static func scratchFloats(length: Int, headDimension: Int, path: FloatKernelPath = .selected) -> Int {
        path == .portable ? length * length : qs_attention_scratch_floats(length, headDimension)
    }

    /// Runs `body` with a 64-byte aligned scratch of `scratchFloats(length:headDimension:path:)`
    /// floats, on the stack when it fits (else on the heap).
    public static func withScratch<Result>(
        length: Int, headDimension: Int, path: FloatKernelPath = .selected,
        _ body: (UnsafeMutablePointer<Float>) -> Result
    ) -> Result {
        let floats = scratchFloats(length: length, headDimension: headDimension, path: path)
        return withUnsafeTemporaryAllocation(byteCount: max(floats, 1) * 4, alignment: 64) { bytes in
            body(bytes.baseAddress!.bindMemory(to: Float.self, capacity: max(floats, 1)))
        }
    }

    /// The head a thread computes after the current one: its queries (keys and values at the same
    /// distances from them as the current head's), its context and its length.
    public typealias NextHead = (query: UnsafePointer<Float>, context: UnsafeMutablePointer<Float>, length: Int)

    /// `context[i] = Σ_j softmax_j(scale · query[i]·key[j]) · value[j]` for `length` tokens.
    /// Row i of query, key and value starts `i · inputStride` floats after its pointer and holds
    /// `headDimension` floats; row i of the context starts at `context + i · contextStride`.
    /// `scratch` holds `scratchFloats(length:headDimension:path:)` floats (see `withScratch`).
    /// The path must be supported by this CPU. `next`: see `head(…, kernel:next:)`.
    public static func head(
        query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
        inputStride: Int, context: UnsafeMutablePointer<Float>, contextStride: Int,
        length: Int, headDimension: Int, scale: Float,
        scratch: UnsafeMutablePointer<Float>, path: FloatKernelPath = .selected,
        next: NextHead? = nil
    ) {
        guard length > 0, headDimension > 0 else { return }
        precondition(path.isSupported, "fp32 path \(path.rawValue) is not supported by this CPU")
        var call = qs_attention_head(
            query: query, key: key, value: value, input_stride: inputStride,
            context: context, context_stride: contextStride,
            length: length, head_dim: headDimension, scale: scale, scratch: scratch,
            next_query: next?.query, next_context: next?.context, next_length: next?.length ?? 0)
        switch path {
        case .avx512: qs_attention_head_f32_avx512(&call)
        case .avx2: qs_attention_head_f32_avx2(&call)
        case .portable:
            FloatKernels.matmulTransposedB(
                query, lda: inputStride, key, ldb: inputStride, scratch, ldc: length,
                m: length, n: length, k: headDimension, alpha: scale)
            for row in 0..<length { FloatKernels.softmax(scratch + row * length, count: length, path: .portable) }
            FloatKernels.matmul(
                scratch, lda: length, value, ldb: inputStride, context, ldc: contextStride,
                m: length, n: headDimension, k: length)
        }
    }

    /// `head(…, path:)` with the products computed by `kernel` (see `AttentionKernel`); the
    /// scratch of `withScratch(length:headDimension:)` on the selected fp32 path fits every kernel.
    /// `next`, when given, is the head this thread computes after this one: its queries (keys and
    /// values at the same distances as `key` and `value` from `query`, rows `inputStride` apart),
    /// its context (rows `contextStride` apart) and its length; the C kernels fetch those rows
    /// toward the cache while they compute this head (see `next_query` in CAttention.h).
    public static func head(
        query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
        inputStride: Int, context: UnsafeMutablePointer<Float>, contextStride: Int,
        length: Int, headDimension: Int, scale: Float,
        scratch: UnsafeMutablePointer<Float>, kernel: AttentionKernel,
        next: NextHead? = nil
    ) {
        switch kernel {
        case let .fp32(path):
            head(
                query: query, key: key, value: value, inputStride: inputStride, context: context,
                contextStride: contextStride, length: length, headDimension: headDimension, scale: scale,
                scratch: scratch, path: path, next: next)
        case .bf16:
            guard length > 0, headDimension > 0 else { return }
            precondition(kernel.isSupported, "bf16 attention needs AVX512_BF16, which this CPU lacks")
            var call = qs_attention_head(
                query: query, key: key, value: value, input_stride: inputStride,
                context: context, context_stride: contextStride,
                length: length, head_dim: headDimension, scale: scale, scratch: scratch,
                next_query: next?.query, next_context: next?.context, next_length: next?.length ?? 0)
            qs_attention_head_bf16_avx512(&call)
        }
    }
}
