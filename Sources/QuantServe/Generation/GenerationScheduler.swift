import DequeModule
import Foundation
import QuantServeTransformer

/// Continuous batching for one decoder version: an iteration-level loop on a thread of its own.
///
/// Each iteration (a decoder `step`): new requests join the waiting queue; cancelled streams and
/// passed deadlines leave, their KV blocks freed; waiting requests are admitted in order while
/// KV blocks for their whole prompt (and one token of headroom per running sequence) are free;
/// then the step takes one decode token of every running sequence that has finished its
/// prefill, and fills the rest of `stepTokenBudget` with prefill chunks, oldest first, so a
/// long prompt never stalls the streams already running.
///
/// KV blocks are reserved as sequences grow. When a running sequence needs a block and none is
/// free, the most recently admitted sequence is preempted: its blocks are freed and it goes
/// back to the front of the queue, to be prefilled again (prompt and the tokens generated so
/// far) when memory frees up; its stream only pauses. A request that could never fit (prompt
/// plus `max_tokens` over the context or the whole cache) is refused at once, so a sequence
/// alone always fits and the loop always progresses. When the queue is full a request is
/// refused with RESOURCE_EXHAUSTED; nothing ever allocates past the cache.
public final class GenerationScheduler: @unchecked Sendable {
    public let configuration: GenerationConfiguration
    public let model: GenerativeModel
    private var decoder: any TokenDecoder { model.decoder }

    private let condition = NSCondition()
    // Under `condition`'s lock:
    private var incoming: [Job] = []
    /// Requests submitted and not yet admitted a first time (the bounded queue).
    private var queuedCount = 0
    private var running = true
    private var wakeups = 0

    // The scheduler thread's own:
    private var waiting = Deque<Job>()
    private var active: [Job] = []

    /// The time deadlines and the first token are measured against.
    private let now: @Sendable () -> ContinuousClock.Instant

    /// A scheduler for `model`; its thread is named after `name`. `now` tells the time (tests pass
    /// a clock they advance, to pass a deadline without waiting for it).
    public init(
        model: GenerativeModel, configuration: GenerationConfiguration, name: String,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) throws(GenerationError) {
        try configuration.validate()
        self.model = model
        self.configuration = configuration
        self.now = now
        let thread = Thread { [self] in runLoop() }
        thread.name = "generate \(name)"
        thread.start()
    }

    /// Requests waiting for admission (for listings and tests).
    public var queuedRequests: Int {
        condition.lock()
        defer { condition.unlock() }
        return queuedCount
    }

    /// Queues `request`; its chunks arrive on the returned stream, which ends after the chunk
    /// carrying the finish, or throws `GenerationError`. Ending the stream's iteration (the
    /// caller's task cancelled) frees the sequence at the next step.
    public func submit(_ request: GenerationRequest) throws(GenerationError) -> AsyncThrowingStream<
        GenerationChunk, any Error
    > {
        let total = request.prompt.count + request.maxTokens
        guard total <= decoder.contextLength else {
            throw .neverFits(tokens: total, limit: decoder.contextLength, what: "context")
        }
        let cacheTokens = decoder.kvBlockCount * decoder.kvBlockTokens
        guard total <= cacheTokens else { throw .neverFits(tokens: total, limit: cacheTokens, what: "KV cache") }
        let (stream, continuation) = AsyncThrowingStream<GenerationChunk, any Error>.makeStream()
        let job = Job(request: request, model: model, continuation: continuation)
        continuation.onTermination = { [weak self, weak job] termination in
            guard case .cancelled = termination, let self, let job else { return }
            self.condition.withLock {
                job.cancelled = true
                self.wakeups += 1
                self.condition.signal()
            }
        }
        condition.lock()
        guard running else {
            condition.unlock()
            continuation.yield(job.finishChunk(.cancelled))
            continuation.finish()
            return stream
        }
        guard queuedCount < configuration.maxWaitingRequests else {
            condition.unlock()
            throw .queueFull(limit: configuration.maxWaitingRequests)
        }
        queuedCount += 1
        incoming.append(job)
        condition.signal()
        condition.unlock()
        return stream
    }

    /// Ends every generation with reason CANCELLED and stops the thread.
    public func stop() {
        condition.lock()
        running = false
        condition.broadcast()
        condition.unlock()
    }

    // MARK: - The loop

    private func runLoop() {
        while collect() {
            dropCancelledAndExpired()
            admit()
            let planned = plan()
            if !planned.isEmpty { execute(planned) }
        }
        for job in active + Array(waiting) { finish(job, .cancelled) }
        let unseen = condition.withLock {
            defer { incoming = [] }
            return incoming
        }
        for job in unseen {
            job.continuation.yield(job.finishChunk(.cancelled))
            job.continuation.finish()
        }
    }

    /// Waits until there is work (a request, a running sequence, a cancellation), then moves new
    /// requests to the queue and picks up cancellations. False once the scheduler stops.
    ///
    /// With nothing running, the first waiting request always fits (a request that could not
    /// fit the whole cache alone was refused), so a non-empty queue is always work.
    private func collect() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while running && incoming.isEmpty && active.isEmpty && waiting.isEmpty && wakeups == 0 {
            condition.wait()
        }
        guard running else { return false }
        waiting.append(contentsOf: incoming)
        incoming = []
        wakeups = 0
        for job in active + Array(waiting) where job.cancelled { job.cancelledSeen = true }
        return true
    }

    private func dropCancelledAndExpired() {
        let now = now()
        for job in active + Array(waiting) {
            if job.cancelledSeen {
                remove(job)
                job.continuation.finish()
            } else if job.isExpired(at: now) {
                remove(job)
                job.continuation.finish(throwing: GenerationError.deadlineExceeded(generatedTokens: job.generated))
            }
        }
    }

    /// Admits waiting requests, oldest first, while KV blocks for the whole known sequence are
    /// free with a block of headroom left per running sequence.
    private func admit() {
        while let job = waiting.first, active.count < configuration.maxRunningSequences {
            let needed = blocks(for: job.tokens.count + 1)
            guard needed + active.count <= decoder.freeKVBlocks || active.isEmpty else { return }
            let sequence = decoder.openSequence()
            guard decoder.reserve(sequence, tokens: job.tokens.count + 1) else {
                decoder.closeSequence(sequence)
                return
            }
            waiting.removeFirst()
            job.sequence = sequence
            job.stored = 0
            active.append(job)
            if !job.admittedOnce {
                job.admittedOnce = true
                condition.withLock { queuedCount -= 1 }
            }
        }
    }

    /// The step's entries: decode tokens first, then prefill chunks within the budget.
    private func plan() -> [(job: Job, count: Int)] {
        var budget = configuration.stepTokenBudget
        var planned: [(job: Job, count: Int)] = []
        var index = 0
        while index < active.count {
            let job = active[index]
            guard job.tokens.count - job.stored == 1 else {
                index += 1
                continue
            }
            guard reserveOrPreempt(job, tokens: job.stored + 1) else { continue }  // `job` itself was preempted
            planned.append((job, 1))
            budget -= 1
            index += 1
        }
        for job in active where job.tokens.count - job.stored > 1 && budget > 0 {
            let count = min(job.tokens.count - job.stored, budget)
            guard decoder.reserve(job.sequence!, tokens: job.stored + count) else { continue }
            planned.append((job, count))
            budget -= count
        }
        return planned
    }

    /// Makes room for `tokens` in `job`'s sequence, preempting the newest sequences until it
    /// fits; false when `job` itself had to be preempted.
    private func reserveOrPreempt(_ job: Job, tokens: Int) -> Bool {
        while !decoder.reserve(job.sequence!, tokens: tokens) {
            let victim = active.removeLast()
            decoder.closeSequence(victim.sequence!)
            victim.sequence = nil
            victim.stored = 0
            waiting.prepend(victim)
            if victim === job { return false }
        }
        return true
    }

    private func execute(_ planned: [(job: Job, count: Int)]) {
        let entries = planned.map { job, count in
            DecoderStepEntry(sequence: job.sequence!, tokens: Array(job.tokens[job.stored..<job.stored + count]))
        }
        let logits: [[Float]]
        do {
            logits = try decoder.step(entries)
        } catch {
            for (job, _) in planned {
                remove(job)
                job.continuation.finish(throwing: GenerationError.decoderFailed("\(error)"))
            }
            return
        }
        for (row, (job, count)) in zip(logits, planned) {
            job.stored += count
            guard job.stored == job.tokens.count else { continue }
            advance(job, logits: row)
        }
    }

    /// Samples `job`'s next token from `logits` and streams what it adds.
    private func advance(_ job: Job, logits: [Float]) {
        let token = job.sampler.next(logits)
        job.generated += 1
        if job.firstToken == nil { job.firstToken = now() }
        if model.endTokens.contains(token) {
            finish(job, .stop)
            return
        }
        job.tokens.append(token)
        let (text, stopped) = job.stopMatcher.feed(job.detokenizer.append(token))
        if stopped {
            finish(job, .stop, text: text, tokens: [token], flushes: false)
        } else if job.generated >= job.request.maxTokens {
            finish(job, .length, text: text, tokens: [token])
        } else {
            job.continuation.yield(GenerationChunk(text: text, tokens: [token], finish: nil))
        }
    }

    /// Sends the last chunk and frees the job's blocks. Unless a stop string ended it
    /// (`flushes` false), the text still held back goes out with it.
    private func finish(
        _ job: Job, _ reason: GenerationFinish.Reason, text: String = "", tokens: [UInt32] = [],
        flushes: Bool = true
    ) {
        remove(job)
        var chunk = job.finishChunk(reason)
        chunk.text = flushes ? text + job.stopMatcher.flush() + job.detokenizer.finish() : text
        chunk.tokens = tokens
        job.continuation.yield(chunk)
        job.continuation.finish()
    }

    /// Takes `job` out of the queue or the running set and frees its sequence.
    private func remove(_ job: Job) {
        if let sequence = job.sequence {
            decoder.closeSequence(sequence)
            job.sequence = nil
        }
        active.removeAll { $0 === job }
        waiting.removeAll { $0 === job }
        if !job.admittedOnce {
            job.admittedOnce = true
            condition.withLock { queuedCount -= 1 }
        }
    }

    private func blocks(for tokens: Int) -> Int {
        (tokens + decoder.kvBlockTokens - 1) / decoder.kvBlockTokens
    }

    /// One generation's state. Touched only by the scheduler thread, except `cancelled`
    /// (under the scheduler's lock).
    private final class Job: @unchecked Sendable {
        let request: GenerationRequest
        let continuation: AsyncThrowingStream<GenerationChunk, any Error>.Continuation
        var sampler: TokenSampler
        var detokenizer: StreamingDetokenizer
        var stopMatcher: StopStringMatcher
        /// Prompt and generated tokens (the last one not yet in the KV cache while decoding).
        var tokens: [UInt32]
        /// Tokens of `tokens` in the sequence's KV cache.
        var stored = 0
        var sequence: DecoderSequenceID?
        var generated = 0
        var firstToken: ContinuousClock.Instant?
        var admittedOnce = false
        var cancelled = false
        /// `cancelled` as the loop saw it when it last collected.
        var cancelledSeen = false

        init(
            request: GenerationRequest, model: GenerativeModel,
            continuation: AsyncThrowingStream<GenerationChunk, any Error>.Continuation
        ) {
            self.request = request
            self.continuation = continuation
            sampler = TokenSampler(parameters: request.sampling, prompt: request.prompt)
            detokenizer = StreamingDetokenizer(tokenizer: model.tokenizer)
            stopMatcher = StopStringMatcher(stops: request.stopStrings)
            tokens = request.prompt
        }

        func isExpired(at now: ContinuousClock.Instant) -> Bool {
            request.deadline.map { $0 <= now } ?? false
        }

        func finishChunk(_ reason: GenerationFinish.Reason) -> GenerationChunk {
            GenerationChunk(
                text: "", tokens: [],
                finish: GenerationFinish(
                    reason: reason, promptTokens: request.prompt.count, generatedTokens: generated,
                    timeToFirstToken: firstToken.map { request.accepted.duration(to: $0) }))
        }
    }
}
