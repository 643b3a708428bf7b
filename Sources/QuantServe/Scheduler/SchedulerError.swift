/// Why the scheduler did not compute a request.
public enum SchedulerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which bound of the queue a refused request would have crossed.
    public enum QueueBound: Sendable, Equatable {
        /// The queue already holds `limit` requests.
        case requests(limit: Int)
        /// `waiting` tokens are queued and the request's `requested` would take them over `limit`.
        case tokens(waiting: Int, requested: Int, limit: Int)
    }

    /// The queue is full, in requests or in tokens.
    case queueFull(QueueBound)
    /// The request alone holds more tokens than a request may (at least `tokens`: counting
    /// stops once the limit is passed).
    case requestTooLarge(tokens: Int, limit: Int)
    /// The deadline had passed, or would pass before the work queued ahead could be done.
    case deadlineUnreachable(estimatedMicroseconds: Int)
    /// The deadline passed while the request waited in the queue.
    case deadlineExpiredInQueue(waitedMicroseconds: Int)
    /// The deadline passed before the request's texts were tokenized; the rest were not.
    case deadlineExpiredInTokenization(tokenizedTexts: Int)
    /// The scheduler is shutting down.
    case stopped
    /// The model failed to compute the batch (a bug: reported as INTERNAL).
    case engineFailed(reason: String)

    public var description: String {
        switch self {
        case .queueFull(.requests(let limit)):
            "the model's queue is full (\(limit) requests waiting); retry with backoff"
        case .queueFull(.tokens(let waiting, let requested, let limit)):
            "the model's queue is full: \(waiting) tokens are waiting and this request's \(requested) would pass "
                + "the limit of \(limit); retry with backoff"
        case .requestTooLarge(let tokens, let limit):
            "the request holds at least \(tokens) tokens, more than the limit of \(limit) per request; split it"
        case .deadlineUnreachable(let estimate):
            "the deadline cannot be met: the work queued ahead needs about \(estimate / 1000) ms"
        case .deadlineExpiredInQueue(let waited):
            "the deadline passed after \(waited / 1000) ms in the queue; the request was not computed"
        case .deadlineExpiredInTokenization(let tokenized):
            "the deadline passed after \(tokenized) texts were tokenized; the request was not computed"
        case .stopped:
            "the model version is being unloaded"
        case .engineFailed(let reason):
            "the model failed to compute the batch: \(reason)"
        }
    }
}
