/// One metadata value of a GGUF file, of any of the GGUF value types (arrays may nest).
public enum GGUFValue: Equatable, Sendable {
    case uint8(UInt8)
    case int8(Int8)
    case uint16(UInt16)
    case int16(Int16)
    case uint32(UInt32)
    case int32(Int32)
    case float32(Float)
    case bool(Bool)
    case string(String)
    /// An array whose elements all have the value type `elementType`.
    case array(elementType: GGUFValueType, [GGUFValue])
    case uint64(UInt64)
    case int64(Int64)
    case float64(Double)

    /// The value's type.
    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .float32: .float32
        case .bool: .bool
        case .string: .string
        case .array: .array
        case .uint64: .uint64
        case .int64: .int64
        case .float64: .float64
        }
    }

    /// The value as an integer, when it is one of the integer types and fits in `Int`.
    public var integer: Int? {
        switch self {
        case let .uint8(value): Int(value)
        case let .int8(value): Int(value)
        case let .uint16(value): Int(value)
        case let .int16(value): Int(value)
        case let .uint32(value): Int(value)
        case let .int32(value): Int(value)
        case let .uint64(value): Int(exactly: value)
        case let .int64(value): Int(value)
        default: nil
        }
    }
}

/// The value types of GGUF metadata, numbered as in the file.
public enum GGUFValueType: UInt32, Sendable {
    case uint8 = 0
    case int8 = 1
    case uint16 = 2
    case int16 = 3
    case uint32 = 4
    case int32 = 5
    case float32 = 6
    case bool = 7
    case string = 8
    case array = 9
    case uint64 = 10
    case int64 = 11
    case float64 = 12

    /// The size of a value of a fixed-size type, or nil for strings and arrays.
    var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        case .string, .array: nil
        }
    }

    /// The fewest bytes a value of this type takes in a file (a string or array is at least its length).
    var minimumSize: Int { fixedSize ?? (self == .array ? 12 : 8) }
}

/// One tensor's entry in a GGUF file: name, shape, type and where its bytes are.
public struct GGUFTensorInfo: Equatable, Sendable {
    /// The tensor's name.
    public let name: String
    /// The dimensions in ggml's order: `dimensions[0]` is the length of a row (the fastest-varying).
    public let dimensions: [Int]
    /// The element type.
    public let type: GGMLType
    /// The offset of the data from the start of the data section, as the file gives it.
    public let offset: Int
    /// The number of elements.
    public let elementCount: Int
    /// The number of bytes of the data.
    public let byteCount: Int
}
