import Foundation

/// `quantserve import gguf`: turns a llama GGUF into a generative version folder. The file is
/// read and validated in full first (the GGUF reader's checks, the llama configuration, every
/// tensor's presence and shape, the BPE tokenizer, the chat template's type), then copied
/// byte for byte as `model.gguf` beside a `LlamaManifest` listing its SHA-256. The folder is
/// built under a hidden staging name and renamed into place, so a failed import leaves nothing.
public enum GGUFImporter {
    /// What an import wrote.
    public struct Summary: Sendable {
        public var configuration: LlamaConfiguration
        public var tokenizerTokens: Int
        public var hasChatTemplate: Bool
    }

    /// Imports the GGUF at `source` into the new folder `destination`.
    @discardableResult
    public static func importModel(from source: URL, to destination: URL) throws -> Summary {
        let manager = FileManager.default
        guard !manager.fileExists(atPath: destination.path) else {
            throw ModelError.destinationExists(destination.path)
        }
        let bytes = try RegularFile.bytes(of: source, limit: VerifiedModelFolder.maximumWeightsBytes, symlinks: .follow)
        let file = try GGUFFile(bytes: bytes, path: source.path)
        let configuration = try LlamaConfiguration(gguf: file)
        try LlamaModel.checkTensors(of: file, configuration)
        let tokenizer = try BPETokenizer(gguf: file)
        var hasChatTemplate = false
        if file.metadata["tokenizer.chat_template"] != nil {
            _ = try file.string("tokenizer.chat_template")
            hasChatTemplate = true
        }

        let parent = destination.deletingLastPathComponent()
        try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".\(destination.lastPathComponent).partial-\(UUID().uuidString)")
        try manager.createDirectory(at: staging, withIntermediateDirectories: false)
        defer { try? manager.removeItem(at: staging) }
        try Data(bytes).write(to: staging.appendingPathComponent(LlamaManifest.weightsFileName))
        let manifest = LlamaManifest(
            formatVersion: LlamaManifest.currentFormatVersion, kind: LlamaManifest.generativeKind,
            architecture: "llama",
            weights: LlamaManifest.weightsFileName, config: LlamaManifest.Config(configuration),
            quantization: .current, hasChatTemplate: hasChatTemplate,
            files: [LlamaManifest.weightsFileName: FileDigest.sha256(of: bytes)],
            source: "\(source.lastPathComponent) (GGUF, imported as is; int8 at load)")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(manifest).write(to: staging.appendingPathComponent(LlamaManifest.fileName))
        try manager.moveItem(at: staging, to: destination)
        return Summary(
            configuration: configuration, tokenizerTokens: tokenizer.vocabularySize, hasChatTemplate: hasChatTemplate)
    }
}
