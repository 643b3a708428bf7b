import QuantServeKernels

/// One linear layer of the encoder, int8 or fp32 as the model folder stores it, with an optional
/// per-input-channel multiplier applied to the activations first (SmoothQuant smoothing: the
/// weights were divided by the same factors before quantization, so the product is unchanged
/// while activation outliers shrink). An int8 layer's fp32 outlier channels, if any, belong to its
/// `Int8Linear` (`OutlierChannels`; their multiplier here is 0).
struct LinearLayer: Sendable {
    /// The matrix product.
    enum Kernel: Sendable {
        /// Int8 weights, activations quantized per token at run time.
        case int8(Int8Linear)
        /// Full-precision weights.
        case float(FloatLinear)
    }

    let kernel: Kernel
    let inputMultiplier: WeightBuffer?

    init(kernel: Kernel, inputMultiplier: WeightBuffer?) {
        self.kernel = kernel
        self.inputMultiplier = inputMultiplier
    }

    var inFeatures: Int {
        switch kernel {
        case let .int8(layer): layer.inFeatures
        case let .float(layer): layer.inFeatures
        }
    }

    var outFeatures: Int {
        switch kernel {
        case let .int8(layer): layer.outFeatures
        case let .float(layer): layer.outFeatures
        }
    }

    var memoryBytes: Int {
        let multiplierBytes = inputMultiplier?.memoryBytes ?? 0
        switch kernel {
        case let .int8(layer): return layer.memoryBytes + multiplierBytes
        case let .float(layer): return layer.memoryBytes + multiplierBytes
        }
    }

    /// `output[rows × outFeatures] = epilogue((input ⊙ multiplier) · Wᵀ + b)`: GELU when the
    /// epilogue says so, and stored or, with `.accumulate`, added to what `output` holds (the
    /// residual). Int8 layers quantize the input into `scratch.quantized` with the multiplier
    /// applied on the way and fuse the epilogue into the GEMM's store; fp32 layers stage the
    /// scaled input and the result in `scratch`. Without a pool everything runs on this thread.
    func apply(
        _ input: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>, epilogue: GemmEpilogue = [],
        scratch: LinearScratch, pool: ComputePool?
    ) {
        switch kernel {
        case let .int8(layer):
            layer.quantize(input, rows: rows, into: scratch.quantized, multiplier: inputMultiplier?.pointer, pool: pool)
            layer.apply(quantized: scratch.quantized, output: output, epilogue: epilogue, pool: pool)
        case let .float(layer):
            var source = input
            if let inputMultiplier {
                let width = inFeatures
                let multiplier = inputMultiplier.pointer
                let staging = scratch.staging
                forEachRowChunk(rows, pool: pool) { block in
                    for row in block {
                        let from = input + row * width
                        let to = staging + row * width
                        for column in 0..<width { to[column] = from[column] * multiplier[column] }
                    }
                }
                source = UnsafePointer(staging)
            }
            let accumulate = epilogue.contains(.accumulate)
            let result = accumulate ? scratch.result : output
            layer.apply(source, rows: rows, output: result, pool: pool)
            if epilogue.contains(.gelu) { FloatKernels.gelu(result, count: rows * outFeatures) }
            if accumulate { FloatKernels.add(output, result, count: rows * outFeatures) }
        }
    }
}

/// Per-thread scratch of `LinearLayer.apply`: the quantized input of int8 layers, and for fp32
/// layers room for the scaled input (`rows × inFeatures`) and the result before it is added
/// (`rows × outFeatures`).
struct LinearScratch {
    let quantized: QuantizedActivations
    let staging: UnsafeMutablePointer<Float>
    let result: UnsafeMutablePointer<Float>
}
