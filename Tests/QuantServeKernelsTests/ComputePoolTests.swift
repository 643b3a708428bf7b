import Foundation
import QuantServeKernels
import Synchronization
import Testing

@Suite("ComputePool")
struct ComputePoolTests {
    @Test("every index runs exactly once, over many calls of many sizes", arguments: [1, 2, 3])
    func everyIndexOnce(threads: Int) {
        let pool = ComputePool(threads: threads)
        for call in 0..<2_000 {
            let count = call % 37
            let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(count, 1))
            hits.initialize(repeating: 0)
            pool.parallelFor(count) { hits[$0] += 1 }
            #expect(hits.prefix(count).allSatisfy { $0 == 1 }, "call \(call)")
            hits.deallocate()
        }
    }

    /// The caller's own index waits until another index runs on a worker: a pool that ran
    /// everything on the caller would leave it waiting (the minute is a failure detector only).
    @Test("work is shared: with 2 threads some indices run off the caller's thread")
    func usesWorkers() {
        let pool = ComputePool(threads: 2)
        let offCaller = Atomic<Int>(0)
        let ranOffCaller = DispatchSemaphore(value: 0)
        let callerWaited = Atomic<Bool>(false)
        let callerGaveUp = Atomic<Bool>(false)
        let caller = pthread_self()
        pool.parallelFor(2) { _ in
            if pthread_equal(pthread_self(), caller) == 0 {
                offCaller.wrappingAdd(1, ordering: .relaxed)
                ranOffCaller.signal()
            } else if !callerWaited.exchange(true, ordering: .relaxed) {
                if ranOffCaller.wait(timeout: .now() + 60) == .timedOut { callerGaveUp.store(true, ordering: .relaxed) }
            }
        }
        #expect(offCaller.load(ordering: .relaxed) > 0)
        let gaveUp = callerGaveUp.load(ordering: .relaxed)
        #expect(!gaveUp, "no index ran on a worker while the caller waited")
    }

    /// The caller's index 0 waits until a worker has run an index: the worker starts on its own
    /// share, the second half, not on the next index of one shared counter (1).
    @Test("each thread starts on its own contiguous share of the indices")
    func ownShareFirst() {
        let pool = ComputePool(threads: 2)
        let firstOffCaller = Atomic<Int>(-1)
        let ranOffCaller = DispatchSemaphore(value: 0)
        let caller = pthread_self()
        pool.parallelFor(10) { index in
            if pthread_equal(pthread_self(), caller) == 0 {
                if firstOffCaller.compareExchange(expected: -1, desired: index, ordering: .relaxed).exchanged {
                    ranOffCaller.signal()
                }
            } else if index == 0 {
                _ = ranOffCaller.wait(timeout: .now() + 60)
            }
        }
        #expect(firstOffCaller.load(ordering: .relaxed) == 5)
    }

    @Test("concurrent callers and nested calls all complete with correct results")
    func concurrentCallers() {
        let pool = ComputePool(threads: 2)
        let callers = 4
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: callers) { caller in
            for round in 0..<300 {
                let count = 1 + (round + caller) % 50
                let sums = UnsafeMutableBufferPointer<Int>.allocate(capacity: count)
                sums.initialize(repeating: 0)
                pool.parallelFor(count) { outer in
                    pool.parallelFor(3) { inner in
                        _ = inner
                    }
                    sums[outer] = outer * caller + 1
                }
                for index in 0..<count where sums[index] != index * caller + 1 {
                    failures.wrappingAdd(1, ordering: .relaxed)
                }
                sums.deallocate()
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
    }

    @Test("pools are created and released repeatedly without leaking running threads")
    func createAndRelease() {
        for round in 0..<50 {
            let pool = ComputePool(threads: 1 + round % 4)
            let total = Atomic<Int>(0)
            pool.parallelFor(10) { total.wrappingAdd($0, ordering: .relaxed) }
            #expect(total.load(ordering: .relaxed) == 45)
        }
    }
}
