import QuantServeGRPC

/// How one call ended. A failure is counted by its status; its time is never folded into
/// the latency of successful calls.
enum CallOutcome: Sendable {
    /// The call ended with OK.
    case succeeded
    /// The call ended with this non-OK status.
    case failed(Status.Code)
    /// The call did not get a gRPC status (connection refused or lost).
    case transportFailure
}
