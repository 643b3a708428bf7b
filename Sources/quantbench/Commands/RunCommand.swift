import ArgumentParser
import Foundation

/// `quantbench run` (the default subcommand): one run, or a sweep of open-loop rates.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Drive a gRPC server with one workload and report latency percentiles, throughput and failures.",
        discussion: """
            Closed loop (--concurrency N): N callers, each sending its next call when its previous \
            one ends; answers "what throughput do N callers get". Open loop (--rate R): R calls/s \
            on schedule whatever the server does, latency counted from each call's scheduled time \
            (no coordinated omission); answers "what latency do users see at R calls/s". \
            Percentiles come from an HdrHistogram of successful calls only; failures are counted \
            by gRPC status name.
            """
    )

    @Argument(help: "The server, host:port.")
    var target = "127.0.0.1:50051"

    @OptionGroup var workloadOptions: WorkloadOptions
    @OptionGroup var loadOptions: LoadOptions
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard QuantBench.split(target) != nil else { throw ValidationError("target must be host:port, got \(target)") }
    }

    func run() async throws {
        guard let (host, port) = QuantBench.split(target) else { return }
        let workload = try workloadOptions.method.makeWorkload(options: workloadOptions)
        let issuer = try await GRPCCallIssuer(
            host: host, port: port, connectionCount: loadOptions.connections, workload: workload, timeout: loadOptions.callTimeout
        )
        let run = BenchmarkRun(
            warmup: .seconds(loadOptions.warmup), duration: .seconds(loadOptions.duration),
            showsProgress: !outputOptions.quiet && ProgressDisplay.standardErrorIsTerminal
        )
        let load = loadOptions.loadModel(seed: workloadOptions.seed)
        let recording = await run.measure(load, through: issuer)
        await issuer.close()
        let summary = RunSummary(recording: recording, target: target, workload: workload, load: load, connections: loadOptions.connections)
        print(outputOptions.json ? try summary.json() : summary.text)
    }
}
