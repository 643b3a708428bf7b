/// The ggml tensor types this reader sizes and dequantizes, with their block layouts as ggml
/// defines them (`ggml-common.h`): a block of `blockSize` elements stored in `blockBytes` bytes.
public enum GGMLType: UInt32, CaseIterable, Sendable {
    /// 32-bit floats.
    case f32 = 0
    /// IEEE half floats.
    case f16 = 1
    /// Blocks of 32: an fp16 scale `d`, then 16 bytes of 4-bit values `q`; element = d × (q − 8).
    case q4_0 = 2
    /// Blocks of 32: fp16 `d` and `m`, then 16 bytes of 4-bit values `q`; element = d × q + m.
    case q4_1 = 3
    /// Blocks of 32: an fp16 scale `d`, then 32 signed bytes `q`; element = d × q.
    case q8_0 = 8

    /// Elements per block.
    public var blockSize: Int {
        switch self {
        case .f32, .f16: 1
        case .q4_0, .q4_1, .q8_0: 32
        }
    }

    /// Bytes per block.
    public var blockBytes: Int {
        switch self {
        case .f32: 4
        case .f16: 2
        case .q4_0: 18
        case .q4_1: 20
        case .q8_0: 34
        }
    }

    /// ggml's name of the type.
    public var name: String { Self.knownName(rawValue)! }

    /// ggml's name of type number `type`, for messages, or nil for a number ggml does not define.
    static func knownName(_ type: UInt32) -> String? {
        let names = [
            "F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q2_K", "Q3_K",
            "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S",
            "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16",
        ]
        return type < names.count ? names[Int(type)] : nil
    }
}
