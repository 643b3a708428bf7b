import QuantServeKernels
import QuantServeSeededRandom
import Testing

/// Attention over head-major input (the layout the encoder's QKV projection writes: each head's
/// queries, keys and values a contiguous block, rows `headDimension` floats apart) against the
/// same values interleaved row-major (rows of 3·hidden): bit for bit the same context on every
/// kernel, whether the kernel reads the value rows in place (head dims of whole vectors) or
/// copies them.
@Suite("Attention on head-major input")
struct AttentionHeadMajorTests {
    static let kernels: [AttentionKernel] =
        (FloatKernelPath.allCases.map { AttentionKernel.fp32($0) } + [.bf16]).filter(\.isSupported)

    @Test("the same context as row-major input, lengths 1...70, 128, head dims 32, 64, 24, 40", arguments: kernels)
    func sameAsRowMajor(kernel: AttentionKernel) {
        let heads = 3
        for headDimension in [32, 64, 24, 40] {
            let hidden = heads * headDimension
            for length in Array(1...70) + [128] {
                var generator = SeededGenerator(seed: UInt64(length * 100 + headDimension))
                let rowMajor = [Float].random(count: length * 3 * hidden, in: -3...3, using: &generator)
                // Block g (0..<3·heads: queries of every head, then keys, then values) holds
                // channels g·headDimension..< of every row.
                var headMajor = [Float](repeating: .nan, count: rowMajor.count)
                for row in 0..<length {
                    for channel in 0..<(3 * hidden) {
                        let block = channel / headDimension
                        headMajor[(block * length + row) * headDimension + channel % headDimension] =
                            rowMajor[row * 3 * hidden + channel]
                    }
                }
                let scale = 1 / Float(headDimension).squareRoot()
                var expected = [Float](repeating: .nan, count: length * hidden)
                var context = [Float](repeating: .nan, count: length * hidden)
                let path: FloatKernelPath = if case let .fp32(path) = kernel { path } else { .selected }
                Attention.withScratch(length: length, headDimension: headDimension, path: path) { scratch in
                    for head in 0..<heads {
                        // (query, stride, block distance of keys and values) of each layout.
                        let block = length * headDimension
                        let layouts = [
                            (rowMajor, head * headDimension, 3 * hidden, hidden),
                            (headMajor, head * block, headDimension, heads * block),
                        ]
                        for (index, (input, first, stride, distance)) in layouts.enumerated() {
                            let call = { (output: UnsafeMutablePointer<Float>) in
                                input.withUnsafeBufferPointer { input in
                                    let query = input.baseAddress! + first
                                    Attention.head(
                                        query: query, key: query + distance, value: query + 2 * distance,
                                        inputStride: stride, context: output + head * headDimension,
                                        contextStride: hidden, length: length, headDimension: headDimension,
                                        scale: scale, scratch: scratch, kernel: kernel)
                                }
                            }
                            if index == 0 {
                                expected.withUnsafeMutableBufferPointer { call($0.baseAddress!) }
                            } else {
                                context.withUnsafeMutableBufferPointer { call($0.baseAddress!) }
                            }
                        }
                    }
                }
                let differing = zip(context, expected).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(differing == 0, "\(kernel) length \(length) head dim \(headDimension): \(differing) differ")
                if differing > 0 { return }
            }
        }
    }
}
