import ArgumentParser

/// `--sweep`: find the highest open-loop rate that meets one or more objectives.
struct SweepOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Sweep the open-loop rate until this objective breaks, e.g. 'p99<=20ms' or 'errors<=1%' (repeat for several; all must hold).",
            valueName: "objective"
        ))
    var sweep: [Objective] = []

    @Option(help: "Sweep: the first rate, calls/s.")
    var sweepStart: Double = 50

    @Option(
        help:
            "Sweep: add this many calls/s per step (linear steps); without it the rate doubles until the objective breaks, then bisects."
    )
    var sweepStep: Double?

    @Option(help: "Sweep: the highest rate tried, calls/s.")
    var sweepMax: Double = 1_000_000

    @Option(
        help:
            "Sweep: bisection stops when the gap between the best rate met and the lowest rate broken is at most this fraction of the former."
    )
    var sweepPrecision: Double = 0.05

    func validate() throws {
        guard sweepStart > 0, sweepMax >= sweepStart else {
            throw ValidationError("--sweep-start must be positive and at most --sweep-max")
        }
        guard sweepStep ?? 1 > 0 else { throw ValidationError("--sweep-step must be positive") }
        guard sweepPrecision > 0, sweepPrecision < 1 else {
            throw ValidationError("--sweep-precision must be between 0 and 1")
        }
    }

    /// Whether a sweep was asked for.
    var isSweep: Bool { !sweep.isEmpty }

    /// The plan of rates these options describe.
    var plan: SweepPlan {
        SweepPlan(start: sweepStart, step: sweepStep, max: sweepMax, precision: sweepPrecision)
    }
}
