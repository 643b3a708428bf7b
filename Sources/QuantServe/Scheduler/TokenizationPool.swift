import DequeModule
import Foundation
import Synchronization

/// A few threads of their own for tokenizing requests' texts, so that a long text never holds a
/// thread of Swift's cooperative pool, where RPC handlers and health checks run. Work whose task
/// is cancelled (RST_STREAM, a lost connection) or whose deadline passes stops at its next
/// `StopCheck`; work still waiting for a thread is dropped at once. Work on a few bytes of text
/// runs in place: it takes microseconds, less than the hop to a pool thread and back.
public final class TokenizationPool: Sendable {
    /// The process's pool: one thread per core; work on at most 4 KiB of text runs in place.
    public static let shared = TokenizationPool(
        threads: ProcessInfo.processInfo.activeProcessorCount, inlineBytes: 4096)

    /// What running work checks between texts: whether its caller is gone or its deadline passed.
    public final class StopCheck: Sendable {
        /// When the work's answer is no longer wanted; nil for never.
        public let deadline: ContinuousClock.Instant?
        private let cancelled = Atomic<Bool>(false)

        init(deadline: ContinuousClock.Instant?) {
            self.deadline = deadline
        }

        /// True once the work should stop: its task was cancelled or its deadline passed.
        public var shouldStop: Bool {
            isCancelled || deadline.map { $0 <= .now } ?? false
        }

        /// Throws `CancellationError` once the task is cancelled, or
        /// `SchedulerError.deadlineExpiredInTokenization` once the deadline has passed.
        public func check(tokenizedTexts: Int) throws {
            if isCancelled { throw CancellationError() }
            if let deadline, deadline <= .now {
                throw SchedulerError.deadlineExpiredInTokenization(tokenizedTexts: tokenizedTexts)
            }
        }

        var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

        func cancel() { cancelled.store(true, ordering: .relaxed) }
    }

    /// Work waiting for a thread: `run` computes and resumes its caller, `drop` resumes it with an error.
    private struct Work {
        let id: UInt64
        let run: @Sendable () -> Void
        let drop: @Sendable (any Error) -> Void
    }

    /// The queue the threads share. Kept apart from the pool so that the threads, which hold it,
    /// do not keep the pool alive: they stop when the pool is freed.
    private final class WorkQueue: @unchecked Sendable {
        let condition = NSCondition()
        var waiting = Deque<Work>()
        var nextID: UInt64 = 0
        var stopping = false

        /// The next work to run, or nil once stopping.
        func next() -> Work? {
            condition.lock()
            defer { condition.unlock() }
            while !stopping && waiting.isEmpty { condition.wait() }
            return stopping ? nil : waiting.removeFirst()
        }
    }

    private let queue = WorkQueue()
    /// The number of threads.
    public let threadCount: Int
    /// Work on at most this many bytes of text runs on the caller's thread.
    public let inlineBytes: Int

    /// A pool of `threads` threads (at least one); work on at most `inlineBytes` bytes runs in place.
    public init(threads: Int, inlineBytes: Int) {
        threadCount = max(1, threads)
        self.inlineBytes = inlineBytes
        for index in 0..<threadCount {
            let thread = Thread { [queue] in
                while let work = queue.next() { work.run() }
            }
            thread.name = "tokenizer \(index)"
            thread.start()
        }
    }

    deinit {
        queue.condition.lock()
        queue.stopping = true
        let abandoned = queue.waiting
        queue.waiting.removeAll()
        queue.condition.broadcast()
        queue.condition.unlock()
        for work in abandoned { work.drop(CancellationError()) }
    }

    /// Runs `body`, which works on `bytes` bytes of text, on one of the pool's threads (in place
    /// when `bytes` is at most `inlineBytes`) and returns its result. `body` should call
    /// `check(tokenizedTexts:)` between texts. Throws `CancellationError` when the calling task
    /// is cancelled before `body` starts.
    public func run<Result: Sendable>(
        bytes: Int, deadline: ContinuousClock.Instant?,
        _ body: @escaping @Sendable (StopCheck) throws -> Result
    ) async throws -> Result {
        let stop = StopCheck(deadline: deadline)
        if bytes <= inlineBytes { return try body(stop) }
        let id = queue.condition.withLock {
            queue.nextID += 1
            return queue.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
                let work = Work(
                    id: id,
                    run: { continuation.resume(with: Swift.Result { try body(stop) }) },
                    drop: { continuation.resume(throwing: $0) })
                // Checked under the lock that `onCancel` takes to look for the work, so that
                // work is never left waiting for a thread once its task is cancelled.
                let cancelled = queue.condition.withLock {
                    if stop.isCancelled { return true }
                    queue.waiting.append(work)
                    queue.condition.signal()
                    return false
                }
                if cancelled { work.drop(CancellationError()) }
            }
        } onCancel: {
            stop.cancel()
            let dropped = queue.condition.withLock { () -> Work? in
                guard let index = queue.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return queue.waiting.remove(at: index)
            }
            dropped?.drop(CancellationError())
        }
    }
}
