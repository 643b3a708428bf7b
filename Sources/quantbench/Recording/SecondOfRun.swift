/// One second of a run, counted from the start of measurement: the calls sent in it
/// (open loop: scheduled in it), and the calls that ended in it with their latencies.
struct SecondOfRun: Sendable {
    /// Seconds since measurement started (0 is the first second).
    let second: Int
    /// Calls sent (open loop: scheduled) in this second.
    var sent = 0
    /// Calls that ended in this second with OK.
    var completed = 0
    /// Calls that ended in this second with any other status.
    var errors = 0
    /// Latencies of the calls counted in `completed`, in nanoseconds.
    private(set) var latencies = CallRecording.makeHistogram()

    /// A second with nothing in it yet.
    init(second: Int) {
        self.second = second
    }

    /// Counts one successful call that took `nanoseconds`.
    mutating func recordSuccess(nanoseconds: UInt64) {
        completed += 1
        _ = latencies.record(nanoseconds)
    }
}
