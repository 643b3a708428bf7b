import QuantServeGRPC
internal import QuantServeProto

/// Why a generation ended (`inference.v1.FinishReason`).
public enum FinishReason: Sendable, Hashable, RawRepresentable {
    /// Not set (every chunk but the last).
    case unspecified
    /// The model's end-of-turn token or a stop string.
    case stop
    /// `max_tokens` was reached.
    case length
    /// The server stopped the generation.
    case cancelled
    /// A value this build does not know, kept as sent.
    case unrecognized(Int32)

    /// The reason with this wire number.
    public init(rawValue: Int32) {
        switch rawValue {
        case 0: self = .unspecified
        case 1: self = .stop
        case 2: self = .length
        case 3: self = .cancelled
        default: self = .unrecognized(rawValue)
        }
    }

    /// The reason's wire number.
    public var rawValue: Int32 {
        switch self {
        case .unspecified: 0
        case .stop: 1
        case .length: 2
        case .cancelled: 3
        case .unrecognized(let value): value
        }
    }
}

/// The counts of a finished generation (`inference.v1.GenerateUsage`).
public struct GenerateUsage: Sendable, Hashable {
    public var promptTokens: UInt32
    /// Tokens generated, the end-of-turn token included.
    public var generatedTokens: UInt32
    /// From the moment the server accepted the call to the first generated token.
    public var timeToFirstTokenSeconds: Double

    /// A message with these fields.
    public init(promptTokens: UInt32 = 0, generatedTokens: UInt32 = 0, timeToFirstTokenSeconds: Double = 0) {
        self.promptTokens = promptTokens
        self.generatedTokens = generatedTokens
        self.timeToFirstTokenSeconds = timeToFirstTokenSeconds
    }
}

/// The field mapping to protoc-c's structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension GenerateUsage {
    init(cMessage: UnsafePointer<Inference__V1__GenerateUsage>) throws(MessageDecodingError) {
        promptTokens = cMessage.pointee.prompt_tokens
        generatedTokens = cMessage.pointee.generated_tokens
        timeToFirstTokenSeconds = cMessage.pointee.time_to_first_token_seconds
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__GenerateUsage>, arena: inout ProtobufCArena) {
        cMessage.pointee.prompt_tokens = promptTokens
        cMessage.pointee.generated_tokens = generatedTokens
        cMessage.pointee.time_to_first_token_seconds = timeToFirstTokenSeconds
    }
}

/// One streamed piece of a generation (`inference.v1.GenerateChunk`).
public struct GenerateChunk: Sendable, Hashable {
    /// The exact version generating.
    public var model: ModelRef?
    /// The text this chunk adds (whole UTF-8 characters).
    public var text: String
    /// The token ids this chunk adds.
    public var tokenIds: [UInt32]
    /// Set on the last chunk only.
    public var finishReason: FinishReason
    /// Set on the last chunk only.
    public var usage: GenerateUsage?

    /// A message with these fields.
    public init(
        model: ModelRef? = nil, text: String = "", tokenIds: [UInt32] = [], finishReason: FinishReason = .unspecified,
        usage: GenerateUsage? = nil
    ) {
        self.model = model
        self.text = text
        self.tokenIds = tokenIds
        self.finishReason = finishReason
        self.usage = usage
    }
}

/// The field mapping to protoc-c's structure; the conformances that use it are generated
/// (Generated/ProtobufCMessages.swift, by scripts/generate-protos.sh).
extension GenerateChunk {
    init(cMessage: UnsafePointer<Inference__V1__GenerateChunk>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        model = try ProtobufCCodec.message(c.model)
        text = try ProtobufCCodec.string(c.text, field: "text", of: Self.self)
        tokenIds = ProtobufCCodec.array(c.n_token_ids, c.token_ids)
        finishReason = FinishReason(rawValue: Int32(truncatingIfNeeded: c.finish_reason.rawValue))
        usage = try ProtobufCCodec.message(c.usage)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__GenerateChunk>, arena: inout ProtobufCArena) {
        cMessage.pointee.model = arena.optionalMessage(model)
        cMessage.pointee.text = arena.cString(text)
        cMessage.pointee.n_token_ids = tokenIds.count
        cMessage.pointee.token_ids = arena.array(tokenIds)
        cMessage.pointee.finish_reason = Inference__V1__FinishReason(
            rawValue: .init(truncatingIfNeeded: finishReason.rawValue))
        cMessage.pointee.usage = arena.optionalMessage(usage)
    }
}
