internal import CQuantServeKernels

/// What `Int8Linear` does with each result after dequantization and bias, fused into the GEMM's
/// store so the output is written once: optionally GELU (exact erf form), then either store it
/// or add it to what the output already holds (the residual add; the output may be the
/// residual buffer itself).
public struct GemmEpilogue: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// `x/2 · (1 + erf(x/√2))` on each result (the FFN's activation).
    public static let gelu = GemmEpilogue(rawValue: QS_EPILOGUE_GELU)
    /// `output += result` instead of `output = result` (the residual connection).
    public static let accumulate = GemmEpilogue(rawValue: QS_EPILOGUE_ACCUMULATE)
}
