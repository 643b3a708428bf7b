// Fetching rows toward the cache ahead of their use, for every attention kernel: a head's own
// contiguous (head-major) rows into L1, and the next head's rows while a head computes (see
// `next_query` in CAttention.h).
#ifndef QS_ATTENTION_PREFETCH_H
#define QS_ATTENTION_PREFETCH_H
#include "CAttention.h"
#include <stddef.h>
#include <xmmintrin.h>

/// Asks for the `floats` contiguous floats at `block` to be brought into L1 (one request per
/// 64-byte line): a head-major head's keys or values, read right after by its products.
static inline void qs_attention_prefetch_l1(const float *block, size_t floats) {
    for (size_t offset = 0; offset < floats; offset += 16) _mm_prefetch((const char *)(block + offset), _MM_HINT_T0);
}

/// For the block of query rows [first, first + rows) of `head`: asks for that block's share of
/// the next head's query, key and value rows (the same fraction of its tokens, the last block
/// taking the rest) to be brought into L2, and for its context rows to be brought for writing.
/// Nothing when `head->next_query` is NULL. Measured (bf16, head dim 32, a batch of 32
/// sequences, rows 3·384 floats apart, benchmarks/kernels/README.md): 20–30 % less time per
/// head at 32–128 tokens; the L1 hint (T0) for the inputs gained less.
static inline void qs_attention_prefetch_next(const qs_attention_head *head, size_t first, size_t rows) {
    if (head->next_query == NULL) return;
    const size_t length = head->length, next_length = head->next_length;
    const size_t begin = first * next_length / length;
    const size_t end = first + rows >= length ? next_length : (first + rows) * next_length / length;
    const ptrdiff_t key = head->key - head->query, value = head->value - head->query;
    for (size_t j = begin; j < end; j++) {
        const float *row = head->next_query + j * head->input_stride;
        for (size_t c = 0; c < head->head_dim; c += 16) {
            _mm_prefetch((const char *)(row + c), _MM_HINT_T1);
            _mm_prefetch((const char *)(row + key + c), _MM_HINT_T1);
            _mm_prefetch((const char *)(row + value + c), _MM_HINT_T1);
            __builtin_prefetch(head->next_context + j * head->context_stride + c, 1, 2);
        }
    }
}
#endif
