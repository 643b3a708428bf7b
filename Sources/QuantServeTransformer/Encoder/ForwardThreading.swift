/// How a forward pass spreads over the encoder's `ComputePool` (docs/architecture.md, "The
/// engine"). Every choice gives the same bits: only the order of independent work changes.
public enum ForwardThreading: String, Sendable, CaseIterable {
    /// Chosen per batch from its shape: whole sequences per thread when the batch's sequences
    /// share evenly among the threads, else the row-block pipeline, else intra-op splitting.
    case automatic
    /// Whole sequences per thread, through every layer, no meeting until the pass ends.
    case sequenceGroups
    /// Blocks of token rows per thread between two attentions (threads meet twice per layer).
    case rowBlocks
    /// One block of every token; each operation splits its own work over the pool.
    case intraOp
}
