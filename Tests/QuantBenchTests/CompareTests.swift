import Foundation
import Testing

@testable import quantbench

/// `quantbench compare`: each figure of two summaries side by side with B/A.
@Suite struct CompareTests {
    static var baseline: [String: Any] {
        [
            "throughput_per_second": 1_000.0, "succeeded": 10_000, "failed": 10, "target_rate": 1_000,
            "failures": ["UNAVAILABLE": 10],
            "latency_microseconds": [
                "p50": 500.0, "p90": 800.0, "p99": 2_000.0, "p999": 5_000.0, "p9999": 9_000.0, "max": 12_000.0,
                "mean": 600.0,
            ],
        ]
    }
    static var candidate: [String: Any] {
        [
            "throughput_per_second": 1_500.0, "succeeded": 15_000, "failed": 0, "target_rate": 1_500,
            "best_rate": 1_500,
            "failures": ["DEADLINE_EXCEEDED": 3],
            "latency_microseconds": [
                "p50": 250.0, "p90": 400.0, "p99": 3_000.0, "p999": 5_000.0, "p9999": 9_900.0, "max": 6_000.0,
                "mean": 300.0,
            ],
        ]
    }

    @Test func ratiosAreBOverA() throws {
        let comparison = RunComparison(baseline: Self.baseline, candidate: Self.candidate)
        func row(_ label: String) throws -> RunComparison.Row {
            try #require(comparison.rows.first { $0.label == label })
        }
        #expect(try row("throughput calls/s").ratio == 1.5)
        #expect(try row("p50 µs").ratio == 0.5)
        #expect(try row("p99 µs").ratio == 1.5)
        #expect(try row("p99.99 µs").ratio == 1.1)
        #expect(try row("max µs").ratio == 0.5)
        #expect(try row("failed").ratio == 0)
        #expect(try row("best rate calls/s").baseline == nil)
        #expect(try row("best rate calls/s").ratio == nil)
        #expect(try row("failed UNAVAILABLE").candidate == 0)
        #expect(try row("failed DEADLINE_EXCEEDED").baseline == 0)
        let table = comparison.table(baselineName: "a.json", candidateName: "b.json")
        #expect(table.contains("1.500"))
        #expect(table.split(separator: "\n").contains { $0.hasPrefix("p50 µs") && $0.hasSuffix("0.500") })
    }

    /// The command reads the files `--json` writes.
    @Test func comparesTwoSummaryFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "quantbench-compare-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("a.json")
        let b = folder.appendingPathComponent("b.json")
        try JSONSerialization.data(withJSONObject: Self.baseline).write(to: a)
        try JSONSerialization.data(withJSONObject: Self.candidate).write(to: b)
        let parsed = try QuantBench.parseAsRoot(["compare", a.path, b.path])
        let command = try #require(parsed as? CompareCommand)
        try command.run()
        let missing = try #require(
            try QuantBench.parseAsRoot(["compare", a.path, folder.appendingPathComponent("missing.json").path])
                as? CompareCommand)
        #expect(throws: (any Error).self) { try missing.run() }
    }
}
