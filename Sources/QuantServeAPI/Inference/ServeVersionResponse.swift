import QuantServeGRPC
internal import QuantServeProto

/// The model after a serve-version request (`inference.v1.ServeVersionResponse`).
public struct ServeVersionResponse: Sendable, Hashable {
    /// The model's status after the change.
    public var model: ModelStatus?

    /// A response carrying `model`.
    public init(model: ModelStatus? = nil) {
        self.model = model
    }
}

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension ServeVersionResponse {
    init(cMessage: UnsafePointer<Inference__V1__ServeVersionResponse>) throws(MessageDecodingError) {
        model = try ProtobufCCodec.message(cMessage.pointee.model)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__ServeVersionResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.model = arena.optionalMessage(model)
    }
}
