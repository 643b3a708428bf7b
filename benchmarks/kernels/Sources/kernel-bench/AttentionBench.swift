// Fused attention of one head (sequence length L, head dim 32, the packed qkv layout of
// all-MiniLM-L6-v2) on every supported path, in GFLOPS = 4·L²·d / time, against this CPU's fp32
// fused multiply-add peak measured in the same run.
import CPeak
import QuantServeKernels

/// Prints the fp32 FMA peaks and the attention table.
@MainActor
func benchmarkAttention() {
    var peaks: [FloatKernelPath: Double] = [:]
    print("## fp32 peak, one thread, thread CPU time (12 independent vfmadd231ps per loop; flops = 2 × multiply-adds)\n")
    print("| instruction | GFLOPS |")
    print("|---|---:|")
    if FloatKernelPath.avx2.isSupported, let value = peakGOPS(qs_peak_vfmadd_ps_ymm) {
        peaks[.avx2] = value
        print("| vfmadd231ps ymm (AVX2 + FMA) | \(format(value)) |")
    }
    if FloatKernelPath.avx512.isSupported, let value = peakGOPS(qs_peak_vfmadd_ps_zmm) {
        peaks[.avx512] = value
        print("| vfmadd231ps zmm (AVX-512F) | \(format(value)) |")
    }
    print("")

    let hidden = 384, headDimension = 32, stride = 3 * hidden
    let lengths = [16, 64, 128, 256]
    var generator = SystemRandomNumberGenerator()
    print("## Attention, one head (head dim \(headDimension), packed qkv rows of \(stride) floats), one thread, thread CPU time\n")
    print("GFLOPS = 4·L²·d / time (q·kᵀ and p·v; the softmax and packing are in the time, not in the count).")
    print("The portable path is FloatKernels' matrix products and softmax (Swift SIMD, baseline x86-64).\n")
    print("| path | L | GFLOPS | % of fp32 FMA peak (same width) |")
    print("|---|---:|---:|---:|")
    for path in FloatKernelPath.allCases where path.isSupported {
        for length in lengths {
            let qkv = (0..<(length * stride)).map { _ in Float.random(in: -2...2, using: &generator) }
            var context = [Float](repeating: 0, count: length * hidden)
            let flops = 4.0 * Double(length * length * headDimension)
            let calls = max(5, Int((quick ? 5e7 : 2e8) / flops))  // a few milliseconds per timed run
            let seconds = Attention.withScratch(length: length, headDimension: headDimension, path: path) { scratch in
                qkv.withUnsafeBufferPointer { input in
                    context.withUnsafeMutableBufferPointer { output in
                        let query = input.baseAddress!
                        return fastest(repeats: quick ? 5 : 15, .threadCPU) {
                            for _ in 0..<calls {
                                Attention.head(query: query, key: query + hidden, value: query + 2 * hidden,
                                               inputStride: stride, context: output.baseAddress!, contextStride: hidden,
                                               length: length, headDimension: headDimension,
                                               scale: 1 / Float(headDimension).squareRoot(), scratch: scratch, path: path)
                            }
                        } / Double(calls)
                    }
                }
            }
            let gflops = flops / seconds / 1e9
            let share = peaks[path].map { "\(format(100 * gflops / $0))%" } ?? "–"
            print("| \(path.rawValue) | \(length) | \(format(gflops)) | \(share) |")
        }
    }
    print("")
}
