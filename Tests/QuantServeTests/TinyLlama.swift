import Foundation
import QuantServe
import QuantServeTestSupport
import QuantServeTransformer
import Synchronization

/// The tiny random llama of `Tests/Python/llama_reference.py` (2 blocks, 4 query and 2 KV heads
/// of 16, vocabulary 128 with `<|endoftext|>`, `<|im_start|>`, `<|im_end|>`, context 64, a
/// ChatML template), written once per test process and imported into repositories with
/// `GGUFImporter`, as `quantserve import gguf` does.
enum TinyLlama {
    /// The model's context.
    static let contextLength = 64
    /// KV cache bytes per token: 2 layers × 2 KV heads × 16 × keys and values × 2 bytes.
    static let kvBytesPerToken = 256

    /// The GGUF, written by the numpy reference script the first time a test asks for it.
    private static let file: Result<URL, any Error> = Result {
        let folder = try TemporaryDirectory(prefix: "tiny-llama")
        let gguf = folder.appendingPathComponent("tiny.gguf")
        _ = try PythonScript.run(
            "llama_reference.py",
            arguments: ["write-tiny", gguf.path, folder.appendingPathComponent("tiny.json").path])
        return gguf
    }

    /// The GGUF file.
    static func gguf() throws -> URL { try file.get() }

    /// Imports the tiny llama into `repository` as `name`/`version`.
    static func write(name: String, version: UInt64, into repository: URL) throws {
        _ = try GGUFImporter.importModel(
            from: gguf(), to: repository.appendingPathComponent(name).appendingPathComponent("\(version)"))
    }

    /// The version as the server's loader builds it, from a repository of its own.
    static func load() throws -> GenerativeModel {
        let repository = try TemporaryDirectory(prefix: "tiny-llama-reference")
        defer { repository.remove() }
        try write(name: "smol", version: 1, into: repository.url)
        let loader = LlamaVersionLoader(pool: ModelTestServer.pool, kvCacheBytes: 4 * contextLength * kvBytesPerToken)
        guard let model = try loader.load(repository.url.appendingPathComponent("smol/1")) else {
            throw LoadError(description: "the tiny llama's folder was not taken for a generative version")
        }
        return model
    }

    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// Serializes `greedy`: a decoder takes one step at a time, and tests run in parallel.
    private static let stepping = Mutex(())

    /// The greedy continuation of `prompt` computed on the decoder directly, one sequence alone:
    /// its tokens (the end token excluded) and whether an end token stopped it before `maxTokens`.
    static func greedy(_ model: GenerativeModel, prompt: [UInt32], maxTokens: Int) throws -> (
        tokens: [UInt32], stopped: Bool
    ) {
        try stepping.withLock { _ in try greedyAlone(model, prompt: prompt, maxTokens: maxTokens) }
    }

    private static func greedyAlone(_ model: GenerativeModel, prompt: [UInt32], maxTokens: Int) throws -> (
        tokens: [UInt32], stopped: Bool
    ) {
        let decoder = model.decoder
        let sequence = decoder.openSequence()
        defer { decoder.closeSequence(sequence) }
        guard decoder.reserve(sequence, tokens: prompt.count + maxTokens) else {
            throw LoadError(description: "no room for \(prompt.count) + \(maxTokens) tokens")
        }
        var sampler = TokenSampler(parameters: SamplingParameters(), prompt: prompt)
        var next = prompt
        var tokens: [UInt32] = []
        while tokens.count < maxTokens {
            let logits = try decoder.step([DecoderStepEntry(sequence: sequence, tokens: next)])[0]
            let token = sampler.next(logits)
            if model.endTokens.contains(token) { return (tokens, true) }
            tokens.append(token)
            next = [token]
        }
        return (tokens, false)
    }

    /// The prompt tokens of `messages` under the model's chat template.
    static func chatPrompt(_ model: GenerativeModel, _ messages: [ChatTemplate.Message]) throws -> [UInt32] {
        model.tokenizer.encode(try model.chatTemplate!.render(messages))
    }
}

/// What a test watches of one decoder version, set up before the version loads: `gate` holds its
/// steps, `closed` reports each sequence it closes, `freed` finishes when the decoder is freed.
final class DecoderObservation: @unchecked Sendable {
    let gate = StepGate()
    let closed: AsyncStream<DecoderSequenceID>
    let closedContinuation: AsyncStream<DecoderSequenceID>.Continuation
    let freed: AsyncStream<Never>
    let freedContinuation: AsyncStream<Never>.Continuation
    private let lock = NSLock()
    private weak var decoder: ObservedDecoder?

    init() {
        (closed, closedContinuation) = AsyncStream.makeStream()
        (freed, freedContinuation) = AsyncStream.makeStream()
    }

    func attach(_ decoder: ObservedDecoder) { lock.withLock { self.decoder = decoder } }

    /// KV blocks owned by sequences now; -1 once the decoder is freed.
    var usedBlocks: Int {
        lock.withLock { decoder.map { $0.kvBlockCount - $0.freeKVBlocks } ?? -1 }
    }
}

/// The decoder a real loader built, every call forwarded to it, with a `DecoderObservation` on
/// the side: it changes nothing the decoder computes.
final class ObservedDecoder: TokenDecoder, @unchecked Sendable {
    let inner: any TokenDecoder
    let observation: DecoderObservation

    init(_ inner: any TokenDecoder, observation: DecoderObservation) {
        self.inner = inner
        self.observation = observation
        observation.attach(self)
    }

    deinit { observation.freedContinuation.finish() }

    var vocabularySize: Int { inner.vocabularySize }
    var contextLength: Int { inner.contextLength }
    var kvBlockTokens: Int { inner.kvBlockTokens }
    var kvBlockCount: Int { inner.kvBlockCount }
    var freeKVBlocks: Int { inner.freeKVBlocks }
    var kvBytesPerToken: Int { inner.kvBytesPerToken }
    func openSequence() -> DecoderSequenceID { inner.openSequence() }
    func reserve(_ sequence: DecoderSequenceID, tokens: Int) -> Bool { inner.reserve(sequence, tokens: tokens) }
    func storedTokens(_ sequence: DecoderSequenceID) -> Int { inner.storedTokens(sequence) }

    func closeSequence(_ sequence: DecoderSequenceID) {
        inner.closeSequence(sequence)
        observation.closedContinuation.yield(sequence)
    }

    func step(_ entries: [DecoderStepEntry]) throws -> [[Float]] {
        observation.gate.pass()
        return try inner.step(entries)
    }
}

/// `quantserve serve`'s loader of generative versions (`ModelServer.llamaLoader`) with each
/// loaded decoder wrapped in an `ObservedDecoder`, whose observation the test set up by version.
final class ObservedLlamaLoads: Sendable {
    private let observations = Mutex<[UInt64: DecoderObservation]>([:])
    let kvCacheBytes: Int

    init(kvCacheBytes: Int) { self.kvCacheBytes = kvCacheBytes }

    /// The observation of the next load of `version`.
    func watch(version: UInt64) -> DecoderObservation {
        let observation = DecoderObservation()
        observations.withLock { $0[version] = observation }
        return observation
    }

    var loader: ModelRegistry.GeneratorLoader {
        let real = ModelServer.llamaLoader(pool: ModelTestServer.pool, kvCacheBytes: kvCacheBytes)
        return { [self] directory in
            guard let model = try real(directory) else { return nil }
            let version = UInt64(directory.lastPathComponent) ?? 0
            let observation = observations.withLock { $0.removeValue(forKey: version) } ?? DecoderObservation()
            return GenerativeModel(
                decoder: ObservedDecoder(model.decoder, observation: observation), tokenizer: model.tokenizer,
                chatTemplate: model.chatTemplate, endTokens: model.endTokens, weightBytes: model.weightBytes)
        }
    }
}
