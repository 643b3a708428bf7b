import QuantServeGRPC
internal import QuantServeProto

/// Names a model version (`inference.v1.ModelRef`). An empty name is the server's default
/// model; version 0 is that model's serving version. Responses carry the exact version that served.
public struct ModelRef: Sendable, Hashable {
    /// The model's name; empty for the server's default model.
    public var name: String
    /// The version number; 0 for the model's serving version.
    public var version: UInt64

    /// A reference to `name` at `version`; the defaults name the default model's serving version.
    public init(name: String = "", version: UInt64 = 0) {
        self.name = name
        self.version = version
    }
}

extension ModelRef: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension ModelRef: ProtobufCCodable {
    static let protobufName = "inference.v1.ModelRef"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__ModelRef>? {
        inference__v1__model_ref__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__ModelRef>) {
        inference__v1__model_ref__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__ModelRef>) throws(MessageDecodingError) {
        name = try ProtobufCCodec.string(cMessage.pointee.name, field: "name", of: Self.self)
        version = cMessage.pointee.version
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__ModelRef>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(name)
        cMessage.pointee.version = version
    }
}
