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

#define QS_SQRT_TWO 1.41421356f

/// GELU(x) = x * (1/2 + r), r = t * P(t^2) / Q(t^2) ~ erf(t / sqrt 2) / 2, t = x clamped to
/// [-QS_ERF_ONE, QS_ERF_ONE], P of degree 4, Q of degree 3, Q(0) = 1; erf(s) = 2 r(sqrt 2 * s).
/// The 1/sqrt 2 and the 1/2 are folded into P and Q: 10 operations on the FMA pipes per vector
/// (t^2, t * P, x * (1/2 + r) and 7 FMA) besides a min, a max, an add and the division; the
/// previous form (erf of x/sqrt 2 with degrees 5/5, then x/2 + x/2 * erf) took 15.
/// Fitted for this project by scripts/fit-erf.py (minimax for the absolute error of erf on
/// [0, 3.38], 1.64e-6 before rounding to float; it prints these lines). QS_ERF_ONE is the
/// largest float at which the float evaluation gives r = 1/2 exactly: beyond it erf is exactly
/// +-1, GELU exactly 0 for x < -QS_ERF_ONE and exactly x for x > QS_ERF_ONE (erfc(3.38) = 1.75e-6
/// is the clamp's share of the error). In float with FMA the maximum absolute error of erf is
/// 1.89e-6 (at 2.861024, measured over every non-negative float on AVX-512; erf is odd and so
/// is its evaluation), GELU's 1.03e-6 times max(1, |x|) (every float of [-8, 8]);
/// QS_ERF_MAX_ABS_ERROR bounds erf's. GELU's output is quantized to u8 right after, a step of
/// about range/255, four orders of magnitude coarser (MiniLM's embeddings: min cosine 0.997355,
/// mean 0.999479 against the fp32 reference; 0.997328 and 0.999483 with the 3.9e-7 erf before).
/// The division stays: rcp14 + one residual correction (within 1 ulp of it on every float)
/// measured 1.7 % slower in the GELU GEMM epilogue on Zen 4 (with the previous degrees 5/5),
/// where the divider runs beside the FMA pipes and the correction adds four operations to them.
#define QS_ERF_ONE 4.7800398f
#define QS_ERF_MAX_ABS_ERROR 2e-6f
#define QS_ERF_P0 3.989467919e-01f
#define QS_ERF_P1 2.781809680e-02f
#define QS_ERF_P2 3.983190283e-03f
#define QS_ERF_P3 3.988308526e-05f
#define QS_ERF_P4 (-4.627356276e-08f)
#define QS_ERF_Q1 2.364513129e-01f
#define QS_ERF_Q2 2.431668527e-02f
#define QS_ERF_Q3 1.265918021e-03f

#endif
