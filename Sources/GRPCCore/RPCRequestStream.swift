/// The messages a client sends in one call, as an async sequence. It ends when the client
/// half-closes; it throws when the call fails (reset, deadline, undecodable message as
/// `RPCError(.invalidArgument)`).
public struct RPCRequestStream<Message: Sendable>: AsyncSequence, Sendable {
    public typealias Element = Message

    private let bytes: AsyncThrowingStream<[UInt8], any Error>
    private let decode: @Sendable ([UInt8]) throws -> Message
    /// Told the size of each serialized message as the handler takes it, so that a transport
    /// can open its flow-control window only as fast as the handler reads.
    private let onMessageTaken: (@Sendable (Int) -> Void)?

    /// A stream of messages decoded from the transport's stream of serialized messages.
    public init(bytes: AsyncThrowingStream<[UInt8], any Error>, decode: @escaping @Sendable ([UInt8]) throws -> Message) {
        self.init(bytes: bytes, decode: decode, onMessageTaken: nil)
    }

    private init(
        bytes: AsyncThrowingStream<[UInt8], any Error>,
        decode: @escaping @Sendable ([UInt8]) throws -> Message,
        onMessageTaken: (@Sendable (Int) -> Void)?
    ) {
        self.bytes = bytes
        self.decode = decode
        self.onMessageTaken = onMessageTaken
    }

    /// Iterates the messages in arrival order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator
        let decode: @Sendable ([UInt8]) throws -> Message
        let onMessageTaken: (@Sendable (Int) -> Void)?

        public mutating func next() async throws -> Message? {
            guard let serialized = try await base.next() else { return nil }
            onMessageTaken?(serialized.count)
            do {
                return try decode(serialized)
            } catch let error as RPCError {
                throw error
            } catch {
                throw RPCError(code: .invalidArgument, message: "could not decode the request message: \(error)")
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: bytes.makeAsyncIterator(), decode: decode, onMessageTaken: onMessageTaken)
    }
}

extension RPCRequestStream where Message == [UInt8] {
    /// The transport's serialized messages, undecoded.
    public init(bytes: AsyncThrowingStream<[UInt8], any Error>) {
        self.init(bytes: bytes, decode: { $0 })
    }

    /// The transport's serialized messages, undecoded; `onMessageTaken` hears the size of each
    /// message as the handler takes it.
    package init(bytes: AsyncThrowingStream<[UInt8], any Error>, onMessageTaken: @escaping @Sendable (Int) -> Void) {
        self.init(bytes: bytes, decode: { $0 }, onMessageTaken: onMessageTaken)
    }

    /// The same stream, each message decoded as `Decoded`.
    public func decoding<Decoded: GRPCMessage>(_ type: Decoded.Type) -> RPCRequestStream<Decoded> {
        RPCRequestStream<Decoded>(bytes: bytes, decode: { try Decoded(serializedBytes: $0) }, onMessageTaken: onMessageTaken)
    }
}
