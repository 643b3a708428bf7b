/// Limits and batching policy of a `BatchScheduler`.
public struct SchedulerConfiguration: Sendable, Hashable {
    /// Requests waiting beyond this many are refused with RESOURCE_EXHAUSTED.
    public var maxQueuedRequests: Int
    /// A batch holds at most this many tokens (one request larger than this runs alone).
    public var maxBatchTokens: Int
    /// A request holds at most this many tokens in all its texts.
    public var maxRequestTokens: Int
    /// How long the oldest waiting request may wait for a batch to fill.
    public var maxBatchDelay: Duration

    public init(maxQueuedRequests: Int = 1024, maxBatchTokens: Int = 2048, maxRequestTokens: Int = 32768,
                maxBatchDelay: Duration = .milliseconds(2)) {
        self.maxQueuedRequests = maxQueuedRequests
        self.maxBatchTokens = maxBatchTokens
        self.maxRequestTokens = maxRequestTokens
        self.maxBatchDelay = maxBatchDelay
    }
}
