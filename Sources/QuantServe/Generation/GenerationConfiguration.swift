/// Settings of every decoder version's `GenerationScheduler`.
public struct GenerationConfiguration: Sendable, Hashable {
    /// Tokens one decoder step may take: every running sequence's decode token first, then
    /// prefill chunks of the sequences being admitted with what is left.
    public var stepTokenBudget: Int
    /// Sequences decoding at once (at most `stepTokenBudget`).
    public var maxRunningSequences: Int
    /// Requests waiting for KV blocks or a running slot; beyond, a request is refused at once
    /// with RESOURCE_EXHAUSTED.
    public var maxWaitingRequests: Int
    /// `max_tokens` when a request leaves it 0 (then also cut to what the context leaves).
    public var defaultMaxTokens: Int
    /// Bytes of each decoder version's KV cache (see `LlamaVersionLoader`); a version whose
    /// context does not fit in it once fails to load.
    public var kvCacheBytes = LlamaVersionLoader.defaultKVCacheBytes
    /// Whether decoders quantize the down projection's input to 16 bits (see `LlamaVersionLoader`).
    public var preciseDownProjection = true
    /// Whether Q4_1 decoders run small decode steps on their 4-bit blocks (see `LlamaVersionLoader`).
    public var fourBitDecode = true

    public init(
        stepTokenBudget: Int = 256, maxRunningSequences: Int = 32, maxWaitingRequests: Int = 64,
        defaultMaxTokens: Int = 512
    ) {
        self.stepTokenBudget = stepTokenBudget
        self.maxRunningSequences = maxRunningSequences
        self.maxWaitingRequests = maxWaitingRequests
        self.defaultMaxTokens = defaultMaxTokens
    }

    /// Throws a description of the first setting out of range.
    public func validate() throws(GenerationError) {
        guard stepTokenBudget >= 1 else { throw .invalidConfiguration("the step token budget must be at least 1") }
        guard maxRunningSequences >= 1, maxRunningSequences <= stepTokenBudget else {
            throw .invalidConfiguration(
                "running sequences must be between 1 and the step token budget (\(stepTokenBudget))")
        }
        guard maxWaitingRequests >= 0 else { throw .invalidConfiguration("waiting requests must be at least 0") }
        guard defaultMaxTokens >= 1 else { throw .invalidConfiguration("the default max_tokens must be at least 1") }
        guard kvCacheBytes >= 1 << 20 else { throw .invalidConfiguration("the KV cache budget must be at least 1 MiB") }
    }
}
