import ArgumentParser
import Foundation
import Logging
import QuantServe
import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeTransformer

/// `quantserve serve`: runs the gRPC server until SIGTERM or SIGINT, then shuts down
/// gracefully (GOAWAY, in-flight calls get `--grace-period` to finish) and exits 0.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the models of a repository over gRPC until SIGTERM or SIGINT."
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

    @Option(help: "Connections open at once, all clients together; more are refused with GOAWAY.")
    var maxConnections = 1024

    @Option(help: "Connections open at once from one client address; more are refused with GOAWAY.")
    var maxConnectionsPerPeer = 256

    @Option(help: "Seconds a new connection has to send its first request HEADERS.")
    var handshakeTimeout: Double = 10

    @Option(help: "Seconds a call has from its HEADERS to its first request message.")
    var requestBodyTimeout: Double = 30

    @Option(
        help:
            "Seconds a response may wait for a client that reads none of it before the stream is reset (and the socket stays unwritable before the connection is cut)."
    )
    var stalledTimeout: Double = 30

    @Option(help: "Response bytes one connection may hold for a client that does not read before it is cut.")
    var maxBufferedOutboundBytes = 32 * 1024 * 1024

    @Option(help: "Seconds in-flight calls get to finish after SIGTERM or SIGINT.")
    var gracePeriod: Double = 10

    @Option(help: "Event loop threads (default: one per core).")
    var eventLoopThreads: Int?

    @Option(help: "Folder holding <name>/<version>/ model versions.")
    var modelRepository = "models"

    @Option(help: "The model requests get when they name none.")
    var defaultModel = "minilm"

    @Option(
        help:
            "File holding the token admin calls must present as 'authorization: Bearer TOKEN' (default: $QUANTSERVE_ADMIN_TOKEN; without one, admin calls come from loopback only)."
    )
    var adminTokenFile: String?

    @Option(help: "The admin token itself (visible to every user in /proc/<pid>/cmdline: prefer --admin-token-file).")
    var adminToken: String?

    @Flag(help: "Let LoadModel.path name a folder outside --model-repository (after symlinks and .. are resolved).")
    var allowModelPathOutsideRepository = false

    @Option(help: "Seconds between scans of the repository for new versions (0: no polling).")
    var pollInterval: Double = 0

    @Option(help: "Requests a model version may queue before refusing with RESOURCE_EXHAUSTED.")
    var maxQueuedRequests = 1024

    @Option(
        help:
            "Tokens a model version may queue before refusing with RESOURCE_EXHAUSTED (at least --max-request-tokens).")
    var maxQueuedTokens = 65536

    @Option(
        help: "Most tokens in one batch; larger requests are split into batches of this size (bounds scratch memory).")
    var maxBatchTokens = 2048

    @Option(help: "Most tokens in one request, all texts together; beyond, RESOURCE_EXHAUSTED.")
    var maxRequestTokens = 32768

    @Option(
        help:
            "Most UTF-8 bytes of one text: longer texts are refused with INVALID_ARGUMENT, or read only this far when the request truncates."
    )
    var maxTextBytes = ModelTokenizer.defaultMaxTextBytes

    @Option(help: "Threads for the model's matrix products (default: one per core).")
    var computeThreads: Int?

    @Flag(help: "Also serve testing.v1.Echo (for tests and benchmarks).")
    var enableEcho = false

    @Option(
        help:
            "Compress responses for clients that accept it: gzip, deflate or none. Compressed requests (gzip, deflate) are read whatever this is."
    )
    var responseCompression: ResponseCompressionOption = .none

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @OptionGroup(title: "TLS") var tls: ServeTLSOptions

    @OptionGroup(title: "OpenAI-compatible HTTP") var http: ServeHTTPOptions
    @OptionGroup(title: "Metrics") var metrics: ServeMetricsOptions
    @OptionGroup(title: "Generation (decoder models)") var generation: ServeGenerationOptions

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
        guard maxMessageBytes > 0, maxConcurrentStreams > 0 else {
            throw ValidationError("--max-message-bytes and --max-concurrent-streams must be positive")
        }
        guard maxTextBytes > 0 else { throw ValidationError("--max-text-bytes must be positive") }
        guard maxQueuedRequests > 0, maxBatchTokens > 0, maxRequestTokens > 0, pollInterval >= 0 else {
            throw ValidationError("queue and batch limits must be positive, --poll-interval not negative")
        }
        guard maxQueuedTokens >= maxRequestTokens else {
            throw ValidationError(
                "--max-queued-tokens must be at least --max-request-tokens, or the largest requests could never queue")
        }
        if let computeThreads, computeThreads < 1 { throw ValidationError("--compute-threads must be at least 1") }
        guard idleTimeout > 0, gracePeriod >= 0, keepaliveInterval >= 0 else {
            throw ValidationError(
                "--idle-timeout must be positive, --grace-period and --keepalive-interval not negative")
        }
        guard maxConnections > 0, maxConnectionsPerPeer > 0, maxBufferedOutboundBytes > 0 else {
            throw ValidationError(
                "--max-connections, --max-connections-per-peer and --max-buffered-outbound-bytes must be positive")
        }
        guard handshakeTimeout > 0, requestBodyTimeout > 0, stalledTimeout > 0 else {
            throw ValidationError("--handshake-timeout, --request-body-timeout and --stalled-timeout must be positive")
        }
    }

    func run() async throws {
        var logger = Logger(label: "quantserve")
        logger.logLevel = logLevel
        // Signals are caught from here on, so that one arriving during start-up is not lost.
        let signals = TerminationSignals()

        let adminTokenSource = try AdminTokenSource(
            argument: adminToken, file: adminTokenFile,
            environment: ProcessInfo.processInfo.environment)
        for warning in adminTokenSource.warnings { logger.warning("\(warning)") }
        var serverConfiguration = serverConfiguration
        serverConfiguration.tls = try tls.configuration()  // bad files fail here, before the models load
        serverConfiguration.responseCompression = responseCompression.encoding
        let health = HealthStatusBoard()
        let exposition = metrics.makeExposition()
        var modelSettings = modelConfiguration(adminToken: adminTokenSource.token)
        if let exposition { modelSettings.metrics = exposition.modelMetrics() }
        let models = ModelServer.withBertEncoder(configuration: modelSettings, board: health, logger: logger)
        await models.loadRepository()
        var services: [any RPCService] = models.services + [HealthService(board: health)]
        if enableEcho { services.append(EchoService()) }
        services.append(try ServerReflectionService(describing: services))  // last: it lists the services before it
        let router = RPCRouter(services: services)
        serverConfiguration.observer = exposition?.trafficMetrics(for: router)
        let server = GRPCServer(router: router, configuration: serverConfiguration, logger: logger)
        let boundPort = try await server.start()
        exposition?.watch(models.registry, server)
        let metricsEndpoint = try await metrics.startEndpoint(exposition, host: host, logger: logger)
        logger.info(
            "serving",
            metadata: [
                "address": "\(host):\(boundPort)",
                "methods": "\(router.methods.map(\.path).joined(separator: " "))",
            ])
        let httpServer = http.server(
            models: models, host: host, maxBodyBytes: maxMessageBytes, maxConnections: maxConnections,
            idleTimeout: idleTimeout, requestBodyTimeout: requestBodyTimeout, logger: logger)
        try await httpServer?.start()

        let poller =
            pollInterval > 0
            ? Task {
                await RepositoryWatcher(
                    registry: models.registry, interval: .milliseconds(Int64(pollInterval * 1000)), logger: logger
                ).run()
            }
            : nil

        let signal = await signals.next()
        poller?.cancel()
        logger.info(
            "shutting down",
            metadata: [
                "signal": "\(signal.map(TerminationSignals.name(of:)) ?? "none")",
                "grace-period": "\(gracePeriod) s",
            ])
        health.shutDown()
        async let httpStopped: Void? = httpServer?.shutdown(gracePeriod: .seconds(gracePeriod))
        await server.shutdown(gracePeriod: .seconds(gracePeriod))
        _ = await httpStopped
        await metricsEndpoint?.shutdown(gracePeriod: .seconds(gracePeriod))
        logger.info("stopped")
    }

    private func modelConfiguration(adminToken: String?) -> ModelServerConfiguration {
        var configuration = ModelServerConfiguration(
            repository: URL(fileURLWithPath: modelRepository, isDirectory: true),
            defaultModel: defaultModel,
            scheduler: SchedulerConfiguration(
                maxQueuedRequests: maxQueuedRequests, maxQueuedTokens: maxQueuedTokens,
                maxBatchTokens: maxBatchTokens, maxRequestTokens: maxRequestTokens),
            adminToken: adminToken)
        configuration.allowsModelPathsOutsideRepository = allowModelPathOutsideRepository
        if let computeThreads { configuration.computeThreads = computeThreads }
        configuration.maxTextBytes = maxTextBytes
        configuration.generation = generation.configuration
        return configuration
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
            eventLoopThreads: eventLoopThreads,
            maxConnections: maxConnections,
            maxConnectionsPerPeer: maxConnectionsPerPeer,
            handshakeTimeout: .seconds(handshakeTimeout),
            requestBodyTimeout: .seconds(requestBodyTimeout),
            stalledTimeout: .seconds(stalledTimeout),
            maxBufferedOutboundBytes: maxBufferedOutboundBytes
        )
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
