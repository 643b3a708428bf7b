internal import CQuantServeKernels

/// The attention kernels of a decoder over a paged KV cache of fp16 keys and values (C in
/// CKernels/paged_attention.c, one variant per `FloatKernelPath`): rotary embedding and the
/// store of new keys and values into a sequence's blocks (`append`), and causal grouped-query
/// attention of a sequence's query rows over its cached positions (`attend`).
///
/// The cache is one array of fp16 values cut into blocks of `blockTokens` tokens. Inside a block
/// each layer has an area: per KV head its keys transposed (`headDimension × blockTokens`, so
/// the scores of a block's 16 keys are one vector of fused multiply-adds) and its values
/// token-major (`blockTokens × headDimension`). `PagedKVLayer` computes those offsets.
public enum PagedAttention {
    /// Tokens per KV block.
    public static let blockTokens = Int(QS_KV_BLOCK_TOKENS)
    /// The largest head dimension the kernels take.
    public static let maximumHeadDimension = Int(QS_KV_MAX_HEAD_DIM)

    /// Floats of scratch one `attend` call needs when its last token is at position `length - 1`.
    public static func scratchFloats(length: Int) -> Int {
        qs_paged_attention_scratch_floats(length)
    }

    /// Rotates in place, with llama.cpp's NORM rope (adjacent pairs `(x[2i], x[2i+1])`), the
    /// query and key heads of `tokens` rows of `qkv` (each `qkvStride` floats: `queryHeads`
    /// query heads, then the layout's KV heads of keys, then of values), with the angles of
    /// `rotation` (per token, `headDimension` floats: cos and sin of pair 0, of pair 1, ...),
    /// then stores each token's keys and values as fp16 at position `firstPosition + t` of the
    /// sequence whose blocks are `blockTable`.
    public static func append(
        qkv: UnsafeMutablePointer<Float>, qkvStride: Int, tokens: Int, queryHeads: Int,
        rotation: UnsafePointer<Float>, firstPosition: Int, blockTable: UnsafePointer<Int32>,
        layer: PagedKVLayer, path: FloatKernelPath = .selected
    ) {
        precondition(path.isSupported)
        var job = qs_kv_append(
            qkv: qkv, qkv_stride: qkvStride, tokens: tokens, q_heads: queryHeads, rotation: rotation,
            first_position: firstPosition, block_table: blockTable, layer: layer.raw)
        switch path {
        case .avx512: qs_kv_append_avx512(&job)
        case .avx2: qs_kv_append_avx2(&job)
        case .portable: qs_kv_append_portable(&job)
        }
    }

    /// Causal attention of `tokens × heads` query rows of one sequence that share KV head
    /// `kvHead`: row (t, h) reads its query at `query + t·queryStride + h·headDimension`, attends
    /// to positions `0...firstPosition + t` of the sequence's cache (`blockTable`), and writes
    /// `softmax(scale · q·Kᵀ) · V` at `context + t·contextStride + h·headDimension`. `scratch`
    /// holds `scratchFloats(length: firstPosition + tokens)` floats, 64-byte aligned.
    public static func attend(
        query: UnsafePointer<Float>, queryStride: Int, context: UnsafeMutablePointer<Float>,
        contextStride: Int, tokens: Int, heads: Int, firstPosition: Int, kvHead: Int,
        scale: Float, blockTable: UnsafePointer<Int32>, layer: PagedKVLayer,
        scratch: UnsafeMutablePointer<Float>, path: FloatKernelPath = .selected
    ) {
        guard tokens > 0, heads > 0 else { return }
        precondition(path.isSupported && kvHead < layer.kvHeads)
        var job = qs_paged_attention(
            query: query, query_stride: queryStride, context: context,
            context_stride: contextStride, tokens: tokens, heads: heads,
            first_position: firstPosition, kv_head: kvHead, scale: scale,
            block_table: blockTable, layer: layer.raw, scratch: scratch)
        switch path {
        case .avx512: qs_paged_attention_avx512(&job)
        case .avx2: qs_paged_attention_avx2(&job)
        case .portable: qs_paged_attention_portable(&job)
        }
    }
}

/// One layer's area in a paged KV cache (see `PagedAttention`): the cache's fp16 values (as bit
/// patterns), the values per block, and where the layer's keys and values start inside a block.
public struct PagedKVLayer: @unchecked Sendable {
    /// The whole cache; block `b` starts `b · blockElements` values in.
    public let cache: UnsafeMutablePointer<UInt16>
    public let blockElements: Int
    public let keyOffset: Int
    public let valueOffset: Int
    public let kvHeads: Int
    public let headDimension: Int

    /// Layer `layer` of a cache whose blocks hold `layers` layers of `kvHeads` heads of
    /// `headDimension` keys and values for `PagedAttention.blockTokens` tokens, in layer order.
    public init(cache: UnsafeMutablePointer<UInt16>, layer: Int, layers: Int, kvHeads: Int, headDimension: Int) {
        precondition(
            headDimension > 0 && headDimension % 2 == 0 && headDimension <= PagedAttention.maximumHeadDimension)
        precondition((0..<layers).contains(layer) && kvHeads > 0)
        let half = kvHeads * headDimension * PagedAttention.blockTokens
        self.cache = cache
        blockElements = 2 * half * layers
        keyOffset = 2 * half * layer
        valueOffset = keyOffset + half
        self.kvHeads = kvHeads
        self.headDimension = headDimension
    }

    var raw: qs_kv_layer {
        qs_kv_layer(
            cache: cache, block_elements: blockElements, key_offset: keyOffset, value_offset: valueOffset,
            kv_heads: kvHeads, head_dim: headDimension)
    }
}
