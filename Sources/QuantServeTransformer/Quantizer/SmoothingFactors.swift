import Foundation

/// SmoothQuant factors of one linear layer: `s_j = max|x_j|^alpha / max|w_j|^(1 - alpha)` per input
/// channel `j`, moving quantization difficulty from activation outliers into the weights.
/// The weights' column `j` is multiplied by `s_j` and activations by `1 / s_j` at run time.
struct SmoothingFactors {
    /// `1 / s_j`, the run-time multiplier of input channel `j`.
    let inputMultipliers: [Float]
    private let factors: [Float]

    /// Factors from calibration maxima and the layer's weights (`rows × maxima.count`, row-major).
    /// Channel maxima are floored at a twentieth of their median, so a channel quiet during
    /// calibration is not amplified without bound when it wakes up.
    init(activationMaxima: [Float], weights: [Float], rows: Int, alpha: Double) {
        let columns = activationMaxima.count
        var weightMaxima = [Float](repeating: 0, count: columns)
        for row in 0..<rows {
            for column in 0..<columns {
                weightMaxima[column] = max(weightMaxima[column], abs(weights[row * columns + column]))
            }
        }
        let median = activationMaxima.sorted()[columns / 2]
        let floor = max(median / 20, 1e-6)
        factors = zip(activationMaxima, weightMaxima).map { activation, weight in
            let smoothed = pow(Double(max(activation, floor)), alpha) / pow(Double(max(weight, 1e-6)), 1 - alpha)
            return Float(smoothed)
        }
        inputMultipliers = factors.map { 1 / $0 }
    }

    /// `weights` (`rows × columns`) with column `j` multiplied by `s_j`.
    func smoothing(_ weights: [Float], rows: Int) -> [Float] {
        let columns = factors.count
        var result = weights
        for row in 0..<rows {
            for column in 0..<columns { result[row * columns + column] *= factors[column] }
        }
        return result
    }
}
