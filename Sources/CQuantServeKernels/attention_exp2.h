// The exponential of the fp32 attention kernels' softmax (attention_template.h).
#ifndef QS_ATTENTION_EXP2_H
#define QS_ATTENTION_EXP2_H

/// 2^f for f in [-1/2, 1/2]: c0 + f·(c1 + f·(… c5)), fitted by scripts/fit-softmax-exp2.py
/// (minimax for the relative error; 2.12e-7 in float with FMA, about 2 ulp). The softmax takes
/// 2^t = 2^n · 2^f, n = round(t), with the score scale multiplied by log2 e beforehand: 11
/// operations per vector where the general `qs_exp_nonpositive` takes 18 (its range reduction in
/// two parts of ln 2, a degree-7 polynomial, the range select).
#define QS_ATTENTION_EXP2_C0 1.000000119e+00f
#define QS_ATTENTION_EXP2_C1 6.931469440e-01f
#define QS_ATTENTION_EXP2_C2 2.402212024e-01f
#define QS_ATTENTION_EXP2_C3 5.550713465e-02f
#define QS_ATTENTION_EXP2_C4 9.675537236e-03f
#define QS_ATTENTION_EXP2_C5 1.327644452e-03f

/// The lowest exponent t taken: below it (-inf and NaN included) 2^t is replaced by 2^-125
/// (about 2.4e-38, still a normal float, so adding n to the exponent bits never wraps). In a
/// softmax every row holds a 1 (its maximum), so such a term changes neither the sum nor,
/// multiplied by a value, the context.
#define QS_ATTENTION_EXP2_LOWEST (-125.0f)

/// 2^log2(e) = e: the factor that turns the softmax's natural exponent into a power of two.
#define QS_ATTENTION_LOG2E 1.44269504f
#endif
