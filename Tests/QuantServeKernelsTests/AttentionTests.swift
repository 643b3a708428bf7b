import Foundation
import QuantServeKernels
import QuantServeSeededRandom
import QuantServeTestSupport
import Testing

/// Every attention path against a scalar reference in Double, on the packed layout of a BERT
/// layer: queries, keys and values of one head interleaved in rows of 3·hidden floats, the
/// context in rows of hidden floats. A packed batch has no padding, so no position is masked.
@Suite("Attention")
struct AttentionTests {
    /// The largest error allowed in a context value, as a fraction of the largest |value| of the
    /// head (the context is a convex combination of value rows). Measured: 1.1e-6 (head dim 24) to
    /// 2.2e-6 (head dim 64) for the C kernels and the portable path alike (float sums of up to
    /// 256 terms, the vector exps: the C kernels' 2^f polynomial is within 2.1e-7 relative).
    static let relativeTolerance: Float = 4e-6

    static let lengths = Array(1...70) + [128, 256]
    static let headDimensions = [32, 64, 24, 40]
    static let heads = 3

    /// A packed qkv matrix for `length` tokens and `heads` heads of `headDimension`, uniform in ±`range`.
    static func packedInput(length: Int, headDimension: Int, range: Float, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return .random(count: length * 3 * heads * headDimension, in: -range...range, using: &generator)
    }

    /// softmax(q·kᵀ·scale)·v of head `head` in Double, into that head's columns of `context`.
    static func reference(
        _ qkv: [Float], head: Int, length: Int, headDimension: Int, scale: Float,
        into context: inout [Float]
    ) {
        let hidden = heads * headDimension
        let stride = 3 * hidden
        let offset = head * headDimension
        var scores = [Double](repeating: 0, count: length)
        for i in 0..<length {
            for j in 0..<length {
                var dot = 0.0
                for c in 0..<headDimension {
                    dot += Double(qkv[i * stride + offset + c]) * Double(qkv[j * stride + hidden + offset + c])
                }
                scores[j] = dot * Double(scale)
            }
            let highest = scores.max()!
            let weights = scores.map { Foundation.exp($0 - highest) }
            let total = weights.reduce(0, +)
            for c in 0..<headDimension {
                var sum = 0.0
                for j in 0..<length { sum += weights[j] * Double(qkv[j * stride + 2 * hidden + offset + c]) }
                context[i * hidden + offset + c] = Float(sum / total)
            }
        }
    }

    /// One head of the packed input on `path`, into that head's columns of `context`.
    static func attendHead(
        _ qkv: [Float], head: Int, length: Int, headDimension: Int, scale: Float,
        into context: inout [Float], scratch: UnsafeMutablePointer<Float>, path: FloatKernelPath
    ) {
        let hidden = heads * headDimension
        qkv.withUnsafeBufferPointer { input in
            context.withUnsafeMutableBufferPointer { output in
                let query = input.baseAddress! + head * headDimension
                Attention.head(
                    query: query, key: query + hidden, value: query + 2 * hidden,
                    inputStride: 3 * hidden, context: output.baseAddress! + head * headDimension,
                    contextStride: hidden, length: length, headDimension: headDimension,
                    scale: scale, scratch: scratch, path: path)
            }
        }
    }

    /// Every head of the packed input on `path`, into a context prefilled with NaN.
    static func run(_ qkv: [Float], length: Int, headDimension: Int, scale: Float, path: FloatKernelPath) -> [Float] {
        var context = [Float](repeating: .nan, count: length * heads * headDimension)
        Attention.withScratch(length: length, headDimension: headDimension, path: path) { scratch in
            for head in 0..<heads {
                attendHead(
                    qkv, head: head, length: length, headDimension: headDimension, scale: scale,
                    into: &context, scratch: scratch, path: path)
            }
        }
        return context
    }

    /// The worst error of `path` over all lengths, relative to the largest |value| (a NaN left
    /// means a context element was not written). With `integerLogits`, queries and keys are
    /// rounded to integers and the scale is 1: logits in the thousands, exact in float, so the
    /// reference and the kernels see the same scores.
    static func worstError(
        path: FloatKernelPath, headDimension: Int, range: Float, integerLogits: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Float {
        var worst: Float = 0
        let hidden = heads * headDimension
        for length in lengths {
            var qkv = packedInput(
                length: length, headDimension: headDimension, range: range,
                seed: UInt64(length * 1000 + headDimension))
            if integerLogits {
                for index in qkv.indices where index % (3 * hidden) < 2 * hidden { qkv[index].round() }
            }
            let scale = integerLogits ? 1 : 1 / Float(headDimension).squareRoot()
            let context = run(qkv, length: length, headDimension: headDimension, scale: scale, path: path)
            var expected = [Float](repeating: 0, count: context.count)
            for head in 0..<heads {
                reference(qkv, head: head, length: length, headDimension: headDimension, scale: scale, into: &expected)
            }
            let error = zip(context, expected).map { abs($0 - $1) }.max()!
            #expect(!error.isNaN, "length \(length): a context element was not written", sourceLocation: sourceLocation)
            worst = max(worst, error / range)
        }
        print(
            "attention \(path.rawValue), head dim \(headDimension), values ±\(range)\(integerLogits ? ", integer logits" : ""): "
                + "max error / max|v| \(worst)")
        return worst
    }

    static func check(_ path: FloatKernelPath, headDimension: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            worstError(path: path, headDimension: headDimension, range: 3, sourceLocation: sourceLocation)
                <= relativeTolerance, sourceLocation: sourceLocation)
        // Logits up to 32·30² = 28 800: steep rows, no overflow in the exponentials.
        #expect(
            worstError(
                path: path, headDimension: headDimension, range: 30, integerLogits: true,
                sourceLocation: sourceLocation) <= relativeTolerance, sourceLocation: sourceLocation)
    }

    @Test(
        "AVX-512 against the Double reference, lengths 1...70, 128, 256",
        .enabled(if: FloatKernelPath.avx512.isSupported, "skipped: this CPU has no AVX-512 F/BW"),
        arguments: headDimensions)
    func avx512(headDimension: Int) { Self.check(.avx512, headDimension: headDimension) }

    @Test(
        "AVX2 against the Double reference, lengths 1...70, 128, 256",
        .enabled(if: FloatKernelPath.avx2.isSupported, "skipped: this CPU has no AVX2 and FMA"),
        arguments: headDimensions)
    func avx2(headDimension: Int) { Self.check(.avx2, headDimension: headDimension) }

    @Test("portable against the Double reference, lengths 1...70, 128, 256", arguments: headDimensions)
    func portable(headDimension: Int) { Self.check(.portable, headDimension: headDimension) }

    @Test(
        "C paths agree with the portable path and leave other heads' columns alone",
        arguments: FloatKernelPath.allCases.filter { $0 != .portable && $0.isSupported })
    func agreesWithPortable(path: FloatKernelPath) {
        for (length, headDimension) in [(1, 32), (9, 24), (33, 40), (65, 32), (128, 64)] {
            let qkv = Self.packedInput(length: length, headDimension: headDimension, range: 2, seed: UInt64(length))
            let hidden = Self.heads * headDimension
            let scale = 1 / Float(headDimension).squareRoot()
            let expected = Self.run(qkv, length: length, headDimension: headDimension, scale: scale, path: .portable)
            // Only the middle head, into a context of sentinels: every other column must keep its sentinel.
            var context = [Float](repeating: -7, count: length * hidden)
            Attention.withScratch(length: 256, headDimension: headDimension, path: path) { scratch in
                Self.attendHead(
                    qkv, head: 1, length: length, headDimension: headDimension, scale: scale,
                    into: &context, scratch: scratch, path: path)
            }
            for row in 0..<length {
                for column in 0..<hidden {
                    let index = row * hidden + column
                    if (headDimension..<2 * headDimension).contains(column) {
                        // values in ±2
                        #expect(abs(context[index] - expected[index]) <= 2 * Self.relativeTolerance * 2)
                    } else if context[index] != -7 {
                        Issue.record("length \(length): column \(column) of row \(row) was overwritten")
                        return
                    }
                }
            }
        }
    }

    @Test(
        "a scratch sized for 256 tokens, reused for a shorter sequence, gives the same context",
        arguments: FloatKernelPath.allCases.filter(\.isSupported))
    func scratchReuse(path: FloatKernelPath) {
        let headDimension = 32
        let hidden = Self.heads * headDimension
        let long = Self.packedInput(length: 256, headDimension: headDimension, range: 2, seed: 1)
        let short = Self.packedInput(length: 17, headDimension: headDimension, range: 2, seed: 2)
        let scale = 1 / Float(headDimension).squareRoot()
        let fresh = Self.run(short, length: 17, headDimension: headDimension, scale: scale, path: path)
        var reused = [Float](repeating: .nan, count: 17 * hidden)
        var discarded = [Float](repeating: 0, count: 256 * hidden)
        Attention.withScratch(length: 256, headDimension: headDimension, path: path) { scratch in
            Self.attendHead(
                long, head: 0, length: 256, headDimension: headDimension, scale: scale,
                into: &discarded, scratch: scratch, path: path)
            Self.attendHead(
                short, head: 0, length: 17, headDimension: headDimension, scale: scale,
                into: &reused, scratch: scratch, path: path)
        }
        for row in 0..<17 {
            for c in 0..<headDimension { #expect(reused[row * hidden + c] == fresh[row * hidden + c]) }
        }
    }
}
