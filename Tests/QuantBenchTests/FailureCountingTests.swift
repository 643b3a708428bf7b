import QuantServeGRPC
import QuantServeTestSupport
import Testing

@testable import quantbench

/// Failures are counted by status, exactly, and never enter the latency percentiles.
@Suite(.tags(.loopback)) struct FailureCountingTests {
    enum Mode: String, CaseIterable, CustomTestStringConvertible {
        case closedLoop, openLoop
        var testDescription: String { rawValue }
    }

    @Test(arguments: Mode.allCases)
    func countsEveryFailureByItsStatus(_ mode: Mode) async throws {
        let server = try await ScriptedServer.start(.failing(every: 4, code: .resourceExhausted))
        let load: any LoadModel = mode == .closedLoop ? ClosedLoop(concurrency: 4) : BenchHarness.openLoop(rate: 400)
        let (recording, summary) = try await BenchHarness.measure(load, against: server, duration: .seconds(1))
        await server.stop()

        #expect(summary.failures == ["RESOURCE_EXHAUSTED": server.tally.failed])
        #expect(summary.failed == server.tally.failed)
        #expect(summary.succeeded == server.tally.succeeded)
        #expect(summary.succeeded + summary.failed == summary.sent)
        // One call in four failed.
        #expect(abs(summary.failed * 4 - summary.sent) <= 4, "\(summary.failed) of \(summary.sent) failed")
        #expect(summary.failed > 50)
        // Only successful calls are in the histogram.
        #expect(Int(recording.latencies.totalCount) == summary.succeeded)
    }

    @Test func callsToAStoppedServerAreFailuresWithoutLatency() async throws {
        let server = try await ScriptedServer.start(.immediate)
        let port = server.port
        let workload = HealthCheckWorkload(service: "")
        let issuer = try await GRPCCallIssuer(
            host: "127.0.0.1", port: port, connectionCount: 1, workload: workload, timeout: .milliseconds(200))
        await server.stop()
        let recording = await BenchmarkRun(warmup: .zero, duration: .milliseconds(100), showsProgress: false)
            .measure(BenchHarness.openLoop(rate: 100), through: issuer)
        await issuer.close()
        #expect(recording.succeeded == 0)
        #expect(recording.failed == recording.sent)
        #expect(
            recording.failures.keys.allSatisfy { ["UNAVAILABLE", "TRANSPORT", "DEADLINE_EXCEEDED"].contains($0) },
            "\(recording.failures)")
        #expect(recording.latencies.totalCount == 0)
    }
}
