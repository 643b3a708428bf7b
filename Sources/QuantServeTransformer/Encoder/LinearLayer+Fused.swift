import QuantServeKernels

extension LinearLayer {
    /// `input[rows] = LayerNorm(input[rows])` in place (the residual stream keeps the fp32
    /// values), then `output = epilogue(layer(input))` as `apply` does. Int8 layers quantize the
    /// rows in the same kernel that normalizes them (`Int8Linear.normalizeAndQuantize`), with
    /// this layer's input multiplier (and gather its outlier channels' fp32 values); fp32 layers
    /// normalize, then apply. `outputLayout` (int8 layers only; default row-major) is
    /// `Int8Linear.apply`'s.
    func applyNormalized(
        _ input: UnsafeMutablePointer<Float>, rows: Int, norm: LayerNormWeights, epsilon: Float,
        output: UnsafeMutablePointer<Float>, outputLayout: GemmOutputLayout? = nil, epilogue: GemmEpilogue = [],
        scratch: LinearScratch, pool: ComputePool?
    ) {
        switch kernel {
        case let .int8(layer):
            layer.normalizeAndQuantize(
                input, rows: rows, gamma: norm.gamma.pointer, beta: norm.beta.pointer, epsilon: epsilon,
                into: scratch.quantized, multiplier: inputMultiplier?.pointer, pool: pool)
            layer.apply(
                quantized: scratch.quantized, output: output, outputLayout: outputLayout, epilogue: epilogue, pool: pool
            )
        case .float:
            precondition(
                outputLayout == nil || outputLayout == .rowMajor(stride: outFeatures),
                "fp32 layers write row-major output")
            normalize(input, rows: rows, norm: norm, epsilon: epsilon, pool: pool)
            apply(input, rows: rows, output: output, epilogue: epilogue, scratch: scratch, pool: pool)
        }
    }

    /// The feed-forward block with the layer norm before it, this layer being the up projection:
    /// `x[rows] = LayerNorm(x[rows])`, `inner = GELU(up(x))`, `x += down(inner)`. With both layers
    /// int8 and no pool, `inner` is quantized for `down` as the up GEMM produces it
    /// (`Int8Linear.apply(quantized:…quantizingOutputFor:…)`, into `innerQuantized`) instead of in
    /// a pass of its own; otherwise the projections run one after the other.
    func applyFeedForward(
        normalizing x: UnsafeMutablePointer<Float>, rows: Int, norm: LayerNormWeights, epsilon: Float,
        down: LinearLayer, inner: UnsafeMutablePointer<Float>, innerQuantized: QuantizedActivations,
        scratch: LinearScratch, pool: ComputePool?
    ) {
        if pool == nil, case let .int8(up) = kernel, case let .int8(downLayer) = down.kernel {
            up.normalizeAndQuantize(
                x, rows: rows, gamma: norm.gamma.pointer, beta: norm.beta.pointer, epsilon: epsilon,
                into: scratch.quantized, multiplier: inputMultiplier?.pointer)
            up.apply(
                quantized: scratch.quantized, output: inner, epilogue: .gelu, quantizingOutputFor: downLayer,
                into: innerQuantized, multiplier: down.inputMultiplier?.pointer)
            downLayer.apply(quantized: innerQuantized, output: x, epilogue: .accumulate)
            return
        }
        applyNormalized(
            x, rows: rows, norm: norm, epsilon: epsilon, output: inner, epilogue: .gelu, scratch: scratch, pool: pool)
        down.apply(inner, rows: rows, output: x, epilogue: .accumulate, scratch: scratch, pool: pool)
    }

    /// `x[rows] = LayerNorm(x[rows])`, split over the pool's threads when one is given.
    private func normalize(
        _ x: UnsafeMutablePointer<Float>, rows: Int, norm: LayerNormWeights, epsilon: Float, pool: ComputePool?
    ) {
        let width = inFeatures
        forEachRowChunk(rows, pool: pool) { chunk in
            FloatKernels.layerNorm(
                x + chunk.lowerBound * width, rows: chunk.count, cols: width, gamma: norm.gamma.pointer,
                beta: norm.beta.pointer, epsilon: epsilon)
        }
    }
}
