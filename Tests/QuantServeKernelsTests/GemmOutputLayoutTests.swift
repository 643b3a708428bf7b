import QuantServeSeededRandom
import Testing

@testable import QuantServeKernels

/// `Int8Linear.apply` into column groups (`GemmOutputLayout.grouped`, the head-major QKV layout)
/// on every path this CPU runs: the same bits as the row-major output, each in its group's block,
/// and nothing written outside the rows asked for.
@Suite("GEMM output in column groups")
struct GemmOutputLayoutTests {
    @Test("the layout's offsets: row-major, and groups one block after the other")
    func offsets() {
        let rowMajor = GemmOutputLayout.rowMajor(stride: 10)
        #expect(rowMajor.offset(row: 3, channel: 7) == 37)
        let grouped = GemmOutputLayout.grouped(width: 32, rows: 5)
        #expect(grouped.offset(row: 0, channel: 0) == 0)
        #expect(grouped.offset(row: 4, channel: 31) == 4 * 32 + 31)
        #expect(grouped.offset(row: 0, channel: 32) == 5 * 32)
        #expect(grouped.offset(row: 2, channel: 70) == 2 * 5 * 32 + 2 * 32 + 6)
        #expect(grouped.holds(channels: 96) && !grouped.holds(channels: 80))
    }

    @Test(
        "grouped output equals the row-major output on every path, every epilogue, 8-bit and precise",
        arguments: [(37, 96, 70), (8, 32, 384), (1, 64, 5), (19, 1152, 40)])
    func groupedMatchesRowMajor(m: Int, n: Int, k: Int) {
        let pool = ComputePool(threads: 2)
        var generator = SeededGenerator(seed: UInt64(m * 7919 + n + k))
        let weights = [Int8].random(count: n * k, using: &generator)
        let scales = [Float].random(count: n, in: 0.001...0.05, using: &generator)
        let bias = [Float].random(count: n, in: -1...1, using: &generator)
        let input = [Float].random(count: m * k, in: -4...6, using: &generator)
        let residual = [Float].random(count: m * n, in: -3...3, using: &generator)
        let width = 32
        let layout = GemmOutputLayout.grouped(width: width, rows: m)
        let epilogues: [GemmEpilogue] = [[], .accumulate, .gelu]
        for (kernel, path) in Int8LinearTests.runnableKernels {
            let layer = Int8Linear(
                weights: weights, scales: scales, bias: bias, outFeatures: n, inFeatures: k, kernel: kernel, path: path)
            for (index, epilogue) in epilogues.enumerated() {
                for precise in [false, true] {
                    let activations = QuantizedActivations()
                    layer.quantize(input, rows: m, into: activations, precise: precise)
                    var rowMajor = residual
                    layer.apply(quantized: activations, output: &rowMajor, epilogue: epilogue)
                    // The grouped buffer starts as the residual rearranged, so accumulate adds to the same values.
                    var grouped = [Float](repeating: 0, count: m * n)
                    for row in 0..<m {
                        for channel in 0..<n {
                            grouped[layout.offset(row: row, channel: channel)] = residual[row * n + channel]
                        }
                    }
                    let usePool = index % 2 == 0
                    layer.apply(
                        quantized: activations, output: &grouped, outputLayout: layout, epilogue: epilogue,
                        pool: usePool ? pool : nil)
                    let label = "\(kernel) \(epilogue.rawValue)\(precise ? " precise" : "") M=\(m) N=\(n)"
                    let mismatches = (0..<m).flatMap { row in (0..<n).map { (row, $0) } }.filter { row, channel in
                        grouped[layout.offset(row: row, channel: channel)].bitPattern
                            != rowMajor[row * n + channel].bitPattern
                    }
                    #expect(mismatches.isEmpty, "\(label): \(mismatches.count) differ, first \(mismatches.first!)")
                }
            }
        }
    }

    @Test("a row range writes only its rows of each group")
    func rowRange() {
        let (m, n, k) = (29, 64, 48)
        var generator = SeededGenerator(seed: 3)
        let weights = [Int8].random(count: n * k, using: &generator)
        let scales = [Float].random(count: n, in: 0.001...0.05, using: &generator)
        let input = [Float].random(count: m * k, in: -2...2, using: &generator)
        let layout = GemmOutputLayout.grouped(width: 32, rows: m)
        let pool = ComputePool(threads: 2)
        for (kernel, path) in Int8LinearTests.runnableKernels {
            let layer = Int8Linear(
                weights: weights, scales: scales, bias: nil, outFeatures: n, inFeatures: k, kernel: kernel, path: path)
            let activations = QuantizedActivations()
            layer.quantize(input, rows: m, into: activations)
            var whole = [Float](repeating: 0, count: m * n)
            layer.apply(quantized: activations, output: &whole, outputLayout: layout)
            for (rows, usePool) in [(3..<17, false), (17..<29, true)] {
                var part = [Float](repeating: .infinity, count: m * n)
                layer.apply(
                    quantized: activations, rows: rows, output: &part, outputLayout: layout,
                    pool: usePool ? pool : nil)
                for row in 0..<m {
                    for channel in 0..<n {
                        let offset = layout.offset(row: row, channel: channel)
                        if rows.contains(row) {
                            #expect(part[offset].bitPattern == whole[offset].bitPattern, "\(kernel) row \(row)")
                        } else {
                            #expect(part[offset] == .infinity, "\(kernel) wrote row \(row) outside \(rows)")
                        }
                    }
                }
            }
        }
    }
}
