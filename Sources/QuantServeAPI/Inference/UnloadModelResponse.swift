import QuantServeGRPC
internal import QuantServeProto

/// The model after an unload request (`inference.v1.UnloadModelResponse`).
public struct UnloadModelResponse: Sendable, Hashable {
    /// The model's status after the change.
    public var model: ModelStatus?

    /// A response carrying `model`.
    public init(model: ModelStatus? = nil) {
        self.model = model
    }
}

extension UnloadModelResponse: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension UnloadModelResponse: ProtobufCCodable {
    static let protobufName = "inference.v1.UnloadModelResponse"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__UnloadModelResponse>? {
        inference__v1__unload_model_response__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__UnloadModelResponse>) {
        inference__v1__unload_model_response__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__UnloadModelResponse>) throws(MessageDecodingError) {
        model = try ProtobufCCodec.message(cMessage.pointee.model)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__UnloadModelResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.model = arena.optionalMessage(model)
    }
}
