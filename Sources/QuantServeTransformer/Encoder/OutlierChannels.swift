/// The few input channels of an int8 linear layer that run in fp32 beside the int8 GEMM
/// (LLM.int8-style decomposition with channels fixed at quantization time): the channels whose
/// activations reach far beyond the rest even after smoothing, such as the "massive activations"
/// of the [CLS] token. Their smoothing multiplier is 0 at run time (so the per-token u8 range is
/// set by the other channels, and their int8 weight columns are stored as zeros), and
/// `accumulate` adds their exact product `x[c] · W[:, c]` to the GEMM's output.
struct OutlierChannels: Sendable {
    /// The input channels, ascending.
    let channels: [Int]
    /// Row `j` (`outFeatures` floats): the full-precision weight column of `channels[j]`.
    let weights: WeightBuffer
    let outFeatures: Int

    /// `output[r] += Σ_j input[r][channels[j]] · weights[j]` for `rows` rows of `inFeatures`
    /// floats in and `outFeatures` floats out. A row's result depends only on that row.
    func accumulate(
        _ input: UnsafePointer<Float>, rows: Int, inFeatures: Int, into output: UnsafeMutablePointer<Float>
    ) {
        let columns = weights.pointer
        let width = outFeatures
        for row in 0..<rows {
            let destination = output + row * width
            for (index, channel) in channels.enumerated() {
                let value = input[row * inFeatures + channel]
                let column = columns + index * width
                for feature in 0..<width { destination[feature] += value * column[feature] }
            }
        }
    }

    /// `multiplier` (the smoothing multipliers, or nil for none) with the outlier channels' set to 0.
    func zeroing(_ multiplier: [Float]?, inFeatures: Int) -> [Float] {
        var result = multiplier ?? [Float](repeating: 1, count: inFeatures)
        for channel in channels { result[channel] = 0 }
        return result
    }

    var memoryBytes: Int { weights.memoryBytes + 8 * channels.count }
}
