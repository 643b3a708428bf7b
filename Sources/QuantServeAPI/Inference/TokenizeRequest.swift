import QuantServeGRPC
internal import QuantServeProto

/// Asks for the token ids of each text (`inference.v1.TokenizeRequest`).
public struct TokenizeRequest: Sendable, Hashable {
    /// The model whose tokenizer to use; nil (or an empty reference) for the default model.
    public var model: ModelRef?
    /// The texts to tokenize, in order.
    public var texts: [String]

    /// A request to tokenize `texts` with `model`'s tokenizer.
    public init(model: ModelRef? = nil, texts: [String] = []) {
        self.model = model
        self.texts = texts
    }
}

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension TokenizeRequest {
    init(cMessage: UnsafePointer<Inference__V1__TokenizeRequest>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        model = try ProtobufCCodec.message(c.model)
        texts = []  // read from the wire bytes by ProtobufCCodec.decodeCarryingTexts
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__TokenizeRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.model = arena.optionalMessage(model)
    }
}
