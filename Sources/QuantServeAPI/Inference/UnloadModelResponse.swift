import QuantServeGRPC
internal import QuantServeProto

/// The model after an unload request (`inference.v1.UnloadModelResponse`).
public struct UnloadModelResponse: Sendable, Hashable {
    /// The model's status after the change.
    public var model: ModelStatus?

    /// A response carrying `model`.
    public init(model: ModelStatus? = nil) {
        self.model = model
    }
}

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension UnloadModelResponse {
    init(cMessage: UnsafePointer<Inference__V1__UnloadModelResponse>) throws(MessageDecodingError) {
        model = try ProtobufCCodec.message(cMessage.pointee.model)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__UnloadModelResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.model = arena.optionalMessage(model)
    }
}
