// Fused attention with bf16 products on AVX512_BF16 (`vdpbf16ps`: 32 multiply-adds of bf16 pairs
// per zmm instruction into fp32 accumulators, twice the fp32 FMA's rate). Queries, keys, values
// and the probabilities are rounded to bf16 (8 significant bits, round to nearest even); the
// scores, the softmax, the sums and the normalization stay fp32.
//
// Per head: the query and key rows are converted to bf16 pairs (elements 2p and 2p+1 of a row
// in one 32-bit word; the query rows padded with zeros to a whole block of 8), the keys then
// transposed into `head_dim/2` rows of `padded_length` pairs; the values are paired along the
// tokens (tokens 2t and 2t+1 of one column in one word). Per block of 8 query rows: scores in
// 8 × 32 tiles (a query pair broadcast against 16 keys' pairs), the softmax of the block's rows
// (from the registers when a row fits one tile, L <= 32; else through L1), the probabilities
// converted to bf16 pairs, then the context in 8 × 32 tiles (a probability pair broadcast against
// 16 columns' value pairs), scaled by the row's 1/Σ as it is stored. Every broadcast is the
// `vdpbf16ps` memory operand's own ({1to16}), and the tiles stay in registers.
#include "CAttention.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include "attention_prefetch.h"
#include "vector_math_avx512.h"

#define QS_BF16_ATTR __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16,avx2,fma")))
#define QS_BF16_ROWS 8

/// Where each part of the bf16 kernel's scratch starts, in 32-bit words (see CAttention.h).
typedef struct qs_attention_bf16_layout {
    size_t padded_length;  // tokens rounded up to 16 (one zmm of scores)
    size_t pairs;          // (head_dim + 1) / 2: bf16 pairs per query or key row
    size_t pair_stride;    // pairs rounded up to 16: words per converted query or key row
    size_t padded_dim;     // head_dim rounded up to 16: words per row of value pairs
    size_t queries, key_rows, keys, values, scores, probabilities, total;
} qs_attention_bf16_layout;

static size_t qs_round_up(size_t value, size_t multiple) { return (value + multiple - 1) / multiple * multiple; }

static qs_attention_bf16_layout qs_attention_bf16_layout_of(size_t length, size_t head_dim) {
    qs_attention_bf16_layout layout;
    layout.padded_length = qs_round_up(length, 16);
    layout.pairs = (head_dim + 1) / 2;
    layout.pair_stride = qs_round_up(layout.pairs, 16);
    layout.padded_dim = qs_round_up(head_dim, 16);
    layout.queries = 0;
    layout.key_rows = layout.queries + qs_round_up(length, QS_BF16_ROWS) * layout.pair_stride;
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

/// Converts and lays out the head's queries, keys and values for any head dimension: masked
/// loads, the keys transposed by gathers (see the file comment).
QS_BF16_ATTR static void qs_attention_bf16_pack_any(const qs_attention_head *head, const qs_attention_bf16_layout *layout,
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

/// 32 floats at `row` as 16 bf16 pairs (elements 2p and 2p+1 in word p).
QS_BF16_ATTR static inline __m512i qs_bf16_pairs32(const float *row) {
    return (__m512i)_mm512_cvtne2ps_pbh(_mm512_loadu_ps(row + 16), _mm512_loadu_ps(row));
}

/// Transposes the 16 × 16 block of 32-bit words in `rows` in place (unpacks, then lane shuffles).
QS_BF16_ATTR static inline void qs_transpose16x16_epi32(__m512i rows[16]) {
    __m512i t[16];
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_epi32(rows[2 * i], rows[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_epi32(rows[2 * i], rows[2 * i + 1]);
    }
    // u[4i + k], 128-bit lane L: rows 4i..4i+3 of column 4L + k.
    __m512i u[16];
    for (int i = 0; i < 4; i++) {
        u[4 * i] = _mm512_unpacklo_epi64(t[4 * i], t[4 * i + 2]);
        u[4 * i + 1] = _mm512_unpackhi_epi64(t[4 * i], t[4 * i + 2]);
        u[4 * i + 2] = _mm512_unpacklo_epi64(t[4 * i + 1], t[4 * i + 3]);
        u[4 * i + 3] = _mm512_unpackhi_epi64(t[4 * i + 1], t[4 * i + 3]);
    }
    for (int k = 0; k < 4; k++) {
        const __m512i even_low = _mm512_shuffle_i32x4(u[k], u[4 + k], 0x88), odd_low = _mm512_shuffle_i32x4(u[k], u[4 + k], 0xDD);
        const __m512i even_high = _mm512_shuffle_i32x4(u[8 + k], u[12 + k], 0x88);
        const __m512i odd_high = _mm512_shuffle_i32x4(u[8 + k], u[12 + k], 0xDD);
        rows[k] = _mm512_shuffle_i32x4(even_low, even_high, 0x88);
        rows[4 + k] = _mm512_shuffle_i32x4(odd_low, odd_high, 0x88);
        rows[8 + k] = _mm512_shuffle_i32x4(even_low, even_high, 0xDD);
        rows[12 + k] = _mm512_shuffle_i32x4(odd_low, odd_high, 0xDD);
    }
}

/// The layout of `qs_attention_bf16_pack_any` for a head dimension that is a multiple of 32,
/// without masks or gathers: each 32-float piece of a row is two loads and one conversion, the
/// keys are transposed 16 tokens × 16 pairs at a time in registers, and the values of two tokens
/// are converted together and interleaved by one word permutation per 16 columns. `dim` is the
/// head dimension, a constant after inlining for 32.
QS_BF16_ATTR __attribute__((always_inline)) static inline void
qs_attention_bf16_pack_32(const qs_attention_head *head, const qs_attention_bf16_layout *layout, uint32_t *scratch,
                          const size_t dim) {
    const size_t length = head->length, stride = head->input_stride;
    const size_t pair_stride = layout->pair_stride, padded_length = layout->padded_length;
    const float *query = head->query, *key = head->key, *value = head->value;
    uint32_t *queries = scratch + layout->queries, *keys = scratch + layout->keys, *values = scratch + layout->values;
    // Contiguous rows (head-major QKV): the keys and values are asked into L1 while the queries
    // are converted (up to 8 KiB each, half of L1 for both).
    if (stride == dim && length * dim <= 2048) {
        qs_attention_prefetch_l1(key, length * dim);
        qs_attention_prefetch_l1(value, length * dim);
    }
    for (size_t j = 0; j < length; j++) {
        for (size_t c = 0; c < dim; c += 32) {
            _mm512_storeu_si512(queries + j * pair_stride + c / 2, qs_bf16_pairs32(query + j * stride + c));
        }
    }
    for (size_t j = 0; j < padded_length; j += 16) {
        for (size_t c = 0; c < dim; c += 32) {
            __m512i block[16];
            for (size_t r = 0; r < 16; r++) {
                block[r] = j + r < length ? qs_bf16_pairs32(key + (j + r) * stride + c) : _mm512_setzero_si512();
            }
            qs_transpose16x16_epi32(block);
            for (size_t p = 0; p < 16; p++) _mm512_storeu_si512(keys + (c / 2 + p) * padded_length + j, block[p]);
        }
    }
    // Word 2c + 1 of the permuted vector is word c + 16 (the second token's column c).
    const __m512i interleave = _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8, 23, 7, 22, 6, 21,
                                                5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    for (size_t t = 0; t < (length + 1) / 2; t++) {
        const float *first = value + 2 * t * stride, *second = first + stride;
        const int second_exists = 2 * t + 1 < length;
        for (size_t c = 0; c < dim; c += 16) {
            const __m512 next = second_exists ? _mm512_loadu_ps(second + c) : _mm512_setzero_ps();
            const __m512i both = (__m512i)_mm512_cvtne2ps_pbh(next, _mm512_loadu_ps(first + c));
            _mm512_storeu_si512(values + t * layout->padded_dim + c, _mm512_permutexvar_epi16(interleave, both));
        }
    }
}

/// A vector whose lane 4i holds the maximum (`add` = 0) or the sum (`add` = 1) of the 16 lanes
/// of v[i] and lane 4i + 1 that of v[4 + i], for the 8 rows of a block: three rounds of halving
/// that combine two rows per instruction (23 instructions for 8 rows, not 8 × 9).
QS_BF16_ATTR __attribute__((always_inline)) static inline __m512 qs_reduce8(const __m512 v[QS_BF16_ROWS], const int add) {
#define QS_COMBINE(a, b) (add ? _mm512_add_ps((a), (b)) : _mm512_max_ps((a), (b)))
    __m512 halves[4], quarters[2];
    for (int i = 0; i < 4; i++) {
        // 128-bit lanes 0-1: v[2i]'s halves combined; 2-3: v[2i+1]'s.
        halves[i] = QS_COMBINE(_mm512_shuffle_f32x4(v[2 * i], v[2 * i + 1], 0x44), _mm512_shuffle_f32x4(v[2 * i], v[2 * i + 1], 0xEE));
    }
    for (int i = 0; i < 2; i++) {
        // 128-bit lane k: 4 partial results of v[4i + k].
        quarters[i] = QS_COMBINE(_mm512_shuffle_f32x4(halves[2 * i], halves[2 * i + 1], 0x88),
                                 _mm512_shuffle_f32x4(halves[2 * i], halves[2 * i + 1], 0xDD));
    }
    // In lane k: [a0 b0 a1 b1] + [a2 b2 a3 b3] (a from v[k], b from v[4 + k]), then the two halves.
    const __m512 pairs = QS_COMBINE(_mm512_unpacklo_ps(quarters[0], quarters[1]), _mm512_unpackhi_ps(quarters[0], quarters[1]));
    return QS_COMBINE(pairs, _mm512_permute_ps(pairs, 0x4E));
#undef QS_COMBINE
}

/// Lane `row` of a `qs_reduce8` result in every lane.
QS_BF16_ATTR static inline __m512 qs_reduced_row(__m512 reduced, int row) {
    return _mm512_permutexvar_ps(_mm512_set1_epi32(row < 4 ? 4 * row : 4 * (row - 4) + 1), reduced);
}

/// acc + the bf16 pairs of `pairs` times the pair at `word` in every lane, the word read by the
/// instruction's embedded broadcast ({1to16}). In asm because compilers load a word that two
/// instructions share into a register first (one more instruction per row); measured
/// (benchmarks/kernels/README.md) 2–7 % less time per head than that.
QS_BF16_ATTR static inline __m512 qs_dpbf16_broadcast(__m512 acc, __m512bh pairs, const uint32_t *word) {
    __asm__("vdpbf16ps %2%{1to16%}, %1, %0" : "+v"(acc) : "v"(pairs), "m"(*word));
    return acc;
}

/// The micro-kernel of both products: `acc0[r]`/`acc1[r]` = Σ_p (the bf16 pair at
/// `a + r·a_stride + p`) · (the 16 pairs at `b + p·b_stride`, and the next 16), for the 8 rows and
/// `vectors` (1 or 2, a constant after inlining) vectors of 16 columns, kept in registers after
/// inlining; every pair of `a` is broadcast by the instruction itself, from fixed offsets of one pointer.
QS_BF16_ATTR __attribute__((always_inline)) static inline void
qs_bf16_product_tile(const uint32_t *a, size_t a_stride, size_t depth, const uint32_t *b, size_t b_stride,
                     __m512 acc0[QS_BF16_ROWS], __m512 acc1[QS_BF16_ROWS], const int vectors) {
    for (int r = 0; r < QS_BF16_ROWS; r++) acc0[r] = acc1[r] = _mm512_setzero_ps();
    for (size_t p = 0; p < depth; p++) {
        const __m512bh b0 = (__m512bh)_mm512_loadu_si512(b + p * b_stride);
        const __m512bh b1 = vectors == 2 ? (__m512bh)_mm512_loadu_si512(b + p * b_stride + 16) : b0;
        for (int r = 0; r < QS_BF16_ROWS; r++) {
            acc0[r] = qs_dpbf16_broadcast(acc0[r], b0, a + r * a_stride + p);
            if (vectors == 2) acc1[r] = qs_dpbf16_broadcast(acc1[r], b1, a + r * a_stride + p);
        }
    }
}

/// Scores of the 8 query rows at `query` (rows `pair_stride` words apart) against the keys
/// [j, j + 16·vectors) (`vectors` 1 or 2, a constant after inlining) over `depth` pairs into
/// `acc0` (keys j…j+15) and `acc1`.
QS_BF16_ATTR __attribute__((always_inline)) static inline void
qs_bf16_score_tile(const uint32_t *query, size_t pair_stride, size_t depth, const uint32_t *keys, size_t padded_length,
                   size_t j, __m512 acc0[QS_BF16_ROWS], __m512 acc1[QS_BF16_ROWS], const int vectors) {
    qs_bf16_product_tile(query, pair_stride, depth, keys + j, padded_length, acc0, acc1, vectors);
}

/// Folds a score tile into each row's running maximum, the lanes of its last vector outside
/// `valid` (keys past the sequence) left out.
QS_BF16_ATTR __attribute__((always_inline)) static inline void
qs_bf16_tile_maximum(const __m512 acc0[QS_BF16_ROWS], const __m512 acc1[QS_BF16_ROWS], __mmask16 valid,
                     __m512 highest[QS_BF16_ROWS], const int vectors) {
    for (int r = 0; r < QS_BF16_ROWS; r++) {
        if (vectors == 2) {
            const __m512 first = _mm512_max_ps(highest[r], acc0[r]);
            highest[r] = _mm512_mask_max_ps(first, valid, first, acc1[r]);
        } else {
            highest[r] = _mm512_mask_max_ps(highest[r], valid, highest[r], acc0[r]);
        }
    }
}

/// The context of the 8 rows of bf16 probability pairs at `probabilities` (`probability_stride`
/// words apart) for the value columns [column, column + 16·vectors) over `depth` token pairs,
/// scaled by each row's lane of `inverse_sums` (see `qs_reduce8`) and stored to the first
/// `rows` rows of `out` (`out_stride` floats apart), `columns` of them at most.
QS_BF16_ATTR __attribute__((always_inline)) static inline void
qs_bf16_context_tile(const uint32_t *probabilities, size_t probability_stride, size_t depth, const uint32_t *values,
                     size_t padded_dim, size_t column, __m512 inverse_sums, float *out, size_t out_stride, size_t rows,
                     size_t columns, const int vectors) {
    __m512 acc0[QS_BF16_ROWS], acc1[QS_BF16_ROWS];
    qs_bf16_product_tile(probabilities, probability_stride, depth, values + column, padded_dim, acc0, acc1, vectors);
    const __mmask16 first_lanes = qs_first_lanes(columns), second_lanes = qs_first_lanes(columns > 16 ? columns - 16 : 0);
    for (int r = 0; r < QS_BF16_ROWS; r++) {
        if ((size_t)r >= rows) break;
        const __m512 scale = qs_reduced_row(inverse_sums, r);
        float *row = out + r * out_stride + column;
        _mm512_mask_storeu_ps(row, first_lanes, _mm512_mul_ps(acc0[r], scale));
        if (vectors == 2) _mm512_mask_storeu_ps(row + 16, second_lanes, _mm512_mul_ps(acc1[r], scale));
    }
}

/// 2^t for finite t <= 0 (0 below -149): t = n + f with n an integer and |f| <= 1/2, 2^f by a
/// degree-3 polynomial fitted for the relative error (7.5e-5 in float, 26 times under the 2^-9 of
/// the bf16 probabilities it feeds), times 2^n by `vscalefps`. NaN for t = -inf (the callers
/// mask the keys past the sequence instead of giving them -inf scores).
QS_BF16_ATTR static inline __m512 qs_exp2_nonpositive(__m512 t) {
    const __m512 n = _mm512_roundscale_ps(t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const __m512 f = _mm512_sub_ps(t, n);
    __m512 p = _mm512_fmadd_ps(f, _mm512_set1_ps(5.517132208e-02f), _mm512_set1_ps(2.426105440e-01f));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(6.932609677e-01f));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(9.999281168e-01f));
    return _mm512_scalef_ps(p, n);
}

/// exp(scale · (s - max)) = 2^(s · factor - shift) of 16 scores, the lanes outside `valid` 0.
QS_BF16_ATTR static inline __m512 qs_bf16_numerators(__m512 scores, __m512 factor, __m512 shift, __mmask16 valid) {
    return _mm512_maskz_mov_ps(valid, qs_exp2_nonpositive(_mm512_fmsub_ps(scores, factor, shift)));
}

/// Stores 32 numerators (`low`: 16 keys, `high`: the next 16) as 16 bf16 pairs at `pairs`;
/// returns their fp32 sums across 16 lanes.
QS_BF16_ATTR static inline __m512 qs_bf16_store_numerators32(__m512 low, __m512 high, uint32_t *pairs) {
    _mm512_storeu_si512(pairs, (__m512i)_mm512_cvtne2ps_pbh(high, low));
    return _mm512_add_ps(low, high);
}

/// Stores 16 numerators as 8 bf16 pairs at `pairs`; returns them.
QS_BF16_ATTR static inline __m512 qs_bf16_store_numerators16(__m512 low, uint32_t *pairs) {
    _mm256_storeu_si256((__m256i *)pairs, (__m256i)_mm512_cvtneps_pbh(low));
    return low;
}

/// The softmax numerators of one row of scores (`padded_length` of them, the lanes of the last
/// 16 outside `last_keys` left out) as bf16 pairs into `probability_row`; returns their fp32
/// sum across 16 lanes.
QS_BF16_ATTR __attribute__((always_inline)) static inline __m512
qs_bf16_softmax_row(const float *row, size_t padded_length, __m512 factor, __m512 shift, __mmask16 last_keys,
                    uint32_t *probability_row) {
    __m512 sum = _mm512_setzero_ps();
    size_t j = 0;
    for (; j + 32 <= padded_length; j += 32) {
        const __mmask16 high_keys = j + 32 == padded_length ? last_keys : 0xFFFF;
        const __m512 low = qs_bf16_numerators(_mm512_loadu_ps(row + j), factor, shift, 0xFFFF);
        const __m512 high = qs_bf16_numerators(_mm512_loadu_ps(row + j + 16), factor, shift, high_keys);
        sum = _mm512_add_ps(sum, qs_bf16_store_numerators32(low, high, probability_row + j / 2));
    }
    if (j < padded_length) {
        const __m512 low = qs_bf16_numerators(_mm512_loadu_ps(row + j), factor, shift, last_keys);
        sum = _mm512_add_ps(sum, qs_bf16_store_numerators16(low, probability_row + j / 2));
    }
    return sum;
}

/// The blocks of 8 query rows of a packed head: scores, softmax, context. `pairs` and
/// `padded_dim` are constants after inlining where they can be.
QS_BF16_ATTR __attribute__((always_inline)) static inline void
qs_attention_bf16_blocks(const qs_attention_head *head, const qs_attention_bf16_layout *layout, uint32_t *scratch,
                         size_t pairs, size_t pair_stride, size_t padded_dim) {
    const size_t length = head->length, dim = head->head_dim, padded_length = layout->padded_length;
    const uint32_t *keys = scratch + layout->keys, *values = scratch + layout->values;
    float *scores = (float *)(scratch + layout->scores);
    uint32_t *probabilities = scratch + layout->probabilities;
    const size_t probability_stride = padded_length / 2, value_pairs = (length + 1) / 2;
    // exp(scale · (s - max)) = 2^(s · factor - max · factor).
    const __m512 factor = _mm512_set1_ps(head->scale * 1.44269504f);
    // Lanes of the last 16 keys that hold a token (the others: no maximum, probability 0).
    const __mmask16 last_keys = qs_first_lanes(length - (padded_length - 16));
    for (size_t first = 0; first < length; first += QS_BF16_ROWS) {
        const size_t rows = length - first < QS_BF16_ROWS ? length - first : QS_BF16_ROWS;
        qs_attention_prefetch_next(head, first, rows);
        // Past the end the query rows are zeros (see `qs_attention_head_bf16_avx512`).
        const uint32_t *query = scratch + layout->queries + first * pair_stride;
        __m512 highest[QS_BF16_ROWS], sums[QS_BF16_ROWS];
        for (int r = 0; r < QS_BF16_ROWS; r++) highest[r] = _mm512_set1_ps(-INFINITY);
        if (padded_length <= 32) {
            // The whole rows in one tile: the softmax straight from the registers.
            __m512 acc0[QS_BF16_ROWS], acc1[QS_BF16_ROWS];
            if (padded_length == 32) {
                qs_bf16_score_tile(query, pair_stride, pairs, keys, padded_length, 0, acc0, acc1, 2);
                qs_bf16_tile_maximum(acc0, acc1, last_keys, highest, 2);
            } else {
                qs_bf16_score_tile(query, pair_stride, pairs, keys, padded_length, 0, acc0, acc1, 1);
                qs_bf16_tile_maximum(acc0, acc1, last_keys, highest, 1);
            }
            const __m512 shifts = _mm512_mul_ps(qs_reduce8(highest, 0), factor);
            for (int r = 0; r < QS_BF16_ROWS; r++) {
                const __m512 shift = qs_reduced_row(shifts, r);
                uint32_t *probability_row = probabilities + r * probability_stride;
                sums[r] = padded_length == 32
                              ? qs_bf16_store_numerators32(qs_bf16_numerators(acc0[r], factor, shift, 0xFFFF),
                                                           qs_bf16_numerators(acc1[r], factor, shift, last_keys),
                                                           probability_row)
                              : qs_bf16_store_numerators16(qs_bf16_numerators(acc0[r], factor, shift, last_keys),
                                                           probability_row);
            }
        } else {
            size_t j = 0;
            for (; j < padded_length; j += 32) {
                __m512 acc0[QS_BF16_ROWS], acc1[QS_BF16_ROWS];
                const int vectors = j + 32 <= padded_length ? 2 : 1;
                if (vectors == 2) {
                    qs_bf16_score_tile(query, pair_stride, pairs, keys, padded_length, j, acc0, acc1, 2);
                    qs_bf16_tile_maximum(acc0, acc1, j + 32 == padded_length ? last_keys : 0xFFFF, highest, 2);
                } else {
                    qs_bf16_score_tile(query, pair_stride, pairs, keys, padded_length, j, acc0, acc1, 1);
                    qs_bf16_tile_maximum(acc0, acc1, last_keys, highest, 1);
                }
                for (int r = 0; r < QS_BF16_ROWS; r++) {
                    _mm512_storeu_ps(scores + r * padded_length + j, acc0[r]);
                    if (vectors == 2) _mm512_storeu_ps(scores + r * padded_length + j + 16, acc1[r]);
                }
            }
            const __m512 shifts = _mm512_mul_ps(qs_reduce8(highest, 0), factor);
            for (int r = 0; r < QS_BF16_ROWS; r++) {
                sums[r] = qs_bf16_softmax_row(scores + r * padded_length, padded_length, factor, qs_reduced_row(shifts, r),
                                              last_keys, probabilities + r * probability_stride);
            }
        }
        const __m512 inverse_sums = _mm512_div_ps(_mm512_set1_ps(1.0f), qs_reduce8(sums, 1));
        float *out = head->context + first * head->context_stride;
        size_t column = 0;
        for (; column + 32 <= padded_dim; column += 32) {
            qs_bf16_context_tile(probabilities, probability_stride, value_pairs, values, padded_dim, column, inverse_sums,
                                 out, head->context_stride, rows, dim - column, 2);
        }
        if (column < padded_dim) {
            qs_bf16_context_tile(probabilities, probability_stride, value_pairs, values, padded_dim, column, inverse_sums,
                                 out, head->context_stride, rows, dim - column, 1);
        }
    }
}

QS_BF16_ATTR void qs_attention_head_bf16_avx512(const qs_attention_head *head) {
    const qs_attention_bf16_layout layout = qs_attention_bf16_layout_of(head->length, head->head_dim);
    uint32_t *scratch = (uint32_t *)head->scratch;
    if (head->head_dim == 32) {
        qs_attention_bf16_pack_32(head, &layout, scratch, 32);
    } else if (head->head_dim % 32 == 0) {
        qs_attention_bf16_pack_32(head, &layout, scratch, head->head_dim);
    } else {
        qs_attention_bf16_pack_any(head, &layout, scratch);
    }
    // Zero query rows up to a whole block of 8: their scores and softmax are finite and unused.
    for (size_t j = head->length; j % QS_BF16_ROWS != 0; j++) {
        for (size_t p = 0; p < layout.pair_stride; p += 16) {
            _mm512_storeu_si512(scratch + layout.queries + j * layout.pair_stride + p, _mm512_setzero_si512());
        }
    }
    if (head->head_dim == 32) {
        qs_attention_bf16_blocks(head, &layout, scratch, 16, 16, 32);
    } else {
        qs_attention_bf16_blocks(head, &layout, scratch, layout.pairs, layout.pair_stride, layout.padded_dim);
    }
}

#else
size_t qs_attention_bf16_scratch_floats(size_t length, size_t head_dim) { (void)length; (void)head_dim; return 0; }
void qs_attention_head_bf16_avx512(const qs_attention_head *head) { (void)head; __builtin_trap(); }
#endif
