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

extension AnswerRequest: GRPCMessage {
    /// Decodes the message from its protobuf encoding, each text exactly as sent (U+0000
    /// included). Throws `MessageDecodingError` when the bytes are not one, and `RPCError`
    /// RESOURCE_EXHAUSTED when they hold more than `InferenceRequestLimits.maxTexts` texts.
    public init(serializedBytes: [UInt8]) throws {
        self = try ProtobufCCodec.decodeCarryingTexts(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encodeCarryingTexts(self)
    }
}

extension AnswerRequest: ProtobufCTextsCarrying {
    static let protobufName = "inference.v1.AnswerRequest"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__AnswerRequest>? {
        inference__v1__answer_request__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__AnswerRequest>) {
        inference__v1__answer_request__init(cMessage)
    }

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
