// Elementary functions on 8 floats (AVX2 + FMA): the twins of vector_math_avx512.h, with the
// same algorithms, constants and error bounds. Internal header: call these only from functions
// compiled with at least target("avx2,fma").
//
//   qs_exp_avx2             e^x within 2 ulp on [QS_EXP_LOWER_LIMIT, QS_EXP_UPPER_LIMIT];
//                           0 below, +inf above, NaN for NaN.
//   qs_exp_nonpositive_avx2 e^x for x <= 0 (-inf included), 0 below the lower limit and for NaN.
//   qs_erf_avx2             erf(x), absolute error at most QS_ERF_MAX_ABS_ERROR over all floats.
//   qs_gelu_avx2            x/2 * (1 + erf(x/sqrt 2)).
#ifndef QS_VECTOR_MATH_AVX2_H
#define QS_VECTOR_MATH_AVX2_H
#if defined(__x86_64__)
#include <immintrin.h>
#include "vector_math_constants.h"

#define QS_VM_AVX2 __attribute__((always_inline, target("avx2,fma"))) static inline

/// e^r * 2^n for x in [QS_EXP_LOWER_LIMIT, QS_EXP_UPPER_LIMIT] (see qs_exp_in_range_avx512).
QS_VM_AVX2 __m256 qs_exp_in_range_avx2(__m256 x) {
    const __m256 magic = _mm256_set1_ps(QS_ROUNDING_MAGIC);
    const __m256 shifted = _mm256_fmadd_ps(x, _mm256_set1_ps(QS_LOG2E), magic);
    const __m256 n = _mm256_sub_ps(shifted, magic);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(QS_LN2_HIGH), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(QS_LN2_LOW), r);
    __m256 p = _mm256_fmadd_ps(r, _mm256_set1_ps(QS_EXP_P0), _mm256_set1_ps(QS_EXP_P1));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(QS_EXP_P2));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(QS_EXP_P3));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(QS_EXP_P4));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(QS_EXP_P5));
    const __m256 er = _mm256_add_ps(_mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r), _mm256_set1_ps(1.0f));
    const __m256i exponent = _mm256_sub_epi32(_mm256_castps_si256(shifted), _mm256_castps_si256(magic));
    const __m256i two_to_n = _mm256_slli_epi32(_mm256_add_epi32(exponent, _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(er, _mm256_castsi256_ps(two_to_n));
}

/// e^x: 0 below QS_EXP_LOWER_LIMIT (-inf included), +inf above QS_EXP_UPPER_LIMIT, NaN for NaN.
QS_VM_AVX2 __m256 qs_exp_avx2(__m256 x) {
    const __m256 lower = _mm256_set1_ps(QS_EXP_LOWER_LIMIT), upper = _mm256_set1_ps(QS_EXP_UPPER_LIMIT);
    // max/min return their second operand when one is NaN: NaN goes through.
    const __m256 clamped = _mm256_min_ps(upper, _mm256_max_ps(lower, x));
    __m256 result = qs_exp_in_range_avx2(clamped);
    result = _mm256_andnot_ps(_mm256_cmp_ps(x, lower, _CMP_LT_OQ), result);
    return _mm256_blendv_ps(result, _mm256_set1_ps(__builtin_inff()), _mm256_cmp_ps(x, upper, _CMP_GT_OQ));
}

/// e^x for x <= 0, -inf included: cheaper than qs_exp_avx2 (no clamping); lanes below
/// QS_EXP_LOWER_LIMIT, and NaN lanes, give 0 (as VectorMath.expOfNonPositive).
QS_VM_AVX2 __m256 qs_exp_nonpositive_avx2(__m256 x) {
    const __m256 in_range = _mm256_cmp_ps(x, _mm256_set1_ps(QS_EXP_LOWER_LIMIT), _CMP_GE_OQ);
    return _mm256_and_ps(in_range, qs_exp_in_range_avx2(x));
}

/// erf(x): x * P(x^2) for |x| < QS_ERF_SPLIT, 1 - e^Q(|x|) up to QS_ERF_ONE (where erf rounds
/// to 1), the sign restored; NaN gives NaN. Both branches run; a mask picks per lane.
QS_VM_AVX2 __m256 qs_erf_avx2(__m256 x) {
    const __m256 sign_mask = _mm256_set1_ps(-0.0f);
    const __m256 magnitude = _mm256_andnot_ps(sign_mask, x);
    const __m256 square = _mm256_mul_ps(x, x);
    __m256 p = _mm256_fmadd_ps(square, _mm256_set1_ps(QS_ERF_SMALL_C5), _mm256_set1_ps(QS_ERF_SMALL_C4));
    p = _mm256_fmadd_ps(p, square, _mm256_set1_ps(QS_ERF_SMALL_C3));
    p = _mm256_fmadd_ps(p, square, _mm256_set1_ps(QS_ERF_SMALL_C2));
    p = _mm256_fmadd_ps(p, square, _mm256_set1_ps(QS_ERF_SMALL_C1));
    p = _mm256_fmadd_ps(p, square, _mm256_set1_ps(QS_ERF_SMALL_C0));
    const __m256 small = _mm256_mul_ps(p, magnitude);

    const __m256 one = _mm256_set1_ps(1.0f), limit = _mm256_set1_ps(QS_ERF_ONE);
    const __m256 t = _mm256_min_ps(magnitude, limit);  // NaN -> QS_ERF_ONE
    __m256 q = _mm256_fmadd_ps(t, _mm256_set1_ps(QS_ERF_LARGE_C6), _mm256_set1_ps(QS_ERF_LARGE_C5));
    q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(QS_ERF_LARGE_C4));
    q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(QS_ERF_LARGE_C3));
    q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(QS_ERF_LARGE_C2));
    q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(QS_ERF_LARGE_C1));
    q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(QS_ERF_LARGE_C0));
    __m256 large = _mm256_sub_ps(one, qs_exp_nonpositive_avx2(q));
    large = _mm256_blendv_ps(large, one, _mm256_cmp_ps(magnitude, limit, _CMP_GE_OQ));

    // Small lanes and NaN lanes (where `small` is NaN) take the first branch.
    const __m256 take_small = _mm256_cmp_ps(magnitude, _mm256_set1_ps(QS_ERF_SPLIT), _CMP_NGE_UQ);
    const __m256 result = _mm256_blendv_ps(large, small, take_small);
    return _mm256_or_ps(result, _mm256_and_ps(x, sign_mask));
}

/// GELU, exact erf form: h + h * erf(x / sqrt 2) with h = x/2.
QS_VM_AVX2 __m256 qs_gelu_avx2(__m256 x) {
    const __m256 half = _mm256_mul_ps(x, _mm256_set1_ps(0.5f));
    return _mm256_fmadd_ps(half, qs_erf_avx2(_mm256_mul_ps(x, _mm256_set1_ps(QS_SQRT_HALF))), half);
}

#undef QS_VM_AVX2
#endif
#endif
