#!/usr/bin/env python3
"""Fits the 2^f polynomial of Sources/CQuantServeKernels/attention_exp2.h and prints its #defines.

The fp32 attention kernels' softmax computes e^x = 2^t (t = x·log2 e, the log2 e folded into the
score scale) as 2^n · 2^f with n = round(t) and f = t - n in [-1/2, 1/2]: a degree-5
polynomial for 2^f (c0 + f·(c1 + … c5)), 2^n added to its exponent bits. The fit minimizes the
maximum relative error (Lawson's reweighted least squares, which converges to the minimax fit);
the maximum error is then checked in float arithmetic (Horner with FMA, emulated in double and
rounded to float at every step) on 400 001 points of [-1/2, 1/2].
Run: .venv/bin/python scripts/fit-softmax-exp2.py
"""
import numpy as np

DEGREE = 5


def fit():
    f = np.linspace(-0.5, 0.5, 20001)
    y = 2.0**f
    powers = np.stack([f**i for i in range(DEGREE + 1)], 1)
    weights = np.ones_like(f)
    for _ in range(200):
        root = np.sqrt(weights) / y
        coefficients, *_ = np.linalg.lstsq(powers * root[:, None], y * root, rcond=None)
        error = np.abs(powers @ coefficients - y) / y
        weights = weights * error
        weights /= weights.sum()
    return np.float32(coefficients)


def float_error(coefficients):
    f = np.float32(np.linspace(-0.5, 0.5, 400001))
    p = np.full_like(f, coefficients[DEGREE])
    for c in coefficients[DEGREE - 1 :: -1]:
        p = np.float32(np.float64(p) * np.float64(f) + np.float64(c))
    exact = 2.0 ** np.float64(f)
    return float(np.max(np.abs(np.float64(p) - exact) / exact))


if __name__ == "__main__":
    coefficients = fit()
    print(f"// maximum relative error in float: {float_error(coefficients):.3g}")
    for index, value in enumerate(coefficients):
        print(f"#define QS_ATTENTION_EXP2_C{index} {float(value):.9e}f")
