import QuantServeGRPC
internal import QuantServeProto

/// Asks for the knowledge-base entries closest to each text (`inference.v1.AnswerRequest`).
public struct AnswerRequest: Sendable, Hashable {
    /// The model to use; nil (or an empty reference) for the default model's serving version.
    public var model: ModelRef?
    /// The questions, in order.
    public var texts: [String]
    /// How many entries to return per text, best first; 0 means 1.
    public var topK: UInt32

    /// A message with these fields.
    public init(model: ModelRef? = nil, texts: [String] = [], topK: UInt32 = 0) {
        self.model = model
        self.texts = texts
        self.topK = topK
    }
}

/// The field mapping to protoc-c\'s structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension AnswerRequest {
    init(cMessage: UnsafePointer<Inference__V1__AnswerRequest>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        model = try ProtobufCCodec.message(c.model)
        texts = []  // read from the wire bytes by ProtobufCCodec.decodeCarryingTexts
        topK = c.top_k
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__AnswerRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.model = arena.optionalMessage(model)
        cMessage.pointee.top_k = topK
    }
}
