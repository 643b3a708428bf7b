import Foundation
import Histogram

/// HdrHistogram's interval log (format version 1.3, as Java's `HistogramLogWriter` writes it
/// and `HistogramLogReader`, `HistogramLogProcessor` and the other libraries read it): a few
/// `#[...]` header comments, a CSV legend, then one line per interval:
/// `start seconds,length seconds,max,base64 of the compressed V2 histogram`, where start is
/// relative to the log's `StartTime` and max is in milliseconds (the values are nanoseconds).
struct IntervalLog: Sendable {
    /// One interval's histogram.
    struct Interval: Sendable {
        /// Seconds from the log's start time.
        var start: Double
        /// Seconds the interval lasted.
        var length: Double
        /// The values recorded in it, in nanoseconds.
        var histogram: Histogram<UInt64>
    }

    /// Why a log could not be read.
    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    /// What the `Interval_Max` column is divided by: nanoseconds shown as milliseconds.
    static let maxValueUnitRatio = 1_000_000.0
    private static let legend = #""StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram""#

    /// Wall-clock time of the start, in seconds since 1970.
    var startTime: Double
    /// The intervals, in order.
    var intervals: [Interval]

    /// A log starting at `startTime` (seconds since 1970) with `intervals`.
    init(startTime: Double, intervals: [Interval]) {
        self.startTime = startTime
        self.intervals = intervals
    }

    /// The log's text.
    func text() throws -> String {
        var lines = [
            "#[Logged with quantbench]",
            "#[Histogram log format version 1.3]",
            "#[StartTime: \(Self.format(startTime)) (seconds since epoch), \(Date(timeIntervalSince1970: startTime))]",
            Self.legend,
        ]
        for interval in intervals {
            let encoded = Data(try HistogramEncoding.compressed(interval.histogram)).base64EncodedString()
            let max = Double(interval.histogram.max) / Self.maxValueUnitRatio
            lines.append(
                "\(Self.format(interval.start)),\(Self.format(interval.length)),\(Self.format(max)),\(encoded)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses a log's text. Intervals may carry a `Tag=...,` prefix (ignored); `BaseTime`
    /// comments are honoured; other comments are skipped.
    init(parsing text: String) throws {
        var startTime = 0.0
        var baseTime: Double?
        var intervals: [Interval] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#[StartTime: ") {
                startTime = Self.leadingNumber(line.dropFirst("#[StartTime: ".count)) ?? 0
                continue
            }
            if line.hasPrefix("#[BaseTime: ") {
                baseTime = Self.leadingNumber(line.dropFirst("#[BaseTime: ".count))
                continue
            }
            if line.hasPrefix("#") || line.hasPrefix("\"StartTimestamp\"") || line.isEmpty { continue }
            var fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if fields.first?.hasPrefix("Tag=") == true { fields.removeFirst() }
            guard fields.count == 4, let start = Double(fields[0]), let length = Double(fields[1]),
                let bytes = Data(base64Encoded: String(fields[3]))
            else {
                throw ParseError(description: "line \(number + 1): not an interval line")
            }
            do {
                let histogram = try HistogramEncoding.decode([UInt8](bytes))
                intervals.append(
                    Interval(
                        start: start + (baseTime.map { $0 - startTime } ?? 0), length: length, histogram: histogram))
            } catch {
                throw ParseError(description: "line \(number + 1): \(error)")
            }
        }
        self.init(startTime: startTime, intervals: intervals)
    }

    /// Every interval's histogram added together.
    var total: Histogram<UInt64> {
        guard var total = intervals.first?.histogram else { return CallRecording.makeHistogram() }
        for interval in intervals.dropFirst() { total.add(interval.histogram) }
        return total
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.3f", value)
    }

    private static func leadingNumber(_ text: Substring) -> Double? {
        Double(text.prefix { $0.isNumber || $0 == "." || $0 == "-" })
    }
}
