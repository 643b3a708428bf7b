internal import CQuantServeKernels

/// Quantization of a layer's input fused into the operation that produces it, so the
/// activation is written once (and read back from L1) instead of passing over it again:
/// add + layer norm → this layer's quantized input (`normalizeAndQuantize`), and a GEMM whose
/// epilogue output is at once quantized for the next layer (`apply(quantized:…quantizingOutputFor:…)`).
/// The quantization parameters (16-bit precise mode, SmoothQuant multiplier) are the caller's,
/// exactly as for `quantize(_:rows:into:precise:multiplier:pool:)`, and every result is
/// bit-identical to running the unfused operations one after the other on the same path.
extension Int8Linear {
    /// `x = LayerNorm(x + residual)` in place for `rows` contiguous rows of `inFeatures` floats
    /// (`FloatKernels.addLayerNorm`), and the result quantized for this layer into `activations`
    /// (`quantize(_:rows:into:precise:multiplier:pool:)`); the fp32 rows stay in `x` for the
    /// residual stream. On the AVX-512 and AVX2 paths one C kernel does both per row
    /// (`qs_add_layernorm_quantize_*`), gathering the row's quantization range while it stores the
    /// normalized values; the portable path runs the two Swift operations. With a `pool` the rows
    /// are split over its threads.
    public func normalizeAndQuantize(
        _ x: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>? = nil, rows: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float,
        into activations: QuantizedActivations, precise: Bool = false, multiplier: UnsafePointer<Float>? = nil,
        pool: ComputePool? = nil, path: FloatKernelPath = .selected
    ) {
        precondition(rows >= 0)
        path.requireSupported()
        activations.reshape(
            rows: rows, paddedFeatures: paddedInFeatures, elementBytes: kernel.activationBytes, precise: precise,
            outlierChannels: outlierChannels)
        let threads = pool?.threadCount ?? 1
        let chunks = rows * inFeatures >= 1 << 14 ? min(rows, 4 * threads) : 1
        let (width, rowBytes, elementBytes) = (
            inFeatures, paddedInFeatures * kernel.activationBytes, kernel.activationBytes
        )
        let (destination, scales, zeroPoints) = (activations.base, activations.scales, activations.zeroPoints)
        Self.forEach(chunks, pool: pool) { chunk in
            let first = rows * chunk / chunks
            let count = rows * (chunk + 1) / chunks - first
            guard count > 0 else { return }
            let rowsX = x + first * width
            let rowsResidual = residual.map { $0 + first * width }
            switch path {
            case .avx512, .avx2:
                var job = qs_quantize_job(
                    input: rowsX, input_stride: width, rows: count, cols: width, multiplier: multiplier,
                    output: destination + (precise ? 2 * first : first) * rowBytes, output_row_bytes: rowBytes,
                    element_bytes: elementBytes, precise: precise ? 1 : 0, scales: scales + first,
                    zero_points: zeroPoints + first)
                if path == .avx512 {
                    qs_add_layernorm_quantize_avx512(rowsX, rowsResidual, gamma, beta, epsilon, &job)
                } else {
                    qs_add_layernorm_quantize_avx2(rowsX, rowsResidual, gamma, beta, epsilon, &job)
                }
            case .portable:
                FloatKernels.addLayerNorm(
                    rowsX, residual: rowsResidual, rows: count, cols: width, gamma: gamma, beta: beta,
                    epsilon: epsilon, path: .portable)
                ActivationQuantizer.quantize(
                    x, inFeatures: width, rows: first..<(first + count), into: destination,
                    paddedFeatures: paddedInFeatures, elementBytes: elementBytes, precise: precise,
                    scales: scales, zeroPoints: zeroPoints, multiplier: multiplier, path: .portable)
            }
            gatherOutliers(x, rows: first..<(first + count), into: activations)
        }
    }

    /// `apply(quantized:output:epilogue:)` on the calling thread, with its output quantized for
    /// `next` into `nextActivations` as it is produced: the GEMM runs a few rows at a time, and
    /// each batch of finished rows (still in L1/L2) is quantized at once (`next.quantize` with
    /// `precise` and `multiplier`). `output` holds the fp32 results too (`outFeatures` floats per
    /// row, which must be `next.inFeatures`). The same bits as `apply` followed by
    /// `next.quantize(output, rows:into:precise:multiplier:)`.
    public func apply(
        quantized activations: QuantizedActivations, output: UnsafeMutablePointer<Float>,
        epilogue: GemmEpilogue = [], quantizingOutputFor next: Int8Linear,
        into nextActivations: QuantizedActivations, precise: Bool = false, multiplier: UnsafePointer<Float>? = nil
    ) {
        precondition(
            next.inFeatures == outFeatures, "the next layer reads \(next.inFeatures) features, not \(outFeatures)")
        let rows = activations.rows
        nextActivations.reshape(
            rows: rows, paddedFeatures: next.paddedInFeatures, elementBytes: next.kernel.activationBytes,
            precise: precise, outlierChannels: next.outlierChannels)
        // Precise input activations go through the int64 plane combination after the whole GEMM.
        let step = activations.isPrecise ? max(rows, 1) : Self.fusedQuantizationRows
        var first = 0
        while first < rows {
            let block = first..<min(rows, first + step)
            apply(quantized: activations, rows: block, output: output, epilogue: epilogue)
            ActivationQuantizer.quantize(
                output, inFeatures: outFeatures, rows: block, into: nextActivations.base,
                paddedFeatures: next.paddedInFeatures, elementBytes: next.kernel.activationBytes, precise: precise,
                scales: nextActivations.scales, zeroPoints: nextActivations.zeroPoints, multiplier: multiplier)
            next.gatherOutliers(output, rows: block, into: nextActivations)
            first = block.upperBound
        }
    }

    /// Rows the fused GEMM produces before quantizing them: two 8-row tiles of the AVX-512 VNNI
    /// kernel, 16 × 1536 fp32 results (96 KiB) that are still in L2 when quantized.
    static let fusedQuantizationRows = 16
}
