// The attention side of a llama decoder over a paged KV cache: rotary position embedding of the
// packed queries and keys, the keys and values stored as fp16 in the sequence's blocks, and
// causal grouped-query attention of query rows over the cached keys and values. One variant per
// instruction set: _avx512 (AVX-512 F + F16C + FMA), _avx2 (AVX2 + F16C + FMA) and _portable
// (plain C, any CPU); the Swift wrapper (Kernels/PagedAttention.swift) picks one.
#ifndef CPAGEDATTENTION_H
#define CPAGEDATTENTION_H
#include <stdint.h>
#include <stddef.h>

/// Tokens per KV block.
#define QS_KV_BLOCK_TOKENS 16
/// The largest head dimension the kernels take.
#define QS_KV_MAX_HEAD_DIM 256

/// Where one layer's keys and values live in a paged cache of fp16 values (stored as their bit
/// patterns). Block `b` starts at `cache + b * block_elements`; inside it, this layer's keys of KV
/// head `g` start at `key_offset + g * head_dim * QS_KV_BLOCK_TOKENS`, transposed (dimension-major:
/// element (d, t) at d * QS_KV_BLOCK_TOKENS + t), and its values at
/// `value_offset + g * QS_KV_BLOCK_TOKENS * head_dim`, token-major (element (t, d) at t * head_dim + d).
typedef struct qs_kv_layer {
    uint16_t *cache;
    size_t block_elements;
    size_t key_offset;
    size_t value_offset;
    size_t kv_heads;
    size_t head_dim;
} qs_kv_layer;

/// Rotates and stores the keys and values of `tokens` consecutive tokens of one sequence.
/// Row t of `qkv` (at qkv + t * qkv_stride) holds q_heads query heads, then kv_heads key heads,
/// then kv_heads value heads, head_dim floats each. Every query and key head is rotated in place
/// with llama.cpp's NORM rope (adjacent pairs): for pair i, (x[2i], x[2i+1]) becomes
/// (x0 cos - x1 sin, x0 sin + x1 cos) with the angle `rotation[t * head_dim + 2i]` (cos) and
/// `rotation[t * head_dim + 2i + 1]` (sin). Then the keys and values of token t are stored at
/// position first_position + t of the sequence whose blocks are `block_table`.
typedef struct qs_kv_append {
    float *qkv;
    size_t qkv_stride;
    size_t tokens;
    size_t q_heads;
    const float *rotation;
    size_t first_position;
    const int32_t *block_table;
    qs_kv_layer layer;
} qs_kv_append;

void qs_kv_append_avx512(const qs_kv_append *job);
void qs_kv_append_avx2(const qs_kv_append *job);
void qs_kv_append_portable(const qs_kv_append *job);

/// Causal attention of the query rows of one sequence that share one KV head, over that head's
/// cached keys and values. There are `tokens * heads` rows: row r is query head h = r % heads
/// (of the group sharing the KV head) of token t = r / heads; its query is at
/// query + t * query_stride + h * head_dim, its context is written at
/// context + t * context_stride + h * head_dim, and it attends to positions 0 ... first_position + t:
/// context = softmax(scale * q·K^T) · V over those positions. Rows are taken four at a time, so
/// each key and value loaded serves four rows.
typedef struct qs_paged_attention {
    const float *query;
    size_t query_stride;
    float *context;
    size_t context_stride;
    /// Query tokens of this call (rows are `tokens * heads`) and the query heads sharing the KV head.
    size_t tokens;
    size_t heads;
    /// The absolute position of the call's token 0.
    size_t first_position;
    /// The KV head read.
    size_t kv_head;
    float scale;
    const int32_t *block_table;
    qs_kv_layer layer;
    /// Working memory of qs_paged_attention_scratch_floats(first_position + tokens) floats,
    /// 64-byte aligned, not shared with a call running at the same time.
    float *scratch;
} qs_paged_attention;

/// Floats of scratch a call needs when its last token sits at position `length - 1`.
size_t qs_paged_attention_scratch_floats(size_t length);

void qs_paged_attention_avx512(const qs_paged_attention *job);
void qs_paged_attention_avx2(const qs_paged_attention *job);
void qs_paged_attention_portable(const qs_paged_attention *job);

#endif
