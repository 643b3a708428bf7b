// The VNNI layout (u8 activation quads, s8 weight quads) and driver on plain AVX2, with an
// exact emulation of vpdpbusd: even and odd bytes widened to int16, then two vpmaddwd.
// Tests run it to check the VNNI packing and tiling on CPUs that lack VNNI.
#include "CKernels.h"

#if defined(__x86_64__)
#define QS_ATTR __attribute__((target("avx2,fma")))
#define QS_FUNC qs_gemm_u8s8_vnni_emulated_avx2
#define QS_MR QS_VNNI_EMULATED_MR
#include "gemm_avx2_common.h"

/// acc + per lane: a.u8[0]*w.s8[0] + a.u8[1]*w.s8[1] + a.u8[2]*w.s8[2] + a.u8[3]*w.s8[3].
QS_ATTR __attribute__((always_inline)) static inline __m256i
qs_dpbusd_emulated(__m256i acc, __m256i a, __m256i w) {
    const __m256i even_a = _mm256_and_si256(a, _mm256_set1_epi16(0x00FF));
    const __m256i odd_a = _mm256_srli_epi16(a, 8);
    const __m256i even_w = _mm256_srai_epi16(_mm256_slli_epi16(w, 8), 8);
    const __m256i odd_w = _mm256_srai_epi16(w, 8);
    const __m256i sum = _mm256_add_epi32(_mm256_madd_epi16(even_a, even_w), _mm256_madd_epi16(odd_a, odd_w));
    return _mm256_add_epi32(acc, sum);
}

#define QS_DOT(acc, a, w) qs_dpbusd_emulated((acc), (a), (w))
#include "gemm_template.h"
#else
void qs_gemm_u8s8_vnni_emulated_avx2(const qs_gemm_block *block) { (void)block; __builtin_trap(); }
#endif
