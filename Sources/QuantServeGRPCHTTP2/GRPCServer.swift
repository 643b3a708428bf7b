public import Logging
import NIOCore
import NIOPosix
public import QuantServeGRPC
import Synchronization

/// A gRPC server over HTTP/2, cleartext (prior knowledge) or TLS (ALPN h2) when the
/// configuration has `tls`: one nghttp2 session per connection
/// on that connection's event loop, each call's handler in a task of its own. Connections
/// beyond `maxConnections` (or `maxConnectionsPerPeer` from one address) are refused with
/// GOAWAY and closed at once.
public final class GRPCServer: Sendable {
    /// Counters of the server's connections.
    public struct ConnectionStatistics: Sendable, Equatable {
        /// Connections open now (admitted ones only).
        public var open: Int
        /// Connections admitted since the server started.
        public var admitted: Int
        /// Connections refused over a limit since the server started.
        public var refused: Int
    }

    private enum Phase {
        case idle
        case starting
        case running
        case shuttingDown
        case closed
    }

    private struct State {
        var phase = Phase.idle
        var listener: (any Channel)?
        var connections: [ObjectIdentifier: any Channel] = [:]
        var port = 0
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
        var limiter: ConnectionLimiter
    }

    private let router: RPCRouter
    private let configuration: ServerConfiguration
    private let logger: Logger
    private let group: any EventLoopGroup
    private let ownsGroup: Bool
    private let state: Mutex<State>
    /// Lines about connections (refused, cut, not HTTP/2) and about failed calls, each kind
    /// within a server-wide rate so that no client can fill the log.
    private let connectionLog = SharedLogThrottle(burst: 50, perSecond: 5)
    private let failureLog = SharedLogThrottle(burst: 100, perSecond: 20)

    /// A server for the methods of `router`; call `start()` to listen.
    public init(router: RPCRouter, configuration: ServerConfiguration, logger: Logger) {
        self.router = router
        self.configuration = configuration
        self.logger = logger
        self.state = Mutex(
            State(
                limiter: ConnectionLimiter(
                    maxConnections: configuration.maxConnections, maxPerPeer: configuration.maxConnectionsPerPeer
                )))
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
    public var connectionStatistics: ConnectionStatistics {
        state.withLock {
            ConnectionStatistics(
                open: $0.limiter.openCount, admitted: $0.limiter.admittedCount, refused: $0.limiter.refusedCount)
        }
    }

    /// The libnghttp2 loaded at run time, e.g. "1.52.0".
    public static var nghttp2Version: String { NGHTTP2Session.libraryVersion }

    /// Binds and starts accepting connections; returns the bound port. Throws when the
    /// libnghttp2 loaded is older than the one whose limits the server relies on.
    @discardableResult
    public func start() async throws -> Int {
        guard NGHTTP2Session.libraryIsSupported else {
            let minimum = NGHTTP2Session.minimumLibraryVersion
            throw RPCError(
                code: .failedPrecondition,
                message: """
                    libnghttp2 \(NGHTTP2Session.libraryVersion) is too old: the server needs \(minimum.major).\(minimum.minor).\(minimum.patch) \
                    or later for its flood and reset limits
                    """)
        }
        try state.withLock { state in
            guard case .idle = state.phase else {
                throw RPCError(code: .failedPrecondition, message: "the server was already started")
            }
            state.phase = .starting
        }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 64 * 1024, high: 256 * 1024))
            .childChannelInitializer { [router, configuration, logger, connectionLog, failureLog] channel in
                channel.eventLoop.makeCompletedFuture {
                    let refusal = self.admit(channel)
                    try TLSPipeline.addServerHandlers(configuration.tls, to: channel)
                    try channel.pipeline.syncOperations.addHandler(
                        ServerConnectionHandler(
                            router: router, configuration: configuration, logger: logger,
                            refusal: refusal, connectionLog: connectionLog, failureLog: failureLog
                        ))
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
            "gRPC server listening",
            metadata: [
                "host": "\(configuration.host)", "port": "\(port)", "nghttp2": "\(NGHTTP2Session.libraryVersion)",
                "tls":
                    "\(configuration.tls.map { $0.clientCertificateAuthorityFile == nil ? "on" : "mutual" } ?? "off")",
                "max-connections": "\(configuration.maxConnections)",
                "max-connections-per-peer": "\(configuration.maxConnectionsPerPeer)",
            ])
        return port
    }

    /// Stops the server: the listener closes, every connection gets GOAWAY and takes no new
    /// calls, calls in flight may finish within `gracePeriod`; after it the rest end with
    /// UNAVAILABLE and the connections close.
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
        let deadline = NIODeadline.now() + TimeAmount(gracePeriod)
        for connection in connections {
            connection.pipeline.fireUserInboundEventTriggered(GracefulShutdownEvent(deadline: deadline))
        }
        for connection in connections {
            try? await connection.closeFuture.get()
        }
        if ownsGroup {
            try? await group.shutdownGracefully()
        }
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.phase = .closed
            defer { state.closeWaiters.removeAll() }
            return state.closeWaiters
        }
        for waiter in waiters { waiter.resume() }
        logger.info("gRPC server stopped")
    }

    /// Returns once the server has shut down.
    public func waitUntilClosed() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let closed = state.withLock { state -> Bool in
                if case .closed = state.phase { return true }
                state.closeWaiters.append(continuation)
                return false
            }
            if closed { continuation.resume() }
        }
    }

    /// Counts a new connection against the limits and tracks it for shutdown; returns why it
    /// is refused, if it is (a refused connection is closed by its handler after GOAWAY).
    private func admit(_ channel: any Channel) -> ServerConnectionStateMachine.Refusal? {
        let key = ObjectIdentifier(channel)
        let peer = channel.remoteAddress?.ipAddress ?? "unknown"
        let (refusal, refusedCount) = state.withLock { state -> (ServerConnectionStateMachine.Refusal?, Int) in
            guard case .running = state.phase else {
                return (.init(reason: "the server is shutting down"), state.limiter.refusedCount)
            }
            if let refusal = state.limiter.admit(peer: peer) { return (refusal, state.limiter.refusedCount) }
            state.connections[key] = channel
            return (nil, state.limiter.refusedCount)
        }
        if let refusal {
            configuration.observer?.connectionRefused()
            connectionLog.log { suppressed in
                logger.notice(
                    "refused a connection",
                    metadata: [
                        "peer": "\(peer)", "reason": "\(refusal.reason)", "refused-so-far": "\(refusedCount)",
                        "lines-not-logged": "\(suppressed)",
                    ])
            }
            return refusal
        }
        configuration.observer?.connectionOpened()
        channel.closeFuture.whenComplete { _ in
            self.state.withLock { state in
                state.connections.removeValue(forKey: key)
                state.limiter.release(peer: peer)
            }
            self.configuration.observer?.connectionClosed()
        }
        return nil
    }
}
