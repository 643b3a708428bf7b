import Synchronization

/// The open loop's free streams: at most `perConnection` calls in flight on each connection
/// and `total` over all of them. `acquire()` hands out a connection with a free stream,
/// round-robin, and waits (its only caller is the scheduler) when there is none.
final class StreamSlots: Sendable {
    private struct State {
        var inFlight: [Int]
        var total = 0
        var next = 0
        var waiter: CheckedContinuation<Int, Never>?
    }

    private let perConnection: Int
    private let total: Int
    private let state: Mutex<State>

    /// Slots for `connections` connections, `perConnection` streams each, `total` in all.
    init(connections: Int, perConnection: Int, total: Int) {
        self.perConnection = perConnection
        self.total = total
        state = Mutex(State(inFlight: Array(repeating: 0, count: connections)))
    }

    /// A connection with a free stream, now if there is one (`waited` false), else once a
    /// call ends (`waited` true). Only one task may wait at a time.
    func acquire() async -> (connection: Int, waited: Bool) {
        if let connection = state.withLock({ takeFree(&$0) }) { return (connection, false) }
        let connection = await withCheckedContinuation { continuation in
            let granted = state.withLock { state -> Int? in
                if let connection = takeFree(&state) { return connection }
                state.waiter = continuation
                return nil
            }
            if let granted { continuation.resume(returning: granted) }
        }
        return (connection, true)
    }

    /// Whether a task is waiting in `acquire` for a free stream (tests wait for this).
    var hasWaiter: Bool { state.withLock { $0.waiter != nil } }

    /// Frees the stream a call held on `connection`.
    func release(_ connection: Int) {
        let handOver = state.withLock { state -> (CheckedContinuation<Int, Never>, Int)? in
            state.inFlight[connection] -= 1
            state.total -= 1
            guard let waiter = state.waiter, let granted = takeFree(&state) else { return nil }
            state.waiter = nil
            return (waiter, granted)
        }
        if let (waiter, connection) = handOver { waiter.resume(returning: connection) }
    }

    private func takeFree(_ state: inout State) -> Int? {
        guard state.total < total else { return nil }
        let count = state.inFlight.count
        for step in 0..<count {
            let candidate = (state.next + step) % count
            if state.inFlight[candidate] < perConnection {
                state.inFlight[candidate] += 1
                state.total += 1
                state.next = (candidate + 1) % count
                return candidate
            }
        }
        return nil
    }
}
