import DequeModule
import Foundation

/// One model version's bounded queue and dynamic batcher. Requests wait until a batch
/// reaches the token budget or the oldest has waited the maximum delay; the batch's
/// sequences are concatenated (no padding) and computed on the scheduler's own thread,
/// never on an I/O event loop. Requests that are cancelled or whose deadline passes while
/// queued leave the queue without being computed.
public final class BatchScheduler: @unchecked Sendable {
    /// The result of one request.
    public struct Output: Sendable {
        public var embeddings: [[Float]]
        public var queueMicroseconds: Int
        public var computeMicroseconds: Int
        public var batchSequences: Int
    }

    /// A request waiting in the queue. Touched only under `condition`'s lock or by the
    /// worker after it has left the queue.
    private final class Job: @unchecked Sendable {
        let id: UInt64
        let sequences: [[UInt32]]
        let tokens: Int
        let deadline: ContinuousClock.Instant?
        let enqueued: ContinuousClock.Instant
        let continuation: CheckedContinuation<Output, any Error>

        init(id: UInt64, sequences: [[UInt32]], tokens: Int, deadline: ContinuousClock.Instant?,
             continuation: CheckedContinuation<Output, any Error>) {
            self.id = id
            self.sequences = sequences
            self.tokens = tokens
            self.deadline = deadline
            self.enqueued = .now
            self.continuation = continuation
        }
    }

    public let configuration: SchedulerConfiguration
    private let engine: any EmbeddingEngine
    private let condition = NSCondition()
    private var queue = Deque<Job>()
    private var queuedTokens = 0
    private var nextID: UInt64 = 0
    private var running = true
    /// Exponentially weighted cost of a batch: a fixed part and a part per token.
    private var microsecondsPerToken = 0.0
    private var computedSequenceCount = 0
    private var computedBatchCount = 0

    public init(engine: any EmbeddingEngine, configuration: SchedulerConfiguration, name: String) {
        self.engine = engine
        self.configuration = configuration
        let thread = Thread { [self] in runBatches() }
        thread.name = "batcher \(name)"
        thread.start()
    }

    /// Sequences computed so far (requests dropped from the queue are not counted).
    public var computedSequences: Int {
        condition.lock(); defer { condition.unlock() }
        return computedSequenceCount
    }

    /// Batches computed so far.
    public var computedBatches: Int {
        condition.lock(); defer { condition.unlock() }
        return computedBatchCount
    }

    /// Requests waiting now.
    public var queuedRequests: Int {
        condition.lock(); defer { condition.unlock() }
        return queue.count
    }

    /// Queues `sequences` as one request and returns their embeddings once computed.
    /// Throws `SchedulerError` when refused, `CancellationError` when the calling task is cancelled first.
    public func embed(_ sequences: [[UInt32]], deadline: ContinuousClock.Instant?) async throws -> Output {
        let tokens = sequences.reduce(0) { $0 + $1.count }
        guard tokens <= configuration.maxRequestTokens else {
            throw SchedulerError.requestTooLarge(tokens: tokens, limit: configuration.maxRequestTokens)
        }
        let id = allocateID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                enqueue(Job(id: id, sequences: sequences, tokens: tokens, deadline: deadline, continuation: continuation))
            }
        } onCancel: {
            removeCancelled(id: id)
        }
    }

    /// Stops the worker once the queue is empty. Called when the version is freed.
    public func stop() {
        condition.lock()
        running = false
        condition.broadcast()
        condition.unlock()
    }

    private func allocateID() -> UInt64 {
        condition.lock(); defer { condition.unlock() }
        nextID += 1
        return nextID
    }

    private func enqueue(_ job: Job) {
        condition.lock()
        defer { condition.unlock() }
        if Task.isCancelled {
            job.continuation.resume(throwing: CancellationError())
            return
        }
        guard running else {
            job.continuation.resume(throwing: SchedulerError.stopped)
            return
        }
        guard queue.count < configuration.maxQueuedRequests else {
            job.continuation.resume(throwing: SchedulerError.queueFull(limit: configuration.maxQueuedRequests))
            return
        }
        if let deadline = job.deadline {
            let estimate = Int(Double(queuedTokens + job.tokens) * microsecondsPerToken)
            if ContinuousClock.now + .microseconds(estimate) > deadline {
                job.continuation.resume(throwing: SchedulerError.deadlineUnreachable(estimatedMicroseconds: estimate))
                return
            }
        }
        queue.append(job)
        queuedTokens += job.tokens
        condition.signal()
    }

    private func removeCancelled(id: UInt64) {
        condition.lock()
        guard let index = queue.firstIndex(where: { $0.id == id }) else {
            condition.unlock()
            return
        }
        let job = queue.remove(at: index)
        queuedTokens -= job.tokens
        condition.unlock()
        job.continuation.resume(throwing: CancellationError())
    }

    private func runBatches() {
        while let (batch, expired) = nextBatch() {
            let now = ContinuousClock.now
            for job in expired {
                let waited = microseconds(job.enqueued.duration(to: now))
                job.continuation.resume(throwing: SchedulerError.deadlineExpiredInQueue(waitedMicroseconds: waited))
            }
            guard !batch.isEmpty else { continue }
            compute(batch)
        }
    }

    /// Waits for work, lets the batch fill up to the budget or the delay, and takes it.
    /// Returns nil when stopped and drained.
    private func nextBatch() -> (batch: [Job], expired: [Job])? {
        condition.lock()
        defer { condition.unlock() }
        while running && queue.isEmpty { condition.wait() }
        guard let oldest = queue.first else { return nil }
        let fillDeadline = oldest.enqueued + configuration.maxBatchDelay
        while running, queuedTokens < configuration.maxBatchTokens {
            let remaining = ContinuousClock.now.duration(to: fillDeadline)
            guard remaining > .zero else { break }
            _ = condition.wait(until: Date(timeIntervalSinceNow: seconds(remaining)))
            if queue.isEmpty { return ([], []) }
        }
        var batch: [Job] = []
        var expired: [Job] = []
        var tokens = 0
        let now = ContinuousClock.now
        while let job = queue.first {
            if !batch.isEmpty && tokens + job.tokens > configuration.maxBatchTokens { break }
            queue.removeFirst()
            queuedTokens -= job.tokens
            if let deadline = job.deadline, deadline <= now {
                expired.append(job)
            } else {
                batch.append(job)
                tokens += job.tokens
            }
        }
        return (batch, expired)
    }

    private func compute(_ batch: [Job]) {
        let sequences = batch.flatMap(\.sequences)
        let tokens = batch.reduce(0) { $0 + $1.tokens }
        let start = ContinuousClock.now
        let embeddings: [[Float]]
        do {
            embeddings = try engine.embed(sequences)
        } catch {
            for job in batch { job.continuation.resume(throwing: SchedulerError.engineFailed(reason: "\(error)")) }
            return
        }
        let end = ContinuousClock.now
        let computeMicroseconds = microseconds(start.duration(to: end))

        condition.lock()
        let sample = Double(computeMicroseconds) / Double(max(tokens, 1))
        microsecondsPerToken = microsecondsPerToken == 0 ? sample : 0.8 * microsecondsPerToken + 0.2 * sample
        computedSequenceCount += sequences.count
        computedBatchCount += 1
        condition.unlock()

        var offset = 0
        for job in batch {
            let slice = Array(embeddings[offset..<offset + job.sequences.count])
            offset += job.sequences.count
            job.continuation.resume(returning: Output(
                embeddings: slice,
                queueMicroseconds: microseconds(job.enqueued.duration(to: start)),
                computeMicroseconds: computeMicroseconds,
                batchSequences: sequences.count))
        }
    }
}

private func seconds(_ duration: Duration) -> TimeInterval {
    let (seconds, attoseconds) = duration.components
    return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
}
