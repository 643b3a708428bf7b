import Foundation
import QuantServeAPI
import QuantServeTransformer
import Testing

@testable import QuantServe

/// Embed's `input_type` selects the model's input prefix (e5's "query: " / "passage: "), the
/// empty type the model's default, and an unknown type is INVALID_ARGUMENT naming the known ones.
@Suite struct InputTypeTests {
    /// A `CountingEngine` (one token per scalar, plus two) with e5's prefixes, "query" by default.
    final class PrefixedEngine: EmbeddingEngine, @unchecked Sendable {
        let base = CountingEngine()
        let manifest: ModelManifest = {
            var manifest = ModelManifest(
                config: BertConfig(
                    hidden: 8, layers: 1, heads: 1, intermediate: 8, vocab: 8, maxPosition: 16, layerNormEps: 1e-12),
                maxSequence: 16, quantization: .int8(floatLayers: [], smoothing: nil),
                tokenizer: try! JSONDecoder().decode(
                    ModelManifest.TokenizerFile.self,
                    from: Data(#"{"file": "tokenizer.json", "lowercase": false}"#.utf8)))
            manifest.inputPrefixes = ["query": "query: ", "passage": "passage: "]
            manifest.defaultInputType = "query"
            return manifest
        }()
        var dimensions: Int { base.dimensions }
        var maxSequenceLength: Int { base.maxSequenceLength }
        var memoryBytes: Int { base.memoryBytes }
        func tokenize(_ text: String, truncate: Bool, isCancelled: () -> Bool) throws -> [UInt32] {
            try base.tokenize(text, truncate: truncate, isCancelled: isCancelled)
        }
        func embedRows(_ batch: PackedBatch) throws -> [Float] { base.embedRows(batch) }
        func inputPrefix(for inputType: String) throws -> String { try manifest.inputPrefix(for: inputType) }
    }

    static func inference(_ engine: any EmbeddingEngine) async throws -> Inference {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("input-type-\(UUID())")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("m/1"), withIntermediateDirectories: true)
        let registry = ModelRegistry(
            repository: root, defaultModel: "m", schedulerConfiguration: .init(),
            loader: { _ in engine }, servingChanged: { _, _ in })
        try await registry.load(name: "m", version: 1, serve: true)
        return Inference(registry: registry)
    }

    @Test func theInputTypeSelectsThePrefixAndEmptyMeansTheDefault() async throws {
        let inference = try await Self.inference(PrefixedEngine())
        func tokens(_ inputType: String) async throws -> Int {
            try await inference.embed(
                name: "", version: 0, texts: ["hi"], truncate: true, inputType: inputType,
                deadline: nil
            ).tokenCounts[0]
        }
        #expect(try await tokens("query") == 2 + "query: hi".count)
        #expect(try await tokens("passage") == 2 + "passage: hi".count)
        #expect(try await tokens("") == 2 + "query: hi".count)
    }

    @Test func anUnknownInputTypeIsInvalidArgumentNamingTheKnownOnes() async throws {
        let inference = try await Self.inference(PrefixedEngine())
        do {
            _ = try await inference.embed(
                name: "", version: 0, texts: ["hi"], truncate: true, inputType: "document", deadline: nil)
            Issue.record("an unknown input type was accepted")
        } catch let error as InferenceError {
            #expect(
                error == .unknownInputType("input_type 'document' is not known: this model takes 'passage', 'query'"))
            #expect(error.rpcErrorCode == .invalidArgument)
        }
    }

    @Test func aModelWithoutPrefixesTakesOnlyTheEmptyType() async throws {
        let inference = try await Self.inference(CountingEngine())
        #expect(
            try await inference.embed(name: "", version: 0, texts: ["hi"], truncate: true, inputType: "", deadline: nil)
                .tokenCounts == [4])
        await #expect(
            throws: InferenceError.unknownInputType("input_type 'query' is not known: this model takes no input types")
        ) {
            _ = try await inference.embed(
                name: "", version: 0, texts: ["hi"], truncate: true, inputType: "query", deadline: nil)
        }
    }

    @Test func inputTypeTravelsAsField4() throws {
        let bytes = EmbedRequest(texts: ["hi"], inputType: "passage").serializedBytes()
        #expect(try EmbedRequest(serializedBytes: bytes).inputType == "passage")
        // Field 4, wire type 2 (length-delimited): tag byte 0x22, then the length and the bytes.
        #expect(bytes.suffix(9) == [0x22, 7] + Array("passage".utf8))
        #expect(try EmbedRequest(serializedBytes: EmbedRequest(texts: ["hi"]).serializedBytes()).inputType == "")
    }
}
