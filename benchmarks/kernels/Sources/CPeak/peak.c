// Instruction throughput probes in inline assembly, so the compiler can neither drop nor
// reorder the measured instructions.
#include "CPeak.h"
#include <time.h>

uint64_t qs_peak_now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

uint64_t qs_peak_thread_cpu_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

#if defined(__x86_64__)

#define QS_TWELVE(op, suffix)                                                      \
    op " %%ymm12, %%ymm13, %%ymm0" suffix op " %%ymm12, %%ymm13, %%ymm1" suffix    \
    op " %%ymm12, %%ymm13, %%ymm2" suffix op " %%ymm12, %%ymm13, %%ymm3" suffix    \
    op " %%ymm12, %%ymm13, %%ymm4" suffix op " %%ymm12, %%ymm13, %%ymm5" suffix    \
    op " %%ymm12, %%ymm13, %%ymm6" suffix op " %%ymm12, %%ymm13, %%ymm7" suffix    \
    op " %%ymm12, %%ymm13, %%ymm8" suffix op " %%ymm12, %%ymm13, %%ymm9" suffix    \
    op " %%ymm12, %%ymm13, %%ymm10" suffix op " %%ymm12, %%ymm13, %%ymm11" suffix

#define QS_CLOBBER_YMM "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", \
    "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14"

__attribute__((target("avx2"))) uint64_t qs_peak_vpmaddwd_avx2(uint64_t iterations) {
    for (uint64_t i = 0; i < iterations; i++) {
        __asm__ volatile(QS_TWELVE("vpmaddwd", "\n\t") ::: QS_CLOBBER_YMM);
    }
    return iterations * 12 * 16 * 2;
}

__attribute__((target("avx2"))) uint64_t qs_peak_vpmaddubsw_avx2(uint64_t iterations) {
    for (uint64_t i = 0; i < iterations; i++) {
        __asm__ volatile(QS_TWELVE("vpmaddubsw", "\n\t") ::: QS_CLOBBER_YMM);
    }
    return iterations * 12 * 32 * 2;
}

#define QS_MADD_ADD(n) "vpmaddwd %%ymm12, %%ymm13, %%ymm14\n\tvpaddd %%ymm14, %%ymm" #n ", %%ymm" #n "\n\t"

__attribute__((target("avx2"))) uint64_t qs_peak_vpmaddwd_vpaddd_avx2(uint64_t iterations) {
    for (uint64_t i = 0; i < iterations; i++) {
        __asm__ volatile(QS_MADD_ADD(0) QS_MADD_ADD(1) QS_MADD_ADD(2) QS_MADD_ADD(3) QS_MADD_ADD(4)
                         QS_MADD_ADD(5) QS_MADD_ADD(6) QS_MADD_ADD(7) QS_MADD_ADD(8) QS_MADD_ADD(9)
                         QS_MADD_ADD(10) QS_MADD_ADD(11) ::: QS_CLOBBER_YMM);
    }
    return iterations * 12 * 16 * 2;
}

#define QS_U8S8(n) "vpmaddubsw %%ymm12, %%ymm13, %%ymm14\n\tvpmaddwd %%ymm14, %%ymm15, %%ymm14\n\t" \
    "vpaddd %%ymm14, %%ymm" #n ", %%ymm" #n "\n\t"

/// The u8 x s8 sequence of AVX2 kernels that accept int16 saturation (ONNX Runtime's MLAS):
/// vpmaddubsw into int16 pairs, vpmaddwd by ones into int32, vpaddd: 32 multiply-adds.
__attribute__((target("avx2"))) uint64_t qs_peak_u8s8_sequence_avx2(uint64_t iterations) {
    for (uint64_t i = 0; i < iterations; i++) {
        __asm__ volatile(QS_U8S8(0) QS_U8S8(1) QS_U8S8(2) QS_U8S8(3) QS_U8S8(4) QS_U8S8(5)
                         QS_U8S8(6) QS_U8S8(7) QS_U8S8(8) QS_U8S8(9) QS_U8S8(10) QS_U8S8(11)
                         ::: QS_CLOBBER_YMM, "xmm15");
    }
    return iterations * 12 * 32 * 2;
}

__attribute__((target("avx2,avxvnni"))) uint64_t qs_peak_vpdpbusd_avxvnni(uint64_t iterations) {
    for (uint64_t i = 0; i < iterations; i++) {
        __asm__ volatile(QS_TWELVE("%{vex%} vpdpbusd", "\n\t") ::: QS_CLOBBER_YMM);
    }
    return iterations * 12 * 32 * 2;
}

#define QS_TWELVE_ZMM(op)                                                                        \
    op " %%zmm12, %%zmm13, %%zmm0\n\t" op " %%zmm12, %%zmm13, %%zmm1\n\t"                         \
    op " %%zmm12, %%zmm13, %%zmm2\n\t" op " %%zmm12, %%zmm13, %%zmm3\n\t"                         \
    op " %%zmm12, %%zmm13, %%zmm4\n\t" op " %%zmm12, %%zmm13, %%zmm5\n\t"                         \
    op " %%zmm12, %%zmm13, %%zmm6\n\t" op " %%zmm12, %%zmm13, %%zmm7\n\t"                         \
    op " %%zmm12, %%zmm13, %%zmm8\n\t" op " %%zmm12, %%zmm13, %%zmm9\n\t"                         \
    op " %%zmm12, %%zmm13, %%zmm10\n\t" op " %%zmm12, %%zmm13, %%zmm11\n\t"

__attribute__((target("avx512f,avx512vnni"))) uint64_t qs_peak_vpdpbusd_avx512vnni(uint64_t iterations) {
    for (uint64_t i = 0; i < iterations; i++) {
        __asm__ volatile(QS_TWELVE_ZMM("vpdpbusd") ::: "zmm0", "zmm1", "zmm2", "zmm3", "zmm4", "zmm5",
                         "zmm6", "zmm7", "zmm8", "zmm9", "zmm10", "zmm11", "zmm12", "zmm13");
    }
    return iterations * 12 * 64 * 2;
}

__attribute__((target("avx2,fma"))) uint64_t qs_peak_vfmadd_ps_ymm(uint64_t iterations) {
    for (uint64_t i = 0; i < iterations; i++) {
        __asm__ volatile(QS_TWELVE("vfmadd231ps", "\n\t") ::: QS_CLOBBER_YMM);
    }
    return iterations * 12 * 8 * 2;
}

__attribute__((target("avx512f"))) uint64_t qs_peak_vfmadd_ps_zmm(uint64_t iterations) {
    for (uint64_t i = 0; i < iterations; i++) {
        __asm__ volatile(QS_TWELVE_ZMM("vfmadd231ps") ::: "zmm0", "zmm1", "zmm2", "zmm3", "zmm4", "zmm5",
                         "zmm6", "zmm7", "zmm8", "zmm9", "zmm10", "zmm11", "zmm12", "zmm13");
    }
    return iterations * 12 * 16 * 2;
}

__attribute__((target("avx512f,avx512bf16"))) uint64_t qs_peak_vdpbf16ps_zmm(uint64_t iterations) {
    for (uint64_t i = 0; i < iterations; i++) {
        __asm__ volatile(QS_TWELVE_ZMM("vdpbf16ps") ::: "zmm0", "zmm1", "zmm2", "zmm3", "zmm4", "zmm5",
                         "zmm6", "zmm7", "zmm8", "zmm9", "zmm10", "zmm11", "zmm12", "zmm13");
    }
    return iterations * 12 * 32 * 2;
}

#else

uint64_t qs_peak_vpmaddwd_avx2(uint64_t iterations) { (void)iterations; return 0; }
uint64_t qs_peak_vpmaddwd_vpaddd_avx2(uint64_t iterations) { (void)iterations; return 0; }
uint64_t qs_peak_vpmaddubsw_avx2(uint64_t iterations) { (void)iterations; return 0; }
uint64_t qs_peak_u8s8_sequence_avx2(uint64_t iterations) { (void)iterations; return 0; }
uint64_t qs_peak_vpdpbusd_avxvnni(uint64_t iterations) { (void)iterations; return 0; }
uint64_t qs_peak_vpdpbusd_avx512vnni(uint64_t iterations) { (void)iterations; return 0; }
uint64_t qs_peak_vfmadd_ps_ymm(uint64_t iterations) { (void)iterations; return 0; }
uint64_t qs_peak_vfmadd_ps_zmm(uint64_t iterations) { (void)iterations; return 0; }
uint64_t qs_peak_vdpbf16ps_zmm(uint64_t iterations) { (void)iterations; return 0; }

#endif
