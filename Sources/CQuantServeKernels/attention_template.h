// The fused attention driver, written once for every ISA. The including file defines:
// QS_ATTR (target attribute), QS_FUNC (the public name), QS_W (float lanes), QS_ROWS (query
// rows per tile, at most QS_ATTENTION_MAX_ROWS), QS_VEC and the vector operations QS_LOAD,
// QS_STORE, QS_SET1, QS_ZERO, QS_FMA(a, b, c) = a·b + c, QS_ADD, QS_SUB, QS_MUL, QS_MAX,
// QS_HMAX / QS_HSUM (to a float), QS_STORE_FIRST(p, v, n) (store lanes 0..<n), QS_KEEP_FIRST(v, n)
// (lanes n.. replaced by -inf), and for the exponential QS_AS_INT / QS_AS_FLOAT (bit casts
// between float and int32 vectors), QS_SHIFT_LEFT_23 and QS_ADD_INT.
//
// Per head: the keys are transposed into the scratch (zero-padded to whole vectors), once, and
// the values copied there too unless they are already contiguous rows of whole vectors (the
// head-major layout: read in place). Then per block of QS_ROWS query rows (QS_TAIL_ROWS for a short last block):
// the scores against every key in tiles of QS_ROWS × 2·QS_W (QS_ROWS × QS_W at the end), each
// query element broadcast against key vectors, each row's maximum taken while the tile is in
// registers; the softmax numerators of those rows in one pass while they are in L1 (the rows
// interleaved, the normalization left for the end); and the context in tiles of QS_ROWS × 2·QS_W
// output columns, each probability broadcast against value vectors, scaled by the row's 1/Σ as
// it is stored. Each block also fetches its share of the next head's rows (attention_prefetch.h).
#include "CAttention.h"
#include "attention_exp2.h"
#include "attention_layout.h"
#include "attention_prefetch.h"
#include <math.h>
#include <immintrin.h>

/// The first `n` floats at `p` (all 8 when n ≥ 8), zeros in the other lanes.
QS_ATTR __attribute__((always_inline)) static inline __m256 qs_attention_load_first8(const float *p, size_t n) {
    if (n >= 8) return _mm256_loadu_ps(p);
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_maskload_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), lanes));
}

/// Transposes the 8 × 8 block in `rows` in place.
QS_ATTR __attribute__((always_inline)) static inline void qs_attention_transpose8(__m256 rows[8]) {
    __m256 pairs[8], quads[8];
    for (int i = 0; i < 4; i++) {
        pairs[2 * i] = _mm256_unpacklo_ps(rows[2 * i], rows[2 * i + 1]);
        pairs[2 * i + 1] = _mm256_unpackhi_ps(rows[2 * i], rows[2 * i + 1]);
    }
    for (int i = 0; i < 2; i++) {
        quads[4 * i] = _mm256_shuffle_ps(pairs[4 * i], pairs[4 * i + 2], 0x44);
        quads[4 * i + 1] = _mm256_shuffle_ps(pairs[4 * i], pairs[4 * i + 2], 0xEE);
        quads[4 * i + 2] = _mm256_shuffle_ps(pairs[4 * i + 1], pairs[4 * i + 3], 0x44);
        quads[4 * i + 3] = _mm256_shuffle_ps(pairs[4 * i + 1], pairs[4 * i + 3], 0xEE);
    }
    for (int i = 0; i < 4; i++) {
        rows[i] = _mm256_permute2f128_ps(quads[i], quads[i + 4], 0x20);
        rows[i + 4] = _mm256_permute2f128_ps(quads[i], quads[i + 4], 0x31);
    }
}

/// Transposes the 8 × 8 block of keys at `key` (rows `stride` apart) into 8 rows `out_stride`
/// apart at `out`: rows r and r + 4 loaded into the two halves of one vector, so two stages of
/// in-lane shuffles finish the transpose (no lane-crossing permutes).
QS_ATTR __attribute__((always_inline)) static inline void qs_attention_transpose_keys8(const float *key, size_t stride,
                                                                                     float *out, size_t out_stride) {
    for (int half = 0; half < 2; half++) {  // columns 4·half ..< 4·half + 4
        __m256 rows[4], pairs[4];
        for (int r = 0; r < 4; r++) {
            const float *low = key + (size_t)r * stride + 4 * half, *high = low + 4 * stride;
            rows[r] = _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(low)), _mm_loadu_ps(high), 1);
        }
        pairs[0] = _mm256_unpacklo_ps(rows[0], rows[1]);
        pairs[1] = _mm256_unpackhi_ps(rows[0], rows[1]);
        pairs[2] = _mm256_unpacklo_ps(rows[2], rows[3]);
        pairs[3] = _mm256_unpackhi_ps(rows[2], rows[3]);
        float *column = out + (size_t)(4 * half) * out_stride;
        _mm256_storeu_ps(column, _mm256_shuffle_ps(pairs[0], pairs[2], 0x44));
        _mm256_storeu_ps(column + out_stride, _mm256_shuffle_ps(pairs[0], pairs[2], 0xEE));
        _mm256_storeu_ps(column + 2 * out_stride, _mm256_shuffle_ps(pairs[1], pairs[3], 0x44));
        _mm256_storeu_ps(column + 3 * out_stride, _mm256_shuffle_ps(pairs[1], pairs[3], 0xEE));
    }
}

/// Whether the value rows are already laid out as the packed values would be (whole vectors,
/// contiguous: the head-major QKV layout), so the context products read them in place.
static inline int qs_attention_values_in_place(const qs_attention_head *head, const qs_attention_layout *layout) {
    return head->head_dim == layout->padded_dim && head->input_stride == layout->padded_dim;
}

/// Copies the keys transposed into the scratch, zero-padded, in 8 × 8 blocks, and the values,
/// unless they are read in place.
QS_ATTR static void qs_attention_pack(const qs_attention_head *head, const qs_attention_layout *layout) {
    const size_t length = head->length, dim = head->head_dim, stride = head->input_stride;
    const size_t padded_length = layout->padded_length, padded_dim = layout->padded_dim;
    float *keys = head->scratch + layout->keys;
    float *values = head->scratch + layout->values;
    for (size_t j = 0; j < padded_length; j += 8) {
        for (size_t c = 0; c < dim; c += 8) {
            if (j + 8 <= length && c + 8 <= dim) {
                qs_attention_transpose_keys8(head->key + j * stride + c, stride, keys + c * padded_length + j,
                                             padded_length);
                continue;
            }
            __m256 block[8];
            for (size_t r = 0; r < 8; r++) {
                block[r] = j + r < length ? qs_attention_load_first8(head->key + (j + r) * stride + c, dim - c)
                                          : _mm256_setzero_ps();
            }
            qs_attention_transpose8(block);
            const size_t columns = dim - c < 8 ? dim - c : 8;
            for (size_t r = 0; r < columns; r++) _mm256_storeu_ps(keys + (c + r) * padded_length + j, block[r]);
        }
    }
    if (qs_attention_values_in_place(head, layout)) {
        // Read in place by the first block's context products, one 64-byte line every few
        // multiply-adds: asked into L1 now, while the keys are transposed (up to 16 KiB, half of L1).
        if (length * dim <= 4096) qs_attention_prefetch_l1(head->value, length * dim);
        return;
    }
    for (size_t j = 0; j < length; j++) {
        const float *value = head->value + j * stride;
        for (size_t c = 0; c < padded_dim; c += 8) {
            _mm256_storeu_ps(values + j * padded_dim + c,
                             c < dim ? qs_attention_load_first8(value + c, dim - c) : _mm256_setzero_ps());
        }
    }
}

/// The micro-kernel of both products: `acc[r][v] = Σ_p a[r][p] · b[p · b_stride + v · QS_W]` for
/// the tile's `height` rows (QS_ROWS or QS_TAIL_ROWS) and `vectors` (1 or 2) vectors of columns,
/// both constants after inlining.
QS_ATTR __attribute__((always_inline)) static inline void
qs_attention_tile(const float *const *a, size_t depth, const float *b, size_t b_stride, QS_VEC acc[QS_ROWS][2],
                  const int height, const int vectors) {
    for (int r = 0; r < height; r++) {
        acc[r][0] = QS_ZERO();
        acc[r][1] = QS_ZERO();
    }
    for (size_t p = 0; p < depth; p++) {
        const float *row = b + p * b_stride;
        const QS_VEC b0 = QS_LOAD(row);
        const QS_VEC b1 = vectors == 2 ? QS_LOAD(row + QS_W) : QS_ZERO();
        for (int r = 0; r < height; r++) {
            const QS_VEC broadcast = QS_SET1(a[r][p]);
            acc[r][0] = QS_FMA(broadcast, b0, acc[r][0]);
            if (vectors == 2) acc[r][1] = QS_FMA(broadcast, b1, acc[r][1]);
        }
    }
}

/// Scores of the tile's query rows `query[r]` against the `vectors`·QS_W keys whose transposed
/// columns start at `keys`: `scores[r · stride + lane]`, -inf in the lanes from `valid` on (the
/// padding keys). Each row's maximum is taken into
/// `highest[r]` while the tile is in registers.
QS_ATTR __attribute__((always_inline)) static inline void
qs_attention_score_tile(const float *const *query, size_t dim, const float *keys, size_t key_stride,
                        float *scores, size_t stride, size_t valid, QS_VEC highest[QS_ROWS],
                        const int height, const int vectors) {
    QS_VEC acc[QS_ROWS][2];
    qs_attention_tile(query, dim, keys, key_stride, acc, height, vectors);
    for (int r = 0; r < height; r++) {
        for (int v = 0; v < vectors; v++) {
            QS_VEC score = acc[r][v];
            if (valid < (size_t)vectors * QS_W) score = QS_KEEP_FIRST(score, valid > (size_t)v * QS_W ? valid - (size_t)v * QS_W : 0);
            QS_STORE(scores + r * stride + v * QS_W, score);
            highest[r] = QS_MAX(highest[r], score);
        }
    }
}

/// 2^t for t <= 0, or a rounding error above (attention_exp2.h): t below QS_ATTENTION_EXP2_LOWEST, -inf and NaN give 2^-125.
QS_ATTR __attribute__((always_inline)) static inline QS_VEC qs_attention_exp2(QS_VEC t) {
    t = QS_MAX(t, QS_SET1(QS_ATTENTION_EXP2_LOWEST));  // the second operand where t is NaN
    const QS_VEC magic = QS_SET1(QS_ROUNDING_MAGIC);
    const QS_VEC shifted = QS_ADD(t, magic);  // n in the low mantissa bits
    const QS_VEC f = QS_SUB(t, QS_SUB(shifted, magic));
    QS_VEC p = QS_FMA(QS_SET1(QS_ATTENTION_EXP2_C5), f, QS_SET1(QS_ATTENTION_EXP2_C4));
    p = QS_FMA(p, f, QS_SET1(QS_ATTENTION_EXP2_C3));
    p = QS_FMA(p, f, QS_SET1(QS_ATTENTION_EXP2_C2));
    p = QS_FMA(p, f, QS_SET1(QS_ATTENTION_EXP2_C1));
    p = QS_FMA(p, f, QS_SET1(QS_ATTENTION_EXP2_C0));
    // n << 23 (the magic's own bits shift out) added to the exponent of p, in [2^-1/2, 2^1/2].
    return QS_AS_FLOAT(QS_ADD_INT(QS_AS_INT(p), QS_SHIFT_LEFT_23(QS_AS_INT(shifted))));
}

/// The softmax numerators of the block's rows in place: 2^(s·factor - max·factor) for the scores s
/// of row r (`padded_length` of them at `scores + r · padded_length`, the padding -inf, so 2^-125:
/// nothing beside the row's 1), its maximum in the lanes of `highest[r]`, `factor` = scale·log2 e;
/// `inverse_sum[r]` = 1 / Σ. The exponent is one fused multiply-add: s·factor exact inside it,
/// max·factor rounded once per row (the same shift for the whole row, which the normalization
/// cancels), so large scores keep the precision of (s - max)·factor. The rows are interleaved
/// (one vector of each in turn), so their exponentials and horizontal reductions overlap.
QS_ATTR __attribute__((always_inline)) static inline void
qs_attention_softmax_block(float *scores, size_t padded_length, const QS_VEC highest[QS_ROWS], float factor,
                           float inverse_sum[QS_ROWS], const int height) {
    const QS_VEC scale = QS_SET1(factor);
    QS_VEC shift[QS_ROWS], sum[QS_ROWS];
    for (int r = 0; r < height; r++) {
        shift[r] = QS_SET1(-(QS_HMAX(highest[r]) * factor));
        sum[r] = QS_ZERO();
    }
    for (size_t j = 0; j < padded_length; j += QS_W) {
        for (int r = 0; r < height; r++) {
            float *at = scores + r * padded_length + j;
            const QS_VEC e = qs_attention_exp2(QS_FMA(QS_LOAD(at), scale, shift[r]));
            QS_STORE(at, e);
            sum[r] = QS_ADD(sum[r], e);
        }
    }
    for (int r = 0; r < height; r++) inverse_sum[r] = 1.0f / QS_HSUM(sum[r]);
}

/// Context columns [0, vectors·QS_W) of the tile's rows: Σ_j probabilities[r][j] · values[j],
/// times `inverse_sum[r]`, stored in the first `columns` floats at `out[r]` for the `rows` valid rows.
QS_ATTR __attribute__((always_inline)) static inline void
qs_attention_context_tile(const float *const *probabilities, size_t length, const float *values,
                          size_t value_stride, const float *inverse_sum, float *const *out, size_t rows,
                          size_t columns, const int height, const int vectors) {
    QS_VEC acc[QS_ROWS][2];
    qs_attention_tile(probabilities, length, values, value_stride, acc, height, vectors);
    for (int r = 0; r < height; r++) {  // a constant count: the accumulators stay in registers
        if ((size_t)r >= rows) break;
        const QS_VEC factor = QS_SET1(inverse_sum[r]);
        for (int v = 0; v < vectors; v++) {
            const size_t first = (size_t)v * QS_W;
            if (first >= columns) break;
            const QS_VEC result = QS_MUL(acc[r][v], factor);
            if (columns - first >= QS_W) {
                QS_STORE(out[r] + first, result);
            } else {
                QS_STORE_FIRST(out[r] + first, result, columns - first);
            }
        }
    }
}

/// The context rows [first, first + rows) (rows <= height): their scores against every key,
/// their softmax, their context, in tiles of `height` rows (a constant after inlining; the rows
/// past `rows` repeat the last one and are not stored).
QS_ATTR __attribute__((always_inline)) static inline void
qs_attention_block(const qs_attention_head *head, const qs_attention_layout *layout, const float *values,
                   float factor, size_t first, size_t rows, const int height) {
    const size_t length = head->length, dim = head->head_dim;
    const size_t padded_length = layout->padded_length, padded_dim = layout->padded_dim;
    const float *keys = head->scratch + layout->keys;
    float *scores = head->scratch + layout->scores;
    qs_attention_prefetch_next(head, first, rows);
    const float *query[QS_ROWS];
    float *out[QS_ROWS];
    for (int r = 0; r < height; r++) {
        const size_t row = first + ((size_t)r < rows ? (size_t)r : rows - 1);
        query[r] = head->query + row * head->input_stride;
        out[r] = head->context + row * head->context_stride;
    }
    QS_VEC highest[QS_ROWS];
    for (int r = 0; r < height; r++) highest[r] = QS_SET1(-INFINITY);
    for (size_t j = 0; j < padded_length;) {
        if (padded_length - j >= 2 * QS_W) {
            qs_attention_score_tile(query, dim, keys + j, padded_length, scores + j, padded_length, length - j,
                                    highest, height, 2);
            j += 2 * QS_W;
        } else {
            qs_attention_score_tile(query, dim, keys + j, padded_length, scores + j, padded_length, length - j,
                                    highest, height, 1);
            j += QS_W;
        }
    }
    float inverse_sum[QS_ROWS];
    const float *probabilities[QS_ROWS];
    for (int r = 0; r < height; r++) probabilities[r] = scores + r * padded_length;
    qs_attention_softmax_block(scores, padded_length, highest, factor, inverse_sum, height);
    for (size_t column = 0; column < dim;) {
        float *tile_out[QS_ROWS];
        for (int r = 0; r < height; r++) tile_out[r] = out[r] + column;
        if (padded_dim - column >= 2 * QS_W) {
            qs_attention_context_tile(probabilities, length, values + column, padded_dim, inverse_sum, tile_out, rows,
                                      dim - column < 2 * QS_W ? dim - column : 2 * QS_W, height, 2);
            column += 2 * QS_W;
        } else {
            qs_attention_context_tile(probabilities, length, values + column, padded_dim, inverse_sum, tile_out, rows,
                                      dim - column < QS_W ? dim - column : QS_W, height, 1);
            column += QS_W;
        }
    }
}

/// The height of the last block's tiles when at most this many rows are left: less work than a
/// full tile of repeated rows (8 accumulators still cover the multiply-add latency).
#define QS_TAIL_ROWS 4

QS_ATTR void QS_FUNC(const qs_attention_head *head) {
    const qs_attention_layout layout = qs_attention_layout_of(head->length, head->head_dim);
    qs_attention_pack(head, &layout);
    const float *values = qs_attention_values_in_place(head, &layout) ? head->value : head->scratch + layout.values;
    const float factor = head->scale * QS_ATTENTION_LOG2E;
    for (size_t first = 0; first < head->length;) {
        const size_t left = head->length - first;
        if (left <= QS_TAIL_ROWS || (left > QS_ROWS && left <= 2 * QS_TAIL_ROWS)) {
            // A short last block, or the last 7 or 8 rows (6-row blocks) as 4 + 3 or 4 + 4.
            const size_t rows = left < QS_TAIL_ROWS ? left : QS_TAIL_ROWS;
            qs_attention_block(head, &layout, values, factor, first, rows, QS_TAIL_ROWS);
            first += rows;
        } else {
            const size_t rows = left < QS_ROWS ? left : QS_ROWS;
            qs_attention_block(head, &layout, values, factor, first, rows, QS_ROWS);
            first += rows;
        }
    }
}
