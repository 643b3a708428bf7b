import QuantServeGRPC
internal import QuantServeProto

/// Asks the registry to make a loaded version the serving one (promote or roll back) (`inference.v1.ServeVersionRequest`).
public struct ServeVersionRequest: Sendable, Hashable {
    /// The model's name.
    public var name: String
    /// The version.
    public var version: UInt64

    /// A request to serve `name` at `version`.
    public init(name: String = "", version: UInt64 = 0) {
        self.name = name
        self.version = version
    }
}

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension ServeVersionRequest {
    init(cMessage: UnsafePointer<Inference__V1__ServeVersionRequest>) throws(MessageDecodingError) {
        name = try ProtobufCCodec.string(cMessage.pointee.name, field: "name", of: Self.self)
        version = cMessage.pointee.version
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__ServeVersionRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(name)
        cMessage.pointee.version = version
    }
}
