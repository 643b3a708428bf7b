// The fp32 kernels of CFloatKernels.h on AVX-512 F/BW: 16 lanes, opmask tails.
#include "CKernels.h"
#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>
#include "vector_math_avx512.h"

#define QS_FK_ATTR __attribute__((target("avx512f,avx512bw")))
#define QS_GELU_FUNC qs_gelu_f32_avx512
#define QS_EXP_FUNC qs_exp_f32_avx512
#define QS_ERF_FUNC qs_erf_f32_avx512
#define QS_SOFTMAX_FUNC qs_softmax_f32_avx512
#define QS_ADD_LAYERNORM_FUNC qs_add_layernorm_f32_avx512
#define QS_QUANTIZE_FUNC qs_quantize_rows_avx512
#define QS_ADD_LAYERNORM_QUANTIZE_FUNC qs_add_layernorm_quantize_avx512
#define QS_LANES 16
typedef __m512 qs_vec;
typedef __m512i qs_ivec;
typedef __mmask16 qs_mask;

#define QS_SET1 _mm512_set1_ps
#define QS_ADD _mm512_add_ps
#define QS_SUB _mm512_sub_ps
#define QS_MUL _mm512_mul_ps
#define QS_FMADD _mm512_fmadd_ps
#define QS_MIN _mm512_min_ps
#define QS_MAX _mm512_max_ps
#define QS_AS_INT _mm512_castps_si512
#define QS_SET1_INT _mm512_set1_epi32
#define QS_SUB_INT _mm512_sub_epi32
#define QS_MIN_INT _mm512_min_epi32
#define QS_MAX_INT _mm512_max_epi32
#define QS_SHIFT_RIGHT(v, bits) _mm512_srli_epi32((v), (bits))
#define QS_AND(v, bits) _mm512_and_si512((v), _mm512_set1_epi32(bits))
#define QS_EXP_NONPOSITIVE qs_exp_nonpositive_avx512
#define QS_GELU qs_gelu_avx512
#define QS_EXP qs_exp_avx512
#define QS_ERF qs_erf_avx512

QS_FK_ATTR static inline qs_mask qs_tail_mask(size_t n) { return (qs_mask)((1u << n) - 1); }
QS_FK_ATTR static inline qs_vec qs_load(const float *p) { return _mm512_loadu_ps(p); }
QS_FK_ATTR static inline void qs_store(float *p, qs_vec v) { _mm512_storeu_ps(p, v); }
QS_FK_ATTR static inline qs_vec qs_load_tail(const float *p, qs_mask mask, float fill) {
    return _mm512_mask_loadu_ps(_mm512_set1_ps(fill), mask, p);
}
QS_FK_ATTR static inline void qs_store_tail(float *p, qs_mask mask, qs_vec v) { _mm512_mask_storeu_ps(p, mask, v); }
QS_FK_ATTR static inline qs_vec qs_zero_tail(qs_vec v, qs_mask mask) { return _mm512_maskz_mov_ps(mask, v); }
QS_FK_ATTR static inline float qs_reduce_add(qs_vec v) { return _mm512_reduce_add_ps(v); }
QS_FK_ATTR static inline float qs_reduce_min(qs_vec v) { return _mm512_reduce_min_ps(v); }
QS_FK_ATTR static inline float qs_reduce_max(qs_vec v) { return _mm512_reduce_max_ps(v); }

/// `count` levels (each below 256 or 65536 as the plane needs) as u8 or int16 elements.
QS_FK_ATTR static inline void qs_store_levels(unsigned char *plane, size_t element_bytes, qs_ivec values, size_t count) {
    const qs_mask mask = count < QS_LANES ? qs_tail_mask(count) : (qs_mask)0xFFFF;
    if (element_bytes == 1) _mm512_mask_cvtepi32_storeu_epi8(plane, mask, values);
    else _mm512_mask_cvtepi32_storeu_epi16(plane, mask, values);
}

/// 64 levels (each below 256) as u8: packed with saturation (exact in range) per 128-bit lane,
/// then the lanes' dwords put back in order.
QS_FK_ATTR static inline void qs_store_u8_block(unsigned char *plane, const qs_ivec block[4]) {
    const __m512i bytes =
        _mm512_packus_epi16(_mm512_packus_epi32(block[0], block[1]), _mm512_packus_epi32(block[2], block[3]));
    // Lane L's dwords are groups L of block[0..3]; dword 4k + g of the result is group g of block[k].
    const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    _mm512_storeu_si512(plane, _mm512_permutexvar_epi32(order, bytes));
}

/// 32 levels (each below 65536) as 16-bit elements: packed with saturation (exact in range) per
/// 128-bit lane, then the lanes' qwords put back in order.
QS_FK_ATTR static inline void qs_store_u16_block(unsigned char *plane, const qs_ivec block[2]) {
    const __m512i words = _mm512_packus_epi32(block[0], block[1]);
    // Lane L's qwords are groups L of block[0] and block[1]; qword 4k + g of the result is group g of block[k].
    const __m512i order = _mm512_setr_epi64(0, 2, 4, 6, 1, 3, 5, 7);
    _mm512_storeu_si512(plane, _mm512_permutexvar_epi64(order, words));
}

#include "float_kernels_template.h"

#else
void qs_gelu_f32_avx512(float *x, size_t n) { (void)x; (void)n; __builtin_trap(); }
void qs_exp_f32_avx512(float *x, size_t n) { (void)x; (void)n; __builtin_trap(); }
void qs_erf_f32_avx512(float *x, size_t n) { (void)x; (void)n; __builtin_trap(); }
void qs_softmax_f32_avx512(float *row, size_t n) { (void)row; (void)n; __builtin_trap(); }
void qs_add_layernorm_f32_avx512(float *x, const float *residual, size_t rows, size_t cols,
                                 const float *gamma, const float *beta, float epsilon) {
    (void)x; (void)residual; (void)rows; (void)cols; (void)gamma; (void)beta; (void)epsilon;
    __builtin_trap();
}
void qs_quantize_rows_avx512(const qs_quantize_job *job) { (void)job; __builtin_trap(); }
void qs_add_layernorm_quantize_avx512(float *x, const float *residual, const float *gamma, const float *beta,
                                      float epsilon, const qs_quantize_job *job) {
    (void)x; (void)residual; (void)gamma; (void)beta; (void)epsilon; (void)job;
    __builtin_trap();
}
#endif
