import Kernels

/// One linear layer of the encoder, int8 or fp32 as the model folder stores it.
enum LinearLayer: Sendable {
    /// Int8 weights, activations quantized per token at run time.
    case int8(Int8Linear)
    /// Full-precision weights.
    case float(FloatLinear)

    var outFeatures: Int {
        switch self {
        case let .int8(layer): layer.outFeatures
        case let .float(layer): layer.outFeatures
        }
    }

    var memoryBytes: Int {
        switch self {
        case let .int8(layer): layer.memoryBytes
        case let .float(layer): layer.memoryBytes
        }
    }

    /// `output[rows × outFeatures] = input · Wᵀ + b`.
    func apply(_ input: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>, pool: ComputePool) {
        switch self {
        case let .int8(layer): layer.apply(input, rows: rows, output: output, pool: pool)
        case let .float(layer): layer.apply(input, rows: rows, output: output, pool: pool)
        }
    }
}
