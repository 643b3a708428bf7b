public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An HTTP/1.1 server (cleartext) on SwiftNIO's NIOHTTP1 that answers requests from the
/// routes of an `HTTPRouter` (see there how to add one). Every limit of
/// `HTTPServerConfiguration` holds against hostile clients: the head and the body are bounded
/// before they are buffered (431, 413), slow clients time out (408 or closed), a malformed
/// request gets 400, and connections beyond the limit get 503; each of these closes the
/// connection. Otherwise connections are kept alive between requests.
public final class HTTPServer: Sendable {
    /// Counters of the server's connections.
    public struct ConnectionStatistics: Sendable, Equatable {
        /// Connections open now (admitted ones only).
        public var open: Int
        /// Connections admitted since the server started.
        public var admitted: Int
        /// Connections refused over the limit since the server started.
        public var refused: Int
    }

    private enum Phase {
        case idle, starting, running, shuttingDown, closed
    }

    private struct State {
        var phase = Phase.idle
        var listener: (any Channel)?
        var connections: [ObjectIdentifier: any Channel] = [:]
        var port = 0
        var statistics = ConnectionStatistics(open: 0, admitted: 0, refused: 0)
    }

    private let router: HTTPRouter
    private let configuration: HTTPServerConfiguration
    private let logger: Logger
    private let group: any EventLoopGroup
    private let ownsGroup: Bool
    private let state = Mutex(State())

    /// A server for the routes of `router`; call `start()` to listen.
    public init(router: HTTPRouter, configuration: HTTPServerConfiguration, logger: Logger) {
        self.router = router
        self.configuration = configuration
        self.logger = logger
        if let threads = configuration.eventLoopThreads {
            group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
            ownsGroup = true
        } else {
            group = MultiThreadedEventLoopGroup.singleton
            ownsGroup = false
        }
    }

    /// The bound port (after `start()`), useful when the configuration asked for port 0.
    public var port: Int { state.withLock { $0.port } }

    /// Open and refused connections so far.
    public var connectionStatistics: ConnectionStatistics { state.withLock { $0.statistics } }

    /// Binds and starts accepting connections; returns the bound port.
    @discardableResult
    public func start() async throws -> Int {
        try state.withLock { state in
            guard case .idle = state.phase else { throw HTTPServerError.alreadyStarted }
            state.phase = .starting
        }
        let limits = configuration.decoderLimits
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [router, configuration, logger] channel in
                channel.eventLoop.makeCompletedFuture {
                    let refusal = self.admit(channel)
                    try channel.pipeline.syncOperations.addHandlers(
                        HTTPResponseEncoder(),
                        ByteToMessageHandler(
                            HTTPRequestDecoder(
                                leftOverBytesStrategy: .dropBytes,
                                informationalResponseStrategy: .drop,
                                limitConfiguration: limits)),
                        NIOHTTPResponseHeadersValidator(),
                        HTTPConnectionHandler(
                            router: router, configuration: configuration, logger: logger, refusal: refusal))
                }
            }
        let listener: any Channel
        do {
            listener = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        } catch {
            state.withLock { $0.phase = .idle }
            throw error
        }
        let port = listener.localAddress?.port ?? configuration.port
        state.withLock { state in
            state.listener = listener
            state.port = port
            state.phase = .running
        }
        logger.info(
            "HTTP server listening",
            metadata: [
                "host": "\(configuration.host)", "port": "\(port)",
                "routes": "\(router.routes.map { "\($0.method) \($0.path)" }.joined(separator: ", "))",
            ])
        return port
    }

    /// Stops the server: the listener closes, idle connections close, responses in progress
    /// finish (with `connection: close`) within `gracePeriod`; after it every connection is cut.
    public func shutdown(gracePeriod: Duration) async {
        let (listener, connections) = state.withLock { state -> ((any Channel)?, [any Channel]) in
            switch state.phase {
            case .running, .starting:
                state.phase = .shuttingDown
                return (state.listener, Array(state.connections.values))
            case .idle:
                state.phase = .closed
                return (nil, [])
            case .shuttingDown, .closed:
                return (nil, [])
            }
        }
        try? await listener?.close()
        for connection in connections {
            connection.pipeline.fireUserInboundEventTriggered(HTTPShutdownEvent())
            connection.eventLoop.scheduleTask(in: TimeAmount(gracePeriod)) { connection.close(promise: nil) }
        }
        for connection in connections {
            try? await connection.closeFuture.get()
        }
        if ownsGroup {
            try? await group.shutdownGracefully()
        }
        state.withLock { $0.phase = .closed }
        logger.info("HTTP server stopped")
    }

    /// Counts a new connection against the limit and tracks it for shutdown; returns why it
    /// is refused, if it is (a refused connection gets 503 and is closed by its handler).
    private func admit(_ channel: any Channel) -> String? {
        let key = ObjectIdentifier(channel)
        let refusal = state.withLock { state -> String? in
            guard case .running = state.phase else {
                state.statistics.refused += 1
                return "the server is shutting down"
            }
            guard state.statistics.open < configuration.maxConnections else {
                state.statistics.refused += 1
                return "too many connections (server limit \(configuration.maxConnections)); try again later"
            }
            state.statistics.open += 1
            state.statistics.admitted += 1
            state.connections[key] = channel
            return nil
        }
        if refusal == nil {
            channel.closeFuture.whenComplete { [self] _ in
                state.withLock { state in
                    state.statistics.open -= 1
                    state.connections[key] = nil
                }
            }
        }
        return refusal
    }
}

extension HTTPServerConfiguration {
    /// The head limits, as NIOHTTP1's decoder takes them.
    var decoderLimits: NIOHTTPDecoderLimitConfiguration {
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderFieldSize = maxHeaderBytes
        limits.maxHeaderListSize = maxHeaderBytes
        limits.maxHeaderFieldCount = maxHeaderFields
        return limits
    }
}

/// Why an `HTTPServer` call failed.
public enum HTTPServerError: Error, Sendable, CustomStringConvertible {
    case alreadyStarted

    public var description: String {
        switch self {
        case .alreadyStarted: "the HTTP server was already started"
        }
    }
}
