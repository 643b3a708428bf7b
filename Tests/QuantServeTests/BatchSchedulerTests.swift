import Foundation
import Testing
@testable import QuantServe

@Suite struct BatchSchedulerTests {
    @Test func concurrentRequestsShareBatchesAndGetTheirOwnResults() async throws {
        let engine = CountingEngine(computeDelay: .milliseconds(5))
        let scheduler = BatchScheduler(engine: engine, configuration: .init(maxBatchDelay: .milliseconds(5)), name: "test")
        defer { scheduler.stop() }
        let texts = (0..<40).map { "request \($0)" }
        let results = try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
            for (index, text) in texts.enumerated() {
                group.addTask {
                    let ids = try engine.tokenize(text, truncate: true)
                    return (index, try await scheduler.embed([ids], deadline: nil).embeddings)
                }
            }
            var results = [Int: [[Float]]]()
            for try await (index, embeddings) in group { results[index] = embeddings }
            return results
        }
        for (index, text) in texts.enumerated() {
            let expected = CountingEngine.vector(seed: 1)(try engine.tokenize(text, truncate: true))
            #expect(results[index] == [expected])
        }
        #expect(engine.computedSequences == 40)
        #expect(engine.batchSizes.count < 40, "40 concurrent requests should have been batched")
    }

    @Test func aFullQueueRefusesAtOnce() async throws {
        let engine = CountingEngine(computeDelay: .milliseconds(200))
        let scheduler = BatchScheduler(engine: engine, configuration: .init(maxQueuedRequests: 2, maxBatchTokens: 4), name: "test")
        defer { scheduler.stop() }
        let outcomes = await withTaskGroup(of: (any Error)?.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    do { _ = try await scheduler.embed([[1, 2, 3]], deadline: nil); return nil } catch { return error }
                }
            }
            var errors: [(any Error)?] = []
            for await outcome in group { errors.append(outcome) }
            return errors
        }
        let refused = outcomes.compactMap { $0 as? SchedulerError }.filter { $0 == .queueFull(limit: 2) }
        #expect(refused.count >= 4, "expected most of 8 requests to be refused by a queue of 2")
        #expect(outcomes.filter { $0 == nil }.count >= 2)
    }

    @Test func anExpiredDeadlineIsRefusedWithoutComputing() async throws {
        let engine = CountingEngine()
        let scheduler = BatchScheduler(engine: engine, configuration: .init(), name: "test")
        defer { scheduler.stop() }
        await #expect(throws: SchedulerError.self) {
            _ = try await scheduler.embed([[1, 2]], deadline: .now - .milliseconds(1))
        }
        try await Task.sleep(for: .milliseconds(20))
        #expect(engine.computedSequences == 0)
    }

    /// Waits until `condition` holds (state changes on other threads), for at most five seconds.
    static func waitUntil(_ condition: () -> Bool) async throws {
        let limit = ContinuousClock.now + .seconds(5)
        while !condition() {
            guard ContinuousClock.now < limit else { Issue.record("timed out waiting"); return }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    @Test func aDeadlinePassingInTheQueueDropsTheRequest() async throws {
        let engine = CountingEngine(computeDelay: .milliseconds(400))
        let scheduler = BatchScheduler(engine: engine, configuration: .init(maxBatchTokens: 2), name: "test")
        defer { scheduler.stop() }
        let first = Task { try await scheduler.embed([[1, 2]], deadline: nil) }
        try await Self.waitUntil { engine.startedBatches == 1 }
        await #expect(throws: SchedulerError.self) {
            _ = try await scheduler.embed([[3, 4]], deadline: .now + .milliseconds(50))
        }
        _ = try await first.value
        #expect(engine.computedSequences == 1)
    }

    @Test func cancellingAQueuedRequestRemovesIt() async throws {
        let engine = CountingEngine(computeDelay: .milliseconds(400))
        let scheduler = BatchScheduler(engine: engine, configuration: .init(maxBatchTokens: 2), name: "test")
        defer { scheduler.stop() }
        let first = Task { try await scheduler.embed([[1, 2]], deadline: nil) }
        try await Self.waitUntil { engine.startedBatches == 1 }
        let queued = Task { try await scheduler.embed([[3, 4]], deadline: nil) }
        try await Self.waitUntil { scheduler.queuedRequests == 1 }
        queued.cancel()
        await #expect(throws: CancellationError.self) { _ = try await queued.value }
        _ = try await first.value
        try await Task.sleep(for: .milliseconds(100))
        #expect(engine.computedSequences == 1)
    }

    @Test func aRequestOverTheTokenLimitIsRefused() async throws {
        let scheduler = BatchScheduler(engine: CountingEngine(), configuration: .init(maxRequestTokens: 3), name: "test")
        defer { scheduler.stop() }
        await #expect(throws: SchedulerError.requestTooLarge(tokens: 4, limit: 3)) {
            _ = try await scheduler.embed([[1, 2], [3, 4]], deadline: nil)
        }
    }
}
