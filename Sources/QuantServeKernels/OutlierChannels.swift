/// The few input channels of an int8 linear layer that run in fp32 beside the int8 GEMM
/// (LLM.int8-style decomposition with channels fixed at quantization time): the channels whose
/// activations reach far beyond the rest even after smoothing, such as the "massive activations"
/// of the [CLS] token. The layer's quantization multiplier zeroes them (`zeroing`), so the
/// per-token u8 range is set by the other channels, and their int8 weight columns are stored as
/// zeros. `Int8Linear` takes them at init: quantizing its input gathers each row's values at
/// these channels (into `QuantizedActivations`), and the GEMM epilogue adds `Σ_j x[r][channels[j]] · weights[j][n]`
/// to every result in fp32, right after dequantization and bias, on every kernel path.
public struct OutlierChannels: Sendable, Equatable {
    /// The input channels, distinct and ascending.
    public let channels: [Int]
    /// Row `j` (`outFeatures` floats): the full-precision weight column of `channels[j]`.
    public let weights: [Float]
    /// Output channels of the layer (the length of each weight column).
    public let outFeatures: Int

    /// `channels` (distinct, ascending, at least one) with their weight columns, row-major
    /// `channels.count × outFeatures`.
    public init(channels: [Int], weights: [Float], outFeatures: Int) {
        precondition(!channels.isEmpty, "no outlier channels: pass nil instead")
        precondition(zip(channels, channels.dropFirst()).allSatisfy { $0 < $1 }, "channels must ascend")
        precondition(channels[0] >= 0 && weights.count == channels.count * outFeatures)
        self.channels = channels
        self.weights = weights
        self.outFeatures = outFeatures
    }

    /// Number of outlier channels.
    public var count: Int { channels.count }

    /// `multiplier` (the smoothing multipliers, or nil for none) with the outlier channels' set to 0.
    public func zeroing(_ multiplier: [Float]?, inFeatures: Int) -> [Float] {
        var result = multiplier ?? [Float](repeating: 1, count: inFeatures)
        for channel in channels { result[channel] = 0 }
        return result
    }
}
