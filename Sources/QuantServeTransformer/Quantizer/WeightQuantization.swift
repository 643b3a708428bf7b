/// Symmetric int8 quantization of a weight matrix with one scale per output channel (row):
/// `w ≈ q · scale`, `q` in -127...127, `scale = max|row| / 127`.
struct WeightQuantization: Sendable {
    /// Quantized weights, row-major `[rows, columns]`.
    let values: [Int8]
    /// One positive scale per row.
    let scales: [Float]

    /// Quantizes `weights` (`rows × columns`, row-major). An all-zero row gets scale 1.
    init(weights: [Float], rows: Int, columns: Int) {
        precondition(weights.count == rows * columns)
        var values = [Int8](repeating: 0, count: weights.count)
        var scales = [Float](repeating: 1, count: rows)
        for row in 0..<rows {
            let slice = weights[(row * columns)..<((row + 1) * columns)]
            let largest = slice.reduce(0) { max($0, abs($1)) }
            guard largest > 0 else { continue }
            let scale = largest / 127
            scales[row] = scale
            for (offset, weight) in slice.enumerated() {
                let level = (weight / scale).rounded(.toNearestOrEven)
                values[row * columns + offset] = Int8(max(-127, min(127, level)))
            }
        }
        self.values = values
        self.scales = scales
    }
}
