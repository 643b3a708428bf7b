// The int8 GEMM sections of kernel-bench: the kernel alone on pre-quantized activations (one
// thread against the path's peak, and 1 vs 2 threads), the cost of quantizing its input, and
// the fused operations of one encoder layer (GEMM + epilogue) with their share of the time.
import Foundation
import QuantServeKernels

/// The four linear layers of a MiniLM-L6 encoder layer, with the epilogue each is fused with.
let encoderLinearLayers: [(k: Int, n: Int, name: String, epilogue: GemmEpilogue, epilogueName: String)] = [
    (384, 1152, "QKV", [], "bias"),
    (384, 384, "attention out", .accumulate, "bias + residual add"),
    (384, 1536, "FFN up", .gelu, "bias + GELU"),
    (1536, 384, "FFN down", .accumulate, "bias + residual add"),
]

/// A random layer of the given shape on the selected path, and an input quantized for it.
func randomLayer(k: Int, n: Int, rows: Int, using generator: inout SystemRandomNumberGenerator)
    -> (layer: Int8Linear, input: [Float], activations: QuantizedActivations) {
    let weights = (0..<(n * k)).map { _ in Int8.random(in: .min ... .max, using: &generator) }
    let layer = Int8Linear(weights: weights, scales: [Float](repeating: 0.01, count: n),
                           bias: [Float](repeating: 0.5, count: n), outFeatures: n, inFeatures: k)
    let input = (0..<(rows * k)).map { _ in Float.random(in: -3...3, using: &generator) }
    let activations = QuantizedActivations()
    layer.quantize(input, rows: rows, into: activations)
    return (layer, input, activations)
}

/// Prints a Markdown table's header: `text` columns left-aligned, then `numeric` ones right-aligned.
func printTableHeader(_ text: [String], numeric: [String]) {
    print("| " + (text + numeric).joined(separator: " | ") + " |")
    print("|" + String(repeating: "---|", count: text.count) + String(repeating: "---:|", count: numeric.count))
}

/// Prints the GEMM tables; `pathPeak` is the selected path's instruction peak in GOPS.
/// `--scaling` alternates 1 and 2 threads 20 times instead of 3 (quick) or 6, for a loaded
/// machine where the second core is free only now and then, and skips the fused-op table.
func runGemmBenchmarks(pathPeak: Double?, rowCounts: [Int], quick: Bool) {
    let scaling = CommandLine.arguments.contains("--scaling")
    let pools = [1: ComputePool(threads: 1), 2: ComputePool(threads: 2)]
    var generator = SystemRandomNumberGenerator()
    let path = KernelPath.selected.rawValue

    print("## Int8 GEMM kernel (\(path)) on pre-quantized activations, GOPS = 2·M·N·K / time, fastest of several runs\n")
    print("1T: one thread (`apply(quantized:pool: nil)`) timed by its CPU time, against the path peak above.")
    print("Quantize: `quantize(_:rows:into:)` of the same input, one thread, as a share of quantize + GEMM.")
    print("1T/2T wall: wall clock through a 1- and a 2-thread pool, alternated so both see the same load.\n")
    printTableHeader(["layer", "K→N"], numeric: ["M", "1T GOPS"] + (pathPeak != nil ? ["% of path peak"] : [])
        + ["quantize share", "1T wall GOPS", "2T wall GOPS", "2T / 1T"])
    for shape in encoderLinearLayers {
        for rows in rowCounts {
            let (layer, input, activations) = randomLayer(k: shape.k, n: shape.n, rows: rows, using: &generator)
            var output = [Float](repeating: 0, count: rows * shape.n)
            let operations = 2.0 * Double(rows * shape.n * shape.k)
            let repeats = max(3, min(quick ? 10 : 30, Int(2e9 / operations)))
            let cpu = fastest(repeats: repeats, .threadCPU) { layer.apply(quantized: activations, output: &output) }
            let scratch = QuantizedActivations()
            let quantize = fastest(repeats: repeats, .threadCPU) { layer.quantize(input, rows: rows, into: scratch) }
            var wall: [Int: Double] = [1: .infinity, 2: .infinity]
            for _ in 0..<(scaling ? 20 : quick ? 3 : 6) {
                for threads in [1, 2] {
                    let seconds = fastest(repeats: repeats, .wall) {
                        layer.apply(quantized: activations, output: &output, pool: pools[threads]!)
                    }
                    wall[threads] = min(wall[threads]!, seconds)
                }
            }
            let gops = operations / cpu / 1e9
            let wall1 = operations / wall[1]! / 1e9, wall2 = operations / wall[2]! / 1e9
            var line = "| \(shape.name) | \(shape.k)→\(shape.n) | \(rows) | \(format(gops)) |"
            if let pathPeak { line += " \(format(100 * gops / pathPeak))% |" }
            line += " \(format(100 * quantize / (quantize + cpu)))% | \(format(wall1)) | \(format(wall2)) | \(format(wall2 / wall1, 2)) |"
            print(line)
        }
    }
    print("")
    if scaling { return }

    print("## Fused operations of one encoder layer (\(path)), one thread, thread CPU time\n")
    print("Each GEMM with the epilogue the encoder fuses into it, on pre-quantized activations; % of peak")
    print("counts the GEMM's 2·M·N·K only; share: of the four fused GEMMs' time at that M.\n")
    printTableHeader(["M", "operation", "epilogue"], numeric: ["µs", "share", "GOPS"] + (pathPeak != nil ? ["% of path peak"] : []))
    for rows in rowCounts {
        var results: [(name: String, epilogue: String, seconds: Double, operations: Double)] = []
        for shape in encoderLinearLayers {
            let (layer, _, activations) = randomLayer(k: shape.k, n: shape.n, rows: rows, using: &generator)
            var output = [Float](repeating: 0.25, count: rows * shape.n)
            let operations = 2.0 * Double(rows * shape.n * shape.k)
            let repeats = max(3, min(quick ? 10 : 30, Int(2e9 / operations)))
            let variants: [(GemmEpilogue, String)] = shape.epilogue.isEmpty
                ? [(GemmEpilogue(), shape.epilogueName)]
                : [(GemmEpilogue(), "bias only"), (shape.epilogue, shape.epilogueName)]
            for (epilogue, name) in variants {
                let seconds = fastest(repeats: repeats, .threadCPU) {
                    layer.apply(quantized: activations, output: &output, epilogue: epilogue)
                }
                results.append((shape.name, name, seconds, operations))
            }
        }
        let fusedTotal = results.filter { result in
            encoderLinearLayers.contains { $0.name == result.name && $0.epilogueName == result.epilogue }
        }.map(\.seconds).reduce(0, +)
        for result in results {
            let gops = result.operations / result.seconds / 1e9
            var line = "| \(rows) | \(result.name) | \(result.epilogue) | \(format(result.seconds * 1e6)) |"
            let fused = encoderLinearLayers.contains { $0.name == result.name && $0.epilogueName == result.epilogue }
            line += fused ? " \(format(100 * result.seconds / fusedTotal))% |" : " |"
            line += " \(format(gops)) |"
            if let pathPeak { line += " \(format(100 * gops / pathPeak))% |" }
            print(line)
        }
    }
    print("")
}
