import QuantServeGRPC
internal import QuantServeProto

/// The registry's models (`inference.v1.ListModelsResponse`).
public struct ListModelsResponse: Sendable, Hashable {
    /// Every model asked for.
    public var models: [ModelStatus]

    /// A response listing `models`.
    public init(models: [ModelStatus] = []) {
        self.models = models
    }
}

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension ListModelsResponse {
    init(cMessage: UnsafePointer<Inference__V1__ListModelsResponse>) throws(MessageDecodingError) {
        models = try ProtobufCCodec.messages(cMessage.pointee.n_models, cMessage.pointee.models)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__ListModelsResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.n_models = models.count
        cMessage.pointee.models = arena.messages(models)
    }
}
