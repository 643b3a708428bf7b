private import CQuantServeKernels
import Foundation
import Synchronization

/// A persistent pool of threads for intra-op parallelism: splits one operation's work
/// (GEMM blocks, attention heads) across cores without creating threads per call.
///
/// `threadCount - 1` worker threads are started once and live until the pool is released;
/// the calling thread is the first participant. Between calls, workers spin briefly, then sleep
/// on a condition variable. Each participant owns an even, contiguous share of the indices and
/// takes them one at a time from its own atomic counter, then takes what is left of the others'
/// shares from their counters, so a slow (preempted) thread delays the others by at most one
/// index, and on an idle machine a thread works on the same share (the same rows and weights, in
/// its own caches) call after call.
///
/// Concurrency: `parallelFor` may be called from any thread at any time. One call at a time
/// owns the workers; a call that finds them busy (a concurrent caller, or a nested call from
/// inside a `body`) runs its whole loop on its own thread instead of waiting, so calls never
/// deadlock and every call returns only when all of its indices are done.
public final class ComputePool: Sendable {
    /// Threads that run work, the caller's own included.
    public let threadCount: Int
    private let shared: ComputePoolShared
    /// Held by the call that owns the workers.
    private let ownership = Mutex(())

    /// Starts a pool of `threads` threads in all (at least 1): `threads - 1` workers plus the caller.
    public init(threads: Int) {
        threadCount = max(1, threads)
        shared = ComputePoolShared(workerCount: threadCount - 1)
        for index in 0..<(threadCount - 1) {
            let shared = shared
            let thread = Thread { shared.workerLoop(participant: index + 1) }
            thread.name = "ComputePool-\(index + 1)"
            thread.start()
        }
    }

    deinit {
        shared.stopWorkers()
    }

    /// Runs `body(i)` for every `i` in `0..<count`, spread over the pool; returns when all are done.
    /// `body` runs concurrently on several threads, so it must only write state that no other
    /// index touches.
    public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        guard count > 1, threadCount > 1 else {
            for index in 0..<max(count, 0) { body(index) }
            return
        }
        let owned: Void? = ownership.withLockIfAvailable { _ in
            withoutActuallyEscaping(body) { shared.run(count, $0) }
        }
        if owned == nil {
            for index in 0..<count { body(index) }
        }
    }
}

/// The state the caller and the workers share. A job is published, joined and retired through
/// `state`: the low bits count the workers inside the job, `closedFlag` is set when no worker
/// may join. `job` and `jobCount` are written only by the owning caller while the job is closed
/// and no worker is inside; the release store that opens the job publishes them (and the
/// counters' starting values), and a worker reads them only after an acquiring join, so they are
/// never raced (hence `@unchecked`). Participant `p` (0: the caller, `p`: worker `p`) owns the
/// indices `p·count/n ..< (p+1)·count/n` of `n` participants; `counters[p]`, one cache line each,
/// hands them out.
private final class ComputePoolShared: @unchecked Sendable {
    private static let closedFlag = 1 << 40
    /// Spin iterations before a waiting worker goes to sleep: about half a millisecond where
    /// a pause takes ~27 ns (AMD EPYC), so back-to-back operations find the workers awake.
    private static let workerSpins = 20_000
    /// Spin iterations before the caller, waiting for workers to leave, starts yielding its core.
    private static let callerSpins = 2_000

    let workerCount: Int
    private let state = Atomic<Int>(closedFlag)
    private let generation = Atomic<Int>(0)
    /// CLongs from one participant's counter to the next: a cache line.
    private static let counterStride = 8
    private let counters: UnsafeMutablePointer<CLong>
    private let stopping = Atomic<Bool>(false)
    private let exitedWorkers = Atomic<Int>(0)
    private let wakeUp = NSCondition()
    private var job: ((Int) -> Void)?
    private var jobCount = 0

    init(workerCount: Int) {
        self.workerCount = workerCount
        let count = (workerCount + 1) * Self.counterStride
        counters = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<CLong>.stride, alignment: 64)
            .initializeMemory(as: CLong.self, repeating: 0, count: count)
    }

    deinit {
        counters.deallocate()
    }

    private var participants: Int { workerCount + 1 }

    /// The first index of participant `participant`'s share (the end of the one before).
    private func shareStart(_ participant: Int, count: Int) -> Int { participant * count / participants }

    private func counter(_ participant: Int) -> UnsafeMutablePointer<CLong> {
        counters + participant * Self.counterStride
    }

    /// Publishes a job, takes part in it, then closes it and waits for the workers inside.
    func run(_ count: Int, _ body: @escaping (Int) -> Void) {
        job = body
        jobCount = count
        for participant in 0..<participants {
            qs_atomic_store(counter(participant), CLong(shareStart(participant, count: count)))
        }
        state.store(0, ordering: .releasing)
        wakeUp.lock()
        generation.wrappingAdd(1, ordering: .releasing)
        wakeUp.broadcast()
        wakeUp.unlock()

        runIndices(body, count: count, participant: 0)

        state.bitwiseOr(Self.closedFlag, ordering: .acquiringAndReleasing)
        var spins = 0
        while state.load(ordering: .acquiring) != Self.closedFlag {
            spins += 1
            if spins < Self.callerSpins { qs_spin_pause() } else { sched_yield() }
        }
        job = nil
    }

    /// Takes indices until none is left: its own share first, then what is left of the others'.
    private func runIndices(_ body: (Int) -> Void, count: Int, participant: Int) {
        for offset in 0..<participants {
            let owner = (participant + offset) % participants
            let end = shareStart(owner + 1, count: count)
            while true {
                let index = Int(qs_atomic_fetch_add(counter(owner), 1))
                if index >= end { break }
                body(index)
            }
        }
    }

    /// Enters the open job, if any.
    private func join() -> Bool {
        var current = state.load(ordering: .relaxed)
        while current & Self.closedFlag == 0 {
            let (exchanged, original) = state.compareExchange(
                expected: current, desired: current + 1, successOrdering: .acquiring, failureOrdering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// A worker's life: wait for a new generation, join its job, run indices, leave.
    func workerLoop(participant: Int) {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen, !stopping.load(ordering: .relaxed) {
                if spins < Self.workerSpins {
                    spins += 1
                    qs_spin_pause()
                } else {
                    wakeUp.lock()
                    while generation.load(ordering: .acquiring) == seen, !stopping.load(ordering: .relaxed) {
                        wakeUp.wait()
                    }
                    wakeUp.unlock()
                }
            }
            if stopping.load(ordering: .relaxed) { break }
            seen = generation.load(ordering: .acquiring)
            if join() {
                if let job { runIndices(job, count: jobCount, participant: participant) }
                state.wrappingSubtract(1, ordering: .releasing)
            }
        }
        wakeUp.lock()
        exitedWorkers.wrappingAdd(1, ordering: .relaxed)
        wakeUp.broadcast()
        wakeUp.unlock()
    }

    /// Tells every worker to exit and waits until they have.
    func stopWorkers() {
        wakeUp.lock()
        stopping.store(true, ordering: .relaxed)
        wakeUp.broadcast()
        while exitedWorkers.load(ordering: .relaxed) < workerCount {
            wakeUp.wait()
        }
        wakeUp.unlock()
    }
}
