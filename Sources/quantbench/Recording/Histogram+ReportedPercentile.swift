import Histogram

extension Histogram {
    /// The value at `percentile` (0...100) as HdrHistogram reports it: the highest value
    /// equivalent to the recorded values at that rank, so that p100 is `max`. Unlike
    /// `valueAtPercentile`, it does not clamp to the exact maximum recorded, which no
    /// encoding keeps: a histogram read back from an interval log reports the same figures.
    func reportedValue(atPercentile percentile: Double) -> UInt64 {
        totalCount == 0 ? 0 : highestEquivalentForValue(valueAtPercentile(percentile))
    }
}
