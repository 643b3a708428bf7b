// Instruction-set specific kernels of QuantServe, each function compiled for its ISA with
// __attribute__((target)), so the library builds (and runs its portable paths) on any CPU.
// Every symbol carries the qs_ prefix. Nothing here is called unless the CPU supports it:
// ask qs_cpu_supports_* first.
#ifndef CKERNELS_H
#define CKERNELS_H
#include <stdint.h>
#include <stddef.h>
#include "CFloatKernels.h"
#include "CAttention.h"
#include "CPagedAttention.h"
#include "CQ4Gemv.h"

// MARK: - CPU features

/// 1 when the CPU and the OS (XSAVE state enabled through XCR0) support AVX2 and FMA.
int qs_cpu_supports_avx2(void);
/// 1 when the CPU and the OS support AVX-VNNI (VEX-encoded vpdpbusd on 256-bit registers).
int qs_cpu_supports_avxvnni(void);
/// 1 when the CPU and the OS support AVX-512 F/BW/VL and AVX-512 VNNI (opmask and zmm state enabled).
int qs_cpu_supports_avx512vnni(void);
/// 1 when the CPU and the OS support AVX-512 F/BW/VL and AVX512_BF16 (vdpbf16ps, vcvtne2ps2bf16).
int qs_cpu_supports_avx512bf16(void);

// MARK: - Thread pool support

/// A hint to the CPU that the caller is spin-waiting (x86 pause, arm yield).
static inline void qs_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#endif
}

/// `*counter += value`, atomically (relaxed ordering), returning the value before: the thread
/// pool's per-thread index counters, which live in memory of its own (one cache line each).
static inline long qs_atomic_fetch_add(long *counter, long value) {
    return __atomic_fetch_add(counter, value, __ATOMIC_RELAXED);
}

/// `*counter = value`, atomically (relaxed ordering).
static inline void qs_atomic_store(long *counter, long value) { __atomic_store_n(counter, value, __ATOMIC_RELAXED); }

/// Asks for the cache line holding `p` to be brought toward L1 (a prefetch for reading).
static inline void qs_prefetch_read(const void *p) { __builtin_prefetch(p, 0, 3); }

// MARK: - Int8 GEMM

/// Panel widths (output channels per packed weight panel) and tile heights (rows per
/// micro-tile) of the x86 kernels. Weights are packed as panels of NR channels; inside a
/// panel, for every group of k values (2 for AVX2, 4 for the VNNI paths), the NR channels'
/// groups follow each other: int8 pairs (AVX2) or int8 quads (VNNI). Activations come in the
/// same groups, one 32-bit word each: two u8 values widened to int16 (AVX2) or four u8 (VNNI).
#define QS_AVX2_NR 16
#define QS_AVX2_MR 4
#define QS_AVXVNNI_NR 16
#define QS_AVXVNNI_MR 6
#define QS_AVX512VNNI_NR 32
#define QS_AVX512VNNI_MR 8
#define QS_VNNI_EMULATED_NR 16
#define QS_VNNI_EMULATED_MR 6

/// Epilogue options of `qs_gemm_block.epilogue`, applied after dequantize + bias in this order.
/// GELU in its exact erf form (`x/2 · (1 + erf(x/√2))`, the vector-math header's polynomial):
#define QS_EPILOGUE_GELU 1u
/// Accumulate: `output[r][n] += result` instead of `output[r][n] = result` (the residual add;
/// `output` may be the residual buffer itself).
#define QS_EPILOGUE_ACCUMULATE 2u

/// One block of an int8 GEMM with its fused epilogue:
/// `result[r][n] = fmaf((float)(sum_g dot(a[r][g], w[n][g]) - zp[r] * wsum[n]), scale[r] * wscale[n], bias[n])`,
/// then for each outlier channel j in order `result = fmaf(outlier_values[r][j], outlier_weights[j][n], result)`,
/// then the `epilogue` options, for rows `row_begin..<row_end` and the channels of panels
/// `panel_begin..<panel_end` (channels at or beyond `n` are computed but not stored). The driver
/// walks row tiles in the outer loop and panels in the inner one: a tile's activations stay in
/// L1 while the block's weight panels stream from L2.
typedef struct qs_gemm_block {
    /// Quantized activations: one row per token, `activation_stride` 32-bit groups apart.
    const void *activations;
    size_t activation_stride;
    /// Per-row activation scales and zero points.
    const float *row_scales;
    const int32_t *row_zero_points;
    /// Packed weight panels, `k_groups` groups per channel, panel after panel (see above).
    const void *packed_weights;
    size_t k_groups;
    /// Per-channel sums of the int8 weights, weight scales and bias, padded to whole panels.
    const int32_t *weight_sums;
    const float *weight_scales;
    const float *bias;
    /// fp32 output, rows `output_stride` floats apart, `n` channels valid; row-major unless
    /// `output_group_width` says otherwise.
    float *output;
    /// When not NULL, the raw int32 dot products are stored here instead (same stride, no
    /// epilogue; `output` is unused): for callers that combine several rows themselves.
    int32_t *raw_output;
    size_t output_stride;
    /// Column groups (0: none, row-major): channel c of row r is then stored at
    /// `output[(c / output_group_width) * output_group_stride + r * output_stride + c % output_group_width]`,
    /// each group of channels a row-major block of its own (the attention heads' query, key and
    /// value columns head-major, so that a head's rows are contiguous). A multiple of the panel
    /// width, with `n` a multiple of it; ignored with `raw_output`.
    size_t output_group_width;
    size_t output_group_stride;
    /// QS_EPILOGUE_* bits (0: plain store); ignored with `raw_output`.
    uint32_t epilogue;
    /// Outlier channels computed in fp32 beside the int8 product (0 for none; ignored with
    /// `raw_output`): row r's input values at them are `outlier_values[r * outlier_count + j]`
    /// (r counted like `row_scales`), and channel n's fp32 weight of outlier j is
    /// `outlier_weights[j * outlier_weight_stride + n]`, padded to whole panels.
    size_t outlier_count;
    const float *outlier_values;
    const float *outlier_weights;
    size_t outlier_weight_stride;
    size_t n;
    size_t row_begin, row_end;
    size_t panel_begin, panel_end;
} qs_gemm_block;

/// AVX2: activations as u8 widened to int16 pairs, weights as int8 pairs sign-extended on load;
/// vpmaddwd + vpaddd (exact).
void qs_gemm_s16_avx2(const qs_gemm_block *block);
/// AVX-VNNI: activations u8 quads, weights s8 quads; 256-bit vpdpbusd.
void qs_gemm_u8s8_avxvnni(const qs_gemm_block *block);
/// AVX-512 VNNI: activations u8 quads, weights s8 quads; 512-bit vpdpbusd.
void qs_gemm_u8s8_avx512vnni(const qs_gemm_block *block);
/// The VNNI data layout and driver run on AVX2 with an exact emulation of vpdpbusd:
/// lets tests check the VNNI packing and tiling on CPUs without VNNI. Not a serving path.
void qs_gemm_u8s8_vnni_emulated_avx2(const qs_gemm_block *block);

#endif
