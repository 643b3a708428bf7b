// Constants shared by vector_math_avx512.h and vector_math_avx2.h (internal header).
#ifndef QS_VECTOR_MATH_CONSTANTS_H
#define QS_VECTOR_MATH_CONSTANTS_H

/// Below this e^x is subnormal: exp gives 0 (VectorMath.expLowerLimit).
#define QS_EXP_LOWER_LIMIT (-87.33655f)
/// Above this 2^n leaves the exponent range: exp gives +inf (VectorMath.expUpperLimit).
#define QS_EXP_UPPER_LIMIT 88.37626f
/// 1.5 * 2^23: adding and subtracting it rounds a float below 2^22 to the nearest integer,
/// which is then also the low mantissa bits of the sum.
#define QS_ROUNDING_MAGIC 12582912.0f
#define QS_LOG2E 1.44269504f
/// ln 2 = QS_LN2_HIGH + QS_LN2_LOW, the high part exact in 9 bits so n * high is exact.
#define QS_LN2_HIGH 0.693359375f
#define QS_LN2_LOW (-2.12194440e-4f)
/// e^r = 1 + r + r^2 (P5 + r (P4 + ... + r P0)) on |r| <= ln2/2.
#define QS_EXP_P0 1.98756915e-4f
#define QS_EXP_P1 1.39819995e-3f
#define QS_EXP_P2 8.3334519e-3f
#define QS_EXP_P3 4.16657959e-2f
#define QS_EXP_P4 0.166666655f
#define QS_EXP_P5 0.50000001f

#define QS_SQRT_HALF 0.70710678f

/// erf, fitted for this project (Lawson's iteratively reweighted least squares, which converges
/// to the minimax fit, on 20 000 points per interval, coefficients rounded to float):
/// - |x| < QS_ERF_SPLIT: erf(x) = x * P(x^2), P of degree 5, minimax for the absolute error of
///   erf (3.7e-9 before rounding to float);
/// - QS_ERF_SPLIT <= |x| < QS_ERF_ONE: erf(x) = 1 - e^Q(|x|), Q of degree 6 fitted to
///   log(erfc |x|) weighted by erfc |x| (absolute error of erf 1.8e-9 before rounding);
/// - beyond QS_ERF_ONE, erfc(x) < 2.6e-8 and erf(x) rounds to 1 in float.
/// In float with FMA the maximum absolute error over all floats is 7.5e-8 (QS_ERF_MAX_ABS_ERROR bounds it);
/// measured against libm's erf in double on every float of [0, 4.5] (beyond, both round to 1).
#define QS_ERF_SPLIT 0.875f
#define QS_ERF_ONE 3.92f
#define QS_ERF_MAX_ABS_ERROR 1e-7f
#define QS_ERF_SMALL_C0 1.128379107e+00f
#define QS_ERF_SMALL_C1 (-3.761243522e-01f)
#define QS_ERF_SMALL_C2 1.128163263e-01f
#define QS_ERF_SMALL_C3 (-2.676724084e-02f)
#define QS_ERF_SMALL_C4 5.000886973e-03f
#define QS_ERF_SMALL_C5 (-6.055900012e-04f)
#define QS_ERF_LARGE_C0 (-1.441952190e-04f)
#define QS_ERF_LARGE_C1 (-1.127889395e+00f)
#define QS_ERF_LARGE_C2 (-6.368205547e-01f)
#define QS_ERF_LARGE_C3 (-1.042503044e-01f)
#define QS_ERF_LARGE_C4 2.238108031e-02f
#define QS_ERF_LARGE_C5 (-3.082008567e-03f)
#define QS_ERF_LARGE_C6 1.999026717e-04f

#endif
