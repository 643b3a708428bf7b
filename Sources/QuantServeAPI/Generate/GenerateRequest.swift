import QuantServeGRPC
internal import QuantServeProto

/// Asks a decoder model to continue a chat or a raw prompt (`inference.v1.GenerateRequest`).
public struct GenerateRequest: Sendable, Hashable {
    /// The most chat messages one request may carry.
    public static let maxMessages = 1024
    /// The most stop strings one request may carry.
    public static let maxStopStrings = 16

    /// The model to use; nil (or an empty reference) for the default model's serving version.
    public var model: ModelRef?
    /// The chat to continue (exactly one of `messages` and `prompt` is set).
    public var messages: [ChatMessage]
    /// A raw prompt, tokenized as is.
    public var prompt: String
    /// Most tokens to generate; 0 is the server's default.
    public var maxTokens: UInt32
    /// 0 is greedy decoding.
    public var temperature: Float
    /// Nucleus sampling; 0 or 1 is off.
    public var topP: Float
    /// Top-k sampling; 0 is off.
    public var topK: UInt32
    /// Seeds the sampler; 0 draws a fresh seed.
    public var seed: UInt64
    /// Generation stops before the first of these strings (not included).
    public var stop: [String]
    /// Penalty on tokens already seen; 0 or 1 is off.
    public var repetitionPenalty: Float

    /// A message with these fields.
    public init(
        model: ModelRef? = nil, messages: [ChatMessage] = [], prompt: String = "", maxTokens: UInt32 = 0,
        temperature: Float = 0, topP: Float = 0, topK: UInt32 = 0, seed: UInt64 = 0, stop: [String] = [],
        repetitionPenalty: Float = 0
    ) {
        self.model = model
        self.messages = messages
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.seed = seed
        self.stop = stop
        self.repetitionPenalty = repetitionPenalty
    }
}

extension GenerateRequest: GRPCMessage {
    /// Decodes the message from its protobuf encoding. The chat messages and stop strings are
    /// counted on the wire first: more than `maxMessages` or `maxStopStrings` is `RPCError`
    /// RESOURCE_EXHAUSTED before protobuf-c allocates anything for them.
    public init(serializedBytes: [UInt8]) throws {
        let counts = ProtobufWireScan.topLevelFieldCounts(serializedBytes)
        for (field, name, limit) in [
            (UInt32(2), "chat messages", Self.maxMessages), (UInt32(9), "stop strings", Self.maxStopStrings),
        ] {
            let count = counts[field, default: 0]
            guard count <= limit else {
                throw RPCError(
                    code: .resourceExhausted,
                    message: "the request holds \(count) \(name), more than the limit of \(limit)")
            }
        }
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension GenerateRequest: ProtobufCCodable {
    static let protobufName = "inference.v1.GenerateRequest"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__V1__GenerateRequest
    >? {
        inference__v1__generate_request__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__GenerateRequest>) {
        inference__v1__generate_request__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__GenerateRequest>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        model = try ProtobufCCodec.message(c.model)
        messages = try ProtobufCCodec.messages(c.n_messages, c.messages)
        prompt = try ProtobufCCodec.string(c.prompt, field: "prompt", of: Self.self)
        maxTokens = c.max_tokens
        temperature = c.temperature
        topP = c.top_p
        topK = c.top_k
        seed = c.seed
        stop = try ProtobufCCodec.strings(c.n_stop, c.stop, field: "stop", of: Self.self)
        repetitionPenalty = c.repetition_penalty
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__GenerateRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.model = arena.optionalMessage(model)
        cMessage.pointee.n_messages = messages.count
        cMessage.pointee.messages = arena.messages(messages)
        cMessage.pointee.prompt = arena.cString(prompt)
        cMessage.pointee.max_tokens = maxTokens
        cMessage.pointee.temperature = temperature
        cMessage.pointee.top_p = topP
        cMessage.pointee.top_k = topK
        cMessage.pointee.seed = seed
        cMessage.pointee.n_stop = stop.count
        cMessage.pointee.stop = arena.cStrings(stop)
        cMessage.pointee.repetition_penalty = repetitionPenalty
    }
}
