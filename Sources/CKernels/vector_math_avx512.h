// Elementary functions on 16 floats (AVX-512F, fused multiply-add) for the fp32 kernels and the
// GEMM and attention epilogues. Internal header: include it from a .c file of CKernels and call
// these only from functions compiled with at least target("avx512f").
//
//   qs_exp_avx512             e^x within 2 ulp on [QS_EXP_LOWER_LIMIT, QS_EXP_UPPER_LIMIT];
//                             0 below, +inf above, NaN for NaN (the limits of VectorMath.swift).
//   qs_exp_nonpositive_avx512 e^x for x <= 0 (-inf included), 0 below the lower limit and for NaN.
//   qs_erf_avx512             erf(x), absolute error at most QS_ERF_MAX_ABS_ERROR over all floats.
//   qs_gelu_avx512            x/2 * (1 + erf(x/sqrt 2)).
//
// vector_math_avx2.h holds the same functions on 8 floats; vector_math_constants.h the shared
// constants and the erf polynomial (see there for how it was fitted).
#ifndef QS_VECTOR_MATH_AVX512_H
#define QS_VECTOR_MATH_AVX512_H
#if defined(__x86_64__)
#include <immintrin.h>
#include "vector_math_constants.h"

#define QS_VM_AVX512 __attribute__((always_inline, target("avx512f"))) static inline

/// e^r * 2^n for x in [QS_EXP_LOWER_LIMIT, QS_EXP_UPPER_LIMIT]: x = n ln2 + r, |r| <= ln2/2
/// (ln2 in two parts), a degree-6 polynomial for e^r, 2^n built in the exponent bits.
QS_VM_AVX512 __m512 qs_exp_in_range_avx512(__m512 x) {
    const __m512 magic = _mm512_set1_ps(QS_ROUNDING_MAGIC);
    const __m512 shifted = _mm512_fmadd_ps(x, _mm512_set1_ps(QS_LOG2E), magic);
    const __m512 n = _mm512_sub_ps(shifted, magic);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(QS_LN2_HIGH), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(QS_LN2_LOW), r);
    __m512 p = _mm512_fmadd_ps(r, _mm512_set1_ps(QS_EXP_P0), _mm512_set1_ps(QS_EXP_P1));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(QS_EXP_P2));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(QS_EXP_P3));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(QS_EXP_P4));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(QS_EXP_P5));
    const __m512 er = _mm512_add_ps(_mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r), _mm512_set1_ps(1.0f));
    const __m512i exponent = _mm512_sub_epi32(_mm512_castps_si512(shifted), _mm512_castps_si512(magic));
    const __m512i two_to_n = _mm512_slli_epi32(_mm512_add_epi32(exponent, _mm512_set1_epi32(127)), 23);
    return _mm512_mul_ps(er, _mm512_castsi512_ps(two_to_n));
}

/// e^x: 0 below QS_EXP_LOWER_LIMIT (-inf included), +inf above QS_EXP_UPPER_LIMIT, NaN for NaN.
QS_VM_AVX512 __m512 qs_exp_avx512(__m512 x) {
    const __m512 lower = _mm512_set1_ps(QS_EXP_LOWER_LIMIT), upper = _mm512_set1_ps(QS_EXP_UPPER_LIMIT);
    // max/min return their second operand when one is NaN: NaN goes through.
    const __m512 clamped = _mm512_min_ps(upper, _mm512_max_ps(lower, x));
    __m512 result = qs_exp_in_range_avx512(clamped);
    result = _mm512_mask_mov_ps(result, _mm512_cmp_ps_mask(x, lower, _CMP_LT_OQ), _mm512_setzero_ps());
    return _mm512_mask_mov_ps(result, _mm512_cmp_ps_mask(x, upper, _CMP_GT_OQ), _mm512_set1_ps(__builtin_inff()));
}

/// e^x for x <= 0, -inf included: cheaper than qs_exp_avx512 (no clamping); lanes below
/// QS_EXP_LOWER_LIMIT, and NaN lanes, give 0 (as VectorMath.expOfNonPositive).
QS_VM_AVX512 __m512 qs_exp_nonpositive_avx512(__m512 x) {
    const __mmask16 in_range = _mm512_cmp_ps_mask(x, _mm512_set1_ps(QS_EXP_LOWER_LIMIT), _CMP_GE_OQ);
    return _mm512_maskz_mov_ps(in_range, qs_exp_in_range_avx512(x));
}

/// erf(x): x * P(x^2) for |x| < QS_ERF_SPLIT, 1 - e^Q(|x|) up to QS_ERF_ONE (where erf rounds
/// to 1), the sign restored; NaN gives NaN. Both branches run; a mask picks per lane.
QS_VM_AVX512 __m512 qs_erf_avx512(__m512 x) {
    const __m512i sign_mask = _mm512_set1_epi32((int)0x80000000u);
    const __m512 magnitude = _mm512_castsi512_ps(_mm512_andnot_si512(sign_mask, _mm512_castps_si512(x)));
    const __m512 square = _mm512_mul_ps(x, x);
    __m512 p = _mm512_fmadd_ps(square, _mm512_set1_ps(QS_ERF_SMALL_C5), _mm512_set1_ps(QS_ERF_SMALL_C4));
    p = _mm512_fmadd_ps(p, square, _mm512_set1_ps(QS_ERF_SMALL_C3));
    p = _mm512_fmadd_ps(p, square, _mm512_set1_ps(QS_ERF_SMALL_C2));
    p = _mm512_fmadd_ps(p, square, _mm512_set1_ps(QS_ERF_SMALL_C1));
    p = _mm512_fmadd_ps(p, square, _mm512_set1_ps(QS_ERF_SMALL_C0));
    const __m512 small = _mm512_mul_ps(p, magnitude);

    const __m512 t = _mm512_min_ps(magnitude, _mm512_set1_ps(QS_ERF_ONE));  // NaN -> QS_ERF_ONE
    __m512 q = _mm512_fmadd_ps(t, _mm512_set1_ps(QS_ERF_LARGE_C6), _mm512_set1_ps(QS_ERF_LARGE_C5));
    q = _mm512_fmadd_ps(q, t, _mm512_set1_ps(QS_ERF_LARGE_C4));
    q = _mm512_fmadd_ps(q, t, _mm512_set1_ps(QS_ERF_LARGE_C3));
    q = _mm512_fmadd_ps(q, t, _mm512_set1_ps(QS_ERF_LARGE_C2));
    q = _mm512_fmadd_ps(q, t, _mm512_set1_ps(QS_ERF_LARGE_C1));
    q = _mm512_fmadd_ps(q, t, _mm512_set1_ps(QS_ERF_LARGE_C0));
    __m512 large = _mm512_sub_ps(_mm512_set1_ps(1.0f), qs_exp_nonpositive_avx512(q));
    large = _mm512_mask_mov_ps(large, _mm512_cmp_ps_mask(magnitude, _mm512_set1_ps(QS_ERF_ONE), _CMP_GE_OQ),
                               _mm512_set1_ps(1.0f));

    // Small lanes and NaN lanes (where `small` is NaN) take the first branch.
    const __mmask16 take_small = _mm512_cmp_ps_mask(magnitude, _mm512_set1_ps(QS_ERF_SPLIT), _CMP_NGE_UQ);
    const __m512 result = _mm512_mask_mov_ps(large, take_small, small);
    const __m512i sign = _mm512_and_si512(_mm512_castps_si512(x), sign_mask);
    return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(result), sign));
}

/// GELU, exact erf form: h + h * erf(x / sqrt 2) with h = x/2.
QS_VM_AVX512 __m512 qs_gelu_avx512(__m512 x) {
    const __m512 half = _mm512_mul_ps(x, _mm512_set1_ps(0.5f));
    return _mm512_fmadd_ps(half, qs_erf_avx512(_mm512_mul_ps(x, _mm512_set1_ps(QS_SQRT_HALF))), half);
}

#undef QS_VM_AVX512
#endif
#endif
