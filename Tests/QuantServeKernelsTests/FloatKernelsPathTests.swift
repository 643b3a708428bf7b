import Foundation
import QuantServeSeededRandom
import QuantServeTestSupport
import Testing

@testable import QuantServeKernels

/// The C variants of the fp32 kernels (AVX-512, AVX2 + FMA) against their Swift twins (the
/// portable path) and against Double references, at every tail length 1...67, with named
/// tolerances. A variant this CPU cannot run is cancelled with the reason, not passed.
@Suite("FloatKernels C paths")
struct FloatKernelsPathTests {
    /// The C variants.
    static let paths: [FloatKernelPath] = [.avx512, .avx2]
    /// Lengths: every tail of both vector widths, and a few whole rows.
    static let lengths = Array(1...67) + [384, 1536]

    /// erf of the C paths: absolute error against libm's erf in Double, over all floats (the
    /// minimax rational function, degrees 4/3, measures 1.89e-6; QS_ERF_MAX_ABS_ERROR).
    static let erfAbsoluteTolerance: Float = 2e-6
    /// exp of the C paths: error in units of the last place on [-87.3, 88.37] (measured 1.0).
    static let expUlpTolerance: Double = 2
    /// GELU of a C path against the Double reference: absolute error over max(1, |x|)
    /// (erf's 2e-6 times |x|/2, plus the rounding of 1/2 + r and of the result; over every float
    /// of [-8, 8] 1.03e-6).
    static let geluTolerance: Float = 1.1e-6
    /// GELU, C path against the portable twin: both erf errors (2e-6 + 5e-7) times |x|/2, plus rounding.
    static let geluTwinTolerance: Float = 1.4e-6
    /// QS_ERF_ONE: from this float on GELU is exactly x, from its negation on exactly 0 (and erf of
    /// x / sqrt 2 exactly +-1).
    static let erfClampPoint: Float = 4.780_039_8
    /// softmax, C path against the portable twin: absolute error of probabilities.
    static let softmaxTwinTolerance: Float = 1e-6
    /// add + layer norm, C path against the portable twin: absolute error over max(1, |output|),
    /// rows of mean about 0 (a mean of 1000 costs up to 100 times more: the float rounding of
    /// the inputs themselves, summed in a different order).
    static let layerNormTwinTolerance: Float = 2e-5

    static func requireSupported(_ path: FloatKernelPath) throws {
        if !path.isSupported { try Test.cancel("this CPU cannot run the \(path) fp32 kernels") }
    }

    @Test("erf: absolute error against libm over every 509th float, signs and NaN", arguments: paths)
    func erfOverAllFloats(path: FloatKernelPath) throws {
        try Self.requireSupported(path)
        var worst: Double = 0
        var values = [Float](repeating: 0, count: 1 << 16)
        var bits: UInt32 = 0
        let end = Float.infinity.bitPattern
        while bits < end {
            var count = 0
            while count < values.count && bits < end {
                values[count] = Float(bitPattern: bits)
                bits &+= 509
                count += 1
            }
            let inputs = values
            FloatKernels.erf(&values, count: count, path: path)
            for i in 0..<count { worst = max(worst, abs(Double(values[i]) - Foundation.erf(Double(inputs[i])))) }
        }
        print("\(path) erf: max absolute error \(worst)")
        #expect(worst <= Double(Self.erfAbsoluteTolerance))
        var edges: [Float] = [
            .infinity, -.infinity, .nan, 0, -0.0, -3.5, 3.5, .greatestFiniteMagnitude, -.leastNonzeroMagnitude, 3.92,
            -4,
        ]
        FloatKernels.erf(&edges, count: edges.count, path: path)
        #expect(edges[0] == 1 && edges[1] == -1 && edges[2].isNaN)
        #expect(edges[3] == 0 && edges[4] == 0 && edges[4].sign == .minus)
        #expect(edges[5] == -edges[6] && edges[7] == 1 && edges[8] <= 0)
        // Exactly +-1 from the clamp point on, so GELU(-huge) is 0.
        #expect(edges[9] == 1 && edges[10] == -1)
    }

    @Test("exp: within 2 ulp on [-87.3, 88.37]; limits as the portable twin", arguments: paths)
    func exp(path: FloatKernelPath) throws {
        try Self.requireSupported(path)
        // Every 31st float: the negative ones by their bit patterns from -87.3 down to -0, then the positive ones.
        let negative = stride(from: Float(-87.3).bitPattern, to: (-0.0 as Float).bitPattern, by: -31)
        let positive = stride(from: Float(0).bitPattern, to: Float(88.37).bitPattern, by: 31)
        let inputs = (Array(negative) + Array(positive)).map(Float.init(bitPattern:))
        var values = inputs
        FloatKernels.exp(&values, count: values.count, path: path)
        var worst: Double = 0
        for (input, output) in zip(inputs, values) {
            let exact = Foundation.exp(Double(input))
            worst = max(worst, abs(Double(output) - exact) / Double(Float(exact).ulp))
        }
        print("\(path) exp: max error \(worst) ulp")
        #expect(worst <= Self.expUlpTolerance)
        let edges: [Float] = [-.infinity, -1000, -87.4, 0, 88.4, 1000, .infinity, .nan]
        var c = edges
        var twin = edges
        FloatKernels.exp(&c, count: c.count, path: path)
        FloatKernels.exp(&twin, count: twin.count, path: .portable)
        #expect(c[0..<7] == twin[0..<7] && c[0..<7] == [0, 0, 0, 1, .infinity, .infinity, .infinity])
        #expect(c[7].isNaN && twin[7].isNaN)
    }

    @Test("GELU: against the Double reference and the portable twin, every tail", arguments: paths)
    func gelu(path: FloatKernelPath) throws {
        try Self.requireSupported(path)
        var generator = SeededGenerator(seed: 41)
        var worstReference: Float = 0
        var worstTwin: Float = 0
        for count in Self.lengths {
            let inputs = [Float].random(count: count, in: -8...8, using: &generator)
            var c = inputs
            var twin = inputs
            var reference = inputs
            c.withUnsafeMutableBufferPointer { FloatKernels.gelu($0.baseAddress!, count: count, path: path) }
            twin.withUnsafeMutableBufferPointer { FloatKernels.gelu($0.baseAddress!, count: count, path: .portable) }
            ScalarReference.gelu(&reference, count: count)
            for i in 0..<count {
                let scale = max(1, abs(inputs[i]))
                worstReference = max(worstReference, abs(c[i] - reference[i]) / scale)
                worstTwin = max(worstTwin, abs(c[i] - twin[i]) / scale)
            }
        }
        print("\(path) GELU: max |Δ| / max(1, |x|) \(worstReference) against Double, \(worstTwin) against the twin")
        #expect(worstReference <= Self.geluTolerance)
        #expect(worstTwin <= Self.geluTwinTolerance)
    }

    @Test("GELU: ±inf, NaN, huge and tiny values as the portable twin", arguments: paths)
    func geluEdges(path: FloatKernelPath) throws {
        try Self.requireSupported(path)
        let edges: [Float] = [
            .infinity, -.infinity, .nan, 3e38, -3e38, 0, -0.0, 1e-30, -1e-30, -10, 10, .leastNonzeroMagnitude,
        ]
        var c = edges
        var twin = edges
        FloatKernels.gelu(&c, count: c.count, path: path)
        FloatKernels.gelu(&twin, count: twin.count, path: .portable)
        for i in edges.indices {
            #expect(c[i] == twin[i] || (c[i].isNaN && twin[i].isNaN), "GELU(\(edges[i])): \(c[i]) vs \(twin[i])")
        }
    }

    @Test("GELU: against libm over every 97th float of [-8, 8]", arguments: paths)
    func geluOverDenseFloats(path: FloatKernelPath) throws {
        try Self.requireSupported(path)
        let magnitudes = stride(from: UInt32(0), through: Float(8).bitPattern, by: 97).map(Float.init(bitPattern:))
        let inputs = magnitudes + magnitudes.map { -$0 }
        var values = inputs
        FloatKernels.gelu(&values, count: values.count, path: path)
        var worst: Double = 0
        for (x, y) in zip(inputs, values) {
            let exact = 0.5 * Double(x) * (1 + Foundation.erf(Double(x) / 2.0.squareRoot()))
            worst = max(worst, abs(Double(y) - exact) / max(1, abs(Double(x))))
        }
        print("\(path) GELU: max |Δ| / max(1, |x|) \(worst) over \(inputs.count) floats")
        #expect(worst <= Double(Self.geluTolerance))
    }

    @Test("GELU exactly x and 0, erf exactly ±1, from the clamp point on", arguments: paths)
    func exactBeyondClamp(path: FloatKernelPath) throws {
        try Self.requireSupported(path)
        let start = Self.erfClampPoint.bitPattern
        let positive =
            (Array(start..<(start + 64)) + Array(stride(from: start, to: Float.infinity.bitPattern, by: 4099)))
            .map(Float.init(bitPattern:)) + [.greatestFiniteMagnitude]
        var gelus = positive + positive.map { -$0 }
        FloatKernels.gelu(&gelus, count: gelus.count, path: path)
        let wrongPositive = positive.indices.filter { gelus[$0] != positive[$0] }
        let wrongNegative = positive.indices.filter { gelus[positive.count + $0] != 0 }
        #expect(wrongPositive.isEmpty, "GELU(x) != x at \(wrongPositive.prefix(5).map { positive[$0] })")
        #expect(wrongNegative.isEmpty, "GELU(-x) != 0 at \(wrongNegative.prefix(5).map { positive[$0] })")
        // erf(s) takes t = sqrt 2 * s: exactly 1 from s = QS_ERF_ONE / sqrt 2 on.
        let erfStart = (Self.erfClampPoint / Float(2).squareRoot()).nextUp.nextUp.bitPattern
        let erfInputs = stride(from: erfStart, to: Float.infinity.bitPattern, by: 4099).map(Float.init(bitPattern:))
        var erfs = erfInputs + erfInputs.map { -$0 }
        FloatKernels.erf(&erfs, count: erfs.count, path: path)
        #expect(erfs[..<erfInputs.count].allSatisfy { $0 == 1 } && erfs[erfInputs.count...].allSatisfy { $0 == -1 })
    }

    @Test("softmax: against the portable twin at every tail, huge logits, masks, NaN", arguments: paths)
    func softmax(path: FloatKernelPath) throws {
        try Self.requireSupported(path)
        var generator = SeededGenerator(seed: 43)
        for count in Self.lengths {
            let rows: [[Float]] = [
                .random(count: count, in: -10...10, using: &generator),
                .random(count: count, in: 1e30...3e38, using: &generator),
                .random(count: count, in: -3e38 ... -1e30, using: &generator),
                (0..<count).map { $0 % 3 == 1 ? -.infinity : Float($0) * 0.3 },
                (0..<count).map { $0 % 5 == 2 ? .nan : Float($0 % 7) },
                [Float](repeating: 4.25, count: count),
                [Float](repeating: 0, count: count),
            ]
            for (kind, row) in rows.enumerated() {
                var c = row
                var twin = row
                FloatKernels.softmax(&c, count: count, path: path)
                FloatKernels.softmax(&twin, count: count, path: .portable)
                #expect(
                    maxAbsoluteDifference(c, twin) <= Self.softmaxTwinTolerance, "length \(count), row kind \(kind)")
                #expect(c.allSatisfy { $0.isFinite && $0 >= 0 })
                #expect(abs(c.reduce(0.0) { $0 + Double($1) } - 1) <= 1e-5, "length \(count), row kind \(kind)")
            }
        }
    }

    @Test("softmax: fully masked rows and +inf logits exactly as the portable twin", arguments: paths)
    func softmaxNonFinite(path: FloatKernelPath) throws {
        try Self.requireSupported(path)
        for count in 1...67 {
            let masked = [Float](repeating: -.infinity, count: count)
            let infinite = (0..<count).map {
                $0 % 4 == 3 || $0 == count - 1 ? Float.infinity : $0 % 4 == 1 ? -.infinity : 1
            }
            for row in [masked, infinite] {
                var c = row
                var twin = row
                FloatKernels.softmax(&c, count: count, path: path)
                FloatKernels.softmax(&twin, count: count, path: .portable)
                #expect(c == twin, "length \(count)")
            }
        }
    }

    @Test("add + layer norm: against the portable twin at every tail, with and without residual", arguments: paths)
    func addLayerNorm(path: FloatKernelPath) throws {
        try Self.requireSupported(path)
        var generator = SeededGenerator(seed: 47)
        let rows = 5
        for cols in Self.lengths {
            let gamma = [Float].random(count: cols, in: 0.5...2, using: &generator)
            let beta = [Float].random(count: cols, in: -1...1, using: &generator)
            var x = [Float].random(count: rows * cols, in: -3...3, using: &generator)
            for i in 0..<cols {
                x[cols + i] = 2.5  // all equal: the deviations are 0, the output is beta
                x[2 * cols + i] = 0
                x[3 * cols + i] += 1000  // far from 0
            }
            let residual = [Float].random(count: rows * cols, in: -1...1, using: &generator)
            for withResidual in [false, true] {
                var c = x
                var twin = x
                let added = withResidual ? residual : nil
                FloatKernels.addLayerNorm(
                    &c, residual: added, rows: rows, cols: cols, gamma: gamma, beta: beta, epsilon: 1e-12, path: path)
                FloatKernels.addLayerNorm(
                    &twin, residual: added, rows: rows, cols: cols, gamma: gamma, beta: beta, epsilon: 1e-12,
                    path: .portable)
                for row in 0..<rows {
                    let tolerance = Self.layerNormTwinTolerance * (row == 3 ? 100 : 1)
                    var worst: Float = 0
                    for i in row * cols..<(row + 1) * cols {
                        worst = max(worst, abs(c[i] - twin[i]) / max(1, abs(twin[i])))
                    }
                    #expect(worst <= tolerance, "cols \(cols), row \(row), residual \(withResidual): \(worst)")
                }
                if !withResidual {
                    #expect(Array(c[cols..<2 * cols]) == beta && Array(c[2 * cols..<3 * cols]) == beta)
                }
            }
        }
    }

    @Test("add + layer norm: the residual sum is the float sum, as FloatKernels.add", arguments: paths)
    func residualIsAdded(path: FloatKernelPath) throws {
        try Self.requireSupported(path)
        var generator = SeededGenerator(seed: 53)
        let cols = 37
        var x = [Float].random(count: cols, in: -3...3, using: &generator)
        let residual = [Float].random(count: cols, in: -3...3, using: &generator)
        var summed = x
        FloatKernels.add(&summed, residual, count: cols)
        let ones = [Float](repeating: 1, count: cols)
        let zeros = [Float](repeating: 0, count: cols)
        FloatKernels.addLayerNorm(
            &x, residual: residual, rows: 1, cols: cols, gamma: ones, beta: zeros, epsilon: 0, path: path)
        FloatKernels.layerNorm(&summed, rows: 1, cols: cols, gamma: ones, beta: zeros, epsilon: 0, path: path)
        #expect(x == summed)
    }
}
