import Histogram

/// Where HdrHistogram keeps the count of each value: the bucket and sub-bucket arithmetic
/// shared by every HdrHistogram implementation, which the encoding's counts array follows
/// index by index. hdrhistogram-swift keeps it internal, so it is restated here from the
/// histogram's three parameters.
struct HistogramLayout: Equatable, Sendable {
    let lowestDiscernibleValue: UInt64
    let highestTrackableValue: UInt64
    let significantDigits: Int
    private let unitMagnitude: Int
    private let subBucketHalfCountMagnitude: Int
    private let subBucketMask: UInt64
    private let leadingZeroCountBase: Int
    /// Entries of the counts array.
    let countsLength: Int

    /// The layout of a histogram with these parameters, or nil when they are out of range.
    init?(lowestDiscernibleValue: UInt64, highestTrackableValue: UInt64, significantDigits: Int) {
        guard lowestDiscernibleValue >= 1, (0...5).contains(significantDigits),
            highestTrackableValue >= 2 * lowestDiscernibleValue
        else { return nil }
        self.lowestDiscernibleValue = lowestDiscernibleValue
        self.highestTrackableValue = highestTrackableValue
        self.significantDigits = significantDigits
        var largestSingleUnitValue: UInt64 = 2
        for _ in 0..<significantDigits { largestSingleUnitValue *= 10 }
        let subBucketCountMagnitude = 64 - (largestSingleUnitValue - 1).leadingZeroBitCount  // ceil(log2)
        unitMagnitude = 63 - lowestDiscernibleValue.leadingZeroBitCount  // floor(log2)
        subBucketHalfCountMagnitude = max(subBucketCountMagnitude, 1) - 1
        guard unitMagnitude + subBucketHalfCountMagnitude <= 61 else { return nil }
        let subBucketCount = 1 << (subBucketHalfCountMagnitude + 1)
        subBucketMask = UInt64(subBucketCount - 1) << UInt64(unitMagnitude)
        leadingZeroCountBase = 64 - unitMagnitude - subBucketHalfCountMagnitude - 1
        var smallestUntrackable = UInt64(subBucketCount) << UInt64(unitMagnitude)
        var buckets = 1
        while smallestUntrackable <= highestTrackableValue {
            if smallestUntrackable > UInt64.max / 2 {
                buckets += 1
                break
            }
            smallestUntrackable <<= 1
            buckets += 1
        }
        countsLength = (buckets + 1) * (subBucketCount / 2)
    }

    /// The layout of `histogram`.
    init?<Count>(of histogram: Histogram<Count>) {
        self.init(
            lowestDiscernibleValue: histogram.lowestDiscernibleValue,
            highestTrackableValue: histogram.highestTrackableValue,
            significantDigits: Int(histogram.numberOfSignificantValueDigits.rawValue)
        )
    }

    /// The counts-array index of `value`.
    func index(of value: UInt64) -> Int {
        let bucket = leadingZeroCountBase - (value | subBucketMask).leadingZeroBitCount
        let subBucket = Int(value >> UInt64(bucket + unitMagnitude))
        return ((bucket + 1) << subBucketHalfCountMagnitude) + subBucket - (1 << subBucketHalfCountMagnitude)
    }

    /// The lowest value counted at `index`.
    func value(at index: Int) -> UInt64 {
        var bucket = (index >> subBucketHalfCountMagnitude) - 1
        var subBucket = (index & ((1 << subBucketHalfCountMagnitude) - 1)) + (1 << subBucketHalfCountMagnitude)
        if bucket < 0 {
            subBucket -= 1 << subBucketHalfCountMagnitude
            bucket = 0
        }
        return UInt64(subBucket) << UInt64(bucket + unitMagnitude)
    }
}
