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

extension LoadModelRequest: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension LoadModelRequest: ProtobufCCodable {
    static let protobufName = "inference.v1.LoadModelRequest"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__LoadModelRequest>? {
        inference__v1__load_model_request__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__LoadModelRequest>) {
        inference__v1__load_model_request__init(cMessage)
    }

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
