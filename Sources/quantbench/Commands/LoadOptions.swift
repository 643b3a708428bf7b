import ArgumentParser

/// How the load is made: closed loop (`--concurrency`) or open loop (`--rate`), over how
/// many connections and streams, for how long.
struct LoadOptions: ParsableArguments {
    @Option(
        help:
            "Open loop: calls per second, sent on schedule whatever the server does; latency counts from each call's scheduled time."
    )
    var rate: Double?

    @Option(help: "Open loop: how calls are spaced, constant or poisson.")
    var arrivals = Arrivals.constant

    @Option(
        help:
            "Open loop: calls in flight at most; a call due beyond it waits for a free stream and its latency still counts from its scheduled time."
    )
    var maxInFlight = 10_000

    @Option(
        help:
            "Closed loop: calls in flight, each caller sending its next call when its previous one ends (default: connections × streams per connection when that is given, else 16 or one per connection if more)."
    )
    var concurrency: Int?

    @Option(help: "HTTP/2 connections the calls are spread over.")
    var connections = 1

    @Option(
        help:
            "Calls in flight at most on one connection (closed loop: also sets the default --concurrency to connections × this)."
    )
    var streamsPerConnection: Int?

    @Option(help: "Seconds of measurement.")
    var duration: Double = 10

    @Option(help: "Seconds of calls before measurement starts (made, not recorded).")
    var warmup: Double = 2

    @Option(help: "Per-call deadline in seconds (0: none).")
    var timeout: Double = 0

    func validate() throws {
        guard connections > 0 else { throw ValidationError("--connections must be positive") }
        guard streamsPerConnection ?? 1 > 0, concurrency ?? 1 > 0, maxInFlight > 0 else {
            throw ValidationError("--streams-per-connection, --concurrency and --max-in-flight must be positive")
        }
        guard duration > 0, warmup >= 0, timeout >= 0 else {
            throw ValidationError("--duration must be positive, --warmup and --timeout not negative")
        }
        if let rate {
            guard rate > 0, rate.isFinite else { throw ValidationError("--rate must be a positive number") }
            guard concurrency == nil else {
                throw ValidationError("--rate (open loop) and --concurrency (closed loop) exclude each other")
            }
        }
        if let streamsPerConnection, let concurrency, concurrency > connections * streamsPerConnection {
            throw ValidationError(
                "--concurrency \(concurrency) exceeds --connections × --streams-per-connection (\(connections * streamsPerConnection))"
            )
        }
        if let concurrency, concurrency < connections {
            throw ValidationError("--connections (\(connections)) must not exceed --concurrency (\(concurrency))")
        }
    }

    /// Calls in flight for a closed loop.
    var closedLoopConcurrency: Int {
        concurrency ?? streamsPerConnection.map { $0 * connections } ?? max(16, connections)
    }

    /// The per-call deadline, nil for none.
    var callTimeout: Duration? {
        timeout > 0 ? .seconds(timeout) : nil
    }

    /// An open loop at `rate` calls per second with these options, its Poisson gaps drawn from `seed`.
    func openLoop(rate: Double, seed: UInt64) -> OpenLoop {
        OpenLoop(
            rate: rate, arrivals: arrivals, maxInFlight: maxInFlight,
            streamsPerConnection: streamsPerConnection ?? .max, seed: seed)
    }

    /// The load these options ask for: an open loop when `--rate` is given, else a closed loop.
    func loadModel(seed: UInt64) -> any LoadModel {
        if let rate { return openLoop(rate: rate, seed: seed) }
        return ClosedLoop(concurrency: closedLoopConcurrency)
    }
}
