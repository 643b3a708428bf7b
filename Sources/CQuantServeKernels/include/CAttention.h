// Fused fp32 self-attention of one (sequence, head): softmax(q·kᵀ·scale)·v, per ISA.
#ifndef CATTENTION_H
#define CATTENTION_H
#include <stddef.h>

/// One attention head over one sequence. Row i of the query, key and value matrices starts at
/// `query + i * input_stride` (likewise key, value) and holds `head_dim` floats; row i of the
/// output starts at `context + i * context_stride`. In a packed QKV matrix (tokens × 3·hidden)
/// the three pointers are the head's columns of the queries, keys and values and
/// `input_stride` is 3·hidden; head-major (the encoder's layout: each head's query, key and value
/// rows contiguous) `input_stride` is `head_dim`, and with `head_dim` a whole number of vectors
/// the fp32 kernels read the value rows in place instead of copying them.
typedef struct qs_attention_head {
    const float *query;
    const float *key;
    const float *value;
    /// Floats between consecutive rows of query, key and value.
    size_t input_stride;
    /// `length` rows of `head_dim` floats, written (never read).
    float *context;
    size_t context_stride;
    /// Tokens in the sequence (at least 1) and floats per head (any, at least 1).
    size_t length;
    size_t head_dim;
    /// The factor applied to q·kᵀ before the softmax, usually 1/√head_dim.
    float scale;
    /// Working memory of `qs_attention_scratch_floats(length, head_dim)` floats, 64-byte
    /// aligned, not shared with another call running at the same time.
    float *scratch;
    /// Optional (NULL: none): the head this thread computes next, `next_length` rows. Its keys and
    /// values lie at the same distances from `next_query` as `key` and `value` from `query`, with
    /// the same `input_stride`; its context rows are `context_stride` apart from `next_context`.
    /// The kernels fetch those rows toward the cache while they compute this head (in a packed
    /// batch a head's rows are 3·hidden floats apart: in a large batch each 128-byte piece is a
    /// separate trip to L3 or memory), so the next call finds them near. Zero (C) or nil (Swift)
    /// by default.
    const float *next_query;
    float *next_context;
    size_t next_length;
} qs_attention_head;

/// Floats of scratch an attention call needs for a sequence of `length` tokens, for every ISA
/// and for the bf16 kernel: the keys transposed and the values packed (zero-padded to whole
/// vectors), and the scores of one block of query rows.
size_t qs_attention_scratch_floats(size_t length, size_t head_dim);

/// AVX-512F: blocks of 8 query rows; 8 × 32 score tiles, the softmax of the block while its
/// scores are in L1, then 8 × 32 context tiles. zmm fused multiply-adds.
void qs_attention_head_f32_avx512(const qs_attention_head *head);
/// AVX2 + FMA: the same blocking with 6 × 16 tiles on ymm registers.
void qs_attention_head_f32_avx2(const qs_attention_head *head);

/// Floats of scratch `qs_attention_head_bf16_avx512` needs for `length` tokens.
size_t qs_attention_bf16_scratch_floats(size_t length, size_t head_dim);
/// AVX512_BF16: queries, keys, values and probabilities rounded to bf16, products by
/// `vdpbf16ps` into fp32 (8 × 32 tiles); scores, softmax and sums in fp32. `scratch` holds
/// `qs_attention_bf16_scratch_floats(length, head_dim)` floats. Only where
/// `qs_cpu_supports_avx512bf16()` says so.
void qs_attention_head_bf16_avx512(const qs_attention_head *head);

#endif
