import QuantServeGRPC
internal import QuantServeProto

/// One L2-normalized sentence embedding (`inference.v1.Embedding`).
public struct Embedding: Sendable, Hashable {
    /// The embedding's components.
    public var values: [Float]
    /// How many tokens the text became (after truncation).
    public var tokenCount: UInt32

    /// An embedding with these components.
    public init(values: [Float] = [], tokenCount: UInt32 = 0) {
        self.values = values
        self.tokenCount = tokenCount
    }
}

extension Embedding: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension Embedding: ProtobufCCodable {
    static let protobufName = "inference.v1.Embedding"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__Embedding>? {
        inference__v1__embedding__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__Embedding>) {
        inference__v1__embedding__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__Embedding>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        values = ProtobufCCodec.array(c.n_values, c.values)
        tokenCount = c.token_count
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__Embedding>, arena: inout ProtobufCArena) {
        cMessage.pointee.n_values = values.count
        cMessage.pointee.values = arena.array(values)
        cMessage.pointee.token_count = tokenCount
    }
}
