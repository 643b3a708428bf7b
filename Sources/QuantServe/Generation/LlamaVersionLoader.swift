import Foundation
import QuantServeKernels
import QuantServeTransformer

/// Builds the generative versions of a repository (folders whose `quantserve.json` has
/// `kind: generative`, written by `quantserve import gguf`) for `ModelRegistry`: the verified
/// folder, the int8 `LlamaModel`, a `LlamaDecoder` on the server's compute pool with a
/// `PagedKVCache` of as many blocks as the KV budget holds, the model's own chat template and
/// the tokens that end a turn. Any other folder is left to the encoder loader (nil).
public struct LlamaVersionLoader: Sendable {
    /// The KV cache of every decoder version: 16 streams of 2,048 tokens of SmolLM2-135M
    /// (23,040 bytes per token: 30 layers × 3 KV heads × 64 × keys and values × 2 bytes).
    public static let defaultKVCacheBytes = 720 << 20

    /// The threads of the decoder's GEMMs and attention (the encoders' pool).
    public let pool: ComputePool
    /// The bytes of each version's KV cache (whole 16-token blocks of it).
    public let kvCacheBytes: Int
    /// Whether the down projection's input (SwiGLU's output, the activations with the largest
    /// outliers) is quantized to 16 bits instead of 8 (`LlamaDecoder.preciseDownProjection`).
    public let preciseDownProjection: Bool
    /// Whether a Q4_1 model also keeps its 4-bit blocks for decode steps of a few tokens
    /// (`LlamaModel(gguf:path:fourBitDecode:)`: ggml's own 4-bit × 8-bit block arithmetic).
    public let fourBitDecode: Bool

    public init(
        pool: ComputePool, kvCacheBytes: Int = Self.defaultKVCacheBytes, preciseDownProjection: Bool = true,
        fourBitDecode: Bool = true
    ) {
        self.pool = pool
        self.kvCacheBytes = kvCacheBytes
        self.preciseDownProjection = preciseDownProjection
        self.fourBitDecode = fourBitDecode
    }

    /// The loader `ModelRegistry` calls for every version folder.
    public var generatorLoader: ModelRegistry.GeneratorLoader {
        { [self] directory in try load(directory) }
    }

    /// The decoder version in `directory`, or nil when the folder is not a generative one.
    public func load(_ directory: URL) throws -> GenerativeModel? {
        guard Self.isGenerative(directory) else { return nil }
        let folder = try LlamaModelFolder(directory: directory)
        let configuration = try LlamaConfiguration(gguf: folder.gguf)
        let blocks = PagedKVCache.blocks(
            fittingBytes: kvCacheBytes, layers: configuration.layers, kvHeads: configuration.kvHeads,
            headDimension: configuration.headDimension)
        let bytesPerToken = Self.kvBytesPerToken(configuration)
        guard blocks * PagedAttention.blockTokens >= configuration.contextLength else {
            throw LlamaVersionError.kvBudgetBelowContext(
                budgetBytes: kvCacheBytes, contextLength: configuration.contextLength, bytesPerToken: bytesPerToken)
        }
        let model = try LlamaModel(gguf: folder.gguf, fourBitDecode: fourBitDecode)
        let decoder = LlamaDecoder(
            model: model, cacheBlocks: blocks, pool: pool, preciseDownProjection: preciseDownProjection)
        return GenerativeModel(
            decoder: decoder, tokenizer: folder.tokenizer, chatTemplate: try Self.chatTemplate(of: folder),
            endTokens: try Self.endTokens(of: folder), weightBytes: model.memoryBytes)
    }

    /// KV cache bytes per token of `configuration`: keys and values of every layer in fp16.
    public static func kvBytesPerToken(_ configuration: LlamaConfiguration) -> Int {
        2 * 2 * configuration.layers * configuration.kvHeads * configuration.headDimension
    }

    /// Whether the folder's manifest says `kind: generative` (a folder without a readable manifest
    /// is left to the encoder loader, which reports what is wrong with it).
    static func isGenerative(_ directory: URL) -> Bool {
        struct Kind: Decodable { var kind: String? }
        guard
            let bytes = try? RegularFile.bytes(
                of: directory.appendingPathComponent(LlamaManifest.fileName),
                limit: VerifiedModelFolder.maximumManifestBytes, symlinks: .refuse),
            let manifest = try? JSONDecoder().decode(Kind.self, from: Data(bytes))
        else { return false }
        return manifest.kind == LlamaManifest.generativeKind
    }

    /// The GGUF's `tokenizer.chat_template`, with the texts of its BOS and EOS tokens when the file
    /// names them; nil when it has no template (then only raw prompts are served).
    static func chatTemplate(of folder: LlamaModelFolder) throws -> ChatTemplate? {
        guard let source = folder.chatTemplate else { return nil }
        let gguf = folder.gguf
        let vocabulary = try gguf.strings("tokenizer.ggml.tokens")
        func text(_ key: String) throws -> String {
            guard let value = gguf.metadata[key] else { return "" }
            guard let id = value.integer, vocabulary.indices.contains(id) else {
                throw LlamaVersionError.badTokenID(key: key, value: "\(value)")
            }
            return vocabulary[id]
        }
        do {
            return try ChatTemplate(
                source: source, beginToken: text("tokenizer.ggml.bos_token_id"),
                endToken: text("tokenizer.ggml.eos_token_id"))
        } catch let error as JinjaError {
            throw LlamaVersionError.chatTemplate(error.description)
        }
    }

    /// The tokens after which a generation stops: the GGUF's end-of-sequence and end-of-turn
    /// tokens (`tokenizer.ggml.eos_token_id`, `eot_token_id`) and the vocabulary's `<|im_end|>` and
    /// `<|endoftext|>`, where they exist. A model with none of them is refused: its generations
    /// could only end at max_tokens.
    static func endTokens(of folder: LlamaModelFolder) throws -> Set<UInt32> {
        var tokens = Set<UInt32>()
        for key in ["tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id"] {
            guard let value = folder.gguf.metadata[key] else { continue }
            guard let id = value.integer, id >= 0, id < folder.tokenizer.vocabularySize else {
                throw LlamaVersionError.badTokenID(key: key, value: "\(value)")
            }
            tokens.insert(UInt32(id))
        }
        for text in ["<|im_end|>", "<|endoftext|>"] {
            if let id = folder.tokenizer.id(of: text) { tokens.insert(id) }
        }
        guard !tokens.isEmpty else { throw LlamaVersionError.noEndToken }
        return tokens
    }
}

/// Why a generative version folder could not be served.
public enum LlamaVersionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The KV budget holds less than one sequence of the model's whole context.
    case kvBudgetBelowContext(budgetBytes: Int, contextLength: Int, bytesPerToken: Int)
    /// A token id in the GGUF's metadata is not an id of its vocabulary.
    case badTokenID(key: String, value: String)
    /// The chat template uses Jinja outside the subset the server renders.
    case chatTemplate(String)
    /// The vocabulary has no token that ends a generation.
    case noEndToken

    public var description: String {
        switch self {
        case .kvBudgetBelowContext(let budget, let context, let perToken):
            "the KV cache budget of \(budget >> 20) MiB (\(budget) bytes) holds less than one sequence of the model's context of \(context) tokens (\(perToken) bytes per token: \(Self.mebibytes(context * perToken)) MiB); raise --generation-kv-cache-mib"
        case .badTokenID(let key, let value):
            "GGUF metadata '\(key)' is \(value), not a token id of the vocabulary"
        case .chatTemplate(let reason):
            "the model's chat template cannot be rendered: \(reason)"
        case .noEndToken:
            "the model has no end-of-sequence token (tokenizer.ggml.eos_token_id, <|im_end|> or <|endoftext|>), so a generation could never stop"
        }
    }

    /// `bytes` in MiB, rounded up.
    private static func mebibytes(_ bytes: Int) -> Int { (bytes + (1 << 20) - 1) >> 20 }
}

extension ModelServer {
    /// The loader of llama decoder versions on `pool`, each with a KV cache of `kvCacheBytes`.
    public static func llamaLoader(
        pool: ComputePool, kvCacheBytes: Int, preciseDownProjection: Bool = true, fourBitDecode: Bool = true
    ) -> ModelRegistry.GeneratorLoader {
        LlamaVersionLoader(
            pool: pool, kvCacheBytes: kvCacheBytes, preciseDownProjection: preciseDownProjection,
            fourBitDecode: fourBitDecode
        ).generatorLoader
    }
}
