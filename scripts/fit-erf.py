#!/usr/bin/env python3
"""Fits the erf of Sources/CQuantServeKernels/vector_math_constants.h and prints its #defines.

erf(s) = s * P(s^2) / Q(s^2) for s clamped to [-QS_ERF_ONE, QS_ERF_ONE], P and Q of degree 5,
Q(0) = 1: one branch, no exp, one division (bit-identical on AVX-512 and AVX2, unlike rcp14).
The fit minimizes the maximum absolute error of erf (Loeb's linearization, 1 / Q of the previous
step as weight, inside Lawson's reweighting, which converges to the minimax fit). The clamp
point is then moved down float by float until the float evaluation (FMA, the kernel's order)
at it gives exactly 1, so erf of every |s| beyond is exactly +-1 and GELU(-huge) is 0.
The maximum error is checked in float arithmetic (FMA emulated in double) on every 7th float
of [0, 4.5]; the Swift tests check the kernels themselves against libm.
Run: .venv/bin/python scripts/fit-erf.py
"""
import math
import numpy as np

DEGREE_P, DEGREE_Q = 5, 5
LIMIT = 3.92  # erfc(3.92) = 2.6e-8: beyond it erf rounds to 1 in float
f32 = np.float32


def fit():
    s = np.linspace(1e-4, LIMIT, 4000)
    v = (s / LIMIT) ** 2  # the fit in v in [0, 1] keeps the least squares well conditioned
    target = np.array([math.erf(x) for x in s])
    g = target / s
    weights, previous_q = np.ones_like(s), np.ones_like(s)
    powers_p = np.stack([v**i for i in range(DEGREE_P + 1)], 1)
    powers_q = np.stack([v**i for i in range(1, DEGREE_Q + 1)], 1)
    for _ in range(80):
        scale = s / previous_q
        a = np.concatenate([powers_p, -g[:, None] * powers_q], 1) * scale[:, None]
        root = np.sqrt(weights)
        coefficients, *_ = np.linalg.lstsq(a * root[:, None], g * scale * root, rcond=None)
        p, q = powers_p @ coefficients[: DEGREE_P + 1], 1 + powers_q @ coefficients[DEGREE_P + 1 :]
        error = np.abs(s * p / q - target)
        weights = weights * error
        weights /= weights.sum()
        previous_q = np.abs(q)
    assert q.min() > 0, "Q has a zero in the range"
    # back to powers of u = s^2: the coefficient of v^i divided by LIMIT^(2i), rounded to float
    p_u = [f32(c / LIMIT ** (2 * i)) for i, c in enumerate(coefficients[: DEGREE_P + 1])]
    q_u = [f32(1)] + [f32(c / LIMIT ** (2 * i)) for i, c in enumerate(coefficients[DEGREE_P + 1 :], 1)]
    return p_u, q_u, error.max()


def fma(a, b, c):
    return (a.astype(np.float64) * b + c).astype(f32)


def erf_float(x, p_u, q_u, limit):
    """The kernel's arithmetic: clamp, u = s*s, Horner with FMA, s*P, division."""
    s = np.minimum(f32(limit), np.maximum(f32(-limit), x.astype(f32)))
    u = (s * s).astype(f32)
    p = fma(u, p_u[-1], p_u[-2])
    for c in reversed(p_u[:-2]):
        p = fma(p, u, c)
    q = fma(u, q_u[-1], q_u[-2])
    for c in reversed(q_u[:-2]):
        q = fma(q, u, c)
    return ((s * p).astype(f32) / q).astype(f32)


def main():
    p_u, q_u, exact_error = fit()
    limit = f32(LIMIT)
    while erf_float(np.array([limit]), p_u, q_u, limit)[0] != 1:
        limit = np.nextafter(limit, f32(0))
    floats = np.arange(0, np.float32(4.5).view(np.int32), 7, dtype=np.int32).view(f32)
    reference = np.array([math.erf(float(x)) for x in floats])
    float_error = np.abs(erf_float(floats, p_u, q_u, limit).astype(np.float64) - reference).max()
    print(f"// minimax error {exact_error:.2e} before rounding, {float_error:.2e} in float")
    print(f"#define QS_ERF_ONE {float(limit):.8g}f")
    for name, coefficients in (("P", p_u), ("Q", q_u[1:])):
        start = 0 if name == "P" else 1
        for i, c in enumerate(coefficients, start):
            text = f"{c:.9e}f"
            print(f"#define QS_ERF_{name}{i} " + (f"({text})" if c < 0 else text))


if __name__ == "__main__":
    main()
