import Foundation
import QuantServeSeededRandom

@testable import quantbench

/// A plausible, synthetic `ReportData`: one minute of an open-loop Embed run at 200 calls/s
/// (Poisson arrivals) with log-normal service times, a 300 ms server stall at second 37 and a
/// trickle of RESOURCE_EXHAUSTED. Seeded, so every call gives the same report. Its title says
/// it is sample data.
enum SampleReport {
    static let rate = 200.0
    static let seconds = 60
    static let deadlineSeconds = 0.25
    static let stall = (start: 37.2, end: 37.5)

    static func data() -> ReportData {
        var random = SeededGenerator(seed: 5)
        var timeline = (0..<seconds + 1).map {
            ReportData.SecondSample(
                second: $0, sent: 0, completed: 0, errors: 0, p50Microseconds: 0, p99Microseconds: 0)
        }
        var latenciesBySecond = Array(repeating: [Double](), count: seconds + 1)
        var failures: [String: Int] = [:]

        // Poisson arrivals: exponential gaps at the target rate.
        var scheduled = -log(1 - random.nextUnit()) / rate
        while scheduled < Double(seconds) {
            timeline[Int(scheduled)].sent += 1
            let serviceSeconds = 0.0042 * exp(0.38 * random.nextGaussian())
            let queued = (stall.start..<stall.end).contains(scheduled) ? stall.end - scheduled : 0
            let latency = queued + serviceSeconds
            let finished = min(Int(scheduled + min(latency, deadlineSeconds)), seconds)
            if latency > deadlineSeconds {
                timeline[finished].errors += 1
                failures["DEADLINE_EXCEEDED", default: 0] += 1
            } else if random.nextUnit() < 0.0015 {
                timeline[finished].errors += 1
                failures["RESOURCE_EXHAUSTED", default: 0] += 1
            } else {
                timeline[finished].completed += 1
                latenciesBySecond[finished].append(latency * 1e6)
            }
            scheduled += -log(1 - random.nextUnit()) / rate
        }
        // Calls finishing after the last whole second are drawn in it, not in a partial one.
        timeline[seconds - 1].completed += timeline[seconds].completed
        timeline[seconds - 1].errors += timeline[seconds].errors
        latenciesBySecond[seconds - 1] += latenciesBySecond[seconds]
        timeline.removeLast()

        for second in 0..<seconds {
            let sorted = latenciesBySecond[second].sorted()
            timeline[second].p50Microseconds = percentile(50, of: sorted)
            timeline[second].p99Microseconds = percentile(99, of: sorted)
        }
        let all = latenciesBySecond.joined().sorted()
        // HdrHistogram-like iteration: ten points per nine, then the maximum.
        let curve = (0..<50).map { 100 * (1 - pow(10, -Double($0) / 10)) } + [100]
        let succeeded = all.count
        let failed = failures.values.reduce(0, +)
        func milliseconds(_ percent: Double) -> String {
            String(format: "%.2f ms", percentile(percent, of: all) / 1_000)
        }
        return ReportData(
            title: "embed ×4 texts, open loop 200 calls/s (Poisson), 127.0.0.1:50051 (sample data)",
            figures: [
                .init(label: "throughput", value: String(format: "%.1f calls/s", Double(succeeded) / Double(seconds))),
                .init(label: "succeeded", value: "\(succeeded)"),
                .init(label: "failed", value: "\(failed)"),
                .init(label: "p50", value: milliseconds(50)),
                .init(label: "p90", value: milliseconds(90)),
                .init(label: "p99", value: milliseconds(99)),
                .init(label: "p99.9", value: milliseconds(99.9)),
                .init(label: "p99.99", value: milliseconds(99.99)),
                .init(label: "max", value: milliseconds(100)),
            ],
            percentileCurve: curve.map { .init(percentile: $0, latencyMicroseconds: percentile($0, of: all)) },
            timeline: timeline,
            failures: failures
        )
    }

    /// The nearest-rank percentile of sorted values (0 for none).
    static func percentile(_ percent: Double, of sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((percent / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

extension SeededGenerator {
    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Standard normal (Box–Muller).
    mutating func nextGaussian() -> Double {
        let radius = (-2 * log(1 - nextUnit())).squareRoot()
        return radius * cos(2 * Double.pi * nextUnit())
    }
}
