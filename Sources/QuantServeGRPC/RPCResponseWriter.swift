/// Where the transport takes a server's response: initial metadata, then serialized messages.
/// Implemented by each transport; `send…` suspends while HTTP/2 flow control holds the data back.
public protocol RPCResponseSink: Sendable {
    /// Sends the response headers with this metadata. Called at most once, before any message.
    func sendHeaders(_ metadata: Metadata) async throws
    /// Sends one serialized message (the transport adds the gRPC length prefix).
    func sendMessage(_ serialized: [UInt8]) async throws
}

/// Writes a server's response messages. The first write sends the response headers if the
/// handler has not sent them with `writeHeaders`.
public struct RPCResponseWriter<Message: Sendable>: Sendable {
    private let sink: any RPCResponseSink
    private let encode: @Sendable (Message) -> [UInt8]

    /// A writer that encodes each message with `encode` and hands it to `sink`.
    public init(sink: any RPCResponseSink, encode: @escaping @Sendable (Message) -> [UInt8]) {
        self.sink = sink
        self.encode = encode
    }

    /// Sends the response headers now, with custom metadata.
    public func writeHeaders(_ metadata: Metadata) async throws {
        try await sink.sendHeaders(metadata)
    }

    /// Sends one message; suspends while flow control holds it back.
    public func write(_ message: Message) async throws {
        try await sink.sendMessage(encode(message))
    }
}

extension RPCResponseWriter where Message == [UInt8] {
    /// A writer of already serialized messages.
    public init(sink: any RPCResponseSink) {
        self.init(sink: sink, encode: { $0 })
    }

    /// A writer of `Encoded` messages over the same sink.
    public func encoding<Encoded: GRPCMessage>(_ type: Encoded.Type) -> RPCResponseWriter<Encoded> {
        RPCResponseWriter<Encoded>(sink: sink, encode: { $0.serializedBytes() })
    }
}

/// A unary or client-streaming handler's answer: one message plus optional metadata for the
/// response headers and trailers.
public struct ServerResponse<Message: Sendable>: Sendable {
    public var message: Message
    public var headers: Metadata
    public var trailers: Metadata

    public init(_ message: Message, headers: Metadata = [:], trailers: Metadata = [:]) {
        self.message = message
        self.headers = headers
        self.trailers = trailers
    }
}
