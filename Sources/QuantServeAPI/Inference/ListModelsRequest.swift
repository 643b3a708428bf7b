import QuantServeGRPC
internal import QuantServeProto

/// Asks for the registry's models (`inference.v1.ListModelsRequest`).
public struct ListModelsRequest: Sendable, Hashable {
    /// Only this model when not empty.
    public var name: String

    /// A request for every model, or only `name`'s.
    public init(name: String = "") {
        self.name = name
    }
}

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension ListModelsRequest {
    init(cMessage: UnsafePointer<Inference__V1__ListModelsRequest>) throws(MessageDecodingError) {
        name = try ProtobufCCodec.string(cMessage.pointee.name, field: "name", of: Self.self)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__ListModelsRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(name)
    }
}
