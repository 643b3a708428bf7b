import ArgumentParser

/// A service-level objective a sweep holds each step to: a latency percentile at most a
/// bound (`p99<=20ms`, `p99.9<50ms`, `max<=1s`, `mean<=5ms`), or the failed share of calls
/// at most a bound (`errors<=1%`).
struct Objective: Sendable, Equatable, CustomStringConvertible, ExpressibleByArgument {
    /// What is bounded.
    enum Figure: Sendable, Equatable {
        /// A latency figure of the summary, by its JSON key (`p50` ... `p9999`, `max`, `mean`).
        case latency(String)
        /// Failed calls over calls that ended.
        case errorRate
    }

    let figure: Figure
    /// The bound: microseconds for latency, a fraction (0.01 for 1%) for the error rate.
    let bound: Double
    /// Whether the bound itself meets the objective (`<=`) or not (`<`).
    let inclusive: Bool
    /// The text it was parsed from.
    let description: String

    private static let latencyNames = [
        "p50": "p50", "p90": "p90", "p99": "p99", "p99.9": "p999", "p999": "p999",
        "p99.99": "p9999", "p9999": "p9999", "max": "max", "mean": "mean",
    ]
    private static let units = ["us": 1.0, "µs": 1.0, "ms": 1_000.0, "s": 1_000_000.0]

    /// Parses `p99<=20ms`, `errors<=1%` and the like; nil when it is none of them.
    init?(argument: String) {
        let text = argument.filter { !$0.isWhitespace }
        let inclusive = text.contains("<=")
        let parts = text.components(separatedBy: inclusive ? "<=" : "<")
        guard parts.count == 2 else { return nil }
        let name = parts[0].lowercased()
        let value = parts[1]
        if name == "errors" || name == "error-rate" {
            guard value.hasSuffix("%"), let percent = Double(value.dropLast()), percent >= 0 else { return nil }
            figure = .errorRate
            bound = percent / 100
        } else if let key = Self.latencyNames[name] {
            guard
                let (unit, scale) = Self.units.first(where: {
                    value.hasSuffix($0.key) && Double(value.dropLast($0.key.count)) != nil
                }),
                let number = Double(value.dropLast(unit.count)), number > 0
            else { return nil }
            figure = .latency(key)
            bound = number * scale
        } else {
            return nil
        }
        self.inclusive = inclusive
        description = text
    }

    /// The figure's value in `summary` (microseconds, or a fraction for the error rate).
    func value(in summary: RunSummary) -> Double {
        let latency = summary.latencyMicroseconds
        switch figure {
        case .errorRate: return summary.errorRate
        case .latency("p50"): return latency.p50
        case .latency("p90"): return latency.p90
        case .latency("p99"): return latency.p99
        case .latency("p999"): return latency.p999
        case .latency("p9999"): return latency.p9999
        case .latency("mean"): return latency.mean
        case .latency: return latency.max
        }
    }

    /// Whether `summary` meets the objective.
    func isMet(by summary: RunSummary) -> Bool {
        let value = value(in: summary)
        return inclusive ? value <= bound : value < bound
    }
}
