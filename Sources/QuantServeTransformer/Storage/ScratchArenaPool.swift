import Synchronization

/// A thread-safe set of idle scratch arenas: each forward pass borrows one for its duration, so
/// concurrent passes never share memory and sequential ones reuse it.
///
/// An arena does not keep a spike's memory: when a pass returns an arena more than
/// `spikeFactor` times the typical need (the median need of the last `recentPasses` passes), the
/// arena is freed instead of kept, and the next pass allocates what it needs. A steady stream of
/// similar batches still allocates nothing.
final class ScratchArenaPool: Sendable {
    /// Passes whose needs make up the typical need.
    static let recentPasses = 32
    /// How many times the typical need an idle arena may hold.
    static let spikeFactor = 4

    private struct State {
        var idle: [ScratchArena] = []
        /// Floats needed by the last passes, oldest overwritten first.
        var recentNeeds: [Int] = []
        var nextNeedSlot = 0

        mutating func record(need: Int) {
            if recentNeeds.count < ScratchArenaPool.recentPasses {
                recentNeeds.append(need)
            } else {
                recentNeeds[nextNeedSlot] = need
                nextNeedSlot = (nextNeedSlot + 1) % ScratchArenaPool.recentPasses
            }
        }

        /// The median of the recent needs (the lower one of an even count).
        var typicalNeed: Int {
            let sorted = recentNeeds.sorted()
            return sorted.isEmpty ? 0 : sorted[(sorted.count - 1) / 2]
        }
    }

    private let state = Mutex(State())
    private let maximumIdle: Int

    /// A pool that keeps at most `maximumIdle` arenas between passes.
    init(maximumIdle: Int) {
        self.maximumIdle = maximumIdle
    }

    /// Runs `body` with an arena no other pass is using, then returns it to the pool, or frees it
    /// when it holds far more than the typical pass needs.
    func withArena<Result>(_ body: (ScratchArena) throws -> Result) rethrows -> Result {
        let arena = state.withLock { $0.idle.popLast() } ?? ScratchArena()
        arena.beginPass()
        defer {
            state.withLock { state in
                state.record(need: arena.passNeed)
                let oversized = arena.capacity > Self.spikeFactor * state.typicalNeed
                if !oversized && state.idle.count < maximumIdle { state.idle.append(arena) }
            }
        }
        return try body(arena)
    }

    /// Bytes held by idle arenas.
    var idleMemoryBytes: Int { state.withLock { $0.idle.reduce(0) { $0 + $1.memoryBytes } } }
}
