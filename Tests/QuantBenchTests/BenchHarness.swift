@testable import quantbench

/// Runs quantbench's load models against a scripted server, as the command does, without the command.
enum BenchHarness {
    /// Runs `load` against `server`'s health Check and returns what was recorded and its summary.
    static func measure(
        _ load: some LoadModel, against server: ScriptedServer, connections: Int = 1,
        warmup: Duration = .zero, duration: Duration, timeout: Duration? = nil
    ) async throws -> (recording: CallRecording, summary: RunSummary) {
        let workload = HealthCheckWorkload(service: "")
        let issuer = try await GRPCCallIssuer(
            host: "127.0.0.1", port: server.port, connectionCount: connections, workload: workload, timeout: timeout
        )
        let recording = await BenchmarkRun(warmup: warmup, duration: duration, showsProgress: false).measure(
            load, through: issuer)
        await issuer.close()
        let summary = RunSummary(
            recording: recording, target: server.target, workload: workload, load: load, connections: connections)
        return (recording, summary)
    }

    /// An open loop at `rate` with constant arrivals and no cap worth speaking of.
    static func openLoop(rate: Double, maxInFlight: Int = 10_000, arrivals: Arrivals = .constant) -> OpenLoop {
        OpenLoop(rate: rate, arrivals: arrivals, maxInFlight: maxInFlight, streamsPerConnection: .max, seed: 1)
    }
}
