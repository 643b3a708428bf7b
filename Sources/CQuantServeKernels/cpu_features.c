// CPUID and XGETBV based feature detection for the kernel paths.
#include "CKernels.h"

#if defined(__x86_64__)
#include <cpuid.h>

/// XCR0: which register states the OS saves on context switch (valid only when OSXSAVE is set).
static uint64_t qs_read_xcr0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

enum {
    QS_XCR0_SSE = 1u << 1,
    QS_XCR0_AVX = 1u << 2,
    QS_XCR0_OPMASK = 1u << 5,
    QS_XCR0_ZMM_HI256 = 1u << 6,
    QS_XCR0_HI16_ZMM = 1u << 7,
};

/// AVX usable: the CPU has it and the OS saves the ymm state.
static int qs_os_avx_enabled(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned osxsave = 1u << 27, avx = 1u << 28, fma = 1u << 12;
    if ((ecx & (osxsave | avx | fma)) != (osxsave | avx | fma)) return 0;
    uint64_t xcr0 = qs_read_xcr0();
    return (xcr0 & (QS_XCR0_SSE | QS_XCR0_AVX)) == (QS_XCR0_SSE | QS_XCR0_AVX);
}

static int qs_leaf7(unsigned subleaf, unsigned *eax, unsigned *ebx, unsigned *ecx, unsigned *edx) {
    unsigned max_leaf = __get_cpuid_max(0, NULL);
    if (max_leaf < 7) return 0;
    __cpuid_count(7, subleaf, *eax, *ebx, *ecx, *edx);
    return 1;
}

int qs_cpu_supports_avx2(void) {
    unsigned eax, ebx, ecx, edx;
    if (!qs_os_avx_enabled() || !qs_leaf7(0, &eax, &ebx, &ecx, &edx)) return 0;
    return (ebx >> 5) & 1;
}

int qs_cpu_supports_avxvnni(void) {
    unsigned eax, ebx, ecx, edx;
    if (!qs_cpu_supports_avx2() || !qs_leaf7(1, &eax, &ebx, &ecx, &edx)) return 0;
    return (eax >> 4) & 1;
}

int qs_cpu_supports_avx512vnni(void) {
    unsigned eax, ebx, ecx, edx;
    if (!qs_cpu_supports_avx2() || !qs_leaf7(0, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned f = 1u << 16, bw = 1u << 30, vl = 1u << 31;
    if ((ebx & (f | bw | vl)) != (f | bw | vl) || !((ecx >> 11) & 1)) return 0;
    const uint64_t zmm_state = QS_XCR0_OPMASK | QS_XCR0_ZMM_HI256 | QS_XCR0_HI16_ZMM;
    return (qs_read_xcr0() & zmm_state) == zmm_state;
}

int qs_cpu_supports_avx512_fbw(void) {
    unsigned eax, ebx, ecx, edx;
    if (!qs_cpu_supports_avx2() || !qs_leaf7(0, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned f = 1u << 16, bw = 1u << 30;
    if ((ebx & (f | bw)) != (f | bw)) return 0;
    const uint64_t zmm_state = QS_XCR0_OPMASK | QS_XCR0_ZMM_HI256 | QS_XCR0_HI16_ZMM;
    return (qs_read_xcr0() & zmm_state) == zmm_state;
}

int qs_cpu_supports_avx512bf16(void) {
    unsigned eax, ebx, ecx, edx;
    if (!qs_cpu_supports_avx512_fbw() || !qs_leaf7(0, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned vl = 1u << 31;
    if (!(ebx & vl) || !qs_leaf7(1, &eax, &ebx, &ecx, &edx)) return 0;
    return (eax >> 5) & 1;
}

#else

int qs_cpu_supports_avx2(void) { return 0; }
int qs_cpu_supports_avxvnni(void) { return 0; }
int qs_cpu_supports_avx512vnni(void) { return 0; }
int qs_cpu_supports_avx512_fbw(void) { return 0; }
int qs_cpu_supports_avx512bf16(void) { return 0; }

#endif
