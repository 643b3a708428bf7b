import Foundation
import Histogram
import QuantServeSeededRandom
import Testing

@testable import quantbench

/// HdrHistogram's V2 encoding and interval log, against our own histograms and a log
/// written by Java HdrHistogram.
@Suite struct HistogramEncodingTests {
    /// Two intervals of `jHiccup-2.0.7S.logV2.hlog` from HdrHistogram's test resources,
    /// written by Java HdrHistogram (values in nanoseconds, lowest discernible 20 µs, 2 digits).
    static let javaLog = """
        #[Logged with jHiccup version 2.0.7-SNAPSHOT]
        #[Histogram log format version 1.2]
        #[StartTime: 1441753532.570 (seconds since epoch), Tue Sep 08 16:05:32 PDT 2015]
        "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
        0.126,1.007,1.933,HISTFAAAAEB42pNpmSzMwMAgywABTBDKT4GBgdnNYMcCBvsPEBEjDT0FMTUxMT05LgEhPqmIeWxtTAKMTNxM6xmZmAAjcgjc
        7.134,1.515,960.496,HISTFAAAAJV42pNpmSzMwMDUwAABTBDKT4GBgdnNYMcCBvsPEBEWLi4eNkY2PiYOPhYOLgGOLuZjTGLrGZnKgTCYyZrJEoh1mWSZpMFQFkpyM/GCMTKJzOdkYoVCZjgLmc1MhDwzEyMQggl0SH1BbEJIgIUJC2AhUoxchSwsLGwsMIBgYRUkQyFBaQ4g4EIl0PlcpKtB4wMAh5wT+Q==
        """

    @Test func readsALogWrittenByJavaHdrHistogram() throws {
        let log = try IntervalLog(parsing: Self.javaLog)
        #expect(log.startTime == 1_441_753_532.570)
        #expect(log.intervals.map(\.start) == [0.126, 7.134])
        #expect(log.intervals.map(\.length) == [1.007, 1.515])
        let first = log.intervals[0].histogram
        #expect(first.lowestDiscernibleValue == 20_000)
        #expect(first.numberOfSignificantValueDigits == .two)
        // The Interval_Max column (milliseconds) agrees with the decoded maximum.
        for (interval, columnMax) in zip(log.intervals, [1.933, 960.496]) {
            #expect(abs(Double(interval.histogram.max) / 1e6 - columnMax) < columnMax * 0.01)
        }
        // Counts as the HdrHistogram_py decoder reads them.
        #expect(first.totalCount == 802)
        #expect(log.intervals[1].histogram.totalCount == 1_397)
        #expect(first.count(within: 278_000...278_527) == 399)
    }

    /// Re-encoding Java's histogram gives Java's bytes (before compression, which may differ
    /// between zlib builds), but for one difference of Java versions: the 2015 writer of this
    /// log wrote a lone zero count as a run of one zero (-1), today's writes it as 0.
    @Test func encodesAsJavaDoes() throws {
        let line = Self.javaLog.split(separator: "\n").last!
        let javaCompressed = [UInt8](try #require(Data(base64Encoded: String(line.split(separator: ",")[3]))))
        let javaUncompressed = try Zlib.uncompress(Array(javaCompressed.dropFirst(8)), limit: 1 << 20)
        let ours = HistogramEncoding.uncompressed(try HistogramEncoding.decode(javaCompressed))
        // The header but for the payload length (bytes 4..<8).
        #expect(ours.prefix(4) == javaUncompressed.prefix(4))
        #expect(ours[8..<40] == javaUncompressed[8..<40])
        let javaCounts = Self.zigZagValues(javaUncompressed.dropFirst(40)).map { $0 == -1 ? 0 : $0 }
        #expect(Self.zigZagValues(ours.dropFirst(40)) == javaCounts)
        #expect(javaCounts.count > 500)
    }

    /// The ZigZag LEB128 numbers of an encoded counts array.
    private static func zigZagValues(_ bytes: ArraySlice<UInt8>) -> [Int64] {
        var values: [Int64] = []
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for byte in bytes {
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 {
                values.append(Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1))
                value = 0
                shift = 0
            } else {
                shift += 7
            }
        }
        return values
    }

    @Test(arguments: [0, 1, 1_000, 100_000])
    func roundTripsRecordedValues(_ count: Int) throws {
        var generator = SeededGenerator(seed: UInt64(count))
        var histogram = CallRecording.makeHistogram()
        for _ in 0..<count {
            // Latencies from 1 µs to 60 s, spread over the orders of magnitude.
            let exponent = Double.random(in: 3...10.7, using: &generator)
            _ = histogram.record(UInt64(pow(10, exponent)))
        }
        let decoded = try HistogramEncoding.decode(try HistogramEncoding.compressed(histogram))
        #expect(decoded.totalCount == histogram.totalCount)
        #expect(decoded.max == histogram.max)
        #expect(decoded.min == histogram.lowestEquivalentForValue(histogram.min))
        for percentile in [0.0, 50, 90, 99, 99.9, 99.99, 100] {
            #expect(
                decoded.reportedValue(atPercentile: percentile) == histogram.reportedValue(atPercentile: percentile))
        }
        #expect(
            Array(decoded.recordedValues().map { [$0.value, UInt64($0.count)] })
                == Array(histogram.recordedValues().map { [$0.value, UInt64($0.count)] }))
    }

    @Test func refusesWhatIsNotAnEncodedHistogram() {
        #expect(throws: HistogramEncoding.DecodingError.self) {
            try HistogramEncoding.decode([0, 1, 2, 3, 4, 5, 6, 7])
        }
        #expect(throws: HistogramEncoding.DecodingError.self) {
            try HistogramEncoding.decode([0x1C, 0x84, 0x93, 0x13, 0, 0, 0, 9])
        }
        #expect(throws: IntervalLog.ParseError.self) { try IntervalLog(parsing: "0.000,1.000,2.0,not base64!") }
    }
}
