import QuantServeGRPC
internal import QuantServeProto

/// Asks for one sentence embedding per text (`inference.v1.EmbedRequest`).
public struct EmbedRequest: Sendable, Hashable {
    /// The model to use; nil (or an empty reference) for the default model's serving version.
    public var model: ModelRef?
    /// The texts to embed, in order.
    public var texts: [String]
    /// Whether a text longer than the model's maximum sequence is truncated (true) or refused
    /// with INVALID_ARGUMENT (false).
    public var truncate: Bool
    /// The model's input prefix to put before every text ("query", "passage" for e5 models);
    /// empty for the model's default.
    public var inputType: String

    /// A request to embed `texts` with `model`.
    public init(model: ModelRef? = nil, texts: [String] = [], truncate: Bool = false, inputType: String = "") {
        self.model = model
        self.texts = texts
        self.truncate = truncate
        self.inputType = inputType
    }
}

extension EmbedRequest: GRPCMessage {
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

extension EmbedRequest: ProtobufCTextsCarrying {
    static let protobufName = "inference.v1.EmbedRequest"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__EmbedRequest>? {
        inference__v1__embed_request__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__EmbedRequest>) {
        inference__v1__embed_request__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__EmbedRequest>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        model = try ProtobufCCodec.message(c.model)
        texts = []  // read from the wire bytes by ProtobufCCodec.decodeCarryingTexts
        truncate = c.truncate != 0
        inputType = try ProtobufCCodec.string(c.input_type, field: "input_type", of: Self.self)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__EmbedRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.model = arena.optionalMessage(model)
        cMessage.pointee.truncate = truncate ? 1 : 0
        cMessage.pointee.input_type = arena.cString(inputType)
    }
}
