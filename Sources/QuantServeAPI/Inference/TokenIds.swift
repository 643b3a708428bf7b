import QuantServeGRPC
internal import QuantServeProto

/// The token ids of one text (`inference.v1.TokenIds`).
public struct TokenIds: Sendable, Hashable {
    /// The ids, special tokens included, exactly as the model's tokenizer makes them.
    public var ids: [UInt32]

    /// These token ids.
    public init(ids: [UInt32] = []) {
        self.ids = ids
    }
}

extension TokenIds: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension TokenIds: ProtobufCCodable {
    static let protobufName = "inference.v1.TokenIds"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__TokenIds>? {
        inference__v1__token_ids__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__TokenIds>) {
        inference__v1__token_ids__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__TokenIds>) throws(MessageDecodingError) {
        ids = ProtobufCCodec.array(cMessage.pointee.n_ids, cMessage.pointee.ids)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__TokenIds>, arena: inout ProtobufCArena) {
        cMessage.pointee.n_ids = ids.count
        cMessage.pointee.ids = arena.array(ids)
    }
}
