// Elementary functions on 8 floats (AVX2 + FMA): the twins of vector_math_avx512.h, the same
// code (vector_math_template.h), constants and error bounds, bit-identical results. Internal
// header: call these only from functions compiled with at least target("avx2,fma").
//
//   __m256 qs_exp_avx2(__m256)             e^x within 2 ulp on [QS_EXP_LOWER_LIMIT,
//                                          QS_EXP_UPPER_LIMIT]; 0 below, +inf above, NaN for NaN.
//   __m256 qs_exp_nonpositive_avx2(__m256) e^x for x <= 0 (-inf included), 0 below the lower
//                                          limit and for NaN.
//   __m256 qs_erf_avx2(__m256)             erf(x), absolute error at most QS_ERF_MAX_ABS_ERROR
//                                          over all floats.
//   __m256 qs_gelu_avx2(__m256)            x/2 * (1 + erf(x/sqrt 2)).
#ifndef QS_VECTOR_MATH_AVX2_H
#define QS_VECTOR_MATH_AVX2_H
#if defined(__x86_64__)
#include <immintrin.h>
#include "vector_math_constants.h"

#define QS_VM_FUNC(name) name##_avx2
#define QS_VM_ATTR __attribute__((always_inline, target("avx2,fma"))) static inline
#define qs_vm_vec __m256
#define qs_vm_ivec __m256i
#define qs_vm_mask __m256
#define QS_VM_SET1 _mm256_set1_ps
#define QS_VM_ADD _mm256_add_ps
#define QS_VM_SUB _mm256_sub_ps
#define QS_VM_MUL _mm256_mul_ps
#define QS_VM_DIV _mm256_div_ps
#define QS_VM_FMADD _mm256_fmadd_ps
#define QS_VM_FNMADD _mm256_fnmadd_ps
#define QS_VM_MIN _mm256_min_ps
#define QS_VM_MAX _mm256_max_ps
#define QS_VM_AS_INT _mm256_castps_si256
#define QS_VM_AS_FLOAT _mm256_castsi256_ps
#define QS_VM_SET1_INT _mm256_set1_epi32
#define QS_VM_ADD_INT _mm256_add_epi32
#define QS_VM_SUB_INT _mm256_sub_epi32
#define QS_VM_SHIFT_LEFT _mm256_slli_epi32
#define QS_VM_CMP _mm256_cmp_ps
#define QS_VM_SELECT(mask, if_true, if_false) _mm256_blendv_ps((if_false), (if_true), (mask))
#define QS_VM_ABS(x) _mm256_andnot_ps(_mm256_set1_ps(-0.0f), (x))
#define QS_VM_COPY_SIGN(magnitude, x) _mm256_or_ps((magnitude), _mm256_and_ps((x), _mm256_set1_ps(-0.0f)))
#include "vector_math_template.h"

#endif
#endif
