import Kernels

/// One linear layer of the encoder, int8 or fp32 as the model folder stores it, with an optional
/// per-input-channel multiplier applied to the activations first (SmoothQuant smoothing: the
/// weights were divided by the same factors before quantization, so the product is unchanged
/// while activation outliers shrink).
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

    /// `output[rows × outFeatures] = (input ⊙ multiplier) · Wᵀ + b`. With a multiplier the scaled
    /// input is written to `staging` (`rows × inFeatures`), which may be `input` itself when the
    /// caller no longer needs it. Without a pool everything runs on this thread.
    func apply(_ input: UnsafeMutablePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>,
               staging: UnsafeMutablePointer<Float>, pool: ComputePool?) {
        var source = UnsafePointer(input)
        if let inputMultiplier {
            let width = inFeatures
            let multiplier = inputMultiplier.pointer
            forEachRowChunk(rows, pool: pool) { block in
                for row in block {
                    let from = input + row * width
                    let to = staging + row * width
                    for column in 0..<width { to[column] = from[column] * multiplier[column] }
                }
            }
            source = UnsafePointer(staging)
        }
        switch kernel {
        case let .int8(layer): layer.apply(source, rows: rows, output: output, pool: pool)
        case let .float(layer): layer.apply(source, rows: rows, output: output, pool: pool)
        }
    }
}
