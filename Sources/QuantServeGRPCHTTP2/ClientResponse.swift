public import QuantServeGRPC

/// The answer to a unary or client-streaming call: the message and the metadata around it.
public struct ClientResponse<Message: Sendable>: Sendable {
    /// The response message.
    public var message: Message
    /// The server's response headers (custom metadata only).
    public var headers: Metadata
    /// The server's trailers (custom metadata only; the status was OK).
    public var trailers: Metadata

    /// A response from its parts.
    public init(message: Message, headers: Metadata, trailers: Metadata) {
        self.message = message
        self.headers = headers
        self.trailers = trailers
    }
}
