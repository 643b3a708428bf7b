import DequeModule
import Foundation
import QuantServeTransformer

/// One model version's bounded queue and continuous batcher.
///
/// There is no batching delay: when the engine is idle, a request starts at once; requests that
/// arrive while a batch computes form the next batch, up to the token budget. A request larger
/// than the budget is split at text boundaries into budget-sized batches, so the engine's scratch
/// memory for one pass is bounded whatever a request holds. The queue is bounded in requests and
/// in tokens; beyond either bound a request is refused at once. Batches compute on the
/// scheduler's own thread, never on an I/O event loop or the cooperative pool. Requests that are
/// cancelled or whose deadline passes while queued leave the queue without being computed.
public final class BatchScheduler: @unchecked Sendable {
    /// The result of one request.
    public struct Output: Sendable {
        /// One embedding per sequence, flat: sequence `i`'s is `rows[i·dimensions..<(i + 1)·dimensions]`.
        public var rows: [Float]
        /// From queueing to the start of the request's first batch.
        public var queueMicroseconds: Int
        /// The compute time of every batch that held some of the request's sequences.
        public var computeMicroseconds: Int
        /// Sequences in the largest batch that held some of the request's sequences.
        public var batchSequences: Int
    }

    /// A request in the queue, and its progress once batches take its sequences. Touched only
    /// under `condition`'s lock, except the immutable parts.
    private final class Job: @unchecked Sendable {
        let id: UInt64
        let sequences: [[UInt32]]
        let deadline: ContinuousClock.Instant?
        let enqueued: ContinuousClock.Instant
        let continuation: CheckedContinuation<Output, any Error>
        /// Sequences `0..<taken` are in batches; the rest wait in the queue.
        var taken = 0
        /// Tokens of the sequences not yet taken.
        var waitingTokens: Int
        /// Sequences whose embeddings are in `rows`.
        var computed = 0
        var rows: [Float] = []
        var started: ContinuousClock.Instant?
        var computeMicroseconds = 0
        var largestBatch = 0
        /// Set once `continuation` is resumed; results of batches still computing are then dropped.
        var finished = false

        init(
            id: UInt64, sequences: [[UInt32]], tokens: Int, deadline: ContinuousClock.Instant?,
            continuation: CheckedContinuation<Output, any Error>
        ) {
            self.id = id
            self.sequences = sequences
            self.waitingTokens = tokens
            self.deadline = deadline
            self.enqueued = .now
            self.continuation = continuation
        }
    }

    /// Some consecutive sequences of one job, taken into a batch.
    private struct Piece {
        let job: Job
        let sequences: Range<Int>
    }

    public let configuration: SchedulerConfiguration
    private let engine: any EmbeddingEngine
    private let metrics: VersionMetrics?
    private let condition = NSCondition()
    private var queue = Deque<Job>()
    private var queuedTokens = 0
    private var nextID: UInt64 = 0
    private var running = true
    /// Exponentially weighted compute cost per token, for refusing deadlines that cannot be met.
    private var microsecondsPerToken = 0.0
    private var computedSequenceCount = 0
    private var computedBatchCount = 0

    /// A scheduler for `engine`, whose batcher thread is named after `name`; each batch's
    /// sequences and tokens go to `metrics` when given.
    public init(
        engine: any EmbeddingEngine, configuration: SchedulerConfiguration, name: String, metrics: VersionMetrics? = nil
    ) {
        self.engine = engine
        self.configuration = configuration
        self.metrics = metrics
        let thread = Thread { [self] in runBatches() }
        thread.name = "batcher \(name)"
        thread.start()
    }

    /// Sequences computed so far (requests dropped from the queue are not counted).
    public var computedSequences: Int {
        condition.lock()
        defer { condition.unlock() }
        return computedSequenceCount
    }

    /// Batches computed so far.
    public var computedBatches: Int {
        condition.lock()
        defer { condition.unlock() }
        return computedBatchCount
    }

    /// Requests with sequences waiting now.
    public var queuedRequests: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.count
    }

    /// Tokens waiting now (not yet taken into a batch).
    public var waitingTokens: Int {
        condition.lock()
        defer { condition.unlock() }
        return queuedTokens
    }

    /// Queues `sequences` as one request and returns their embeddings once computed.
    /// Throws `SchedulerError` when refused, `CancellationError` when the calling task is
    /// cancelled before the request's last sequence is taken into a batch.
    public func embed(_ sequences: [[UInt32]], deadline: ContinuousClock.Instant?) async throws -> Output {
        let tokens = sequences.reduce(0) { $0 + $1.count }
        guard tokens <= configuration.maxRequestTokens else {
            throw SchedulerError.requestTooLarge(tokens: tokens, limit: configuration.maxRequestTokens)
        }
        guard !sequences.isEmpty else {
            return Output(rows: [], queueMicroseconds: 0, computeMicroseconds: 0, batchSequences: 0)
        }
        let id = allocateID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                enqueue(
                    Job(id: id, sequences: sequences, tokens: tokens, deadline: deadline, continuation: continuation))
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
        condition.lock()
        defer { condition.unlock() }
        nextID += 1
        return nextID
    }

    private func enqueue(_ job: Job) {
        if let refusal = admit(job) { job.continuation.resume(throwing: refusal) }
    }

    /// Queues `job`, or says why not.
    private func admit(_ job: Job) -> (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        if Task.isCancelled { return CancellationError() }
        guard running else { return SchedulerError.stopped }
        guard queue.count < configuration.maxQueuedRequests else {
            return SchedulerError.queueFull(.requests(limit: configuration.maxQueuedRequests))
        }
        guard queuedTokens + job.waitingTokens <= configuration.maxQueuedTokens else {
            return SchedulerError.queueFull(
                .tokens(
                    waiting: queuedTokens, requested: job.waitingTokens,
                    limit: configuration.maxQueuedTokens))
        }
        if let deadline = job.deadline {
            let estimate = Int(Double(queuedTokens + job.waitingTokens) * microsecondsPerToken)
            if ContinuousClock.now + .microseconds(estimate) > deadline {
                return SchedulerError.deadlineUnreachable(estimatedMicroseconds: estimate)
            }
        }
        queue.append(job)
        queuedTokens += job.waitingTokens
        condition.signal()
        return nil
    }

    private func removeCancelled(id: UInt64) {
        condition.lock()
        guard let job = queue.first(where: { $0.id == id }) else {
            condition.unlock()
            return
        }
        finishWaiting(job)
        condition.unlock()
        job.continuation.resume(throwing: CancellationError())
    }

    /// Takes `job` out of the queue (if it is still there) and marks it finished. Call under the lock.
    private func finishWaiting(_ job: Job) {
        if let index = queue.firstIndex(where: { $0 === job }) {
            queue.remove(at: index)
            queuedTokens -= job.waitingTokens
            job.waitingTokens = 0
        }
        job.finished = true
    }

    private func runBatches() {
        while let (pieces, expired) = nextBatch() {
            let now = ContinuousClock.now
            for job in expired {
                let waited = microseconds(job.enqueued.duration(to: now))
                job.continuation.resume(throwing: SchedulerError.deadlineExpiredInQueue(waitedMicroseconds: waited))
            }
            if !pieces.isEmpty { compute(pieces) }
        }
    }

    /// Waits for work and takes what is queued, oldest first, up to the token budget; drops the
    /// requests whose deadline has passed. Returns nil when stopped and drained.
    private func nextBatch() -> (pieces: [Piece], expired: [Job])? {
        condition.lock()
        defer { condition.unlock() }
        while running && queue.isEmpty { condition.wait() }
        guard !queue.isEmpty else { return nil }
        var pieces: [Piece] = []
        var expired: [Job] = []
        var tokens = 0
        let now = ContinuousClock.now
        while let job = queue.first {
            if let deadline = job.deadline, deadline <= now {
                finishWaiting(job)
                expired.append(job)
                continue
            }
            let first = job.taken
            var end = first
            while end < job.sequences.count {
                let length = job.sequences[end].count
                // A batch's first sequence is taken whatever its length, so that every request progresses.
                guard tokens + length <= configuration.maxBatchTokens || tokens == 0 else { break }
                tokens += length
                job.waitingTokens -= length
                queuedTokens -= length
                end += 1
            }
            guard end > first else { break }
            pieces.append(Piece(job: job, sequences: first..<end))
            job.taken = end
            if job.started == nil { job.started = now }
            guard end == job.sequences.count else { break }
            queue.removeFirst()
        }
        return (pieces, expired)
    }

    private func compute(_ pieces: [Piece]) {
        let batch = PackedBatch(pieces.flatMap { $0.job.sequences[$0.sequences] })
        let dimensions = engine.dimensions
        let start = ContinuousClock.now
        let rows: [Float]
        do {
            rows = try engine.embedRows(batch)
            guard rows.count == batch.count * dimensions else {
                throw SchedulerError.engineFailed(
                    reason: "\(rows.count) values for \(batch.count) embeddings of \(dimensions) dimensions")
            }
        } catch {
            fail(pieces, with: SchedulerError.engineFailed(reason: "\(error)"))
            return
        }
        let computeMicroseconds = microseconds(start.duration(to: .now))
        metrics?.recordBatch(sequences: batch.count, tokens: batch.tokenCount)

        var completed: [Job] = []
        condition.lock()
        let sample = Double(computeMicroseconds) / Double(max(batch.tokenCount, 1))
        microsecondsPerToken = microsecondsPerToken == 0 ? sample : 0.8 * microsecondsPerToken + 0.2 * sample
        computedSequenceCount += batch.count
        computedBatchCount += 1
        var row = 0
        for piece in pieces {
            let job = piece.job
            let values = rows[row * dimensions..<(row + piece.sequences.count) * dimensions]
            row += piece.sequences.count
            guard !job.finished else { continue }
            if piece.sequences.count == job.sequences.count {
                job.rows = pieces.count == 1 ? rows : Array(values)
            } else {
                if job.rows.isEmpty { job.rows = [Float](repeating: 0, count: job.sequences.count * dimensions) }
                let target = piece.sequences.lowerBound * dimensions..<piece.sequences.upperBound * dimensions
                job.rows.replaceSubrange(target, with: values)
            }
            job.computed += piece.sequences.count
            job.computeMicroseconds += computeMicroseconds
            job.largestBatch = max(job.largestBatch, batch.count)
            if job.computed == job.sequences.count {
                job.finished = true
                completed.append(job)
            }
        }
        condition.unlock()

        for job in completed {
            job.continuation.resume(
                returning: Output(
                    rows: job.rows,
                    queueMicroseconds: microseconds(job.enqueued.duration(to: job.started ?? start)),
                    computeMicroseconds: job.computeMicroseconds,
                    batchSequences: job.largestBatch))
        }
    }

    /// Fails every request with sequences in `pieces`, and drops what they still have queued.
    private func fail(_ pieces: [Piece], with error: SchedulerError) {
        condition.lock()
        var failed: [Job] = []
        for piece in pieces where !piece.job.finished {
            finishWaiting(piece.job)
            failed.append(piece.job)
        }
        condition.unlock()
        for job in failed { job.continuation.resume(throwing: error) }
    }
}
