#!/usr/bin/env python3
"""Fits the erf of Sources/CQuantServeKernels/vector_math_constants.h and prints its #defines.

The kernels evaluate GELU(x) = x * (1/2 + r(t)), r(t) = t * P(t^2) / Q(t^2) ~ erf(t / sqrt 2) / 2,
t = x clamped to [-QS_ERF_ONE, QS_ERF_ONE], Q(0) = 1: the 1/sqrt 2 and the 1/2 of GELU are folded
into P and Q, so GELU costs the products t^2, t * P and x * (1/2 + r), one FMA per degree of P and
of Q (the FMA pipes' work), a min, a max, an add and one division (bit-identical on AVX-512 and
AVX2, unlike rcp14); the erf kernel takes t = sqrt 2 * s and returns 2 r.
The fit minimizes the maximum absolute error of erf(s) = s * P(s^2) / Q(s^2) on [0, end]
(Loeb's linearization, 1 / Q of the previous step as weight, inside Lawson's reweighting, which
converges to the minimax fit; the best iterate is kept); the coefficients are then moved to
t = sqrt 2 * s and halved in double, and rounded to float. The clamp point is the largest float
t <= sqrt 2 * end at which the float evaluation (FMA, the kernel's order) gives r = 1/2 exactly:
beyond it erf is exactly +-1, GELU(x) exactly 0 below -QS_ERF_ONE and exactly x above it.
Clamping early is part of the error budget (erfc(3.38) = 1.7e-6): with degrees 4/3 and end 3.38
erf's error is 1.85e-6 in float, GELU's 9.8e-7 times max(1, |x|), in 10 FMA-pipe operations
(degrees 5/5 and end 3.92, the previous fit: 3.2e-7, 13 operations; 4/4: 1.56e-6 at end 3.6,
11; 3/3: 5.3e-6 at end 3.5, 9). GELU's output is quantized to u8 right after, a step of about
range/255, four orders of magnitude coarser.
The errors are checked in float arithmetic (FMA emulated in double) on every STRIDE-th float of
[0, 6] for erf (its kernel: t = sqrt 2 * s rounded, then 2 r) and GELU (x * (1/2 + r), error over
max(1, |x|)); the Swift tests check the kernels themselves against libm.
Run: .venv/bin/python scripts/fit-erf.py [degree of P] [degree of Q] [end] (default 4 3 3.38).
"""
import math
import sys
import numpy as np

LIMIT = 3.38  # erfc(3.38) = 1.7e-6: the clamp's share of the error
STRIDE = 61
f32 = np.float32
exact_erf = np.frompyfunc(math.erf, 1, 1)


def fit(degree_p, degree_q, end):
    s = np.linspace(1e-4, end, 4000)
    v = (s / end) ** 2  # the fit in v in [0, 1] keeps the least squares well conditioned
    target = np.array([math.erf(x) for x in s])
    g = target / s
    weights, previous_q = np.ones_like(s), np.ones_like(s)
    best = (np.inf, None)
    powers_p = np.stack([v**i for i in range(degree_p + 1)], 1)
    powers_q = np.stack([v**i for i in range(1, degree_q + 1)], 1)
    for _ in range(80):
        scale = s / previous_q
        a = np.concatenate([powers_p, -g[:, None] * powers_q], 1) * scale[:, None]
        root = np.sqrt(weights)
        coefficients, *_ = np.linalg.lstsq(a * root[:, None], g * scale * root, rcond=None)
        p, q = powers_p @ coefficients[: degree_p + 1], 1 + powers_q @ coefficients[degree_p + 1 :]
        error = np.abs(s * p / q - target)
        if q.min() > 0 and error.max() < best[0]:
            best = (error.max(), coefficients)
        weights = weights * error
        weights /= weights.sum()
        previous_q = np.abs(q)
    assert best[1] is not None, "Q has a zero in the range"
    error, coefficients = best
    # To powers of u = t^2 = 2 s^2: the coefficient of v^i over (2 end^2)^i; P also over 2 sqrt 2
    # (s = t / sqrt 2 in front, erf / 2). Rounded to float.
    p_u = [f32(c / (2 * end**2) ** i / (2 * math.sqrt(2))) for i, c in enumerate(coefficients[: degree_p + 1])]
    q_u = [f32(1)] + [f32(c / (2 * end**2) ** i) for i, c in enumerate(coefficients[degree_p + 1 :], 1)]
    return p_u, q_u, error


def fma(a, b, c):
    return (a.astype(np.float64) * b + c).astype(f32)


def horner(u, coefficients):
    if len(coefficients) == 1:
        return np.full_like(u, coefficients[0])
    value = fma(u, coefficients[-1], coefficients[-2])
    for c in reversed(coefficients[:-2]):
        value = fma(value, u, c)
    return value


def half_erf_float(x, p_u, q_u, limit):
    """The kernel's arithmetic: clamp, u = t*t, Horner with FMA, t*P, division: erf(t / sqrt 2) / 2."""
    t = np.minimum(f32(limit), np.maximum(f32(-limit), x.astype(f32)))
    u = (t * t).astype(f32)
    return ((t * horner(u, p_u)).astype(f32) / horner(u, q_u)).astype(f32)


def clamp_point(p_u, q_u, end):
    """The largest float t <= sqrt 2 * end with r(t) = 1/2 exactly in float."""
    top = f32(math.sqrt(2) * end).view(np.int32)
    for width in (1 << 16, 1 << 20, 1 << 23):
        candidates = np.arange(top - width, top + 1, dtype=np.int32).view(f32)
        hits = candidates[half_erf_float(candidates, p_u, q_u, f32(np.inf)) == f32(0.5)]
        if len(hits):
            return hits.max()
    raise SystemExit("no float t gives r = 1/2 exactly: try other degrees")


def errors(p_u, q_u, limit):
    """Max |erf error| (the erf kernel's arithmetic) and max |GELU error| / max(1, |x|)."""
    erf_worst = gelu_worst = 0.0
    end = f32(6).view(np.int32)
    for start in range(0, end, STRIDE << 20):
        x = np.arange(start, min(start + (STRIDE << 20), end), STRIDE, dtype=np.int32).view(f32)
        t = (x * f32(math.sqrt(2))).astype(f32)
        erf = 2 * half_erf_float(t, p_u, q_u, limit).astype(np.float64)
        erf_worst = max(erf_worst, np.abs(erf - exact_erf(x.astype(np.float64)).astype(np.float64)).max())
        gelu = (x * (f32(0.5) + half_erf_float(x, p_u, q_u, limit))).astype(f32)
        x64 = x.astype(np.float64)
        exact = 0.5 * x64 * (1 + exact_erf(x64 / math.sqrt(2)).astype(np.float64))
        gelu_worst = max(gelu_worst, (np.abs(gelu - exact) / np.maximum(1, x64)).max())
    return erf_worst, gelu_worst


def main():
    degree_p, degree_q = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (4, 3)
    end = float(sys.argv[3]) if len(sys.argv) > 3 else LIMIT
    p_u, q_u, exact_error = fit(degree_p, degree_q, end)
    limit = clamp_point(p_u, q_u, end)
    erf_error, gelu_error = errors(p_u, q_u, limit)
    print(f"// degrees {degree_p}/{degree_q}: {3 + degree_p + degree_q} FMA-pipe operations per GELU vector")
    print(f"// minimax error of erf {exact_error:.2e} before rounding, {erf_error:.2e} in float;")
    print(f"// GELU {gelu_error:.2e} over max(1, |x|) (one float in {STRIDE} of [0, 6])")
    print(f"#define QS_ERF_ONE {float(limit):.8g}f")
    for name, coefficients in (("P", p_u), ("Q", q_u[1:])):
        start = 0 if name == "P" else 1
        for i, c in enumerate(coefficients, start):
            text = f"{c:.9e}f"
            print(f"#define QS_ERF_{name}{i} " + (f"({text})" if c < 0 else text))


if __name__ == "__main__":
    main()
