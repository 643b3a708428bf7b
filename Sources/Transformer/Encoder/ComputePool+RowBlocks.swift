import Kernels

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
