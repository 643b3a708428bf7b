// The int8 GEMM driver shared by the x86 paths, written once over 32-bit "k groups"
// (two int16 values for AVX2, four bytes for VNNI). The including file defines:
//   QS_FUNC      name of the exported driver
//   QS_ATTR      the __attribute__((target(...))) of its ISA
//   QS_MR        rows per micro-tile (at most 8), QS_NV vectors per panel, QS_LANES int32 lanes per vector
//   QS_VEC, QS_FVEC                         integer and float vector types
//   QS_ZERO(), QS_LOAD(p), QS_STORE(p, v), QS_BCAST32(p)   integer vector: zero, load, store,
//                                           broadcast one 32-bit group
//   QS_WEIGHT_GROUP_BYTES, QS_LOAD_WEIGHTS(p)  optional: bytes of one packed weight group (default
//                                           4) and the load that widens it to a 32-bit group
//   QS_DOT(acc, a, w)                       acc + the dot products of the groups of a and w, per lane
//   QS_SUB, QS_MULLO, QS_SET1, QS_CVT       int32 subtract, multiply (low), broadcast, convert to float
//   QS_LOADU_PS, QS_SET1_PS, QS_MUL_PS, QS_FMADD_PS, QS_ADD_PS, QS_STOREU_PS   float vector operations
//   QS_GELU_PS(x)                           GELU (exact erf form) of a float vector
// A panel holds QS_NR = QS_LANES * QS_NV channels; inside it, group g of channel c is the
// weight group at g * QS_NR + c.

#include <string.h>

#define QS_NR (QS_LANES * QS_NV)
#ifndef QS_WEIGHT_GROUP_BYTES
#define QS_WEIGHT_GROUP_BYTES 4
#define QS_LOAD_WEIGHTS(p) QS_LOAD(p)
#endif
#define QS_JOIN2(a, b) a##b
#define QS_JOIN(a, b) QS_JOIN2(a, b)
#define QS_TILE QS_JOIN(QS_FUNC, _tile)

/// One micro-tile: `mr` rows (a constant after inlining) by one panel, over all k groups,
/// then the fused epilogue: dequantization and bias, the fp32 outlier channels, optional GELU,
/// store or accumulate.
QS_ATTR __attribute__((always_inline)) static inline void
QS_TILE(const qs_gemm_block *block, size_t row, size_t panel, const int mr) {
    QS_VEC acc[QS_MR][QS_NV];
    for (int r = 0; r < mr; r++)
        for (int v = 0; v < QS_NV; v++) acc[r][v] = QS_ZERO();

    const size_t groups = block->k_groups;
    const size_t stride = block->activation_stride;
    const uint8_t *weights = (const uint8_t *)block->packed_weights + panel * groups * QS_NR * QS_WEIGHT_GROUP_BYTES;
    // One base register per row, hidden from the optimizer: otherwise it recomputes the row
    // addresses with lea/add chains inside the loop, scalar µops that take vector ports on Intel
    // (llvm-mca icelake-server: 10 → 9 cycles per k group); each broadcast is then base + 4·g.
    const int32_t *rows[QS_MR];
    for (int r = 0; r < mr; r++) {
        rows[r] = (const int32_t *)block->activations + (row + (size_t)r) * stride;
        __asm__("" : "+r"(rows[r]));
    }
    for (size_t g = 0; g < groups; g++) {
        QS_VEC w[QS_NV];
        for (int v = 0; v < QS_NV; v++)
            w[v] = QS_LOAD_WEIGHTS(weights + (g * QS_NR + (size_t)v * QS_LANES) * QS_WEIGHT_GROUP_BYTES);
        for (int r = 0; r < mr; r++) {
            const QS_VEC a = QS_BCAST32(rows[r] + g);
            for (int v = 0; v < QS_NV; v++) acc[r][v] = QS_DOT(acc[r][v], a, w[v]);
        }
    }

    const size_t first_channel = panel * QS_NR;
    const int gelu = (block->epilogue & QS_EPILOGUE_GELU) != 0;
    const int accumulate = (block->epilogue & QS_EPILOGUE_ACCUMULATE) != 0;
    if (block->raw_output) {
        for (int v = 0; v < QS_NV; v++) {
            const size_t channel = first_channel + (size_t)v * QS_LANES;
            if (channel >= block->n) break;
            const size_t valid = block->n - channel < QS_LANES ? block->n - channel : QS_LANES;
            for (int r = 0; r < mr; r++) {
                int32_t lanes[QS_LANES];
                QS_STORE(lanes, acc[r][v]);
                int32_t *out = block->raw_output + (row + r) * block->output_stride + channel;
                for (size_t i = 0; i < valid; i++) out[i] = lanes[i];
            }
        }
        return;
    }
    for (int v = 0; v < QS_NV; v++) {
        const size_t channel = first_channel + (size_t)v * QS_LANES;
        if (channel >= block->n) break;
        const QS_VEC weight_sums = QS_LOAD(block->weight_sums + channel);
        const QS_FVEC weight_scales = QS_LOADU_PS(block->weight_scales + channel);
        const QS_FVEC bias = QS_LOADU_PS(block->bias + channel);
        const size_t valid = block->n - channel < QS_LANES ? block->n - channel : QS_LANES;
        for (int r = 0; r < mr; r++) {
            const QS_VEC zero_point = QS_SET1(block->row_zero_points[row + r]);
            const QS_FVEC scale = QS_MUL_PS(QS_SET1_PS(block->row_scales[row + r]), weight_scales);
            const QS_FVEC exact = QS_CVT(QS_SUB(acc[r][v], QS_MULLO(zero_point, weight_sums)));
            QS_FVEC result = QS_FMADD_PS(exact, scale, bias);
            for (size_t j = 0; j < block->outlier_count; j++) {
                const QS_FVEC value = QS_SET1_PS(block->outlier_values[(row + r) * block->outlier_count + j]);
                const QS_FVEC weight = QS_LOADU_PS(block->outlier_weights + j * block->outlier_weight_stride + channel);
                result = QS_FMADD_PS(value, weight, result);
            }
            if (gelu) result = QS_GELU_PS(result);
            float *out = block->output + (row + r) * block->output_stride + channel;
            if (valid == QS_LANES) {
                if (accumulate) result = QS_ADD_PS(QS_LOADU_PS(out), result);
                QS_STOREU_PS(out, result);
            } else {
                float lanes[QS_LANES];
                QS_STOREU_PS(lanes, result);
                for (size_t i = 0; i < valid; i++) out[i] = accumulate ? out[i] + lanes[i] : lanes[i];
            }
        }
    }
}

/// A partial tile: `rows` (below QS_MR) rows by one panel.
QS_ATTR static void QS_JOIN(QS_FUNC, _partial)(const qs_gemm_block *block, size_t row, size_t panel, size_t rows) {
    switch (rows) {
#if QS_MR > 7
    case 7: QS_TILE(block, row, panel, 7); break;
#endif
#if QS_MR > 6
    case 6: QS_TILE(block, row, panel, 6); break;
#endif
#if QS_MR > 5
    case 5: QS_TILE(block, row, panel, 5); break;
#endif
#if QS_MR > 4
    case 4: QS_TILE(block, row, panel, 4); break;
#endif
#if QS_MR > 3
    case 3: QS_TILE(block, row, panel, 3); break;
#endif
    case 2: QS_TILE(block, row, panel, 2); break;
    case 1: QS_TILE(block, row, panel, 1); break;
    default: break;
    }
}

/// Row tiles outside, panels inside: one tile's activations (QS_MR rows) stay in L1 while the
/// block's weight panels stream past from L2 (measured faster than panels outside, which
/// re-reads a whole row block of activations from L2 for every panel).
QS_ATTR void QS_FUNC(const qs_gemm_block *block) {
    size_t row = block->row_begin;
    for (; row + QS_MR <= block->row_end; row += QS_MR)
        for (size_t panel = block->panel_begin; panel < block->panel_end; panel++) QS_TILE(block, row, panel, QS_MR);
    if (row < block->row_end)
        for (size_t panel = block->panel_begin; panel < block->panel_end; panel++)
            QS_JOIN(QS_FUNC, _partial)(block, row, panel, block->row_end - row);
}

#undef QS_NR
#undef QS_TILE
