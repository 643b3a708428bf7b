import Synchronization

/// What a scripted server answered, and the queue of its serial behaviour.
final class ServerTally: Sendable {
    private struct Counts {
        var arrived = 0
        var succeeded = 0
        var failed = 0
        var nextFree = ContinuousClock.now
    }

    private let counts = Mutex(Counts())

    /// Counts an arriving call and returns its number.
    func arrive() -> Int {
        counts.withLock { counts in
            defer { counts.arrived += 1 }
            return counts.arrived
        }
    }
    func succeed() { counts.withLock { $0.succeeded += 1 } }
    func fail() { counts.withLock { $0.failed += 1 } }

    /// When a call arriving now ends, queued behind the calls before it, each taking `serviceTime`.
    func reserve(_ serviceTime: Duration) -> ContinuousClock.Instant {
        counts.withLock {
            $0.nextFree = max($0.nextFree, .now) + serviceTime
            return $0.nextFree
        }
    }

    var succeeded: Int { counts.withLock { $0.succeeded } }
    var failed: Int { counts.withLock { $0.failed } }
}
