// Fused fp32 attention on AVX2 + FMA: 8-float ymm vectors, tiles of 6 query rows (12
// accumulators of the 16 registers). The driver is attention_template.h.
#include "CAttention.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>
#include "vector_math_constants.h"

#define QS_ATTR __attribute__((target("avx2,fma")))
#define QS_FUNC qs_attention_head_f32_avx2
#define QS_W 8
#define QS_ROWS 6
#define QS_VEC __m256
#define QS_LOAD _mm256_loadu_ps
#define QS_STORE _mm256_storeu_ps
#define QS_SET1 _mm256_set1_ps
#define QS_ZERO _mm256_setzero_ps
#define QS_FMA _mm256_fmadd_ps
#define QS_ADD _mm256_add_ps
#define QS_SUB _mm256_sub_ps
#define QS_MUL _mm256_mul_ps
#define QS_MAX _mm256_max_ps
#define QS_AS_INT _mm256_castps_si256
#define QS_AS_FLOAT _mm256_castsi256_ps
#define QS_SHIFT_LEFT_23(v) _mm256_slli_epi32((v), 23)
#define QS_ADD_INT _mm256_add_epi32

QS_ATTR static inline float qs_attention_hmax_avx2(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

QS_ATTR static inline float qs_attention_hsum_avx2(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// Stores lanes 0..<n (n < 8) of v.
QS_ATTR static inline void qs_attention_store_first_avx2(float *p, __m256 v, size_t n) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    _mm256_maskstore_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), lanes), v);
}

/// v with lanes n..<8 replaced by -inf.
QS_ATTR static inline __m256 qs_attention_keep_first_avx2(__m256 v, size_t n) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256 keep = _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), lanes));
    return _mm256_blendv_ps(_mm256_set1_ps(-INFINITY), v, keep);
}

#define QS_HMAX qs_attention_hmax_avx2
#define QS_HSUM qs_attention_hsum_avx2
#define QS_STORE_FIRST qs_attention_store_first_avx2
#define QS_KEEP_FIRST qs_attention_keep_first_avx2
#include "attention_template.h"
#else
void qs_attention_head_f32_avx2(const qs_attention_head *head) { (void)head; __builtin_trap(); }
#endif
