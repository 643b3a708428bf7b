import QuantServeGRPC
internal import QuantServeProto

/// Asks the registry to stop serving a version and free it once its in-flight requests end (`inference.v1.UnloadModelRequest`).
public struct UnloadModelRequest: Sendable, Hashable {
    /// The model's name.
    public var name: String
    /// The version.
    public var version: UInt64

    /// A request to unload `name` at `version`.
    public init(name: String = "", version: UInt64 = 0) {
        self.name = name
        self.version = version
    }
}

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension UnloadModelRequest {
    init(cMessage: UnsafePointer<Inference__V1__UnloadModelRequest>) throws(MessageDecodingError) {
        name = try ProtobufCCodec.string(cMessage.pointee.name, field: "name", of: Self.self)
        version = cMessage.pointee.version
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__UnloadModelRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(name)
        cMessage.pointee.version = version
    }
}
