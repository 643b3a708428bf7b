import QuantServeGRPC
internal import QuantServeProto

/// The registry's models (`inference.v1.ListModelsResponse`).
public struct ListModelsResponse: Sendable, Hashable {
    /// Every model asked for.
    public var models: [ModelStatus]

    /// A response listing `models`.
    public init(models: [ModelStatus] = []) {
        self.models = models
    }
}

extension ListModelsResponse: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension ListModelsResponse: ProtobufCCodable {
    static let protobufName = "inference.v1.ListModelsResponse"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__ListModelsResponse>? {
        inference__v1__list_models_response__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__ListModelsResponse>) {
        inference__v1__list_models_response__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__ListModelsResponse>) throws(MessageDecodingError) {
        models = try ProtobufCCodec.messages(cMessage.pointee.n_models, cMessage.pointee.models)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__ListModelsResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.n_models = models.count
        cMessage.pointee.models = arena.messages(models)
    }
}
