/// Records, for every linear layer, the largest magnitude each input channel reaches over the
/// batches it observes: the calibration statistics of activation smoothing.
final class ActivationRangeRecorder {
    private(set) var maxima: [LinearSite: [Float]] = [:]

    /// Folds `input` (`rows × columns`) into the statistics of `site`.
    func observe(_ site: LinearSite, input: UnsafePointer<Float>, rows: Int, columns: Int) {
        var largest = maxima[site] ?? [Float](repeating: 0, count: columns)
        for row in 0..<rows {
            let values = input + row * columns
            for column in 0..<columns { largest[column] = max(largest[column], abs(values[column])) }
        }
        maxima[site] = largest
    }
}
