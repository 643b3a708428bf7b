// The scratch size of the attention kernels, the same for every ISA.
#include "CAttention.h"
#include "attention_layout.h"

size_t qs_attention_scratch_floats(size_t length, size_t head_dim) {
    return qs_attention_layout_of(length, head_dim).total;
}
