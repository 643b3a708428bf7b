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

extension UnloadModelRequest: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension UnloadModelRequest: ProtobufCCodable {
    static let protobufName = "inference.v1.UnloadModelRequest"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__UnloadModelRequest>? {
        inference__v1__unload_model_request__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__UnloadModelRequest>) {
        inference__v1__unload_model_request__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__UnloadModelRequest>) throws(MessageDecodingError) {
        name = try ProtobufCCodec.string(cMessage.pointee.name, field: "name", of: Self.self)
        version = cMessage.pointee.version
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__UnloadModelRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(name)
        cMessage.pointee.version = version
    }
}
