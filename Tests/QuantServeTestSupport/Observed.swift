import Synchronization

/// State that other threads change and a test waits on: `update` changes it and wakes every
/// waiter whose condition now holds. Tests wait for the event they are about, never for time.
///
/// `wait(until:)` has a bound, but only as a failure detector for a test that would otherwise
/// hang (a minute by default): a passing test never waits for it.
public final class Observed<Value: Sendable>: Sendable {
    private struct Waiter {
        let condition: @Sendable (Value) -> Bool
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var value: Value
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state: Mutex<State>

    public init(_ value: Value) {
        state = Mutex(State(value: value))
    }

    /// The value now.
    public var value: Value { state.withLock { $0.value } }

    /// Changes the value and wakes the waiters whose condition now holds.
    @discardableResult
    public func update<Outcome>(_ change: (inout Value) -> Outcome) -> Outcome {
        let (result, woken) = state.withLock { state -> (Outcome, [CheckedContinuation<Bool, Never>]) in
            let result = change(&state.value)
            var woken: [CheckedContinuation<Bool, Never>] = []
            for (id, waiter) in state.waiters where waiter.condition(state.value) {
                woken.append(waiter.continuation)
                state.waiters[id] = nil
            }
            return (result, woken)
        }
        for continuation in woken { continuation.resume(returning: true) }
        return result
    }

    /// Returns true once `condition` holds (at once if it holds now); false only if it still does
    /// not hold after `limit`, the failure detector.
    public func wait(failingAfter limit: Duration = .seconds(60), until condition: @escaping @Sendable (Value) -> Bool)
        async -> Bool
    {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        let timer = Task {
            try await Task.sleep(for: limit)
            self.give(up: id)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let holds = state.withLock { state -> Bool in
                if condition(state.value) { return true }
                state.waiters[id] = Waiter(condition: condition, continuation: continuation)
                return false
            }
            if holds { continuation.resume(returning: true) }
        }
    }

    private func give(up id: UInt64) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.continuation.resume(returning: false)
    }
}
