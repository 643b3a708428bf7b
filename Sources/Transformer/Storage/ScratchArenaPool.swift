import Synchronization

/// A thread-safe set of idle scratch arenas: each forward pass borrows one for its duration, so
/// concurrent passes never share memory and sequential ones reuse it.
final class ScratchArenaPool: Sendable {
    private let idle = Mutex<[ScratchArena]>([])
    private let maximumIdle: Int

    /// A pool that keeps at most `maximumIdle` arenas between passes.
    init(maximumIdle: Int) {
        self.maximumIdle = maximumIdle
    }

    /// Runs `body` with an arena no other pass is using, then returns it to the pool.
    func withArena<Result>(_ body: (ScratchArena) throws -> Result) rethrows -> Result {
        let arena = idle.withLock { $0.popLast() } ?? ScratchArena()
        defer {
            idle.withLock { arenas in
                if arenas.count < maximumIdle { arenas.append(arena) }
            }
        }
        return try body(arena)
    }

    /// Bytes held by idle arenas.
    var idleMemoryBytes: Int { idle.withLock { $0.reduce(0) { $0 + $1.memoryBytes } } }
}
