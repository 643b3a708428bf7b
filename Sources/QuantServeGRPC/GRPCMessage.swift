/// A message that travels in a gRPC call: it knows its own protobuf encoding.
public protocol GRPCMessage: Sendable {
    /// Decodes a message; throws when the bytes are not a valid encoding of this message.
    init(serializedBytes: [UInt8]) throws
    /// The message's protobuf encoding.
    func serializedBytes() -> [UInt8]
}
