import QuantServeGRPC
internal import QuantServeProto

/// The model after a load request (`inference.v1.LoadModelResponse`).
public struct LoadModelResponse: Sendable, Hashable {
    /// The model's status after the change.
    public var model: ModelStatus?

    /// A response carrying `model`.
    public init(model: ModelStatus? = nil) {
        self.model = model
    }
}

extension LoadModelResponse: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension LoadModelResponse: ProtobufCCodable {
    static let protobufName = "inference.v1.LoadModelResponse"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__LoadModelResponse>? {
        inference__v1__load_model_response__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__LoadModelResponse>) {
        inference__v1__load_model_response__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__LoadModelResponse>) throws(MessageDecodingError) {
        model = try ProtobufCCodec.message(cMessage.pointee.model)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__LoadModelResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.model = arena.optionalMessage(model)
    }
}
