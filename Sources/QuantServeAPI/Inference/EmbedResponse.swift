import QuantServeGRPC
internal import QuantServeProto

/// The embeddings of an `EmbedRequest`'s texts (`inference.v1.EmbedResponse`).
public struct EmbedResponse: Sendable, Hashable {
    /// The exact model version that served.
    public var model: ModelRef?
    /// One embedding per request text, in the request's order.
    public var embeddings: [Embedding]
    /// The length of every embedding.
    public var dimensions: UInt32

    /// A response with these embeddings.
    public init(model: ModelRef? = nil, embeddings: [Embedding] = [], dimensions: UInt32 = 0) {
        self.model = model
        self.embeddings = embeddings
        self.dimensions = dimensions
    }
}

extension EmbedResponse: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension EmbedResponse: ProtobufCCodable {
    static let protobufName = "inference.v1.EmbedResponse"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__EmbedResponse>? {
        inference__v1__embed_response__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__EmbedResponse>) {
        inference__v1__embed_response__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__EmbedResponse>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        model = try ProtobufCCodec.message(c.model)
        embeddings = try ProtobufCCodec.messages(c.n_embeddings, c.embeddings)
        dimensions = c.dimensions
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__EmbedResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.model = arena.optionalMessage(model)
        cMessage.pointee.n_embeddings = embeddings.count
        cMessage.pointee.embeddings = arena.messages(embeddings)
        cMessage.pointee.dimensions = dimensions
    }
}
