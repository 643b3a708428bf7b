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

extension TokenizeRequest: GRPCMessage {
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

extension TokenizeRequest: ProtobufCTextsCarrying {
    static let protobufName = "inference.v1.TokenizeRequest"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__TokenizeRequest>? {
        inference__v1__tokenize_request__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__TokenizeRequest>) {
        inference__v1__tokenize_request__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__TokenizeRequest>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        model = try ProtobufCCodec.message(c.model)
        texts = []  // read from the wire bytes by ProtobufCCodec.decodeCarryingTexts
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__TokenizeRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.model = arena.optionalMessage(model)
    }
}
