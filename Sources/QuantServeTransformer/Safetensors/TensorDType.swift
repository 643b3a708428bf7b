/// The element type of a tensor in a safetensors file, spelled as the format spells it.
public enum TensorDType: String, Sendable, CaseIterable, Codable {
    case bool = "BOOL"
    case uint8 = "U8"
    case int8 = "I8"
    case uint16 = "U16"
    case int16 = "I16"
    case float16 = "F16"
    case bfloat16 = "BF16"
    case uint32 = "U32"
    case int32 = "I32"
    case float32 = "F32"
    case uint64 = "U64"
    case int64 = "I64"
    case float64 = "F64"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .bool, .uint8, .int8: 1
        case .uint16, .int16, .float16, .bfloat16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        }
    }

    /// Whether the elements are floating-point numbers that can be widened to `Float`.
    public var isFloatingPoint: Bool {
        self == .float16 || self == .bfloat16 || self == .float32 || self == .float64
    }
}
