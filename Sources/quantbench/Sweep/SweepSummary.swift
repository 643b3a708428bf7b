import Foundation

/// The result of a sweep. As JSON it is the summary of the best step (the highest rate that
/// met every objective; the first step when none did) with three more keys: `objectives`,
/// `steps` (every step's summary, in the order they ran, each with `target_rate` and `met`)
/// and `best_rate` (null when no step met the objectives).
struct SweepSummary: Encodable, Sendable {
    /// One step: a run at one rate and whether it met the objectives.
    struct Step: Encodable, Sendable {
        var summary: RunSummary
        var met: Bool

        func encode(to encoder: any Encoder) throws {
            try summary.encode(to: encoder)
            var container = encoder.container(keyedBy: ExtraKeys.self)
            try container.encode(met, forKey: .met)
        }
    }

    private enum ExtraKeys: String, CodingKey {
        case met, objectives, steps, bestRate
    }

    var objectives: [Objective]
    var steps: [Step]

    /// The highest rate that met every objective.
    var bestRate: Double? {
        steps.filter(\.met).compactMap(\.summary.targetRate).max()
    }

    /// The index of the best step in `steps` (the first when none met).
    var bestStepIndex: Int {
        guard let bestRate else { return 0 }
        return steps.firstIndex { $0.met && $0.summary.targetRate == bestRate } ?? 0
    }

    func encode(to encoder: any Encoder) throws {
        if !steps.isEmpty { try steps[bestStepIndex].summary.encode(to: encoder) }
        var container = encoder.container(keyedBy: ExtraKeys.self)
        try container.encode(objectives.map(\.description), forKey: .objectives)
        try container.encode(steps, forKey: .steps)
        try container.encode(bestRate, forKey: .bestRate)
    }

    /// The sweep as one JSON object.
    func json() throws -> String {
        String(decoding: try RunSummary.encoder.encode(self), as: UTF8.self)
    }

    /// The table of every step and the verdict, for people.
    var text: String {
        let objectiveText = objectives.map(\.description).joined(separator: ", ")
        var lines = [
            "sweep of \(steps.first.map { "\($0.summary.workload) at \($0.summary.target)" } ?? "nothing") against \(objectiveText)",
            Self.row([
                "step", "target/s", "sent/s", "ok/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors",
                "met",
            ]),
        ]
        for (number, step) in steps.enumerated() {
            let summary = step.summary
            let latency = summary.latencyMicroseconds
            lines.append(
                Self.row([
                    "\(number + 1)", Self.format(summary.targetRate ?? 0, 1),
                    Self.format(summary.achievedSendRatePerSecond, 1),
                    Self.format(summary.throughputPerSecond, 1), Self.format(latency.p50 / 1_000, 2),
                    Self.format(latency.p90 / 1_000, 2),
                    Self.format(latency.p99 / 1_000, 2), Self.format(latency.p999 / 1_000, 2),
                    Self.format(latency.max / 1_000, 2),
                    "\(Self.format(summary.errorRate * 100, 2))%", step.met ? "yes" : "no",
                ]))
        }
        if let bestRate {
            lines.append("best rate meeting \(objectiveText): \(Self.format(bestRate, 1)) calls/s")
        } else {
            lines.append(
                "no rate met \(objectiveText) (lowest tried: \(Self.format(steps.first?.summary.targetRate ?? 0, 1)) calls/s)"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// The verdict as a headline figure of the HTML report.
    var verdictFigure: ReportData.Figure {
        ReportData.Figure(
            label: "best rate meeting \(objectives.map(\.description).joined(separator: ", "))",
            value: bestRate.map { "\(Self.format($0, 1)) calls/s" } ?? "none"
        )
    }

    /// One headline figure per step for the HTML report.
    var stepFigures: [ReportData.Figure] {
        steps.enumerated().map { number, step in
            let summary = step.summary
            return ReportData.Figure(
                label: "step \(number + 1): \(Self.format(summary.targetRate ?? 0, 1)) calls/s",
                value:
                    "p99 \(Self.format(summary.latencyMicroseconds.p99 / 1_000, 2)) ms, errors \(Self.format(summary.errorRate * 100, 2))%, "
                    + (step.met ? "met" : "broken")
            )
        }
    }

    private static func row(_ cells: [String]) -> String {
        cells.map { $0.count >= 9 ? $0 : String(repeating: " ", count: 9 - $0.count) + $0 }.joined(separator: " ")
    }

    private static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}
