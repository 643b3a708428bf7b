/// The messages a client sends in one call, as an async sequence. It ends when the client
/// half-closes; it throws when the call fails (reset, deadline, undecodable message as
/// `RPCError(.invalidArgument)`, a compressed message that does not decompress within the
/// limit).
public struct RPCRequestStream<Message: Sendable>: AsyncSequence, Sendable {
    public typealias Element = Message

    private let source: RequestMessageSource
    private let decode: @Sendable ([UInt8]) throws -> Message
    /// Told the size of each message as it arrived (compressed or not) as the handler takes
    /// it, so that a transport can open its flow-control window only as fast as the handler reads.
    private let onMessageTaken: (@Sendable (Int) -> Void)?

    /// A stream of messages decoded from the transport's stream of serialized messages.
    public init(bytes: AsyncThrowingStream<[UInt8], any Error>, decode: @escaping @Sendable ([UInt8]) throws -> Message)
    {
        self.init(source: .serialized(bytes), decode: decode, onMessageTaken: nil)
    }

    private init(
        source: RequestMessageSource, decode: @escaping @Sendable ([UInt8]) throws -> Message,
        onMessageTaken: (@Sendable (Int) -> Void)?
    ) {
        self.source = source
        self.decode = decode
        self.onMessageTaken = onMessageTaken
    }

    /// Iterates the messages in arrival order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        enum Base {
            case serialized(AsyncThrowingStream<[UInt8], any Error>.AsyncIterator)
            case received(AsyncThrowingStream<ReceivedMessage, any Error>.AsyncIterator, maxBytes: Int)
        }

        var base: Base
        let decode: @Sendable ([UInt8]) throws -> Message
        let onMessageTaken: (@Sendable (Int) -> Void)?

        public mutating func next() async throws -> Message? {
            guard let serialized = try await nextSerialized() else { return nil }
            return try decode(serialized)
        }

        private mutating func nextSerialized() async throws -> [UInt8]? {
            switch base {
            case .serialized(var iterator):
                let next = try await iterator.next()
                base = .serialized(iterator)
                if let next { onMessageTaken?(next.count) }
                return next
            case .received(var iterator, let maxBytes):
                let next = try await iterator.next()
                base = .received(iterator, maxBytes: maxBytes)
                guard let next else { return nil }
                onMessageTaken?(next.bytes.count)
                return try next.decompressed(maxBytes: maxBytes)
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        let base: AsyncIterator.Base =
            switch source {
            case .serialized(let stream): .serialized(stream.makeAsyncIterator())
            case .received(let stream, let maxBytes): .received(stream.makeAsyncIterator(), maxBytes: maxBytes)
            }
        return AsyncIterator(base: base, decode: decode, onMessageTaken: onMessageTaken)
    }
}

/// Where the serialized messages of an `RPCRequestStream` come from.
enum RequestMessageSource: Sendable {
    /// Serialized messages, ready to decode.
    case serialized(AsyncThrowingStream<[UInt8], any Error>)
    /// Messages as a transport received them, each decompressed (within `maxBytes`) when the
    /// handler takes it: on the handler's task, not on the transport's event loop.
    case received(AsyncThrowingStream<ReceivedMessage, any Error>, maxBytes: Int)
}

extension RPCRequestStream where Message == [UInt8] {
    /// The transport's serialized messages, undecoded.
    public init(bytes: AsyncThrowingStream<[UInt8], any Error>) {
        self.init(bytes: bytes, decode: { $0 })
    }

    /// A transport's messages as received, decompressed within `maxBytes` as the handler takes
    /// each; `onMessageTaken` hears the size each had on the wire.
    package init(
        received: AsyncThrowingStream<ReceivedMessage, any Error>, maxBytes: Int,
        onMessageTaken: @escaping @Sendable (Int) -> Void
    ) {
        self.init(source: .received(received, maxBytes: maxBytes), decode: { $0 }, onMessageTaken: onMessageTaken)
    }

    /// The same stream, each message decoded as `Decoded`.
    public func decoding<Decoded: GRPCMessage>(_ type: Decoded.Type) -> RPCRequestStream<Decoded> {
        RPCRequestStream<Decoded>(
            source: source, decode: { try Decoded(serializedBytes: $0) }, onMessageTaken: onMessageTaken)
    }
}
