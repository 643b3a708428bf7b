import Foundation

/// Two JSON summaries' figures side by side: every figure either has, with the ratio B/A.
/// It reads the summaries as plain JSON, so summaries from other quantbench versions (or a
/// sweep's, which adds `best_rate`) compare as far as their keys agree.
struct RunComparison {
    /// One compared figure.
    struct Row: Equatable {
        var label: String
        var baseline: Double?
        var candidate: Double?

        /// candidate / baseline, nil when either is missing or the baseline is 0.
        var ratio: Double? {
            guard let baseline, let candidate, baseline != 0 else { return nil }
            return candidate / baseline
        }
    }

    /// The figures, in display order.
    let rows: [Row]

    /// The rows label and JSON path of every figure compared.
    private static let figures: [(label: String, path: [String])] = [
        ("throughput calls/s", ["throughput_per_second"]),
        ("target rate calls/s", ["target_rate"]),
        ("sent calls/s", ["achieved_send_rate_per_second"]),
        ("best rate calls/s", ["best_rate"]),
        ("succeeded", ["succeeded"]),
        ("failed", ["failed"]),
        ("p50 µs", ["latency_microseconds", "p50"]),
        ("p90 µs", ["latency_microseconds", "p90"]),
        ("p99 µs", ["latency_microseconds", "p99"]),
        ("p99.9 µs", ["latency_microseconds", "p999"]),
        ("p99.99 µs", ["latency_microseconds", "p9999"]),
        ("max µs", ["latency_microseconds", "max"]),
        ("mean µs", ["latency_microseconds", "mean"]),
    ]

    /// The comparison of two decoded JSON summaries.
    init(baseline: [String: Any], candidate: [String: Any]) {
        var rows: [Row] = []
        for (label, path) in Self.figures {
            let row = Row(
                label: label, baseline: Self.number(at: path, in: baseline),
                candidate: Self.number(at: path, in: candidate))
            if row.baseline != nil || row.candidate != nil { rows.append(row) }
        }
        let failures = (baseline["failures"] as? [String: Any] ?? [:]).keys.sorted()
        let moreFailures = (candidate["failures"] as? [String: Any] ?? [:]).keys.sorted()
        for status in Array(Set(failures + moreFailures)).sorted() {
            rows.append(
                Row(
                    label: "failed \(status)",
                    baseline: Self.number(at: ["failures", status], in: baseline) ?? 0,
                    candidate: Self.number(at: ["failures", status], in: candidate) ?? 0
                ))
        }
        self.rows = rows
    }

    /// The table for people: figure, A, B, B/A.
    func table(baselineName: String, candidateName: String) -> String {
        var lines = [
            "A: \(baselineName)",
            "B: \(candidateName)",
            Self.pad(["figure", "A", "B", "B/A"]),
        ]
        for row in rows {
            lines.append(
                Self.pad([
                    row.label, Self.format(row.baseline), Self.format(row.candidate),
                    row.ratio.map { String(format: "%.3f", $0) } ?? "-",
                ]))
        }
        return lines.joined(separator: "\n")
    }

    private static func number(at path: [String], in object: [String: Any]) -> Double? {
        var current: Any? = object
        for key in path { current = (current as? [String: Any])?[key] }
        return (current as? NSNumber)?.doubleValue
    }

    private static func format(_ value: Double?) -> String {
        guard let value else { return "-" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.1f", value)
    }

    private static func pad(_ cells: [String]) -> String {
        let first = cells[0].padding(toLength: max(22, cells[0].count), withPad: " ", startingAt: 0)
        return first
            + cells.dropFirst().map { String(repeating: " ", count: max(0, 14 - $0.count)) + $0 }.joined(separator: " ")
    }
}
