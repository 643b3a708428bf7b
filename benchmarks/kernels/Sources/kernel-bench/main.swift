// kernel-bench: int8 GEMM throughput against this CPU's measured int8 peak (GemmBenchmarks.swift),
// and softmax / layer norm throughput against its measured memory bandwidth, side by side in one run.
// Usage: swift run -c release kernel-bench [--quick] [--attention]   (--attention: only the attention tables)
import CPeak
import Foundation
import QuantServeKernels

let quick = CommandLine.arguments.contains("--quick")

/// How a run is timed: wall clock, or the CPU time of the calling thread (which leaves out the
/// time slices other processes take on a shared machine; meaningful for one thread only).
enum Timing {
    case wall, threadCPU

    var now: UInt64 { self == .wall ? qs_peak_now_ns() : qs_peak_thread_cpu_ns() }
}

/// Seconds for the fastest of `repeats` runs of `body` (after one warm-up run): the least
/// disturbed measurement on a shared machine.
func fastest(repeats: Int, _ timing: Timing, _ body: () -> Void) -> Double {
    body()
    var best = Double.infinity
    for _ in 0..<repeats {
        let start = timing.now
        body()
        best = min(best, Double(timing.now - start) / 1e9)
    }
    return best
}

/// GOPS of one peak probe, in thread CPU time: the best of several short runs.
func peakGOPS(_ probe: (UInt64) -> UInt64) -> Double? {
    var best = 0.0
    for _ in 0..<(quick ? 5 : 15) {
        let start = qs_peak_thread_cpu_ns()
        let operations = probe(400_000)
        let seconds = Double(qs_peak_thread_cpu_ns() - start) / 1e9
        if operations == 0 { return nil }
        best = max(best, Double(operations) / seconds / 1e9)
    }
    return best
}

func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

print("# QuantServe kernel benchmark\n")
let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "unknown"
print("Load average at start (2 cores): \(load)\n")
print("Kernel path: \(KernelPath.selected.rawValue); supported: \(KernelPath.allCases.filter(\.isSupported).map(\.rawValue).joined(separator: ", "))\n")
if CommandLine.arguments.contains("--attention") {
    benchmarkAttention()
    exit(0)
}

// MARK: - Int8 peak

var peaks: [(name: String, gops: Double)] = []
if KernelPath.avx2.isSupported {
    if let value = peakGOPS(qs_peak_vpmaddwd_avx2) { peaks.append(("vpmaddwd ymm (AVX2 path, exact)", value)) }
    if let value = peakGOPS(qs_peak_vpmaddwd_vpaddd_avx2) { peaks.append(("vpmaddwd + vpaddd ymm", value)) }
    if let value = peakGOPS(qs_peak_vpmaddubsw_avx2) { peaks.append(("vpmaddubsw ymm alone (saturating, not used)", value)) }
    if let value = peakGOPS(qs_peak_u8s8_sequence_avx2) {
        peaks.append(("vpmaddubsw + vpmaddwd(ones) + vpaddd ymm (u8s8 sequence of ONNX Runtime's AVX2 kernel)", value))
    }
}
if KernelPath.avxvnni.isSupported, let value = peakGOPS(qs_peak_vpdpbusd_avxvnni) {
    peaks.append(("vpdpbusd ymm (AVX-VNNI)", value))
}
if KernelPath.avx512vnni.isSupported, let value = peakGOPS(qs_peak_vpdpbusd_avx512vnni) {
    peaks.append(("vpdpbusd zmm (AVX-512 VNNI)", value))
}
print("## Int8 peak, one thread, thread CPU time (12 independent instructions per loop; ops = 2 × multiply-adds)\n")
print("| instruction | GOPS |")
print("|---|---:|")
for peak in peaks { print("| \(peak.name) | \(format(peak.gops)) |") }
print("")

/// The peak the selected path is measured against: its own instruction's.
let pathPeak: Double? = switch KernelPath.selected {
case .avx512vnni: peaks.first { $0.name.contains("zmm") }?.gops
case .avxvnni: peaks.first { $0.name.contains("AVX-VNNI") }?.gops
case .avx2: peaks.first?.gops
case .portable: nil
}

// MARK: - Int8 GEMM

runGemmBenchmarks(pathPeak: pathPeak, rowCounts: quick ? [16, 256] : [16, 64, 256, 2048], quick: quick)
var generator = SystemRandomNumberGenerator()

// MARK: - Memory-bound kernels

let floatCount = ((quick ? 8 : 32) << 20) / 4  // 8 or 32 MiB of floats
let source = UnsafeMutablePointer<Float>.allocate(capacity: floatCount)
let target = UnsafeMutablePointer<Float>.allocate(capacity: floatCount)
for i in 0..<floatCount { source[i] = Float(i % 977) * 0.01 - 4; target[i] = 0 }
let bytes = Double(floatCount * 4)

let copySeconds = fastest(repeats: 10, .threadCPU) {
    for i in 0..<floatCount { target[i] = source[i] }
}
let copyBandwidth = 2 * bytes / copySeconds / 1e9  // read + write

let softmaxRow = 256
let softmaxSeconds = fastest(repeats: 10, .threadCPU) {
    var row = 0
    while row + softmaxRow <= floatCount {
        FloatKernels.softmax(target + row, count: softmaxRow)
        row += softmaxRow
    }
}
let hidden = 384
let gamma = [Float](repeating: 1.1, count: hidden), beta = [Float](repeating: 0.1, count: hidden)
let layerNormSeconds = fastest(repeats: 10, .threadCPU) {
    FloatKernels.layerNorm(target, rows: floatCount / hidden, cols: hidden, gamma: gamma, beta: beta, epsilon: 1e-12)
}
let geluSeconds = fastest(repeats: 10, .threadCPU) {
    target.update(from: source, count: floatCount)
    FloatKernels.gelu(target, count: floatCount)
}
let softmaxBandwidth = 2 * bytes / softmaxSeconds / 1e9
let layerNormBandwidth = 2 * bytes / layerNormSeconds / 1e9
let geluBandwidth = 2 * bytes / geluSeconds / 1e9

print("## fp32 kernels over \((floatCount * 4) >> 20) MiB, GB/s counted as bytes read + written, one thread, thread CPU time\n")
print("| kernel | GB/s | % of copy bandwidth |")
print("|---|---:|---:|")
print("| STREAM-like copy (a[i] = b[i]) | \(format(copyBandwidth)) | 100% |")
print("| softmax, rows of \(softmaxRow) | \(format(softmaxBandwidth)) | \(format(100 * softmaxBandwidth / copyBandwidth))% |")
print("| layer norm, rows of \(hidden) | \(format(layerNormBandwidth)) | \(format(100 * layerNormBandwidth / copyBandwidth))% |")
print("| GELU (incl. a refill copy) | \(format(geluBandwidth)) | \(format(100 * geluBandwidth / copyBandwidth))% |")
print("")
runFloatKernelBenchmarks(floatCount: floatCount, copyBandwidth: copyBandwidth)

// MARK: - Attention products

let (sequence, headDim) = (256, 32)
let q = (0..<(sequence * headDim)).map { _ in Float.random(in: -1...1, using: &generator) }
let kv = (0..<(sequence * headDim)).map { _ in Float.random(in: -1...1, using: &generator) }
var scores = [Float](repeating: 0, count: sequence * sequence)
var context = [Float](repeating: 0, count: sequence * headDim)
let flops = 2.0 * Double(sequence * sequence * headDim)
let scoresSeconds = fastest(repeats: 50, .threadCPU) {
    FloatKernels.matmulTransposedB(q, lda: headDim, kv, ldb: headDim, &scores, ldc: sequence,
                                   m: sequence, n: sequence, k: headDim, alpha: 0.17)
}
let contextSeconds = fastest(repeats: 50, .threadCPU) {
    FloatKernels.matmul(scores, lda: sequence, kv, ldb: headDim, &context, ldc: headDim,
                        m: sequence, n: headDim, k: sequence)
}
print("## Attention products, one head (sequence \(sequence), head dim \(headDim)), one thread, thread CPU time\n")
print("| product | GFLOPS |")
print("|---|---:|")
print("| scores Q·Kᵀ (matmulTransposedB) | \(format(flops / scoresSeconds / 1e9)) |")
print("| context P·V (matmul) | \(format(flops / contextSeconds / 1e9)) |")
source.deallocate()
target.deallocate()
benchmarkAttention()
