// The fp32 kernels of CFloatKernels.h, written once for both vector widths. Included by
// float_kernels_avx512.c and float_kernels_avx2.c after they define:
//   QS_FK_ATTR                                  the target attribute of every function
//   QS_GELU_FUNC, QS_EXP_FUNC, QS_ERF_FUNC, QS_SOFTMAX_FUNC, QS_ADD_LAYERNORM_FUNC,
//   QS_QUANTIZE_FUNC, QS_ADD_LAYERNORM_QUANTIZE_FUNC  the public names
//   qs_vec, qs_ivec, qs_mask, QS_LANES          float vector, int32 vector, tail mask, lanes
//   qs_tail_mask(n)                             the mask of the first n lanes (0 < n < QS_LANES)
//   qs_load / qs_store, qs_load_tail(p, mask, fill) / qs_store_tail(p, mask, v)
//   qs_zero_tail(v, mask)                       lanes outside the mask set to 0
//   QS_SET1, QS_ADD, QS_SUB, QS_MUL, QS_FMADD, QS_MIN, QS_MAX (x86 min/max: second operand on NaN)
//   qs_reduce_add, qs_reduce_min, qs_reduce_max (no NaN in the input)
//   QS_AS_INT (the float bits as int32), QS_SET1_INT, QS_SUB_INT, QS_MIN_INT, QS_MAX_INT (signed)
//   qs_store_levels(plane, element_bytes, vi, count)  count int32 levels as u8 or int16
//   qs_store_u8_block(plane, block)             4 · QS_LANES int32 levels (block[0] first) as u8
//   qs_store_u16_block(plane, block)            2 · QS_LANES int32 levels (block[0] first) as int16
//   QS_EXP, QS_EXP_NONPOSITIVE, QS_ERF, QS_GELU from vector_math_<isa>.h
// Contraction stays off in these files: the quantization must round exactly as the Swift
// twin does; the fp32 kernels use explicit fused multiply-adds where they want them.
#include <math.h>

/// Defines `void name(float *x, size_t n)` applying `function` to each float in place.
#define QS_ELEMENTWISE(name, function)                                                   \
    QS_FK_ATTR void name(float *x, size_t n) {                                           \
        size_t i = 0;                                                                    \
        for (; i + QS_LANES <= n; i += QS_LANES) qs_store(x + i, function(qs_load(x + i))); \
        if (i < n) {                                                                     \
            const qs_mask mask = qs_tail_mask(n - i);                                    \
            qs_store_tail(x + i, mask, function(qs_load_tail(x + i, mask, 0.0f)));       \
        }                                                                                \
    }
QS_ELEMENTWISE(QS_GELU_FUNC, QS_GELU)
QS_ELEMENTWISE(QS_EXP_FUNC, QS_EXP)
QS_ELEMENTWISE(QS_ERF_FUNC, QS_ERF)
#undef QS_ELEMENTWISE

/// The +inf case of softmax: each +inf gets 1/k (k of them), everything else 0.
static void qs_softmax_infinite_row(float *row, size_t n) {
    size_t infinities = 0;
    for (size_t i = 0; i < n; i++) infinities += row[i] == INFINITY;
    const float share = 1.0f / (float)infinities;
    for (size_t i = 0; i < n; i++) row[i] = row[i] == INFINITY ? share : 0.0f;
}

QS_FK_ATTR void QS_SOFTMAX_FUNC(float *row, size_t n) {
    if (n == 0) return;
    const size_t tail = n % QS_LANES, body = n - tail;
    const qs_mask mask = qs_tail_mask(tail ? tail : 1);
    const float minus_infinity = -INFINITY;
    qs_vec highest = QS_SET1(minus_infinity);
    for (size_t i = 0; i < body; i += QS_LANES) highest = QS_MAX(qs_load(row + i), highest);  // NaN ignored
    if (tail) highest = QS_MAX(qs_load_tail(row + body, mask, minus_infinity), highest);
    const float top = qs_reduce_max(highest);
    if (top == -INFINITY) {
        memset(row, 0, n * sizeof(float));
        return;
    }
    if (top == INFINITY) {
        qs_softmax_infinite_row(row, n);
        return;
    }
    const qs_vec shift = QS_SET1(top);
    qs_vec sums = QS_SET1(0.0f);
    for (size_t i = 0; i < body; i += QS_LANES) {
        const qs_vec e = QS_EXP_NONPOSITIVE(QS_SUB(qs_load(row + i), shift));
        qs_store(row + i, e);
        sums = QS_ADD(sums, e);
    }
    if (tail) {
        const qs_vec e = QS_EXP_NONPOSITIVE(QS_SUB(qs_load_tail(row + body, mask, minus_infinity), shift));
        qs_store_tail(row + body, mask, e);
        sums = QS_ADD(sums, e);
    }
    const qs_vec factor = QS_SET1(1.0f / qs_reduce_add(sums));
    for (size_t i = 0; i < body; i += QS_LANES) qs_store(row + i, QS_MUL(qs_load(row + i), factor));
    if (tail) qs_store_tail(row + body, mask, QS_MUL(qs_load_tail(row + body, mask, 0.0f), factor));
}

/// The running minimum and maximum of the values a row will be quantized from (`v = x`, or
/// `x * multiplier`), NaN ignored, starting at 0: the first pass of QS_QUANTIZE_FUNC.
typedef struct qs_row_range {
    qs_vec low, high;
} qs_row_range;

/// Adds lanes `v` (already zero outside a tail's mask) to `range`, exactly as the quantizer's pass does.
QS_FK_ATTR static inline void qs_row_range_add(qs_row_range *range, qs_vec v) {
    range->low = QS_MIN(v, range->low);  // v < low ? v : low, NaN ignored
    range->high = QS_MAX(v, range->high);
}

/// `row[0..<QS_LANES] += add[0..<QS_LANES]` when `add` is given; the row's vector either way.
QS_FK_ATTR static inline qs_vec qs_add_residual(float *row, const float *add) {
    qs_vec v = qs_load(row);
    if (add) {
        v = QS_ADD(v, qs_load(add));
        qs_store(row, v);
    }
    return v;
}

/// One row of QS_ADD_LAYERNORM_FUNC. With `range`, each result (times `multiplier`, when given)
/// also goes into the quantization range, so the row needs no separate pass for it.
QS_FK_ATTR static inline void qs_add_layernorm_row(float *row, const float *add, size_t cols, const float *gamma,
                                                   const float *beta, float epsilon, const float *multiplier,
                                                   qs_row_range *range) {
    const size_t tail = cols % QS_LANES, body = cols - tail;
    const qs_mask mask = qs_tail_mask(tail ? tail : 1);
    // Two accumulators per sum (even and odd vectors): half the dependency chain of one.
    qs_vec even = QS_SET1(0.0f), odd = QS_SET1(0.0f);
    size_t i = 0;
    for (; i + 2 * QS_LANES <= body; i += 2 * QS_LANES) {
        even = QS_ADD(even, qs_add_residual(row + i, add ? add + i : NULL));
        odd = QS_ADD(odd, qs_add_residual(row + i + QS_LANES, add ? add + i + QS_LANES : NULL));
    }
    if (i < body) even = QS_ADD(even, qs_add_residual(row + i, add ? add + i : NULL));
    if (tail) {
        qs_vec v = qs_load_tail(row + body, mask, 0.0f);
        if (add) {
            v = QS_ADD(v, qs_load_tail(add + body, mask, 0.0f));
            qs_store_tail(row + body, mask, v);
        }
        even = QS_ADD(even, v);
    }
    const float mean = qs_reduce_add(QS_ADD(even, odd)) / (float)cols;
    const qs_vec center = QS_SET1(mean);

    even = QS_SET1(0.0f);
    odd = QS_SET1(0.0f);
    for (i = 0; i + 2 * QS_LANES <= body; i += 2 * QS_LANES) {
        const qs_vec first = QS_SUB(qs_load(row + i), center), second = QS_SUB(qs_load(row + i + QS_LANES), center);
        even = QS_FMADD(first, first, even);
        odd = QS_FMADD(second, second, odd);
    }
    if (i < body) {
        const qs_vec deviation = QS_SUB(qs_load(row + i), center);
        even = QS_FMADD(deviation, deviation, even);
    }
    if (tail) {
        const qs_vec deviation = qs_zero_tail(QS_SUB(qs_load_tail(row + body, mask, 0.0f), center), mask);
        even = QS_FMADD(deviation, deviation, even);
    }
    const qs_vec factor = QS_SET1(1.0f / sqrtf(qs_reduce_add(QS_ADD(even, odd)) / (float)cols + epsilon));

    for (i = 0; i < body; i += QS_LANES) {
        const qs_vec normalized = QS_MUL(QS_SUB(qs_load(row + i), center), factor);
        const qs_vec result = QS_FMADD(normalized, qs_load(gamma + i), qs_load(beta + i));
        qs_store(row + i, result);
        if (range) qs_row_range_add(range, multiplier ? QS_MUL(result, qs_load(multiplier + i)) : result);
    }
    if (tail) {
        const qs_vec normalized = QS_MUL(QS_SUB(qs_load_tail(row + body, mask, 0.0f), center), factor);
        const qs_vec result = QS_FMADD(normalized, qs_load_tail(gamma + body, mask, 0.0f),
                                       qs_load_tail(beta + body, mask, 0.0f));
        qs_store_tail(row + body, mask, result);
        if (range) {
            const qs_vec v = multiplier ? QS_MUL(result, qs_load_tail(multiplier + body, mask, 0.0f)) : result;
            qs_row_range_add(range, qs_zero_tail(v, mask));
        }
    }
}

QS_FK_ATTR void QS_ADD_LAYERNORM_FUNC(float *x, const float *residual, size_t rows, size_t cols,
                                      const float *gamma, const float *beta, float epsilon) {
    if (cols == 0) return;
    for (size_t r = 0; r < rows; r++)
        qs_add_layernorm_row(x + r * cols, residual ? residual + r * cols : NULL, cols, gamma, beta, epsilon, NULL,
                             NULL);
}

// MARK: - Activation quantization (no contraction: every operation rounds as in Swift)

/// One row's parameters, ActivationQuantization.init operation for operation.
typedef struct qs_row_quantization {
    float scale, inverse_scale, zero_point;
} qs_row_quantization;

static qs_row_quantization qs_row_quantization_make(float row_minimum, float row_maximum, float levels) {
    // Swift's min(a, b) is `b < a ? b : a`, max(a, b) is `b >= a ? b : a`.
    const float low = 0.0f < row_minimum ? 0.0f : row_minimum;
    const float high = row_maximum >= 0.0f ? row_maximum : 0.0f;
    const float scale = (high - low) / levels;
    const float inverse = 1.0f / scale;
    if (!isnormal(scale) || !isnormal(inverse)) return (qs_row_quantization){1.0f, 1.0f, 0.0f};
    float zero_point = nearbyintf(-low * inverse);  // the default rounding: to nearest even
    zero_point = zero_point >= 0.0f ? zero_point : 0.0f;
    zero_point = levels < zero_point ? levels : zero_point;
    return (qs_row_quantization){scale, inverse, zero_point};
}

/// v = x, or x * multiplier rounded to float; tail lanes beyond the mask are 0.
QS_FK_ATTR static inline qs_vec qs_quantize_input(const float *x, const float *multiplier, size_t i, const qs_mask *mask) {
    qs_vec v = mask ? qs_load_tail(x + i, *mask, 0.0f) : qs_load(x + i);
    if (multiplier) v = QS_MUL(v, mask ? qs_load_tail(multiplier + i, *mask, 0.0f) : qs_load(multiplier + i));
    return v;
}

/// min(roundeven(v * inverse) + zero point, levels) as integers, NaN giving a negative level:
/// `qs_quantize_levels` without its lower clamp, for the block stores, whose unsigned saturating
/// packs (`packus`) turn every negative level into 0 on their own.
QS_FK_ATTR static inline qs_ivec qs_quantize_levels_at_most(qs_vec v, qs_vec inverse, qs_ivec offset, qs_ivec levels) {
    const qs_vec x = QS_MAX(QS_MUL(v, inverse), QS_SET1(-4194304.0f));  // the second operand where NaN
    const qs_ivec stepped = QS_SUB_INT(QS_AS_INT(QS_ADD(x, QS_SET1(QS_ROUNDING_MAGIC))), offset);
    return QS_MIN_INT(stepped, levels);
}

/// clamp(roundeven(v * inverse) + zero point, 0, levels) as integers, NaN giving 0, the same
/// integers as the Swift twin (which rounds by adding and subtracting 1.5 * 2^23 in float, adds
/// the zero point and clamps in float). Here x = v * inverse, lifted to at least -2^22 (NaN
/// included: it becomes -2^22 and so 0); x + 1.5 * 2^23 holds roundeven(x) in its low mantissa
/// bits, read as an integer less `offset` (the magic's bits less the zero point); then an integer
/// clamp. 6 operations instead of 7, and no conversion.
QS_FK_ATTR static inline qs_ivec qs_quantize_levels(qs_vec v, qs_vec inverse, qs_ivec offset, qs_ivec levels) {
    return QS_MAX_INT(qs_quantize_levels_at_most(v, inverse, offset, levels), QS_SET1_INT(0));
}

/// Quantizes row `r` of `job` from `x` (its `cols` floats) whose value range `range` holds.
/// The job's fields are read into locals first: the byte stores may alias anything, so the
/// compiler would otherwise reload them after every store.
QS_FK_ATTR static inline void qs_quantize_row(const qs_quantize_job *job, size_t r, const float *x,
                                              const qs_row_range *range) {
    const size_t cols = job->cols, tail = cols % QS_LANES, body = cols - tail;
    const qs_mask mask = qs_tail_mask(tail ? tail : 1);
    const int precise = job->precise;
    const float levels = precise ? 65535.0f : 255.0f;
    const size_t element_bytes = job->element_bytes, row_bytes = job->output_row_bytes;
    const float *multiplier = job->multiplier;
    const qs_row_quantization q =
        qs_row_quantization_make(qs_reduce_min(range->low), qs_reduce_max(range->high), levels);
    job->scales[r] = q.scale;
    job->zero_points[r] = (int32_t)q.zero_point;

    unsigned char *first = (unsigned char *)job->output + (precise ? 2 * r : r) * row_bytes;
    unsigned char *second = first + row_bytes;
    const qs_vec inverse = QS_SET1(q.inverse_scale);
    const qs_ivec offset = QS_SUB_INT(QS_AS_INT(QS_SET1(QS_ROUNDING_MAGIC)), QS_SET1_INT((int)q.zero_point));
    const qs_ivec top = QS_SET1_INT((int)levels);
    size_t i = 0;
    if (!precise && element_bytes == 1) {
        // u8 planes: four vectors of levels packed to bytes in registers, one store.
        for (; i + 4 * QS_LANES <= body; i += 4 * QS_LANES) {
            qs_ivec block[4];
            for (size_t k = 0; k < 4; k++)
                block[k] = qs_quantize_levels_at_most(qs_quantize_input(x, multiplier, i + k * QS_LANES, NULL),
                                                      inverse, offset, top);
            qs_store_u8_block(first + i, block);
        }
    } else if (!precise && element_bytes == 2) {
        // int16 planes: two vectors of levels packed to 16 bits in registers, one store.
        for (; i + 2 * QS_LANES <= body; i += 2 * QS_LANES) {
            const qs_ivec block[2] = {
                qs_quantize_levels_at_most(qs_quantize_input(x, multiplier, i, NULL), inverse, offset, top),
                qs_quantize_levels_at_most(qs_quantize_input(x, multiplier, i + QS_LANES, NULL), inverse, offset, top)};
            qs_store_u16_block(first + 2 * i, block);
        }
    }
    for (; i < cols; i += QS_LANES) {
        const size_t count = cols - i < QS_LANES ? cols - i : QS_LANES;
        const qs_ivec values = qs_quantize_levels(qs_quantize_input(x, multiplier, i, count < QS_LANES ? &mask : NULL),
                                                  inverse, offset, top);
        if (precise) {
            qs_store_levels(first + i * element_bytes, element_bytes, QS_SHIFT_RIGHT(values, 8), count);
            qs_store_levels(second + i * element_bytes, element_bytes, QS_AND(values, 0xFF), count);
        } else {
            qs_store_levels(first + i * element_bytes, element_bytes, values, count);
        }
    }
    const size_t used = cols * element_bytes;
    if (row_bytes > used) {
        memset(first + used, 0, row_bytes - used);
        if (precise) memset(second + used, 0, row_bytes - used);
    }
}

QS_FK_ATTR void QS_QUANTIZE_FUNC(const qs_quantize_job *job) {
    const size_t cols = job->cols, tail = cols % QS_LANES, body = cols - tail;
    const qs_mask mask = qs_tail_mask(tail ? tail : 1);
    const float *multiplier = job->multiplier;
    for (size_t r = 0; r < job->rows; r++) {
        const float *x = job->input + r * job->input_stride;
        // Two ranges (even and odd vectors), merged: min and max give the same result in any order.
        qs_row_range range = {QS_SET1(0.0f), QS_SET1(0.0f)}, odd = range;
        size_t i = 0;
        for (; i + 2 * QS_LANES <= body; i += 2 * QS_LANES) {
            qs_row_range_add(&range, qs_quantize_input(x, multiplier, i, NULL));
            qs_row_range_add(&odd, qs_quantize_input(x, multiplier, i + QS_LANES, NULL));
        }
        if (i < body) qs_row_range_add(&range, qs_quantize_input(x, multiplier, i, NULL));
        if (tail) qs_row_range_add(&range, qs_quantize_input(x, multiplier, body, &mask));  // zero lanes change nothing
        range.low = QS_MIN(odd.low, range.low);
        range.high = QS_MAX(odd.high, range.high);
        qs_quantize_row(job, r, x, &range);
    }
}

QS_FK_ATTR void QS_ADD_LAYERNORM_QUANTIZE_FUNC(float *x, const float *residual, const float *gamma, const float *beta,
                                               float epsilon, const qs_quantize_job *job) {
    const size_t cols = job->cols, stride = job->input_stride;
    if (cols == 0) return;
    for (size_t r = 0; r < job->rows; r++) {
        float *row = x + r * stride;
        qs_row_range range = {QS_SET1(0.0f), QS_SET1(0.0f)};
        qs_add_layernorm_row(row, residual ? residual + r * stride : NULL, cols, gamma, beta, epsilon,
                             job->multiplier, &range);
        qs_quantize_row(job, r, row, &range);
    }
}
