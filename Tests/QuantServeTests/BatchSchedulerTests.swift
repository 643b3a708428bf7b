import Foundation
import QuantServeTestSupport
import Testing

@testable import QuantServe

/// The batcher, driven through a `CountingEngine` whose batches wait at a gate: every test waits
/// for events (a batch started, a request queued), never for time.
@Suite struct BatchSchedulerTests {
    /// Waits until `condition` holds: the scheduler's queue counters, changed on its own
    /// threads, which have no event to wait on. A bounded poll: the test goes on only once the
    /// condition holds (it never assumes that time has made it true); the minute is only a
    /// failure detector, far beyond what a loaded machine needs, so that it cannot flake.
    static func waitUntil(_ condition: () -> Bool) async throws {
        let limit = ContinuousClock.now + .seconds(60)
        while !condition() {
            guard ContinuousClock.now < limit else {
                Issue.record("the condition did not hold within a minute")
                return
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    /// Starts a request with a deadline `allowance` ahead and returns it once it has got to
    /// where the test needs it (`reached`), with its deadline. On a machine too slow for that
    /// (the request is refused before it gets there), it tries again with four times the
    /// allowance: the test waits for the request to get there, whatever the machine's speed.
    static func withDeadlineThatHolds<T: Sendable>(
        from allowance: Duration = .milliseconds(250),
        reached: @escaping () -> Bool,
        start: (ContinuousClock.Instant) -> Task<T, any Error>
    ) async throws -> (request: Task<T, any Error>, deadline: ContinuousClock.Instant) {
        var allowance = allowance
        for _ in 0..<8 {
            let deadline = ContinuousClock.now + allowance
            let request = start(deadline)
            let ended = Observed(false)
            let watcher = Task {
                _ = await request.result
                ended.update { $0 = true }
            }
            try await waitUntil { reached() || ended.value }
            if reached() { return (request, deadline) }
            _ = await watcher.value
            allowance *= 4
        }
        throw CancellationError()
    }

    /// A scheduler over an engine whose batches wait until `gate` opens.
    static func gated(_ configuration: SchedulerConfiguration = .init()) -> (CountingEngine, BatchScheduler, Gate) {
        let gate = Gate()
        let engine = CountingEngine(batchGate: gate)
        return (engine, BatchScheduler(engine: engine, configuration: configuration, name: "test"), gate)
    }

    static func embedding(_ output: BatchScheduler.Output, _ index: Int) -> [Float] {
        Array(output.rows[index * 8..<(index + 1) * 8])
    }

    @Test func aRequestOnAnIdleEngineStartsAtOnceAlone() async throws {
        let (engine, scheduler, gate) = Self.gated()
        defer { scheduler.stop() }
        let request = Task { try await scheduler.embed([[101, 7, 102]], deadline: nil) }
        // The batch starts with nothing else queued: no waiting for companions.
        try await Self.waitUntil { engine.startedBatches == 1 }
        #expect(scheduler.queuedRequests == 0)
        gate.open()
        let output = try await request.value
        #expect(output.rows == CountingEngine.vector(seed: 1)([101, 7, 102]))
        #expect(engine.batchSizes == [1])
    }

    @Test func requestsArrivingDuringABatchFormTheNextOneAndGetTheirOwnResults() async throws {
        let (engine, scheduler, gate) = Self.gated()
        defer { scheduler.stop() }
        let first = Task { try await scheduler.embed([[101, 1, 102]], deadline: nil) }
        try await Self.waitUntil { engine.startedBatches == 1 }
        let texts = (0..<40).map { "request \($0)" }
        let later = Task {
            try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
                for (index, text) in texts.enumerated() {
                    group.addTask {
                        let ids = try engine.tokenize(text, truncate: true)
                        return (index, try await scheduler.embed([ids], deadline: nil).rows)
                    }
                }
                var results = [Int: [Float]]()
                for try await (index, rows) in group { results[index] = rows }
                return results
            }
        }
        try await Self.waitUntil { scheduler.queuedRequests == 40 }
        gate.open()
        _ = try await first.value
        let results = try await later.value
        for (index, text) in texts.enumerated() {
            #expect(results[index] == CountingEngine.vector(seed: 1)(try engine.tokenize(text, truncate: true)))
        }
        #expect(engine.batchSizes == [1, 40])
    }

    @Test func aRequestLargerThanTheBudgetIsSplitIntoBudgetSizedBatches() async throws {
        let (engine, scheduler, gate) = Self.gated(.init(maxBatchTokens: 10))
        defer { scheduler.stop() }
        gate.open()
        let sequences: [[UInt32]] = (0..<7).map { [101, UInt32(10 + $0), UInt32(20 + $0), 102] }
        let output = try await scheduler.embed(sequences, deadline: nil)
        #expect(engine.batchTokens == [8, 8, 8, 4])
        for (index, sequence) in sequences.enumerated() {
            #expect(Self.embedding(output, index) == CountingEngine.vector(seed: 1)(sequence))
        }
        #expect(output.batchSequences == 2)
    }

    @Test func aSequenceLongerThanTheBudgetRunsAlone() async throws {
        let (engine, scheduler, gate) = Self.gated(.init(maxBatchTokens: 3))
        defer { scheduler.stop() }
        gate.open()
        let output = try await scheduler.embed([[101, 1, 2, 3, 102], [101, 102]], deadline: nil)
        #expect(engine.batchTokens == [5, 2])
        #expect(output.rows.count == 16)
    }

    @Test func aQueueFullOfRequestsRefusesAtOnce() async throws {
        let (engine, scheduler, gate) = Self.gated(.init(maxQueuedRequests: 2))
        defer { scheduler.stop() }
        let running = Task { try await scheduler.embed([[1, 2, 3]], deadline: nil) }
        try await Self.waitUntil { engine.startedBatches == 1 }
        let queued = (0..<2).map { _ in Task { try await scheduler.embed([[1, 2, 3]], deadline: nil) } }
        try await Self.waitUntil { scheduler.queuedRequests == 2 }
        await #expect(throws: SchedulerError.queueFull(.requests(limit: 2))) {
            _ = try await scheduler.embed([[1, 2, 3]], deadline: nil)
        }
        gate.open()
        _ = try await running.value
        for task in queued { _ = try await task.value }
        #expect(engine.batchSizes == [1, 2])
    }

    @Test func aQueueFullOfTokensRefusesAtOnce() async throws {
        let (engine, scheduler, gate) = Self.gated(.init(maxQueuedTokens: 10, maxRequestTokens: 10))
        defer { scheduler.stop() }
        let running = Task { try await scheduler.embed([[1, 2, 3, 4]], deadline: nil) }
        try await Self.waitUntil { engine.startedBatches == 1 }
        let queued = (0..<2).map { _ in Task { try await scheduler.embed([[1, 2, 3, 4]], deadline: nil) } }
        try await Self.waitUntil { scheduler.waitingTokens == 8 }
        await #expect(throws: SchedulerError.queueFull(.tokens(waiting: 8, requested: 4, limit: 10))) {
            _ = try await scheduler.embed([[1, 2, 3, 4]], deadline: nil)
        }
        // The bound is in tokens, not requests: a smaller request still fits.
        let small = Task { try await scheduler.embed([[1, 2]], deadline: nil) }
        try await Self.waitUntil { scheduler.waitingTokens == 10 }
        gate.open()
        _ = try await running.value
        for task in queued + [small] { _ = try await task.value }
        #expect(engine.batchTokens == [4, 10])
    }

    @Test func aPassedDeadlineIsRefusedWithoutQueueing() async throws {
        let (engine, scheduler, gate) = Self.gated()
        defer { scheduler.stop() }
        gate.open()
        await #expect(throws: SchedulerError.deadlineUnreachable(estimatedMicroseconds: 0)) {
            _ = try await scheduler.embed([[1, 2]], deadline: .now - .milliseconds(1))
        }
        #expect(scheduler.queuedRequests == 0)
        // Had the refused request been queued, it would share this batch or precede it.
        _ = try await scheduler.embed([[3, 4]], deadline: nil)
        #expect(engine.batchSizes == [1])
    }

    @Test func aDeadlinePassingInTheQueueDropsTheRequest() async throws {
        let (engine, scheduler, gate) = Self.gated()
        defer { scheduler.stop() }
        let first = Task { try await scheduler.embed([[1, 2]], deadline: nil) }
        try await Self.waitUntil { engine.startedBatches == 1 }
        let (late, deadline) = try await Self.withDeadlineThatHolds(reached: { scheduler.queuedRequests == 1 }) {
            deadline in
            Task { try await scheduler.embed([[3, 4]], deadline: deadline) }
        }
        try await Task.sleep(until: deadline, clock: .continuous)  // the event this test is about: the deadline passes
        gate.open()
        do {
            _ = try await late.value
            Issue.record("a request whose deadline passed in the queue was computed")
        } catch SchedulerError.deadlineExpiredInQueue(let waited) {
            #expect(waited > 0)
        }
        _ = try await first.value
        _ = try await scheduler.embed([[5, 6]], deadline: nil)
        #expect(engine.batchSizes == [1, 1])
    }

    @Test func cancellingAQueuedRequestRemovesIt() async throws {
        let (engine, scheduler, gate) = Self.gated()
        defer { scheduler.stop() }
        let first = Task { try await scheduler.embed([[1, 2]], deadline: nil) }
        try await Self.waitUntil { engine.startedBatches == 1 }
        let queued = Task { try await scheduler.embed([[3, 4]], deadline: nil) }
        try await Self.waitUntil { scheduler.queuedRequests == 1 }
        queued.cancel()
        await #expect(throws: CancellationError.self) { _ = try await queued.value }
        #expect(scheduler.queuedRequests == 0)
        #expect(scheduler.waitingTokens == 0)
        gate.open()
        _ = try await first.value
        _ = try await scheduler.embed([[5, 6]], deadline: nil)
        #expect(engine.batchSizes == [1, 1])
    }

    @Test func cancellingASplitRequestDropsItsUntakenSequences() async throws {
        let (engine, scheduler, gate) = Self.gated(.init(maxBatchTokens: 4))
        defer { scheduler.stop() }
        let split = Task { try await scheduler.embed([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]], deadline: nil) }
        try await Self.waitUntil { engine.startedBatches == 1 }
        #expect(scheduler.waitingTokens == 8)
        split.cancel()
        await #expect(throws: CancellationError.self) { _ = try await split.value }
        #expect(scheduler.waitingTokens == 0)
        gate.open()
        _ = try await scheduler.embed([[5, 6]], deadline: nil)
        #expect(engine.batchTokens == [4, 2])
    }

    @Test func aRequestOverTheTokenLimitIsRefused() async throws {
        let scheduler = BatchScheduler(
            engine: CountingEngine(), configuration: .init(maxRequestTokens: 3), name: "test")
        defer { scheduler.stop() }
        await #expect(throws: SchedulerError.requestTooLarge(tokens: 4, limit: 3)) {
            _ = try await scheduler.embed([[1, 2], [3, 4]], deadline: nil)
        }
    }
}
