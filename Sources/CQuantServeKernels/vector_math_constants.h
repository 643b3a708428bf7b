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

/// erf(s) = s * P(s^2) / Q(s^2) on [-QS_ERF_ONE, QS_ERF_ONE], P and Q of degree 5, Q(0) = 1,
/// fitted for this project by scripts/fit-erf.py (minimax for the absolute error of erf, 1.6e-8
/// before rounding to float; it prints these lines). Beyond QS_ERF_ONE erfc < 2.6e-8: the
/// clamped s gives exactly +-1 (the script picks QS_ERF_ONE so). In float with FMA the maximum
/// absolute error is 3.87e-7 (at 3.7153642, measured over every non-negative float on AVX-512;
/// erf is odd and so is its evaluation); QS_ERF_MAX_ABS_ERROR bounds it. The division stays:
/// rcp14 + one residual correction (within 1 ulp of it on every float) measured 1.7 % slower in
/// the GELU GEMM epilogue on Zen 4, where the divider runs beside the FMA pipes that the
/// polynomial saturates and the correction adds four operations to them. GELU's output
/// is quantized to u8 right after, a step of about range/255, five orders of magnitude coarser.
#define QS_ERF_ONE 3.9199996f
#define QS_ERF_MAX_ABS_ERROR 4e-7f
#define QS_ERF_P0 1.128378987e+00f
#define QS_ERF_P1 1.927660257e-01f
#define QS_ERF_P2 5.306037515e-02f
#define QS_ERF_P3 3.868307453e-03f
#define QS_ERF_P4 2.874609781e-04f
#define QS_ERF_P5 2.034488034e-06f
#define QS_ERF_Q1 5.041661263e-01f
#define QS_ERF_Q2 1.150850952e-01f
#define QS_ERF_Q3 1.517227665e-02f
#define QS_ERF_Q4 1.188076334e-03f
#define QS_ERF_Q5 3.806710811e-05f

#endif
