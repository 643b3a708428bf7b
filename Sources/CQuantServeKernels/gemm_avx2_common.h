// The 256-bit integer and float operations shared by the AVX2-class drivers (AVX2, AVX-VNNI,
// and the VNNI emulation); the including file defines QS_ATTR, QS_FUNC, QS_MR and QS_DOT.
#include <immintrin.h>
#include <string.h>
#include "vector_math_avx2.h"

QS_ATTR __attribute__((always_inline)) static inline __m256i qs_broadcast32_256(const int32_t *p) {
    int32_t word;
    memcpy(&word, p, sizeof word);
    return _mm256_set1_epi32(word);
}

/// All ones in the first `n` lanes: the mask of vpmaskmovd/vmaskmovps.
QS_ATTR __attribute__((always_inline)) static inline __m256i qs_first_lanes_256(size_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

#define QS_NV 2
#define QS_LANES 8
#define QS_VEC __m256i
#define QS_FVEC __m256
#define QS_ZERO() _mm256_setzero_si256()
#define QS_LOAD(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define QS_STORE(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), (v))
#define QS_BCAST32(p) qs_broadcast32_256(p)
#define QS_SUB _mm256_sub_epi32
#define QS_MULLO _mm256_mullo_epi32
#define QS_SET1 _mm256_set1_epi32
#define QS_CVT _mm256_cvtepi32_ps
#define QS_LOADU_PS _mm256_loadu_ps
#define QS_SET1_PS _mm256_set1_ps
#define QS_MUL_PS _mm256_mul_ps
#define QS_FMADD_PS _mm256_fmadd_ps
#define QS_ADD_PS _mm256_add_ps
#define QS_GELU_PS qs_gelu_avx2
#define QS_STOREU_PS _mm256_storeu_ps
#define QS_STORE_FIRST(p, v, n) _mm256_maskstore_epi32((int *)(void *)(p), qs_first_lanes_256(n), (v))
#define QS_LOAD_FIRST_PS(p, n) _mm256_maskload_ps((p), qs_first_lanes_256(n))
#define QS_STORE_FIRST_PS(p, v, n) _mm256_maskstore_ps((p), qs_first_lanes_256(n), (v))
