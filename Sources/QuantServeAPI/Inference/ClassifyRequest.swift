import QuantServeGRPC
internal import QuantServeProto

/// Asks for the best intent labels of each text (`inference.v1.ClassifyRequest`).
public struct ClassifyRequest: Sendable, Hashable {
    /// The model to use; nil (or an empty reference) for the default model's serving version.
    public var model: ModelRef?
    /// The texts to classify, in order.
    public var texts: [String]
    /// How many labels to return per text, best first; 0 means 1.
    public var topK: UInt32
    /// The label set to classify with; empty for the version's first.
    public var head: String

    /// A request to classify `texts` with `model`'s label set `head`.
    public init(model: ModelRef? = nil, texts: [String] = [], topK: UInt32 = 0, head: String = "") {
        self.model = model
        self.texts = texts
        self.topK = topK
        self.head = head
    }
}

extension ClassifyRequest: GRPCMessage {
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

extension ClassifyRequest: ProtobufCTextsCarrying {
    static let protobufName = "inference.v1.ClassifyRequest"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__ClassifyRequest>? {
        inference__v1__classify_request__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__ClassifyRequest>) {
        inference__v1__classify_request__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__ClassifyRequest>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        model = try ProtobufCCodec.message(c.model)
        texts = []  // read from the wire bytes by ProtobufCCodec.decodeCarryingTexts
        topK = c.top_k
        head = try ProtobufCCodec.string(c.head, field: "head", of: Self.self)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__ClassifyRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.model = arena.optionalMessage(model)
        cMessage.pointee.top_k = topK
        cMessage.pointee.head = arena.cString(head)
    }
}
