/// The messages a client sends in one call, as an async sequence. It ends when the client
/// half-closes; it throws when the call fails (reset, deadline, undecodable message as
/// `RPCError(.invalidArgument)`).
public struct RPCRequestStream<Message: Sendable>: AsyncSequence, Sendable {
    public typealias Element = Message

    private let bytes: AsyncThrowingStream<[UInt8], any Error>
    private let decode: @Sendable ([UInt8]) throws -> Message

    /// A stream of messages decoded from the transport's stream of serialized messages.
    public init(bytes: AsyncThrowingStream<[UInt8], any Error>, decode: @escaping @Sendable ([UInt8]) throws -> Message) {
        self.bytes = bytes
        self.decode = decode
    }

    /// Iterates the messages in arrival order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator
        let decode: @Sendable ([UInt8]) throws -> Message

        public mutating func next() async throws -> Message? {
            guard let serialized = try await base.next() else { return nil }
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
        AsyncIterator(base: bytes.makeAsyncIterator(), decode: decode)
    }
}

extension RPCRequestStream where Message == [UInt8] {
    /// The transport's serialized messages, undecoded.
    public init(bytes: AsyncThrowingStream<[UInt8], any Error>) {
        self.init(bytes: bytes, decode: { $0 })
    }

    /// The same stream, each message decoded as `Decoded`.
    public func decoding<Decoded: GRPCMessage>(_ type: Decoded.Type) -> RPCRequestStream<Decoded> {
        RPCRequestStream<Decoded>(bytes: bytes, decode: { try Decoded(serializedBytes: $0) })
    }
}
