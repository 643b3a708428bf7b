import QuantServeGRPC
internal import QuantServeProto

/// The model after a serve-version request (`inference.v1.ServeVersionResponse`).
public struct ServeVersionResponse: Sendable, Hashable {
    /// The model's status after the change.
    public var model: ModelStatus?

    /// A response carrying `model`.
    public init(model: ModelStatus? = nil) {
        self.model = model
    }
}

extension ServeVersionResponse: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension ServeVersionResponse: ProtobufCCodable {
    static let protobufName = "inference.v1.ServeVersionResponse"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__ServeVersionResponse>? {
        inference__v1__serve_version_response__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__ServeVersionResponse>) {
        inference__v1__serve_version_response__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__ServeVersionResponse>) throws(MessageDecodingError) {
        model = try ProtobufCCodec.message(cMessage.pointee.model)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__ServeVersionResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.model = arena.optionalMessage(model)
    }
}
