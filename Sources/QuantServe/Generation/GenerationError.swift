/// Why a generation was refused or ended with an error status.
public enum GenerationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `limit` requests already wait for KV memory (RESOURCE_EXHAUSTED).
    case queueFull(limit: Int)
    /// The prompt plus `max_tokens` can never fit: `tokens` is over `limit`, the model's
    /// context or its whole KV cache, named by `what` (RESOURCE_EXHAUSTED).
    case neverFits(tokens: Int, limit: Int, what: String)
    /// The deadline passed while the request waited or generated (DEADLINE_EXCEEDED).
    case deadlineExceeded(generatedTokens: Int)
    /// The decoder failed (INTERNAL).
    case decoderFailed(String)
    /// A scheduler setting is out of range.
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .queueFull(let limit):
            "the model's generation queue is full (\(limit) requests wait for KV memory); retry with backoff"
        case .neverFits(let tokens, let limit, let what):
            "the prompt plus max_tokens is \(tokens) tokens, more than the \(limit) of the model's \(what); shorten the prompt or lower max_tokens"
        case .deadlineExceeded(let generated):
            "the deadline passed after \(generated) generated tokens"
        case .decoderFailed(let reason):
            "the decoder failed: \(reason)"
        case .invalidConfiguration(let reason):
            "invalid generation settings: \(reason)"
        }
    }
}
