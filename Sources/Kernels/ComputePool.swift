import Foundation

/// A persistent pool of threads for intra-op parallelism: splits one operation's work
/// (GEMM column blocks, attention heads) across cores without creating threads per call.
public final class ComputePool: @unchecked Sendable {
    /// Threads that run work, the caller's own included.
    public let threadCount: Int

    public init(threads: Int) {
        threadCount = max(1, threads)
    }

    /// Runs `body(i)` for every `i` in `0..<count`, spread over the pool; returns when all are done.
    public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        // Stand-in (serial): the kernels owner replaces it with persistent worker threads.
        for index in 0..<count { body(index) }
    }
}
