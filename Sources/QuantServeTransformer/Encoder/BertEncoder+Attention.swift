import QuantServeKernels
import Synchronization

extension BertEncoder {
    /// Self-attention of every sequence and head: `softmax(q·kᵀ / √d)·v` into `context`, by
    /// `Attention.head` with the kernel `AttentionKernel.selected` (fp32
    /// in models without int8 layers). Tasks (sequence, head) are claimed dynamically by
    /// `slots` workers, each with its own scratch for sequences of up to `longest` tokens; a
    /// worker claims its next task before computing the current one, so the kernel can fetch the
    /// next task's rows meanwhile.
    func attend(
        _ batch: PackedBatch, qkv: QKVRows, context: UnsafeMutablePointer<Float>,
        slots: Int, longest: Int
    ) {
        let heads = config.heads
        let taskCount = batch.count * heads
        let nextTask = Atomic<Int>(0)
        pool.parallelFor(min(slots, taskCount)) { _ in
            Attention.withScratch(length: longest, headDimension: config.headDimension) { scratch in
                var task = nextTask.wrappingAdd(1, ordering: .relaxed).oldValue
                while task < taskCount {
                    let following = nextTask.wrappingAdd(1, ordering: .relaxed).oldValue
                    attendHead(
                        batch.range(of: task / heads), head: task % heads, qkv: qkv, context: context,
                        scratch: scratch,
                        next: following < taskCount ? (batch.range(of: following / heads), following % heads) : nil)
                    task = following
                }
            }
        }
    }

    /// Self-attention of one head over the tokens `range` of one sequence, on this thread, with
    /// `scratch` of `Attention.scratchFloats` floats for at least `range.count` tokens; `next` is
    /// the (tokens, head) this thread computes afterwards, if any.
    func attendHead(
        _ range: Range<Int>, head: Int, qkv: QKVRows,
        context: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
        next: (range: Range<Int>, head: Int)? = nil
    ) {
        let hidden = config.hidden
        let headSize = config.headDimension
        func queries(_ range: Range<Int>, _ head: Int) -> UnsafePointer<Float> {
            qkv.queries(head: head, headDimension: headSize, firstToken: range.lowerBound)
        }
        func contextRows(_ range: Range<Int>, _ head: Int) -> UnsafeMutablePointer<Float> {
            context + range.lowerBound * hidden + head * headSize
        }
        let query = queries(range, head)
        Attention.head(
            query: query, key: query + qkv.keyDistance, value: query + qkv.valueDistance,
            inputStride: qkv.layout.rowStride,
            context: contextRows(range, head),
            contextStride: hidden, length: range.count, headDimension: headSize,
            scale: 1 / Float(headSize).squareRoot(), scratch: scratch,
            kernel: bf16Attention ? AttentionKernel.selected : .fp32(.selected),
            next: next.map { (queries($0.range, $0.head), contextRows($0.range, $0.head), $0.range.count) })
    }
}

/// The QKV projection's output as attention reads it (`BertEncoder.Buffers.qkv`): queries, keys
/// and values of every head, row-major (`tokens × 3·hidden`) or head-major (each head's
/// queries, keys and values a contiguous block of `tokens × headDimension`), as `layout` says.
struct QKVRows {
    let base: UnsafeMutablePointer<Float>
    let layout: GemmOutputLayout
    let hidden: Int

    /// Head `head`'s query row of token `firstToken`; the following tokens' rows are
    /// `layout.rowStride` floats apart.
    func queries(head: Int, headDimension: Int, firstToken: Int) -> UnsafePointer<Float> {
        UnsafePointer(base + layout.offset(row: firstToken, channel: head * headDimension))
    }

    /// Where the QKV projection writes token `row` (and, for a head-major layout, where each
    /// group's row `row` is relative to its group): the output argument of `Int8Linear.apply`.
    func projectionRow(_ row: Int) -> UnsafeMutablePointer<Float> { base + row * layout.rowStride }

    /// Floats from any head's query row to its key row of the same token (the same for every head:
    /// the keys are `hidden` channels after the queries, in whole heads).
    var keyDistance: Int { layout.offset(row: 0, channel: hidden) }
    /// Floats from any head's query row to its value row of the same token.
    var valueDistance: Int { layout.offset(row: 0, channel: 2 * hidden) }
}
