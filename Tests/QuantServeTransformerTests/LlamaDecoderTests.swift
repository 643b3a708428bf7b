import Foundation
import QuantServeKernels
import QuantServeTestSupport
import Testing

@testable import QuantServeTransformer

/// The llama decoder against the numpy reference (`Tests/Python/llama_reference.py`, float64 over
/// the GGUF's dequantized weights) on a tiny random llama the test writes, the paged KV cache's
/// bookkeeping, and one greedy continuation of the real SmolLM2-135M-Instruct.
///
/// Tolerance: the decoder runs int8 weights (per output channel), u8 activations (per token) and
/// fp16 keys and values, so its logits differ from the float64 reference by quantization noise.
/// Each logit row must satisfy max |decoder - reference| ≤ 0.05 · max |reference| + 0.05 and pick
/// the same best token wherever the reference's top two logits are further apart than that bound.
/// (A numpy simulation of the same quantization on the tiny model gives at most 0.017 · max |reference|.)
@Suite("Llama decoder")
struct LlamaDecoderTests {
    static let relativeTolerance: Float = 0.05
    static let absoluteTolerance: Float = 0.05

    /// The tiny model and its reference logits, written once per test into a temporary folder.
    struct Tiny {
        let directory: URL
        let gguf: URL
        let model: LlamaModel
        /// Per reference sequence: its tokens and the logits after each position.
        let sequences: [(tokens: [UInt32], logits: [[Float]])]

        init() throws {
            directory = try TemporaryDirectory(prefix: "transformer-tests").url
            gguf = directory.appendingPathComponent("tiny.gguf")
            let json = directory.appendingPathComponent("tiny.json")
            _ = try PythonScript.run("llama_reference.py", arguments: ["write-tiny", gguf.path, json.path])
            model = try LlamaModel(gguf: GGUFFile(url: gguf))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
            let list = try #require(object["sequences"] as? [[String: Any]])
            sequences = try list.map { entry in
                let tokens = try #require(entry["tokens"] as? [Int]).map(UInt32.init)
                let logits = try #require(entry["logits"] as? [[Double]]).map { $0.map(Float.init) }
                return (tokens, logits)
            }
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    static func expectClose(
        _ actual: [Float], _ expected: [Float], _ label: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            actual.count == expected.count, "\(label): \(actual.count) logits, expected \(expected.count)",
            sourceLocation: sourceLocation)
        let largest = expected.map(abs).max() ?? 0
        let worst = zip(actual, expected).map { abs($0 - $1) }.max() ?? .infinity
        #expect(
            worst <= relativeTolerance * largest + absoluteTolerance,
            "\(label): max |Δ| \(worst), max |reference| \(largest)", sourceLocation: sourceLocation)
        let order = expected.indices.sorted { expected[$0] > expected[$1] }
        if expected[order[0]] - expected[order[1]] > relativeTolerance * largest + absoluteTolerance {
            let best = actual.indices.max { actual[$0] < actual[$1] }
            #expect(
                best == order[0], "\(label): best token \(best ?? -1), reference \(order[0])",
                sourceLocation: sourceLocation)
        }
    }

    /// Reserves room and runs one step of a single entry.
    static func step(_ decoder: LlamaDecoder, _ sequence: DecoderSequenceID, _ tokens: [UInt32]) throws -> [Float] {
        #expect(decoder.reserve(sequence, tokens: decoder.storedTokens(sequence) + tokens.count))
        return try #require(try decoder.step([DecoderStepEntry(sequence: sequence, tokens: tokens)]).first)
    }

    @Test(
        "a prefill, then decode steps, match the numpy reference on every kernel path this CPU runs",
        arguments: KernelPath.allCases.filter(\.isSupported))
    func prefillThenDecode(path: KernelPath) throws {
        let tiny = try Tiny()
        defer { tiny.remove() }
        let model = try LlamaModel(gguf: GGUFFile(url: tiny.gguf), path: path)
        let decoder = LlamaDecoder(model: model, cacheBlocks: 16, pool: ComputePool(threads: 2))
        let (tokens, reference) = tiny.sequences[0]
        let sequence = decoder.openSequence()
        Self.expectClose(try Self.step(decoder, sequence, Array(tokens[0..<18])), reference[17], "prefill of 18")
        for position in 18..<tokens.count {
            Self.expectClose(
                try Self.step(decoder, sequence, [tokens[position]]), reference[position], "decode at \(position)")
        }
        #expect(decoder.storedTokens(sequence) == tokens.count)
    }

    @Test("a ragged batch gives each sequence exactly the logits it gets alone")
    func raggedBatchEqualsAlone() throws {
        let tiny = try Tiny()
        defer { tiny.remove() }
        let pool = ComputePool(threads: 2)
        let a = tiny.sequences[0].tokens
        let b = tiny.sequences[1].tokens
        let c = tiny.sequences[2].tokens

        // Alone: each sequence in its own decoder, in the same chunks as below.
        func alone(_ chunks: [[UInt32]]) throws -> [[Float]] {
            let decoder = LlamaDecoder(model: tiny.model, cacheBlocks: 8, pool: pool)
            let sequence = decoder.openSequence()
            return try chunks.map { try Self.step(decoder, sequence, $0) }
        }
        let aloneA = try alone([Array(a[0..<10]), [a[10]], Array(a[11..<16])])
        let aloneB = try alone([Array(b)])
        let aloneC = try alone([Array(c[0..<3]), Array(c[3..<40])])

        // Together: sequences at different positions, prefill chunks and decode tokens mixed.
        let decoder = LlamaDecoder(model: tiny.model, cacheBlocks: 16, pool: pool)
        let (sa, sb, sc) = (decoder.openSequence(), decoder.openSequence(), decoder.openSequence())
        #expect(decoder.reserve(sa, tokens: 16) && decoder.reserve(sb, tokens: 7) && decoder.reserve(sc, tokens: 40))
        let first = try decoder.step([
            DecoderStepEntry(sequence: sa, tokens: Array(a[0..<10])),
            DecoderStepEntry(sequence: sb, tokens: Array(b)),
            DecoderStepEntry(sequence: sc, tokens: Array(c[0..<3])),
        ])
        let second = try decoder.step([
            DecoderStepEntry(sequence: sc, tokens: Array(c[3..<40])),
            DecoderStepEntry(sequence: sa, tokens: [a[10]]),
        ])
        let third = try decoder.step([DecoderStepEntry(sequence: sa, tokens: Array(a[11..<16]))])
        #expect(first[0] == aloneA[0] && second[1] == aloneA[1] && third[0] == aloneA[2])
        #expect(first[1] == aloneB[0])
        #expect(first[2] == aloneC[0] && second[0] == aloneC[1])
        Self.expectClose(second[0], tiny.sequences[2].logits[39], "sequence c after 40 tokens")
        Self.expectClose(third[0], tiny.sequences[0].logits[15], "sequence a after 16 tokens")
        Self.expectClose(first[1], tiny.sequences[1].logits[6], "sequence b after 7 tokens")
    }

    @Test("the KV cache hands out, frees and reuses blocks; reserve refuses cleanly when full")
    func cacheBlocks() throws {
        let tiny = try Tiny()
        defer { tiny.remove() }
        let decoder = LlamaDecoder(model: tiny.model, cacheBlocks: 4)
        let configuration = tiny.model.configuration
        #expect(decoder.kvBlockTokens == 16 && decoder.kvBlockCount == 4 && decoder.freeKVBlocks == 4)
        #expect(
            decoder.kvBytesPerToken == 2 * 2 * configuration.layers * configuration.kvHeads
                * configuration.headDimension)

        let (tokens, reference) = tiny.sequences[2]
        let first = decoder.openSequence()
        #expect(decoder.reserve(first, tokens: 40))
        #expect(decoder.freeKVBlocks == 1)
        _ = try decoder.step([DecoderStepEntry(sequence: first, tokens: Array(tokens[0..<40]))])

        let second = decoder.openSequence()
        #expect(!decoder.reserve(second, tokens: 17), "two blocks asked, one free")
        #expect(decoder.freeKVBlocks == 1, "a refused reserve takes nothing")
        #expect(decoder.reserve(second, tokens: 16) && decoder.freeKVBlocks == 0)
        #expect(!decoder.reserve(second, tokens: 17))
        #expect(!decoder.reserve(decoder.openSequence(), tokens: configuration.contextLength + 1))

        // Stepping past the reserved room or on a closed sequence is an error, not a write.
        #expect(throws: LlamaError.self) {
            try decoder.step([DecoderStepEntry(sequence: second, tokens: Array(repeating: 1, count: 17))])
        }
        #expect(throws: LlamaError.self) {
            try decoder.step([DecoderStepEntry(sequence: DecoderSequenceID(99), tokens: [1])])
        }
        #expect(throws: LlamaError.self) { try decoder.step([DecoderStepEntry(sequence: second, tokens: [500])]) }
        #expect(decoder.storedTokens(second) == 0)

        decoder.closeSequence(first)
        #expect(decoder.freeKVBlocks == 3)
        // The freed blocks, still holding the first sequence's keys, serve a new sequence correctly.
        let third = decoder.openSequence()
        Self.expectClose(try Self.step(decoder, third, Array(tokens[0..<33])), reference[32], "on reused blocks")
        #expect(decoder.freeKVBlocks == 0)
        decoder.closeSequence(third)
        decoder.closeSequence(second)
        #expect(decoder.freeKVBlocks == 4)
    }

    @Test(
        "SmolLM2-135M-Instruct: greedy continuation equals the numpy reference's (int8 decode, and 4-bit Q4_1 decode)",
        arguments: [false, true])
    func smolLM2Greedy(fourBitDecode: Bool) throws {
        let url = try GGUFReaderTests.smolLM2()
        let file = try GGUFFile(url: url)
        let tokenizer = try BPETokenizer(gguf: file)
        let prompt = tokenizer.encode(
            "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n")
        let steps = 8
        let directory = try TemporaryDirectory(prefix: "transformer-tests").url
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("greedy.json")
        _ = try PythonScript.run(
            "llama_reference.py",
            arguments: ["greedy", url.path, "\(steps)"] + prompt.map(String.init) + [json.path])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let expected = try #require(object["tokens"] as? [Int]).map(UInt32.init)

        let model = try LlamaModel(gguf: file, fourBitDecode: fourBitDecode)
        #expect((model.fourBitBlocks != nil) == fourBitDecode, "SmolLM2's block weights are all Q4_1")
        let decoder = LlamaDecoder(model: model, cacheBlocks: 8, pool: ComputePool(threads: 2))
        let sequence = decoder.openSequence()
        var next = prompt
        var generated: [UInt32] = []
        for _ in 0..<steps {
            let logits = try Self.step(decoder, sequence, next)
            let best = UInt32(logits.indices.max { logits[$0] < logits[$1] }!)
            generated.append(best)
            next = [best]
        }
        #expect(
            generated == expected, "decoder: \(tokenizer.decode(generated)), reference: \(tokenizer.decode(expected))")
        #expect(tokenizer.decode(generated).contains("Paris"))
    }
}
