// Small-batch products with 4-bit weights kept as ggml's Q4_1 blocks (32 weights w = d·q + m,
// q in 0..15, d and m fp16 per block) against activations quantized per 32-value block to
// symmetric int8 (x ≈ scale·s). For a decode step of a few tokens the weights are read once, at
// 0.625 bytes each instead of the int8 GEMM's 1: the step is bound by that read.
// Per output channel c and row r: acc = 0, then for every block b in order
//   dot = Σ q[c][k]·s[r][k] over the block's 32 k (exact int32),
//   acc = fmaf((float)dot, d[c][b]·scale[r][b], acc),
//   acc = fmaf(m[c][b], sum[r][b], acc)              (sum = scale·Σ s over the block),
// and output = acc, or output + acc with `accumulate`. Every variant computes exactly this
// (same float operations in the same order), so all paths give bit-identical results:
// _avx512vnni (vpdpbusd on zmm), _avx2 (vpmaddubsw + vpmaddwd on ymm), _portable (plain C).
#ifndef CQ4GEMV_H
#define CQ4GEMV_H
#include <stdint.h>
#include <stddef.h>

/// Channels per packed panel.
#define QS_Q4_PANEL 16
/// Values per quantization block (of weights and of activations).
#define QS_Q4_BLOCK 32
/// Bytes of one panel's block: 256 bytes of nibbles, then 16 d and 16 m (fp16 bit patterns).
/// Nibble byte j (0..255) is in vector v = j / 64, lane c = (j % 64) / 4, i = j % 4: its low
/// nibble is q[c][4v + i], its high nibble q[c][16 + 4v + i].
#define QS_Q4_PANEL_BLOCK_BYTES 320

/// One product: rows × channels of panels panel_begin..<panel_end.
typedef struct qs_q4_gemv {
    /// Packed weights: panel p, block b at (p * blocks + b) * QS_Q4_PANEL_BLOCK_BYTES.
    const uint8_t *weights;
    /// Blocks per channel (K / 32).
    size_t blocks;
    /// Row r's int8 values at activations + r * blocks * 32; its block scales and scaled sums
    /// at scales + r * blocks and sums + r * blocks.
    const int8_t *activations;
    const float *scales;
    const float *sums;
    size_t rows;
    /// Output channel c of row r at output[r * output_stride + c]; channels ≥ n are not written.
    float *output;
    size_t output_stride;
    size_t n;
    size_t panel_begin, panel_end;
    int accumulate;
} qs_q4_gemv;

void qs_q4_gemv_avx512vnni(const qs_q4_gemv *job);
void qs_q4_gemv_avx2(const qs_q4_gemv *job);
void qs_q4_gemv_portable(const qs_q4_gemv *job);

/// Quantizes `k` floats (a multiple of 32) per 32-value block: scale = max|x| / 127,
/// s = round-to-nearest-even(x / scale) (0 when the block is all zero), sum = scale · Σ s.
void qs_q4_quantize_activations(const float *x, size_t k, int8_t *values, float *scales, float *sums);

#endif
