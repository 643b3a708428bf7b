import NIOCore
import QuantServeGRPC

/// One call on a server connection: its request head, the deframer of its body, the handler's
/// task and the queue of its response. Confined to the connection's event loop.
final class ServerStream {
    /// Where the call stands.
    enum Phase {
        /// The request HEADERS frame is still arriving.
        case receivingHeaders
        /// The handler runs.
        case running
        /// The final status went out (or the stream is gone); input is ignored.
        case finished
    }

    let streamID: Int32
    let startTime: NIODeadline
    var phase = Phase.receivingHeaders
    var head = ServerRequestHead()
    /// The `:path`, once the router has a handler for it (nil for unknown methods).
    var knownMethod: String?
    var deframer: GRPCMessageDeframer
    var requests: AsyncThrowingStream<ReceivedMessage, any Error>.Continuation?
    /// How response messages are compressed: the server's choice when the client accepts it.
    var responseEncoding = MessageEncoding.identity
    var task: Task<Void, Never>?
    var responses: OutboundMessageQueue?
    var responseStarted = false
    var deadlineTimer: Scheduled<Void>?
    /// Receive flow control; nil until the handler starts.
    var inbound: InboundFlowController?
    /// Received bytes whose stream-level WINDOW_UPDATE waits for the handler to catch up.
    var heldBytes = 0

    init(streamID: Int32, maxReceiveMessageBytes: Int) {
        self.streamID = streamID
        self.startTime = .now()
        self.deframer = GRPCMessageDeframer(maxMessageBytes: maxReceiveMessageBytes)
    }

    /// The method as the log names it: the client's `:path`, quoted and cut.
    var methodForLog: String { head.path.map { ClientText.quoted($0) } ?? "<no :path>" }
}
