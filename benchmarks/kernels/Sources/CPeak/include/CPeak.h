// Instruction throughput probes: each runs `iterations` rounds of 12 independent instructions
// on registers and returns the int8 operations done (2 per multiply-add), or 0 when the
// instruction cannot run here (compiled out on other architectures).
#ifndef CPEAK_H
#define CPEAK_H
#include <stdint.h>

/// vpmaddwd ymm (16 int16 multiply-adds into int32): the AVX2 path's instruction.
uint64_t qs_peak_vpmaddwd_avx2(uint64_t iterations);
/// vpmaddwd ymm followed by vpaddd into 12 accumulators: the AVX2 path's inner-loop pair.
uint64_t qs_peak_vpmaddwd_vpaddd_avx2(uint64_t iterations);
/// vpmaddubsw ymm (32 u8 x s8 multiply-adds, saturating into int16): not exact, for reference.
uint64_t qs_peak_vpmaddubsw_avx2(uint64_t iterations);
/// vpmaddubsw + vpmaddwd (by ones) + vpaddd ymm: the saturating u8 x s8 sequence of ONNX
/// Runtime's AVX2 kernel, 32 multiply-adds per three instructions.
uint64_t qs_peak_u8s8_sequence_avx2(uint64_t iterations);
/// vpdpbusd ymm, VEX (AVX-VNNI): 32 multiply-adds into 8 int32 accumulators.
uint64_t qs_peak_vpdpbusd_avxvnni(uint64_t iterations);
/// vpdpbusd zmm (AVX-512 VNNI): 64 multiply-adds.
uint64_t qs_peak_vpdpbusd_avx512vnni(uint64_t iterations);
/// vfmadd231ps ymm (AVX2 + FMA): 8 fp32 multiply-adds; returns fp32 operations (2 per multiply-add).
uint64_t qs_peak_vfmadd_ps_ymm(uint64_t iterations);
/// vfmadd231ps zmm (AVX-512F): 16 fp32 multiply-adds; returns fp32 operations.
uint64_t qs_peak_vfmadd_ps_zmm(uint64_t iterations);
/// vdpbf16ps zmm (AVX512_BF16): 32 bf16-pair multiply-adds into fp32; returns operations (2 per
/// multiply-add). Call only when the CPU has AVX512_BF16.
uint64_t qs_peak_vdpbf16ps_zmm(uint64_t iterations);

/// Monotonic clock in nanoseconds.
uint64_t qs_peak_now_ns(void);
/// CPU time of the calling thread in nanoseconds: on a shared machine, time the thread
/// actually ran, without the slices other processes took.
uint64_t qs_peak_thread_cpu_ns(void);
#endif
