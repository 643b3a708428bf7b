// Fused attention with bf16 products on AVX512_BF16 (`vdpbf16ps`: 32 multiply-adds of bf16 pairs
// per zmm instruction into fp32 accumulators, twice the fp32 FMA's rate). Queries, keys, values
// and the probabilities are rounded to bf16 (8 significant bits, round to nearest even); the
// scores, the softmax, the sums and the normalization stay fp32.
//
// Per head: the query and key rows are converted to bf16 pairs (elements 2p and 2p+1 of a row
// in one 32-bit word), the keys then transposed with gathers into `head_dim/2` rows of
// `padded_length` pairs; the values are paired along the tokens (tokens 2t and 2t+1 of one
// column in one word). Per block of 8 query rows: scores in 8 × 32 tiles (a query pair broadcast
// against 16 keys' pairs), the softmax of the block's rows in L1, the probabilities converted to
// bf16 pairs, then the context in 8 × 32 tiles (a probability pair broadcast against 16 columns'
// value pairs), scaled by the row's 1/Σ as it is stored.
#include "CAttention.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include "vector_math_avx512.h"

#define QS_BF16_ATTR __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16,avx2,fma")))
#define QS_BF16_ROWS 8

/// Where each part of the bf16 kernel's scratch starts, in 32-bit words (see CAttention.h).
typedef struct qs_attention_bf16_layout {
    size_t padded_length;  // tokens rounded up to 32 (two zmm of scores)
    size_t pairs;          // (head_dim + 1) / 2: bf16 pairs per query or key row
    size_t pair_stride;    // pairs rounded up to 16: words per converted query or key row
    size_t padded_dim;     // head_dim rounded up to 16: words per row of value pairs
    size_t queries, key_rows, keys, values, scores, probabilities, total;
} qs_attention_bf16_layout;

static size_t qs_round_up(size_t value, size_t multiple) { return (value + multiple - 1) / multiple * multiple; }

static qs_attention_bf16_layout qs_attention_bf16_layout_of(size_t length, size_t head_dim) {
    qs_attention_bf16_layout layout;
    layout.padded_length = qs_round_up(length, 32);
    layout.pairs = (head_dim + 1) / 2;
    layout.pair_stride = qs_round_up(layout.pairs, 16);
    layout.padded_dim = qs_round_up(head_dim, 16);
    layout.queries = 0;
    layout.key_rows = layout.queries + length * layout.pair_stride;
    layout.keys = layout.key_rows + layout.padded_length * layout.pair_stride;
    layout.values = layout.keys + qs_round_up(layout.pairs * layout.padded_length, 16);
    layout.scores = layout.values + (length + 1) / 2 * layout.padded_dim;
    layout.probabilities = layout.scores + QS_BF16_ROWS * layout.padded_length;
    layout.total = layout.probabilities + QS_BF16_ROWS * layout.padded_length / 2;
    return layout;
}

size_t qs_attention_bf16_scratch_floats(size_t length, size_t head_dim) {
    return qs_attention_bf16_layout_of(length, head_dim).total;
}

/// The first `n` of 16 lanes (all when n >= 16).
static inline __mmask16 qs_first_lanes(size_t n) { return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1); }

/// Row `row` (`dim` floats) as bf16 pairs into `out` (`pair_stride` words, zeros past the row).
QS_BF16_ATTR static void qs_bf16_pairs(const float *row, size_t dim, uint32_t *out, size_t pair_stride) {
    for (size_t c = 0; c < 2 * pair_stride; c += 32) {
        const size_t left = c < dim ? dim - c : 0;
        const __m512 low = _mm512_maskz_loadu_ps(qs_first_lanes(left), row + c);
        const __m512 high = _mm512_maskz_loadu_ps(qs_first_lanes(left > 16 ? left - 16 : 0), row + c + 16);
        _mm512_storeu_si512(out + c / 2, (__m512i)_mm512_cvtne2ps_pbh(high, low));
    }
}

/// 16 floats as bf16 in the low halves of 16 words.
QS_BF16_ATTR static inline __m512i qs_bf16_low_halves(__m512 values) {
    return _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(values));
}

/// Converts and lays out the head's queries, keys and values (see the file comment).
QS_BF16_ATTR static void qs_attention_bf16_pack(const qs_attention_head *head, const qs_attention_bf16_layout *layout,
                                                uint32_t *scratch) {
    const size_t length = head->length, dim = head->head_dim, stride = head->input_stride;
    const size_t pair_stride = layout->pair_stride, padded_length = layout->padded_length;
    uint32_t *queries = scratch + layout->queries, *key_rows = scratch + layout->key_rows;
    for (size_t j = 0; j < length; j++) {
        qs_bf16_pairs(head->query + j * stride, dim, queries + j * pair_stride, pair_stride);
        qs_bf16_pairs(head->key + j * stride, dim, key_rows + j * pair_stride, pair_stride);
    }
    for (size_t j = length; j < padded_length; j++) {
        for (size_t p = 0; p < pair_stride; p += 16) _mm512_storeu_si512(key_rows + j * pair_stride + p, _mm512_setzero_si512());
    }
    // keys[p][j] = key_rows[j][p], 16 tokens per gather.
    uint32_t *keys = scratch + layout->keys;
    const __m512i rows = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                            _mm512_set1_epi32((int)pair_stride));
    for (size_t j = 0; j < padded_length; j += 16) {
        const uint32_t *block = key_rows + j * pair_stride;
        for (size_t p = 0; p < layout->pairs; p++) {
            _mm512_storeu_si512(keys + p * padded_length + j, _mm512_i32gather_epi32(rows, block + p, 4));
        }
    }
    // values[t][c] = value[2t][c] | value[2t + 1][c] << 16.
    uint32_t *values = scratch + layout->values;
    for (size_t t = 0; t < (length + 1) / 2; t++) {
        const float *first = head->value + 2 * t * stride;
        const int second_exists = 2 * t + 1 < length;
        for (size_t c = 0; c < layout->padded_dim; c += 16) {
            const __mmask16 lanes = qs_first_lanes(c < dim ? dim - c : 0);
            const __m512i low = qs_bf16_low_halves(_mm512_maskz_loadu_ps(lanes, first + c));
            const __m512i high = qs_bf16_low_halves(_mm512_maskz_loadu_ps(second_exists ? lanes : 0, first + stride + c));
            _mm512_storeu_si512(values + t * layout->padded_dim + c, _mm512_or_si512(low, _mm512_slli_epi32(high, 16)));
        }
    }
}

/// acc[r][v] = Σ_p a[r][p] ⋅ b[p · b_stride + 16v] over `depth` bf16 pairs, for 8 rows and
/// `vectors` (1 or 2, a constant after inlining) vectors of 16 columns.
QS_BF16_ATTR __attribute__((always_inline)) static inline void
qs_bf16_tile(const uint32_t *const *a, size_t depth, const uint32_t *b, size_t b_stride,
             __m512 acc[QS_BF16_ROWS][2], const int vectors) {
    for (int r = 0; r < QS_BF16_ROWS; r++) {
        acc[r][0] = _mm512_setzero_ps();
        acc[r][1] = _mm512_setzero_ps();
    }
    for (size_t p = 0; p < depth; p++) {
        const __m512bh b0 = (__m512bh)_mm512_loadu_si512(b + p * b_stride);
        const __m512bh b1 = vectors == 2 ? (__m512bh)_mm512_loadu_si512(b + p * b_stride + 16) : b0;
        for (int r = 0; r < QS_BF16_ROWS; r++) {
            const __m512bh broadcast = (__m512bh)_mm512_set1_epi32((int)a[r][p]);
            acc[r][0] = _mm512_dpbf16_ps(acc[r][0], broadcast, b0);
            if (vectors == 2) acc[r][1] = _mm512_dpbf16_ps(acc[r][1], broadcast, b1);
        }
    }
}

QS_BF16_ATTR void qs_attention_head_bf16_avx512(const qs_attention_head *head) {
    const qs_attention_bf16_layout layout = qs_attention_bf16_layout_of(head->length, head->head_dim);
    uint32_t *scratch = (uint32_t *)head->scratch;
    qs_attention_bf16_pack(head, &layout, scratch);
    const size_t length = head->length, dim = head->head_dim, padded_length = layout.padded_length;
    const uint32_t *keys = scratch + layout.keys, *values = scratch + layout.values;
    float *scores = (float *)(scratch + layout.scores);
    uint32_t *probabilities = scratch + layout.probabilities;
    const __m512 factor = _mm512_set1_ps(head->scale);
    for (size_t first = 0; first < length; first += QS_BF16_ROWS) {
        const size_t rows = length - first < QS_BF16_ROWS ? length - first : QS_BF16_ROWS;
        const uint32_t *query[QS_BF16_ROWS], *probability_rows[QS_BF16_ROWS];
        float *out[QS_BF16_ROWS];
        for (size_t r = 0; r < QS_BF16_ROWS; r++) {
            const size_t row = first + (r < rows ? r : rows - 1);  // past the end: repeat the last row
            query[r] = scratch + layout.queries + row * layout.pair_stride;
            out[r] = head->context + row * head->context_stride;
            probability_rows[r] = probabilities + r * padded_length / 2;
        }
        for (size_t j = 0; j < padded_length; j += 32) {
            __m512 acc[QS_BF16_ROWS][2];
            qs_bf16_tile(query, layout.pairs, keys + j, padded_length, acc, 2);
            for (int r = 0; r < QS_BF16_ROWS; r++) {
                _mm512_storeu_ps(scores + r * padded_length + j, acc[r][0]);
                _mm512_storeu_ps(scores + r * padded_length + j + 16, acc[r][1]);
            }
        }
        float inverse_sum[QS_BF16_ROWS];
        for (size_t r = 0; r < QS_BF16_ROWS; r++) {
            float *row = scores + r * padded_length;
            for (size_t j = length; j < padded_length; j++) row[j] = -INFINITY;
            __m512 highest = _mm512_set1_ps(-INFINITY);
            for (size_t j = 0; j < padded_length; j += 16) highest = _mm512_max_ps(highest, _mm512_loadu_ps(row + j));
            const __m512 shift = _mm512_set1_ps(_mm512_reduce_max_ps(highest));
            __m512 sum = _mm512_setzero_ps();
            for (size_t j = 0; j < padded_length; j += 32) {
                const __m512 low = qs_exp_nonpositive_avx512(_mm512_mul_ps(_mm512_sub_ps(_mm512_loadu_ps(row + j), shift), factor));
                const __m512 high =
                    qs_exp_nonpositive_avx512(_mm512_mul_ps(_mm512_sub_ps(_mm512_loadu_ps(row + j + 16), shift), factor));
                sum = _mm512_add_ps(sum, _mm512_add_ps(low, high));
                _mm512_storeu_si512(probabilities + r * padded_length / 2 + j / 2, (__m512i)_mm512_cvtne2ps_pbh(high, low));
            }
            inverse_sum[r] = r < rows ? 1.0f / _mm512_reduce_add_ps(sum) : 0.0f;
        }
        for (size_t column = 0; column < dim;) {
            __m512 acc[QS_BF16_ROWS][2];
            const int vectors = layout.padded_dim - column >= 32 ? 2 : 1;
            if (vectors == 2) {
                qs_bf16_tile(probability_rows, (length + 1) / 2, values + column, layout.padded_dim, acc, 2);
            } else {
                qs_bf16_tile(probability_rows, (length + 1) / 2, values + column, layout.padded_dim, acc, 1);
            }
            for (size_t r = 0; r < rows; r++) {
                const __m512 scale = _mm512_set1_ps(inverse_sum[r]);
                for (int v = 0; v < vectors; v++) {
                    const size_t start = column + (size_t)v * 16;
                    if (start >= dim) break;
                    _mm512_mask_storeu_ps(out[r] + start, qs_first_lanes(dim - start), _mm512_mul_ps(acc[r][v], scale));
                }
            }
            column += (size_t)vectors * 16;
        }
    }
}

#else
size_t qs_attention_bf16_scratch_floats(size_t length, size_t head_dim) { (void)length; (void)head_dim; return 0; }
void qs_attention_head_bf16_avx512(const qs_attention_head *head) { (void)head; __builtin_trap(); }
#endif
