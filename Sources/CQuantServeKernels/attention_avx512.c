// Fused fp32 attention on AVX-512F: 16-float zmm vectors, tiles of 8 query rows
// (16 accumulators of the 32 registers), masked stores for head dimensions that are not whole
// vectors. The driver is attention_template.h.
#include "CAttention.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>
#include "vector_math_constants.h"

#define QS_ATTR __attribute__((target("avx512f,avx2,fma")))
#define QS_FUNC qs_attention_head_f32_avx512
#define QS_W 16
#define QS_ROWS 8
#define QS_VEC __m512
#define QS_LOAD _mm512_loadu_ps
#define QS_STORE _mm512_storeu_ps
#define QS_SET1 _mm512_set1_ps
#define QS_ZERO _mm512_setzero_ps
#define QS_FMA _mm512_fmadd_ps
#define QS_ADD _mm512_add_ps
#define QS_SUB _mm512_sub_ps
#define QS_MUL _mm512_mul_ps
#define QS_MAX _mm512_max_ps
#define QS_HMAX _mm512_reduce_max_ps
#define QS_HSUM _mm512_reduce_add_ps
#define QS_AS_INT _mm512_castps_si512
#define QS_AS_FLOAT _mm512_castsi512_ps
#define QS_SHIFT_LEFT_23(v) _mm512_slli_epi32((v), 23)
#define QS_ADD_INT _mm512_add_epi32
#define QS_STORE_FIRST(p, v, n) _mm512_mask_storeu_ps((p), (__mmask16)((1u << (n)) - 1), (v))
/// v with lanes n..<16 replaced by -inf.
#define QS_KEEP_FIRST(v, n) _mm512_mask_mov_ps(_mm512_set1_ps(-INFINITY), (__mmask16)((1u << (n)) - 1), (v))
#include "attention_template.h"
#else
void qs_attention_head_f32_avx512(const qs_attention_head *head) { (void)head; __builtin_trap(); }
#endif
