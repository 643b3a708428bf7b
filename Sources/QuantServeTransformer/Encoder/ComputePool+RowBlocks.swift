import QuantServeKernels

extension ComputePool {
    /// Runs `body` over blocks of `0..<rows` in parallel; every row is in exactly one block.
    func forEachRowBlock(_ rows: Int, _ body: (Range<Int>) -> Void) {
        guard rows > 0 else { return }
        let blockCount = min(rows, 4 * threadCount)
        let blockSize = (rows + blockCount - 1) / blockCount
        parallelFor((rows + blockSize - 1) / blockSize) { block in
            let start = block * blockSize
            body(start..<min(rows, start + blockSize))
        }
    }
}

/// Runs `body` over `0..<rows`: in blocks spread over `pool` when there is one, else at once on this thread.
func forEachRowChunk(_ rows: Int, pool: ComputePool?, _ body: (Range<Int>) -> Void) {
    if let pool {
        pool.forEachRowBlock(rows, body)
    } else if rows > 0 {
        body(0..<rows)
    }
}
