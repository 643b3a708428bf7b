import ArgumentParser
import GRPCCore
import GRPCHTTP2
import Logging
import QuantServe

/// `quantserve serve`: runs the gRPC server until SIGTERM or SIGINT, then shuts down
/// gracefully (GOAWAY, in-flight calls get `--grace-period` to finish) and exits 0.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve gRPC (health, and echo for tests) until SIGTERM or SIGINT."
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 50051

    @Option(help: "Largest request or response message, in bytes.")
    var maxMessageBytes = 4 * 1024 * 1024

    @Option(help: "Calls one HTTP/2 connection may have open at once.")
    var maxConcurrentStreams = 100

    @Option(help: "Seconds a connection without calls stays open.")
    var idleTimeout: Double = 300

    @Option(help: "Seconds between keepalive PINGs (0: none).")
    var keepaliveInterval: Double = 0

    @Option(help: "Seconds in-flight calls get to finish after SIGTERM or SIGINT.")
    var gracePeriod: Double = 10

    @Option(help: "Event loop threads (default: one per core).")
    var eventLoopThreads: Int?

    @Flag(help: "Also serve testing.v1.Echo (for tests and benchmarks).")
    var enableEcho = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
        guard maxMessageBytes > 0, maxConcurrentStreams > 0 else {
            throw ValidationError("--max-message-bytes and --max-concurrent-streams must be positive")
        }
        guard idleTimeout > 0, gracePeriod >= 0, keepaliveInterval >= 0 else {
            throw ValidationError("--idle-timeout must be positive, --grace-period and --keepalive-interval not negative")
        }
    }

    func run() async throws {
        var logger = Logger(label: "quantserve")
        logger.logLevel = logLevel
        // Signals are caught from here on, so that one arriving during start-up is not lost.
        let signals = TerminationSignals()

        let health = HealthStatusBoard()
        var services: [any RPCService] = [HealthService(board: health)]
        if enableEcho { services.append(EchoService()) }
        let router = RPCRouter(services: services)
        let server = GRPCServer(router: router, configuration: serverConfiguration, logger: logger)
        let boundPort = try await server.start()
        logger.info("serving", metadata: [
            "address": "\(host):\(boundPort)",
            "methods": "\(router.methods.map(\.path).joined(separator: " "))",
        ])

        let signal = await signals.next()
        logger.info("shutting down", metadata: [
            "signal": "\(signal.map(TerminationSignals.name(of:)) ?? "none")",
            "grace-period": "\(gracePeriod) s",
        ])
        health.shutDown()
        await server.shutdown(gracePeriod: .seconds(gracePeriod))
        logger.info("stopped")
    }

    private var serverConfiguration: ServerConfiguration {
        ServerConfiguration(
            host: host,
            port: port,
            maxReceiveMessageBytes: maxMessageBytes,
            maxSendMessageBytes: maxMessageBytes,
            maxConcurrentStreams: maxConcurrentStreams,
            idleTimeout: .seconds(idleTimeout),
            keepaliveInterval: keepaliveInterval > 0 ? .seconds(keepaliveInterval) : nil,
            eventLoopThreads: eventLoopThreads
        )
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
