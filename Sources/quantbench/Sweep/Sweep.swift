/// A capacity search: open-loop runs at the rates a `SweepPlan` picks, each held to the
/// objectives, until the plan is done.
struct Sweep: Sendable {
    let objectives: [Objective]
    let plan: SweepPlan
    /// Makes the open loop of each step.
    let makeLoad: @Sendable (Double) -> OpenLoop
    /// Runs each step.
    let runner: BenchmarkRun

    /// A finished step: its summary, its recording and whether it met the objectives.
    struct Outcome: Sendable {
        var summary: SweepSummary
        /// The recording of the best step (the first when none met).
        var bestRecording: CallRecording
    }

    /// Runs the steps through `issuer`; `summarize` turns a step's recording into its summary.
    func run(
        through issuer: some CallIssuer, summarize: (CallRecording, OpenLoop) -> RunSummary,
        stepFinished: (SweepSummary.Step) -> Void = { _ in }
    ) async -> Outcome {
        var steps: [SweepSummary.Step] = []
        var recordings: [CallRecording] = []
        while let rate = plan.nextRate(after: steps.map { ($0.summary.targetRate ?? 0, $0.met) }) {
            let load = makeLoad(rate)
            let recording = await runner.measure(load, through: issuer)
            let summary = summarize(recording, load)
            let step = SweepSummary.Step(
                summary: summary, met: summary.succeeded > 0 && objectives.allSatisfy { $0.isMet(by: summary) })
            stepFinished(step)
            steps.append(step)
            recordings.append(recording)
        }
        let summary = SweepSummary(objectives: objectives, steps: steps)
        return Outcome(summary: summary, bestRecording: recordings[summary.bestStepIndex])
    }
}
