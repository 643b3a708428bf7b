import QuantServeGRPC
internal import QuantServeProto

/// Asks for the registry's models (`inference.v1.ListModelsRequest`).
public struct ListModelsRequest: Sendable, Hashable {
    /// Only this model when not empty.
    public var name: String

    /// A request for every model, or only `name`'s.
    public init(name: String = "") {
        self.name = name
    }
}

extension ListModelsRequest: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension ListModelsRequest: ProtobufCCodable {
    static let protobufName = "inference.v1.ListModelsRequest"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__ListModelsRequest>? {
        inference__v1__list_models_request__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__ListModelsRequest>) {
        inference__v1__list_models_request__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__ListModelsRequest>) throws(MessageDecodingError) {
        name = try ProtobufCCodec.string(cMessage.pointee.name, field: "name", of: Self.self)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__ListModelsRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(name)
    }
}
