import Foundation
import QuantServeKernels
import Synchronization

/// The keys and values of every open sequence of a decoder, in fixed-size blocks of
/// `PagedAttention.blockTokens` tokens (16) allocated once: fp16 values, all layers of a token
/// range in one block (see `PagedKVLayer` for the layout inside a block). Each sequence owns a
/// block table (its blocks in position order); free blocks sit on a free list. `reserve` takes
/// blocks only when all it needs are free, so running out is a refusal, never an allocation.
///
/// The bookkeeping is behind a mutex (any thread may read it); the values are written and read
/// by the decoder's step, which the caller runs one at a time.
public final class PagedKVCache: @unchecked Sendable {
    /// Tokens per block.
    public let blockTokens = PagedAttention.blockTokens
    /// Blocks in the cache.
    public let blockCount: Int
    /// fp16 values per block (all layers, keys and values).
    public let blockElements: Int
    /// Bytes one token occupies (all layers, keys and values, 2 bytes each).
    public let bytesPerToken: Int
    let layers: Int
    let kvHeads: Int
    let headDimension: Int
    /// The values, `blockCount × blockElements`.
    let storage: UnsafeMutablePointer<UInt16>
    private let state: Mutex<State>

    /// The sequences and the free list.
    private struct State {
        var sequences: [Int: Sequence] = [:]
        var freeBlocks: [Int32]
        var nextID = 0
    }

    /// One sequence: its blocks in position order and the tokens stored so far.
    struct Sequence {
        var blocks: [Int32] = []
        var tokens = 0
    }

    /// A cache of `blockCount` blocks for a model of `layers` layers and `kvHeads` KV heads of
    /// `headDimension`.
    public init(blockCount: Int, layers: Int, kvHeads: Int, headDimension: Int) {
        precondition(blockCount >= 0 && blockCount <= Int(Int32.max) && layers > 0 && kvHeads > 0)
        self.blockCount = blockCount
        self.layers = layers
        self.kvHeads = kvHeads
        self.headDimension = headDimension
        blockElements = 2 * layers * kvHeads * headDimension * PagedAttention.blockTokens
        bytesPerToken = 2 * 2 * layers * kvHeads * headDimension
        // calloc: a large cache comes zeroed from the kernel page by page, so memory is resident
        // only once blocks are used (a server's whole budget is not touched at load).
        guard let zeroed = calloc(max(blockCount * blockElements, 1), MemoryLayout<UInt16>.stride) else {
            fatalError("PagedKVCache: cannot allocate \(blockCount) blocks of \(blockElements) fp16 values")
        }
        storage = zeroed.bindMemory(to: UInt16.self, capacity: max(blockCount * blockElements, 1))
        state = Mutex(State(freeBlocks: (0..<Int32(blockCount)).reversed()))
    }

    /// The blocks that `bytes` of cache memory hold for this shape.
    public static func blocks(fittingBytes bytes: Int, layers: Int, kvHeads: Int, headDimension: Int) -> Int {
        max(0, bytes / (2 * 2 * layers * kvHeads * headDimension * PagedAttention.blockTokens))
    }

    deinit {
        free(storage)
    }

    /// Blocks not owned by any sequence.
    public var freeBlocks: Int { state.withLock { $0.freeBlocks.count } }

    /// Opens an empty sequence.
    public func open() -> DecoderSequenceID {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.sequences[id] = Sequence()
            return DecoderSequenceID(id)
        }
    }

    /// Makes room for `tokens` tokens in all in `sequence`; false (nothing taken) when the free
    /// blocks do not suffice or the sequence is not open.
    public func reserve(_ sequence: DecoderSequenceID, tokens: Int) -> Bool {
        state.withLock { state in
            guard var entry = state.sequences[sequence.rawValue], tokens >= 0 else { return false }
            let needed = (tokens + blockTokens - 1) / blockTokens - entry.blocks.count
            guard needed > 0 else { return true }
            guard needed <= state.freeBlocks.count else { return false }
            entry.blocks += state.freeBlocks.suffix(needed).reversed()
            state.freeBlocks.removeLast(needed)
            state.sequences[sequence.rawValue] = entry
            return true
        }
    }

    /// Returns `sequence`'s blocks to the free list and forgets it.
    public func close(_ sequence: DecoderSequenceID) {
        state.withLock { state in
            guard let entry = state.sequences.removeValue(forKey: sequence.rawValue) else { return }
            state.freeBlocks += entry.blocks.reversed()
        }
    }

    /// Tokens stored in `sequence` (0 when it is not open).
    public func storedTokens(_ sequence: DecoderSequenceID) -> Int {
        state.withLock { $0.sequences[sequence.rawValue]?.tokens ?? 0 }
    }

    /// The sequence's blocks and stored tokens, or nil when it is not open.
    func sequence(_ sequence: DecoderSequenceID) -> Sequence? {
        state.withLock { $0.sequences[sequence.rawValue] }
    }

    /// Records that `count` more tokens were stored in `sequence`.
    func advance(_ sequence: DecoderSequenceID, by count: Int) {
        state.withLock { $0.sequences[sequence.rawValue]?.tokens += count }
    }

    /// Layer `layer`'s area of the cache.
    func layer(_ layer: Int) -> PagedKVLayer {
        PagedKVLayer(cache: storage, layer: layer, layers: layers, kvHeads: kvHeads, headDimension: headDimension)
    }
}
