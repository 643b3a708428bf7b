import Logging
import QuantServeAPI
import QuantServeGRPC
import QuantServeGRPCHTTP2

@testable import quantbench

/// A real GRPCServer on 127.0.0.1 and a free port whose health Check answers as a test
/// scripts it: after a delay and a periodic stall, with a known share of failures, or
/// through one server of known capacity. It counts what it answered, so tests can compare.
struct ScriptedServer: Sendable {
    /// How the server answers call number `n` (counted from 0 in arrival order).
    enum Behaviour: Sendable {
        /// At once.
        case immediate
        /// After `delay`; a call arriving in the first `stall` of any second (counted from the
        /// server's start) first waits for the stall to end, as behind a GC pause.
        case delayed(Duration, stall: Duration)
        /// At once, but call n fails with `code` when n % every == every - 1.
        case failing(every: Int, code: Status.Code)
        /// One call at a time, each taking `serviceTime`: capacity 1 / serviceTime calls per second.
        case serial(serviceTime: Duration)
    }

    let port: Int
    let tally: ServerTally
    private let server: GRPCServer

    /// The target string quantbench takes.
    var target: String { "127.0.0.1:\(port)" }

    /// Starts a server that answers with `behaviour`.
    static func start(_ behaviour: Behaviour) async throws -> ScriptedServer {
        let tally = ServerTally()
        let started = ContinuousClock.now
        var router = RPCRouter()
        router.registerUnary(HealthMethods.check, request: RawMessage.self, response: RawMessage.self) { _, _ in
            let number = tally.arrive()
            switch behaviour {
            case .immediate:
                break
            case .delayed(let delay, let stall):
                let sinceStart = ContinuousClock.now - started
                let intoSecond = sinceStart - .seconds(Int(sinceStart.seconds.rounded(.down)))
                if intoSecond < stall { try await Task.sleep(for: stall - intoSecond) }
                try await Task.sleep(for: delay)
            case .failing(let every, let code):
                if number % every == every - 1 {
                    tally.fail()
                    throw RPCError(code: code, message: "scripted failure")
                }
            case .serial(let serviceTime):
                try await Task.sleep(until: tally.reserve(serviceTime), clock: .continuous)
            }
            tally.succeed()
            return ServerResponse(RawMessage(serializedBytes: HealthCheckResponse(status: .serving).serializedBytes()))
        }
        var logger = Logger(label: "quantbench.tests")
        logger.logLevel = .critical
        let server = GRPCServer(
            router: router, configuration: ServerConfiguration(host: "127.0.0.1", port: 0), logger: logger)
        let port = try await server.start()
        return ScriptedServer(port: port, tally: tally, server: server)
    }

    func stop() async {
        await server.shutdown(gracePeriod: .seconds(1))
    }
}
