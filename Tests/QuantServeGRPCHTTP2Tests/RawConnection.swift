import NIOCore
import NIOPosix
import QuantServeTestSupport

/// A plain TCP connection for feeding a server arbitrary bytes and reading what comes back.
final class RawConnection: Sendable {
    /// What the connection received, and whether the server closed it; tests wait on its
    /// changes (`waitForChange`), never for time.
    final class Inbox: Sendable {
        struct State: Sendable {
            var bytes: [UInt8] = []
            var closed = false
            /// Reads and the close so far: grows with every change.
            var changes = 0
        }

        private let state = Observed(State())

        func append(_ bytes: some Sequence<UInt8>) {
            let bytes = Array(bytes)
            state.update {
                $0.bytes.append(contentsOf: bytes)
                $0.changes += 1
            }
        }
        func markClosed() {
            state.update {
                $0.closed = true
                $0.changes += 1
            }
        }
        var bytes: [UInt8] { state.value.bytes }
        var isClosed: Bool { state.value.closed }
        /// How many changes (reads, the close) there have been.
        var changes: Int { state.value.changes }

        /// Takes the bytes received so far.
        func take() -> [UInt8] {
            state.update { state in
                defer { state.bytes.removeAll() }
                return state.bytes
            }
        }

        /// Waits until something arrives after change number `seen`, or the connection closes;
        /// false only after the failure detector's bound.
        func waitForChange(after seen: Int, failingAfter limit: Duration = .seconds(60)) async -> Bool {
            await state.wait(failingAfter: limit) { $0.changes > seen || $0.closed }
        }

        /// Waits until the connection is closed; false only after `limit`.
        func waitForClose(failingAfter limit: Duration = .seconds(60)) async -> Bool {
            await state.wait(failingAfter: limit) { $0.closed }
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
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(inbox: inbox))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, inbox: inbox)
    }

    /// Sends bytes as they are.
    func write(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes)).get()
    }

    /// Waits until the server closes the connection (false only after the failure detector's bound).
    func waitForClose() async -> Bool {
        await inbox.waitForClose()
    }

    /// Closes the connection from this side.
    func close() async {
        try? await channel.close()
    }
}
