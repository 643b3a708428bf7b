internal import CKernels

/// Self-attention of one sequence and one head, `context = softmax(q·kᵀ·scale)·v`, fused: the
/// scores of a block of query rows stay in L1 through their softmax and the product with the
/// values (the C kernels `qs_attention_head_f32_avx512` / `_avx2`), or, on the portable path,
/// the whole score matrix through `FloatKernels`' matrix products and softmax (the reference the
/// C kernels are tested against).
public enum Attention {
    /// The implementation an attention call runs.
    public enum Path: String, Sendable, CaseIterable {
        /// AVX-512F zmm fused multiply-adds, 8 × 32 tiles.
        case avx512
        /// AVX2 + FMA ymm fused multiply-adds, 6 × 16 tiles.
        case avx2
        /// Swift SIMD: `FloatKernels.matmulTransposedB`, `softmax`, `matmul` over the full score matrix.
        case portable

        /// The path of the selected int8 kernel path's instruction set.
        public static let selected = Path(KernelPath.selected)

        /// The fp32 path running on the instruction set of an int8 kernel path.
        public init(_ kernelPath: KernelPath) {
            switch kernelPath {
            case .avx512vnni: self = .avx512
            case .avxvnni, .avx2: self = .avx2
            case .portable: self = .portable
            }
        }

        /// Whether this CPU can run the path (AVX-512 is used where AVX-512 VNNI is).
        public var isSupported: Bool {
            switch self {
            case .avx512: KernelPath.avx512vnni.isSupported
            case .avx2: KernelPath.avx2.isSupported
            case .portable: true
            }
        }
    }

    /// Floats of scratch one call on `path` needs for `length` tokens: the C kernels' packed keys,
    /// values and block of scores, or the portable path's full score matrix.
    public static func scratchFloats(length: Int, headDimension: Int, path: Path = .selected) -> Int {
        path == .portable ? length * length : qs_attention_scratch_floats(length, headDimension)
    }

    /// Runs `body` with a 64-byte aligned scratch of `scratchFloats(length:headDimension:path:)`
    /// floats, on the stack when it fits (else on the heap).
    public static func withScratch<Result>(length: Int, headDimension: Int, path: Path = .selected,
                                           _ body: (UnsafeMutablePointer<Float>) -> Result) -> Result {
        let floats = scratchFloats(length: length, headDimension: headDimension, path: path)
        return withUnsafeTemporaryAllocation(byteCount: max(floats, 1) * 4, alignment: 64) { bytes in
            body(bytes.baseAddress!.bindMemory(to: Float.self, capacity: max(floats, 1)))
        }
    }

    /// `context[i] = Σ_j softmax_j(scale · query[i]·key[j]) · value[j]` for `length` tokens.
    /// Row i of query, key and value starts `i · inputStride` floats after its pointer and holds
    /// `headDimension` floats; row i of the context starts at `context + i · contextStride`.
    /// `scratch` holds `scratchFloats(length:headDimension:path:)` floats (see `withScratch`).
    /// The path must be supported by this CPU.
    public static func head(query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
                            inputStride: Int, context: UnsafeMutablePointer<Float>, contextStride: Int,
                            length: Int, headDimension: Int, scale: Float,
                            scratch: UnsafeMutablePointer<Float>, path: Path = .selected) {
        guard length > 0, headDimension > 0 else { return }
        precondition(path.isSupported, "attention path \(path.rawValue) is not supported by this CPU")
        var call = qs_attention_head(query: query, key: key, value: value, input_stride: inputStride,
                                     context: context, context_stride: contextStride,
                                     length: length, head_dim: headDimension, scale: scale, scratch: scratch)
        switch path {
        case .avx512: qs_attention_head_f32_avx512(&call)
        case .avx2: qs_attention_head_f32_avx2(&call)
        case .portable:
            FloatKernels.matmulTransposedB(query, lda: inputStride, key, ldb: inputStride, scratch, ldc: length,
                                           m: length, n: length, k: headDimension, alpha: scale)
            for row in 0..<length { FloatKernels.softmax(scratch + row * length, count: length) }
            FloatKernels.matmul(scratch, lda: length, value, ldb: inputStride, context, ldc: contextStride,
                                m: length, n: headDimension, k: length)
        }
    }
}
