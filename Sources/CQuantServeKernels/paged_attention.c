// The kernels of CPagedAttention.h. One body per kernel, always inlined into three entry points
// compiled for AVX-512 F, AVX2 and plain C: the fixed 16-token inner loops vectorize to whole
// registers with AVX2 (fp16 loads become vcvtph2ps) and stay scalar in plain C; AVX-512 has its own
// zmm intrinsics for the attention (clang vectorizes the generic loops only to xmm there).
#include "CKernels.h"
#include <math.h>
#include <string.h>

typedef _Float16 qs_half __attribute__((may_alias));

#define QS_ROWS 4
#define QS_INLINE __attribute__((always_inline)) static inline
#define QS_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,f16c,fma")))
#define QS_AVX2 __attribute__((target("avx2,f16c,fma")))

size_t qs_paged_attention_scratch_floats(size_t length) {
    return QS_ROWS * ((length + QS_KV_BLOCK_TOKENS - 1) / QS_KV_BLOCK_TOKENS * QS_KV_BLOCK_TOKENS);
}

QS_INLINE void kv_append_body(const qs_kv_append *job) {
    const qs_kv_layer layer = job->layer;
    const size_t head_dim = layer.head_dim, pairs = head_dim / 2;
    const size_t rotated_heads = job->q_heads + layer.kv_heads;
    for (size_t t = 0; t < job->tokens; t++) {
        float *row = job->qkv + t * job->qkv_stride;
        const float *rotation = job->rotation + t * head_dim;
        for (size_t head = 0; head < rotated_heads; head++) {
            float *x = row + head * head_dim;
            for (size_t i = 0; i < pairs; i++) {
                const float c = rotation[2 * i], s = rotation[2 * i + 1];
                const float x0 = x[2 * i], x1 = x[2 * i + 1];
                x[2 * i] = x0 * c - x1 * s;
                x[2 * i + 1] = x0 * s + x1 * c;
            }
        }
        const size_t position = job->first_position + t;
        const size_t slot = position % QS_KV_BLOCK_TOKENS;
        qs_half *block = (qs_half *)layer.cache + (size_t)job->block_table[position / QS_KV_BLOCK_TOKENS] * layer.block_elements;
        for (size_t g = 0; g < layer.kv_heads; g++) {
            const float *key = row + (job->q_heads + g) * head_dim;
            const float *value = row + (job->q_heads + layer.kv_heads + g) * head_dim;
            qs_half *keys = block + layer.key_offset + g * head_dim * QS_KV_BLOCK_TOKENS;
            qs_half *values = block + layer.value_offset + (g * QS_KV_BLOCK_TOKENS + slot) * head_dim;
            for (size_t d = 0; d < head_dim; d++) keys[d * QS_KV_BLOCK_TOKENS + slot] = (qs_half)key[d];
            for (size_t d = 0; d < head_dim; d++) values[d] = (qs_half)value[d];
        }
    }
}

#if defined(__x86_64__)
QS_AVX512 void qs_kv_append_avx512(const qs_kv_append *job) { kv_append_body(job); }
QS_AVX2 void qs_kv_append_avx2(const qs_kv_append *job) { kv_append_body(job); }
#else
void qs_kv_append_avx512(const qs_kv_append *job) { kv_append_body(job); }
void qs_kv_append_avx2(const qs_kv_append *job) { kv_append_body(job); }
#endif
void qs_kv_append_portable(const qs_kv_append *job) { kv_append_body(job); }

typedef void (*qs_softmax_func)(float *row, size_t n);

/// Softmax of a row in place (scalar expf): the plain C path's.
static void portable_softmax(float *row, size_t n) {
    float top = -INFINITY;
    for (size_t i = 0; i < n; i++) top = row[i] > top ? row[i] : top;
    float sum = 0.0f;
    for (size_t i = 0; i < n; i++) {
        row[i] = expf(row[i] - top);
        sum += row[i];
    }
    const float inverse = 1.0f / sum;
    for (size_t i = 0; i < n; i++) row[i] *= inverse;
}

/// The pointers and lengths of rows first ... first + count - 1 of a call (missing rows of the
/// group of four repeat the first, computed and never stored).
QS_INLINE void group_rows(const qs_paged_attention *job, size_t first, size_t count, const float *query[QS_ROWS],
                          float *context[QS_ROWS], size_t length[QS_ROWS]) {
    const size_t head_dim = job->layer.head_dim;
    for (size_t r = 0; r < QS_ROWS; r++) {
        const size_t row = first + (r < count ? r : 0);
        const size_t t = row / job->heads, h = row % job->heads;
        query[r] = job->query + t * job->query_stride + h * head_dim;
        context[r] = job->context + t * job->context_stride + h * head_dim;
        length[r] = job->first_position + t + 1;
    }
}

QS_INLINE void paged_attention_body(const qs_paged_attention *job, qs_softmax_func softmax) {
    const qs_kv_layer layer = job->layer;
    const size_t head_dim = layer.head_dim;
    const size_t rows = job->tokens * job->heads;
    const qs_half *cache = (const qs_half *)layer.cache;
    const size_t key_offset = layer.key_offset + job->kv_head * head_dim * QS_KV_BLOCK_TOKENS;
    const size_t value_offset = layer.value_offset + job->kv_head * QS_KV_BLOCK_TOKENS * head_dim;
    for (size_t first = 0; first < rows; first += QS_ROWS) {
        const size_t count = rows - first < QS_ROWS ? rows - first : QS_ROWS;
        const float *query[QS_ROWS];
        float *context[QS_ROWS];
        size_t length[QS_ROWS];
        group_rows(job, first, count, query, context, length);
        const size_t longest = length[count - 1];  // rows are in token order
        const size_t blocks = (longest + QS_KV_BLOCK_TOKENS - 1) / QS_KV_BLOCK_TOKENS;
        const size_t stride = blocks * QS_KV_BLOCK_TOKENS;
        float *scores = job->scratch;

        for (size_t b = 0; b < blocks; b++) {
            const qs_half *keys = cache + (size_t)job->block_table[b] * layer.block_elements + key_offset;
            float accumulator[QS_ROWS][QS_KV_BLOCK_TOKENS] = {{0}};
            for (size_t d = 0; d < head_dim; d++) {
                float key[QS_KV_BLOCK_TOKENS];
                for (size_t k = 0; k < QS_KV_BLOCK_TOKENS; k++) key[k] = (float)keys[d * QS_KV_BLOCK_TOKENS + k];
                for (size_t r = 0; r < QS_ROWS; r++) {
                    const float q = query[r][d];
                    for (size_t k = 0; k < QS_KV_BLOCK_TOKENS; k++) accumulator[r][k] += q * key[k];
                }
            }
            for (size_t r = 0; r < QS_ROWS; r++)
                for (size_t k = 0; k < QS_KV_BLOCK_TOKENS; k++)
                    scores[r * stride + b * QS_KV_BLOCK_TOKENS + k] = accumulator[r][k] * job->scale;
        }
        for (size_t r = 0; r < count; r++) {
            float *row = scores + r * stride;
            softmax(row, length[r]);
            for (size_t j = length[r]; j < stride; j++) row[j] = 0.0f;
        }
        for (size_t r = count; r < QS_ROWS; r++) memset(scores + r * stride, 0, stride * sizeof(float));

        float output[QS_ROWS][QS_KV_MAX_HEAD_DIM];
        for (size_t r = 0; r < QS_ROWS; r++)
            for (size_t d = 0; d < head_dim; d++) output[r][d] = 0.0f;
        for (size_t b = 0; b < blocks; b++) {
            const qs_half *values = cache + (size_t)job->block_table[b] * layer.block_elements + value_offset;
            const size_t valid = longest - b * QS_KV_BLOCK_TOKENS < QS_KV_BLOCK_TOKENS ? longest - b * QS_KV_BLOCK_TOKENS
                                                                                       : QS_KV_BLOCK_TOKENS;
            for (size_t k = 0; k < valid; k++) {
                const qs_half *value = values + k * head_dim;
                const float p0 = scores[b * QS_KV_BLOCK_TOKENS + k], p1 = scores[stride + b * QS_KV_BLOCK_TOKENS + k];
                const float p2 = scores[2 * stride + b * QS_KV_BLOCK_TOKENS + k];
                const float p3 = scores[3 * stride + b * QS_KV_BLOCK_TOKENS + k];
                for (size_t d = 0; d < head_dim; d++) {
                    const float v = (float)value[d];
                    output[0][d] += p0 * v;
                    output[1][d] += p1 * v;
                    output[2][d] += p2 * v;
                    output[3][d] += p3 * v;
                }
            }
        }
        for (size_t r = 0; r < count; r++) memcpy(context[r], output[r], head_dim * sizeof(float));
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

/// The AVX-512 scores and value sums of one group of four rows, with explicit zmm intrinsics
/// (the generic loops vectorize only to xmm): 16 keys' scores are one FMA chain per row, each
/// value row is converted once and added into four rows' outputs. Needs head_dim % 16 == 0.
QS_AVX512 static void attention_group_avx512(const qs_paged_attention *job, const float *query[QS_ROWS],
                                             float *context[QS_ROWS], const size_t length[QS_ROWS], size_t count) {
    const qs_kv_layer layer = job->layer;
    const size_t head_dim = layer.head_dim;
    const uint16_t *cache = layer.cache;
    const size_t key_offset = layer.key_offset + job->kv_head * head_dim * QS_KV_BLOCK_TOKENS;
    const size_t value_offset = layer.value_offset + job->kv_head * QS_KV_BLOCK_TOKENS * head_dim;
    const size_t longest = length[count - 1];
    const size_t blocks = (longest + QS_KV_BLOCK_TOKENS - 1) / QS_KV_BLOCK_TOKENS;
    const size_t stride = blocks * QS_KV_BLOCK_TOKENS;
    float *scores = job->scratch;
    const __m512 scale = _mm512_set1_ps(job->scale);
    for (size_t b = 0; b < blocks; b++) {
        const uint16_t *keys = cache + (size_t)job->block_table[b] * layer.block_elements + key_offset;
        __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
        for (size_t d = 0; d < head_dim; d++) {
            const __m512 key = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(keys + d * QS_KV_BLOCK_TOKENS)));
            a0 = _mm512_fmadd_ps(_mm512_set1_ps(query[0][d]), key, a0);
            a1 = _mm512_fmadd_ps(_mm512_set1_ps(query[1][d]), key, a1);
            a2 = _mm512_fmadd_ps(_mm512_set1_ps(query[2][d]), key, a2);
            a3 = _mm512_fmadd_ps(_mm512_set1_ps(query[3][d]), key, a3);
        }
        float *column = scores + b * QS_KV_BLOCK_TOKENS;
        _mm512_storeu_ps(column, _mm512_mul_ps(a0, scale));
        _mm512_storeu_ps(column + stride, _mm512_mul_ps(a1, scale));
        _mm512_storeu_ps(column + 2 * stride, _mm512_mul_ps(a2, scale));
        _mm512_storeu_ps(column + 3 * stride, _mm512_mul_ps(a3, scale));
    }
    for (size_t r = 0; r < QS_ROWS; r++) {
        float *row = scores + r * stride;
        if (r < count) qs_softmax_f32_avx512(row, length[r]);
        for (size_t j = r < count ? length[r] : 0; j < stride; j++) row[j] = 0.0f;
    }
    for (size_t chunk = 0; chunk < head_dim; chunk += 16) {
        __m512 o0 = _mm512_setzero_ps(), o1 = _mm512_setzero_ps(), o2 = _mm512_setzero_ps(), o3 = _mm512_setzero_ps();
        for (size_t b = 0; b < blocks; b++) {
            const uint16_t *values = cache + (size_t)job->block_table[b] * layer.block_elements + value_offset + chunk;
            const size_t rest = longest - b * QS_KV_BLOCK_TOKENS;
            const size_t valid = rest < QS_KV_BLOCK_TOKENS ? rest : QS_KV_BLOCK_TOKENS;
            const float *p = scores + b * QS_KV_BLOCK_TOKENS;
            for (size_t k = 0; k < valid; k++) {
                const __m512 value = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(values + k * head_dim)));
                o0 = _mm512_fmadd_ps(_mm512_set1_ps(p[k]), value, o0);
                o1 = _mm512_fmadd_ps(_mm512_set1_ps(p[stride + k]), value, o1);
                o2 = _mm512_fmadd_ps(_mm512_set1_ps(p[2 * stride + k]), value, o2);
                o3 = _mm512_fmadd_ps(_mm512_set1_ps(p[3 * stride + k]), value, o3);
            }
        }
        const __m512 sums[QS_ROWS] = {o0, o1, o2, o3};
        for (size_t r = 0; r < count; r++) _mm512_storeu_ps(context[r] + chunk, sums[r]);
    }
}

QS_AVX512 void qs_paged_attention_avx512(const qs_paged_attention *job) {
    if (job->layer.head_dim % 16 != 0) {
        paged_attention_body(job, qs_softmax_f32_avx512);
        return;
    }
    const size_t rows = job->tokens * job->heads;
    for (size_t first = 0; first < rows; first += QS_ROWS) {
        const size_t count = rows - first < QS_ROWS ? rows - first : QS_ROWS;
        const float *query[QS_ROWS];
        float *context[QS_ROWS];
        size_t length[QS_ROWS];
        group_rows(job, first, count, query, context, length);
        attention_group_avx512(job, query, context, length, count);
    }
}
QS_AVX2 void qs_paged_attention_avx2(const qs_paged_attention *job) {
    paged_attention_body(job, qs_softmax_f32_avx2);
}
#else
// Never selected off x86 (FloatKernelPath is portable there); defined so the library links.
void qs_paged_attention_avx512(const qs_paged_attention *job) { paged_attention_body(job, portable_softmax); }
void qs_paged_attention_avx2(const qs_paged_attention *job) { paged_attention_body(job, portable_softmax); }
#endif
void qs_paged_attention_portable(const qs_paged_attention *job) {
    paged_attention_body(job, portable_softmax);
}
