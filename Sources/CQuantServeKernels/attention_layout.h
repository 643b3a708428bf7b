// The scratch layout shared by the attention kernels of every ISA (see CAttention.h).
#ifndef QS_ATTENTION_LAYOUT_H
#define QS_ATTENTION_LAYOUT_H
#include <stddef.h>

/// Query rows per block at most (the AVX-512 tile height); the score rows of one block.
#define QS_ATTENTION_MAX_ROWS 8

/// Where each part of the scratch starts, in floats from its beginning. Every part starts at a
/// multiple of 16 floats (64 bytes), so an aligned scratch gives aligned parts.
typedef struct qs_attention_layout {
    /// Keys transposed: `head_dim` rows of `padded_length` floats (zeros past `length`).
    size_t keys;
    /// Values: `length` rows of `padded_dim` floats (zeros past `head_dim`).
    size_t values;
    /// Scores, then probabilities, of one block: QS_ATTENTION_MAX_ROWS rows of `padded_length`.
    size_t scores;
    size_t padded_length, padded_dim;
    size_t total;
} qs_attention_layout;

static inline qs_attention_layout qs_attention_layout_of(size_t length, size_t head_dim) {
    qs_attention_layout layout;
    layout.padded_length = (length + 15) / 16 * 16;
    layout.padded_dim = (head_dim + 15) / 16 * 16;
    layout.keys = 0;
    layout.values = head_dim * layout.padded_length;
    layout.scores = layout.values + length * layout.padded_dim;
    layout.total = layout.scores + QS_ATTENTION_MAX_ROWS * layout.padded_length;
    return layout;
}
#endif
