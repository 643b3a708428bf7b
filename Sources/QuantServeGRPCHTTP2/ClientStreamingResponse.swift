public import QuantServeGRPC
import Synchronization

/// What a streaming call's response delivers, in order: headers, then messages.
enum ClientStreamEvent: Sendable {
    case headers(Metadata)
    case message(ReceivedMessage)
}

/// The trailers of a streaming call, written by the event loop before the message sequence ends.
final class ClientTrailersBox: Sendable {
    private let trailers = Mutex(Metadata())

    var value: Metadata {
        get { trailers.withLock { $0 } }
        set { trailers.withLock { $0 = newValue } }
    }
}

/// The response of a server-streaming or bidirectional call: the headers, and the messages as
/// an async sequence that ends when the server ends the call with OK and throws `RPCError`
/// when it ends with any other status.
public struct ClientStreamingResponse<Message: GRPCMessage>: Sendable {
    /// The server's response headers (custom metadata only).
    public let headers: Metadata
    /// The response messages, in order. Iterate it once.
    public let messages: Messages
    private let trailersBox: ClientTrailersBox

    init(
        headers: Metadata,
        events: AsyncThrowingStream<ClientStreamEvent, any Error>.AsyncIterator,
        trailers: ClientTrailersBox,
        inbound: InboundFlowController,
        maxReceiveMessageBytes: Int
    ) {
        self.headers = headers
        self.messages = Messages(events: events, inbound: inbound, maxReceiveMessageBytes: maxReceiveMessageBytes)
        self.trailersBox = trailers
    }

    /// The server's trailers (custom metadata only); complete once `messages` has ended.
    public var trailers: Metadata { trailersBox.value }

    /// The response messages of a streaming call.
    public struct Messages: AsyncSequence, @unchecked Sendable {
        /// Each element is one decoded response message.
        public typealias Element = Message
        // The iterator is handed to exactly one consumer (see `makeAsyncIterator`).
        private let events: AsyncThrowingStream<ClientStreamEvent, any Error>.AsyncIterator
        private let inbound: InboundFlowController
        private let maxReceiveMessageBytes: Int

        init(
            events: AsyncThrowingStream<ClientStreamEvent, any Error>.AsyncIterator, inbound: InboundFlowController,
            maxReceiveMessageBytes: Int
        ) {
            self.events = events
            self.inbound = inbound
            self.maxReceiveMessageBytes = maxReceiveMessageBytes
        }

        /// Iterates the messages, decoding each as `Message`.
        public struct AsyncIterator: AsyncIteratorProtocol {
            var events: AsyncThrowingStream<ClientStreamEvent, any Error>.AsyncIterator
            let inbound: InboundFlowController
            let maxReceiveMessageBytes: Int

            /// The next message; nil when the call ended with OK; throws `RPCError` otherwise.
            public mutating func next() async throws -> Message? {
                while let event = try await events.next() {
                    guard case .message(let received) = event else { continue }
                    inbound.messageTaken(size: received.bytes.count)
                    let bytes = try received.decompressed(maxBytes: maxReceiveMessageBytes)
                    do {
                        return try Message(serializedBytes: bytes)
                    } catch {
                        throw RPCError(code: .internal, message: "could not decode a response message: \(error)")
                    }
                }
                return nil
            }
        }

        /// The iterator over the messages (the sequence can be iterated once).
        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(events: events, inbound: inbound, maxReceiveMessageBytes: maxReceiveMessageBytes)
        }
    }
}

/// Writes the request messages of a client-streaming or bidirectional call. Each write
/// suspends while HTTP/2 flow control holds earlier messages back; it throws once the call
/// has ended.
public struct ClientRequestWriter<Message: GRPCMessage>: Sendable {
    let queue: OutboundMessageQueue
    let maxSendMessageBytes: Int
    let compression: MessageEncoding

    /// Sends one message.
    public func write(_ message: Message) async throws {
        let bytes = message.serializedBytes()
        guard bytes.count <= maxSendMessageBytes else {
            throw RPCError(
                code: .resourceExhausted,
                message:
                    "a request message of \(bytes.count) bytes exceeds the send limit of \(maxSendMessageBytes) bytes"
            )
        }
        if let compressed = MessageCompression.compress(bytes, with: compression) {
            try await queue.write(compressed, compressed: true)
        } else {
            try await queue.write(bytes)
        }
    }
}
