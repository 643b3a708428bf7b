/// A run second by second as CSV: `second,sent,completed,errors,p50_us,p99_us`, one row
/// per second from the start of measurement (the fields of `ReportData.SecondSample`).
enum TimeSeriesCSV {
    static let header = "second,sent,completed,errors,p50_us,p99_us"

    /// The CSV text of `samples`.
    static func text(_ samples: [ReportData.SecondSample]) -> String {
        var lines = [header]
        for sample in samples {
            lines.append(
                "\(sample.second),\(sample.sent),\(sample.completed),\(sample.errors),"
                    + "\(formatMicroseconds(sample.p50Microseconds)),\(formatMicroseconds(sample.p99Microseconds))"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func formatMicroseconds(_ value: Double) -> String {
        String(Int(value.rounded()))
    }
}
