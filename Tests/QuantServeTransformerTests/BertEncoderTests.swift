import Foundation
import QuantServeKernels
import QuantServeSeededRandom
import QuantServeTestSupport
import Testing

@testable import QuantServeTransformer

@Suite("BERT encoder on tiny random models")
struct BertEncoderTests {
    let pool = ComputePool(threads: 2)
    static let lengths = [1, 2, 3, 7, 16, 33, 64, 129, 256]

    /// Reference embeddings of `sequences` from Tests/Python/bert_reference.py.
    private func reference(_ folder: TinyModelFolder, _ sequences: [[UInt32]]) throws -> [[Float]] {
        let request = folder.root.appendingPathComponent("request.json")
        try JSONSerialization.data(withJSONObject: ["ids": sequences.map { $0.map(Int.init) }]).write(to: request)
        let output = try PythonScript.run(
            "bert_reference.py",
            arguments: [
                "--model", folder.huggingFace.path,
                "--input", request.path,
            ])
        struct Response: Decodable { let embeddings: [[Float]] }
        return try JSONDecoder().decode(Response.self, from: output).embeddings
    }

    @Test func fullPrecisionPathMatchesTheNumpyReference() throws {
        let folder = try TinyModelFolder(options: QuantizationOptions(floatLayers: Set(LinearRole.allCases)))
        let encoder = try BertEncoder(modelDirectory: folder.model, pool: pool)
        let sequences = TinyBert.sequences(lengths: Self.lengths, vocabularySize: folder.tiny.vocabularySize, seed: 11)
        let expected = try reference(folder, sequences)
        let actual = try encoder.embed(sequences)
        #expect(actual.count == expected.count)
        for (index, (got, want)) in zip(actual, expected).enumerated() {
            let worst = zip(got, want).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst <= 1e-4, "sequence \(index) (length \(sequences[index].count)): max difference \(worst)")
        }
    }

    @Test func int8PathStaysCloseToTheReference() throws {
        let folder = try TinyModelFolder()
        let encoder = try BertEncoder(modelDirectory: folder.model, pool: pool)
        let sequences = TinyBert.sequences(lengths: Self.lengths, vocabularySize: folder.tiny.vocabularySize, seed: 12)
        let expected = try reference(folder, sequences)
        let cosines = zip(try encoder.embed(sequences), expected).map(cosine)
        #expect(cosines.allSatisfy { $0 >= 0.99 }, "\(cosines)")
        for embedding in try encoder.embed(sequences) {
            let norm = embedding.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
        }
    }

    /// Head dimension 8 (the tiny model's) takes the general attention packing, 32 (hidden 64,
    /// 2 heads; MiniLM's) the unmasked one; the int8 models run bf16 attention where the CPU has it.
    @Test(arguments: [(false, 8), (true, 8), (false, 32)])
    func anEmbeddingDoesNotDependOnItsBatch(fullPrecision: Bool, headDimension: Int) throws {
        let folder = try TinyModelFolder(
            headDimension == 32 ? TinyBert(hidden: 64, heads: 2) : TinyBert(),
            options: QuantizationOptions(floatLayers: fullPrecision ? Set(LinearRole.allCases) : []))
        let encoder = try BertEncoder(modelDirectory: folder.model, pool: pool)
        let sequences = TinyBert.sequences(
            lengths: [5, 40, 1, 256, 17, 90, 2, 31], vocabularySize: folder.tiny.vocabularySize,
            seed: 13)
        let alone = try sequences.map { try encoder.embed([$0])[0] }
        let together = try encoder.embed(sequences)
        let reversed = try encoder.embed(sequences.reversed())
        var random = SeededGenerator(seed: 5)
        let shuffledOrder = Array(sequences.indices).shuffled(using: &random)
        let shuffled = try encoder.embed(shuffledOrder.map { sequences[$0] } + sequences)
        for index in sequences.indices {
            #expect(together[index] == alone[index], "sequence \(index) changed when batched")
            #expect(reversed[sequences.count - 1 - index] == alone[index], "sequence \(index) changed when reversed")
            #expect(shuffled[shuffledOrder.firstIndex(of: index)!] == alone[index])
            #expect(shuffled[sequences.count + index] == alone[index])
        }
    }

    @Test func concurrentCallsGiveTheSameResults() throws {
        let folder = try TinyModelFolder()
        let encoder = try BertEncoder(modelDirectory: folder.model, pool: pool)
        let batches = (0..<8).map {
            TinyBert.sequences(
                lengths: [3 + $0, 20, 7 * $0 + 1], vocabularySize: folder.tiny.vocabularySize, seed: UInt64($0))
        }
        let expected = try batches.map { try encoder.embed($0) }
        let results = ResultBox(count: batches.count * 4)
        DispatchQueue.concurrentPerform(iterations: batches.count * 4) { index in
            results.set(index, try? encoder.embed(batches[index % batches.count]))
        }
        for index in 0..<(batches.count * 4) {
            #expect(results.get(index) == expected[index % batches.count])
        }
    }

    @Test func refusesBadSequences() throws {
        let folder = try TinyModelFolder()
        let encoder = try BertEncoder(modelDirectory: folder.model, pool: pool)
        #expect(try encoder.embed([]).isEmpty)
        #expect(throws: EncoderError.emptySequence(index: 1)) { try encoder.embed([[2, 3], []]) }
        let tooLong = [UInt32](repeating: 9, count: 257)
        #expect(throws: EncoderError.sequenceTooLong(index: 0, length: 257, maximum: 256)) {
            try encoder.embed([tooLong])
        }
        let vocabulary = folder.tiny.vocabularySize
        #expect(throws: EncoderError.tokenOutOfRange(index: 0, token: UInt32(vocabulary), vocabularySize: vocabulary)) {
            try encoder.embed([[2, UInt32(vocabulary), 3]])
        }
    }

    @Test func embedsTextsOfAnyLength() throws {
        let folder = try TinyModelFolder()
        let encoder = try BertEncoder(modelDirectory: folder.model, pool: pool)
        let huge = String(repeating: "refund please ", count: 100_000 / 14 + 1).prefix(100_000)
        let texts = ["", "where is my order?", String(huge)]
        let embeddings = try encoder.embed(texts: texts, truncate: true)
        #expect(embeddings.map(\.tokenCount) == [2, 7, 256])
        #expect(embeddings[0].values == (try encoder.embed([[2, 3]]))[0])
        for embedding in embeddings {
            #expect(embedding.values.count == 32)
            #expect(embedding.values.allSatisfy { $0.isFinite })
        }
        #expect(throws: (any Error).self) { try encoder.embed(texts: [String(huge)], truncate: false) }
        let expectedIds = ["[CLS]", "where", "is", "my", "order", "?", "[SEP]"].map {
            UInt32(TinyBert.vocabulary.firstIndex(of: $0)!)
        }
        #expect(try encoder.tokenize("where is my order?", truncate: false) == expectedIds)
    }
}

/// Results written by concurrent iterations.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [[[Float]]?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: [[Float]]?) { lock.withLock { values[index] = value } }
    func get(_ index: Int) -> [[Float]]? { lock.withLock { values[index] } }
}
