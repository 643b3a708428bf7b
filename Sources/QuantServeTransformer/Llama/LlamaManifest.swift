import Foundation
import QuantServeKernels

/// `quantserve.json` of a generative (llama) version folder, written by `quantserve import gguf`:
/// the GGUF file kept as it was given (weights, BPE vocabulary and merges, chat template all
/// live in its metadata), the configuration read from it, how the engine runs it, and the
/// SHA-256 of every file. `LlamaModelFolder` verifies and loads it.
public struct LlamaManifest: Codable, Sendable, Equatable {
    /// The manifest's file name (the same as an encoder version's).
    public static let fileName = ModelManifest.fileName
    /// The GGUF file's name inside the folder.
    public static let weightsFileName = "model.gguf"
    /// The manifest format this code writes and reads.
    public static let currentFormatVersion = 1
    /// The `kind` of every generative version.
    public static let generativeKind = "generative"

    public var formatVersion: Int
    /// "generative": a decoder that continues text (an encoder's manifest has no kind).
    public var kind: String
    /// "llama".
    public var architecture: String
    /// The GGUF file (in `files`).
    public var weights: String
    public var config: Config
    /// How the engine runs the weights and what the KV cache stores.
    public var quantization: Quantization
    /// Whether the GGUF carries `tokenizer.chat_template` (the server applies the model's own).
    public var hasChatTemplate: Bool
    /// SHA-256 (lowercase hex) of every file of the folder except the manifest.
    public var files: [String: String]
    /// Where the weights came from (free text).
    public var source: String?

    /// The decoder's shape, as read from the GGUF (for operators; the GGUF is the authority).
    public struct Config: Codable, Sendable, Equatable {
        public var layers, hidden, intermediate, heads, kvHeads, contextLength, vocabularySize: Int
        public var rmsEpsilon: Float
        public var ropeBase: Float

        init(_ c: LlamaConfiguration) {
            layers = c.layers
            hidden = c.hidden
            intermediate = c.intermediate
            heads = c.heads
            kvHeads = c.kvHeads
            contextLength = c.contextLength
            vocabularySize = c.vocabularySize
            rmsEpsilon = c.rmsEpsilon
            ropeBase = c.ropeBase
        }

        enum CodingKeys: String, CodingKey {
            case layers, hidden, intermediate, heads
            case kvHeads = "kv_heads"
            case contextLength = "context_length"
            case vocabularySize = "vocabulary_size"
            case rmsEpsilon = "rms_epsilon"
            case ropeBase = "rope_base"
        }
    }

    /// The run-time formats.
    public struct Quantization: Codable, Sendable, Equatable {
        /// "int8-symmetric-per-output-channel" (re-quantized from the GGUF's blocks at load).
        public var weights: String
        /// "uint8-asymmetric-per-token".
        public var activations: String
        /// "fp16" keys and values.
        public var kvCache: String

        static let current = Quantization(
            weights: "int8-symmetric-per-output-channel",
            activations: "uint8-asymmetric-per-token", kvCache: "fp16")

        enum CodingKeys: String, CodingKey {
            case weights, activations
            case kvCache = "kv_cache"
        }
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case kind, architecture, weights, config, quantization
        case hasChatTemplate = "has_chat_template"
        case files, source
    }

    /// Throws unless the manifest describes a version this engine can run.
    public func validate() throws {
        guard formatVersion == Self.currentFormatVersion else {
            throw ModelError.invalidManifest("format_version \(formatVersion), expected \(Self.currentFormatVersion)")
        }
        guard kind == Self.generativeKind, architecture == "llama" else {
            throw ModelError.invalidManifest(
                "kind '\(kind)' / architecture '\(architecture)' is not generative / llama")
        }
        guard quantization == .current else {
            throw ModelError.invalidManifest("quantization \(quantization) is not \(Quantization.current)")
        }
        guard weights == Self.weightsFileName, files[weights] != nil else {
            throw ModelError.invalidManifest("weights must be \(Self.weightsFileName), listed in files")
        }
        for name in files.keys where name.contains("/") || name.hasPrefix(".") || name == Self.fileName {
            throw ModelError.invalidManifest("files lists '\(name)', which is not a plain file of the folder")
        }
    }

    /// Reads `quantserve.json` of `directory` (a regular file, no symbolic link) and validates it.
    public static func load(from directory: URL) throws -> LlamaManifest {
        let url = directory.appendingPathComponent(fileName)
        let bytes = try RegularFile.bytes(of: url, limit: VerifiedModelFolder.maximumManifestBytes, symlinks: .refuse)
        let manifest: LlamaManifest
        do {
            manifest = try JSONDecoder().decode(LlamaManifest.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw ModelError.invalidManifest("\(url.path): \(error)")
        }
        try manifest.validate()
        return manifest
    }

}

/// A generative version folder read for loading: the manifest, then every listed file read once
/// (regular files only) and checked against its SHA-256; the GGUF parsed from exactly the
/// verified bytes, its configuration and tensors checked, its tokenizer and chat template read.
public struct LlamaModelFolder: Sendable {
    public let directory: URL
    public let manifest: LlamaManifest
    /// The verified GGUF.
    public let gguf: GGUFFile
    /// The model's BPE tokenizer (vocabulary and merges of the GGUF).
    public let tokenizer: BPETokenizer
    /// `tokenizer.chat_template` of the GGUF, when present.
    public let chatTemplate: String?

    /// Reads and verifies the folder at `directory`.
    public init(directory: URL) throws {
        self.directory = directory
        manifest = try LlamaManifest.load(from: directory)
        var weights: [UInt8] = []
        for (name, expected) in manifest.files.sorted(by: { $0.key < $1.key }) {
            let limit =
                name == manifest.weights
                ? VerifiedModelFolder.maximumWeightsBytes : VerifiedModelFolder.maximumOtherFileBytes
            let bytes = try RegularFile.bytes(
                of: directory.appendingPathComponent(name), limit: limit, symlinks: .refuse)
            let actual = FileDigest.sha256(of: bytes)
            guard actual == expected.lowercased() else {
                throw ModelError.checksumMismatch(file: name, expected: expected, actual: actual)
            }
            if name == manifest.weights { weights = bytes }
        }
        gguf = try GGUFFile(bytes: weights, path: directory.appendingPathComponent(manifest.weights).path)
        let configuration = try LlamaConfiguration(gguf: gguf)
        guard LlamaManifest.Config(configuration) == manifest.config else {
            throw ModelError.invalidManifest("config does not match the GGUF's metadata")
        }
        try LlamaModel.checkTensors(of: gguf, configuration)
        tokenizer = try BPETokenizer(gguf: gguf)
        chatTemplate = try? gguf.string("tokenizer.chat_template")
    }

    /// The int8 model built from the verified GGUF.
    public func model(path: KernelPath = .selected) throws -> LlamaModel {
        try LlamaModel(gguf: gguf, path: path)
    }
}
