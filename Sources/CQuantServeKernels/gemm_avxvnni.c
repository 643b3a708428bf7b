// AVX-VNNI int8 GEMM: vpdpbusd on 256-bit registers multiplies four u8 activations by four
// s8 weights and adds the four products into an int32 lane, without saturation.
#include "CKernels.h"

#if defined(__x86_64__)
#define QS_ATTR __attribute__((target("avx2,fma,avxvnni")))
#define QS_FUNC qs_gemm_u8s8_avxvnni
#define QS_MR QS_AVXVNNI_MR
#include "gemm_avx2_common.h"
#define QS_DOT(acc, a, w) _mm256_dpbusd_avx_epi32((acc), (a), (w))
#include "gemm_template.h"
#else
void qs_gemm_u8s8_avxvnni(const qs_gemm_block *block) { (void)block; __builtin_trap(); }
#endif
