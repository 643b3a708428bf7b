// Elementary functions on 16 floats (AVX-512F, fused multiply-add) for the fp32 kernels and the
// GEMM and attention epilogues. Internal header: include it from a .c file of CKernels and call
// these only from functions compiled with at least target("avx512f").
//
//   __m512 qs_exp_avx512(__m512)             e^x within 2 ulp on [QS_EXP_LOWER_LIMIT,
//                                            QS_EXP_UPPER_LIMIT]; 0 below, +inf above, NaN for NaN
//                                            (the limits of VectorMath.swift).
//   __m512 qs_exp_nonpositive_avx512(__m512) e^x for x <= 0 (-inf included), 0 below the lower
//                                            limit and for NaN.
//   __m512 qs_erf_avx512(__m512)             erf(x), absolute error at most QS_ERF_MAX_ABS_ERROR
//                                            over all floats.
//   __m512 qs_gelu_avx512(__m512)            x/2 * (1 + erf(x/sqrt 2)).
//
// vector_math_avx2.h holds the same functions on 8 floats (bit-identical results);
// vector_math_template.h the code of both, vector_math_constants.h the constants and the erf
// rational function (see there for how it was fitted).
#ifndef QS_VECTOR_MATH_AVX512_H
#define QS_VECTOR_MATH_AVX512_H
#if defined(__x86_64__)
#include <immintrin.h>
#include "vector_math_constants.h"

#define QS_VM_FUNC(name) name##_avx512
#define QS_VM_ATTR __attribute__((always_inline, target("avx512f"))) static inline
#define qs_vm_vec __m512
#define qs_vm_ivec __m512i
#define qs_vm_mask __mmask16
#define QS_VM_SET1 _mm512_set1_ps
#define QS_VM_ADD _mm512_add_ps
#define QS_VM_SUB _mm512_sub_ps
#define QS_VM_MUL _mm512_mul_ps
#define QS_VM_DIV _mm512_div_ps
#define QS_VM_FMADD _mm512_fmadd_ps
#define QS_VM_FNMADD _mm512_fnmadd_ps
#define QS_VM_MIN _mm512_min_ps
#define QS_VM_MAX _mm512_max_ps
#define QS_VM_AS_INT _mm512_castps_si512
#define QS_VM_AS_FLOAT _mm512_castsi512_ps
#define QS_VM_SET1_INT _mm512_set1_epi32
#define QS_VM_ADD_INT _mm512_add_epi32
#define QS_VM_SUB_INT _mm512_sub_epi32
#define QS_VM_SHIFT_LEFT _mm512_slli_epi32
#define QS_VM_CMP _mm512_cmp_ps_mask
#define QS_VM_SELECT(mask, if_true, if_false) _mm512_mask_mov_ps((if_false), (mask), (if_true))
// AVX-512F has no float and/or (that is DQ): the sign bit goes through the integer forms.
#define QS_VM_ABS(x) _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(0x7FFFFFFF)))
#define QS_VM_COPY_SIGN(magnitude, x)                                                    \
    _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(magnitude),                  \
                                        _mm512_and_si512(_mm512_castps_si512(x),          \
                                                         _mm512_set1_epi32((int)0x80000000u))))
#include "vector_math_template.h"

#endif
#endif
