// AVX-512 VNNI int8 GEMM: vpdpbusd on 512-bit registers (16 int32 lanes, each the sum of four
// u8 x s8 products), 8 rows by 32 channels per micro-tile.
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>
#include "vector_math_avx512.h"

#define QS_ATTR __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma")))
#define QS_FUNC qs_gemm_u8s8_avx512vnni
#define QS_MR QS_AVX512VNNI_MR

QS_ATTR __attribute__((always_inline)) static inline __m512i qs_broadcast32_512(const int32_t *p) {
    int32_t word;
    memcpy(&word, p, sizeof word);
    return _mm512_set1_epi32(word);
}

#define QS_NV 2
#define QS_LANES 16
#define QS_VEC __m512i
#define QS_FVEC __m512
#define QS_ZERO() _mm512_setzero_si512()
#define QS_LOAD(p) _mm512_loadu_si512((const void *)(p))
#define QS_STORE(p, v) _mm512_storeu_si512((void *)(p), (v))
#define QS_BCAST32(p) qs_broadcast32_512(p)
#define QS_DOT(acc, a, w) _mm512_dpbusd_epi32((acc), (a), (w))
#define QS_SUB _mm512_sub_epi32
#define QS_MULLO _mm512_mullo_epi32
#define QS_SET1 _mm512_set1_epi32
#define QS_CVT _mm512_cvtepi32_ps
#define QS_LOADU_PS _mm512_loadu_ps
#define QS_SET1_PS _mm512_set1_ps
#define QS_MUL_PS _mm512_mul_ps
#define QS_FMADD_PS _mm512_fmadd_ps
#define QS_ADD_PS _mm512_add_ps
#define QS_GELU_PS qs_gelu_avx512
#define QS_STOREU_PS _mm512_storeu_ps
#define QS_FIRST_MASK(n) ((__mmask16)((1u << (n)) - 1u))
#define QS_STORE_FIRST(p, v, n) _mm512_mask_storeu_epi32((void *)(p), QS_FIRST_MASK(n), (v))
#define QS_LOAD_FIRST_PS(p, n) _mm512_maskz_loadu_ps(QS_FIRST_MASK(n), (p))
#define QS_STORE_FIRST_PS(p, v, n) _mm512_mask_storeu_ps((p), QS_FIRST_MASK(n), (v))
#include "gemm_template.h"
#else
void qs_gemm_u8s8_avx512vnni(const qs_gemm_block *block) { (void)block; __builtin_trap(); }
#endif
