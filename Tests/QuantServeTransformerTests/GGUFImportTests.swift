import Foundation
import QuantServeTestSupport
import Testing

@testable import QuantServeTransformer

/// `GGUFImporter` (`quantserve import gguf`) and `LlamaModelFolder`: a tiny llama GGUF becomes a
/// verified generative version folder; broken GGUFs and tampered folders are refused with a
/// sentence naming the problem.
@Suite("GGUF import")
struct GGUFImportTests {
    static func write(_ arguments: [String]) throws {
        _ = try PythonScript.run("llama_reference.py", arguments: arguments)
    }

    @Test("a tiny llama imports into a folder that verifies and loads")
    func importsAndLoads() throws {
        let directory = try TemporaryDirectory(prefix: "transformer-tests").url
        defer { try? FileManager.default.removeItem(at: directory) }
        let gguf = directory.appendingPathComponent("tiny.gguf")
        try Self.write(["write-tiny", gguf.path, directory.appendingPathComponent("tiny.json").path])
        let version = directory.appendingPathComponent("models/tiny/1")
        let summary = try GGUFImporter.importModel(from: gguf, to: version)
        #expect(
            summary.configuration.layers == 2 && summary.configuration.kvHeads == 2 && summary.tokenizerTokens == 128)
        #expect(summary.hasChatTemplate)

        let folder = try LlamaModelFolder(directory: version)
        #expect(folder.manifest.kind == "generative" && folder.manifest.architecture == "llama")
        #expect(folder.chatTemplate?.contains("<|im_start|>") == true)
        #expect(
            folder.tokenizer.encode(" the") == [folder.tokenizer.id(of: "\u{120}t")!, folder.tokenizer.id(of: "he")!])
        let model = try folder.model()
        #expect(model.configuration == summary.configuration)

        // The encoder loader names what it was given.
        #expect { try ModelManifest.load(from: version) } throws: { "\($0)".contains("generative version") }
        // A second import to the same place is refused; a changed byte fails verification.
        #expect { try GGUFImporter.importModel(from: gguf, to: version) } throws: { "\($0)".contains("already exists") }
        let weights = version.appendingPathComponent("model.gguf")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: weights)
        #expect { try LlamaModelFolder(directory: version) } throws: { "\($0)".contains("model.gguf") }
    }

    @Test(
        "broken GGUFs are refused with the problem named, and leave no folder",
        arguments: [
            ("architecture", "general.architecture is 'bert', expected 'llama'"),
            ("missing-tensor", "tensor 'blk.1.ffn_down.weight' is missing"),
            ("bad-shape", "tensor 'blk.0.attn_k.weight' has shape [64, 24], expected [64, 32]"),
            ("heads", "head_count 5 does not divide embedding_length 64"),
        ])
    func refusesBrokenFiles(kind: String, message: String) throws {
        let directory = try TemporaryDirectory(prefix: "transformer-tests").url
        defer { try? FileManager.default.removeItem(at: directory) }
        let gguf = directory.appendingPathComponent("\(kind).gguf")
        try Self.write(["write-bad", kind, gguf.path])
        let version = directory.appendingPathComponent("version")
        #expect { try GGUFImporter.importModel(from: gguf, to: version) } throws: { "\($0)".contains(message) }
        #expect(!FileManager.default.fileExists(atPath: version.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["\(kind).gguf"])
    }

    @Test("a file that is not a GGUF, or is truncated, is refused by the reader's checks")
    func refusesNonGGUF() throws {
        let directory = try TemporaryDirectory(prefix: "transformer-tests").url
        defer { try? FileManager.default.removeItem(at: directory) }
        let gguf = directory.appendingPathComponent("tiny.gguf")
        try Self.write(["write-tiny", gguf.path, directory.appendingPathComponent("tiny.json").path])
        let truncated = directory.appendingPathComponent("truncated.gguf")
        try Data(contentsOf: gguf).prefix(40_000).write(to: truncated)
        #expect { try GGUFImporter.importModel(from: truncated, to: directory.appendingPathComponent("a")) } throws: {
            "\($0)".contains("reaches past the end") || "\($0)".contains("truncated")
        }
        let text = directory.appendingPathComponent("notes.gguf")
        try Data("hello".utf8).write(to: text)
        #expect { try GGUFImporter.importModel(from: text, to: directory.appendingPathComponent("b")) } throws: {
            "\($0)".contains("magic")
        }
    }
}
