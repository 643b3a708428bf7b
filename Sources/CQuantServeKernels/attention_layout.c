// The scratch size of the attention kernels, the same for every ISA (fp32 and bf16).
#include "CAttention.h"
#include "attention_layout.h"

size_t qs_attention_scratch_floats(size_t length, size_t head_dim) {
    const size_t fp32 = qs_attention_layout_of(length, head_dim).total;
    const size_t bf16 = qs_attention_bf16_scratch_floats(length, head_dim);
    return fp32 > bf16 ? fp32 : bf16;
}
