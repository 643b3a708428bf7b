// fp32 kernels per FloatKernelPath (C AVX-512, C AVX2 + FMA, portable Swift SIMD) in GB/s,
// next to the copy bandwidth main.swift measures: GELU, softmax, add + layer norm and the
// activation quantizer, over a large buffer (memory-bound, as the copy) and over a block that
// stays in L2 (as the encoder's row blocks do).
import Foundation
import QuantServeKernels

/// Seconds for the fastest of `repeats` runs of `body`, each run after an untimed `refill`
/// (so in-place kernels always see the same inputs), timed by the thread's CPU time.
private func fastestFresh(repeats: Int, refill: () -> Void, _ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0...repeats {  // the first run warms up
        refill()
        let start = Timing.threadCPU.now
        body()
        best = min(best, Double(Timing.threadCPU.now - start) / 1e9)
    }
    return best
}

/// Prints one table: each fp32 kernel on each path this CPU supports, in GB/s (bytes read +
/// written) over `floatCount` floats and over an L2-resident block, against `copyBandwidth`.
func runFloatKernelBenchmarks(floatCount: Int, copyBandwidth: Double) {
    let hidden = 384, softmaxRow = 128, blockFloats = 48 * 1024  // a 192 KiB block: 128 rows of 384
    let total = floatCount / hidden * hidden
    let pristine = UnsafeMutablePointer<Float>.allocate(capacity: total)
    let x = UnsafeMutablePointer<Float>.allocate(capacity: total)
    let residual = UnsafeMutablePointer<Float>.allocate(capacity: total)
    let quantized = UnsafeMutableRawPointer.allocate(byteCount: 2 * total, alignment: 64)
    let scales = UnsafeMutablePointer<Float>.allocate(capacity: total / hidden)
    let zeroPoints = UnsafeMutablePointer<Int32>.allocate(capacity: total / hidden)
    defer {
        for pointer in [pristine, x, residual] { pointer.deallocate() }
        quantized.deallocate()
        scales.deallocate()
        zeroPoints.deallocate()
    }
    for i in 0..<total {
        pristine[i] = Float(i % 977) * 0.01 - 4
        residual[i] = Float(i % 89) * 0.02 - 0.9
    }
    let gamma = [Float](repeating: 1.1, count: hidden), beta = [Float](repeating: 0.1, count: hidden)
    let multiplier = (0..<hidden).map { Float($0 % 13) * 0.1 + 0.5 }

    /// One kernel: its name, bytes moved per float, and a run over `count` floats on a path.
    typealias Kernel = (name: String, bytesPerFloat: Double, run: (Int, FloatKernelPath) -> Void)
    let kernels: [Kernel] = [
        ("GELU", 8, { count, path in FloatKernels.gelu(x, count: count, path: path) }),
        ("softmax, rows of \(softmaxRow)", 8, { count, path in
            for row in stride(from: 0, to: count, by: softmaxRow) { FloatKernels.softmax(x + row, count: softmaxRow, path: path) }
        }),
        ("layer norm, rows of \(hidden)", 8, { count, path in
            FloatKernels.layerNorm(x, rows: count / hidden, cols: hidden, gamma: gamma, beta: beta, epsilon: 1e-12, path: path)
        }),
        ("residual add + layer norm", 12, { count, path in
            FloatKernels.addLayerNorm(x, residual: residual, rows: count / hidden, cols: hidden,
                                      gamma: gamma, beta: beta, epsilon: 1e-12, path: path)
        }),
        ("quantize to u8 (VNNI layout)", 5, { count, path in
            ActivationQuantizer.quantize(x, inFeatures: hidden, rows: 0..<(count / hidden), into: quantized,
                                         paddedFeatures: hidden, elementBytes: 1, precise: false,
                                         scales: scales, zeroPoints: zeroPoints, path: path)
        }),
        ("quantize to u8 as int16 (AVX2 layout)", 6, { count, path in
            ActivationQuantizer.quantize(x, inFeatures: hidden, rows: 0..<(count / hidden), into: quantized,
                                         paddedFeatures: hidden, elementBytes: 2, precise: false,
                                         scales: scales, zeroPoints: zeroPoints, path: path)
        }),
        ("quantize with SmoothQuant multiplier, u8", 5, { count, path in
            multiplier.withUnsafeBufferPointer { factors in
                ActivationQuantizer.quantize(x, inFeatures: hidden, rows: 0..<(count / hidden), into: quantized,
                                             paddedFeatures: hidden, elementBytes: 1, precise: false,
                                             scales: scales, zeroPoints: zeroPoints, multiplier: factors.baseAddress, path: path)
            }
        }),
    ]

    let paths = FloatKernelPath.allCases.filter(\.isSupported)
    print("## fp32 kernels per path, GB/s (bytes read + written), one thread, thread CPU time\n")
    print("\((total * 4) >> 20) MiB: the whole buffer, against the copy's \(format(copyBandwidth)) GB/s; ", terminator: "")
    print("L2: a \((blockFloats * 4) >> 10) KiB block, 64 times over (the encoder's row blocks). Selected path: \(FloatKernelPath.selected.rawValue).\n")
    var header = "| kernel |", rule = "|---|"
    for path in paths {
        header += " \(path.rawValue) MiB | % of copy | \(path.rawValue) L2 |"
        rule += "---:|---:|---:|"
    }
    print(header)
    print(rule)
    for kernel in kernels {
        var line = "| \(kernel.name) |"
        for path in paths {
            let large = fastestFresh(repeats: quick ? 3 : 8, refill: { x.update(from: pristine, count: total) }) {
                kernel.run(total, path)
            }
            let block = fastestFresh(repeats: quick ? 3 : 8, refill: { x.update(from: pristine, count: blockFloats) }) {
                for _ in 0..<64 { kernel.run(blockFloats, path) }
            }
            let largeBandwidth = kernel.bytesPerFloat * Double(total) / large / 1e9
            let blockBandwidth = 64 * kernel.bytesPerFloat * Double(blockFloats) / block / 1e9
            line += " \(format(largeBandwidth)) | \(format(100 * largeBandwidth / copyBandwidth))% | \(format(blockBandwidth)) |"
        }
        print(line)
    }
    print("")
}
