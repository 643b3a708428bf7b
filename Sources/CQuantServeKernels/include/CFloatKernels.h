// fp32 kernels of a Transformer layer outside the GEMM (GELU, softmax, residual add + layer
// norm, per-token activation quantization), one variant per instruction set: _avx512 needs
// AVX-512 F and BW (qs_cpu_supports_avx512_fbw), _avx2 needs AVX2 and FMA
// (qs_cpu_supports_avx2). Their Swift twins in Sources/QuantServeKernels (FloatKernels,
// ActivationQuantizer) are the portable path; the Kernels tests compare the two.
#ifndef CFLOATKERNELS_H
#define CFLOATKERNELS_H
#include <stdint.h>
#include <stddef.h>

/// 1 when the CPU and the OS support AVX-512 F and BW (opmask and zmm state enabled).
int qs_cpu_supports_avx512_fbw(void);

// MARK: - Element-wise and row kernels

/// GELU in its exact erf form, x/2 (1 + erf(x/sqrt 2)), in place. erf by a minimax rational
/// function with absolute error below 2e-6 over all floats, so the absolute error of GELU is
/// below 2e-6 |x| / 2 plus rounding; exactly 0 below -4.78, exactly x above 4.78. NaN stays NaN,
/// +inf gives +inf, -inf gives NaN (as the Swift twin).
void qs_gelu_f32_avx512(float *x, size_t n);
void qs_gelu_f32_avx2(float *x, size_t n);

/// e^x in place, within 2 ulp on [-87.34, 88.38]; 0 below, +inf above, NaN for NaN.
void qs_exp_f32_avx512(float *x, size_t n);
void qs_exp_f32_avx2(float *x, size_t n);

/// erf in place, absolute error below 2e-6 over all floats (the rational function of GELU), exactly
/// +-1 beyond 3.38; NaN stays NaN.
void qs_erf_f32_avx512(float *x, size_t n);
void qs_erf_f32_avx2(float *x, size_t n);

/// Softmax of one row in place: exp(x - max) / sum, exp within 2 ulp. -inf entries (masked
/// positions) and NaN entries get 0; a row that is -inf everywhere becomes zeros; a row with
/// +inf entries shares the mass equally among them (FloatKernels.softmax's conventions).
void qs_softmax_f32_avx512(float *row, size_t n);
void qs_softmax_f32_avx2(float *row, size_t n);

/// For each of `rows` contiguous rows of `cols` floats: x = LayerNorm(x + residual) in place,
/// (v - mean) / sqrt(var + epsilon) * gamma + beta with the variance from the deviations (two
/// passes, so a large mean costs no precision). `residual` has the same layout as x, or is NULL
/// for a plain layer norm.
void qs_add_layernorm_f32_avx512(float *x, const float *residual, size_t rows, size_t cols,
                                 const float *gamma, const float *beta, float epsilon);
void qs_add_layernorm_f32_avx2(float *x, const float *residual, size_t rows, size_t cols,
                               const float *gamma, const float *beta, float epsilon);

// MARK: - Activation quantization

/// Per-token asymmetric quantization of rows of fp32 activations into the layout the int8
/// GEMM reads, bit-identical to ActivationQuantizer.swift / ActivationQuantization.swift:
/// per row, v = x[c] (or the float product x[c] * multiplier[c]); lo = min(min v, 0),
/// hi = max(max v, 0) (NaN ignored); scale = (hi - lo) / L with L = 255 (65535 when precise),
/// inverse = 1 / scale (both not normal: scale 1, inverse 1, zero point 0);
/// zero point = clamp(roundeven(-lo * inverse), 0, L); q = clamp(roundeven(v * inverse) + zero
/// point, 0, L) with NaN giving 0. No fused multiply-add anywhere.
typedef struct qs_quantize_job {
    /// `rows` rows of `cols` floats, `input_stride` floats apart.
    const float *input;
    size_t input_stride;
    size_t rows;
    size_t cols;
    /// Per-column factors applied before quantization (SmoothQuant), or NULL.
    const float *multiplier;
    /// Kernel rows of `output_row_bytes` bytes each: row r is kernel row r, or, when precise,
    /// kernel rows 2r (high bytes of the 16-bit values) and 2r + 1 (low bytes). Each kernel row
    /// holds `cols` elements, then zeros up to `output_row_bytes`.
    void *output;
    size_t output_row_bytes;
    /// 1: u8 elements (the VNNI paths' quads); 2: u8 values widened to int16 (AVX2, portable).
    size_t element_bytes;
    /// Nonzero: quantize to 16 bits (L = 65535), written as two planes of u8 values.
    int precise;
    /// Per-row outputs: the scale and the zero point of each of the `rows` rows.
    float *scales;
    int32_t *zero_points;
} qs_quantize_job;

void qs_quantize_rows_avx512(const qs_quantize_job *job);
void qs_quantize_rows_avx2(const qs_quantize_job *job);

/// Add + layer norm fused with the quantization of its result for the next GEMM: for each of
/// `job->rows` rows of `job->cols` floats at `x` (`job->input_stride` floats apart; `residual`,
/// when not NULL, in the same layout), x = LayerNorm(x + residual) in place exactly as
/// qs_add_layernorm_f32_<isa>, then the row is quantized exactly as qs_quantize_rows_<isa> with
/// `job->input = x` would, its value range gathered while the results are stored (no separate
/// pass over the row). `job->input` is not read. The fp32 results and the integers are
/// bit-identical to the two kernels run one after the other on the same path.
void qs_add_layernorm_quantize_avx512(float *x, const float *residual, const float *gamma, const float *beta,
                                      float epsilon, const qs_quantize_job *job);
void qs_add_layernorm_quantize_avx2(float *x, const float *residual, const float *gamma, const float *beta,
                                    float epsilon, const qs_quantize_job *job);

#endif
