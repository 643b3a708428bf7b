import ArgumentParser
import Foundation

/// `quantbench run` (the default subcommand): one run, or a sweep of open-loop rates.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Drive a gRPC server with one workload and report latency percentiles, throughput and failures.",
        discussion: """
            Closed loop (--concurrency N): N callers, each sending its next call when its previous \
            one ends; answers "how many calls per second do N callers get through". Open loop \
            (--rate R): R calls/s on schedule whatever the server does, latency counted from each \
            call's scheduled time (no coordinated omission); answers "what latency do users see at \
            R calls/s". Sweep (--sweep 'p99<=20ms'): open-loop steps until the objective breaks; \
            answers "how much load can the server take within its objective". Percentiles come from \
            an HdrHistogram of successful calls only; failures are counted by gRPC status name.
            """
    )

    @Argument(help: "The server, host:port.")
    var target = "127.0.0.1:50051"

    @OptionGroup(title: "Workload") var workloadOptions: WorkloadOptions
    @OptionGroup(title: "Load") var loadOptions: LoadOptions
    @OptionGroup(title: "Capacity sweep") var sweepOptions: SweepOptions
    @OptionGroup(title: "Output") var outputOptions: OutputOptions

    func validate() throws {
        guard QuantBench.split(target) != nil else { throw ValidationError("target must be host:port, got \(target)") }
        if sweepOptions.isSweep, loadOptions.rate != nil || loadOptions.concurrency != nil {
            throw ValidationError(
                "--sweep picks the rates itself: drop --rate and --concurrency (see --sweep-start, --sweep-step, --sweep-max)"
            )
        }
    }

    func run() async throws {
        guard let (host, port) = QuantBench.split(target) else { return }
        let workload = try workloadOptions.method.makeWorkload(options: workloadOptions)
        let issuer = try await GRPCCallIssuer(
            host: host, port: port, connectionCount: loadOptions.connections, workload: workload,
            timeout: loadOptions.callTimeout
        )
        let showsProgress = !outputOptions.quiet && ProgressDisplay.standardErrorIsTerminal
        let runner = BenchmarkRun(
            warmup: .seconds(loadOptions.warmup), duration: .seconds(loadOptions.duration), showsProgress: showsProgress
        )
        let outputs = RunOutputs(options: outputOptions)
        let summarize = { (recording: CallRecording, load: any LoadModel) in
            RunSummary(
                recording: recording, target: target, workload: workload, load: load,
                connections: loadOptions.connections)
        }
        if sweepOptions.isSweep {
            let seed = workloadOptions.seed
            let loadOptions = loadOptions
            let sweep = Sweep(
                objectives: sweepOptions.sweep, plan: sweepOptions.plan,
                makeLoad: { loadOptions.openLoop(rate: $0, seed: seed) }, runner: runner
            )
            let outcome = await sweep.run(through: issuer, summarize: summarize) { step in
                guard showsProgress else { return }
                let verdict = step.met ? "met" : "broken"
                let line =
                    "\(step.summary.load): p99 \(step.summary.latencyMicroseconds.p99 / 1_000) ms, \(step.summary.failed) failed, \(verdict)\n"
                FileHandle.standardError.write(Data(line.utf8))
            }
            await issuer.close()
            let sweepSummary = outcome.summary
            let best = sweepSummary.steps[sweepSummary.bestStepIndex].summary
            let report = ReportData(
                summary: best, recording: outcome.bestRecording,
                title: "capacity sweep of \(best.workload) at \(best.target): best step \(best.load)",
                leadingFigures: [sweepSummary.verdictFigure], trailingFigures: sweepSummary.stepFigures
            )
            try outputs.write(summary: best, recording: outcome.bestRecording, report: report)
            print(outputOptions.json ? try sweepSummary.json() : sweepSummary.text)
        } else {
            let load = loadOptions.loadModel(seed: workloadOptions.seed)
            let recording = await runner.measure(load, through: issuer)
            await issuer.close()
            let summary = summarize(recording, load)
            try outputs.write(summary: summary, recording: recording)
            print(outputOptions.json ? try summary.json() : summary.text)
        }
    }
}
