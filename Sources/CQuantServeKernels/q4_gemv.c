// The kernels of CQ4Gemv.h: a portable body (also the scalar twin of the tests) and explicit
// AVX-512 VNNI and AVX2 variants with the same float operations in the same order.
#include "CQ4Gemv.h"
#include <math.h>
#include <string.h>

typedef _Float16 qs_q4_half __attribute__((may_alias));

void qs_q4_quantize_activations(const float *x, size_t k, int8_t *values, float *scales, float *sums) {
    for (size_t b = 0; b < k / QS_Q4_BLOCK; b++) {
        const float *block = x + b * QS_Q4_BLOCK;
        float top = 0.0f;
        for (size_t i = 0; i < QS_Q4_BLOCK; i++) top = fmaxf(top, fabsf(block[i]));
        const float scale = top / 127.0f;
        const float inverse = top > 0.0f ? 127.0f / top : 0.0f;
        int32_t total = 0;
        for (size_t i = 0; i < QS_Q4_BLOCK; i++) {
            // Round to nearest even without a libm call: adding and removing 1.5 · 2^23 leaves
            // the integer nearest to |v| ≤ 127.5 (ties to even), as nearbyintf does.
            const float shifted = block[i] * inverse + 12582912.0f;
            float q = shifted - 12582912.0f;
            q = q > 127.0f ? 127.0f : (q < -127.0f ? -127.0f : q);
            values[b * QS_Q4_BLOCK + i] = (int8_t)q;
            total += (int32_t)q;
        }
        scales[b] = scale;
        sums[b] = scale * (float)total;
    }
}

/// Stores (or adds) the valid lanes of one panel row.
static inline void store_lanes(const qs_q4_gemv *job, size_t row, size_t first_channel, const float *lanes) {
    float *out = job->output + row * job->output_stride + first_channel;
    const size_t valid = job->n - first_channel < QS_Q4_PANEL ? job->n - first_channel : QS_Q4_PANEL;
    for (size_t c = 0; c < valid; c++) out[c] = job->accumulate ? out[c] + lanes[c] : lanes[c];
}

void qs_q4_gemv_portable(const qs_q4_gemv *job) {
    for (size_t panel = job->panel_begin; panel < job->panel_end; panel++) {
        const uint8_t *base = job->weights + panel * job->blocks * QS_Q4_PANEL_BLOCK_BYTES;
        for (size_t row = 0; row < job->rows; row++) {
            const int8_t *x = job->activations + row * job->blocks * QS_Q4_BLOCK;
            float acc[QS_Q4_PANEL] = {0};
            for (size_t b = 0; b < job->blocks; b++) {
                const uint8_t *nibbles = base + b * QS_Q4_PANEL_BLOCK_BYTES;
                const qs_q4_half *d = (const qs_q4_half *)(nibbles + 256), *m = d + QS_Q4_PANEL;
                const int8_t *s = x + b * QS_Q4_BLOCK;
                const float scale = job->scales[row * job->blocks + b], sum = job->sums[row * job->blocks + b];
                for (size_t c = 0; c < QS_Q4_PANEL; c++) {
                    int32_t dot = 0;
                    for (size_t v = 0; v < 4; v++)
                        for (size_t i = 0; i < 4; i++) {
                            const uint8_t byte = nibbles[v * 64 + c * 4 + i];
                            dot += (int32_t)(byte & 15) * s[4 * v + i] + (int32_t)(byte >> 4) * s[16 + 4 * v + i];
                        }
                    acc[c] = fmaf((float)dot, (float)d[c] * scale, acc[c]);
                    acc[c] = fmaf((float)m[c], sum, acc[c]);
                }
            }
            store_lanes(job, row, panel * QS_Q4_PANEL, acc);
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

static inline int32_t load_group(const int8_t *p) {
    int32_t word;
    memcpy(&word, p, sizeof word);
    return word;
}

/// Rows per pass: each block's nibbles are unpacked once for this many rows.
#define QS_Q4_ROWS 4

__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,f16c,fma"))) void
qs_q4_gemv_avx512vnni(const qs_q4_gemv *job) {
    const __m512i low = _mm512_set1_epi8(15);
    for (size_t panel = job->panel_begin; panel < job->panel_end; panel++) {
        const uint8_t *base = job->weights + panel * job->blocks * QS_Q4_PANEL_BLOCK_BYTES;
        for (size_t first = 0; first < job->rows; first += QS_Q4_ROWS) {
            const size_t count = job->rows - first < QS_Q4_ROWS ? job->rows - first : QS_Q4_ROWS;
            __m512 acc[QS_Q4_ROWS];
            for (size_t r = 0; r < QS_Q4_ROWS; r++) acc[r] = _mm512_setzero_ps();
            for (size_t b = 0; b < job->blocks; b++) {
                const uint8_t *nibbles = base + b * QS_Q4_PANEL_BLOCK_BYTES;
                __m512i q[8];
                for (int v = 0; v < 4; v++) {
                    const __m512i w = _mm512_loadu_si512((const void *)(nibbles + 64 * v));
                    q[v] = _mm512_and_si512(w, low);
                    q[4 + v] = _mm512_and_si512(_mm512_srli_epi16(w, 4), low);
                }
                const __m512 d = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(nibbles + 256)));
                const __m512 m = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(nibbles + 288)));
                for (size_t r = 0; r < count; r++) {
                    const size_t row = first + r;
                    const int8_t *s = job->activations + (row * job->blocks + b) * QS_Q4_BLOCK;
                    __m512i x = _mm512_setzero_si512(), y = _mm512_setzero_si512();
                    for (int v = 0; v < 4; v++) {
                        x = _mm512_dpbusd_epi32(x, q[v], _mm512_set1_epi32(load_group(s + 4 * v)));
                        y = _mm512_dpbusd_epi32(y, q[4 + v], _mm512_set1_epi32(load_group(s + 16 + 4 * v)));
                    }
                    const __m512 dot = _mm512_cvtepi32_ps(_mm512_add_epi32(x, y));
                    const __m512 scale = _mm512_set1_ps(job->scales[row * job->blocks + b]);
                    const __m512 sum = _mm512_set1_ps(job->sums[row * job->blocks + b]);
                    acc[r] = _mm512_fmadd_ps(dot, _mm512_mul_ps(d, scale), acc[r]);
                    acc[r] = _mm512_fmadd_ps(m, sum, acc[r]);
                }
            }
            for (size_t r = 0; r < count; r++) {
                float lanes[QS_Q4_PANEL];
                _mm512_storeu_ps(lanes, acc[r]);
                store_lanes(job, first + r, panel * QS_Q4_PANEL, lanes);
            }
        }
    }
}

__attribute__((target("avx2,f16c,fma"))) void qs_q4_gemv_avx2(const qs_q4_gemv *job) {
    const __m256i low = _mm256_set1_epi8(15);
    const __m256i ones = _mm256_set1_epi16(1);
    for (size_t panel = job->panel_begin; panel < job->panel_end; panel++) {
        const uint8_t *base = job->weights + panel * job->blocks * QS_Q4_PANEL_BLOCK_BYTES;
        for (size_t row = 0; row < job->rows; row++) {
            __m256 acc[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
            for (size_t b = 0; b < job->blocks; b++) {
                const uint8_t *nibbles = base + b * QS_Q4_PANEL_BLOCK_BYTES;
                const int8_t *s = job->activations + (row * job->blocks + b) * QS_Q4_BLOCK;
                const __m256 scale = _mm256_set1_ps(job->scales[row * job->blocks + b]);
                const __m256 sum = _mm256_set1_ps(job->sums[row * job->blocks + b]);
                for (int half = 0; half < 2; half++) {
                    __m256i dot = _mm256_setzero_si256();
                    for (int v = 0; v < 4; v++) {
                        const __m256i w = _mm256_loadu_si256((const __m256i *)(nibbles + 64 * v + 32 * half));
                        const __m256i lo = _mm256_and_si256(w, low);
                        const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(w, 4), low);
                        // q ≤ 15 and |s| ≤ 127: a pair sums to at most 3,810, no int16 saturation.
                        const __m256i plo = _mm256_maddubs_epi16(lo, _mm256_set1_epi32(load_group(s + 4 * v)));
                        const __m256i phi = _mm256_maddubs_epi16(hi, _mm256_set1_epi32(load_group(s + 16 + 4 * v)));
                        dot = _mm256_add_epi32(dot, _mm256_madd_epi16(_mm256_add_epi16(plo, phi), ones));
                    }
                    const __m256 d = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(nibbles + 256 + 16 * half)));
                    const __m256 m = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(nibbles + 288 + 16 * half)));
                    acc[half] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), _mm256_mul_ps(d, scale), acc[half]);
                    acc[half] = _mm256_fmadd_ps(m, sum, acc[half]);
                }
            }
            float lanes[QS_Q4_PANEL];
            _mm256_storeu_ps(lanes, acc[0]);
            _mm256_storeu_ps(lanes + 8, acc[1]);
            store_lanes(job, row, panel * QS_Q4_PANEL, lanes);
        }
    }
}
#else
// Never selected off x86; defined so the library links.
void qs_q4_gemv_avx512vnni(const qs_q4_gemv *job) { qs_q4_gemv_portable(job); }
void qs_q4_gemv_avx2(const qs_q4_gemv *job) { qs_q4_gemv_portable(job); }
#endif
