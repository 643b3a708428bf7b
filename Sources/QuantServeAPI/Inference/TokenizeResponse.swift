import QuantServeGRPC
internal import QuantServeProto

/// The token ids of a `TokenizeRequest`'s texts (`inference.v1.TokenizeResponse`).
public struct TokenizeResponse: Sendable, Hashable {
    /// The exact model version whose tokenizer served.
    public var model: ModelRef?
    /// One list of ids per request text, in the request's order.
    public var tokens: [TokenIds]

    /// A response with these token ids.
    public init(model: ModelRef? = nil, tokens: [TokenIds] = []) {
        self.model = model
        self.tokens = tokens
    }
}

extension TokenizeResponse: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension TokenizeResponse: ProtobufCCodable {
    static let protobufName = "inference.v1.TokenizeResponse"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__TokenizeResponse>? {
        inference__v1__tokenize_response__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__TokenizeResponse>) {
        inference__v1__tokenize_response__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__TokenizeResponse>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        model = try ProtobufCCodec.message(c.model)
        tokens = try ProtobufCCodec.messages(c.n_tokens, c.tokens)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__TokenizeResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.model = arena.optionalMessage(model)
        cMessage.pointee.n_tokens = tokens.count
        cMessage.pointee.tokens = arena.messages(tokens)
    }
}
