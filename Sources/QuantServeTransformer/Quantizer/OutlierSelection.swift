/// The fp32 outlier channels the quantizer picks for one int8 layer (see `OutlierChannels`): the
/// `count` input channels whose calibration maxima stay largest after smoothing. Those are the
/// "massive activations" a few channels reach on a few tokens (all-MiniLM-L6-v2's [CLS] token:
/// 13.6 in one channel of layer 0's FFN down input where the token's other channels stay below
/// 0.15), which would otherwise set the token's u8 step for all its channels.
struct OutlierSelection {
    /// The chosen input channels, ascending.
    let channels: [Int]

    /// The channels of `activationMaxima` (one per input channel) with the `count` largest
    /// `maximum · multiplier` (`inputMultipliers`: the smoothing's, or nil for none).
    init(count: Int, activationMaxima: [Float], inputMultipliers: [Float]?) {
        let effective = activationMaxima.indices.map { activationMaxima[$0] * (inputMultipliers?[$0] ?? 1) }
        channels = effective.indices.sorted { effective[$0] > effective[$1] }.prefix(count).sorted()
    }

    /// `weights` (`rows × columns`, row-major) with the chosen columns set to zero: the int8
    /// matrix then neither holds them nor spends its per-row scale on them.
    func zeroingColumns(of weights: [Float], rows: Int, columns: Int) -> [Float] {
        var result = weights
        for row in 0..<rows {
            for channel in channels { result[row * columns + channel] = 0 }
        }
        return result
    }

    /// The chosen columns of `weights` (`rows × columns`) as rows: `[channels.count, rows]`.
    func columns(of weights: [Float], rows: Int, columns: Int) -> [Float] {
        channels.flatMap { channel in (0..<rows).map { weights[$0 * columns + channel] } }
    }

    /// The I32 little-endian bytes of the channel indices.
    var channelBytes: [UInt8] {
        channels.flatMap { withUnsafeBytes(of: Int32($0).littleEndian, Array.init) }
    }
}
