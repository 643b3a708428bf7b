import Foundation

/// The inference operations, free of any RPC type: resolve a version through the registry,
/// tokenize, queue for the batcher, shape the answer. `InferenceService` maps them to RPCs.
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
        public var results: [[IntentClassifier.Score]]
        public var timings: RequestTimings
    }

    /// The answer to a Tokenize call.
    public struct Tokens: Sendable {
        public var name: String
        public var version: UInt64
        public var ids: [[UInt32]]
    }

    /// Texts per request beyond which a request is refused.
    public static let maxTextsPerRequest = 1024

    public let registry: ModelRegistry

    public init(registry: ModelRegistry) {
        self.registry = registry
    }

    /// One embedding per text, from the version `name`/`version` resolves to (a READY version
    /// that is not serving only with `.anyReady` access).
    public func embed(name: String, version: UInt64, access: VersionAccess = .servingOnly, texts: [String], truncate: Bool,
                      deadline: ContinuousClock.Instant?) async throws -> Embeddings {
        try validate(texts)
        let loaded = try registry.acquire(name: name, version: version, access: access)
        defer { registry.release(loaded) }
        return try await embed(texts, truncate: truncate, with: loaded, deadline: deadline)
    }

    /// The `topK` best intents per text.
    public func classify(name: String, version: UInt64, access: VersionAccess = .servingOnly, texts: [String], topK: Int,
                         deadline: ContinuousClock.Instant?) async throws -> Classifications {
        try validate(texts)
        let loaded = try registry.acquire(name: name, version: version, access: access)
        defer { registry.release(loaded) }
        guard let intents = loaded.intents else {
            throw InferenceError.noIntents(name: loaded.name, version: loaded.version)
        }
        let embeddings = try await embed(texts, truncate: true, with: loaded, deadline: deadline)
        let results = embeddings.vectors.map { intents.classify($0, topK: topK) }
        return Classifications(name: loaded.name, version: loaded.version, results: results, timings: embeddings.timings)
    }

    /// Token ids of each text, exactly as the model's tokenizer makes them (truncated to the model's maximum).
    public func tokenize(name: String, version: UInt64, access: VersionAccess = .servingOnly, texts: [String]) throws -> Tokens {
        try validate(texts)
        let loaded = try registry.acquire(name: name, version: version, access: access)
        defer { registry.release(loaded) }
        let ids = try texts.enumerated().map { index, text in
            try tokenize(text, index: index, truncate: true, engine: loaded.engine)
        }
        return Tokens(name: loaded.name, version: loaded.version, ids: ids)
    }

    private func embed(_ texts: [String], truncate: Bool, with loaded: LoadedVersion,
                       deadline: ContinuousClock.Instant?) async throws -> Embeddings {
        var timings = RequestTimings()
        let tokenizeStart = ContinuousClock.now
        let sequences = try texts.enumerated().map { index, text in
            try tokenize(text, index: index, truncate: truncate, engine: loaded.engine)
        }
        timings.tokenizeMicroseconds = microseconds(tokenizeStart.duration(to: .now))
        let output = try await loaded.scheduler.embed(sequences, deadline: deadline)
        timings.queueMicroseconds = output.queueMicroseconds
        timings.computeMicroseconds = output.computeMicroseconds
        timings.batchSequences = output.batchSequences
        return Embeddings(name: loaded.name, version: loaded.version, vectors: output.embeddings,
                          tokenCounts: sequences.map(\.count), dimensions: loaded.engine.dimensions, timings: timings)
    }

    private func tokenize(_ text: String, index: Int, truncate: Bool, engine: any EmbeddingEngine) throws -> [UInt32] {
        do {
            return try engine.tokenize(text, truncate: truncate)
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

    public var description: String {
        switch self {
        case .noTexts: "the request holds no texts: send at least one"
        case .tooManyTexts(let count, let limit): "the request holds \(count) texts, more than the limit of \(limit)"
        case .badText(let index, let reason): "text \(index): \(reason)"
        case .noIntents(let name, let version): "model '\(name)' version \(version) has no intents to classify with"
        }
    }
}

func microseconds(_ duration: Duration) -> Int {
    let (seconds, attoseconds) = duration.components
    return Int(seconds) * 1_000_000 + Int(attoseconds / 1_000_000_000_000)
}
