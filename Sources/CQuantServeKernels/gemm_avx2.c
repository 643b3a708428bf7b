// AVX2 int8 GEMM. vpmaddubsw (u8 x s8 pairs summed into int16) saturates: 255*127 + 255*127
// exceeds 32767, so its result would differ from the scalar reference. This path instead keeps
// activations as u8 values widened to int16 (at quantization), packs weights as int8 pairs and
// sign-extends them to int16 as they are loaded (vpmovsxbw, off the multiply port; each load
// serves QS_AVX2_MR rows), and multiplies with vpmaddwd: two int16 products summed into an
// int32 lane, which cannot overflow, so the int32 accumulation is exact. vpmaddwd does 16
// multiply-adds per instruction, half of vpmaddubsw's 32, the price of exactness.
#include "CKernels.h"

#if defined(__x86_64__)
#define QS_ATTR __attribute__((target("avx2,fma")))
#define QS_FUNC qs_gemm_s16_avx2
#define QS_MR QS_AVX2_MR
#include "gemm_avx2_common.h"
#define QS_WEIGHT_GROUP_BYTES 2
#define QS_LOAD_WEIGHTS(p) _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(p)))
#define QS_DOT(acc, a, w) _mm256_add_epi32((acc), _mm256_madd_epi16((a), (w)))
#include "gemm_template.h"
#else
void qs_gemm_s16_avx2(const qs_gemm_block *block) { (void)block; __builtin_trap(); }
#endif
