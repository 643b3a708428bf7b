import Foundation

extension ModelManifest {
    /// Reads `quantserve.json` from a version folder (a regular file, not a symbolic link, at most
    /// `VerifiedModelFolder.maximumManifestBytes`) and checks it is consistent (not the files it
    /// lists: see `VerifiedModelFolder`).
    public static func load(from directory: URL) throws -> ModelManifest {
        let url = directory.appendingPathComponent(fileName)
        let bytes = try RegularFile.bytes(of: url, limit: VerifiedModelFolder.maximumManifestBytes, symlinks: .refuse)
        struct Kind: Decodable { var kind: String? }
        if let kind = (try? JSONDecoder().decode(Kind.self, from: Data(bytes)))?.kind {
            throw ModelError.invalidManifest(
                "\(url.path) describes a \(kind) version (load it with LlamaModelFolder), not an encoder")
        }
        let manifest: ModelManifest
        do {
            manifest = try JSONDecoder().decode(ModelManifest.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw ModelError.invalidManifest("\(url.path): \(Self.describe(error))")
        }
        try manifest.validate()
        return manifest
    }

    /// Throws unless the manifest describes a model this engine can run.
    public func validate() throws {
        guard Self.supportedFormatVersions.contains(formatVersion) else {
            throw ModelError.invalidManifest(
                "format_version \(formatVersion), expected \(Self.supportedFormatVersions.map(String.init).joined(separator: " or "))"
                    + " (a newer quantserve wrote it?)")
        }
        if let outliers = quantization.outlierChannels {
            guard formatVersion >= 2 else {
                throw ModelError.invalidManifest("outlier_channels needs format_version 2, not \(formatVersion)")
            }
            guard outliers.count >= 1, !outliers.roles.contains(.ffnUp) else {
                throw ModelError.invalidManifest(
                    "outlier_channels: count \(outliers.count) must be at least 1, and ffn.up (GELU fused) cannot have them"
                )
            }
        }
        guard architecture == "bert" else { throw ModelError.unsupportedArchitecture(architecture) }
        try config.validate()
        guard (1...config.positionCapacity).contains(maxSequence) else {
            throw ModelError.invalidManifest(
                "max_sequence \(maxSequence) is outside 1...\(config.positionCapacity) (max_position - position_offset)"
            )
        }
        try validateInputTypes()
        let expected = Quantization.int8(floatLayers: quantization.floatLayers, smoothing: quantization.smoothing)
        guard quantization.weights == expected.weights, quantization.activations == expected.activations else {
            throw ModelError.invalidManifest(
                "quantization \(quantization.weights)/\(quantization.activations) is not \(expected.weights)/\(expected.activations)"
            )
        }
        if let format = quantization.wordEmbeddings, format != Quantization.int8RowsFormat {
            throw ModelError.invalidManifest("word_embeddings '\(format)' is not \(Quantization.int8RowsFormat)")
        }
        if let smoothing = quantization.smoothing, !(smoothing.alpha >= 0 && smoothing.alpha <= 1) {
            throw ModelError.invalidManifest("smoothing alpha \(smoothing.alpha) is outside 0...1")
        }
        guard ["tokenizer.json", "vocab.txt"].contains(tokenizer.file) else {
            throw ModelError.invalidManifest(
                "tokenizer file '\(tokenizer.file)' is neither tokenizer.json nor vocab.txt")
        }
        for name in [Self.weightsFileName, tokenizer.file] where files[name] == nil {
            throw ModelError.invalidManifest("files lists no checksum for \(name)")
        }
        for name in files.keys where name.contains("/") || name.hasPrefix(".") || name == Self.fileName {
            throw ModelError.invalidManifest("files lists '\(name)', which is not a plain file of the folder")
        }
        var headNames = Set<String>()
        for head in taskHead.heads {
            guard !head.name.isEmpty, head.name.utf8.count <= 64, headNames.insert(head.name).inserted else {
                throw ModelError.invalidManifest(
                    "head name '\(head.name)' is empty, longer than 64 bytes or listed twice")
            }
        }
        if let knowledgeBase {
            guard files[knowledgeBase.file] != nil else {
                throw ModelError.invalidManifest("files lists no checksum for the knowledge base \(knowledgeBase.file)")
            }
            guard knowledgeBase.threshold.isFinite, (-1...1).contains(knowledgeBase.threshold) else {
                throw ModelError.invalidManifest(
                    "knowledge base threshold \(knowledgeBase.threshold) is outside -1...1")
            }
        }
    }

    /// Writes the manifest as `quantserve.json` in `directory` (pretty-printed, sorted keys).
    public func write(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: directory.appendingPathComponent(Self.fileName), options: .atomic)
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case let .keyNotFound(key, context):
            return
                "missing field '\((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))'"
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            return "field '\(path(context))': \(context.debugDescription)"
        case let .dataCorrupted(context):
            return context.codingPath.isEmpty
                ? context.debugDescription : "field '\(path(context))': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
