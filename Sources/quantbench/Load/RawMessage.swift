import QuantServeGRPC

/// A message kept as its serialized bytes: the load generator sends pre-encoded requests and
/// does not decode responses, so that it measures the server, not its own codec.
struct RawMessage: GRPCMessage {
    let bytes: [UInt8]

    init(serializedBytes: [UInt8]) {
        bytes = serializedBytes
    }

    func serializedBytes() -> [UInt8] { bytes }
}
