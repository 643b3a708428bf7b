import QuantServeGRPC
internal import QuantServeProto

/// One model and its versions (`inference.v1.ModelStatus`).
public struct ModelStatus: Sendable, Hashable {
    /// The model's name.
    public var name: String
    /// Every version the registry knows of.
    public var versions: [ModelVersionStatus]
    /// The serving version; 0 when none serves.
    public var servingVersion: UInt64
    /// Whether requests with an empty model name get this model.
    public var isDefault: Bool

    /// A model's status.
    public init(
        name: String = "", versions: [ModelVersionStatus] = [], servingVersion: UInt64 = 0, isDefault: Bool = false
    ) {
        self.name = name
        self.versions = versions
        self.servingVersion = servingVersion
        self.isDefault = isDefault
    }
}

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension ModelStatus {
    init(cMessage: UnsafePointer<Inference__V1__ModelStatus>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        name = try ProtobufCCodec.string(c.name, field: "name", of: Self.self)
        versions = try ProtobufCCodec.messages(c.n_versions, c.versions)
        servingVersion = c.serving_version
        isDefault = c.is_default != 0
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__ModelStatus>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(name)
        cMessage.pointee.n_versions = versions.count
        cMessage.pointee.versions = arena.messages(versions)
        cMessage.pointee.serving_version = servingVersion
        cMessage.pointee.is_default = isDefault ? 1 : 0
    }
}
