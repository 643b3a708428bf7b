import NIOCore
import NIOPosix
import Synchronization

/// A plain TCP connection for feeding a server arbitrary bytes and reading what comes back.
final class RawConnection: Sendable {
    /// What the connection received, and whether the server closed it.
    final class Inbox: Sendable {
        private let state = Mutex((bytes: [UInt8](), closed: false))

        func append(_ bytes: some Sequence<UInt8>) { state.withLock { $0.bytes.append(contentsOf: bytes) } }
        func markClosed() { state.withLock { $0.closed = true } }
        var bytes: [UInt8] { state.withLock { $0.bytes } }
        var isClosed: Bool { state.withLock { $0.closed } }

        /// Takes the bytes received so far.
        func take() -> [UInt8] {
            state.withLock { state in
                defer { state.bytes.removeAll() }
                return state.bytes
            }
        }
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let inbox: Inbox

        init(inbox: Inbox) { self.inbox = inbox }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            inbox.append(unwrapInboundIn(data).readableBytesView)
        }

        func channelInactive(context: ChannelHandlerContext) {
            inbox.markClosed()
        }
    }

    /// Everything received on the connection.
    let inbox: Inbox
    private let channel: any Channel

    private init(channel: any Channel, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
    }

    /// Connects to the server on 127.0.0.1:`port`; with `reading` false the connection never
    /// reads what the server sends (a client that does not read).
    static func connect(port: Int, reading: Bool = true) async throws -> RawConnection {
        let inbox = Inbox()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: reading)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(inbox: inbox)) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, inbox: inbox)
    }

    /// Sends bytes as they are.
    func write(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes)).get()
    }

    /// Waits until the server closes the connection; false after `timeout`.
    func waitForClose(timeout: Duration = .seconds(5)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !inbox.isClosed, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return inbox.isClosed
    }

    /// Closes the connection from this side.
    func close() async {
        try? await channel.close()
    }
}
