// The fp32 kernels of CFloatKernels.h on AVX2 + FMA: 8 lanes, vmaskmov tails.
#include "CKernels.h"
#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>
#include "vector_math_avx2.h"

#define QS_FK_ATTR __attribute__((target("avx2,fma")))
#define QS_GELU_FUNC qs_gelu_f32_avx2
#define QS_EXP_FUNC qs_exp_f32_avx2
#define QS_ERF_FUNC qs_erf_f32_avx2
#define QS_SOFTMAX_FUNC qs_softmax_f32_avx2
#define QS_ADD_LAYERNORM_FUNC qs_add_layernorm_f32_avx2
#define QS_QUANTIZE_FUNC qs_quantize_rows_avx2
#define QS_ADD_LAYERNORM_QUANTIZE_FUNC qs_add_layernorm_quantize_avx2
#define QS_LANES 8
typedef __m256 qs_vec;
typedef __m256i qs_ivec;
typedef __m256i qs_mask;

#define QS_SET1 _mm256_set1_ps
#define QS_ADD _mm256_add_ps
#define QS_SUB _mm256_sub_ps
#define QS_MUL _mm256_mul_ps
#define QS_FMADD _mm256_fmadd_ps
#define QS_MIN _mm256_min_ps
#define QS_MAX _mm256_max_ps
#define QS_AS_INT _mm256_castps_si256
#define QS_SET1_INT _mm256_set1_epi32
#define QS_SUB_INT _mm256_sub_epi32
#define QS_MIN_INT _mm256_min_epi32
#define QS_MAX_INT _mm256_max_epi32
#define QS_SHIFT_RIGHT(v, bits) _mm256_srli_epi32((v), (bits))
#define QS_AND(v, bits) _mm256_and_si256((v), _mm256_set1_epi32(bits))
#define QS_EXP_NONPOSITIVE qs_exp_nonpositive_avx2
#define QS_GELU qs_gelu_avx2
#define QS_EXP qs_exp_avx2
#define QS_ERF qs_erf_avx2

QS_FK_ATTR static inline qs_mask qs_tail_mask(size_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
QS_FK_ATTR static inline qs_vec qs_load(const float *p) { return _mm256_loadu_ps(p); }
QS_FK_ATTR static inline void qs_store(float *p, qs_vec v) { _mm256_storeu_ps(p, v); }
QS_FK_ATTR static inline qs_vec qs_load_tail(const float *p, qs_mask mask, float fill) {
    return _mm256_blendv_ps(_mm256_set1_ps(fill), _mm256_maskload_ps(p, mask), _mm256_castsi256_ps(mask));
}
QS_FK_ATTR static inline void qs_store_tail(float *p, qs_mask mask, qs_vec v) { _mm256_maskstore_ps(p, mask, v); }
QS_FK_ATTR static inline qs_vec qs_zero_tail(qs_vec v, qs_mask mask) { return _mm256_and_ps(v, _mm256_castsi256_ps(mask)); }
QS_FK_ATTR static inline float qs_reduce_add(qs_vec v) {
    __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    x = _mm_add_ps(x, _mm_movehl_ps(x, x));
    return _mm_cvtss_f32(_mm_add_ss(x, _mm_movehdup_ps(x)));
}
QS_FK_ATTR static inline float qs_reduce_min(qs_vec v) {
    __m128 x = _mm_min_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    x = _mm_min_ps(x, _mm_movehl_ps(x, x));
    return _mm_cvtss_f32(_mm_min_ss(x, _mm_movehdup_ps(x)));
}
QS_FK_ATTR static inline float qs_reduce_max(qs_vec v) {
    __m128 x = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    x = _mm_max_ps(x, _mm_movehl_ps(x, x));
    return _mm_cvtss_f32(_mm_max_ss(x, _mm_movehdup_ps(x)));
}

/// `count` levels (each below 65536) as u8 or int16 elements (u8 planes hold values below 256).
QS_FK_ATTR static inline void qs_store_levels(unsigned char *plane, size_t element_bytes, qs_ivec values, size_t count) {
    const __m128i words = _mm_packus_epi32(_mm256_castsi256_si128(values), _mm256_extracti128_si256(values, 1));
    if (count == QS_LANES) {
        if (element_bytes == 1) _mm_storel_epi64((__m128i *)(void *)plane, _mm_packus_epi16(words, words));
        else _mm_storeu_si128((__m128i *)(void *)plane, words);
        return;
    }
    unsigned char staged[16];
    if (element_bytes == 1) _mm_storel_epi64((__m128i *)(void *)staged, _mm_packus_epi16(words, words));
    else _mm_storeu_si128((__m128i *)(void *)staged, words);
    memcpy(plane, staged, count * element_bytes);
}

/// 32 levels (each below 256) as u8: packed with saturation (exact in range) per 128-bit lane,
/// then the lanes' dwords put back in order.
QS_FK_ATTR static inline void qs_store_u8_block(unsigned char *plane, const qs_ivec block[4]) {
    const __m256i bytes =
        _mm256_packus_epi16(_mm256_packus_epi32(block[0], block[1]), _mm256_packus_epi32(block[2], block[3]));
    // Lane L's dwords are groups L of block[0..3]; dword 2k + g of the result is group g of block[k].
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    _mm256_storeu_si256((__m256i *)plane, _mm256_permutevar8x32_epi32(bytes, order));
}

/// 16 levels (each below 65536) as 16-bit elements: packed with saturation (exact in range) per
/// 128-bit lane, then the lanes' qwords put back in order.
QS_FK_ATTR static inline void qs_store_u16_block(unsigned char *plane, const qs_ivec block[2]) {
    // Lane L's qwords are groups L of block[0] and block[1]; qword 2k + g of the result is group g of block[k].
    const __m256i words = _mm256_permute4x64_epi64(_mm256_packus_epi32(block[0], block[1]), 0xD8);
    _mm256_storeu_si256((__m256i *)plane, words);
}

#include "float_kernels_template.h"

#else
void qs_gelu_f32_avx2(float *x, size_t n) { (void)x; (void)n; __builtin_trap(); }
void qs_exp_f32_avx2(float *x, size_t n) { (void)x; (void)n; __builtin_trap(); }
void qs_erf_f32_avx2(float *x, size_t n) { (void)x; (void)n; __builtin_trap(); }
void qs_softmax_f32_avx2(float *row, size_t n) { (void)row; (void)n; __builtin_trap(); }
void qs_add_layernorm_f32_avx2(float *x, const float *residual, size_t rows, size_t cols,
                               const float *gamma, const float *beta, float epsilon) {
    (void)x; (void)residual; (void)rows; (void)cols; (void)gamma; (void)beta; (void)epsilon;
    __builtin_trap();
}
void qs_quantize_rows_avx2(const qs_quantize_job *job) { (void)job; __builtin_trap(); }
void qs_add_layernorm_quantize_avx2(float *x, const float *residual, const float *gamma, const float *beta,
                                    float epsilon, const qs_quantize_job *job) {
    (void)x; (void)residual; (void)gamma; (void)beta; (void)epsilon; (void)job;
    __builtin_trap();
}
#endif
