/// How one forward pass spreads over the compute pool.
///
/// - **Row-block pipeline** (`pipelined`): the packed batch's tokens are cut into blocks, and each
///   thread takes whole blocks through everything between two attentions (attention-output
///   projection, residual, layer norm, feed-forward, residual, layer norm, next layer's QKV
///   projection) on its own, so the threads meet only at attention, twice per layer, and a block's
///   activations stay in the core's cache from one operation to the next.
/// - **Intra-op** (not pipelined): one block holds every token, and each operation splits its own
///   work (GEMM panels, rows) across the pool: for batches too small to give every thread rows.
///
/// Results are the same bits either way: every operation outside attention works row by row.
/// (The third strategy, whole sequences per thread, is `SequenceGroupPlan`.)
struct ForwardPlan: Equatable {
    /// Rows (tokens) per block; a multiple of 8 (the GEMM tiles' heights) except for a single block.
    let rowsPerBlock: Int
    /// Number of blocks.
    let blockCount: Int
    /// Whether threads take whole blocks through a layer (else each operation splits over the pool).
    let pipelined: Bool

    /// The largest block: activations of 64 tokens through the feed-forward fit a core's L2 cache.
    static let maximumBlockRows = 64
    /// Tokens per thread below which splitting each operation beats giving each thread rows.
    static let minimumRowsPerThread = 32

    /// The row-block pipeline, or intra-op splitting when `threads` would get fewer than
    /// `minimumRowsPerThread` tokens each.
    init(tokens: Int, threads: Int) {
        if threads > 1 && tokens < Self.minimumRowsPerThread * threads {
            self.init(wholeBatch: tokens)
        } else {
            self.init(rowBlocks: tokens, threads: threads)
        }
    }

    /// The row-block pipeline for `threads` threads, whatever the number of tokens.
    init(rowBlocks tokens: Int, threads: Int) {
        // At least one block per thread, a whole number of blocks per thread, blocks of at most 64 rows.
        let perThread = max(1, (tokens + threads * Self.maximumBlockRows - 1) / (threads * Self.maximumBlockRows))
        let wanted = threads * perThread
        let rows = ((tokens + wanted - 1) / wanted + 7) / 8 * 8
        rowsPerBlock = min(rows, max(tokens, 1))
        blockCount = (tokens + rowsPerBlock - 1) / rowsPerBlock
        pipelined = true
    }

    /// One block of every token, each operation split over the pool.
    init(wholeBatch tokens: Int) {
        rowsPerBlock = tokens
        blockCount = 1
        pipelined = false
    }

    /// The token rows of block `index`.
    func rows(ofBlock index: Int, tokens: Int) -> Range<Int> {
        index * rowsPerBlock..<min(tokens, (index + 1) * rowsPerBlock)
    }
}
