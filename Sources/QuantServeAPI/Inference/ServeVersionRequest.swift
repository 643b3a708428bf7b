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

extension ServeVersionRequest: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension ServeVersionRequest: ProtobufCCodable {
    static let protobufName = "inference.v1.ServeVersionRequest"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__ServeVersionRequest>? {
        inference__v1__serve_version_request__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__ServeVersionRequest>) {
        inference__v1__serve_version_request__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__ServeVersionRequest>) throws(MessageDecodingError) {
        name = try ProtobufCCodec.string(cMessage.pointee.name, field: "name", of: Self.self)
        version = cMessage.pointee.version
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__ServeVersionRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(name)
        cMessage.pointee.version = version
    }
}
