import Testing

@testable import QuantServeTransformer

/// Scratch arenas are reused by a steady stream of passes and given back after a spike.
@Suite struct ScratchArenaPoolTests {
    /// One pass that asks its arena for `floats`; returns the arena it was given.
    @discardableResult
    static func pass(_ pool: ScratchArenaPool, floats: Int) -> ObjectIdentifier {
        pool.withArena { arena in
            _ = arena.floats(floats)
            return ObjectIdentifier(arena)
        }
    }

    @Test func aSteadyStreamReusesOneArena() {
        let pool = ScratchArenaPool(maximumIdle: 2)
        let first = Self.pass(pool, floats: 1000)
        for floats in [900, 1000, 800, 1000] {
            #expect(Self.pass(pool, floats: floats) == first)
        }
        #expect(pool.idleMemoryBytes == 4 * 1000)
    }

    @Test func aSpikeIsGivenBackAfterItsPass() {
        let pool = ScratchArenaPool(maximumIdle: 2)
        for _ in 0..<ScratchArenaPool.recentPasses { Self.pass(pool, floats: 1000) }
        // A 0.5 GB-sized request among small ones (uninitialized memory: nothing is touched).
        Self.pass(pool, floats: 128 << 20)
        #expect(pool.idleMemoryBytes == 0)
        Self.pass(pool, floats: 1000)
        #expect(pool.idleMemoryBytes == 4 * 1000)
    }

    @Test func aSpikeAtTheStartIsGivenBackOnceSmallerPassesAreTypical() {
        let pool = ScratchArenaPool(maximumIdle: 2)
        Self.pass(pool, floats: 1 << 20)
        #expect(pool.idleMemoryBytes == 4 << 20)
        Self.pass(pool, floats: 1000)
        #expect(pool.idleMemoryBytes == 0)
        Self.pass(pool, floats: 1000)
        #expect(pool.idleMemoryBytes == 4 * 1000)
    }
}
