import Foundation
import QuantServeAPI
import QuantServeGRPC
import QuantServeTransformer

/// The inference operations, free of any RPC type: resolve a version through the registry,
/// tokenize (on the tokenization pool, stopping between texts and inside long ones once the
/// caller is gone or the deadline passed), queue for the batcher, shape one answer per text. `InferenceService` maps
/// them to RPCs.
public struct Inference: Sendable {
    /// The answer to an Embed call.
    public struct Embeddings: Sendable {
        public var name: String
        public var version: UInt64
        public var vectors: [[Float]]
        public var tokenCounts: [Int]
        public var dimensions: Int
        public var timings: RequestTimings
    }

    /// The answer to a Classify call.
    public struct Classifications: Sendable {
        public var name: String
        public var version: UInt64
        /// The label set that classified.
        public var head: String
        public var results: [[LabelClassifier.Score]]
        public var timings: RequestTimings
    }

    /// The answer to an Answer call: per text, the closest knowledge-base entries.
    public struct Answers: Sendable {
        public var name: String
        public var version: UInt64
        public var results: [[KnowledgeBaseIndex.Match]]
        /// The index that answered (its entries and threshold).
        public var index: KnowledgeBaseIndex
        public var timings: RequestTimings
    }

    /// The answer to a Tokenize call.
    public struct Tokens: Sendable {
        public var name: String
        public var version: UInt64
        public var ids: [[UInt32]]
    }

    /// Texts per request beyond which a request is refused (checked first as it is decoded).
    public static let maxTextsPerRequest = InferenceRequestLimits.maxTexts

    public let registry: ModelRegistry
    /// Where texts are tokenized.
    public let tokenization: TokenizationPool

    public init(registry: ModelRegistry, tokenization: TokenizationPool = .shared) {
        self.registry = registry
        self.tokenization = tokenization
    }

    /// One embedding per text, from the version `name`/`version` resolves to (a READY version
    /// that is not serving only with `.anyReady` access). `inputType` selects the model's input
    /// prefix (empty: its default); one the model does not know is `InferenceError.unknownInputType`.
    public func embed(
        name: String, version: UInt64, access: VersionAccess = .servingOnly, texts: [String], truncate: Bool,
        inputType: String = "", deadline: ContinuousClock.Instant?
    ) async throws -> Embeddings {
        try validate(texts)
        let loaded = try registry.acquire(name: name, version: version, access: access)
        defer { registry.release(loaded) }
        return try await embed(texts, truncate: truncate, inputType: inputType, with: loaded, deadline: deadline)
    }

    /// The `topK` best labels per text from the label set `head` (the version's first when empty).
    public func classify(
        name: String, version: UInt64, access: VersionAccess = .servingOnly, texts: [String], topK: Int,
        head: String = "", deadline: ContinuousClock.Instant?
    ) async throws -> Classifications {
        try validate(texts)
        let loaded = try registry.acquire(name: name, version: version, access: access)
        defer { registry.release(loaded) }
        guard
            let classifier = head.isEmpty
                ? loaded.classifiers.first : loaded.classifiers.first(where: { $0.name == head })
        else {
            throw loaded.classifiers.isEmpty
                ? InferenceError.noIntents(name: loaded.name, version: loaded.version)
                : InferenceError.unknownHead(head, available: loaded.classifiers.map(\.name))
        }
        let embeddings = try await embed(texts, truncate: true, with: loaded, deadline: deadline)
        let results = embeddings.vectors.map { classifier.classify($0, topK: topK) }
        return Classifications(
            name: loaded.name, version: loaded.version, head: classifier.name, results: results,
            timings: embeddings.timings)
    }

    /// The `topK` knowledge-base entries closest to each text.
    public func answer(
        name: String, version: UInt64, access: VersionAccess = .servingOnly, texts: [String], topK: Int,
        deadline: ContinuousClock.Instant?
    ) async throws -> Answers {
        try validate(texts)
        let loaded = try registry.acquire(name: name, version: version, access: access)
        defer { registry.release(loaded) }
        guard let index = loaded.knowledgeBase else {
            throw InferenceError.noKnowledgeBase(name: loaded.name, version: loaded.version)
        }
        let embeddings = try await embed(texts, truncate: true, with: loaded, deadline: deadline)
        let results = embeddings.vectors.map { index.search($0, topK: topK) }
        return Answers(
            name: loaded.name, version: loaded.version, results: results, index: index, timings: embeddings.timings)
    }

    /// Token ids of each text, exactly as the model's tokenizer makes them (truncated to the model's maximum).
    public func tokenize(
        name: String, version: UInt64, access: VersionAccess = .servingOnly, texts: [String],
        deadline: ContinuousClock.Instant?
    ) async throws -> Tokens {
        try validate(texts)
        let loaded = try registry.acquire(name: name, version: version, access: access)
        defer { registry.release(loaded) }
        let ids = try await tokenize(texts, truncate: true, engine: loaded.engine, tokenLimit: nil, deadline: deadline)
        return Tokens(name: loaded.name, version: loaded.version, ids: ids)
    }

    private func embed(
        _ texts: [String], truncate: Bool, inputType: String = "", with loaded: LoadedVersion,
        deadline: ContinuousClock.Instant?
    ) async throws -> Embeddings {
        var timings = RequestTimings()
        let engine = try loaded.engine
        let prefix: String
        do {
            prefix = try engine.inputPrefix(for: inputType)
        } catch {
            throw InferenceError.unknownInputType("\(error)")
        }
        let tokenizeStart = ContinuousClock.now
        let sequences = try await tokenize(
            prefix.isEmpty ? texts : texts.map { prefix + $0 }, truncate: truncate,
            engine: loaded.engine,
            tokenLimit: loaded.scheduler.configuration.maxRequestTokens, deadline: deadline)
        timings.tokenizeMicroseconds = microseconds(tokenizeStart.duration(to: .now))
        let output = try await loaded.scheduler.embed(sequences, deadline: deadline)
        timings.queueMicroseconds = output.queueMicroseconds
        timings.computeMicroseconds = output.computeMicroseconds
        timings.batchSequences = output.batchSequences
        loaded.metrics.recordRequest(timings)
        let dimensions = try loaded.engine.dimensions
        let vectors = (0..<sequences.count).map { Array(output.rows[$0 * dimensions..<($0 + 1) * dimensions]) }
        return Embeddings(
            name: loaded.name, version: loaded.version, vectors: vectors,
            tokenCounts: sequences.map(\.count), dimensions: dimensions, timings: timings)
    }

    /// The token ids of every text, computed on the tokenization pool. Stops between texts and
    /// inside long ones once the caller is cancelled or the deadline passes, and once the texts
    /// so far hold more than `tokenLimit` tokens.
    private func tokenize(
        _ texts: [String], truncate: Bool, engine: any EmbeddingEngine, tokenLimit: Int?,
        deadline: ContinuousClock.Instant?
    ) async throws -> [[UInt32]] {
        let bytes = texts.reduce(0) { $0 + $1.utf8.count }
        return try await tokenization.run(bytes: bytes, deadline: deadline) { stop in
            var sequences: [[UInt32]] = []
            sequences.reserveCapacity(texts.count)
            var tokens = 0
            for (index, text) in texts.enumerated() {
                try stop.check(tokenizedTexts: index)
                let ids = try tokenize(text, index: index, truncate: truncate, engine: engine, stop: stop)
                tokens += ids.count
                if let tokenLimit, tokens > tokenLimit {
                    throw SchedulerError.requestTooLarge(tokens: tokens, limit: tokenLimit)
                }
                sequences.append(ids)
            }
            return sequences
        }
    }

    /// The token ids of one text; a tokenizer error becomes `badText`, and a stop inside the
    /// text says why the work stopped (cancelled, or the deadline passed).
    private func tokenize(
        _ text: String, index: Int, truncate: Bool, engine: any EmbeddingEngine,
        stop: TokenizationPool.StopCheck
    ) throws -> [UInt32] {
        do {
            return try engine.tokenize(text, truncate: truncate, isCancelled: { stop.shouldStop })
        } catch is CancellationError {
            try stop.check(tokenizedTexts: index)
            throw CancellationError()
        } catch {
            throw InferenceError.badText(index: index, reason: "\(error)")
        }
    }

    private func validate(_ texts: [String]) throws {
        guard !texts.isEmpty else { throw InferenceError.noTexts }
        guard texts.count <= Self.maxTextsPerRequest else {
            throw InferenceError.tooManyTexts(count: texts.count, limit: Self.maxTextsPerRequest)
        }
    }
}

/// Why an inference request was refused before it reached the model.
public enum InferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    case noTexts
    case tooManyTexts(count: Int, limit: Int)
    case badText(index: Int, reason: String)
    case noIntents(name: String, version: UInt64)
    case unknownHead(String, available: [String])
    case noKnowledgeBase(name: String, version: UInt64)
    case unknownInputType(String)
    /// Embed, Classify, Answer or Tokenize on a decoder version.
    case notAnEncoder(name: String, version: UInt64)
    /// Generate on an encoder version.
    case notADecoder(name: String, version: UInt64)

    public var description: String {
        switch self {
        case .noTexts: "the request holds no texts: send at least one"
        case .tooManyTexts(let count, let limit): "the request holds \(count) texts, more than the limit of \(limit)"
        case .badText(let index, let reason): "text \(index): \(reason)"
        case .noIntents(let name, let version): "model '\(name)' version \(version) has no intents to classify with"
        case .unknownHead(let head, let available):
            "the model has no label set \(ClientText.quoted(head)); it has \(available.joined(separator: ", "))"
        case .noKnowledgeBase(let name, let version):
            "model '\(name)' version \(version) has no knowledge base to answer from"
        case .notAnEncoder(let name, let version):
            "model '\(name)' version \(version) is a decoder (text generation): call Generate, not Embed, Classify, Answer or Tokenize"
        case .notADecoder(let name, let version):
            "model '\(name)' version \(version) is an encoder (embeddings): Generate needs a decoder model"
        case .unknownInputType(let reason): reason
        }
    }
}

func microseconds(_ duration: Duration) -> Int {
    let (seconds, attoseconds) = duration.components
    return Int(seconds) * 1_000_000 + Int(attoseconds / 1_000_000_000_000)
}
