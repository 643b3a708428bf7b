import QuantServeGRPC

/// Bytes that are not a valid encoding of the expected protobuf message.
public struct MessageDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The fully qualified name of the message being decoded, e.g. `inference.v1.EmbedRequest`.
    public var messageName: String
    /// What is wrong with the bytes.
    public var reason: String

    /// An error decoding `messageName`, because of `reason`.
    public init(messageName: String, reason: String) {
        self.messageName = messageName
        self.reason = reason
    }

    public var description: String { "cannot decode \(messageName): \(reason)" }
}

/// A request the server cannot decode is the client's mistake: INVALID_ARGUMENT.
extension MessageDecodingError: RPCErrorConvertible {
    public var rpcErrorCode: Status.Code { .invalidArgument }
    public var rpcErrorMessage: String { description }
}
