// Fused attention of one head (sequence length L, head dim 32, all-MiniLM-L6-v2's shape) with every
// kernel this CPU runs, in GFLOPS = 4·L²·d / time, against the peak of the kernel's own
// multiply-add instruction measured in the same run. Two input layouts: the head-major blocks the
// encoder's QKV projection writes (each head's queries, keys and values contiguous, rows of d
// floats) and packed qkv rows of 3·384 floats (the row-major fallback).
import CPeak
import QuantServeKernels

/// Prints the multiply-add peaks and the attention table.
@MainActor
func benchmarkAttention() {
    var peaks: [String: (name: String, gflops: Double)] = [:]  // by kernel name
    if FloatKernelPath.avx2.isSupported, let value = peakGOPS(qs_peak_vfmadd_ps_ymm) {
        peaks[AttentionKernel.fp32(.avx2).benchmarkName] = ("vfmadd231ps ymm (AVX2 + FMA)", value)
    }
    if FloatKernelPath.avx512.isSupported, let value = peakGOPS(qs_peak_vfmadd_ps_zmm) {
        peaks[AttentionKernel.fp32(.avx512).benchmarkName] = ("vfmadd231ps zmm (AVX-512F)", value)
    }
    if AttentionKernel.bf16.isSupported, let value = peakGOPS(qs_peak_vdpbf16ps_zmm) {
        peaks[AttentionKernel.bf16.benchmarkName] = ("vdpbf16ps zmm (AVX512_BF16)", value)
    }
    print("## Attention multiply-add peaks, one thread, thread CPU time (12 independent instructions per loop; flops = 2 × multiply-adds)\n")
    print("| instruction | GFLOPS |")
    print("|---|---:|")
    for kernel in attentionKernels() { if let peak = peaks[kernel.benchmarkName] { print("| \(peak.name) | \(format(peak.gflops)) |") } }
    print("")

    let hidden = 384, headDimension = 32
    let lengths = [16, 64, 128, 256]
    var generator = SystemRandomNumberGenerator()
    print("## Attention, one head (head dim \(headDimension)), one thread, thread CPU time\n")
    print("GFLOPS = 4·L²·d / time (q·kᵀ and p·v; the softmax and packing are in the time, not in the count).")
    print("Layout: `head-major` = the head's queries, keys and values as three blocks of L rows of \(headDimension)")
    print("floats (what the encoder's QKV projection writes); `rows` = packed qkv rows of \(3 * hidden) floats.")
    print("The portable path is FloatKernels' matrix products and softmax (Swift SIMD, baseline x86-64).\n")
    print("| kernel | layout | L | µs per head | GFLOPS | % of its instruction's peak |")
    print("|---|---|---:|---:|---:|---:|")
    for kernel in attentionKernels() {
        for headMajor in [true, false] {
            for length in lengths {
                // head-major: q, k, v blocks of length × d; rows: q | k | v pieces of each 3·hidden row.
                let stride = headMajor ? headDimension : 3 * hidden
                let (keyOffset, valueOffset) = headMajor ? (length * headDimension, 2 * length * headDimension) : (hidden, 2 * hidden)
                let qkv = (0..<(length * 3 * hidden)).map { _ in Float.random(in: -2...2, using: &generator) }
                var context = [Float](repeating: 0, count: length * hidden)
                let flops = 4.0 * Double(length * length * headDimension)
                let calls = max(5, Int((quick ? 5e7 : 2e8) / flops))  // a few milliseconds per timed run
                let seconds = Attention.withScratch(length: length, headDimension: headDimension, path: kernel.scratchPath) { scratch in
                    qkv.withUnsafeBufferPointer { input in
                        context.withUnsafeMutableBufferPointer { output in
                            let query = input.baseAddress!
                            return fastest(repeats: quick ? 5 : 15, .threadCPU) {
                                for _ in 0..<calls {
                                    Attention.head(
                                        query: query, key: query + keyOffset, value: query + valueOffset,
                                        inputStride: stride, context: output.baseAddress!, contextStride: hidden,
                                        length: length, headDimension: headDimension,
                                        scale: 1 / Float(headDimension).squareRoot(), scratch: scratch, kernel: kernel)
                                }
                            } / Double(calls)
                        }
                    }
                }
                let gflops = flops / seconds / 1e9
                let share = peaks[kernel.benchmarkName].map { "\(format(100 * gflops / $0.gflops))%" } ?? "–"
                print("| \(kernel.benchmarkName) | \(headMajor ? "head-major" : "rows") | \(length) | \(format(seconds * 1e6, 2)) | \(format(gflops)) | \(share) |")
            }
        }
    }
    print("")
}

/// Every attention kernel this CPU runs: the fp32 paths, then bf16.
func attentionKernels() -> [AttentionKernel] {
    FloatKernelPath.allCases.map { AttentionKernel.fp32($0) }.filter(\.isSupported) + (AttentionKernel.bf16.isSupported ? [.bf16] : [])
}

extension AttentionKernel {
    /// The kernel's name in the table.
    var benchmarkName: String {
        switch self {
        case let .fp32(path): "fp32 \(path.rawValue)"
        case .bf16: "bf16"
        }
    }

    /// The fp32 path whose scratch size the kernel needs (bf16 fits the selected path's).
    var scratchPath: FloatKernelPath {
        switch self {
        case let .fp32(path): path
        case .bf16: .selected
        }
    }
}
