/// Limits and batching policy of a `BatchScheduler`.
///
/// There is no batching delay: a request on an idle engine starts at once, and requests that
/// arrive while a batch computes form the next one (continuous batching).
public struct SchedulerConfiguration: Sendable, Hashable {
    /// Requests waiting beyond this many are refused with RESOURCE_EXHAUSTED.
    public var maxQueuedRequests: Int
    /// Tokens waiting (not yet taken into a batch) beyond this many are refused with
    /// RESOURCE_EXHAUSTED. At least `maxRequestTokens`, or the largest requests could never queue.
    public var maxQueuedTokens: Int
    /// A batch holds at most this many tokens, which bounds the engine's scratch memory per pass:
    /// a larger request is split into batches of this size at text boundaries (a single
    /// sequence longer than this runs alone).
    public var maxBatchTokens: Int
    /// A request holds at most this many tokens in all its texts; beyond, RESOURCE_EXHAUSTED.
    public var maxRequestTokens: Int

    public init(
        maxQueuedRequests: Int = 1024, maxQueuedTokens: Int = 65536, maxBatchTokens: Int = 2048,
        maxRequestTokens: Int = 32768
    ) {
        self.maxQueuedRequests = maxQueuedRequests
        self.maxQueuedTokens = maxQueuedTokens
        self.maxBatchTokens = maxBatchTokens
        self.maxRequestTokens = maxRequestTokens
    }
}
