public import GRPCCore
public import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A gRPC server over cleartext HTTP/2 (prior knowledge): one nghttp2 session per connection
/// on that connection's event loop, each call's handler in a task of its own.
public final class GRPCServer: Sendable {
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
    }

    private let router: RPCRouter
    private let configuration: ServerConfiguration
    private let logger: Logger
    private let group: any EventLoopGroup
    private let ownsGroup: Bool
    private let state = Mutex(State())

    /// A server for the methods of `router`; call `start()` to listen.
    public init(router: RPCRouter, configuration: ServerConfiguration, logger: Logger) {
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

    /// Binds and starts accepting connections; returns the bound port.
    @discardableResult
    public func start() async throws -> Int {
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
            .childChannelInitializer { [router, configuration, logger] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ServerConnectionHandler(router: router, configuration: configuration, logger: logger)
                    )
                    self.track(channel)
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
        logger.info("gRPC server listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
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

    private func track(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        let accepted = state.withLock { state -> Bool in
            guard case .running = state.phase else { return false }
            state.connections[key] = channel
            return true
        }
        guard accepted else {
            channel.close(promise: nil)
            return
        }
        channel.closeFuture.whenComplete { _ in
            _ = self.state.withLock { $0.connections.removeValue(forKey: key) }
        }
    }
}
