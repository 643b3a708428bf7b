/// Why the scheduler did not compute a request.
public enum SchedulerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The queue already holds its maximum number of requests.
    case queueFull(limit: Int)
    /// The request alone holds more tokens than a request may.
    case requestTooLarge(tokens: Int, limit: Int)
    /// The deadline had passed, or would pass before the work queued ahead could be done.
    case deadlineUnreachable(estimatedMicroseconds: Int)
    /// The deadline passed while the request waited in the queue.
    case deadlineExpiredInQueue(waitedMicroseconds: Int)
    /// The scheduler is shutting down.
    case stopped
    /// The model failed to compute the batch (a bug: reported as INTERNAL).
    case engineFailed(reason: String)

    public var description: String {
        switch self {
        case .queueFull(let limit):
            "the model's queue is full (\(limit) requests waiting); retry with backoff"
        case .requestTooLarge(let tokens, let limit):
            "the request holds \(tokens) tokens, more than the limit of \(limit) per request; split it"
        case .deadlineUnreachable(let estimate):
            "the deadline cannot be met: the work queued ahead needs about \(estimate / 1000) ms"
        case .deadlineExpiredInQueue(let waited):
            "the deadline passed after \(waited / 1000) ms in the queue; the request was not computed"
        case .stopped:
            "the model version is being unloaded"
        case .engineFailed(let reason):
            "the model failed to compute the batch: \(reason)"
        }
    }
}
