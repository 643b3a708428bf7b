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

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension TokenizeResponse {
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
