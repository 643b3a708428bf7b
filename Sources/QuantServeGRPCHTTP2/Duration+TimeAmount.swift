import NIOCore

extension TimeAmount {
    /// The amount of `duration`, in whole nanoseconds (saturating).
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        self = .nanoseconds(overflow ? (seconds < 0 ? .min : .max) : scaled &+ attoseconds / 1_000_000_000)
    }
}
