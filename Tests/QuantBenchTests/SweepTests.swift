import Foundation
import QuantServeTestSupport
import Testing

@testable import quantbench

/// `--sweep`: objectives, the choice of rates, and finding a server's known capacity.
@Suite(.tags(.loopback)) struct SweepTests {
    @Test func parsesObjectives() throws {
        let p99 = try #require(Objective(argument: "p99<=20ms"))
        #expect(p99.figure == .latency("p99") && p99.bound == 20_000 && p99.inclusive)
        let p999 = try #require(Objective(argument: "p99.9 < 1.5s"))
        #expect(p999.figure == .latency("p999") && p999.bound == 1_500_000 && !p999.inclusive)
        let max = try #require(Objective(argument: "max<=800us"))
        #expect(max.figure == .latency("max") && max.bound == 800)
        let errors = try #require(Objective(argument: "errors<=1%"))
        #expect(errors.figure == .errorRate && errors.bound == 0.01)
        for refused in ["p99<=20", "p42<=1ms", "errors<=1", "latency<=3ms", "p99>=20ms", "p99<=-1ms", ""] {
            #expect(Objective(argument: refused) == nil, "\(refused)")
        }
    }

    /// The rates a sweep tries against a server that meets the objective up to 300 calls/s.
    @Test func doublesThenBisects() {
        let plan = SweepPlan(start: 50, step: nil, max: 10_000, precision: 0.05)
        #expect(Self.rates(plan, capacity: 300) == [50, 100, 200, 400, 300, 350, 325, 313])
        // Never beyond the maximum; done when the maximum is met.
        #expect(
            Self.rates(SweepPlan(start: 50, step: nil, max: 150, precision: 0.05), capacity: 300) == [50, 100, 150])
        // Nothing met: one step.
        #expect(Self.rates(plan, capacity: 10) == [50])
    }

    @Test func stepsLinearly() {
        let plan = SweepPlan(start: 100, step: 100, max: 10_000, precision: 0.05)
        #expect(Self.rates(plan, capacity: 300) == [100, 200, 300, 400])
        #expect(Self.rates(SweepPlan(start: 100, step: 100, max: 250, precision: 0.05), capacity: 300) == [100, 200])
    }

    private static func rates(_ plan: SweepPlan, capacity: Double) -> [Double] {
        var steps: [(rate: Double, met: Bool)] = []
        while let rate = plan.nextRate(after: steps), steps.count < 50 { steps.append((rate, rate <= capacity)) }
        return steps.map(\.rate)
    }

    /// A server that serves one call at a time in 10 ms holds 100 calls/s; beyond that its
    /// queue grows by (rate - 100) calls per second, and over a 1 s step p99 reaches about
    /// (rate - 100) × 10 ms: past 250 ms from about 125 calls/s on. The objective is that wide
    /// so that a loaded machine's pauses (tens of ms) cannot break a rate under the capacity:
    /// the test is about the sweep finding the knee, not about the machine's timing.
    @Test func findsTheKneeOfAServerOfKnownCapacity() async throws {
        let server = try await ScriptedServer.start(.serial(serviceTime: .milliseconds(10)))
        let workload = HealthCheckWorkload(service: "")
        let issuer = try await GRPCCallIssuer(
            host: "127.0.0.1", port: server.port, connectionCount: 1, workload: workload, timeout: nil)
        let objective = try #require(Objective(argument: "p99<=250ms"))
        let sweep = Sweep(
            objectives: [objective], plan: SweepPlan(start: 30, step: nil, max: 1_000, precision: 0.1),
            makeLoad: { BenchHarness.openLoop(rate: $0) },
            runner: BenchmarkRun(warmup: .milliseconds(200), duration: .seconds(1), showsProgress: false)
        )
        let outcome = await sweep.run(through: issuer) { recording, load in
            RunSummary(recording: recording, target: server.target, workload: workload, load: load, connections: 1)
        }
        await issuer.close()
        await server.stop()

        let summary = outcome.summary
        let table = summary.text
        let best = try #require(summary.bestRate, "\(table)")
        #expect(best >= 80 && best <= 160, "\(table)")
        for step in summary.steps {
            let rate = try #require(step.summary.targetRate)
            if rate <= 70 { #expect(step.met, "\(table)") }
            if rate >= 200 { #expect(!step.met, "\(table)") }
        }
        #expect(table.contains("best rate meeting p99<=250ms: \(String(format: "%.1f", best)) calls/s"))
        #expect(table.split(separator: "\n").count == summary.steps.count + 3)

        // JSON: the best step's summary at the top, every step, the best rate.
        let json = try #require(try JSONSerialization.jsonObject(with: Data(summary.json().utf8)) as? [String: Any])
        #expect(json["best_rate"] as? Double == best)
        #expect(json["target_rate"] as? Double == best)
        let steps = try #require(json["steps"] as? [[String: Any]])
        #expect(steps.count == summary.steps.count)
        #expect(steps.allSatisfy { $0["target_rate"] != nil && $0["met"] != nil && $0["latency_microseconds"] != nil })
        #expect(json["objectives"] as? [String] == ["p99<=250ms"])
    }

    /// An error-rate objective no rate meets: no best rate, and JSON says so with null.
    @Test func reportsWhenNoRateMeetsTheObjective() async throws {
        let server = try await ScriptedServer.start(.failing(every: 20, code: .unavailable))
        let workload = HealthCheckWorkload(service: "")
        let issuer = try await GRPCCallIssuer(
            host: "127.0.0.1", port: server.port, connectionCount: 1, workload: workload, timeout: nil)
        let sweep = Sweep(
            objectives: [try #require(Objective(argument: "errors<=1%"))],
            plan: SweepPlan(start: 200, step: nil, max: 1_000, precision: 0.1),
            makeLoad: { BenchHarness.openLoop(rate: $0) },
            runner: BenchmarkRun(warmup: .zero, duration: .milliseconds(500), showsProgress: false)
        )
        let outcome = await sweep.run(through: issuer) { recording, load in
            RunSummary(recording: recording, target: server.target, workload: workload, load: load, connections: 1)
        }
        await issuer.close()
        await server.stop()
        #expect(outcome.summary.steps.count == 1)
        #expect(outcome.summary.bestRate == nil)
        #expect(try outcome.summary.json().contains("\"best_rate\":null"))
        #expect(outcome.summary.text.contains("no rate met errors<=1%"))
    }
}
