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
//   QS_STORE_FIRST(p, v, n), QS_LOAD_FIRST_PS(p, n), QS_STORE_FIRST_PS(p, v, n)   masked: only the
//                                           first n (< QS_LANES) lanes are read or written
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
#define QS_EPILOGUE QS_JOIN(QS_FUNC, _epilogue)
#define QS_ROW_EPILOGUE QS_JOIN(QS_FUNC, _row_epilogue)

/// What the epilogue of one tile reads, copied out of `qs_gemm_block` before the first store: as
/// far as the compiler knows `output` may alias `*block` and the arrays it points to, so each
/// store would otherwise force those loads again.
typedef struct {
    float *output;  // the tile's first row and channel
    size_t output_stride, valid_channels;
    const float *row_scales;
    const int32_t *row_zero_points;
    size_t outliers, outlier_stride;
    const float *outlier_values, *outlier_weights;  // the tile's first row, its first channel
    QS_VEC weight_sums[QS_NV];  // the panel's per-channel constants
    QS_FVEC weight_scales[QS_NV], bias[QS_NV];
} QS_EPILOGUE;

/// The epilogue of row `r` of a tile: dequantization and bias, the fp32 outlier channels,
/// optional GELU, store or accumulate. A row's scale, zero point and outlier values are read
/// once, before its stores.
QS_ATTR __attribute__((always_inline)) static inline void
QS_ROW_EPILOGUE(const QS_EPILOGUE *e, const QS_VEC acc[QS_NV], int r, const int gelu, const int accumulate) {
    const QS_VEC zero_point = QS_SET1(e->row_zero_points[r]);
    const QS_FVEC row_scale = QS_SET1_PS(e->row_scales[r]);
    float *const out = e->output + (size_t)r * e->output_stride;
#pragma clang loop unroll(full)
    for (int v = 0; v < QS_NV; v++) {
        const size_t offset = (size_t)v * QS_LANES;
        if (offset >= e->valid_channels) break;
        const QS_FVEC scale = QS_MUL_PS(row_scale, e->weight_scales[v]);
        const QS_FVEC exact = QS_CVT(QS_SUB(acc[v], QS_MULLO(zero_point, e->weight_sums[v])));
        QS_FVEC result = QS_FMADD_PS(exact, scale, e->bias[v]);
#pragma clang loop vectorize(disable) unroll(disable)
        for (size_t j = 0; j < e->outliers; j++) {
            const QS_FVEC value = QS_SET1_PS(e->outlier_values[(size_t)r * e->outliers + j]);
            const QS_FVEC weight = QS_LOADU_PS(e->outlier_weights + j * e->outlier_stride + offset);
            result = QS_FMADD_PS(value, weight, result);
        }
        if (gelu) result = QS_GELU_PS(result);
        if (e->valid_channels - offset >= QS_LANES) {
            if (accumulate) result = QS_ADD_PS(QS_LOADU_PS(out + offset), result);
            QS_STOREU_PS(out + offset, result);
        } else {
            // The panel's last channels: masked loads and stores (no call to memcpy, which
            // would make the compiler spill every live vector around it).
            const size_t valid = e->valid_channels - offset;
            if (accumulate) result = QS_ADD_PS(QS_LOAD_FIRST_PS(out + offset, valid), result);
            QS_STORE_FIRST_PS(out + offset, result, valid);
        }
    }
}

/// One micro-tile: `mr` rows (a constant after inlining) by one panel, over all k groups,
/// then the fused epilogue (`QS_ROW_EPILOGUE`) or the raw int32 store. `gelu` and `accumulate`
/// are the block's epilogue bits, passed in so that the full tiles get them as constants.
QS_ATTR __attribute__((always_inline)) static inline void
QS_TILE(const qs_gemm_block *block, size_t row, size_t panel, const int mr, const int gelu, const int accumulate) {
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
    const size_t valid_channels = block->n - first_channel;  // > 0: panels end at the last channel
    const size_t output_stride = block->output_stride;
    if (block->raw_output) {
        int32_t *const raw = block->raw_output + row * output_stride + first_channel;
        for (int r = 0; r < mr; r++) {
            for (int v = 0; v < QS_NV; v++) {
                const size_t offset = (size_t)v * QS_LANES;
                if (offset >= valid_channels) break;
                int32_t *const out = raw + (size_t)r * output_stride + offset;
                if (valid_channels - offset >= QS_LANES) QS_STORE(out, acc[r][v]);
                else QS_STORE_FIRST(out, acc[r][v], valid_channels - offset);
            }
        }
        return;
    }
    // The panel's first channel in row 0: its column group's block, or the row-major matrix.
    const size_t group_width = block->output_group_width;
    float *const column = group_width ? block->output + first_channel / group_width * block->output_group_stride +
                                            first_channel % group_width
                                      : block->output + first_channel;
    QS_EPILOGUE e;
    e.output = column + row * output_stride;
    e.output_stride = output_stride;
    e.valid_channels = valid_channels;
    e.row_scales = block->row_scales + row;
    e.row_zero_points = block->row_zero_points + row;
    e.outliers = block->outlier_count;
    e.outlier_stride = block->outlier_weight_stride;
    e.outlier_values = block->outlier_values + row * e.outliers;
    e.outlier_weights = block->outlier_weights + first_channel;
    for (int v = 0; v < QS_NV; v++) {
        e.weight_sums[v] = QS_LOAD(block->weight_sums + first_channel + (size_t)v * QS_LANES);
        e.weight_scales[v] = QS_LOADU_PS(block->weight_scales + first_channel + (size_t)v * QS_LANES);
        e.bias[v] = QS_LOADU_PS(block->bias + first_channel + (size_t)v * QS_LANES);
    }
    if (mr == QS_MR) {
        // Unrolled in full, so the accumulators stay in registers (a rolled loop indexes them,
        // which puts the whole tile on the stack: the partial tiles' smaller code).
#pragma clang loop unroll(full)
        for (int r = 0; r < QS_MR; r++) QS_ROW_EPILOGUE(&e, acc[r], r, gelu, accumulate);
    } else {
#pragma clang loop unroll(disable)
        for (int r = 0; r < mr; r++) QS_ROW_EPILOGUE(&e, acc[r], r, gelu, accumulate);
    }
}

/// A partial tile: `rows` (below QS_MR) rows by one panel, with the block's epilogue bits.
QS_ATTR static void QS_JOIN(QS_FUNC, _partial)(const qs_gemm_block *block, size_t row, size_t panel, size_t rows,
                                              const int gelu, const int accumulate) {
    switch (rows) {
#if QS_MR > 7
    case 7: QS_TILE(block, row, panel, 7, gelu, accumulate); break;
#endif
#if QS_MR > 6
    case 6: QS_TILE(block, row, panel, 6, gelu, accumulate); break;
#endif
#if QS_MR > 5
    case 5: QS_TILE(block, row, panel, 5, gelu, accumulate); break;
#endif
#if QS_MR > 4
    case 4: QS_TILE(block, row, panel, 4, gelu, accumulate); break;
#endif
#if QS_MR > 3
    case 3: QS_TILE(block, row, panel, 3, gelu, accumulate); break;
#endif
    case 2: QS_TILE(block, row, panel, 2, gelu, accumulate); break;
    case 1: QS_TILE(block, row, panel, 1, gelu, accumulate); break;
    default: break;
    }
}

/// Row tiles outside, panels inside: one tile's activations (QS_MR rows) stay in L1 while the
/// block's weight panels stream past from L2 (measured faster than panels outside, which
/// re-reads a whole row block of activations from L2 for every panel).
/// The full tiles are compiled once per combination of the epilogue bits (constants in each).
QS_ATTR void QS_FUNC(const qs_gemm_block *block) {
    size_t row = block->row_begin;
#define QS_FULL_TILES(gelu, accumulate)                                                                          \
    for (; row + QS_MR <= block->row_end; row += QS_MR)                                                          \
        for (size_t panel = block->panel_begin; panel < block->panel_end; panel++)                               \
            QS_TILE(block, row, panel, QS_MR, gelu, accumulate)
    const int gelu = (block->epilogue & QS_EPILOGUE_GELU) != 0;
    const int accumulate = (block->epilogue & QS_EPILOGUE_ACCUMULATE) != 0;
    if (gelu && accumulate) QS_FULL_TILES(1, 1);
    else if (gelu) QS_FULL_TILES(1, 0);
    else if (accumulate) QS_FULL_TILES(0, 1);
    else QS_FULL_TILES(0, 0);
#undef QS_FULL_TILES
    if (row < block->row_end)
        for (size_t panel = block->panel_begin; panel < block->panel_end; panel++)
            QS_JOIN(QS_FUNC, _partial)(block, row, panel, block->row_end - row, gelu, accumulate);
}

#undef QS_NR
#undef QS_TILE
#undef QS_EPILOGUE
#undef QS_ROW_EPILOGUE
