import QuantServeGRPC
internal import QuantServeProto

/// Asks the registry to load a version (`inference.v1.LoadModelRequest`).
public struct LoadModelRequest: Sendable, Hashable {
    /// The model's name.
    public var name: String
    /// The version to load.
    public var version: UInt64
    /// Load from this folder instead of `<repository>/<name>/<version>` when not empty.
    public var path: String
    /// Make it the serving version once it is ready.
    public var serve: Bool

    /// A request to load `name` at `version`.
    public init(name: String = "", version: UInt64 = 0, path: String = "", serve: Bool = false) {
        self.name = name
        self.version = version
        self.path = path
        self.serve = serve
    }
}

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension LoadModelRequest {
    init(cMessage: UnsafePointer<Inference__V1__LoadModelRequest>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        name = try ProtobufCCodec.string(c.name, field: "name", of: Self.self)
        version = c.version
        path = try ProtobufCCodec.string(c.path, field: "path", of: Self.self)
        serve = c.serve != 0
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__LoadModelRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(name)
        cMessage.pointee.version = version
        cMessage.pointee.path = arena.cString(path)
        cMessage.pointee.serve = serve ? 1 : 0
    }
}
